// A typed MMC client over any Transport (the Linux SG_IO transport, the emulator): each
// method builds the CDB with cdb.h, runs it, and parses the answer with the codecs of this
// module. Variable-length answers are read the way libburn and growisofs do: a short
// allocation length first to learn the length, then the whole answer. A CHECK CONDITION
// becomes a kDevice Error "COMMAND NAME: KK/AA/QQ description" whose sense stays available
// in last_sense(); a transport failure becomes kIo. The burn engine builds on this class.
#ifndef MKIMG_MMC_DEVICE_H_
#define MKIMG_MMC_DEVICE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "base/error.h"
#include "mmc/cdb.h"
#include "mmc/configuration.h"
#include "mmc/cue_sheet.h"
#include "mmc/disc_info.h"
#include "mmc/disc_structure.h"
#include "mmc/inquiry.h"
#include "mmc/mode_pages.h"
#include "mmc/performance.h"
#include "mmc/sense.h"
#include "mmc/toc.h"
#include "mmc/transport.h"

namespace mmc {

class Device {
 public:
  // `transport` is not owned and must outlive the Device.
  explicit Device(Transport& transport) : transport_(transport) {}

  // Runs one command. Returns the number of bytes transferred. Errors: kDevice for CHECK
  // CONDITION ("NAME: KK/AA/QQ text"), BUSY and RESERVATION CONFLICT; kIo when the
  // transport failed. `timeout_ms` 0 uses the transport's default.
  base::Expected<std::uint32_t> Run(std::span<const std::uint8_t> cdb, DataDirection direction,
                                    std::span<std::uint8_t> data, std::uint32_t timeout_ms = 0);

  // The sense data of the last command that ended in CHECK CONDITION with readable sense;
  // cleared by every command that ends otherwise.
  const std::optional<SenseData>& last_sense() const { return last_sense_; }

  // ---- Identification and state -------------------------------------------------------
  base::Status TestUnitReady();
  base::Expected<SenseData> RequestSense();
  base::Expected<InquiryData> Inquiry();
  base::Expected<Configuration> GetConfiguration(
      ConfigurationRequestType type = ConfigurationRequestType::kAll,
      std::uint16_t starting_feature = 0);
  base::Expected<EventStatus> GetMediaEventStatus();
  // MODE SENSE(10) of one page (or 3Fh for all), without block descriptors.
  base::Expected<ModeParameterList> ModeSense(std::uint8_t page,
                                              PageControl pc = PageControl::kCurrent);
  // MODE SELECT(10) with PF = 1; the mode data length is sent as 0.
  base::Status ModeSelect(const ModeParameterList& list);

  // ---- Medium -------------------------------------------------------------------------
  base::Expected<DiscInformation> ReadDiscInformation();
  base::Expected<TrackInformation> ReadTrackInformation(TrackAddressType type,
                                                        std::uint32_t address_or_number);
  base::Expected<Toc> ReadToc(bool msf = false, std::uint8_t first_track = 0);
  base::Expected<SessionInfo> ReadSessionInfo();
  base::Expected<RawToc> ReadFullToc(std::uint8_t first_session = 1);
  base::Expected<RawToc> ReadPma();
  base::Expected<Atip> ReadAtip();
  base::Expected<CdText> ReadCdText();
  base::Expected<ReadCapacityData> ReadCapacity();
  base::Expected<FormatCapacities> ReadFormatCapacities();
  base::Expected<BufferCapacity> ReadBufferCapacity(bool block = false);
  base::Expected<WriteSpeedData> GetWriteSpeeds(std::uint16_t max_descriptors = 32);
  base::Expected<PerformanceData> GetPerformance(bool write, std::uint16_t max_descriptors = 32);
  base::Expected<DvdPhysicalFormat> ReadDvdPhysicalFormat(std::uint8_t layer = 0);
  base::Expected<BdDiscInformation> ReadBdDiscInformation();

  // ---- Control ------------------------------------------------------------------------
  base::Status PreventAllowMediumRemoval(bool prevent);
  base::Status StartStopUnit(bool start, bool load_eject, bool immediate);
  base::Status RezeroUnit();
  base::Status SetCdSpeed(std::uint16_t read_kbps, std::uint16_t write_kbps);
  base::Status SetStreaming(const StreamingDescriptor& descriptor);
  base::Status SendOpcInformation(bool do_opc);

  // ---- Recording ----------------------------------------------------------------------
  base::Status FormatUnit(const FormatUnitParameters& parameters);
  base::Status Blank(BlankType type, bool immediate, std::uint32_t address_or_track = 0);
  base::Status ReserveTrack(std::uint32_t blocks);
  base::Status SendCueSheet(const CueSheet& sheet);
  base::Status CloseTrackSession(CloseFunction function, std::uint16_t number, bool immediate);
  base::Status SynchronizeCache(bool immediate);
  // REQUIRES: data.size() == blocks * block size of the current write mode.
  base::Status Write10(std::uint32_t lba, std::uint16_t blocks, std::span<const std::uint8_t> data);
  base::Status Write12(std::uint32_t lba, std::uint32_t blocks, std::span<const std::uint8_t> data,
                       bool streaming = false);
  base::Status WriteAndVerify10(std::uint32_t lba, std::uint16_t blocks,
                                std::span<const std::uint8_t> data);
  // Reads into `out` (its size is the transfer length in bytes).
  base::Status Read10(std::uint32_t lba, std::uint16_t blocks, std::span<std::uint8_t> out);
  base::Status Read12(std::uint32_t lba, std::uint32_t blocks, std::span<std::uint8_t> out);
  base::Status ReadCd(ExpectedSectorType type, std::uint32_t lba, std::uint32_t blocks,
                      const ReadCdFields& fields, SubChannelSelection sub_channel,
                      std::span<std::uint8_t> out);

  // Polls TEST UNIT READY while the drive answers NOT READY with "becoming ready",
  // "format in progress", "operation in progress" or "long write in progress" (02/04/01,
  // 02/04/04, 02/04/07, 02/04/08), as libburn and growisofs do after IMMED commands.
  // `progress` (may be empty) receives the progress indication (0..65535) when the drive
  // reports one, either in the TUR sense or, failing that, from REQUEST SENSE. `sleep` is
  // called between polls (tests pass a no-op), with 10 ms first, doubling up to
  // `interval`. Errors: any other sense, or `max_polls`
  // polls without the drive becoming ready (kDevice, "TEST UNIT READY: still busy ...").
  base::Status WaitUntilReady(std::chrono::milliseconds interval, int max_polls,
                              const std::function<void(std::uint16_t)>& progress = {},
                              const std::function<void(std::chrono::milliseconds)>& sleep = {});

 private:
  // Reads a variable-length answer: `build(alloc)` makes the CDB, the first `probe` bytes
  // hold a big-endian length of `length_size` bytes that counts the bytes after itself.
  template <typename BuildCdb>
  base::Expected<std::vector<std::uint8_t>> ReadVariable(const BuildCdb& build, std::uint16_t probe,
                                                         std::size_t length_size,
                                                         std::size_t max_length);
  base::Status NoData(std::span<const std::uint8_t> cdb, std::uint32_t timeout_ms = 0);
  base::Status DataOut(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> data,
                       std::uint32_t timeout_ms = 0);
  base::Status DataIn(std::span<const std::uint8_t> cdb, std::span<std::uint8_t> data);

  Transport& transport_;
  std::optional<SenseData> last_sense_;
};

}  // namespace mmc

#endif  // MKIMG_MMC_DEVICE_H_

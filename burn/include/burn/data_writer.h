// The data engine (IMAPI2's IDiscFormat2Data): one data track of a size known in advance,
// written through a base::BlockSink so that fs::Emit, a copy of an image file or any other
// sequential producer can stream straight into the recorder. Open() validates the medium
// and prepares the recorder (format, write parameters, reservation, layer break, speed);
// the sink takes the track's bytes in order and sends WRITE(10) commands of 32 blocks;
// Commit() pads, flushes the drive's cache and closes the track, the session or the disc
// as the options ask (IMAPI2's ForceMediaToBeClosed). The command sequence of each medium
// is in specs/burn.md with its MMC-6 sections.
#ifndef MKIMG_BURN_DATA_WRITER_H_
#define MKIMG_BURN_DATA_WRITER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/block_sink.h"
#include "base/error.h"
#include "burn/chunker.h"
#include "burn/medium.h"
#include "burn/progress.h"
#include "mmc/device.h"

namespace burn {

enum class WriteMode : std::uint8_t {
  kAuto,  // Track-at-Once on CD, incremental on DVD-R/-RW
  kTao,   // CD Track-at-Once (MMC-5 4.2.3.3), DVD-R incremental (4.5.4.2)
  kSao,   // CD Session-at-Once with a cue sheet (4.2.3.4), DVD-R Disc-at-Once (4.5.4.3)
};

const char* WriteModeName(WriteMode mode);

struct DataBurnOptions {
  // Close the disc (no further session); otherwise leave it appendable where the medium
  // allows it (IMAPI2's ForceMediaToBeClosed, default false).
  bool close = false;
  WriteMode mode = WriteMode::kAuto;
  // Write speed in kB/s (1000 bytes per second); nullopt: the drive's maximum.
  std::optional<std::uint32_t> speed_kbps;
  // Or as a multiple of the medium's 1x (OneXKbps); used when speed_kbps is not set.
  std::optional<double> speed_multiple;
  // Test write: the drive goes through the motions without recording (CD, DVD-R/-RW).
  bool simulate = false;
  // Buffer underrun protection (page 05h BUFE) where the drive has it.
  bool burn_free = true;
  ProgressFn progress;
  CancelFlag cancel = nullptr;
  // The drive's name for messages ("emu:disc.emu", "/dev/sr0").
  std::string where;
};

class DataWriter : public base::BlockSink {
 public:
  // Blocks per WRITE(10) command: 64 KiB, a multiple of every medium's unit (DVD ECC
  // block 16, BD cluster 32).
  static constexpr std::uint32_t kChunkBlocks = 32;

  // Checks that the medium takes `image_blocks` blocks (errors kInvalidInput naming the
  // medium: no medium, closed or appendable disc, image too big, no test write) and
  // prepares the recorder. `device` must outlive the writer.
  static base::Expected<std::unique_ptr<DataWriter>> Open(mmc::Device& device,
                                                          std::uint32_t image_blocks,
                                                          const DataBurnOptions& options);
  ~DataWriter() override;

  // The medium as found before writing.
  const MediumInfo& medium() const { return medium_; }
  // The first block of the track on the medium (0 on a blank disc).
  std::uint32_t start_lba() const { return start_; }
  // Blocks the track will occupy: the image padded to the medium's minimum (a CD track
  // is at least 300 blocks, IEC 60908 / MMC-5 4.2.3.3) and unit.
  std::uint32_t track_blocks() const { return track_blocks_; }
  WriteMode mode() const { return mode_; }
  // xxh3-64 of each kChunkBlocks-block chunk written (the last one as padded), for the
  // quick verification.
  const std::vector<std::uint64_t>& chunk_hashes() const { return hashes_; }

  std::uint64_t position() const override { return written_; }
  // Writes the rest, pads, SYNCHRONIZE CACHE and the closing commands of the medium.
  base::Status Commit() override;

  // What a medium holds after a burn stopped before Commit (cancelled or failed), in
  // words: "the DVD+R holds an incomplete track: ..." (specs/burn.md, "Cancelling").
  std::string AbandonedState() const;

 protected:
  base::Status DoWrite(std::span<const std::uint8_t> data) override;

 private:
  DataWriter(mmc::Device& device, DataBurnOptions options, MediumInfo medium);
  base::Status Prepare(std::uint32_t image_blocks);
  base::Status WriteParameters(std::uint8_t write_type, std::uint8_t track_mode);
  base::Status SetSpeed();
  base::Error Failed(const base::Error& error) const;
  base::Status SendChunk(std::span<const std::uint8_t> bytes);

  mmc::Device& device_;
  DataBurnOptions options_;
  MediumInfo medium_;
  ProgressReporter reporter_;
  WriteMode mode_ = WriteMode::kTao;
  std::uint32_t start_ = 0;
  std::uint32_t image_blocks_ = 0;
  std::uint32_t track_blocks_ = 0;
  std::uint16_t track_number_ = 1;
  std::uint64_t written_ = 0;      // bytes accepted
  std::uint32_t next_lba_ = 0;     // the next WRITE's address
  std::uint32_t sent_blocks_ = 0;  // blocks the drive accepted
  Chunker chunker_;
  std::vector<std::uint64_t> hashes_;
  bool committed_ = false;
  bool touched_ = false;  // anything reached the medium (format or write)
  std::uint32_t writes_ = 0;
};

}  // namespace burn

#endif  // MKIMG_BURN_DATA_WRITER_H_

// The typed MMC client: CDB builders (cdb.h) plus response codecs over a Transport, with
// the two-step allocation-length reads that real drives expect (specs/emulator.md §1,
// specs/compatibility.md).
#include "mmc/device.h"

#include <algorithm>
#include <cstdio>
#include <thread>

namespace mmc {
namespace {

// Commands that may run for minutes when not IMMED (MMC-5 Annex timeouts; libburn uses
// up to 200 s for SYNCHRONIZE CACHE and longer for BLANK/FORMAT).
constexpr std::uint32_t kLongTimeoutMs = 3600u * 1000u;
constexpr std::uint32_t kCloseTimeoutMs = 900u * 1000u;

std::string CommandName(std::span<const std::uint8_t> cdb) {
  std::string_view name = cdb.empty() ? std::string_view() : OpcodeName(cdb[0]);
  if (!name.empty()) return std::string(name);
  char buf[24];
  std::snprintf(buf, sizeof(buf), "opcode %02Xh", cdb.empty() ? 0u : unsigned{cdb[0]});
  return buf;
}

std::span<const std::uint8_t> Prefix(const std::vector<std::uint8_t>& v, std::uint32_t n) {
  return std::span<const std::uint8_t>(v.data(), std::min<std::size_t>(v.size(), n));
}

bool IsBusy(const SenseData& s) {
  return s.key == SenseKey::kNotReady && s.asc == 0x04 &&
         (s.ascq == 0x01 || s.ascq == 0x04 || s.ascq == 0x07 || s.ascq == 0x08);
}

}  // namespace

base::Expected<std::uint32_t> Device::Run(std::span<const std::uint8_t> cdb,
                                          DataDirection direction, std::span<std::uint8_t> data,
                                          std::uint32_t timeout_ms) {
  last_sense_.reset();
  CommandResult r = transport_.Execute(cdb, direction, data, timeout_ms);
  std::string name = CommandName(cdb);
  if (r.transport_error) {
    return base::IoError(name, "transport failure, the command may not have reached the drive");
  }
  switch (r.status) {
    case ScsiStatus::kGood:
      return std::min<std::uint32_t>(r.transferred, static_cast<std::uint32_t>(data.size()));
    case ScsiStatus::kCheckCondition: {
      auto sense = SenseData::Parse(r.sense);
      if (!sense) {
        return base::Error(
            base::ErrorCode::kDevice, name,
            "CHECK CONDITION with unreadable sense (" + sense.error().ToString() + ")");
      }
      last_sense_ = *sense;
      return base::Error(base::ErrorCode::kDevice, name, sense->ToString());
    }
    case ScsiStatus::kBusy:
      return base::Error(base::ErrorCode::kDevice, name, "status BUSY");
    case ScsiStatus::kReservationConflict:
      return base::Error(base::ErrorCode::kDevice, name, "status RESERVATION CONFLICT");
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "SCSI status %02Xh", static_cast<unsigned>(r.status));
  return base::Error(base::ErrorCode::kDevice, name, buf);
}

base::Status Device::NoData(std::span<const std::uint8_t> cdb, std::uint32_t timeout_ms) {
  RETURN_IF_ERROR(Run(cdb, DataDirection::kNone, {}, timeout_ms));
  return base::Ok();
}

base::Status Device::DataOut(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> data,
                             std::uint32_t timeout_ms) {
  // Transport::Execute takes a mutable span for both directions; a data-out buffer is
  // only read, so the copy keeps the caller's bytes const-correct.
  std::vector<std::uint8_t> buffer(data.begin(), data.end());
  RETURN_IF_ERROR(Run(cdb, DataDirection::kToDevice, buffer, timeout_ms));
  return base::Ok();
}

base::Status Device::DataIn(std::span<const std::uint8_t> cdb, std::span<std::uint8_t> data) {
  ASSIGN_OR_RETURN(std::uint32_t n, Run(cdb, DataDirection::kFromDevice, data));
  if (n != data.size()) {
    return base::Error(
        base::ErrorCode::kDevice, CommandName(cdb),
        "transferred " + std::to_string(n) + " of " + std::to_string(data.size()) + " bytes");
  }
  return base::Ok();
}

template <typename BuildCdb>
base::Expected<std::vector<std::uint8_t>> Device::ReadVariable(const BuildCdb& build,
                                                               std::uint16_t probe,
                                                               std::size_t length_size,
                                                               std::size_t max_length) {
  std::vector<std::uint8_t> head(probe, 0);
  auto cdb = build(probe);
  ASSIGN_OR_RETURN(std::uint32_t got, Run(cdb, DataDirection::kFromDevice, head));
  if (got < length_size) {
    head.resize(got);
    return head;  // the parser reports the short answer
  }
  std::uint64_t length = 0;
  for (std::size_t i = 0; i < length_size; ++i) length = (length << 8) | head[i];
  std::size_t total = static_cast<std::size_t>(
      std::min<std::uint64_t>(length + length_size, std::min<std::size_t>(max_length, 0xFFFF)));
  if (total <= got) {
    head.resize(std::min<std::size_t>(got, total));
    return head;
  }
  std::vector<std::uint8_t> full(total, 0);
  auto cdb2 = build(static_cast<std::uint16_t>(total));
  ASSIGN_OR_RETURN(std::uint32_t got2, Run(cdb2, DataDirection::kFromDevice, full));
  full.resize(got2);
  return full;
}

base::Status Device::TestUnitReady() { return NoData(mmc::TestUnitReady()); }

base::Expected<SenseData> Device::RequestSense() {
  std::vector<std::uint8_t> buf(252, 0);
  auto cdb = mmc::RequestSense(false, static_cast<std::uint8_t>(buf.size()));
  ASSIGN_OR_RETURN(std::uint32_t n, Run(cdb, DataDirection::kFromDevice, buf));
  return SenseData::Parse(Prefix(buf, n));
}

base::Expected<InquiryData> Device::Inquiry() {
  // libburn asks 36 bytes, cdrdao 44; 96 covers the version descriptors.
  std::vector<std::uint8_t> buf(96, 0);
  auto cdb = mmc::Inquiry(static_cast<std::uint16_t>(buf.size()));
  ASSIGN_OR_RETURN(std::uint32_t n, Run(cdb, DataDirection::kFromDevice, buf));
  return InquiryData::Parse(Prefix(buf, n));
}

base::Expected<Configuration> Device::GetConfiguration(ConfigurationRequestType type,
                                                       std::uint16_t starting_feature) {
  ASSIGN_OR_RETURN(
      std::vector<std::uint8_t> data,
      ReadVariable(
          [&](std::uint16_t alloc) { return mmc::GetConfiguration(type, starting_feature, alloc); },
          8, 4, 65530));
  return Configuration::Parse(data);
}

base::Expected<EventStatus> Device::GetMediaEventStatus() {
  std::vector<std::uint8_t> buf(8, 0);
  auto cdb = GetEventStatusNotification(1u << EventStatus::kMediaClass, 8);
  ASSIGN_OR_RETURN(std::uint32_t n, Run(cdb, DataDirection::kFromDevice, buf));
  return EventStatus::Parse(Prefix(buf, n));
}

base::Expected<ModeParameterList> Device::ModeSense(std::uint8_t page, PageControl pc) {
  ASSIGN_OR_RETURN(std::vector<std::uint8_t> data,
                   ReadVariable(
                       [&](std::uint16_t alloc) {
                         return ModeSense10(page, pc, alloc, /*disable_block_descriptors=*/true);
                       },
                       8, 2, 65534));
  return ModeParameterList::Parse10(data);
}

base::Status Device::ModeSelect(const ModeParameterList& list) {
  std::vector<std::uint8_t> data;
  base::ByteWriter w(&data);
  list.Encode10To(w, /*for_select=*/true);
  if (data.size() > 0xFFFF) {
    return base::InvalidInput("MODE SELECT(10)",
                              "parameter list of " + std::to_string(data.size()) + " bytes");
  }
  return DataOut(ModeSelect10(static_cast<std::uint16_t>(data.size())), data);
}

base::Expected<DiscInformation> Device::ReadDiscInformation() {
  ASSIGN_OR_RETURN(std::vector<std::uint8_t> data,
                   ReadVariable([](std::uint16_t alloc) { return mmc::ReadDiscInformation(alloc); },
                                DiscInformation::kLength, 2, 34 + 8 * 255));
  return DiscInformation::Parse(data);
}

base::Expected<TrackInformation> Device::ReadTrackInformation(TrackAddressType type,
                                                              std::uint32_t address_or_number) {
  std::vector<std::uint8_t> buf(TrackInformation::kLength, 0);
  auto cdb =
      mmc::ReadTrackInformation(type, address_or_number, static_cast<std::uint16_t>(buf.size()));
  ASSIGN_OR_RETURN(std::uint32_t n, Run(cdb, DataDirection::kFromDevice, buf));
  return TrackInformation::Parse(Prefix(buf, n));
}

base::Expected<Toc> Device::ReadToc(bool msf, std::uint8_t first_track) {
  ASSIGN_OR_RETURN(std::vector<std::uint8_t> data, ReadVariable(
                                                       [&](std::uint16_t alloc) {
                                                         return ReadTocPmaAtip(TocFormat::kToc, msf,
                                                                               first_track, alloc);
                                                       },
                                                       4, 2, 4 + 8 * 101));
  return Toc::Parse(data);
}

base::Expected<SessionInfo> Device::ReadSessionInfo() {
  std::vector<std::uint8_t> buf(12, 0);
  auto cdb = ReadTocPmaAtip(TocFormat::kSessionInfo, false, 0, 12);
  ASSIGN_OR_RETURN(std::uint32_t n, Run(cdb, DataDirection::kFromDevice, buf));
  return SessionInfo::Parse(Prefix(buf, n));
}

base::Expected<RawToc> Device::ReadFullToc(std::uint8_t first_session) {
  ASSIGN_OR_RETURN(std::vector<std::uint8_t> data,
                   ReadVariable(
                       [&](std::uint16_t alloc) {
                         return ReadTocPmaAtip(TocFormat::kFullToc, false, first_session, alloc);
                       },
                       4, 2, 65534));
  return RawToc::Parse(data);
}

base::Expected<RawToc> Device::ReadPma() {
  ASSIGN_OR_RETURN(
      std::vector<std::uint8_t> data,
      ReadVariable(
          [](std::uint16_t alloc) { return ReadTocPmaAtip(TocFormat::kPma, false, 0, alloc); }, 4,
          2, 65534));
  return RawToc::Parse(data);
}

base::Expected<Atip> Device::ReadAtip() {
  std::vector<std::uint8_t> buf(32, 0);
  auto cdb = ReadTocPmaAtip(TocFormat::kAtip, false, 0, 32);
  ASSIGN_OR_RETURN(std::uint32_t n, Run(cdb, DataDirection::kFromDevice, buf));
  return Atip::Parse(Prefix(buf, n));
}

base::Expected<CdText> Device::ReadCdText() {
  ASSIGN_OR_RETURN(
      std::vector<std::uint8_t> data,
      ReadVariable(
          [](std::uint16_t alloc) { return ReadTocPmaAtip(TocFormat::kCdText, false, 0, alloc); },
          4, 2, 65534));
  return CdText::Parse(data);
}

base::Expected<ReadCapacityData> Device::ReadCapacity() {
  std::vector<std::uint8_t> buf(ReadCapacityData::kLength, 0);
  ASSIGN_OR_RETURN(std::uint32_t n, Run(mmc::ReadCapacity(), DataDirection::kFromDevice, buf));
  return ReadCapacityData::Parse(Prefix(buf, n));
}

base::Expected<FormatCapacities> Device::ReadFormatCapacities() {
  // The capacity list length is one byte (byte 3): probe 4 bytes like libburn.
  ASSIGN_OR_RETURN(
      std::vector<std::uint8_t> data,
      ReadVariable([](std::uint16_t alloc) { return mmc::ReadFormatCapacities(alloc); }, 4, 4,
                   4 + 0xFF));
  return FormatCapacities::Parse(data);
}

base::Expected<BufferCapacity> Device::ReadBufferCapacity(bool block) {
  std::vector<std::uint8_t> buf(BufferCapacity::kLength, 0);
  auto cdb = mmc::ReadBufferCapacity(block, static_cast<std::uint16_t>(buf.size()));
  ASSIGN_OR_RETURN(std::uint32_t n, Run(cdb, DataDirection::kFromDevice, buf));
  return BufferCapacity::Parse(Prefix(buf, n));
}

base::Expected<WriteSpeedData> Device::GetWriteSpeeds(std::uint16_t max_descriptors) {
  std::vector<std::uint8_t> buf(8 + 16u * max_descriptors, 0);
  auto cdb = GetPerformanceOfType(PerformanceType::kWriteSpeed, max_descriptors);
  ASSIGN_OR_RETURN(std::uint32_t n, Run(cdb, DataDirection::kFromDevice, buf));
  return WriteSpeedData::Parse(Prefix(buf, n));
}

base::Expected<PerformanceData> Device::GetPerformance(bool write, std::uint16_t max_descriptors) {
  std::vector<std::uint8_t> buf(8 + 16u * max_descriptors, 0);
  auto cdb = mmc::GetPerformance(write, PerformanceExcept::kNominal, 0, max_descriptors);
  ASSIGN_OR_RETURN(std::uint32_t n, Run(cdb, DataDirection::kFromDevice, buf));
  return PerformanceData::Parse(Prefix(buf, n));
}

base::Expected<DvdPhysicalFormat> Device::ReadDvdPhysicalFormat(std::uint8_t layer) {
  std::vector<std::uint8_t> buf(4 + DvdPhysicalFormat::kDescriptorLength, 0);
  auto cdb = ReadDiscStructure(DiscStructureMedia::kDvd, 0, layer, 0x00,
                               static_cast<std::uint16_t>(buf.size()));
  ASSIGN_OR_RETURN(std::uint32_t n, Run(cdb, DataDirection::kFromDevice, buf));
  return DvdPhysicalFormat::Parse(Prefix(buf, n));
}

base::Expected<BdDiscInformation> Device::ReadBdDiscInformation() {
  std::vector<std::uint8_t> buf(4100, 0);
  auto cdb = ReadDiscStructure(DiscStructureMedia::kBd, 0, 0, 0x00,
                               static_cast<std::uint16_t>(buf.size()));
  ASSIGN_OR_RETURN(std::uint32_t n, Run(cdb, DataDirection::kFromDevice, buf));
  return BdDiscInformation::Parse(Prefix(buf, n));
}

base::Status Device::PreventAllowMediumRemoval(bool prevent) {
  return NoData(mmc::PreventAllowMediumRemoval(prevent));
}

base::Status Device::StartStopUnit(bool start, bool load_eject, bool immediate) {
  return NoData(mmc::StartStopUnit(start, load_eject, immediate), immediate ? 0 : kCloseTimeoutMs);
}

base::Status Device::RezeroUnit() { return NoData(mmc::RezeroUnit()); }

base::Status Device::SetCdSpeed(std::uint16_t read_kbps, std::uint16_t write_kbps) {
  return NoData(mmc::SetCdSpeed(read_kbps, write_kbps));
}

base::Status Device::SetStreaming(const StreamingDescriptor& descriptor) {
  std::vector<std::uint8_t> data = Encode(descriptor);
  return DataOut(mmc::SetStreaming(static_cast<std::uint16_t>(data.size())), data);
}

base::Status Device::SendOpcInformation(bool do_opc) {
  return NoData(mmc::SendOpcInformation(do_opc), kCloseTimeoutMs);
}

base::Status Device::FormatUnit(const FormatUnitParameters& parameters) {
  auto data = EncodeFormatUnitParameters(parameters);
  return DataOut(mmc::FormatUnit(), data,
                 parameters.immediate && parameters.format_options_valid ? 0 : kLongTimeoutMs);
}

base::Status Device::Blank(BlankType type, bool immediate, std::uint32_t address_or_track) {
  return NoData(mmc::Blank(type, immediate, address_or_track), immediate ? 0 : kLongTimeoutMs);
}

base::Status Device::ReserveTrack(std::uint32_t blocks) {
  return NoData(mmc::ReserveTrack(blocks), kCloseTimeoutMs);
}

base::Status Device::SendCueSheet(const CueSheet& sheet) {
  std::vector<std::uint8_t> data = Encode(sheet);
  if (data.empty() || data.size() >= (1u << 24)) {
    return base::InvalidInput("SEND CUE SHEET",
                              "cue sheet of " + std::to_string(data.size()) + " bytes");
  }
  return DataOut(mmc::SendCueSheet(static_cast<std::uint32_t>(data.size())), data);
}

base::Status Device::CloseTrackSession(CloseFunction function, std::uint16_t number,
                                       bool immediate) {
  return NoData(mmc::CloseTrackSession(function, number, immediate),
                immediate ? 0 : kLongTimeoutMs);
}

base::Status Device::SynchronizeCache(bool immediate) {
  return NoData(mmc::SynchronizeCache(immediate), immediate ? 0 : kCloseTimeoutMs);
}

base::Status Device::Write10(std::uint32_t lba, std::uint16_t blocks,
                             std::span<const std::uint8_t> data) {
  return DataOut(mmc::Write10(lba, blocks), data);
}

base::Status Device::Write12(std::uint32_t lba, std::uint32_t blocks,
                             std::span<const std::uint8_t> data, bool streaming) {
  return DataOut(mmc::Write12(lba, blocks, false, streaming), data);
}

base::Status Device::WriteAndVerify10(std::uint32_t lba, std::uint16_t blocks,
                                      std::span<const std::uint8_t> data) {
  return DataOut(mmc::WriteAndVerify10(lba, blocks), data);
}

base::Status Device::Read10(std::uint32_t lba, std::uint16_t blocks, std::span<std::uint8_t> out) {
  return DataIn(mmc::Read10(lba, blocks), out);
}

base::Status Device::Read12(std::uint32_t lba, std::uint32_t blocks, std::span<std::uint8_t> out) {
  return DataIn(mmc::Read12(lba, blocks), out);
}

base::Status Device::ReadCd(ExpectedSectorType type, std::uint32_t lba, std::uint32_t blocks,
                            const ReadCdFields& fields, SubChannelSelection sub_channel,
                            std::span<std::uint8_t> out) {
  return DataIn(mmc::ReadCd(type, lba, blocks, fields, sub_channel), out);
}

base::Status Device::WaitUntilReady(std::chrono::milliseconds interval, int max_polls,
                                    const std::function<void(std::uint16_t)>& progress,
                                    const std::function<void(std::chrono::milliseconds)>& sleep) {
  for (int poll = 0; poll < max_polls; ++poll) {
    base::Status s = TestUnitReady();
    if (s) return s;
    if (!last_sense_ || !IsBusy(*last_sense_)) return s;
    if (progress) {
      std::optional<std::uint16_t> fraction = last_sense_->progress();
      if (!fraction) {
        auto requested = RequestSense();
        if (requested) fraction = requested->progress();
      }
      if (fraction) progress(*fraction);
    }
    // A drive that finishes quickly (or a virtual one) is not kept waiting a whole
    // interval: the waits start at 10 ms and double up to `interval`.
    const auto wait = std::min(interval, std::chrono::milliseconds(10LL << std::min(poll, 16)));
    if (sleep) {
      sleep(wait);
    } else {
      std::this_thread::sleep_for(wait);
    }
  }
  return base::Error(base::ErrorCode::kDevice, "TEST UNIT READY",
                     "still busy after " + std::to_string(max_polls) + " polls");
}

}  // namespace mmc

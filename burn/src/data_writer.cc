// The data engine (burn/data_writer.h). Command sequences per medium: specs/burn.md.
// Section numbers are those of MMC-5 r03c, whose layouts MMC-6 keeps (specs/mmc.md).
#include "burn/data_writer.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

#include "base/block_device.h"
#include "base/bytes.h"
#include "burn/erase.h"
#include "cd/msf.h"
#include "mmc/cdb.h"

namespace burn {

namespace {

constexpr std::uint32_t kCdMinTrackBlocks = 300;  // 4 s, IEC 60908 / MMC-5 4.2.3.3
constexpr std::uint32_t kCdPregapBlocks = 150;    // the first track's 2 s pre-gap

std::uint32_t AlignUp(std::uint32_t v, std::uint32_t a) { return (v + a - 1) / a * a; }

bool Sequential(MediumKind k) {
  return k == MediumKind::kCd || k == MediumKind::kDvdMinusSeq || k == MediumKind::kDvdPlusR ||
         k == MediumKind::kBdR;
}

}  // namespace

const char* WriteModeName(WriteMode mode) {
  switch (mode) {
    case WriteMode::kAuto:
      return "auto";
    case WriteMode::kTao:
      return "tao";
    case WriteMode::kSao:
      return "sao";
  }
  return "auto";
}

DataWriter::DataWriter(mmc::Device& device, DataBurnOptions options, MediumInfo medium)
    : device_(device),
      options_(std::move(options)),
      medium_(std::move(medium)),
      reporter_(options_.progress),
      chunker_(std::size_t{kChunkBlocks} * base::kBlockSize) {}

DataWriter::~DataWriter() {
  // A burn that stopped half-way: what reached the drive is flushed to the medium, which
  // is left as AbandonedState() says (specs/burn.md, "Cancelling").
  if (touched_ && !committed_) (void)device_.SynchronizeCache(false);
}

base::Expected<std::unique_ptr<DataWriter>> DataWriter::Open(mmc::Device& device,
                                                             std::uint32_t image_blocks,
                                                             const DataBurnOptions& options) {
  ProgressReporter validating(options.progress);
  validating.Report(Action::kValidating, 0, image_blocks, 0, std::nullopt, true);
  auto medium = ProbeMedium(device);
  if (!medium) return medium.error().WithWhere(options.where);
  std::unique_ptr<DataWriter> w(new DataWriter(device, options, std::move(*medium)));
  RETURN_IF_ERROR(w->Prepare(image_blocks));
  return w;
}

base::Status DataWriter::Prepare(std::uint32_t image_blocks) {
  const MediumInfo& m = medium_;
  const std::string& where = options_.where;
  const std::string name = ProfileName(m.profile);
  image_blocks_ = image_blocks;
  switch (m.kind) {
    case MediumKind::kNone:
      return base::InvalidInput(where, "no medium in the drive");
    case MediumKind::kReadOnly:
      return base::InvalidInput(where, name + " is a read-only disc");
    case MediumKind::kUnknown:
      return base::Unsupported(where, "the data engine does not write " + name);
    default:
      break;
  }
  if (m.state == MediumState::kComplete) {
    return base::InvalidInput(
        where, "the " + name + " is closed (" + std::to_string(m.sessions) + " session" +
                   (m.sessions == 1 ? "" : "s") + ")" +
                   (m.erasable ? "; erase it first (mkimg erase)" : "; use a blank disc"));
  }
  if (m.state == MediumState::kAppendable) {
    return base::InvalidInput(
        where, "the " + name + " already holds " + std::to_string(m.sessions) + " session" +
                   (m.sessions == 1 ? "" : "s") + " (appendable, next writable LBA " +
                   std::to_string(m.next_writable.value_or(0)) +
                   "); mkimg burns onto blank or rewritable media" +
                   (m.erasable ? " (erase it first: mkimg erase)" : ""));
  }
  const bool cd = m.kind == MediumKind::kCd;
  const bool dvd_minus = m.kind == MediumKind::kDvdMinusSeq;
  if (options_.simulate && !cd && !dvd_minus) {
    return base::Unsupported(where, name +
                                        " has no test write (--simulate works on CD-R/RW and "
                                        "DVD-R/RW, MMC-5 7.5.4.3)");
  }
  mode_ = options_.mode == WriteMode::kAuto ? WriteMode::kTao : options_.mode;
  if (mode_ == WriteMode::kSao && !cd && !dvd_minus) {
    return base::InvalidInput(where,
                              "--write-mode sao applies to CD (Session-at-Once) and "
                              "DVD-R/RW (Disc-at-Once), not " +
                                  name);
  }
  if (dvd_minus && mode_ == WriteMode::kSao && !options_.close) {
    return base::InvalidInput(where,
                              "DVD-R Disc-at-Once closes the disc: add --close, or "
                              "write incrementally (--write-mode tao)");
  }
  track_blocks_ = image_blocks;
  if (cd) track_blocks_ = std::max(track_blocks_, kCdMinTrackBlocks);
  if ((dvd_minus && mode_ == WriteMode::kSao) || m.kind == MediumKind::kDvdMinusRwRo) {
    track_blocks_ = AlignUp(track_blocks_, 16);  // one ECC block, MMC-5 4.5.3 / 4.5.4.3
  }
  if (image_blocks == 0) return base::InvalidInput(where, "the image is empty");
  const std::uint32_t free = m.free_blocks;
  if (track_blocks_ > free) {
    return base::InvalidInput(
        where, "the image needs " + std::to_string(track_blocks_) + " blocks (" +
                   std::to_string(std::uint64_t{track_blocks_} * base::kBlockSize / 1000000) +
                   " MB) but the " + name + " has " + std::to_string(free) + " blocks free");
  }
  start_ = m.next_writable.value_or(0);

  // Formatting (IMAPI2's "formatting" action): DVD+RW, BD-RE and DVD-RAM need a format.
  if (!m.formatted && (m.kind == MediumKind::kDvdPlusRw || m.kind == MediumKind::kBdRe)) {
    touched_ = true;
    if (auto st = FormatForWriting(device_, m, false, reporter_); !st) return Failed(st.error());
    start_ = 0;
  }
  reporter_.Report(Action::kInitializing, start_, track_blocks_, 0, std::nullopt, true);
  RETURN_IF_ERROR(SetSpeed());
  if (cd) {
    // Page 05h (MMC-5 7.5): TAO or SAO, track mode 4 (data, uninterrupted), data block
    // type 8 (mode 1, 2048 bytes).
    RETURN_IF_ERROR(WriteParameters(mode_ == WriteMode::kSao ? 2 : 1, 4));
  } else if (dvd_minus) {
    // Incremental (write type 0) or DAO (2); track mode 5 as the DVD-R drives expect.
    RETURN_IF_ERROR(WriteParameters(mode_ == WriteMode::kSao ? 2 : 0, 5));
  }
  if (Sequential(m.kind)) {
    auto ti = device_.ReadTrackInformation(mmc::TrackAddressType::kTrackNumber, 0xFF);
    if (!ti) return Failed(ti.error());
    track_number_ = ti->track;
    if (ti->next_writable_address_valid) start_ = ti->next_writable_address;
    // In SAO mode a CD's NWA is the first pre-gap block (MMC-5 6.27.3.8: 150 blocks before
    // the program area on a blank disc).
    if (cd && mode_ == WriteMode::kSao) start_ += kCdPregapBlocks;
  }
  if (dvd_minus && mode_ == WriteMode::kSao) {
    // MMC-5 4.5.4.3: DAO writes one reserved track of the whole size.
    if (auto st = device_.ReserveTrack(track_blocks_); !st) return Failed(st.error());
  }
  if (m.profile == 0x002B && m.layer_break_settable && m.capacity_blocks != 0) {
    // DVD+R DL: place the layer break in the middle of the image so both layers hold half
    // (growisofs -dvd-compat, IMAPI2); the drive accepts 1/16 .. 1/2 of the capacity in
    // ECC blocks (MMC-5 6.34.3.4, format 20h).
    const std::uint32_t minimum = AlignUp(m.capacity_blocks / 16, 16);
    const std::uint32_t half = AlignUp((track_blocks_ + 1) / 2, 16);
    if (half >= minimum && half < m.layer_break.value_or(m.capacity_blocks / 2)) {
      std::vector<std::uint8_t> p(12, 0);
      base::StoreBe16(&p[0], 10);
      base::StoreBe32(&p[8], half);
      const auto cdb = mmc::SendDiscStructure(mmc::DiscStructureMedia::kDvd, 0x20, 12);
      if (auto st = device_.Run(cdb, mmc::DataDirection::kToDevice, p); !st)
        return Failed(st.error());
      medium_.layer_break = half;
    }
  }
  if (cd && mode_ == WriteMode::kSao) {
    // MMC-5 6.33: one data track from the 2 s pre-gap, lead-out after it.
    mmc::CueSheet sheet;
    auto entry = [](std::uint8_t track, std::uint8_t index, std::uint8_t form, std::int32_t lba) {
      mmc::CueSheetEntry e;
      e.control = 4;
      e.adr = 1;
      e.track = track;
      e.index = index;
      e.data_form = form;
      e.absolute_time = cd::LbaToMsf(lba);
      return e;
    };
    const std::int32_t start = static_cast<std::int32_t>(start_);
    sheet.entries.push_back(entry(0, 0, 0x14, start - 150));  // lead-in, mode 1 generated
    sheet.entries.push_back(entry(1, 0, 0x10, start - 150));  // pre-gap, host mode 1 data
    sheet.entries.push_back(entry(1, 1, 0x10, start));
    sheet.entries.push_back(entry(0xAA, 1, 0x14, start + static_cast<std::int32_t>(track_blocks_)));
    sheet.entries.front().absolute_time = cd::Msf{0, 0, 0};
    if (auto st = device_.SendCueSheet(sheet); !st) return Failed(st.error());
    // The pre-gap: 150 blocks of zeros from LBA -150 (MMC-5 4.2.3.4).
    std::vector<std::uint8_t> zeros(std::size_t{kCdPregapBlocks} * base::kBlockSize, 0);
    touched_ = true;
    if (auto st = device_.Write10(static_cast<std::uint32_t>(start - 150), kCdPregapBlocks, zeros);
        !st) {
      return Failed(st.error());
    }
  }
  next_lba_ = start_;
  return base::Ok();
}

base::Status DataWriter::WriteParameters(std::uint8_t write_type, std::uint8_t track_mode) {
  mmc::WriteParametersPage page;
  if (auto sensed = device_.ModeSense(mmc::WriteParametersPage::kCode); sensed) {
    if (const mmc::ModePage* p = sensed->Find(mmc::WriteParametersPage::kCode)) {
      if (auto parsed = mmc::WriteParametersPage::FromPage(*p)) page = *parsed;
    }
  }
  page.write_type = static_cast<mmc::WriteType>(write_type);
  page.track_mode = track_mode;
  page.data_block_type = 8;
  page.test_write = options_.simulate;
  page.buffer_underrun_free = options_.burn_free;
  page.multi_session =
      options_.close ? mmc::MultiSession::kNoNextSession : mmc::MultiSession::kNextSessionAllowed;
  page.fixed_packet = false;
  page.packet_size = 0;
  page.link_size_valid = false;
  page.link_size = 0;
  page.session_format = 0;
  page.audio_pause_length = 150;
  mmc::ModeParameterList list;
  list.pages.push_back(page.ToPage());
  if (auto st = device_.ModeSelect(list); !st) return Failed(st.error());
  return base::Ok();
}

base::Status DataWriter::SetSpeed() {
  if (!options_.speed_kbps && !options_.speed_multiple) return base::Ok();
  const std::uint32_t kbps =
      options_.speed_kbps
          ? *options_.speed_kbps
          : static_cast<std::uint32_t>(*options_.speed_multiple * OneXKbps(medium_));
  base::Status st = base::Ok();
  if (medium_.kind == MediumKind::kCd) {
    // MMC-5 6.37: SET CD SPEED, read speed FFFFh (maximum).
    st = device_.SetCdSpeed(0xFFFF,
                            static_cast<std::uint16_t>(std::min<std::uint32_t>(kbps, 0xFFFF)));
  } else {
    // MMC-5 6.39: SET STREAMING, write_size kB every write_time ms.
    mmc::StreamingDescriptor d;
    d.start_lba = 0;
    d.end_lba = medium_.capacity_blocks == 0 ? 0 : medium_.capacity_blocks - 1;
    d.read_size = kbps;
    d.read_time = 1000;
    d.write_size = kbps;
    d.write_time = 1000;
    st = device_.SetStreaming(d);
  }
  if (!st) return Failed(st.error());
  return base::Ok();
}

base::Error DataWriter::Failed(const base::Error& error) const {
  std::string where = options_.where;
  if (sent_blocks_ != 0 || next_lba_ != 0) {
    where += (where.empty() ? "" : ": ") + base::LbaWhere(next_lba_);
  }
  return base::Error(error.code(), where, error.ToString() + "; " + AbandonedState());
}

std::string DataWriter::AbandonedState() const {
  const std::string name = ProfileName(medium_.profile);
  if (!touched_) return "nothing was written: the " + name + " is unchanged";
  if (options_.simulate) return "test write: nothing was recorded on the " + name;
  if (Sequential(medium_.kind)) {
    std::string s = "the " + name + " holds an unfinished track (" + std::to_string(sent_blocks_) +
                    " of " + std::to_string(track_blocks_) + " blocks written from LBA " +
                    std::to_string(start_) + ")";
    if (medium_.erasable) return s + "; erase it before reuse (mkimg erase)";
    return s + "; a write-once disc cannot be used for this image again";
  }
  return "the " + name + " was overwritten from LBA " + std::to_string(start_) + " to " +
         std::to_string(start_ + sent_blocks_) + "; what it held before is damaged, burn it again";
}

base::Status DataWriter::SendChunk(std::span<const std::uint8_t> bytes) {
  if (Cancelled(options_.cancel)) {
    return base::Error(base::ErrorCode::kCancelled, options_.where,
                       "cancelled at " + base::LbaWhere(next_lba_) + "; " + AbandonedState());
  }
  const auto blocks = static_cast<std::uint32_t>(bytes.size() / base::kBlockSize);
  hashes_.push_back(XXH3_64bits(bytes.data(), bytes.size()));
  touched_ = true;
  if (auto st = device_.Write10(next_lba_, static_cast<std::uint16_t>(blocks), bytes); !st) {
    return Failed(st.error());
  }
  next_lba_ += blocks;
  sent_blocks_ += blocks;
  ++writes_;
  std::optional<std::uint8_t> fill;
  if (reporter_.wanted() && writes_ % 64 == 0) {
    // READ BUFFER CAPACITY (MMC-5 6.18): how full the drive's buffer is.
    if (auto cap = device_.ReadBufferCapacity(); cap && cap->buffer_length != 0) {
      fill =
          static_cast<std::uint8_t>(100 - std::uint64_t{cap->available} * 100 / cap->buffer_length);
    }
  }
  reporter_.Report(Action::kWriting, start_, track_blocks_, sent_blocks_, fill);
  return base::Ok();
}

base::Status DataWriter::DoWrite(std::span<const std::uint8_t> data) {
  written_ += data.size();
  return chunker_.Feed(data, [this](std::span<const std::uint8_t> c) { return SendChunk(c); });
}

base::Status DataWriter::Commit() {
  if (committed_) return base::Ok();
  // The last partial chunk and the padding up to track_blocks_ (zeros).
  const std::uint64_t target = std::uint64_t{track_blocks_} * base::kBlockSize;
  if (written_ > target) {
    return base::Error(
        base::ErrorCode::kIo, options_.where,
        "the source gave more than the " + std::to_string(image_blocks_) + " blocks planned");
  }
  if (written_ % base::kBlockSize != 0) {
    const std::uint64_t pad = base::kBlockSize - written_ % base::kBlockSize;
    std::vector<std::uint8_t> zeros(pad, 0);
    RETURN_IF_ERROR(DoWrite(zeros));
  }
  if (written_ < std::uint64_t{image_blocks_} * base::kBlockSize) {
    return base::Error(base::ErrorCode::kIo, options_.where,
                       "the source ended after " + std::to_string(written_ / base::kBlockSize) +
                           " of " + std::to_string(image_blocks_) + " blocks; " + AbandonedState());
  }
  std::vector<std::uint8_t> zeros(chunker_.chunk_bytes(), 0);
  while (written_ < target) {
    const std::uint64_t n =
        std::min<std::uint64_t>(target - written_, zeros.size() - chunker_.pending());
    RETURN_IF_ERROR(DoWrite(std::span<const std::uint8_t>(zeros.data(), n)));
  }
  // written_ is whole blocks here: the last short chunk needs no padding.
  RETURN_IF_ERROR(chunker_.Flush(base::kBlockSize,
                                 [this](std::span<const std::uint8_t> c) { return SendChunk(c); }));
  reporter_.Report(Action::kWriting, start_, track_blocks_, sent_blocks_, std::nullopt, true);
  reporter_.Report(Action::kFinalizing, start_, track_blocks_, sent_blocks_, std::nullopt, true);
  // MMC-5 6.42: everything in the drive's buffer goes to the medium. It also ends a CD
  // SAO session and a DVD-R DAO track (MMC-5 4.2.3.4, 4.5.4.3).
  if (auto st = device_.SynchronizeCache(false); !st) return Failed(st.error());
  using mmc::CloseFunction;
  auto close = [&](CloseFunction f, std::uint16_t number) -> base::Status {
    if (auto st = device_.CloseTrackSession(f, number, false); !st) return Failed(st.error());
    return base::Ok();
  };
  switch (medium_.kind) {
    case MediumKind::kCd:
    case MediumKind::kDvdMinusSeq:
      if (mode_ == WriteMode::kSao) break;  // SYNCHRONIZE CACHE ended the session or disc
      // MMC-5 6.3.2.2-3: close the track, then the session; page 05h's multi-session
      // field decides whether the disc stays appendable.
      RETURN_IF_ERROR(close(CloseFunction::kCloseTrack, track_number_));
      RETURN_IF_ERROR(close(CloseFunction::kCloseSession, 0));
      break;
    case MediumKind::kDvdPlusR:
    case MediumKind::kBdR:
      // MMC-5 6.3.2.3 / 6.3.2.6: close the track; then close the session (the disc stays
      // appendable) or finalize it (IMAPI2's ForceMediaToBeClosed).
      RETURN_IF_ERROR(close(CloseFunction::kCloseTrack, track_number_));
      RETURN_IF_ERROR(
          close(options_.close ? CloseFunction::kFinalizeDisc : CloseFunction::kCloseSession, 0));
      break;
    case MediumKind::kDvdPlusRw:
      // MMC-5 6.3.2.1 / 6.3.2.3: stop a running background format ("quick stop"), or with
      // --close complete it, which makes the disc readable in every DVD-ROM drive.
      RETURN_IF_ERROR(
          close(options_.close ? CloseFunction::kCloseSession : CloseFunction::kQuickStop, 0));
      break;
    default:
      break;  // DVD-RAM, BD-RE, DVD-RW restricted overwrite: nothing to close
  }
  committed_ = true;
  reporter_.Report(Action::kDone, start_, track_blocks_, sent_blocks_, std::nullopt, true);
  return base::Ok();
}

}  // namespace burn

// The audio engine (burn/audio_writer.h). MMC-5 r03c sections; MMC-6 keeps the layouts.
#include "burn/audio_writer.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "base/block_device.h"

namespace burn {

namespace {

constexpr std::uint32_t kMinTrackSectors = 300;  // 4 s (IEC 60908)
constexpr std::uint32_t kBetweenTracks = 152;    // TAO: 2 run-out blocks + 150 pre-gap
constexpr std::uint32_t kSectorsPerWrite = 27;   // 63504 bytes per WRITE(10)

std::uint32_t Sectors(std::uint64_t bytes) {
  return static_cast<std::uint32_t>((bytes + kCdDaSectorBytes - 1) / kCdDaSectorBytes);
}

bool ValidIsrc(const std::string& s) {
  // ISO 3901: country (2 letters/digits), owner (3 alphanumerics), year (2 digits),
  // designation (5 digits).
  if (s.size() != 12) return false;
  for (std::size_t i = 0; i < 12; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (i < 5 ? !(std::isupper(c) || std::isdigit(c)) : !std::isdigit(c)) return false;
  }
  return true;
}

}  // namespace

AudioWriter::AudioWriter(mmc::Device& device, std::vector<AudioTrack> tracks,
                         AudioBurnOptions options)
    : device_(device),
      tracks_(std::move(tracks)),
      options_(std::move(options)),
      reporter_(options_.progress),
      chunker_(std::size_t{kSectorsPerWrite} * kCdDaSectorBytes) {}

AudioWriter::~AudioWriter() {
  if (in_track_) (void)device_.SynchronizeCache(false);
}

base::Expected<std::unique_ptr<AudioWriter>> AudioWriter::Open(mmc::Device& device,
                                                               std::vector<AudioTrack> tracks,
                                                               const AudioBurnOptions& options) {
  const std::string& where = options.where;
  if (tracks.empty() || tracks.size() > 99) {
    return base::InvalidInput(where, "an audio CD holds 1 to 99 tracks");
  }
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    if (!tracks[i].isrc.empty() && !ValidIsrc(tracks[i].isrc)) {
      return base::InvalidInput(where, "track " + std::to_string(i + 1) + ": ISRC \"" +
                                           tracks[i].isrc + "\" is not 12 characters CCOOOYYNNNNN");
    }
  }
  if (!options.mcn.empty() &&
      (options.mcn.size() != 13 || !std::all_of(options.mcn.begin(), options.mcn.end(),
                                                [](char c) { return c >= '0' && c <= '9'; }))) {
    return base::InvalidInput(where, "MCN \"" + options.mcn + "\" is not 13 digits");
  }
  auto medium = ProbeMedium(device);
  if (!medium) return medium.error().WithWhere(where);
  if (medium->kind != MediumKind::kCd) {
    return base::InvalidInput(
        where, "audio tracks need a CD-R or CD-RW, not " + (medium->kind == MediumKind::kNone
                                                                ? std::string("an empty drive")
                                                                : ProfileName(medium->profile)));
  }
  if (medium->state != MediumState::kBlank) {
    return base::InvalidInput(where,
                              "the " + ProfileName(medium->profile) + " is not blank (" +
                                  MediumStateName(medium->state) + ")" +
                                  (medium->erasable ? "; erase it first (mkimg erase)" : ""));
  }
  std::unique_ptr<AudioWriter> w(new AudioWriter(device, std::move(tracks), options));
  std::uint64_t needed = 0;
  for (const AudioTrack& t : w->tracks_) {
    needed += std::max(Sectors(t.bytes), kMinTrackSectors) + kBetweenTracks;
  }
  if (needed > medium->free_blocks) {
    return base::InvalidInput(where, "the tracks need " + std::to_string(needed) +
                                         " sectors but the CD has " +
                                         std::to_string(medium->free_blocks) + " free");
  }
  w->total_sectors_ = static_cast<std::uint32_t>(needed);
  return w;
}

base::Error AudioWriter::Failed(const base::Error& e) const {
  return base::Error(e.code(), options_.where + ": " + base::LbaWhere(nwa_ + track_sectors_),
                     e.ToString() + "; the CD holds " + std::to_string(current_) +
                         " complete track(s) and an unfinished one" +
                         (options_.simulate ? " (test write: nothing recorded)" : ""));
}

base::Status AudioWriter::BeginTrack(std::size_t i) {
  CHECK(i == current_ && !in_track_);
  // Page 05h (MMC-5 7.5): TAO, track mode 0 (2-channel audio, no pre-emphasis), data
  // block type 0 (2352 bytes raw), ISRC (TCVAL + 12 characters) and MCN (MCVAL + 13).
  mmc::WriteParametersPage page;
  if (auto sensed = device_.ModeSense(mmc::WriteParametersPage::kCode); sensed) {
    if (const mmc::ModePage* p = sensed->Find(mmc::WriteParametersPage::kCode)) {
      if (auto parsed = mmc::WriteParametersPage::FromPage(*p)) page = *parsed;
    }
  }
  page.write_type = mmc::WriteType::kTrackAtOnce;
  page.track_mode = 0;
  page.data_block_type = 0;
  page.test_write = options_.simulate;
  page.buffer_underrun_free = true;
  page.multi_session =
      options_.close ? mmc::MultiSession::kNoNextSession : mmc::MultiSession::kNextSessionAllowed;
  page.media_catalog_number.fill(0);
  if (!options_.mcn.empty()) {
    page.media_catalog_number[0] = 0x80;  // MCVAL
    std::memcpy(&page.media_catalog_number[1], options_.mcn.data(), 13);
  }
  page.isrc.fill(0);
  if (!tracks_[i].isrc.empty()) {
    page.isrc[0] = 0x80;  // TCVAL
    std::memcpy(&page.isrc[1], tracks_[i].isrc.data(), 12);
  }
  mmc::ModeParameterList list;
  list.pages.push_back(page.ToPage());
  if (auto st = device_.ModeSelect(list); !st) return Failed(st.error());
  auto ti = device_.ReadTrackInformation(mmc::TrackAddressType::kTrackNumber, 0xFF);
  if (!ti) return Failed(ti.error());
  nwa_ = ti->next_writable_address;
  track_number_ = ti->track;
  track_sectors_ = 0;
  in_track_ = true;
  starts_.push_back(nwa_);
  if (i == 0) reporter_.Report(Action::kWriting, nwa_, total_sectors_, 0, std::nullopt, true);
  return base::Ok();
}

base::Status AudioWriter::Send(std::span<const std::uint8_t> sectors) {
  if (Cancelled(options_.cancel)) {
    return base::Error(base::ErrorCode::kCancelled, options_.where,
                       "cancelled at " + base::LbaWhere(nwa_ + track_sectors_) +
                           "; the CD holds an unfinished audio track: erase it (CD-RW) or "
                           "discard it (CD-R)");
  }
  const auto n = static_cast<std::uint32_t>(sectors.size() / kCdDaSectorBytes);
  if (auto st = device_.Write10(nwa_ + track_sectors_, static_cast<std::uint16_t>(n), sectors); !st)
    return Failed(st.error());
  track_sectors_ += n;
  done_sectors_ += n;
  reporter_.Report(Action::kWriting, starts_.front(), total_sectors_, done_sectors_);
  return base::Ok();
}

base::Status AudioWriter::DoWrite(std::span<const std::uint8_t> data) {
  CHECK(in_track_);
  position_ += data.size();
  return chunker_.Feed(data, [this](std::span<const std::uint8_t> c) { return Send(c); });
}

base::Status AudioWriter::EndTrack() {
  CHECK(in_track_);
  // Silence to a whole sector and to the 4 s minimum.
  RETURN_IF_ERROR(chunker_.Flush(kCdDaSectorBytes,
                                 [this](std::span<const std::uint8_t> c) { return Send(c); }));
  if (track_sectors_ < kMinTrackSectors) {
    const std::vector<std::uint8_t> silence(chunker_.chunk_bytes(), 0);
    while (track_sectors_ < kMinTrackSectors) {
      const std::uint32_t n = std::min(kMinTrackSectors - track_sectors_, kSectorsPerWrite);
      RETURN_IF_ERROR(Send(std::span<const std::uint8_t>(silence.data(), n * kCdDaSectorBytes)));
    }
  }
  reporter_.Report(Action::kFinalizing, starts_.front(), total_sectors_, done_sectors_);
  if (auto st = device_.SynchronizeCache(false); !st) return Failed(st.error());
  // MMC-5 6.3.2.2: close the track; the drive places the next one after run-out and pre-gap.
  if (auto st = device_.CloseTrackSession(mmc::CloseFunction::kCloseTrack, track_number_, false);
      !st) {
    return Failed(st.error());
  }
  in_track_ = false;
  ++current_;
  return base::Ok();
}

base::Status AudioWriter::Commit() {
  if (in_track_) RETURN_IF_ERROR(EndTrack());
  if (current_ != tracks_.size()) {
    return base::Error(
        base::ErrorCode::kIo, options_.where,
        std::to_string(current_) + " of " + std::to_string(tracks_.size()) + " tracks written");
  }
  // MMC-5 6.3.2.3: close the session; page 05h's multi-session field finalizes the disc.
  if (auto st = device_.CloseTrackSession(mmc::CloseFunction::kCloseSession, 0, false); !st)
    return Failed(st.error());
  reporter_.Report(Action::kDone, starts_.front(), total_sectors_, done_sectors_, std::nullopt,
                   true);
  return base::Ok();
}

}  // namespace burn

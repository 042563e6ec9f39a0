// WriteRawCd (specs/rawcd.md "The BIN", "The sub-channel"): the disc's sectors from LBA 0 to
// the lead-out, in order. Audio sectors are the WAV's samples (little-endian, left first),
// padded with silence; data sectors are framed per ECMA-130 14 (sync, header, EDC, ECC; not
// scrambled, as BIN files store them) or stored cooked. With raw+subchannel each sector's
// P and Q (ECMA-130 22, IEC 60908 17.5) go to NAME.sub in CloneCD's layout: 12 bytes of
// P, 12 bytes of Q, 72 bytes of R-W (zero in the program area).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include "cd/sector.h"
#include "cd/subchannel.h"
#include "fs/raw_cd.h"

namespace fs {
namespace {

constexpr std::size_t kSub = cd::kSubchannelBytes;

class SectorWriter {
 public:
  SectorWriter(const RawCdDisc& disc, CueMode mode, base::BlockSink& bin, base::BlockSink* sub,
               const ProgressFn& progress)
      : disc_(disc), mode_(mode), bin_(bin), sub_(sub), progress_(progress) {}

  std::int32_t lba() const { return lba_; }

  base::Status Audio(const std::uint8_t* samples) {
    RETURN_IF_ERROR(bin_.Write(std::span<const std::uint8_t>(samples, cd::kSectorBytes)));
    return Next();
  }

  // One data sector of `track` with 2048 bytes of user data.
  base::Status Data(const RawCdTrack& track, const std::uint8_t* user) {
    std::array<std::uint8_t, cd::kSectorBytes> s{};
    if (track.spec.mode == CdTrack::DataMode::kMode1) {
      if (mode_ == CueMode::kCooked) {
        RETURN_IF_ERROR(bin_.Write(std::span<const std::uint8_t>(user, cd::kUserBytes)));
        return Next();
      }
      std::memcpy(s.data() + 16, user, cd::kUserBytes);
      cd::FrameMode1(lba_, s.data());
      RETURN_IF_ERROR(bin_.Write(s));
      return Next();
    }
    // CD-ROM XA Mode 2 Form 1: sub-header (file 0, channel 0, submode 08h = data, coding 0)
    // twice, then the user data.
    const std::array<std::uint8_t, 8> subheader = {0, 0, 0x08, 0, 0, 0, 0x08, 0};
    std::memcpy(s.data() + 16, subheader.data(), subheader.size());
    std::memcpy(s.data() + 24, user, cd::kUserBytes);
    cd::FrameMode2Form1(lba_, s.data());
    if (mode_ == CueMode::kCooked) {
      RETURN_IF_ERROR(
          bin_.Write(std::span<const std::uint8_t>(s.data() + 16, cd::kMode2UserBytes)));
    } else {
      RETURN_IF_ERROR(bin_.Write(s));
    }
    return Next();
  }

 private:
  base::Status Next() {
    if (sub_) RETURN_IF_ERROR(WriteSubchannel());
    ++lba_;
    if (progress_ && (lba_ % 750 == 0 || lba_ == disc_.leadout_lba) &&
        !progress_(static_cast<std::uint64_t>(lba_),
                   static_cast<std::uint64_t>(disc_.leadout_lba))) {
      return base::Error(base::ErrorCode::kCancelled, "", "cancelled");
    }
    return base::Ok();
  }

  const RawCdTrack& TrackAt(std::int32_t lba) {
    while (track_ + 1 < disc_.tracks.size() && lba >= disc_.tracks[track_].end_lba) ++track_;
    return disc_.tracks[track_];
  }

  base::Status WriteSubchannel() {
    const RawCdTrack& t = TrackAt(lba_);
    std::uint8_t index = 1;
    if (lba_ < t.index1_lba) {
      index = 0;
    } else {
      for (std::int32_t at : t.index_lbas) index = static_cast<std::uint8_t>(index + (lba_ >= at));
    }
    // IEC 60908 17.5.1: mode 1 (position) in at least 9 of 10 frames; the catalog number and
    // the ISRC once in each 100 frames, here at the 1st and the 51st (the ISRC not in the
    // pause, where it does not apply).
    const std::int32_t slot = (lba_ + 150) % 100;
    std::array<std::uint8_t, 12> q;
    if (slot == 1 && !disc_.spec.catalog.empty()) {
      q = cd::CatalogQ(t.control(), disc_.spec.catalog, lba_);
    } else if (slot == 51 && index > 0 && !t.spec.isrc.empty()) {
      q = cd::IsrcQ(t.control(), t.spec.isrc, lba_);
    } else {
      // ECMA-130 22.3.3.3: in the pause the relative time counts down to zero at its end.
      const std::int32_t relative = index == 0 ? -(t.index1_lba - lba_ - 1) : lba_ - t.index1_lba;
      q = cd::PositionQ(t.control(), t.number, index, relative, lba_);
    }
    std::array<std::uint8_t, kSub> raw{};
    std::fill_n(raw.begin(), 12, index == 0 ? 0xFF : 0x00);  // P: 1 in the pause
    std::copy(q.begin(), q.end(), raw.begin() + 12);
    return sub_->Write(raw);
  }

  const RawCdDisc& disc_;
  CueMode mode_;
  base::BlockSink& bin_;
  base::BlockSink* sub_;
  const ProgressFn& progress_;
  std::int32_t lba_ = 0;
  std::size_t track_ = 0;
};

// A BlockSink that turns the 2048-byte blocks fs::Emit writes into data sectors.
class DataTrackSink : public base::BlockSink {
 public:
  DataTrackSink(SectorWriter& out, const RawCdTrack& track) : out_(out), track_(track) {}
  std::uint64_t position() const override { return written_; }
  bool aligned() const { return fill_ == 0; }

 protected:
  base::Status DoWrite(std::span<const std::uint8_t> data) override {
    while (!data.empty()) {
      const std::size_t n = std::min(data.size(), block_.size() - fill_);
      std::memcpy(block_.data() + fill_, data.data(), n);
      fill_ += n;
      written_ += n;
      data = data.subspan(n);
      if (fill_ == block_.size()) {
        fill_ = 0;
        RETURN_IF_ERROR(out_.Data(track_, block_.data()));
      }
    }
    return base::Ok();
  }

 private:
  SectorWriter& out_;
  const RawCdTrack& track_;
  std::array<std::uint8_t, cd::kUserBytes> block_{};
  std::size_t fill_ = 0;
  std::uint64_t written_ = 0;
};

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// `sectors` audio sectors of the samples of `wav` (all of them, then silence).
base::Status WriteAudio(SectorWriter& out, const WavSamples& wav, std::int32_t sectors) {
  Fd f;
  if (wav.bytes > 0 && !wav.device) {
    f.fd = ::open(wav.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (f.fd < 0) return base::InvalidInput(wav.path, std::strerror(errno));
  }
  constexpr std::size_t kBatch = 64;
  std::vector<std::uint8_t> buffer(kBatch * cd::kSectorBytes);
  std::uint64_t done = 0;
  for (std::int32_t s = 0; s < sectors; s += static_cast<std::int32_t>(kBatch)) {
    const std::size_t n = std::min<std::size_t>(kBatch, static_cast<std::size_t>(sectors - s));
    std::fill(buffer.begin(), buffer.end(), 0);
    const std::uint64_t want = std::min<std::uint64_t>(n * cd::kSectorBytes, wav.bytes - done);
    std::size_t got = 0;
    if (wav.device && want > 0) {
      RETURN_IF_ERROR(
          wav.device->Read(wav.offset + done, std::span<std::uint8_t>(buffer.data(), want)));
      got = want;
    }
    while (got < want) {
      ssize_t r = ::pread(f.fd, buffer.data() + got, want - got,
                          static_cast<off_t>(wav.offset + done + got));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0)
        return base::InvalidInput(wav.path, "changed since the disc was planned (shorter)");
      got += static_cast<std::size_t>(r);
    }
    done += want;
    if (wav.swap) {
      for (std::size_t b = 0; b + 1 < want; b += 2) std::swap(buffer[b], buffer[b + 1]);
    }
    for (std::size_t k = 0; k < n; ++k)
      RETURN_IF_ERROR(out.Audio(buffer.data() + k * cd::kSectorBytes));
  }
  return base::Ok();
}

base::Status WriteDataTrack(SectorWriter& out, const RawCdTrack& t) {
  static const std::array<std::uint8_t, cd::kUserBytes> kZero{};
  // The stored part of the pre-gap: zero user data in the track's mode.
  while (out.lba() < t.index1_lba) RETURN_IF_ERROR(out.Data(t, kZero.data()));
  if (t.data) {
    DataTrackSink sink(out, t);
    RETURN_IF_ERROR(Emit(*t.data, sink));
    CHECK(sink.aligned());
  } else {
    // An image of 2048-byte blocks, or the user data of a BIN's data sectors.
    const std::string& path = t.spec.bin ? t.spec.bin->path : t.spec.image;
    const std::uint64_t base = t.spec.bin ? t.spec.bin->offset + t.spec.bin->user_offset : 0;
    const std::uint64_t stride = t.spec.bin ? t.spec.bin->sector_bytes : cd::kUserBytes;
    const base::BlockDevice* device = t.spec.bin ? t.spec.bin->device.get() : nullptr;
    Fd f;
    if (device == nullptr) {
      f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (f.fd < 0) return base::InvalidInput(path, std::strerror(errno));
    }
    // A TOC's range may store fewer bytes than its sectors: the rest reads as zeros.
    const std::uint64_t limit = t.spec.bin && t.spec.bin->stored_bytes != 0
                                    ? t.spec.bin->offset + t.spec.bin->stored_bytes
                                    : UINT64_MAX;
    std::array<std::uint8_t, cd::kUserBytes> block{};
    for (std::uint64_t b = 0; b < t.data_blocks; ++b) {
      block.fill(0);
      const std::uint64_t at = base + b * stride;
      const std::size_t want = static_cast<std::size_t>(
          std::min<std::uint64_t>(block.size(), at < limit ? limit - at : 0));
      std::size_t got = 0;
      if (device != nullptr && want > 0) {
        RETURN_IF_ERROR(device->Read(at, std::span<std::uint8_t>(block.data(), want)));
        got = want;
      }
      while (got < want) {
        ssize_t r = ::pread(f.fd, block.data() + got, want - got, static_cast<off_t>(at + got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return base::InvalidInput(path, "changed since the disc was planned (shorter)");
        got += static_cast<std::size_t>(r);
      }
      RETURN_IF_ERROR(out.Data(t, block.data()));
    }
  }
  while (out.lba() < t.end_lba) RETURN_IF_ERROR(out.Data(t, kZero.data()));
  return base::Ok();
}

std::uint64_t BinBytes(const RawCdDisc& disc, CueMode mode) {
  std::uint64_t bytes = 0;
  for (const RawCdTrack& t : disc.tracks) {
    std::uint64_t size = cd::kSectorBytes;
    if (t.is_data() && mode == CueMode::kCooked) {
      size = t.spec.mode == CdTrack::DataMode::kMode1 ? cd::kUserBytes : cd::kMode2UserBytes;
    }
    bytes += size * static_cast<std::uint64_t>(t.end_lba - std::max(0, t.pregap_lba));
  }
  return bytes;
}

base::Status WriteText(const std::string& path, const std::string& text,
                       std::span<const base::InputFile> inputs,
                       std::vector<std::unique_ptr<base::BlockSink>>* sinks) {
  ASSIGN_OR_RETURN(auto sink, base::OpenFileSink(path, text.size(), inputs));
  RETURN_IF_ERROR(sink->Write(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(text.data()), text.size())));
  sinks->push_back(std::move(sink));
  return base::Ok();
}

}  // namespace

base::Status WriteRawCd(const RawCdDisc& disc, CueMode mode, const std::string& cue_path,
                        std::span<const base::InputFile> inputs, const ProgressFn& progress) {
  const RawCdFiles files = RawCdFileNames(cue_path);
  if (mode == CueMode::kCooked) {
    bool audio = false, data = false;
    for (const RawCdTrack& t : disc.tracks) (t.is_data() ? data : audio) = true;
    // One BIN holds one sector size: CUE readers (libcdio, bchunk) find a track's bytes
    // from its INDEX time times the sector size, and get a mixed file wrong.
    if (audio && data) {
      return base::InvalidInput("--cue-mode cooked",
                                "stores data sectors as 2048 bytes and audio as 2352; a disc "
                                "with both needs --cue-mode raw (one sector size in the BIN)");
    }
  }
  std::vector<std::unique_ptr<base::BlockSink>> sinks;
  ASSIGN_OR_RETURN(auto bin, base::OpenFileSink(files.bin, BinBytes(disc, mode), inputs));
  std::unique_ptr<base::BlockSink> sub;
  if (mode == CueMode::kRawSubchannel) {
    ASSIGN_OR_RETURN(
        sub,
        base::OpenFileSink(files.sub, static_cast<std::uint64_t>(disc.sectors()) * kSub, inputs));
  }
  SectorWriter out(disc, mode, *bin, sub.get(), progress);
  for (const RawCdTrack& t : disc.tracks) {
    if (t.is_data()) {
      RETURN_IF_ERROR(WriteDataTrack(out, t));
      continue;
    }
    const std::int32_t stored_pregap = t.index1_lba - std::max(0, t.pregap_lba);
    RETURN_IF_ERROR(WriteAudio(out, t.pregap_audio, stored_pregap));
    RETURN_IF_ERROR(WriteAudio(out, t.audio, t.end_lba - t.index1_lba));
  }
  CHECK(out.lba() == disc.leadout_lba);
  sinks.push_back(std::move(bin));
  if (sub) sinks.push_back(std::move(sub));
  if (!disc.cdtext.empty()) {
    // The packs alone, 18 bytes each, as the CDTEXTFILE of a CUE sheet (libcdio reads
    // exactly this; a 4-byte READ TOC header in front makes it refuse the file).
    std::string cdt;
    for (const cd::CdTextPack& p : disc.cdtext) cdt.append(p.begin(), p.end());
    RETURN_IF_ERROR(WriteText(files.cdt, cdt, inputs, &sinks));
  }
  RETURN_IF_ERROR(WriteText(files.toc, TocFileText(disc, mode, files), inputs, &sinks));
  RETURN_IF_ERROR(WriteText(files.cue, CueSheetText(disc, mode, files), inputs, &sinks));
  for (auto& s : sinks) RETURN_IF_ERROR(s->Commit());
  return base::Ok();
}

}  // namespace fs

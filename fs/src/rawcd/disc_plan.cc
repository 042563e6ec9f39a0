// PlanRawCd (specs/rawcd.md "Layout"): the tracks of a `cd` manifest on the CD's address
// space. Track 1 starts at 00:00:00 with its pre-gap (at least 2 s, IEC 60908 17.5.1.2), so
// that index 1 of a track with the usual pre-gap is LBA 0 (00:02:00); the 150 sectors
// before LBA 0 are not stored in the BIN. Every other track's pre-gap (index 0) is stored
// before its index 1. Audio is padded with silence to a whole sector.
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>

#include "base/media.h"
#include "cd/msf.h"
#include "cd/sector.h"
#include "fs/raw_cd.h"
#include "plan/image_layout.h"
#include "rawcd/wav.h"

namespace fs {
namespace {

constexpr std::int32_t kTwoSeconds = 2 * cd::kFramesPerSecond;
constexpr std::int32_t kMinTrack = 4 * cd::kFramesPerSecond;  // IEC 60908 17.5.1.2

std::int32_t SectorsOf(std::uint64_t bytes) {
  return static_cast<std::int32_t>((bytes + cd::kSectorBytes - 1) / cd::kSectorBytes);
}

std::string Seconds(std::int32_t sectors) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", sectors / 75.0);
  return buf;
}

// Latin-1 bytes of a UTF-8 string the parser has checked (code points up to U+00FF).
std::string ToLatin1(const std::string& utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c >= 0xC0 && i + 1 < utf8.size()) {
      out.push_back(static_cast<char>(((c & 0x1F) << 6) | (utf8[++i] & 0x3F)));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// The audio bytes a BIN range holds (none for a silent track of a TOC).
std::uint64_t StoredBytes(const CdTrack::BinRange& r) {
  if (r.path.empty() && !r.device) return 0;
  return r.stored_bytes != 0 ? r.stored_bytes : std::uint64_t{r.sectors} * cd::kSectorBytes;
}

// The items in the block's character code: the text types (80h-85h) in MS-JIS when asked
// (the manifest parser has checked each converts), the disc id and UPC/ISRC in ISO 8859-1.
cd::CdTextItems Items(const CdText& t, std::uint8_t charset) {
  auto text = [&](const std::string& s) {
    if (charset == cd::kCharsetMsJis) return cd::Utf8ToMsJis(s).value_or(std::string());
    return ToLatin1(s);
  };
  return {text(t.title),    text(t.performer), text(t.songwriter),  text(t.composer),
          text(t.arranger), text(t.message),   ToLatin1(t.disc_id), ToLatin1(t.upc_isrc)};
}

}  // namespace

std::uint8_t RawCdTrack::control() const {
  std::uint8_t c = spec.copy_permitted ? 0x2 : 0;
  if (is_data()) return static_cast<std::uint8_t>(c | 0x4);
  return static_cast<std::uint8_t>(c | (spec.pre_emphasis ? 0x1 : 0));
}

base::Expected<RawCdDisc> PlanRawCd(ImageSpec spec, const DiagnosticSink& diagnostics) {
  CHECK(spec.cd.has_value());
  RawCdDisc disc;
  disc.spec = *spec.cd;
  disc.spec.tracks.clear();
  std::int32_t lba = -kTwoSeconds;  // track 1's pre-gap starts at 00:00:00
  std::vector<CdTrack>& tracks = spec.cd->tracks;
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    CdTrack& t = tracks[i];
    RawCdTrack out;
    out.spec = t;
    out.number = static_cast<std::uint8_t>(spec.cd->first_track + i);
    const std::string name = "track " + std::to_string(out.number);
    // The pre-gap.
    std::int32_t pregap = t.pregap ? static_cast<std::int32_t>(*t.pregap) : kTwoSeconds;
    if (t.bin_pregap) {
      pregap = static_cast<std::int32_t>(t.bin_pregap->sectors) + (i == 0 ? kTwoSeconds : 0);
      if (t.kind == CdTrack::Kind::kAudio) {
        out.pregap_audio = {t.bin_pregap->path, t.bin_pregap->offset, StoredBytes(*t.bin_pregap),
                            t.bin_pregap->swap, t.bin_pregap->device};
      }
    } else if (!t.pregap_audio.empty()) {
      ASSIGN_OR_RETURN(out.pregap_audio, rawcd::OpenWav(t.pregap_audio));
      pregap = SectorsOf(out.pregap_audio.bytes) + (i == 0 ? kTwoSeconds : 0);
    }
    if (i == 0 && pregap < kTwoSeconds) {
      return base::InvalidInput(t.where + ".pregap",
                                "track 1's pre-gap is at least 2 s (00:02:00, IEC 60908 "
                                "17.5.1.2): the 150 sectors before 00:02:00");
    }
    if (i > 0 && t.kind != tracks[i - 1].kind && pregap < kTwoSeconds) {
      return base::InvalidInput(
          t.where + ".pregap",
          name + " changes from " +
              (t.kind == CdTrack::Kind::kData ? "audio to data" : "data to audio") +
              ": its pre-gap must be at least 2 s (00:02:00, ECMA-130 20.4), not " +
              Seconds(pregap));
    }
    out.pregap_lba = lba;
    out.index1_lba = lba + pregap;
    // The content.
    std::int32_t length = 0;
    if (t.bin && t.kind == CdTrack::Kind::kAudio) {
      out.audio = {t.bin->path, t.bin->offset, StoredBytes(*t.bin), t.bin->swap, t.bin->device};
      length = static_cast<std::int32_t>(t.bin->sectors);
      if (length < kMinTrack) {
        return base::InvalidInput(t.where, name + " lasts " + Seconds(length) +
                                               "; a CD track lasts at least 4 s (300 sectors, "
                                               "IEC 60908 17.5.1.2)");
      }
    } else if (t.bin) {
      out.data_blocks = t.bin->sectors;
      length = static_cast<std::int32_t>(std::max<std::uint64_t>(out.data_blocks, kMinTrack));
    } else if (t.kind == CdTrack::Kind::kAudio) {
      ASSIGN_OR_RETURN(out.audio, rawcd::OpenWav(t.audio));
      length = SectorsOf(out.audio.bytes);
      if (length < kMinTrack) {
        return base::InvalidInput(
            t.where + ".audio",
            name + " lasts " + Seconds(length) + " (" + std::to_string(length) +
                " sectors); a CD track lasts at least 4 s (300 sectors, IEC 60908 17.5.1.2)");
      }
    } else if (t.data) {
      // ISO 9660 addresses are absolute on the disc: the file system is planned at the
      // track's first sector.
      out.spec.data.reset();  // the planned layout keeps the spec
      auto layout = plan::PlanImage(
          std::move(*t.data), static_cast<std::uint32_t>(std::max(0, out.index1_lba)), diagnostics);
      t.data.reset();
      if (!layout) return layout.error();
      out.data_blocks = (*layout)->total_blocks();
      out.data = std::shared_ptr<Layout>(std::move(*layout));
      length = static_cast<std::int32_t>(std::max<std::uint64_t>(out.data_blocks, kMinTrack));
    } else {
      struct stat st {};
      if (::stat(t.image.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return base::InvalidInput(t.image, "cannot read the data track's image");
      }
      if (st.st_size % base::kBlockSize != 0 || st.st_size == 0) {
        return base::InvalidInput(
            t.image, "is " + std::to_string(st.st_size) + " bytes, not whole 2048-byte blocks");
      }
      out.data_blocks = static_cast<std::uint64_t>(st.st_size) / base::kBlockSize;
      if (out.data_blocks > 400000) {
        return base::InvalidInput(t.image, "is larger than any CD");
      }
      length = static_cast<std::int32_t>(std::max<std::uint64_t>(out.data_blocks, kMinTrack));
    }
    if (t.kind == CdTrack::Kind::kData && static_cast<std::uint64_t>(length) > out.data_blocks) {
      // ECMA-130 and IEC 60908 both ask for 4 s; the file system does not mind trailing
      // zero blocks (cdrecord's -pad does the same).
      if (diagnostics) {
        diagnostics(
            {t.where, name + " padded with " +
                          std::to_string(length - static_cast<std::int32_t>(out.data_blocks)) +
                          " zero blocks to the 4-second minimum of a CD track"});
      }
    }
    out.end_lba = out.index1_lba + length;
    for (std::size_t k = 0; k < t.indexes.size(); ++k) {
      if (static_cast<std::int32_t>(t.indexes[k]) >= length) {
        return base::InvalidInput(t.where + ".indexes[" + std::to_string(k) + "]",
                                  "index " + std::to_string(k + 2) + " is past the end of " + name +
                                      " (" + Seconds(length) + ")");
      }
      out.index_lbas.push_back(out.index1_lba + static_cast<std::int32_t>(t.indexes[k]));
    }
    lba = out.end_lba;
    disc.tracks.push_back(std::move(out));
  }
  disc.leadout_lba = lba;
  const base::MediaType media = spec.media.value_or(base::MediaType::kCdR);
  const base::MediaInfo& info = base::GetMediaInfo(media);
  if (info.family != base::MediaFamily::kCd) {
    return base::InvalidInput(
        spec.cd->where, "a raw CD is written on cd-r or cd-rw, not " + std::string(info.name));
  }
  if (static_cast<std::uint32_t>(disc.leadout_lba) > info.capacity_sectors) {
    const cd::Msf have = cd::LbaToMsf(disc.leadout_lba - kTwoSeconds);
    char buf[96];
    std::snprintf(buf, sizeof buf, "the disc lasts %02u:%02u:%02u (%d sectors); a %s holds %u",
                  have.minute, have.second, have.frame, disc.leadout_lba,
                  std::string(info.display_name).c_str(), info.capacity_sectors);
    return base::InvalidInput(spec.cd->where, buf);
  }
  // CD-TEXT: the album's and each track's items, one block.
  cd::CdTextBlock text;
  text.first_track = spec.cd->first_track;
  text.charset = spec.cd->text_charset;
  CdText album = spec.cd->text;
  if (album.upc_isrc.empty()) album.upc_isrc = spec.cd->catalog;
  text.album = Items(album, text.charset);
  bool any = !spec.cd->text.empty();
  for (const RawCdTrack& t : disc.tracks) {
    text.tracks.push_back(Items(t.spec.text, text.charset));
    any = any || !t.spec.text.title.empty() || !t.spec.text.performer.empty() ||
          !t.spec.text.songwriter.empty() || !t.spec.text.composer.empty() ||
          !t.spec.text.arranger.empty() || !t.spec.text.message.empty();
  }
  if (any) {
    auto packs = cd::EncodeCdText(text);
    if (!packs) {
      return base::InvalidInput(spec.cd->where + ".text",
                                "the CD-TEXT needs more than the 256 packs (253 of text) one "
                                "block holds: shorten it");
    }
    disc.cdtext = std::move(*packs);
  }
  return disc;
}

RawCdFiles RawCdFileNames(const std::string& cue_path) {
  std::string stem = cue_path;
  if (stem.size() > 4 && stem.compare(stem.size() - 4, 4, ".cue") == 0)
    stem.resize(stem.size() - 4);
  return {cue_path, stem + ".bin", stem + ".toc", stem + ".sub", stem + ".cdt"};
}

}  // namespace fs

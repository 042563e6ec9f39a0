// mkimg info and verify of a BIN/CUE (specs/rawcd.md "Reading"): the disc's tracks,
// indexes, pre-gaps, flags, ISRCs, catalog and CD-TEXT; the raw sectors' framing and the
// .sub file's Q frames. The data track's file systems are read by the ordinary readers
// through fs::OpenCueData (inspect_commands.cc).
#include <cstdio>
#include <string>

#include "cd/cdtext.h"
#include "fs/raw_cd.h"
#include "mkimg/commands.h"
#include "mkimg/display.h"
#include "mkimg/json_writer.h"

namespace mkimg {
namespace {

std::string Msf(std::int32_t sectors) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", sectors / 4500, sectors / 75 % 60, sectors % 75);
  return buf;
}

constexpr const char* kTextNames[cd::kCdTextItems] = {
    "title", "performer", "songwriter", "composer", "arranger", "message", "disc_id", "upc_isrc"};

// CD-TEXT items in their block's character code (MMC-5 Annex J: ISO 8859-1, or MS-JIS for
// the text types 80h-85h of an MS-JIS block), shown as UTF-8.
std::string Utf8(const std::string& latin1, std::uint8_t charset, std::size_t item) {
  if (charset == cd::kCharsetMsJis && item < 6) return cd::MsJisToUtf8(latin1);
  return cd::Latin1ToUtf8(latin1);
}

const char* CharsetName(std::uint8_t charset) {
  switch (charset) {
    case cd::kCharsetLatin1:
      return "iso-8859-1";
    case 0x01:
      return "ascii";
    case cd::kCharsetMsJis:
      return "ms-jis";
    default:
      return "unknown character code";
  }
}

}  // namespace

bool IsCueSheet(const std::string& path) {
  // A cdrdao TOC file reads as the same disc (fs::ReadCueSheet).
  return path.size() > 4 && (path.compare(path.size() - 4, 4, ".cue") == 0 ||
                             path.compare(path.size() - 4, 4, ".CUE") == 0 ||
                             path.compare(path.size() - 4, 4, ".toc") == 0 ||
                             path.compare(path.size() - 4, 4, ".TOC") == 0);
}

int RunCdInfo(const std::string& image, bool json) {
  auto sheet = fs::ReadCueSheet(image);
  if (!sheet) return ReportError(sheet.error());
  const cd::DecodedCdText text = cd::DecodeCdText(sheet->cdtext);
  if (json) {
    JsonWriter w(JsonWriter::Style::kSpaced);
    w.BeginObject().Key("image").String(image).Key("bin").String(sheet->bin);
    w.Key("sectors").Uint(static_cast<std::uint64_t>(sheet->sectors));
    w.Key("catalog").String(sheet->catalog);
    w.Key("tracks").BeginArray();
    for (const fs::CueTrack& t : sheet->tracks) {
      w.BeginObject().Key("number").Uint(t.number).Key("mode").String(t.mode);
      w.Key("isrc").String(t.isrc).Key("flags").String(t.flags);
      w.Key("indexes").BeginArray();
      for (const auto& [number, lba] : t.indexes) {
        w.BeginObject().Key("index").Uint(number).Key("lba").Int(lba).EndObject();
      }
      w.EndArray().EndObject();
    }
    w.EndArray();
    w.Key("cdtext").BeginObject();
    w.Key("bad_crc").Uint(text.bad_crc);
    if (!sheet->cdtext.empty()) w.Key("charset").String(CharsetName(text.block.charset));
    w.Key("album").BeginObject();
    for (std::size_t i = 0; i < cd::kCdTextItems; ++i) {
      if (!text.block.album[i].empty())
        w.Key(kTextNames[i]).String(Utf8(text.block.album[i], text.block.charset, i));
    }
    w.EndObject().Key("tracks").BeginArray();
    for (const cd::CdTextItems& items : text.block.tracks) {
      w.BeginObject();
      for (std::size_t i = 0; i < cd::kCdTextItems; ++i) {
        if (!items[i].empty()) w.Key(kTextNames[i]).String(Utf8(items[i], text.block.charset, i));
      }
      w.EndObject();
    }
    w.EndArray().EndObject().EndObject();
    std::printf("%s\n", w.str().c_str());
    return 0;
  }
  std::printf("CD image: %s (BIN %s, %d sectors, %s)\n", Printable(image).c_str(),
              Printable(sheet->bin).c_str(), sheet->sectors, Msf(sheet->sectors).c_str());
  if (!sheet->catalog.empty()) std::printf("  catalog (MCN): %s\n", sheet->catalog.c_str());
  for (const fs::CueTrack& t : sheet->tracks) {
    std::printf("  track %02u %-10s", t.number, t.mode.c_str());
    for (const auto& [number, lba] : t.indexes) {
      std::printf(" index %02u at %s (LBA %d)", number, Msf(lba).c_str(), lba);
    }
    if (t.indexes.size() > 1 && t.indexes.front().first == 0) {
      std::printf(" pre-gap %s", Msf(t.indexes[1].second - t.indexes[0].second).c_str());
    }
    if (!t.isrc.empty()) std::printf(" ISRC %s", t.isrc.c_str());
    if (!t.flags.empty()) std::printf(" flags%s", t.flags.c_str());
    std::printf("\n");
  }
  if (!sheet->cdtext.empty()) {
    std::printf(
        "  CD-TEXT: %zu packs, %s%s\n", sheet->cdtext.size(), CharsetName(text.block.charset),
        text.bad_crc ? (", " + std::to_string(text.bad_crc) + " with a bad CRC").c_str() : "");
    for (std::size_t i = 0; i < cd::kCdTextItems; ++i) {
      if (!text.block.album[i].empty()) {
        std::printf("    album %s: %s\n", kTextNames[i],
                    Printable(Utf8(text.block.album[i], text.block.charset, i)).c_str());
      }
    }
    for (std::size_t k = 0; k < text.block.tracks.size(); ++k) {
      for (std::size_t i = 0; i < cd::kCdTextItems; ++i) {
        if (!text.block.tracks[k][i].empty()) {
          std::printf("    track %02zu %s: %s\n", text.block.first_track + k, kTextNames[i],
                      Printable(Utf8(text.block.tracks[k][i], text.block.charset, i)).c_str());
        }
      }
    }
  }
  return 0;
}

int RunCdVerify(const std::string& image, std::vector<std::string>* problems) {
  auto sheet = fs::ReadCueSheet(image);
  if (!sheet) return ReportError(sheet.error());
  auto found = fs::VerifyRawCd(*sheet);
  if (!found) return ReportError(found.error());
  const cd::DecodedCdText text = cd::DecodeCdText(sheet->cdtext);
  if (text.bad_crc > 0) {
    found->push_back("CD-TEXT: " + std::to_string(text.bad_crc) + " packs with a bad CRC");
  }
  problems->insert(problems->end(), found->begin(), found->end());
  return 0;
}

}  // namespace mkimg

// The text descriptions of a raw CD (specs/rawcd.md "CUE sheet", "TOC file"): the CUE
// sheet of CDRWIN (FILE/TRACK/FLAGS/ISRC/INDEX, CATALOG, CD-TEXT as TITLE/PERFORMER/
// SONGWRITER and CDTEXTFILE) and cdrdao's TOC file (its own CD_TEXT blocks).
#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

#include "cd/cdtext.h"
#include "cd/msf.h"
#include "fs/raw_cd.h"

namespace fs {
namespace {

std::string Msf(std::int32_t sectors) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", sectors / cd::kFramesPerMinute,
                sectors / cd::kFramesPerSecond % 60, sectors % cd::kFramesPerSecond);
  return buf;
}

std::string BaseName(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A CUE string has no escapes: a double quote becomes a single one.
std::string CueString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out.push_back(c == '"' ? '\'' : c);
  return out + "\"";
}

// A TOC string (cdrdao's lexer): \" and \\ escaped, bytes outside printable ASCII as
// three-digit octal escapes (so Latin-1 text stays Latin-1, MS-JIS text MS-JIS).
std::string TocString(const std::string& utf8, std::uint8_t charset = cd::kCharsetLatin1) {
  if (charset == cd::kCharsetMsJis) {
    std::string out = "\"";
    for (char ch : cd::Utf8ToMsJis(utf8).value_or(std::string())) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        out.push_back('\\');
        out.push_back(ch);
      } else if (c < 0x20 || c >= 0x7F) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\%03o", c);
        out += buf;
      } else {
        out.push_back(ch);
      }
    }
    return out + "\"";
  }
  std::string out = "\"";
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c >= 0xC0 && i + 1 < utf8.size()) {
      c = static_cast<unsigned char>(((c & 0x1F) << 6) | (utf8[++i] & 0x3F));
    }
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c >= 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

void CueText(const CdText& t, const char* indent, std::string* out) {
  if (!t.title.empty()) *out += std::string(indent) + "TITLE " + CueString(t.title) + "\n";
  if (!t.performer.empty())
    *out += std::string(indent) + "PERFORMER " + CueString(t.performer) + "\n";
  if (!t.songwriter.empty())
    *out += std::string(indent) + "SONGWRITER " + CueString(t.songwriter) + "\n";
}

std::string TrackMode(const RawCdTrack& t, CueMode mode) {
  if (!t.is_data()) return "AUDIO";
  if (t.spec.mode == CdTrack::DataMode::kMode1) {
    return mode == CueMode::kCooked ? "MODE1/2048" : "MODE1/2352";
  }
  return mode == CueMode::kCooked ? "MODE2/2336" : "MODE2/2352";
}

// The items of a CD_TEXT block. cdrdao refuses a TOC in which an item type is set for
// some tracks (or the album) and not for all ("TITLE field not defined for all tracks or
// disk"), so every type in `used` is written for the album and every track, empty when
// unset. ISRC and UPC/EAN stay with the TOC's ISRC and CATALOG keywords (cdrdao also wants
// an ISRC for every track in CD-TEXT, which a data track has none of); DISC_ID is the
// album's only.
constexpr std::size_t kTocTextItems = 6;
std::array<const std::string*, kTocTextItems> TocItems(const CdText& t) {
  return {&t.title, &t.performer, &t.songwriter, &t.composer, &t.arranger, &t.message};
}

void TocTextBlock(const CdText& t, bool album, const std::array<bool, kTocTextItems>& used,
                  const RawCdDisc& disc, std::string* out) {
  static constexpr const char* kKeys[kTocTextItems] = {"TITLE",    "PERFORMER", "SONGWRITER",
                                                       "COMPOSER", "ARRANGER",  "MESSAGE"};
  std::string body;
  const auto items = TocItems(t);
  for (std::size_t i = 0; i < kTocTextItems; ++i) {
    if (used[i]) {
      body += std::string("    ") + kKeys[i] + " " + TocString(*items[i], disc.spec.text_charset) +
              "\n";
    }
  }
  if (album && !t.disc_id.empty()) body += "    DISC_ID " + TocString(t.disc_id) + "\n";
  // A character code other than ISO 8859-1 is said by the block's size information
  // (pack 8Fh, whose first byte it is), which cdrdao reads and writes as SIZE_INFO.
  if (album && disc.spec.text_charset != cd::kCharsetLatin1 && disc.cdtext.size() >= 3) {
    body += "    SIZE_INFO {";
    for (std::size_t k = disc.cdtext.size() - 3; k < disc.cdtext.size(); ++k) {
      for (std::size_t b = 4; b < 16; ++b) {
        body += (k + 3 == disc.cdtext.size() && b == 4 ? " " : ", ") +
                std::to_string(disc.cdtext[k][b]);
      }
    }
    body += " }\n";
  }
  if (body.empty()) return;
  *out += "CD_TEXT {\n";
  if (album) *out += "  LANGUAGE_MAP {\n    0 : EN\n  }\n";
  *out += "  LANGUAGE 0 {\n" + body + "  }\n}\n";
}

}  // namespace

std::string CueSheetText(const RawCdDisc& disc, CueMode mode, const RawCdFiles& files) {
  std::string out = "REM mkimg raw CD, Disc-at-Once\n";
  if (!disc.spec.catalog.empty()) out += "CATALOG " + disc.spec.catalog + "\n";
  if (!disc.cdtext.empty()) out += "CDTEXTFILE " + CueString(BaseName(files.cdt)) + "\n";
  CueText(disc.spec.text, "", &out);
  out += "FILE " + CueString(BaseName(files.bin)) + " BINARY\n";
  for (const RawCdTrack& t : disc.tracks) {
    char number[8];
    std::snprintf(number, sizeof number, "%02u", t.number);
    out += std::string("  TRACK ") + number + " " + TrackMode(t, mode) + "\n";
    std::string flags;
    if (t.spec.copy_permitted) flags += " DCP";
    if (t.spec.pre_emphasis) flags += " PRE";
    if (!flags.empty()) out += "    FLAGS" + flags + "\n";
    if (!t.spec.isrc.empty()) out += "    ISRC " + t.spec.isrc + "\n";
    CueText(t.spec.text, "    ", &out);
    // INDEX times count sectors from the start of the FILE, which is LBA 0; track 1's
    // first two seconds are before it, implied by every reader.
    if (t.pregap_lba < t.index1_lba && t.pregap_lba >= 0) {
      out += "    INDEX 00 " + Msf(t.pregap_lba) + "\n";
    } else if (t.pregap_lba < 0 && t.index1_lba > 0) {
      out += "    INDEX 00 " + Msf(0) + "\n";
    }
    out += "    INDEX 01 " + Msf(t.index1_lba) + "\n";
    for (std::size_t k = 0; k < t.index_lbas.size(); ++k) {
      char ix[8];
      std::snprintf(ix, sizeof ix, "%02zu", k + 2);
      out += std::string("    INDEX ") + ix + " " + Msf(t.index_lbas[k]) + "\n";
    }
  }
  return out;
}

std::string TocFileText(const RawCdDisc& disc, CueMode mode, const RawCdFiles& files) {
  bool data = false, mode2 = false;
  for (const RawCdTrack& t : disc.tracks) {
    data = data || t.is_data();
    mode2 = mode2 || (t.is_data() && t.spec.mode == CdTrack::DataMode::kMode2Form1);
  }
  std::string out = "// mkimg raw CD, Disc-at-Once\n";
  out += mode2 ? "CD_ROM_XA\n" : data ? "CD_ROM\n" : "CD_DA\n";
  if (!disc.spec.catalog.empty()) out += "CATALOG \"" + disc.spec.catalog + "\"\n";
  CdText album = disc.spec.text;
  if (album.upc_isrc.empty()) album.upc_isrc = disc.spec.catalog;
  std::array<bool, kTocTextItems> used{};
  for (std::size_t i = 0; i < kTocTextItems; ++i) {
    used[i] = !TocItems(album)[i]->empty();
    for (const RawCdTrack& t : disc.tracks) used[i] = used[i] || !TocItems(t.spec.text)[i]->empty();
  }
  if (!disc.cdtext.empty()) TocTextBlock(album, true, used, disc, &out);
  const std::string bin = TocString(BaseName(files.bin));
  std::uint64_t offset = 0;
  for (const RawCdTrack& t : disc.tracks) {
    out += "\n// Track " + std::to_string(t.number) + "\n";
    std::uint64_t sector = 2352;
    if (!t.is_data()) {
      out += "TRACK AUDIO\n";
    } else if (t.spec.mode == CdTrack::DataMode::kMode1) {
      out += mode == CueMode::kCooked ? "TRACK MODE1\n" : "TRACK MODE1_RAW\n";
      if (mode == CueMode::kCooked) sector = 2048;
    } else {
      out += mode == CueMode::kCooked ? "TRACK MODE2_FORM_MIX\n" : "TRACK MODE2_RAW\n";
      if (mode == CueMode::kCooked) sector = 2336;
    }
    out += t.spec.copy_permitted ? "COPY\n" : "NO COPY\n";
    if (!t.is_data()) {
      out += t.spec.pre_emphasis ? "PRE_EMPHASIS\n" : "NO PRE_EMPHASIS\n";
      out += "TWO_CHANNEL_AUDIO\n";
      if (!t.spec.isrc.empty()) out += "ISRC \"" + t.spec.isrc + "\"\n";
    }
    if (!disc.cdtext.empty()) {
      CdText text = t.spec.text;
      TocTextBlock(text, false, used, disc, &out);
    }
    // Track 1's first 150 sectors are not in the BIN (cdrdao adds them itself).
    const std::int32_t stored_pregap = t.index1_lba - std::max(0, t.pregap_lba);
    const std::int32_t sectors = t.end_lba - std::max(0, t.pregap_lba);
    if (t.is_data()) {
      out += "DATAFILE " + bin + " #" + std::to_string(offset) + " " + Msf(sectors) + "\n";
    } else {
      // Raw audio samples in the BIN are little-endian: SWAP, since cdrdao reads raw
      // audio files as big-endian.
      out += "FILE " + bin + " SWAP #" + std::to_string(offset) + " 0 " + Msf(sectors) + "\n";
    }
    if (stored_pregap > 0) out += "START " + Msf(stored_pregap) + "\n";
    for (std::int32_t at : t.index_lbas) out += "INDEX " + Msf(at - t.index1_lba) + "\n";
    offset += sector * static_cast<std::uint64_t>(sectors);
  }
  return out;
}

}  // namespace fs

// CD-TEXT packs (MMC-5 r03c Annex J). See cdtext.h.
#include "cd/cdtext.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <map>

#include "base/crc.h"

namespace cd {
namespace {

constexpr std::size_t kPayload = 12;
constexpr std::size_t kMaxPacks = 256;  // sequence numbers 00h-FFh
constexpr std::size_t kSizeInfoPacks = 3;

constexpr std::array<CdTextType, kCdTextItems> kTypes = {
    CdTextType::kTitle,    CdTextType::kPerformer, CdTextType::kSongwriter, CdTextType::kComposer,
    CdTextType::kArranger, CdTextType::kMessage,   CdTextType::kDiscId,     CdTextType::kUpcIsrc};

void Seal(CdTextPack& p) {
  std::uint16_t crc = CdTextCrc(std::span<const std::uint8_t>(p.data(), 16));
  p[16] = static_cast<std::uint8_t>(crc >> 8);
  p[17] = static_cast<std::uint8_t>(crc);
}

// Double-byte text is possible for the text types (80h-85h); the disc identification and
// the UPC/ISRC codes are ASCII.
bool DoubleByte(const CdTextBlock& block, std::size_t item) {
  return block.charset == kCharsetMsJis && item < 6;
}

// A converter of glibc's iconv: CP932 is Microsoft's Shift-JIS (MS-JIS), SHIFT_JIS the
// standard one, taken when CP932 is missing.
struct Iconv {
  iconv_t cd;
  explicit Iconv(bool to_ms_jis) : cd(Open(to_ms_jis, "CP932")) {
    if (!ok()) cd = Open(to_ms_jis, "SHIFT_JIS");
  }
  static iconv_t Open(bool to_ms_jis, const char* ms_jis) {
    return to_ms_jis ? iconv_open(ms_jis, "UTF-8") : iconv_open("UTF-8", ms_jis);
  }
  ~Iconv() {
    if (cd != reinterpret_cast<iconv_t>(-1)) iconv_close(cd);
  }
  Iconv(const Iconv&) = delete;
  Iconv& operator=(const Iconv&) = delete;
  bool ok() const { return cd != reinterpret_cast<iconv_t>(-1); }
  // Converts `in`; false at the first byte it cannot convert, `*at` its offset.
  bool Run(std::string_view in, std::string* out, std::size_t* at) {
    out->clear();
    char* src = const_cast<char*>(in.data());
    std::size_t left = in.size();
    std::array<char, 256> buf{};
    while (left > 0) {
      char* dst = buf.data();
      std::size_t room = buf.size();
      const std::size_t r = iconv(cd, &src, &left, &dst, &room);
      out->append(buf.data(), static_cast<std::size_t>(dst - buf.data()));
      if (r == static_cast<std::size_t>(-1) && errno != E2BIG) {
        *at = in.size() - left;
        return false;
      }
    }
    return true;
  }
};

}  // namespace

std::optional<std::string> Utf8ToMsJis(std::string_view utf8, std::size_t* bad) {
  Iconv conv(true);
  std::string out, one;
  std::size_t at = 0;
  for (std::size_t i = 0; i < utf8.size(); i += one.size()) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    const std::size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    one = std::string(utf8.substr(i, n));
    std::string code = one;
    if (c >= 0x21 && c <= 0x7E) {
      // ASCII as its full-width form (U+FF01-U+FF5E): every character double-byte.
      const std::uint32_t cp = 0xFF01 + (c - 0x21u);
      code = {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
              static_cast<char>(0x80 | (cp & 0x3F))};
    } else if (c == 0x20) {
      code = "\xE3\x80\x80";  // U+3000 IDEOGRAPHIC SPACE
    }
    std::string two;
    if (c < 0x20 || c == 0x7F || !conv.ok() || !conv.Run(code, &two, &at) || two.size() != 2) {
      if (bad != nullptr) *bad = i;
      return std::nullopt;
    }
    out += two;
  }
  return out;
}

std::string Latin1ToUtf8(std::string_view latin1) {
  std::string out;
  out.reserve(latin1.size());
  for (char ch : latin1) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

std::string MsJisToUtf8(std::string_view ms_jis) {
  Iconv conv(false);
  std::string utf8, part;
  while (!ms_jis.empty()) {
    std::size_t at = 0;
    const bool whole = conv.ok() && conv.Run(ms_jis, &part, &at);
    utf8 += part;
    if (whole) break;
    utf8 += "\xEF\xBF\xBD";  // U+FFFD for the byte it stopped at
    ms_jis.remove_prefix(at + 1);
    if (conv.ok()) iconv(conv.cd, nullptr, nullptr, nullptr, nullptr);
  }
  // The full-width forms of ASCII (and the ideographic space) back as ASCII.
  std::string out;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(utf8[i]);
    if (i + 2 < utf8.size() && (b0 == 0xE3 || b0 == 0xEF)) {
      const std::uint32_t cp = ((b0 & 0x0Fu) << 12) |
                               ((static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu) << 6) |
                               (static_cast<unsigned char>(utf8[i + 2]) & 0x3Fu);
      if (cp == 0x3000 || (cp >= 0xFF01 && cp <= 0xFF5E)) {
        out.push_back(static_cast<char>(cp == 0x3000 ? 0x20 : cp - 0xFF01 + 0x21));
        i += 2;
        continue;
      }
    }
    out.push_back(utf8[i]);
  }
  return out;
}

CdTextType CdTextItemType(std::size_t i) { return kTypes[i]; }

std::uint16_t CdTextCrc(std::span<const std::uint8_t> first16) { return base::Crc16CdQ(first16); }

std::optional<std::vector<CdTextPack>> EncodeCdText(const CdTextBlock& block) {
  std::vector<CdTextPack> packs;
  std::array<std::uint8_t, 16> counts{};
  for (std::size_t i = 0; i < kCdTextItems; ++i) {
    const bool album_only = kTypes[i] == CdTextType::kDiscId;
    bool any = !block.album[i].empty();
    if (!album_only) {
      for (const CdTextItems& t : block.tracks) any = any || !t[i].empty();
    }
    if (!any) continue;
    // Annex J.2: the strings of a type in track order (album first), each ended by 00h,
    // cut into 12-byte payloads; a pack names the track and character position of its
    // first byte.
    std::vector<std::uint8_t> text;
    std::vector<std::pair<std::size_t, std::uint8_t>> starts;  // offset, track
    const bool dbcc = DoubleByte(block, i);
    auto add = [&](const std::string& s, std::uint8_t track) {
      starts.emplace_back(text.size(), track);
      text.insert(text.end(), s.begin(), s.end());
      text.push_back(0);
      if (dbcc) text.push_back(0);  // double-byte text ends with two 00h bytes
    };
    add(block.album[i], 0);
    if (!album_only) {
      for (std::size_t t = 0; t < block.tracks.size(); ++t) {
        add(block.tracks[t][i], static_cast<std::uint8_t>(block.first_track + t));
      }
    }
    for (std::size_t at = 0; at < text.size(); at += kPayload) {
      if (packs.size() + 1 + kSizeInfoPacks > kMaxPacks) return std::nullopt;
      auto owner = std::upper_bound(starts.begin(), starts.end(), at,
                                    [](std::size_t v, const auto& e) { return v < e.first; }) -
                   1;
      CdTextPack p{};
      p[0] = static_cast<std::uint8_t>(kTypes[i]);
      p[1] = owner->second;
      p[2] = static_cast<std::uint8_t>(packs.size());
      // The characters of the pack's first string before it: 2 bytes each in double-byte
      // text, which bit 7 (DBCC) flags.
      const std::size_t before = (at - owner->first) / (dbcc ? 2 : 1);
      p[3] = static_cast<std::uint8_t>((dbcc ? 0x80 : 0) | std::min<std::size_t>(15, before));
      std::copy_n(text.begin() + static_cast<std::ptrdiff_t>(at),
                  std::min(kPayload, text.size() - at), p.begin() + 4);
      Seal(p);
      packs.push_back(p);
      ++counts[static_cast<std::size_t>(kTypes[i]) - 0x80];
    }
  }
  if (packs.empty()) return packs;
  if (packs.size() + kSizeInfoPacks > kMaxPacks) return std::nullopt;
  counts[0x0F] = kSizeInfoPacks;
  // Annex J.2.8: the size information, 36 bytes over three packs.
  std::array<std::uint8_t, 36> info{};
  info[0] = block.charset;  // character code
  info[1] = block.first_track;
  info[2] = static_cast<std::uint8_t>(block.first_track +
                                      std::max<std::size_t>(block.tracks.size(), 1) - 1);
  info[3] = 0x00;  // no copy protection of the text
  std::copy(counts.begin(), counts.end(), info.begin() + 4);
  info[20] = static_cast<std::uint8_t>(packs.size() + kSizeInfoPacks -
                                       1);  // last sequence number, block 0
  info[28] = block.language;
  for (std::size_t k = 0; k < kSizeInfoPacks; ++k) {
    CdTextPack p{};
    p[0] = static_cast<std::uint8_t>(CdTextType::kSizeInfo);
    p[1] = static_cast<std::uint8_t>(k);
    p[2] = static_cast<std::uint8_t>(packs.size());
    p[3] = 0;
    std::copy_n(info.begin() + static_cast<std::ptrdiff_t>(k * kPayload), kPayload, p.begin() + 4);
    Seal(p);
    packs.push_back(p);
  }
  return packs;
}

DecodedCdText DecodeCdText(std::span<const CdTextPack> packs) {
  DecodedCdText out;
  std::map<std::uint8_t, std::vector<const CdTextPack*>> by_type;
  std::uint8_t first = 0xFF, last = 0;
  for (const CdTextPack& p : packs) {
    if (CdTextCrc(std::span<const std::uint8_t>(p.data(), 16)) != ((p[16] << 8) | p[17])) {
      ++out.bad_crc;
      continue;
    }
    if ((p[3] >> 4 & 7) != 0) continue;  // block 0 only
    if (p[0] == static_cast<std::uint8_t>(CdTextType::kSizeInfo)) {
      if (p[1] == 0) {
        out.block.charset = p[4];
        first = p[5];
        last = p[6];
      }
      if (p[1] == 2) out.block.language = p[4 + 4];
      continue;
    }
    by_type[p[0]].push_back(&p);
  }
  if (first <= last && first >= 1 && last <= 99) {
    out.block.first_track = first;
    out.block.tracks.resize(static_cast<std::size_t>(last - first + 1));
  }
  for (std::size_t i = 0; i < kCdTextItems; ++i) {
    auto it = by_type.find(static_cast<std::uint8_t>(kTypes[i]));
    if (it == by_type.end() || it->second.empty()) continue;
    std::uint32_t track = it->second.front()->at(1) & 0x7F;
    std::string current;
    bool second_zero = false;  // double-byte text: the 00h after a string's first 00h
    for (const CdTextPack* p : it->second) {
      const bool dbcc = ((*p)[3] & 0x80) != 0;
      for (std::size_t b = 4; b < 16; ++b) {
        if (second_zero) {
          second_zero = false;
          if ((*p)[b] == 0) continue;
        }
        if ((*p)[b] != 0) {
          current.push_back(static_cast<char>((*p)[b]));
          continue;
        }
        second_zero = dbcc;
        if (track == 0) {
          out.block.album[i] = current;
        } else if (track >= out.block.first_track &&
                   track - out.block.first_track < out.block.tracks.size()) {
          out.block.tracks[track - out.block.first_track][i] = current;
        }
        current.clear();
        ++track;
        if (track > 99) break;
      }
    }
  }
  return out;
}

}  // namespace cd

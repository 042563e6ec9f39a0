// CD-TEXT packs (MMC-5 r03c Annex J). See cdtext.h.
#include "cd/cdtext.h"

#include <algorithm>
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

}  // namespace

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
    auto add = [&](const std::string& s, std::uint8_t track) {
      starts.emplace_back(text.size(), track);
      text.insert(text.end(), s.begin(), s.end());
      text.push_back(0);
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
      p[3] = static_cast<std::uint8_t>(std::min<std::size_t>(15, at - owner->first));
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
  info[0] = 0x00;  // character code: ISO 8859-1
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
    for (const CdTextPack* p : it->second) {
      for (std::size_t b = 4; b < 16; ++b) {
        if ((*p)[b] != 0) {
          current.push_back(static_cast<char>((*p)[b]));
          continue;
        }
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

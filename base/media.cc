#include "base/media.h"

#include <array>

namespace base {
namespace {

// Capacities are those of 80-minute CD-R/RW, 4.7 GB DVD (DVD-R 2,298,496 and DVD+R
// 2,295,104 sectors, as drives report them in READ CAPACITY / READ TRACK INFORMATION),
// 8.5 GB DVD DL, 4.7 GB DVD-RAM, 25/50 GB BD.
constexpr std::array<MediaInfo, 13> kMedia = {{
    {MediaType::kCdR, "cd-r", "CD-R", MediaFamily::kCd, 0x0009, 359847, false, 1},
    {MediaType::kCdRw, "cd-rw", "CD-RW", MediaFamily::kCd, 0x000A, 359847, true, 1},
    {MediaType::kDvdMinusR, "dvd-r", "DVD-R", MediaFamily::kDvd, 0x0011, 2298496, false, 1},
    {MediaType::kDvdMinusRw, "dvd-rw", "DVD-RW", MediaFamily::kDvd, 0x0014, 2298496, true, 1},
    {MediaType::kDvdPlusR, "dvd+r", "DVD+R", MediaFamily::kDvd, 0x001B, 2295104, false, 1},
    {MediaType::kDvdPlusRw, "dvd+rw", "DVD+RW", MediaFamily::kDvd, 0x001A, 2295104, true, 1},
    {MediaType::kDvdMinusRDl, "dvd-r-dl", "DVD-R DL", MediaFamily::kDvd, 0x0015, 4171712, false, 2},
    {MediaType::kDvdPlusRDl, "dvd+r-dl", "DVD+R DL", MediaFamily::kDvd, 0x002B, 4173824, false, 2},
    {MediaType::kDvdRam, "dvd-ram", "DVD-RAM", MediaFamily::kDvd, 0x0012, 2236704, true, 1},
    {MediaType::kBdR, "bd-r", "BD-R", MediaFamily::kBd, 0x0041, 12219392, false, 1},
    {MediaType::kBdRe, "bd-re", "BD-RE", MediaFamily::kBd, 0x0043, 12219392, true, 1},
    {MediaType::kBdRDl, "bd-r-dl", "BD-R DL", MediaFamily::kBd, 0x0041, 24438784, false, 2},
    {MediaType::kBdReDl, "bd-re-dl", "BD-RE DL", MediaFamily::kBd, 0x0043, 24438784, true, 2},
}};

}  // namespace

std::span<const MediaInfo> AllMedia() { return kMedia; }

const MediaInfo& GetMediaInfo(MediaType type) { return kMedia[static_cast<std::size_t>(type)]; }

std::optional<MediaType> ParseMediaName(std::string_view name) {
  for (const MediaInfo& m : kMedia) {
    if (m.name == name) return m.type;
  }
  return std::nullopt;
}

}  // namespace base

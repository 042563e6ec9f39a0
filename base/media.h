// The recordable media mkimg knows, with the user-data capacities of their common
// single-speed blanks, in 2048-byte sectors. Shared by the manifest (capacity checks), the
// emulator (media models) and the burner.
#ifndef MKIMG_BASE_MEDIA_H_
#define MKIMG_BASE_MEDIA_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace base {

enum class MediaType : std::uint8_t {
  kCdR,
  kCdRw,
  kDvdMinusR,
  kDvdMinusRw,
  kDvdPlusR,
  kDvdPlusRw,
  kDvdMinusRDl,
  kDvdPlusRDl,
  kDvdRam,
  kBdR,
  kBdRe,
  kBdRDl,
  kBdReDl,
};

enum class MediaFamily : std::uint8_t { kCd, kDvd, kBd };

struct MediaInfo {
  MediaType type;
  std::string_view name;          // the manifest / CLI name, e.g. "dvd+r"
  std::string_view display_name;  // e.g. "DVD+R"
  MediaFamily family;
  std::uint16_t mmc_profile;       // MMC-6 Table 91 profile number when loaded
  std::uint32_t capacity_sectors;  // user data, 2048-byte sectors
  bool rewritable;
  std::uint8_t layers;
};

// Every medium, in enum order.
std::span<const MediaInfo> AllMedia();
const MediaInfo& GetMediaInfo(MediaType type);
std::optional<MediaType> ParseMediaName(std::string_view name);

}  // namespace base

#endif  // MKIMG_BASE_MEDIA_H_

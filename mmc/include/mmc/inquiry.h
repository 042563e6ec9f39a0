// Standard INQUIRY data (SPC-4 6.4.2) as MMC logical units return it (peripheral device
// type 05h, RMB = 1). Conventions as in codec.h.
#ifndef MKIMG_MMC_INQUIRY_H_
#define MKIMG_MMC_INQUIRY_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "mmc/codec.h"

namespace mmc {

// SPC-4 6.4.2.
struct InquiryData {
  static constexpr std::size_t kStandardLength = 36;
  static constexpr std::uint8_t kMmcDeviceType = 0x05;

  std::uint8_t peripheral_qualifier = 0;      // byte 0 bits 7-5
  std::uint8_t device_type = kMmcDeviceType;  // byte 0 bits 4-0
  bool removable = true;                      // byte 1 bit 7 RMB
  std::uint8_t version = 0;                   // byte 2: 05h SPC-3, 06h SPC-4, 0 no claim
  std::uint8_t response_data_format = 2;      // byte 3 bits 3-0
  std::uint8_t byte3_flags = 0;               // byte 3 bits 7-4: NORMACA (5), HISUP (4)
  std::uint8_t flags[3] = {0, 0, 0};          // bytes 5-7 (SCCS ... CMDQUE), kept as is
  std::string vendor;                         // bytes 8-15, ASCII, trailing spaces removed
  std::string product;                        // bytes 16-31
  std::string revision;                       // bytes 32-35
  // Bytes 36 and on (vendor specific, version descriptors), kept verbatim.
  std::vector<std::uint8_t> extra;

  // Errors: fewer than 36 bytes (after the ADDITIONAL LENGTH cut).
  static base::Expected<InquiryData> Parse(std::span<const std::uint8_t> data);
  // 36 bytes plus `extra`; ADDITIONAL LENGTH = total - 5. Strings are space padded or cut.
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const InquiryData&, const InquiryData&) = default;
};

}  // namespace mmc

#endif  // MKIMG_MMC_INQUIRY_H_

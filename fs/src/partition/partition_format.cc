// MBR and GPT codec helpers; see partition_format.h.
#include "partition/partition_format.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>

#include "base/crc.h"
#include "base/unicode.h"

namespace fs::partition {

std::string Guid::ToString() const {
  char buf[40];
  const std::uint8_t* g = data4.b;
  std::snprintf(buf, sizeof buf, "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X", data1.get(),
                data2.get(), data3.get(), g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7]);
  return buf;
}

bool Guid::IsZero() const { return *this == codec::Zeroed<Guid>(); }

bool GptHeader::HasSignature() const {
  return std::memcmp(signature.b, kGptSignature.data(), kGptSignature.size()) == 0;
}

std::uint32_t GptHeaderCrc32(std::span<const std::uint8_t> header, std::uint32_t header_size) {
  std::array<std::uint8_t, kSectorSize> copy{};
  const std::size_t n = std::min<std::size_t>({header_size, header.size(), copy.size()});
  std::copy_n(header.data(), n, copy.data());
  base::StoreLe32(copy.data() + offsetof(GptHeader, header_crc32), 0);
  return base::Crc32(std::span(copy.data(), n));
}

std::string GptPartitionEntry::Name() const {
  std::u16string units;
  for (std::size_t k = 0; k < sizeof partition_name / 2; ++k) {
    const std::uint16_t u = base::LoadLe16(partition_name.b + 2 * k);
    if (u == 0) break;
    units.push_back(static_cast<char16_t>(u));
  }
  std::string utf8;
  for (char32_t c : base::DecodeUtf16(units)) base::AppendUtf8(c, &utf8);
  return utf8;
}

}  // namespace fs::partition

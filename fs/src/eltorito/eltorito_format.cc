// El Torito 1.0 codec helpers; see eltorito_format.h.
#include "eltorito/eltorito_format.h"

#include <algorithm>
#include <cstring>

namespace fs::eltorito {

BootRecordVolumeDescriptor BootRecordVolumeDescriptor::Make(std::uint32_t catalog_lba) {
  auto d = codec::Zeroed<BootRecordVolumeDescriptor>();
  std::memcpy(d.iso9660_identifier.b, "CD001", 5);
  d.version = 1;
  std::memcpy(d.boot_system_identifier.b, kBootSystemIdentifier.data(),
              kBootSystemIdentifier.size());
  d.boot_catalog_pointer.set(catalog_lba);
  return d;
}

bool BootRecordVolumeDescriptor::IsElTorito() const {
  const auto expected = Make(0);
  return boot_record_indicator == 0 && version == 1 &&
         std::memcmp(iso9660_identifier.b, expected.iso9660_identifier.b, 5) == 0 &&
         std::memcmp(boot_system_identifier.b, expected.boot_system_identifier.b, 32) == 0;
}

std::uint16_t ValidationEntry::WordSum() const {
  const auto bytes = codec::AsBytes(*this);
  std::uint16_t sum = 0;
  for (std::size_t i = 0; i < bytes.size(); i += 2) {
    sum = static_cast<std::uint16_t>(sum + base::LoadLe16(bytes.data() + i));
  }
  return sum;
}

void ValidationEntry::Finish() {
  header_id = kValidationHeaderId;
  key_55 = kKeyByte55;
  key_aa = kKeyByteAA;
  checksum.set(0);
  checksum.set(static_cast<std::uint16_t>(0x10000u - WordSum()));
}

ValidationEntry ValidationEntry::Make(std::uint8_t platform, std::string_view id) {
  auto v = codec::Zeroed<ValidationEntry>();
  v.platform_id = platform;
  std::memcpy(v.id_string.b, id.data(), std::min(id.size(), sizeof v.id_string));
  v.Finish();
  return v;
}

}  // namespace fs::eltorito

// El Torito 1.0 boot catalog reader; see boot_catalog_reader.h.
#include "eltorito/boot_catalog_reader.h"

#include <cstdio>
#include <string>
#include <vector>

#include "eltorito/eltorito_format.h"
#include "reader/reader_util.h"

namespace fs::reader {

namespace {

std::string PlatformName(std::uint8_t id) {
  // El Torito 1.0 2.1 platform IDs, plus 0xEF for UEFI (UEFI 2.10 12.3.2.1).
  switch (id) {
    case eltorito::kPlatformX86:
      return "x86";
    case eltorito::kPlatformPowerPc:
      return "ppc";
    case eltorito::kPlatformMac:
      return "mac";
    case eltorito::kPlatformEfi:
      return "efi";
    default: {
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%02X", id);
      return buf;
    }
  }
}

std::string EmulationName(std::uint8_t media) {
  // El Torito 1.0 2.2, boot media type bits 0-3.
  switch (media & 0x0F) {
    case eltorito::kNoEmulation:
      return "none";
    case eltorito::kFloppy12:
      return "floppy-1.2";
    case eltorito::kFloppy144:
      return "floppy-1.44";
    case eltorito::kFloppy288:
      return "floppy-2.88";
    case eltorito::kHardDisk:
      return "hard-disk";
    default:
      return "reserved-" + std::to_string(media & 0x0F);
  }
}

// El Torito 1.0 2.2 / 2.4: the fields the initial/default entry and a section entry share
// (indicator, media, load segment, system type, sector count, load RBA).
template <typename EntryT>
BootEntryInfo EntryInfo(const EntryT& e, const std::string& platform) {
  BootEntryInfo b;
  b.platform = platform;
  b.bootable = e.boot_indicator == eltorito::kBootable;
  b.emulation = EmulationName(e.boot_media_type);
  b.load_segment = e.load_segment.get();
  b.system_type = e.system_type;
  b.sector_count = e.sector_count.get();
  b.load_lba = e.load_rba.get();
  return b;
}

}  // namespace

base::Expected<BootCatalogInfo> ParseBootCatalog(std::span<const std::uint8_t> catalog,
                                                 std::uint32_t lba) {
  const std::string where = LbaWhere(lba) + ": El Torito boot catalog";
  constexpr std::size_t kEntry = eltorito::kEntrySize;
  if (catalog.size() < 2 * kEntry) return base::CorruptImage(where, "shorter than two entries");
  ASSIGN_OR_RETURN(const auto v, eltorito::ValidationEntry::Parse(catalog));
  // El Torito 1.0 2.1: header ID 1, key bytes 55 AA, words summing to zero.
  if (v.header_id != eltorito::kValidationHeaderId || v.key_55 != eltorito::kKeyByte55 ||
      v.key_aa != eltorito::kKeyByteAA) {
    return base::CorruptImage(where, "validation entry has header ID " +
                                         std::to_string(v.header_id) + " / key bytes wrong");
  }
  if (v.WordSum() != 0)
    return base::CorruptImage(where, "validation entry checksum does not sum to zero");
  BootCatalogInfo info;
  info.catalog_lba = lba;
  info.validation_platform = PlatformName(v.platform_id);
  info.manufacturer_id = TrimIdentifier(v.id_string.b);
  ASSIGN_OR_RETURN(const auto initial, eltorito::InitialEntry::Parse(catalog.subspan(kEntry)));
  info.entries.push_back(EntryInfo(initial, info.validation_platform));
  // Section headers (2.3): 0x90 more follow, 0x91 last; each announces N entries (2.4),
  // any of which may be followed by extension entries (0x44, 2.5).
  std::size_t pos = 2 * kEntry;
  bool last = false;
  int sections = 0;
  while (!last && pos + kEntry <= catalog.size()) {
    ASSIGN_OR_RETURN(const auto h, eltorito::SectionHeader::Parse(catalog.subspan(pos)));
    if (h.header_indicator != eltorito::kSectionHeaderMore &&
        h.header_indicator != eltorito::kSectionHeaderFinal)
      break;
    if (++sections > 256) return base::CorruptImage(where, "more than 256 section headers");
    last = h.header_indicator == eltorito::kSectionHeaderFinal;
    const std::string platform = PlatformName(h.platform_id);
    const std::uint16_t count = h.number_of_section_entries.get();
    const std::string id = TrimIdentifier(h.id_string.b);
    pos += kEntry;
    for (std::uint16_t i = 0; i < count; ++i) {
      if (pos + kEntry > catalog.size())
        return base::CorruptImage(where, "section entries run past the catalog");
      ASSIGN_OR_RETURN(const auto e, eltorito::SectionEntry::Parse(catalog.subspan(pos)));
      if (e.boot_indicator != eltorito::kBootable && e.boot_indicator != eltorito::kNotBootable) {
        return base::CorruptImage(where, "section entry at byte " + std::to_string(pos) +
                                             " has boot indicator " +
                                             std::to_string(e.boot_indicator));
      }
      BootEntryInfo b = EntryInfo(e, platform);
      b.id = id;
      b.selection_criteria_type = e.selection_criteria_type;
      std::vector<std::uint8_t> criteria(e.selection_criteria.b,
                                         e.selection_criteria.b + sizeof e.selection_criteria);
      pos += kEntry;
      // Extension entries (2.5): indicator 0x44, bit 5 of byte 1 says another follows.
      // Whether the first one follows is bit 5 of the section entry's boot media type
      // (2.4 offset 01, "continuation entry follows").
      bool more = (e.boot_media_type & eltorito::kExtensionMoreFollows) != 0;
      while (more && pos + kEntry <= catalog.size()) {
        ASSIGN_OR_RETURN(const auto x,
                         eltorito::SectionEntryExtension::Parse(catalog.subspan(pos)));
        if (x.extension_indicator != eltorito::kExtensionIndicator) break;
        more = (x.flags & eltorito::kExtensionMoreFollows) != 0;
        criteria.insert(criteria.end(), x.selection_criteria.b,
                        x.selection_criteria.b + sizeof x.selection_criteria);
        pos += kEntry;
      }
      // Trailing zeros are padding; the bytes given are what the criteria are.
      while (!criteria.empty() && criteria.back() == 0) criteria.pop_back();
      static constexpr char kHex[] = "0123456789abcdef";
      for (std::uint8_t c : criteria) {
        b.selection_criteria += kHex[c >> 4];
        b.selection_criteria += kHex[c & 15];
      }
      info.entries.push_back(std::move(b));
    }
  }
  return info;
}

void CheckBootImages(const base::BlockDevice& device, BootCatalogInfo* info) {
  constexpr std::uint64_t kMaxChecked = 64 << 20;  // a boot image larger is not summed
  // What all entries together may read (a hostile catalog may name one image 10,000 times).
  std::uint64_t budget = std::uint64_t{256} << 20;
  for (BootEntryInfo& e : info->entries) {
    if (e.emulation != "none") continue;
    const std::uint64_t start = std::uint64_t{e.load_lba} * 2048;
    std::uint8_t head[64];
    if (start + sizeof head > device.size() || !device.Read(start, head)) continue;
    std::uint8_t grub[8];
    if (start + 2556 <= device.size() && device.Read(start + 2548, grub) &&
        base::LoadLe64(grub) == std::uint64_t{e.load_lba} * 4 + 5) {
      e.grub2_boot_info = true;
    }
    // A table is there when the primary descriptor's LBA is and bytes 24-63 are zero.
    if (base::LoadLe32(head + 8) != 16) continue;
    bool zeros = true;
    for (std::size_t i = 24; i < 64; ++i) zeros = zeros && head[i] == 0;
    if (!zeros) continue;
    const std::uint32_t lba = base::LoadLe32(head + 12);
    const std::uint32_t length = base::LoadLe32(head + 16);
    if (lba != e.load_lba) {
      e.boot_info_table = "inconsistent: records LBA " + std::to_string(lba);
      continue;
    }
    if (length < 64 || start + length > device.size() || length > kMaxChecked) {
      e.boot_info_table = "inconsistent: records a length of " + std::to_string(length);
      continue;
    }
    if (length > budget) {
      e.boot_info_table = "present, not checked (read budget spent)";
      continue;
    }
    budget -= length;
    std::vector<std::uint8_t> bytes(length);
    if (!device.Read(start, bytes)) continue;
    std::uint32_t sum = 0;
    for (std::size_t i = 64; i < bytes.size(); i += 4) {
      std::uint8_t word[4] = {0, 0, 0, 0};
      for (std::size_t k = 0; k < 4 && i + k < bytes.size(); ++k) word[k] = bytes[i + k];
      sum += base::LoadLe32(word);
    }
    e.boot_info_table =
        sum == base::LoadLe32(head + 20) ? "consistent" : "inconsistent: checksum differs";
  }
}

}  // namespace fs::reader

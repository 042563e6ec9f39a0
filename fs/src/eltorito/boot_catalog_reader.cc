// El Torito 1.0 boot catalog reader; see boot_catalog_reader.h.
#include "eltorito/boot_catalog_reader.h"

#include <cstdio>
#include <string>

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
      info.entries.push_back(std::move(b));
      pos += kEntry;
      // Extension entries (2.5): indicator 0x44, bit 5 of byte 1 says another follows.
      // Whether the first one follows is read from bit 5 of the section entry's selection
      // criteria type (offset 0C), as this reader always has; El Torito 1.0 2.4 puts that
      // "continuation entry follows" bit in the boot media type (offset 01).
      bool more = (e.selection_criteria_type & eltorito::kExtensionMoreFollows) != 0;
      while (more && pos + kEntry <= catalog.size()) {
        ASSIGN_OR_RETURN(const auto x,
                         eltorito::SectionEntryExtension::Parse(catalog.subspan(pos)));
        if (x.extension_indicator != eltorito::kExtensionIndicator) break;
        more = (x.flags & eltorito::kExtensionMoreFollows) != 0;
        pos += kEntry;
      }
    }
  }
  return info;
}

}  // namespace fs::reader

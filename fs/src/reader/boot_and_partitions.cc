// El Torito boot catalog, MBR and GPT parsers; see boot_and_partitions.h.
#include "reader/boot_and_partitions.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "base/bytes.h"
#include "base/crc.h"
#include "base/unicode.h"
#include "reader/reader_util.h"

namespace fs::reader {

namespace {

std::string PlatformName(std::uint8_t id) {
  // El Torito 1.0 2.1 platform IDs, plus 0xEF for UEFI (UEFI 2.10 12.3.2.1).
  switch (id) {
    case 0x00:
      return "x86";
    case 0x01:
      return "ppc";
    case 0x02:
      return "mac";
    case 0xEF:
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
    case 0:
      return "none";
    case 1:
      return "floppy-1.2";
    case 2:
      return "floppy-1.44";
    case 3:
      return "floppy-2.88";
    case 4:
      return "hard-disk";
    default:
      return "reserved-" + std::to_string(media & 0x0F);
  }
}

BootEntryInfo ParseEntry(const std::uint8_t* e, const std::string& platform) {
  // El Torito 1.0 2.2 / 2.4: indicator, media, load segment, system type, unused, sector
  // count, load RBA.
  BootEntryInfo b;
  b.platform = platform;
  b.bootable = e[0] == 0x88;
  b.emulation = EmulationName(e[1]);
  b.load_segment = base::LoadLe16(e + 2);
  b.system_type = e[4];
  b.sector_count = base::LoadLe16(e + 6);
  b.load_lba = base::LoadLe32(e + 8);
  return b;
}

std::string Guid(const std::uint8_t* g) {
  // UEFI 2.10 appendix A: the first three fields are little-endian.
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
                base::LoadLe32(g), base::LoadLe16(g + 4), base::LoadLe16(g + 6), g[8], g[9], g[10],
                g[11], g[12], g[13], g[14], g[15]);
  return buf;
}

std::string GptTypeName(const std::string& guid) {
  if (guid == "C12A7328-F81F-11D2-BA4B-00A0C93EC93B") return "EFI System";
  if (guid == "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7") return "Basic data";
  if (guid == "0FC63DAF-8483-4772-8E79-3D69D8477DE4") return "Linux filesystem";
  if (guid == "21686148-6449-6E6F-744E-656564454649") return "BIOS boot";
  if (guid == "48465300-0000-11AA-AA11-00306543ECAC") return "HFS+";
  return {};
}

}  // namespace

base::Expected<BootCatalogInfo> ParseBootCatalog(std::span<const std::uint8_t> catalog,
                                                 std::uint32_t lba) {
  const std::string where = LbaWhere(lba) + ": El Torito boot catalog";
  if (catalog.size() < 64) return base::CorruptImage(where, "shorter than two entries");
  const std::uint8_t* v = catalog.data();
  // El Torito 1.0 2.1: header ID 1, key bytes 55 AA, words summing to zero.
  if (v[0] != 0x01 || v[30] != 0x55 || v[31] != 0xAA) {
    return base::CorruptImage(
        where, "validation entry has header ID " + std::to_string(v[0]) + " / key bytes wrong");
  }
  std::uint16_t sum = 0;
  for (int i = 0; i < 32; i += 2) sum = static_cast<std::uint16_t>(sum + base::LoadLe16(v + i));
  if (sum != 0) return base::CorruptImage(where, "validation entry checksum does not sum to zero");
  BootCatalogInfo info;
  info.catalog_lba = lba;
  info.validation_platform = PlatformName(v[1]);
  info.manufacturer_id = TrimIdentifier(catalog.subspan(4, 24));
  info.entries.push_back(ParseEntry(v + 32, info.validation_platform));
  // Section headers (2.3): 0x90 more follow, 0x91 last; each announces N entries (2.4),
  // any of which may be followed by extension entries (0x44, 2.5).
  std::size_t pos = 64;
  bool last = false;
  int sections = 0;
  while (!last && pos + 32 <= catalog.size()) {
    const std::uint8_t* h = catalog.data() + pos;
    if (h[0] != 0x90 && h[0] != 0x91) break;
    if (++sections > 256) return base::CorruptImage(where, "more than 256 section headers");
    last = h[0] == 0x91;
    const std::string platform = PlatformName(h[1]);
    const std::uint16_t count = base::LoadLe16(h + 2);
    const std::string id = TrimIdentifier(std::span(h + 4, 28));
    pos += 32;
    for (std::uint16_t i = 0; i < count; ++i) {
      if (pos + 32 > catalog.size())
        return base::CorruptImage(where, "section entries run past the catalog");
      const std::uint8_t* e = catalog.data() + pos;
      if (e[0] != 0x88 && e[0] != 0x00) {
        return base::CorruptImage(where, "section entry at byte " + std::to_string(pos) +
                                             " has boot indicator " + std::to_string(e[0]));
      }
      BootEntryInfo b = ParseEntry(e, platform);
      b.id = id;
      info.entries.push_back(std::move(b));
      pos += 32;
      // Extension entries (2.5): indicator 0x44, bit 5 of byte 1 says another follows.
      bool more = (e[12] & 0x20) != 0;
      while (more && pos + 32 <= catalog.size() && catalog[pos] == 0x44) {
        more = (catalog[pos + 1] & 0x20) != 0;
        pos += 32;
      }
    }
  }
  return info;
}

void ParsePartitionTables(std::span<const std::uint8_t> head, std::uint64_t image_size,
                          ImageInfo* info) {
  if (head.size() < 512 || head[510] != 0x55 || head[511] != 0xAA) return;
  // UEFI 2.10 5.2.1: four 16-byte records at byte 446; disk signature at 440.
  bool any = false;
  bool protective = false;
  std::vector<PartitionInfo> mbr;
  for (std::uint32_t i = 0; i < 4; ++i) {
    const std::uint8_t* r = head.data() + 446 + 16 * i;
    if (r[4] == 0) continue;
    if (r[0] != 0x00 && r[0] != 0x80) return;  // not a partition table (e.g. FAT boot code)
    PartitionInfo p;
    p.scheme = "mbr";
    p.index = i + 1;
    char t[8];
    std::snprintf(t, sizeof t, "0x%02X", r[4]);
    p.type = t;
    p.bootable = r[0] == 0x80;
    p.first_lba = base::LoadLe32(r + 8);
    p.sectors = base::LoadLe32(r + 12);
    if (r[4] == 0xEE) protective = true;
    if ((p.first_lba + p.sectors) * 512 > image_size + 512 * 4) {
      info->warnings.push_back("MBR partition " + std::to_string(p.index) + ": extends " +
                               "beyond the end of the image");
    }
    mbr.push_back(std::move(p));
    any = true;
  }
  if (!any) return;
  char sig[16];
  std::snprintf(sig, sizeof sig, "0x%08X", base::LoadLe32(head.data() + 440));
  info->mbr_disk_signature = sig;
  for (auto& p : mbr) info->partitions.push_back(std::move(p));
  if (!protective && head.size() >= 1024 &&
      std::string_view(reinterpret_cast<const char*>(head.data() + 512), 8) !=
          "EFI PART") {  // NOLINT
    return;
  }

  // UEFI 2.10 5.3.2: the GPT header at LBA 1.
  if (head.size() < 1024) return;
  std::span<const std::uint8_t> h = head.subspan(512, 512);
  if (std::string_view(reinterpret_cast<const char*>(h.data()), 8) != "EFI PART") return;  // NOLINT
  const std::uint32_t header_size = base::LoadLe32(h.data() + 12);
  if (header_size < 92 || header_size > 512) {
    info->warnings.push_back("GPT header: size " + std::to_string(header_size));
    return;
  }
  std::array<std::uint8_t, 512> copy{};
  std::copy_n(h.data(), header_size, copy.data());
  base::StoreLe32(copy.data() + 16, 0);
  if (base::Crc32(std::span(copy.data(), header_size)) != base::LoadLe32(h.data() + 16)) {
    info->warnings.push_back("GPT header: CRC32 mismatch");
  }
  info->gpt_disk_guid = Guid(h.data() + 56);
  const std::uint64_t entries_lba = base::LoadLe64(h.data() + 72);
  const std::uint32_t count = base::LoadLe32(h.data() + 80);
  const std::uint32_t entry_size = base::LoadLe32(h.data() + 84);
  if (entry_size < 128 || entry_size > 4096 || count > 4096 || entries_lba > head.size() / 512) {
    info->warnings.push_back("GPT header: partition entry array (LBA " +
                             std::to_string(entries_lba) + ", " + std::to_string(count) + " x " +
                             std::to_string(entry_size) + ") not readable");
    return;
  }
  const std::uint64_t array_bytes = std::uint64_t{count} * entry_size;
  if (entries_lba * 512 + array_bytes > head.size()) {
    info->warnings.push_back("GPT: partition entry array extends past the bytes read");
    return;
  }
  std::span<const std::uint8_t> array = head.subspan(entries_lba * 512, array_bytes);
  if (base::Crc32(array) != base::LoadLe32(h.data() + 88))
    info->warnings.push_back("GPT: partition entry array CRC32 mismatch");
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint8_t* e = array.data() + std::size_t{i} * entry_size;
    bool used = false;
    for (int k = 0; k < 16; ++k) used |= e[k] != 0;
    if (!used) continue;
    // UEFI 2.10 5.3.3: type GUID, unique GUID, first LBA, last LBA, attributes, name.
    PartitionInfo p;
    p.scheme = "gpt";
    p.index = i + 1;
    const std::string type = Guid(e);
    const std::string name = GptTypeName(type);
    p.type = name.empty() ? type : name + " (" + type + ")";
    p.guid = Guid(e + 16);
    p.first_lba = base::LoadLe64(e + 32);
    const std::uint64_t last = base::LoadLe64(e + 40);
    p.sectors = last >= p.first_lba ? last - p.first_lba + 1 : 0;
    std::u16string units;
    for (int k = 0; k < 36; ++k) {
      const std::uint16_t u = base::LoadLe16(e + 56 + 2 * k);
      if (u == 0) break;
      units.push_back(static_cast<char16_t>(u));
    }
    std::string utf8;
    for (char32_t c : base::DecodeUtf16(units)) base::AppendUtf8(c, &utf8);
    p.name = utf8;
    info->partitions.push_back(std::move(p));
  }
}

}  // namespace fs::reader

// MBR and GPT reader; see partition_reader.h.
#include "partition/partition_reader.h"

#include <cstdio>
#include <string>
#include <vector>

#include "base/crc.h"
#include "partition/partition_format.h"

namespace fs::reader {

namespace {

std::string GptTypeName(const std::string& guid) {
  if (guid == "C12A7328-F81F-11D2-BA4B-00A0C93EC93B") return "EFI System";
  if (guid == "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7") return "Basic data";
  if (guid == "0FC63DAF-8483-4772-8E79-3D69D8477DE4") return "Linux filesystem";
  if (guid == "21686148-6449-6E6F-744E-656564454649") return "BIOS boot";
  if (guid == "48465300-0000-11AA-AA11-00306543ECAC") return "HFS+";
  return {};
}

// UEFI 2.10 5.3.2: the GPT header at LBA 1 and its partition entry array (5.3.3).
void ParseGpt(std::span<const std::uint8_t> head, ImageInfo* info) {
  constexpr std::size_t kSector = partition::kSectorSize;
  if (head.size() < 2 * kSector) return;
  std::span<const std::uint8_t> sector = head.subspan(kSector, kSector);
  const auto h = partition::GptHeader::ParseZeroExtended(sector);
  if (!h.HasSignature()) return;
  const std::uint32_t header_size = h.header_size.get();
  if (header_size < partition::kGptHeaderMinSize || header_size > kSector) {
    info->warnings.push_back("GPT header: size " + std::to_string(header_size));
    return;
  }
  if (partition::GptHeaderCrc32(sector, header_size) != h.header_crc32.get()) {
    info->warnings.push_back("GPT header: CRC32 mismatch");
  }
  info->gpt_disk_guid = h.disk_guid.ToString();
  const std::uint64_t entries_lba = h.partition_entry_lba.get();
  const std::uint32_t count = h.number_of_partition_entries.get();
  const std::uint32_t entry_size = h.size_of_partition_entry.get();
  if (entry_size < sizeof(partition::GptPartitionEntry) || entry_size > 4096 || count > 4096 ||
      entries_lba > head.size() / kSector) {
    info->warnings.push_back("GPT header: partition entry array (LBA " +
                             std::to_string(entries_lba) + ", " + std::to_string(count) + " x " +
                             std::to_string(entry_size) + ") not readable");
    return;
  }
  const std::uint64_t array_bytes = std::uint64_t{count} * entry_size;
  if (entries_lba * kSector + array_bytes > head.size()) {
    info->warnings.push_back("GPT: partition entry array extends past the bytes read");
    return;
  }
  std::span<const std::uint8_t> array = head.subspan(entries_lba * kSector, array_bytes);
  if (base::Crc32(array) != h.partition_entry_array_crc32.get())
    info->warnings.push_back("GPT: partition entry array CRC32 mismatch");
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto e = partition::GptPartitionEntry::ParseZeroExtended(
        array.subspan(std::size_t{i} * entry_size, entry_size));
    if (e.partition_type_guid.IsZero()) continue;  // unused entry
    PartitionInfo p;
    p.scheme = "gpt";
    p.index = i + 1;
    const std::string type = e.partition_type_guid.ToString();
    const std::string name = GptTypeName(type);
    p.type = name.empty() ? type : name + " (" + type + ")";
    p.guid = e.unique_partition_guid.ToString();
    p.first_lba = e.starting_lba.get();
    const std::uint64_t last = e.ending_lba.get();
    p.sectors = last >= p.first_lba ? last - p.first_lba + 1 : 0;
    p.name = e.Name();
    info->partitions.push_back(std::move(p));
  }
}

}  // namespace

void ParsePartitionTables(std::span<const std::uint8_t> head, std::uint64_t image_size,
                          ImageInfo* info) {
  if (head.size() < partition::kSectorSize) return;
  const auto mbr = partition::MasterBootRecord::ParseZeroExtended(head);
  if (!mbr.HasSignature()) return;
  // UEFI 2.10 5.2.1: four 16-byte records at byte 446; disk signature at 440.
  bool any = false;
  bool protective = false;
  std::vector<PartitionInfo> records;
  for (std::uint32_t i = 0; i < 4; ++i) {
    const partition::MbrPartitionRecord& r = mbr.partition_record[i];
    if (r.os_type == 0) continue;
    // Not a partition table (e.g. FAT boot code).
    if (r.boot_indicator != 0x00 && r.boot_indicator != partition::kMbrBootable) return;
    PartitionInfo p;
    p.scheme = "mbr";
    p.index = i + 1;
    char t[8];
    std::snprintf(t, sizeof t, "0x%02X", r.os_type);
    p.type = t;
    p.bootable = r.boot_indicator == partition::kMbrBootable;
    p.first_lba = r.starting_lba.get();
    p.sectors = r.size_in_lba.get();
    if (r.os_type == partition::kMbrProtectiveType) protective = true;
    if ((p.first_lba + p.sectors) * 512 > image_size + 512 * 4) {
      info->warnings.push_back("MBR partition " + std::to_string(p.index) + ": extends " +
                               "beyond the end of the image");
    }
    records.push_back(std::move(p));
    any = true;
  }
  if (!any) return;
  char sig[16];
  std::snprintf(sig, sizeof sig, "0x%08X", mbr.unique_mbr_disk_signature.get());
  info->mbr_disk_signature = sig;
  for (auto& p : records) info->partitions.push_back(std::move(p));
  if (!protective && head.size() >= 2 * partition::kSectorSize &&
      !partition::GptHeader::ParseZeroExtended(head.subspan(partition::kSectorSize))
           .HasSignature()) {
    return;
  }
  ParseGpt(head, info);
}

void CheckBackupGpt(const base::BlockDevice& device, ImageInfo* info) {
  constexpr std::uint64_t kSector = partition::kSectorSize;
  if (info->gpt_disk_guid.empty() || device.size() < 3 * kSector) return;
  std::uint8_t sector[kSector];
  if (!device.Read(kSector, sector)) return;
  const auto primary = partition::GptHeader::ParseZeroExtended(sector);
  const std::uint64_t alternate = primary.alternate_lba.get();
  const std::uint32_t count = primary.number_of_partition_entries.get();
  const std::uint32_t entry_size = primary.size_of_partition_entry.get();
  if (count > 4096 || entry_size > 4096) return;
  const std::uint64_t array_bytes = std::uint64_t{count} * entry_size;
  if (alternate != device.size() / kSector - 1) {
    info->warnings.push_back("GPT: the backup header is at sector " + std::to_string(alternate) +
                             ", not the last sector (" +
                             std::to_string(device.size() / kSector - 1) + ")");
  }
  if (alternate < 2 || (alternate + 1) * kSector > device.size() ||
      !device.Read(alternate * kSector, sector)) {
    info->warnings.push_back("GPT: the backup header (sector " + std::to_string(alternate) +
                             ") is outside the image");
    return;
  }
  const auto backup = partition::GptHeader::ParseZeroExtended(sector);
  const std::uint32_t header_size = backup.header_size.get();
  if (!backup.HasSignature() || header_size < partition::kGptHeaderMinSize ||
      header_size > kSector) {
    info->warnings.push_back("GPT: no backup header at sector " + std::to_string(alternate));
    return;
  }
  if (partition::GptHeaderCrc32(sector, header_size) != backup.header_crc32.get()) {
    info->warnings.push_back("GPT backup header: CRC32 mismatch");
  }
  if (backup.my_lba.get() != alternate || backup.alternate_lba.get() != 1) {
    info->warnings.push_back("GPT backup header: MyLBA/AlternateLBA do not point back");
  }
  const std::uint64_t entries = backup.partition_entry_lba.get();
  if (backup.number_of_partition_entries.get() != count ||
      backup.size_of_partition_entry.get() != entry_size ||
      entries * kSector + array_bytes > device.size()) {
    info->warnings.push_back("GPT backup header: partition entry array differs from the primary");
    return;
  }
  std::vector<std::uint8_t> array(array_bytes);
  if (!device.Read(entries * kSector, array)) return;
  if (base::Crc32(array) != backup.partition_entry_array_crc32.get()) {
    info->warnings.push_back("GPT backup: partition entry array CRC32 mismatch");
  } else if (backup.partition_entry_array_crc32.get() !=
             primary.partition_entry_array_crc32.get()) {
    info->warnings.push_back("GPT backup: partition entries differ from the primary's");
  }
}

}  // namespace fs::reader

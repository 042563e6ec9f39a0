// The hybrid MBR/GPT writer; see hybrid_writer.h and specs/partition.md "The writer".
#include "partition/hybrid_writer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "base/block_sink.h"
#include "base/bytes.h"
#include "base/crc.h"
#include "eltorito/eltorito_format.h"
#include "partition/partition_format.h"
#include "plan/section.h"

namespace fs::partition {
namespace {

constexpr std::uint64_t kSectorsPerBlock = base::kBlockSize / kSectorSize;   // 4
constexpr std::uint32_t kGptEntries = 128;                                   // UEFI 2.10 5.3.2
constexpr std::uint64_t kGptArraySectors = kGptEntries * 128 / kSectorSize;  // 32
constexpr std::uint64_t kSystemAreaBlocks = 16;                              // ECMA-119 6.2.1
constexpr std::uint64_t kIsoDataFirstSector = kSystemAreaBlocks * kSectorsPerBlock;  // 64
constexpr std::uint64_t kPadBlocks = (1u << 20) / base::kBlockSize;  // images end on a MiB
// The backup GPT (array and header) in whole blocks at the end: 33 sectors in 9 blocks.
constexpr std::uint64_t kBackupBlocks =
    (kGptArraySectors + 1 + kSectorsPerBlock - 1) / kSectorsPerBlock;

// UEFI 2.10 5.3.3 table 5-7: partition type GUIDs.
constexpr char kEfiSystemGuid[] = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
constexpr char kBasicDataGuid[] = "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7";
constexpr std::uint8_t kMbrIsoType = 0x17;  // isohybrid's type for the ISO 9660 data
constexpr std::uint8_t kMbrEfiType = 0xEF;  // UEFI 2.10 5.2.2: EFI system partition

Guid ParseGuid(std::string_view text) {
  // "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX"; the first three fields little-endian (appendix A).
  auto hex = [&](std::size_t at, std::size_t digits) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < digits; ++i) {
      const char c = text[at + i];
      v = v * 16 + static_cast<std::uint64_t>(c <= '9' ? c - '0' : c - 'A' + 10);
    }
    return v;
  };
  auto g = codec::Zeroed<Guid>();
  g.data1.set(static_cast<std::uint32_t>(hex(0, 8)));
  g.data2.set(static_cast<std::uint16_t>(hex(9, 4)));
  g.data3.set(static_cast<std::uint16_t>(hex(14, 4)));
  g.data4.b[0] = static_cast<std::uint8_t>(hex(19, 2));
  g.data4.b[1] = static_cast<std::uint8_t>(hex(21, 2));
  for (std::size_t i = 0; i < 6; ++i)
    g.data4.b[2 + i] = static_cast<std::uint8_t>(hex(24 + 2 * i, 2));
  return g;
}

// Identifiers that depend only on the volume: a CRC-32 chain over its ID and timestamp.
std::uint32_t Seed(const plan::ImagePlan& plan, std::uint32_t salt) {
  std::string s = plan.spec.volume.id + "/" + std::to_string(plan.spec.volume.timestamp.seconds) +
                  "/" + std::to_string(salt);
  return base::Crc32(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

// A version 4 (random-form) GUID made from Seed (RFC 4122 4.4 layout bits).
Guid DerivedGuid(const plan::ImagePlan& plan, std::uint32_t salt) {
  std::array<std::uint8_t, 16> b{};
  for (std::uint32_t k = 0; k < 4; ++k) base::StoreLe32(b.data() + 4 * k, Seed(plan, salt * 4 + k));
  b[7] = static_cast<std::uint8_t>((b[7] & 0x0F) | 0x40);  // data3's high byte: version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);  // variant 10
  return Guid::ParseZeroExtended(b);
}

// Cylinder/head/sector of a 512-byte sector in the 64-head, 32-sector geometry isohybrid
// uses; past cylinder 1023 the maximum (UEFI 2.10 5.2.1: CHS fields are legacy).
void SetChs(std::uint8_t* chs, std::uint64_t lba) {
  const std::uint64_t cylinder = lba / (64 * 32);
  if (cylinder > 1023) {
    chs[0] = 0xFE;
    chs[1] = 0xFF;
    chs[2] = 0xFF;
    return;
  }
  const std::uint64_t head = lba / 32 % 64;
  const std::uint64_t sector = lba % 32 + 1;
  chs[0] = static_cast<std::uint8_t>(head);
  chs[1] = static_cast<std::uint8_t>(sector | ((cylinder >> 2) & 0xC0));
  chs[2] = static_cast<std::uint8_t>(cylinder & 0xFF);
}

MbrPartitionRecord Record(std::uint8_t type, bool bootable, std::uint64_t first,
                          std::uint64_t sectors) {
  auto r = codec::Zeroed<MbrPartitionRecord>();
  r.boot_indicator = bootable ? kMbrBootable : 0;
  r.os_type = type;
  first = std::min<std::uint64_t>(first, 0xFFFFFFFF);
  sectors = std::min<std::uint64_t>(sectors, 0xFFFFFFFF - first);
  r.starting_lba.set(static_cast<std::uint32_t>(first));
  r.size_in_lba.set(static_cast<std::uint32_t>(sectors));
  SetChs(r.starting_chs.b, first);
  SetChs(r.ending_chs.b, first + sectors - 1);
  return r;
}

struct Extent {
  std::uint64_t first = 0, sectors = 0;  // 512-byte sectors
  std::string name;
  bool esp = false;
};

// What the image holds in 512-byte sectors: the ISO 9660 data, the ESP, and where the
// trailer begins.
class DiskLayout {
 public:
  DiskLayout(const plan::ImagePlan& plan, const eltorito::BootWriter& boot,
             std::uint64_t trailer_block)
      : total_(plan.total_blocks * kSectorsPerBlock) {
    const std::uint64_t data_end = trailer_block * kSectorsPerBlock;
    const std::uint64_t begin = 0;
    std::uint64_t at = begin;
    if (auto esp = boot.FirstOf(eltorito::kPlatformEfi)) {
      const std::uint64_t first = std::uint64_t{boot.ImageLba(plan, *esp)} * kSectorsPerBlock;
      const std::uint64_t sectors = (boot.ImageSize(*esp) + kSectorSize - 1) / kSectorSize;
      if (first > at) parts_.push_back({at, first - at, "ISO9660", false});
      parts_.push_back({first, sectors, "EFI system partition", true});
      at = first + sectors;
    }
    if (data_end > at) parts_.push_back({at, data_end - at, "ISO9660", false});
  }
  std::uint64_t total() const { return total_; }
  const std::vector<Extent>& parts() const { return parts_; }

 private:
  std::uint64_t total_;
  std::vector<Extent> parts_;
};

// UEFI 2.10 5.3.2-5.3.3: the partition entry array and a header for it.
std::vector<std::uint8_t> GptArray(const plan::ImagePlan& plan, const DiskLayout& disk) {
  std::vector<std::uint8_t> array(kGptEntries * sizeof(GptPartitionEntry), 0);
  std::uint32_t index = 0;
  for (const Extent& p : disk.parts()) {
    // GPT partitions lie in the usable area: the ISO data from sector 64, after the
    // system area that holds the MBR and the primary GPT.
    const std::uint64_t first = std::max(p.first, kIsoDataFirstSector);
    const std::uint64_t last = p.first + p.sectors - 1;
    if (last < first) continue;
    auto e = codec::Zeroed<GptPartitionEntry>();
    e.partition_type_guid = ParseGuid(p.esp ? kEfiSystemGuid : kBasicDataGuid);
    e.unique_partition_guid = DerivedGuid(plan, 100 + index);
    e.starting_lba.set(first);
    e.ending_lba.set(last);
    for (std::size_t i = 0; i < p.name.size() && i < 35; ++i) {
      base::StoreLe16(e.partition_name.b + 2 * i, static_cast<std::uint8_t>(p.name[i]));
    }
    const auto bytes = codec::AsBytes(e);
    std::copy(bytes.begin(), bytes.end(), array.data() + index * sizeof(GptPartitionEntry));
    ++index;
  }
  return array;
}

std::array<std::uint8_t, kSectorSize> GptHeaderSector(const plan::ImagePlan& plan,
                                                      const DiskLayout& disk,
                                                      std::span<const std::uint8_t> array,
                                                      bool primary) {
  const std::uint64_t last = disk.total() - 1;
  auto h = codec::Zeroed<GptHeader>();
  std::memcpy(h.signature.b, kGptSignature.data(), kGptSignature.size());
  h.revision.set(kGptRevision);
  h.header_size.set(sizeof(GptHeader));
  h.my_lba.set(primary ? 1 : last);
  h.alternate_lba.set(primary ? last : 1);
  h.first_usable_lba.set(2 + kGptArraySectors);
  h.last_usable_lba.set(last - kGptArraySectors - 1);
  h.disk_guid = DerivedGuid(plan, 1);
  h.partition_entry_lba.set(primary ? 2 : last - kGptArraySectors);
  h.number_of_partition_entries.set(kGptEntries);
  h.size_of_partition_entry.set(sizeof(GptPartitionEntry));
  h.partition_entry_array_crc32.set(base::Crc32(array));
  std::array<std::uint8_t, kSectorSize> sector{};
  const auto bytes = codec::AsBytes(h);
  std::copy(bytes.begin(), bytes.end(), sector.begin());
  base::StoreLe32(sector.data() + offsetof(GptHeader, header_crc32),
                  GptHeaderCrc32(sector, sizeof(GptHeader)));
  return sector;
}

struct HybridState {
  std::shared_ptr<const eltorito::BootWriter> boot;
};

class HybridSystemArea final : public plan::Section {
 public:
  explicit HybridSystemArea(std::shared_ptr<HybridState> state)
      : Section("hybrid MBR/GPT system area", plan::Region::kVolumeDescriptors),
        state_(std::move(state)) {}

  base::Status Write(const plan::ImagePlan& plan, plan::EmitContext& context) const override {
    const eltorito::BootWriter& boot = *state_->boot;
    const HybridSpec& h = *boot.spec().hybrid;
    const DiskLayout disk(plan, boot, plan.trailer_lba);
    std::vector<std::uint8_t> area(kSystemAreaBlocks * base::kBlockSize, 0);
    // UEFI 2.10 5.2.1 table 5-1: boot code 0-439 (the template's first 432 bytes, then
    // the boot image's address at 432), disk signature 440, records 446, 55 AA 510.
    std::copy_n(h.mbr.begin(), std::min<std::size_t>(h.mbr.size(), 432), area.begin());
    const std::size_t x86 = *boot.FirstOf(eltorito::kPlatformX86);
    const std::uint64_t image_sector = std::uint64_t{boot.ImageLba(plan, x86)} * kSectorsPerBlock;
    const bool grub2 =
        h.patch == HybridSpec::MbrPatch::kGrub2 ||
        (h.patch == HybridSpec::MbrPatch::kAuto && boot.spec().entries[x86].grub2_boot_info);
    if (grub2) {
      // GRUB's boot_hybrid.img reads its core (the diskboot.img at 2048 bytes into the El
      // Torito image) from the 64-bit sector at 432 (xorriso --grub2-mbr).
      base::StoreLe64(area.data() + 432, image_sector + 4);
    } else {
      // isolinux's isohdpfx.bin: the 32-bit sector of isolinux.bin at 432, 436-439 zero.
      base::StoreLe32(area.data() + 432, static_cast<std::uint32_t>(image_sector));
    }
    base::StoreLe32(area.data() + 440, Seed(plan, 0) | 1);
    MbrPartitionRecord records[4] = {};
    if (h.gpt) {
      // 5.2.3: the protective MBR, one 0xEE record over the disk from sector 1.
      records[0] = Record(kMbrProtectiveType, false, 1, disk.total() - 1);
      records[0].starting_chs.b[0] = 0x00;
      records[0].starting_chs.b[1] = 0x02;
      records[0].starting_chs.b[2] = 0x00;
    } else {
      std::size_t n = 0;
      for (const Extent& p : disk.parts()) {
        if (n == 4) break;
        const bool first = n == 0;
        // The first ISO partition starts at sector 0 and runs to the end of the data, as
        // isohybrid's does, so that mounting it mounts the ISO 9660 volume.
        const std::uint64_t end =
            p.esp ? p.first + p.sectors
                  : (first && disk.parts().size() == 1 ? disk.total() : p.first + p.sectors);
        records[n++] =
            Record(p.esp ? kMbrEfiType : kMbrIsoType, first && !p.esp, p.first, end - p.first);
      }
    }
    for (std::size_t i = 0; i < 4; ++i) {
      const auto bytes = codec::AsBytes(records[i]);
      std::copy(bytes.begin(), bytes.end(), area.data() + 446 + 16 * i);
    }
    area[510] = 0x55;
    area[511] = 0xAA;
    if (h.gpt) {
      const std::vector<std::uint8_t> array = GptArray(plan, disk);
      const auto header = GptHeaderSector(plan, disk, array, true);
      std::copy(header.begin(), header.end(), area.data() + kSectorSize);
      std::copy(array.begin(), array.end(), area.data() + 2 * kSectorSize);
    }
    return context.sink().Write(area);
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(plan::ImagePlan&, std::uint64_t) override {
    return kSystemAreaBlocks;
  }

 private:
  std::shared_ptr<HybridState> state_;
};

// The backup GPT (UEFI 2.10 5.3.2) in the last sectors; the image ends on a whole MiB
// (Placement::AlignEnd), zeros between the file data and it. End-relative, so that UDF's
// anchor at N - 256 and reserve sequence (specs/udf.md) find their places before it.
class BackupGpt final : public plan::Section {
 public:
  explicit BackupGpt(std::shared_ptr<HybridState> state)
      : Section("backup GPT", plan::Region::kTrailer), state_(std::move(state)) {}

  base::Status Write(const plan::ImagePlan& plan, plan::EmitContext& context) const override {
    if (lba() + blocks() != plan.end_lba()) {
      return base::InvalidInput("boot.hybrid",
                                "the backup GPT must end the image, and the " +
                                    std::to_string(plan.end_lba() - lba() - blocks()) +
                                    " blocks of another section follow it");
    }
    const eltorito::BootWriter& boot = *state_->boot;
    const DiskLayout disk(plan, boot, plan.trailer_lba);
    const std::vector<std::uint8_t> array = GptArray(plan, disk);
    const auto header = GptHeaderSector(plan, disk, array, false);
    const std::uint64_t bytes = blocks() * base::kBlockSize;
    RETURN_IF_ERROR(context.sink().WriteZeros(bytes - array.size() - header.size()));
    RETURN_IF_ERROR(context.sink().Write(array));
    return context.sink().Write(header);
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(plan::ImagePlan&, std::uint64_t) override {
    return kBackupBlocks;
  }

 private:
  std::shared_ptr<HybridState> state_;
};

}  // namespace

base::Status CheckHybrid(const plan::ImagePlan& plan, const eltorito::BootWriter& boot) {
  const HybridSpec& h = *boot.spec().hybrid;
  if (plan.start_lba != 0) {
    return base::InvalidInput(h.where, "a hybrid MBR/GPT belongs to an image's first session");
  }
  if (!boot.FirstOf(eltorito::kPlatformX86)) {
    return base::InvalidInput(h.where,
                              "a hybrid image boots as a disk through its x86 boot "
                              "image: add an entry with platform \"x86\"");
  }
  const std::size_t n = h.mbr.size();
  if (n != 432 && n != 440 && n != 446 && n != 512) {
    return base::InvalidInput(
        h.mbr_where.empty() ? h.where : h.mbr_where,
        "an MBR template has 432, 440, 446 or 512 bytes (isohdpfx.bin, boot_hybrid.img), not " +
            std::to_string(n));
  }
  return base::Ok();
}

void AddHybridSections(std::shared_ptr<const eltorito::BootWriter> boot,
                       plan::Placement& placement) {
  auto state = std::make_shared<HybridState>();
  state->boot = std::move(boot);
  const bool gpt = state->boot->spec().hybrid->gpt;
  placement.AddFixed(std::make_unique<HybridSystemArea>(state), 0);
  placement.AlignEnd(kPadBlocks);
  if (gpt) placement.AddAtEnd(std::make_unique<BackupGpt>(state), kBackupBlocks);
}

}  // namespace fs::partition

// UDF reader (ECMA-167 3rd edition, OSTA UDF 2.60); see udf_reader.h.
#include "reader/udf_reader.h"

#include <algorithm>
#include <deque>
#include <unordered_set>

#include "base/bytes.h"
#include "base/crc.h"
#include "base/unicode.h"
#include "reader/reader_util.h"

namespace fs::reader {

namespace {

// ECMA-167 3/7.2.1 tag identifiers.
enum TagId : std::uint16_t {
  kPrimaryVolumeDescriptor = 1,
  kAnchorVolumeDescriptorPointer = 2,
  kVolumeDescriptorPointer = 3,
  kImplementationUseVolumeDescriptor = 4,
  kPartitionDescriptor = 5,
  kLogicalVolumeDescriptor = 6,
  kUnallocatedSpaceDescriptor = 7,
  kTerminatingDescriptor = 8,
  kLogicalVolumeIntegrityDescriptor = 9,
  kFileSetDescriptor = 256,
  kFileIdentifierDescriptor = 257,
  kAllocationExtentDescriptor = 258,
  kFileEntry = 261,
  kExtendedFileEntry = 266,
};

// ECMA-167 3/7.2: the descriptor tag.
struct Tag {
  base::Le16 identifier;          // BP 0-1
  base::Le16 descriptor_version;  // BP 2-3
  std::uint8_t checksum;          // BP 4
  std::uint8_t reserved;          // BP 5
  base::Le16 serial_number;       // BP 6-7
  base::Le16 crc;                 // BP 8-9
  base::Le16 crc_length;          // BP 10-11
  base::Le32 location;            // BP 12-15
};
static_assert(sizeof(Tag) == 16);
static_assert(offsetof(Tag, location) == 12);

// ECMA-167 4/14.6: ICB tag fields used, as offsets in a file entry (ICB tag at BP 16).
constexpr std::size_t kIcbFileType = 16 + 11;
constexpr std::size_t kIcbFlags = 16 + 18;
// ECMA-167 4/14.9 file entry and 4/14.17 extended file entry offsets.
struct EntryLayout {
  std::size_t info_length, modification_time, ea_length, ad_length, header;
};
constexpr EntryLayout kFileEntryLayout{56, 84, 168, 172, 176};
constexpr EntryLayout kExtendedFileEntryLayout{56, 92, 208, 212, 216};
constexpr std::size_t kEntryUid = 36, kEntryGid = 40, kEntryPermissions = 44, kEntryLinks = 48;

// ECMA-167 4/14.6.6 file types.
enum FileType : std::uint8_t {
  kTypeDirectory = 4,
  kTypeFile = 5,
  kTypeSymlink = 12,
  kTypeVat = 248,  // OSTA UDF 2.2.11 (2.00 and later)
  kTypeRealTime = 249
};

std::string Dstring(std::span<const std::uint8_t> field) {
  // ECMA-167 1/7.2.12: the last byte holds the used length, the first the compression ID.
  if (field.size() < 2) return {};
  std::size_t used = field.back();
  if (used == 0 || used > field.size() - 1) return {};
  std::span<const std::uint8_t> s = field.subspan(0, used);
  if (s[0] == 8 || s[0] == 254) {
    std::string out;
    for (std::size_t i = 1; i < s.size(); ++i) base::AppendUtf8(s[i], &out);
    return out;
  }
  if (s[0] == 16 || s[0] == 255) return Ucs2BeToUtf8(s.subspan(1), true);
  return {};
}

// OSTA UDF 2.1.2: a CS0 file identifier (compression ID 8 or 16, UDF 2.50 adds 254/255).
bool DecodeCs0(std::span<const std::uint8_t> s, std::string* out) {
  out->clear();
  if (s.empty()) return false;
  if (s[0] == 8 || s[0] == 254) {
    for (std::size_t i = 1; i < s.size(); ++i) {
      if (s[i] < 0x80) {
        out->push_back(static_cast<char>(s[i]));
      } else {
        base::AppendUtf8(s[i], out);
      }
    }
    return true;
  }
  if (s[0] == 16 || s[0] == 255) {
    if ((s.size() - 1) % 2 != 0) return false;
    *out = Ucs2BeToUtf8(s.subspan(1), false);
    return true;
  }
  return false;
}

}  // namespace

base::Expected<std::uint16_t> CheckUdfTag(std::span<const std::uint8_t> block,
                                          std::uint32_t location, const std::string& where,
                                          std::vector<std::string>* crc_warnings) {
  if (block.size() < sizeof(Tag)) return base::CorruptImage(where, "descriptor tag truncated");
  Tag tag;
  std::memcpy(&tag, block.data(), sizeof tag);
  std::uint8_t sum = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i != 4) sum = static_cast<std::uint8_t>(sum + block[i]);
  }
  if (sum != tag.checksum) {
    return base::CorruptImage(where, "descriptor tag checksum mismatch (tag identifier " +
                                         std::to_string(tag.identifier.get()) + ")");
  }
  if (tag.location.get() != location) {
    return base::CorruptImage(where, "descriptor tag " + std::to_string(tag.identifier.get()) +
                                         " records location " + std::to_string(tag.location.get()) +
                                         ", found at " + std::to_string(location));
  }
  const std::size_t crc_length = tag.crc_length.get();
  if (crc_length > block.size() - sizeof(Tag)) {
    if (crc_warnings == nullptr) {
      return base::CorruptImage(
          where, "descriptor CRC length " + std::to_string(crc_length) + " exceeds the descriptor");
    }
    crc_warnings->push_back(where + ": descriptor CRC length " + std::to_string(crc_length) +
                            " exceeds the block");
  } else if (base::CrcItu(block.subspan(sizeof(Tag), crc_length)) != tag.crc.get()) {
    if (crc_warnings == nullptr) {
      return base::CorruptImage(where, "descriptor CRC mismatch (tag identifier " +
                                           std::to_string(tag.identifier.get()) + ")");
    }
    crc_warnings->push_back(where + ": descriptor CRC mismatch (tag identifier " +
                            std::to_string(tag.identifier.get()) + ")");
  }
  return tag.identifier.get();
}

struct PhysicalPiece {
  std::uint64_t offset;  // bytes in the image
  std::uint64_t length;
};

class UdfVolume {
 public:
  enum class MapKind { kPhysical, kSparable, kMetadata, kVirtual };
  struct Map {
    MapKind kind = MapKind::kPhysical;
    std::uint16_t partition_number = 0;
    std::uint32_t start = 0, length = 0;  // of the underlying partition, in blocks
    std::vector<PhysicalPiece> metadata;  // metadata file extents (partition-relative bytes)
    // Virtual partition (OSTA UDF 2.2.8, 2.2.11): entry N of the virtual allocation table
    // is the logical block, in the underlying partition (start/length above), that
    // virtual block N is recorded at; 0xFFFFFFFF = unused.
    std::vector<std::uint32_t> vat;
    std::uint16_t physical_ref = 0;     // the type 1 map of the same partition
    std::uint64_t vat_lba = 0;          // image sector of the VAT's file entry
    std::vector<PhysicalPiece> mirror;  // the mirror's, while the metadata file is in use
  };

  const base::BlockDevice* device = nullptr;
  std::uint32_t block_size = base::kBlockSize;
  std::vector<Map> maps;
  std::uint16_t root_partition = 0;
  std::uint32_t root_lbn = 0;
  std::uint32_t root_length = 0;

  // Byte offset in the image of logical block `lbn` of partition reference `ref`.
  base::Expected<std::uint64_t> BlockOffset(std::uint16_t ref, std::uint32_t lbn,
                                            const std::string& what) const {
    if (ref >= maps.size()) {
      return base::CorruptImage(
          what, "partition reference " + std::to_string(ref) + " is not in the volume");
    }
    const Map& m = maps[ref];
    std::uint64_t block;
    if (m.kind == MapKind::kVirtual) {
      ASSIGN_OR_RETURN(std::uint32_t physical, Virtual(m, lbn, what));
      block = std::uint64_t{m.start} + physical;
    } else if (m.kind == MapKind::kMetadata) {
      std::uint64_t rel = std::uint64_t{lbn} * block_size;
      bool found = false;
      block = 0;
      for (const PhysicalPiece& piece : m.metadata) {
        if (rel < piece.length) {
          block = m.start + (piece.offset + rel) / block_size;
          found = true;
          break;
        }
        rel -= piece.length;
      }
      if (!found) {
        return base::CorruptImage(what,
                                  "block " + std::to_string(lbn) + " is beyond the metadata file");
      }
    } else {
      if (lbn >= m.length) {
        return base::CorruptImage(what, "block " + std::to_string(lbn) + " is beyond partition " +
                                            std::to_string(m.partition_number) + " (" +
                                            std::to_string(m.length) + " blocks)");
      }
      block = std::uint64_t{m.start} + lbn;
    }
    const std::uint64_t offset = block * block_size;
    if (offset + block_size > device->size()) {
      return base::CorruptImage(what, "block " + std::to_string(lbn) + " (sector " +
                                          std::to_string(block) +
                                          ") is beyond the end of the image");
    }
    return offset;
  }

  // The image ranges of `length` bytes at `lbn` of partition `ref`.
  base::Status Pieces(std::uint16_t ref, std::uint32_t lbn, std::uint64_t length,
                      const std::string& what, std::vector<PhysicalPiece>* out) const {
    if (ref >= maps.size()) {
      return base::CorruptImage(
          what, "partition reference " + std::to_string(ref) + " is not in the volume");
    }
    const Map& m = maps[ref];
    if (m.kind == MapKind::kVirtual) return VirtualPieces(m, lbn, length, what, out);
    if (m.kind != MapKind::kMetadata) {
      const std::uint64_t blocks = (length + block_size - 1) / block_size;
      if (lbn > m.length || blocks > m.length - lbn) {
        return base::CorruptImage(what, "extent of " + std::to_string(length) + " bytes at block " +
                                            std::to_string(lbn) + " exceeds partition " +
                                            std::to_string(m.partition_number));
      }
      out->push_back({(std::uint64_t{m.start} + lbn) * block_size, length});
      return base::Ok();
    }
    // Metadata partition: walk the metadata file's extents, one piece per extent crossed.
    std::uint64_t rel = std::uint64_t{lbn} * block_size;
    std::uint64_t remaining = length;
    for (const PhysicalPiece& piece : m.metadata) {
      if (remaining == 0) break;
      if (rel >= piece.length) {
        rel -= piece.length;
        continue;
      }
      const std::uint64_t n = std::min(remaining, piece.length - rel);
      const std::uint64_t off = std::uint64_t{m.start} * block_size + piece.offset + rel;
      if (off > device->size() || n > device->size() - off) {
        return base::CorruptImage(what, "extent at metadata block " + std::to_string(lbn) +
                                            " is beyond the end of the image");
      }
      out->push_back({off, n});
      remaining -= n;
      rel = 0;
    }
    if (remaining > 0) {
      return base::CorruptImage(what, "extent of " + std::to_string(length) + " bytes at block " +
                                          std::to_string(lbn) + " runs past the metadata file");
    }
    return base::Ok();
  }

 private:
  // UDF 2.2.11: virtual block `lbn` through the VAT to a block of the underlying
  // partition. One level only: the VAT's own entry lies in the type 1 partition.
  base::Expected<std::uint32_t> Virtual(const Map& m, std::uint32_t lbn,
                                        const std::string& what) const {
    const std::string where = LbaWhere(m.vat_lba) + ": UDF virtual allocation table";
    if (lbn >= m.vat.size()) {
      return base::CorruptImage(where, what + ": virtual block " + std::to_string(lbn) +
                                           " is beyond the table (" + std::to_string(m.vat.size()) +
                                           " entries)");
    }
    const std::uint32_t physical = m.vat[lbn];
    if (physical == 0xFFFFFFFFu) {
      return base::CorruptImage(
          where, what + ": virtual block " + std::to_string(lbn) + " is unused (entry 0xFFFFFFFF)");
    }
    if (physical >= m.length) {
      return base::CorruptImage(where, what + ": entry " + std::to_string(lbn) + " names block " +
                                           std::to_string(physical) + ", beyond partition " +
                                           std::to_string(m.partition_number) + " (" +
                                           std::to_string(m.length) + " blocks)");
    }
    return physical;
  }

  // Each virtual block of an extent is translated on its own (ECMA-167 4/14.14: an extent
  // is consecutive logical blocks of its partition, here virtual ones); consecutive
  // translations that stay adjacent form one piece. The loop is bounded by the table.
  base::Status VirtualPieces(const Map& m, std::uint32_t lbn, std::uint64_t length,
                             const std::string& what, std::vector<PhysicalPiece>* out) const {
    const std::uint64_t blocks = (length + block_size - 1) / block_size;
    if (lbn > m.vat.size() || blocks > m.vat.size() - lbn) {
      return base::CorruptImage(LbaWhere(m.vat_lba) + ": UDF virtual allocation table",
                                what + ": extent of " + std::to_string(length) +
                                    " bytes at virtual block " + std::to_string(lbn) +
                                    " is beyond the table (" + std::to_string(m.vat.size()) +
                                    " entries)");
    }
    std::uint64_t remaining = length;
    for (std::uint64_t i = 0; i < blocks; ++i) {
      ASSIGN_OR_RETURN(std::uint32_t physical,
                       Virtual(m, static_cast<std::uint32_t>(lbn + i), what));
      const std::uint64_t off = (std::uint64_t{m.start} + physical) * block_size;
      const std::uint64_t n = std::min<std::uint64_t>(remaining, block_size);
      if (off + n > device->size()) {
        return base::CorruptImage(what, "virtual block " + std::to_string(lbn + i) + " (sector " +
                                            std::to_string(off / block_size) +
                                            ") is beyond the end of the image");
      }
      if (!out->empty() && i > 0 && out->back().offset + out->back().length == off) {
        out->back().length += n;
      } else {
        out->push_back({off, n});
      }
      remaining -= n;
    }
    return base::Ok();
  }
};

namespace {

struct Descriptors {
  std::vector<std::uint8_t> pvd, lvd, lvid;
  std::vector<std::vector<std::uint8_t>> partitions;
};

// Reads a volume descriptor sequence (ECMA-167 3/8.4.2), following pointers.
base::Status ReadSequence(const base::BlockDevice& device, std::uint32_t bs, std::uint32_t location,
                          std::uint32_t length, Descriptors* d,
                          std::vector<std::string>* warnings) {
  std::vector<std::uint8_t> block(bs);
  int descriptors = 0;
  int pointers = 0;
  std::uint32_t remaining = length / bs;
  while (remaining > 0) {
    if (++descriptors > 4096)
      return base::CorruptImage(LbaWhere(location), "UDF volume descriptor sequence too long");
    const std::uint64_t off = std::uint64_t{location} * bs;
    if (off + bs > device.size()) {
      return base::CorruptImage(LbaWhere(location),
                                "UDF volume descriptor sequence beyond the end of the image");
    }
    RETURN_IF_ERROR(device.Read(off, block));
    const std::string where = LbaWhere(location) + ": UDF volume descriptor";
    ASSIGN_OR_RETURN(std::uint16_t id, CheckUdfTag(block, location, where, warnings));
    switch (id) {
      case kVolumeDescriptorPointer: {
        if (++pointers > 64)
          return base::CorruptImage(where, "more than 64 volume descriptor pointers");
        location = base::LoadLe32(block.data() + 24);
        remaining = base::LoadLe32(block.data() + 20) / bs;
        continue;
      }
      case kPrimaryVolumeDescriptor:
        d->pvd = block;
        break;
      case kPartitionDescriptor:
        d->partitions.push_back(block);
        break;
      case kLogicalVolumeDescriptor:
        d->lvd = block;
        break;
      case kTerminatingDescriptor:
        return base::Ok();
      default:
        break;
    }
    ++location;
    --remaining;
  }
  return base::Ok();
}

// Finds the VAT of virtual map `index` and loads it (defined with the walker below).
base::Status LoadVirtualAllocationTable(const base::BlockDevice& device, UdfVolume* volume,
                                        std::size_t index, UdfInfo* info,
                                        std::vector<std::string>* warnings);

}  // namespace

base::Expected<std::shared_ptr<const UdfVolume>> OpenUdfVolume(const base::BlockDevice& device,
                                                               UdfInfo* info,
                                                               std::vector<std::string>* warnings) {
  auto volume = std::make_shared<UdfVolume>();
  volume->device = &device;
  // ECMA-167 3/8.4.2.1: the anchor is at sector 256, N-256 or N, N being the last sector
  // (sectors - 1); the block size is found by trying the common ones (mkudffs writes
  // 512-byte blocks on hard-disk media).
  std::vector<std::uint8_t> block;
  std::uint32_t bs = 0;
  std::uint32_t anchor = 0;
  for (std::uint32_t try_bs : {2048u, 512u, 1024u, 4096u}) {
    const std::uint64_t sectors = device.size() / try_bs;
    for (std::uint64_t where :
         {std::uint64_t{256}, sectors > 257 ? sectors - 257 : 0, sectors > 0 ? sectors - 1 : 0}) {
      if (where == 0 || (where + 1) * try_bs > device.size()) continue;
      block.resize(try_bs);
      RETURN_IF_ERROR(device.Read(where * try_bs, block));
      if (base::LoadLe16(block.data()) != kAnchorVolumeDescriptorPointer) continue;
      auto id = CheckUdfTag(block, static_cast<std::uint32_t>(where), LbaWhere(where), nullptr);
      if (!id) continue;
      bs = try_bs;
      anchor = static_cast<std::uint32_t>(where);
      break;
    }
    if (bs != 0) break;
  }
  if (bs == 0) return std::shared_ptr<const UdfVolume>();
  volume->block_size = bs;
  info->anchor_lba = anchor;
  info->block_size = bs;
  // ECMA-167 3/10.2: main VDS extent at BP 16, reserve at BP 24.
  const std::uint32_t main_length = base::LoadLe32(block.data() + 16);
  const std::uint32_t main_location = base::LoadLe32(block.data() + 20);
  const std::uint32_t reserve_length = base::LoadLe32(block.data() + 24);
  const std::uint32_t reserve_location = base::LoadLe32(block.data() + 28);
  Descriptors d;
  auto status = ReadSequence(device, bs, main_location, main_length, &d, warnings);
  if (!status || d.lvd.empty() || d.partitions.empty()) {
    // ECMA-167 3/8.4.2.2: the reserve sequence stands in for a damaged main sequence.
    warnings->push_back(LbaWhere(main_location) + ": UDF main volume descriptor sequence unusable" +
                        (status ? std::string() : ": " + status.error().ToString()) +
                        "; using the reserve");
    d = Descriptors();
    RETURN_IF_ERROR(ReadSequence(device, bs, reserve_location, reserve_length, &d, warnings));
  }
  if (d.lvd.empty())
    return base::CorruptImage(LbaWhere(main_location),
                              "UDF volume without a logical volume descriptor");
  if (!d.pvd.empty()) info->volume_set_id = Dstring(std::span(d.pvd).subspan(72, 128));

  // ECMA-167 3/10.6: logical volume descriptor.
  const std::span<const std::uint8_t> lvd(d.lvd);
  info->logical_volume_id = Dstring(lvd.subspan(84, 128));
  const std::uint32_t lbs = base::LoadLe32(lvd.data() + 212);
  if (lbs != bs) {
    return base::Unsupported(LbaWhere(main_location),
                             "UDF logical block size " + std::to_string(lbs) +
                                 " differs from the sector size " + std::to_string(bs));
  }
  // OSTA UDF 2.1.5.3: domain identifier suffix holds the UDF revision (BCD, e.g. 0x0260).
  const std::uint16_t revision = base::LoadLe16(lvd.data() + 216 + 24);
  char rev[16];
  std::snprintf(rev, sizeof rev, "%x.%02x", revision >> 8, revision & 0xFF);
  info->revision = rev;
  const std::uint32_t map_table_length = base::LoadLe32(lvd.data() + 264);
  const std::uint32_t map_count = base::LoadLe32(lvd.data() + 268);
  if (map_table_length > bs - 440 || map_count > 64) {
    return base::CorruptImage(LbaWhere(main_location),
                              "UDF partition map table of " + std::to_string(map_table_length) +
                                  " bytes, " + std::to_string(map_count) + " maps");
  }
  auto find_partition = [&](std::uint16_t number, UdfVolume::Map* m) -> bool {
    for (const auto& pd : d.partitions) {
      // ECMA-167 3/10.5: partition number BP 22, start BP 188, length BP 192.
      if (base::LoadLe16(pd.data() + 22) == number) {
        m->start = base::LoadLe32(pd.data() + 188);
        m->length = base::LoadLe32(pd.data() + 192);
        return true;
      }
    }
    return false;
  };
  std::size_t pos = 440;
  const std::size_t end = 440 + map_table_length;
  for (std::uint32_t i = 0; i < map_count; ++i) {
    if (pos + 2 > end)
      return base::CorruptImage(LbaWhere(main_location), "UDF partition map table truncated");
    const std::uint8_t type = lvd[pos];
    const std::uint8_t len = lvd[pos + 1];
    if (len < 6 || pos + len > end) {
      return base::CorruptImage(LbaWhere(main_location), "UDF partition map " + std::to_string(i) +
                                                             " has length " + std::to_string(len));
    }
    UdfVolume::Map m;
    if (type == 1) {  // ECMA-167 3/10.7.2
      m.partition_number = base::LoadLe16(lvd.data() + pos + 4);
    } else if (type == 2 && len >= 40) {  // ECMA-167 3/10.7.3, OSTA UDF 2.2.8-2.2.10
      const std::string ident = TrimIdentifier(lvd.subspan(pos + 5, 23));
      m.partition_number = base::LoadLe16(lvd.data() + pos + 38);
      if (ident == "*UDF Metadata Partition") {
        m.kind = UdfVolume::MapKind::kMetadata;
        info->metadata_partition = true;
      } else if (ident == "*UDF Sparable Partition") {
        m.kind = UdfVolume::MapKind::kSparable;
        info->sparable_partition = true;
        // Sparing tables remap defective packets of rewritable media; an image file
        // holds the data at its original place, so they are not consulted.
      } else if (ident == "*UDF Virtual Partition") {
        m.kind = UdfVolume::MapKind::kVirtual;
        info->virtual_partition = true;
      } else {
        return base::Unsupported(LbaWhere(main_location), "UDF partition map type '" + ident + "'");
      }
    } else {
      return base::CorruptImage(LbaWhere(main_location), "UDF partition map " + std::to_string(i) +
                                                             " of type " + std::to_string(type));
    }
    if (!find_partition(m.partition_number, &m)) {
      return base::CorruptImage(LbaWhere(main_location), "UDF partition map names partition " +
                                                             std::to_string(m.partition_number) +
                                                             ", which has no partition descriptor");
    }
    volume->maps.push_back(m);
    if (m.kind == UdfVolume::MapKind::kMetadata) {
      volume->maps.back().metadata.clear();
    }
    pos += len;
  }
  if (!volume->maps.empty()) {
    info->partition_start = volume->maps[0].start;
    info->partition_length = volume->maps[0].length;
  }
  // Virtual partitions (UDF 2.2.8): the partition they name must also have a type 1 map,
  // where the VAT's file entry and the recorded blocks are.
  bool have_virtual = false;
  for (std::size_t i = 0; i < volume->maps.size(); ++i) {
    UdfVolume::Map& m = volume->maps[i];
    if (m.kind != UdfVolume::MapKind::kVirtual) continue;
    if (have_virtual) {
      return base::CorruptImage(LbaWhere(main_location),
                                "UDF logical volume with more than one virtual partition map");
    }
    have_virtual = true;
    bool found = false;
    for (std::size_t j = 0; j < volume->maps.size(); ++j) {
      const UdfVolume::Map& o = volume->maps[j];
      if (o.kind == UdfVolume::MapKind::kMetadata && o.partition_number == m.partition_number) {
        // UDF 2.50+ BD-R: the metadata file lives in the virtual partition.
        return base::Unsupported(LbaWhere(main_location),
                                 "UDF metadata partition on a virtual partition (VAT) "
                                 "is not supported");
      }
      if (!found && o.kind == UdfVolume::MapKind::kPhysical &&
          o.partition_number == m.partition_number) {
        m.physical_ref = static_cast<std::uint16_t>(j);
        found = true;
      }
    }
    if (!found) {
      return base::CorruptImage(LbaWhere(main_location),
                                "UDF virtual partition map names partition " +
                                    std::to_string(m.partition_number) +
                                    ", which has no type 1 partition map");
    }
    RETURN_IF_ERROR(LoadVirtualAllocationTable(device, volume.get(), i, info, warnings));
  }

  // Metadata partitions (UDF 2.2.10): the metadata file's extents, or its mirror's.
  {
    std::size_t mpos = 440;
    for (std::size_t i = 0; i < volume->maps.size(); ++i) {
      const std::uint8_t len = lvd[mpos + 1];
      UdfVolume::Map& m = volume->maps[i];
      if (m.kind == UdfVolume::MapKind::kMetadata) {
        if (len < 52)
          return base::CorruptImage(LbaWhere(main_location),
                                    "UDF metadata partition map too short");
        const std::uint32_t file_lbn = base::LoadLe32(lvd.data() + mpos + 40);
        const std::uint32_t mirror_lbn = base::LoadLe32(lvd.data() + mpos + 44);
        info->metadata_mirror = mirror_lbn != 0xFFFFFFFFu && mirror_lbn != file_lbn;
        // The metadata file's entry is in the underlying physical partition.
        UdfVolume::Map physical = m;
        physical.kind = UdfVolume::MapKind::kPhysical;
        bool loaded = false;
        std::string last_error;
        for (std::uint32_t lbn : {file_lbn, mirror_lbn}) {
          if (lbn == 0xFFFFFFFFu || lbn >= physical.length) continue;
          const std::uint64_t off = (std::uint64_t{physical.start} + lbn) * bs;
          if (off + bs > device.size()) continue;
          std::vector<std::uint8_t> fe(bs);
          RETURN_IF_ERROR(device.Read(off, fe));
          const std::string where = LbaWhere(physical.start + lbn) + ": UDF metadata file entry";
          auto id = CheckUdfTag(fe, lbn, where, nullptr);
          if (!id || (*id != kFileEntry && *id != kExtendedFileEntry)) {
            last_error = id ? where + ": not a file entry" : id.error().ToString();
            continue;
          }
          const EntryLayout& L = *id == kFileEntry ? kFileEntryLayout : kExtendedFileEntryLayout;
          const std::uint32_t l_ea = base::LoadLe32(fe.data() + L.ea_length);
          const std::uint32_t l_ad = base::LoadLe32(fe.data() + L.ad_length);
          const std::uint16_t icb_flags = base::LoadLe16(fe.data() + kIcbFlags);
          if (L.header + std::uint64_t{l_ea} + l_ad > bs || (icb_flags & 7) > 1) {
            last_error = where + ": allocation descriptors unusable";
            continue;
          }
          const std::size_t ad_size = (icb_flags & 7) == 0 ? 8 : 16;
          std::vector<PhysicalPiece> pieces;
          for (std::size_t p = L.header + l_ea; p + ad_size <= L.header + l_ea + l_ad;
               p += ad_size) {
            const std::uint32_t raw = base::LoadLe32(fe.data() + p);
            const std::uint32_t elen = raw & 0x3FFFFFFF;
            if (elen == 0) break;
            const std::uint32_t elbn = base::LoadLe32(fe.data() + p + 4);
            if (elbn >= physical.length || (elen + bs - 1) / bs > physical.length - elbn) {
              last_error = where + ": extent beyond the partition";
              pieces.clear();
              break;
            }
            pieces.push_back({std::uint64_t{elbn} * bs, elen});
          }
          if (pieces.empty()) {
            if (last_error.empty()) last_error = where + ": no extents";
            continue;
          }
          if (loaded) {  // the metadata file is in use; keep its mirror for FSD damage
            m.mirror = std::move(pieces);
            break;
          }
          m.metadata = std::move(pieces);
          if (lbn != file_lbn)
            warnings->push_back(where + ": metadata file unusable, using its mirror");
          loaded = true;
          if (lbn == mirror_lbn) break;
        }
        if (!loaded) {
          return base::CorruptImage(LbaWhere(main_location),
                                    "UDF metadata partition: neither the metadata file nor "
                                    "its mirror is readable (" +
                                        last_error + ")");
        }
      }
      mpos += len;
    }
  }

  // ECMA-167 3/10.6.11: the file set descriptor's long_ad in the logical volume contents use.
  const std::uint32_t fsd_lbn = base::LoadLe32(lvd.data() + 248 + 4);
  const std::uint16_t fsd_ref = base::LoadLe16(lvd.data() + 248 + 8);
  const std::string fsd_what = "UDF file set descriptor";
  ASSIGN_OR_RETURN(std::uint64_t fsd_off, volume->BlockOffset(fsd_ref, fsd_lbn, fsd_what));
  std::vector<std::uint8_t> fsd(bs);
  RETURN_IF_ERROR(device.Read(fsd_off, fsd));
  std::string fsd_where = LbaWhere(fsd_off / bs) + ": " + fsd_what;
  auto fsd_tag = CheckUdfTag(fsd, fsd_lbn, fsd_where, warnings);
  // OSTA UDF 2.2.13.2: the mirror stands in for a damaged metadata file. A metadata file
  // whose entry is intact but whose extents hold no file set descriptor is damaged too.
  if (!fsd_tag && fsd_ref < volume->maps.size() && !volume->maps[fsd_ref].mirror.empty()) {
    UdfVolume::Map& m = volume->maps[fsd_ref];
    warnings->push_back(fsd_where + ": " + fsd_tag.error().ToString() +
                        "; metadata file unusable, using its mirror");
    m.metadata = std::move(m.mirror);
    ASSIGN_OR_RETURN(fsd_off, volume->BlockOffset(fsd_ref, fsd_lbn, fsd_what));
    RETURN_IF_ERROR(device.Read(fsd_off, fsd));
    fsd_where = LbaWhere(fsd_off / bs) + ": " + fsd_what;
    fsd_tag = CheckUdfTag(fsd, fsd_lbn, fsd_where, warnings);
  }
  if (!fsd_tag) return fsd_tag.error();
  const std::uint16_t fsd_id = *fsd_tag;
  if (fsd_id != kFileSetDescriptor) {
    return base::CorruptImage(fsd_where,
                              "tag identifier " + std::to_string(fsd_id) + ", expected 256");
  }
  // ECMA-167 4/14.1.7: root directory ICB, long_ad at BP 400.
  volume->root_length = base::LoadLe32(fsd.data() + 400) & 0x3FFFFFFF;
  volume->root_lbn = base::LoadLe32(fsd.data() + 404);
  volume->root_partition = base::LoadLe16(fsd.data() + 408);

  // ECMA-167 3/10.10: the logical volume integrity descriptor holds file and directory
  // counts in its implementation use (OSTA UDF 2.2.6.4). On VAT media it is left stale: a
  // 2.00 VAT header's counts, read above, replace it (UDF 2.2.11).
  const std::uint32_t lvid_length = base::LoadLe32(lvd.data() + 432);
  const std::uint32_t lvid_location = base::LoadLe32(lvd.data() + 436);
  if (lvid_length >= bs && std::uint64_t{lvid_location + 1ull} * bs <= device.size()) {
    std::vector<std::uint8_t> lvid(bs);
    RETURN_IF_ERROR(device.Read(std::uint64_t{lvid_location} * bs, lvid));
    auto id = CheckUdfTag(lvid, lvid_location,
                          LbaWhere(lvid_location) + ": UDF logical volume integrity descriptor",
                          warnings);
    if (id && *id == kLogicalVolumeIntegrityDescriptor) {
      const std::uint32_t n = base::LoadLe32(lvid.data() + 72);
      const std::uint64_t iu = 80 + std::uint64_t{n} * 8;
      if (n < 64 && iu + 40 <= bs && info->vat_format != "2.00") {
        info->files = base::LoadLe32(lvid.data() + iu + 32);
        info->directories = base::LoadLe32(lvid.data() + iu + 36);
      }
    }
  }
  return std::shared_ptr<const UdfVolume>(std::move(volume));
}

namespace {

struct DirPending {
  std::uint16_t partition;
  std::uint32_t lbn;
  NodeId node;
  int depth;
};

// An allocation descriptor, resolved: `ref`/`lbn` in the volume, type per ECMA-167
// 4/14.14.1.1 (0 recorded, 1 allocated and not recorded, 2 neither).
struct Allocation {
  std::uint32_t length;
  std::uint32_t type;
  std::uint16_t ref;
  std::uint32_t lbn;
};

struct Entry {
  std::uint8_t file_type = 0;
  std::uint16_t icb_flags = 0;
  std::uint32_t uid = 0, gid = 0, permissions = 0;
  std::uint16_t links = 0;
  std::uint64_t info_length = 0;
  std::optional<Timestamp> mtime;
  bool embedded = false;
  std::uint64_t embedded_offset = 0;  // image byte offset of embedded data
  std::vector<Allocation> allocations;
};

class UdfWalker {
 public:
  UdfWalker(const base::BlockDevice& device, const UdfVolume& volume, const ReadOptions& options,
            ImageTree* out)
      : device_(device), volume_(volume), options_(options), out_(out), tree_(out->tree) {
    // Virtual blocks are translated one at a time; a hostile volume could make every file
    // name the whole table again. An honest one names each used entry about once.
    for (const UdfVolume::Map& m : volume_.maps) {
      if (m.kind == UdfVolume::MapKind::kVirtual) virtual_budget_ += 2 * m.vat.size() + 65536;
    }
  }

  // Reads the file entry at `lbn` of partition `ref` and its data, at most `max_bytes`
  // (unrecorded extents read as zeros). Used for the VAT (UDF 2.2.11).
  base::Status ReadWholeFile(std::uint16_t ref, std::uint32_t lbn, std::string_view what,
                             std::uint64_t max_bytes, std::uint8_t* file_type,
                             std::vector<std::uint8_t>* data) {
    Entry e;
    RETURN_IF_ERROR(ReadEntry(ref, lbn, what, &e));
    *file_type = e.file_type;
    const std::string where = Where(ref, lbn) + ": " + std::string(what);
    if (e.info_length > max_bytes) {
      return base::CorruptImage(where, std::to_string(e.info_length) + " bytes (at most " +
                                           std::to_string(max_bytes) + " expected)");
    }
    std::vector<FileExtent> extents;
    RETURN_IF_ERROR(DataExtents(e, where, &extents));
    data->clear();
    data->reserve(e.info_length);
    for (const FileExtent& x : extents) {
      if (x.sparse) {
        data->insert(data->end(), x.length, 0);
        continue;
      }
      ASSIGN_OR_RETURN(std::span<const std::uint8_t> bytes,
                       Bytes(device_, x.location, x.length, where, &buffer_));
      data->insert(data->end(), bytes.begin(), bytes.end());
    }
    return base::Ok();
  }

  base::Status Walk() {
    out_->links.push_back(0);
    Entry root;
    RETURN_IF_ERROR(ReadEntry(volume_.root_partition, volume_.root_lbn, "/", &root));
    if (root.file_type != kTypeDirectory) {
      return base::CorruptImage(Where(volume_.root_partition, volume_.root_lbn),
                                "UDF root ICB is not a directory");
    }
    Apply(kRootNode, root);
    queue_.push_back({volume_.root_partition, volume_.root_lbn, kRootNode, 0});
    while (!queue_.empty()) {
      DirPending p = queue_.front();
      queue_.pop_front();
      RETURN_IF_ERROR(ReadDirectory(p));
    }
    return base::Ok();
  }

 private:
  std::string Where(std::uint16_t ref, std::uint32_t lbn) const {
    auto off = volume_.BlockOffset(ref, lbn, "");
    if (off) return LbaWhere(*off / volume_.block_size);
    return "partition " + std::to_string(ref) + " block " + std::to_string(lbn);
  }

  base::Status ReadEntry(std::uint16_t ref, std::uint32_t lbn, std::string_view path, Entry* e) {
    const std::string what = "UDF file entry of " + std::string(path);
    ASSIGN_OR_RETURN(std::uint64_t off, volume_.BlockOffset(ref, lbn, what));
    const std::uint32_t bs = volume_.block_size;
    ASSIGN_OR_RETURN(std::span<const std::uint8_t> fe, Bytes(device_, off, bs, what, &buffer_));
    const std::string where = LbaWhere(off / bs) + ": " + what;
    ASSIGN_OR_RETURN(std::uint16_t id, CheckUdfTag(fe, lbn, where, &out_->warnings));
    if (id != kFileEntry && id != kExtendedFileEntry) {
      return base::CorruptImage(where,
                                "tag identifier " + std::to_string(id) + ", expected a file entry");
    }
    const EntryLayout& L = id == kFileEntry ? kFileEntryLayout : kExtendedFileEntryLayout;
    e->file_type = fe[kIcbFileType];
    e->icb_flags = base::LoadLe16(fe.data() + kIcbFlags);
    e->uid = base::LoadLe32(fe.data() + kEntryUid);
    e->gid = base::LoadLe32(fe.data() + kEntryGid);
    e->permissions = base::LoadLe32(fe.data() + kEntryPermissions);
    e->links = base::LoadLe16(fe.data() + kEntryLinks);
    e->info_length = base::LoadLe64(fe.data() + L.info_length);
    e->mtime = DecodeUdfTime(fe.subspan(L.modification_time, 12));
    const std::uint32_t l_ea = base::LoadLe32(fe.data() + L.ea_length);
    const std::uint32_t l_ad = base::LoadLe32(fe.data() + L.ad_length);
    if (std::uint64_t{L.header} + l_ea + l_ad > bs) {
      return base::CorruptImage(where, "extended attributes (" + std::to_string(l_ea) +
                                           ") and allocation "
                                           "descriptors (" +
                                           std::to_string(l_ad) + ") exceed the block");
    }
    const std::size_t ad_start = L.header + l_ea;
    e->allocations.clear();
    e->embedded = false;
    const unsigned ad_type = e->icb_flags & 7;
    if (ad_type == 3) {  // ECMA-167 4/14.6.8: data embedded in the entry
      if (e->info_length > l_ad) {
        return base::CorruptImage(where, "embedded data of " + std::to_string(e->info_length) +
                                             " bytes in a " + std::to_string(l_ad) + "-byte area");
      }
      e->embedded = true;
      e->embedded_offset = off + ad_start;
      return base::Ok();
    }
    std::vector<std::uint8_t> area(fe.begin() + static_cast<std::ptrdiff_t>(ad_start),
                                   fe.begin() + static_cast<std::ptrdiff_t>(ad_start + l_ad));
    return ParseAllocations(area, ad_type, ref, where, e);
  }

  // ECMA-167 4/14.14: short_ad (8 bytes), long_ad (16), ext_ad (20); type 3 extents
  // continue in an allocation extent descriptor (4/14.5).
  base::Status ParseAllocations(std::vector<std::uint8_t> area, unsigned ad_type, std::uint16_t ref,
                                const std::string& where, Entry* e) {
    if (ad_type > 2)
      return base::CorruptImage(where, "allocation descriptor type " + std::to_string(ad_type));
    const std::size_t size = ad_type == 0 ? 8 : ad_type == 1 ? 16 : 20;
    int continuations = 0;
    for (;;) {
      bool next = false;
      std::uint16_t next_ref = 0;
      std::uint32_t next_lbn = 0;
      for (std::size_t p = 0; p + size <= area.size(); p += size) {
        const std::uint32_t raw = base::LoadLe32(area.data() + p);
        Allocation a;
        a.length = raw & 0x3FFFFFFF;
        a.type = raw >> 30;
        if (a.length == 0 && a.type == 0) break;  // end of descriptors
        if (ad_type == 0) {
          a.lbn = base::LoadLe32(area.data() + p + 4);
          a.ref = ref;
        } else if (ad_type == 1) {
          a.lbn = base::LoadLe32(area.data() + p + 4);
          a.ref = base::LoadLe16(area.data() + p + 8);
        } else {
          a.lbn = base::LoadLe32(area.data() + p + 12);
          a.ref = base::LoadLe16(area.data() + p + 16);
        }
        if (a.type == 3) {
          next = true;
          next_ref = a.ref;
          next_lbn = a.lbn;
          break;
        }
        if (e->allocations.size() >= 1000000)
          return base::CorruptImage(where, "more than 10^6 extents");
        e->allocations.push_back(a);
      }
      if (!next) return base::Ok();
      if (++continuations > 4096)
        return base::CorruptImage(where, "allocation extent chain too long (loop?)");
      ASSIGN_OR_RETURN(std::uint64_t off, volume_.BlockOffset(next_ref, next_lbn, where));
      const std::uint32_t bs = volume_.block_size;
      std::vector<std::uint8_t> aed(bs);
      RETURN_IF_ERROR(device_.Read(off, aed));
      const std::string aed_where = LbaWhere(off / bs) + ": UDF allocation extent descriptor";
      ASSIGN_OR_RETURN(std::uint16_t id, CheckUdfTag(aed, next_lbn, aed_where, &out_->warnings));
      if (id != kAllocationExtentDescriptor) {
        return base::CorruptImage(aed_where,
                                  "tag identifier " + std::to_string(id) + ", expected 258");
      }
      const std::uint32_t l_ad = base::LoadLe32(aed.data() + 20);
      if (l_ad > bs - 24)
        return base::CorruptImage(aed_where, "allocation descriptors exceed the block");
      area.assign(aed.begin() + 24, aed.begin() + 24 + l_ad);
    }
  }

  // The file's data as image extents, cut to its information length.
  base::Status DataExtents(const Entry& e, const std::string& where, std::vector<FileExtent>* out) {
    out->clear();
    if (e.embedded) {
      out->push_back({e.embedded_offset, e.info_length, false});
      return base::Ok();
    }
    std::uint64_t remaining = e.info_length;
    pieces_.clear();
    for (const Allocation& a : e.allocations) {
      if (remaining == 0) break;
      const std::uint64_t n = std::min<std::uint64_t>(a.length, remaining);
      if (a.type != 0) {
        out->push_back({0, n, true});
      } else {
        pieces_.clear();
        if (a.ref < volume_.maps.size() &&
            volume_.maps[a.ref].kind == UdfVolume::MapKind::kVirtual) {
          const std::uint64_t blocks = (n + volume_.block_size - 1) / volume_.block_size;
          if (blocks > virtual_budget_) {
            return base::CorruptImage(where,
                                      "file data names more virtual blocks than twice the "
                                      "virtual allocation table's entries");
          }
          virtual_budget_ -= blocks;
        }
        RETURN_IF_ERROR(volume_.Pieces(a.ref, a.lbn, n, where, &pieces_));
        for (const PhysicalPiece& piece : pieces_) {
          if (!out->empty() && !out->back().sparse &&
              out->back().location + out->back().length == piece.offset) {
            out->back().length += piece.length;
          } else {
            out->push_back({piece.offset, piece.length, false});
          }
        }
      }
      remaining -= n;
    }
    if (remaining > 0) {
      out_->warnings.push_back(where + ": allocation descriptors cover " +
                               std::to_string(e.info_length - remaining) + " of " +
                               std::to_string(e.info_length) + " bytes; the rest reads as zeros");
      out->push_back({0, remaining, true});
    }
    return base::Ok();
  }

  base::Status ReadDirectory(const DirPending& p) {
    const std::uint64_t key = (std::uint64_t{p.partition} << 32) | p.lbn;
    const std::string path = tree_.Path(p.node);
    if (!visited_.insert(key).second) {
      return base::CorruptImage(Where(p.partition, p.lbn),
                                "UDF directory " + path + " is reached twice (ICB loop)");
    }
    Entry e;
    RETURN_IF_ERROR(ReadEntry(p.partition, p.lbn, path, &e));
    if (e.info_length > options_.max_directory_bytes) {
      return base::CorruptImage(
          Where(p.partition, p.lbn),
          "UDF directory " + path + " is " + std::to_string(e.info_length) + " bytes");
    }
    std::vector<FileExtent> extents;
    const std::string where = Where(p.partition, p.lbn) + ": UDF directory " + path;
    RETURN_IF_ERROR(DataExtents(e, where, &extents));
    std::vector<std::uint8_t> data;
    data.reserve(e.info_length);
    for (const FileExtent& x : extents) {
      if (x.sparse) {
        data.insert(data.end(), x.length, 0);
        continue;
      }
      out_->directory_extents.push_back(x);
      ASSIGN_OR_RETURN(std::span<const std::uint8_t> s,
                       Bytes(device_, x.location, x.length, where, &buffer_));
      data.insert(data.end(), s.begin(), s.end());
    }
    // ECMA-167 4/14.4: file identifier descriptors, each padded to a multiple of 4.
    std::size_t pos = 0;
    while (pos + 38 <= data.size()) {
      std::span<const std::uint8_t> fid(data.data() + pos, data.size() - pos);
      const std::uint8_t characteristics = fid[18];
      const std::uint8_t l_fi = fid[19];
      const std::uint16_t l_iu = base::LoadLe16(fid.data() + 36);
      const std::size_t length = (38u + l_iu + l_fi + 3u) & ~std::size_t{3};
      if (base::LoadLe16(fid.data()) != kFileIdentifierDescriptor) {
        return base::CorruptImage(
            where, "byte " + std::to_string(pos) + " is not a file identifier descriptor");
      }
      if (38u + l_iu + l_fi > fid.size()) {
        return base::CorruptImage(where, "file identifier descriptor at byte " +
                                             std::to_string(pos) + " exceeds the directory");
      }
      const std::uint32_t tag_location = base::LoadLe32(fid.data() + 12);
      auto checked = CheckUdfTag(fid.subspan(0, std::min(fid.size(), length)), tag_location, where,
                                 &out_->warnings);
      if (!checked) return std::move(checked).error();
      pos += length;
      if (characteristics & 0x0C) continue;  // 4/14.4.3: deleted or parent
      const std::uint32_t icb_length = base::LoadLe32(fid.data() + 20) & 0x3FFFFFFF;
      const std::uint32_t icb_lbn = base::LoadLe32(fid.data() + 24);
      const std::uint16_t icb_ref = base::LoadLe16(fid.data() + 28);
      if (!DecodeCs0(fid.subspan(38 + l_iu, l_fi), &name_) || !IsSafeName(name_)) {
        out_->warnings.push_back(where + ": entry with unusable name '" + name_ + "' skipped");
        continue;
      }
      if (icb_length == 0) {
        out_->warnings.push_back(where + ": entry '" + name_ + "' has no ICB; skipped");
        continue;
      }
      RETURN_IF_ERROR(AddEntry(p, icb_ref, icb_lbn, (characteristics & 0x02) != 0));
    }
    return base::Ok();
  }

  base::Status AddEntry(const DirPending& p, std::uint16_t ref, std::uint32_t lbn,
                        bool fid_directory) {
    std::string path = tree_.Path(p.node);
    if (path.size() > 1) path.push_back('/');
    path += name_;
    if (tree_.size() >= options_.max_entries) {
      return base::CorruptImage(path,
                                "more than " + std::to_string(options_.max_entries) + " entries");
    }
    if (tree_.FindChild(p.node, name_) != kNoNode) {
      out_->warnings.push_back(Where(ref, lbn) + ": " + path + ": duplicate name skipped");
      return base::Ok();
    }
    Entry e;
    RETURN_IF_ERROR(ReadEntry(ref, lbn, path, &e));
    const std::string where = Where(ref, lbn) + ": " + path;
    if (fid_directory != (e.file_type == kTypeDirectory)) {
      out_->warnings.push_back(where + ": identifier and file entry disagree on being a directory");
    }
    switch (e.file_type) {
      case kTypeDirectory: {
        if (p.depth + 1 > options_.max_depth) {
          return base::CorruptImage(
              where, "directories nested deeper than " + std::to_string(options_.max_depth));
        }
        NodeId id = tree_.AddDirectory(p.node, name_);
        out_->links.push_back(e.links);
        Apply(id, e);
        queue_.push_back({ref, lbn, id, p.depth + 1});
        return base::Ok();
      }
      case kTypeFile:
      case kTypeRealTime:
      case 0: {  // 0: unspecified, treated as bytes (UDF 2.3.5.2)
        std::vector<FileExtent> extents;
        RETURN_IF_ERROR(DataExtents(e, where, &extents));
        Content c;
        c.kind = ContentKind::kImageExtent;
        c.size = e.info_length;
        c.location = extents.empty() ? 0 : extents.front().location;
        NodeId id = tree_.AddFile(p.node, name_, c);
        out_->links.push_back(e.links);
        if (extents.size() > 1 || (extents.size() == 1 && extents[0].sparse)) {
          out_->extent_ranges.emplace(
              id, std::make_pair(static_cast<std::uint32_t>(out_->extents.size()),
                                 static_cast<std::uint32_t>(extents.size())));
          out_->extents.insert(out_->extents.end(), extents.begin(), extents.end());
        }
        Apply(id, e);
        return base::Ok();
      }
      case kTypeSymlink: {
        std::string target;
        RETURN_IF_ERROR(SymlinkTarget(e, where, &target));
        NodeId id = tree_.AddSymlink(p.node, name_, target);
        out_->links.push_back(e.links);
        Apply(id, e);
        return base::Ok();
      }
      default:
        out_->warnings.push_back(where + ": file type " + std::to_string(e.file_type) +
                                 " (device, FIFO, socket or stream) skipped");
        return base::Ok();
    }
  }

  // ECMA-167 4/14.16.1: path components (type, length, version, identifier).
  base::Status SymlinkTarget(const Entry& e, const std::string& where, std::string* target) {
    if (e.info_length > 65536)
      return base::CorruptImage(where,
                                "symbolic link of " + std::to_string(e.info_length) + " bytes");
    std::vector<FileExtent> extents;
    RETURN_IF_ERROR(DataExtents(e, where, &extents));
    std::vector<std::uint8_t> data;
    for (const FileExtent& x : extents) {
      if (x.sparse) {
        data.insert(data.end(), x.length, 0);
        continue;
      }
      std::vector<std::uint8_t> buf;
      ASSIGN_OR_RETURN(std::span<const std::uint8_t> s,
                       Bytes(device_, x.location, x.length, where, &buf));
      data.insert(data.end(), s.begin(), s.end());
    }
    target->clear();
    std::size_t pos = 0;
    bool first = true;
    std::string component;
    while (pos + 4 <= data.size()) {
      const std::uint8_t type = data[pos];
      const std::uint8_t len = data[pos + 1];
      if (pos + 4u + len > data.size())
        return base::CorruptImage(where, "symbolic link path component truncated");
      std::span<const std::uint8_t> ident(data.data() + pos + 4, len);
      pos += 4u + len;
      switch (type) {
        case 1:  // the root
        case 2:  // the root of the file system the link is on
          *target = "/";
          first = true;
          continue;
        case 3:
          component = "..";
          break;
        case 4:
          component = ".";
          break;
        case 5:
          if (!DecodeCs0(ident, &component))
            return base::CorruptImage(where, "symbolic link component not in CS0");
          break;
        default:
          return base::CorruptImage(where, "symbolic link component type " + std::to_string(type));
      }
      if (!first) target->push_back('/');
      target->append(component);
      first = false;
    }
    return base::Ok();
  }

  void Apply(NodeId id, const Entry& e) {
    Node& n = tree_.mutable_node(id);
    // ECMA-167 4/14.9.5: other (bits 0-4), group (5-9), owner (10-14): x, w, r, ...
    const std::uint32_t p = e.permissions;
    std::uint32_t mode = ((p >> 10) & 7) << 6 | ((p >> 5) & 7) << 3 | (p & 7);
    // 4/14.6.8: ICB flags bits 6-8 are setuid, setgid and sticky.
    if (e.icb_flags & 0x40) mode |= 04000;
    if (e.icb_flags & 0x80) mode |= 02000;
    if (e.icb_flags & 0x100) mode |= 01000;
    n.mode = mode;
    // OSTA UDF 3.3.3.1: 0xFFFFFFFF means "no id"; shown as 0.
    n.uid = e.uid == 0xFFFFFFFFu ? 0 : e.uid;
    n.gid = e.gid == 0xFFFFFFFFu ? 0 : e.gid;
    if (e.mtime) n.mtime = *e.mtime;
  }

  const base::BlockDevice& device_;
  const UdfVolume& volume_;
  const ReadOptions& options_;
  ImageTree* out_;
  Tree& tree_;
  std::deque<DirPending> queue_;
  std::unordered_set<std::uint64_t> visited_;
  std::vector<std::uint8_t> buffer_;
  std::vector<PhysicalPiece> pieces_;
  std::string name_;
  std::uint64_t virtual_budget_ = 0;  // virtual blocks left to translate for file data
};

// OSTA UDF 2.2.11 (2.00+) and UDF 1.50 2.2.10: the VAT is a file whose entry is the last
// block recorded. An image ends with the last recorded block, but a recorder may pad the
// track up to a packet, so the search goes back at most this many blocks.
constexpr std::uint32_t kVatSearchBlocks = 256;
// The largest VAT accepted: 16 Mi entries, which addresses 32 GiB of 2048-byte blocks.
constexpr std::uint64_t kMaxVatBytes = 64u << 20;
// UDF 2.2.11: the 2.00 header is 152 bytes before the implementation use area.
constexpr std::size_t kVatHeader = 152;
// UDF 1.50 2.2.10: the table ends with a regid (32 bytes) and the previous VAT's location.
constexpr std::size_t kVat15Trailer = 36;

base::Status LoadVirtualAllocationTable(const base::BlockDevice& device, UdfVolume* volume,
                                        std::size_t index, UdfInfo* info,
                                        std::vector<std::string>* warnings) {
  UdfVolume::Map& m = volume->maps[index];
  const std::uint32_t bs = volume->block_size;
  const std::uint64_t sectors = device.size() / bs;
  const std::uint64_t partition_end = std::uint64_t{m.start} + m.length;  // exclusive
  const std::uint64_t last = std::min(sectors, partition_end);
  if (last == 0 || last <= m.start) {
    return base::CorruptImage(LbaWhere(m.start), "UDF virtual partition " +
                                                     std::to_string(m.partition_number) +
                                                     " has no recorded blocks in the image");
  }
  ImageTree scratch;
  ReadOptions options;
  UdfWalker walker(device, *volume, options, &scratch);
  std::vector<std::uint8_t> block(bs);
  std::vector<std::uint8_t> data;
  for (std::uint64_t k = 1; k <= kVatSearchBlocks && k <= last - m.start; ++k) {
    const std::uint64_t sector = last - k;
    const auto lbn = static_cast<std::uint32_t>(sector - m.start);
    RETURN_IF_ERROR(device.Read(sector * bs, block));
    const std::uint16_t tag = base::LoadLe16(block.data());
    if (tag != kFileEntry && tag != kExtendedFileEntry) continue;
    // A block that only looks like an entry (bad checksum, CRC or location) is not the VAT.
    if (!CheckUdfTag(block, lbn, "", nullptr)) continue;
    const std::uint8_t type = block[kIcbFileType];
    if (type != kTypeVat && type != 0) continue;
    const std::string where = LbaWhere(sector) + ": UDF virtual allocation table";
    std::uint8_t file_type = 0;
    auto read = walker.ReadWholeFile(m.physical_ref, lbn, "UDF virtual allocation table",
                                     kMaxVatBytes, &file_type, &data);
    if (!read) {
      if (type == 0) continue;  // an unreadable type 0 file is not taken for a 1.50 VAT
      return read;
    }
    std::size_t first = 0, count = 0;
    if (file_type == kTypeVat) {
      if (data.size() < kVatHeader) {
        return base::CorruptImage(
            where, "table of " + std::to_string(data.size()) + " bytes is shorter than its header");
      }
      // UDF 2.2.11: length of header (BP 0), of implementation use (BP 2), previous VAT
      // (BP 132), number of files (BP 136) and directories (BP 140), UDF revisions.
      const std::size_t header = base::LoadLe16(data.data());
      const std::size_t impl_use = base::LoadLe16(data.data() + 2);
      if (header < kVatHeader || header > data.size()) {
        return base::CorruptImage(where, "header length " + std::to_string(header) + " in a " +
                                             std::to_string(data.size()) + "-byte table");
      }
      if (header != kVatHeader + impl_use) {
        warnings->push_back(where + ": header length " + std::to_string(header) +
                            " disagrees with the implementation use length " +
                            std::to_string(impl_use));
      }
      first = header;
      count = (data.size() - header) / 4;
      info->vat_format = "2.00";
      // UDF 2.2.11: on VAT media these counts replace the integrity descriptor's.
      info->files = base::LoadLe32(data.data() + 136);
      info->directories = base::LoadLe32(data.data() + 140);
    } else {
      // UDF 1.50 2.2.10: file type 0 and a "*UDF Virtual Alloc Tbl" regid after the entries;
      // an entry of type 0 without it is some other file.
      if (data.size() < kVat15Trailer) continue;
      const std::size_t trailer = data.size() - kVat15Trailer;
      const std::string ident =
          TrimIdentifier(std::span<const std::uint8_t>(data).subspan(trailer + 1, 23));
      if (ident != "*UDF Virtual Alloc Tbl") continue;
      first = 0;
      count = trailer / 4;
      info->vat_format = "1.50";
    }
    m.vat.resize(count);
    for (std::size_t i = 0; i < count; ++i) m.vat[i] = base::LoadLe32(data.data() + first + 4 * i);
    m.vat_lba = sector;
    info->vat_lba = static_cast<std::uint32_t>(sector);
    info->vat_entries = static_cast<std::uint32_t>(count);
    for (const std::string& w : scratch.warnings) warnings->push_back(w);
    return base::Ok();
  }
  return base::CorruptImage(LbaWhere(last - 1), "UDF virtual partition " +
                                                    std::to_string(m.partition_number) +
                                                    ": no virtual allocation table in the last " +
                                                    std::to_string(kVatSearchBlocks) + " blocks");
}

}  // namespace

base::Expected<ImageTree> ReadUdfTree(const base::BlockDevice& device, const UdfVolume& volume,
                                      const ReadOptions& options) {
  ImageTree out;
  out.ns = Namespace::kUdf;
  UdfWalker walker(device, volume, options, &out);
  RETURN_IF_ERROR(walker.Walk());
  return out;
}

}  // namespace fs::reader

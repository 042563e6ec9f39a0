// UDF reader, the volume (ECMA-167 3rd edition part 3, OSTA UDF 2.60 2.2): anchors, the
// volume descriptor sequences, partitions and partition maps, the file set descriptor and
// the integrity descriptor's counts; see udf_reader.h and udf_volume.h.
#include "udf/udf_volume.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "base/bytes.h"
#include "base/unicode.h"
#include "reader/reader_util.h"
#include "udf/udf_file_format.h"
#include "udf/udf_format.h"

namespace fs::reader {

std::string UdfDstring(std::span<const std::uint8_t> field) {
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

bool DecodeUdfCs0(std::span<const std::uint8_t> s, std::string* out) {
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

base::Expected<std::uint64_t> UdfVolume::BlockOffset(std::uint16_t ref, std::uint32_t lbn,
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
                                        std::to_string(block) + ") is beyond the end of the image");
  }
  return offset;
}

base::Status UdfVolume::Pieces(std::uint16_t ref, std::uint32_t lbn, std::uint64_t length,
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

base::Expected<std::uint32_t> UdfVolume::Virtual(const Map& m, std::uint32_t lbn,
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

base::Status UdfVolume::VirtualPieces(const Map& m, std::uint32_t lbn, std::uint64_t length,
                                      const std::string& what,
                                      std::vector<PhysicalPiece>* out) const {
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
    ASSIGN_OR_RETURN(std::uint32_t physical, Virtual(m, static_cast<std::uint32_t>(lbn + i), what));
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

namespace {

struct Descriptors {
  std::optional<udf::PrimaryVolumeDescriptor> pvd;
  std::vector<std::uint8_t> lvd;  // the whole block: the partition maps follow the fixed part
  std::vector<udf::PartitionDescriptor> partitions;
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
    ASSIGN_OR_RETURN(std::uint16_t id, udf::CheckTag(block, location, where, warnings));
    switch (id) {
      case udf::kVolumeDescriptorPointer: {
        if (++pointers > 64)
          return base::CorruptImage(where, "more than 64 volume descriptor pointers");
        ASSIGN_OR_RETURN(const auto vdp, udf::VolumeDescriptorPointer::Parse(block));
        location = vdp.next_vds.location.get();
        remaining = vdp.next_vds.length.get() / bs;
        continue;
      }
      case udf::kPrimaryVolumeDescriptor: {
        ASSIGN_OR_RETURN(d->pvd, udf::PrimaryVolumeDescriptor::Parse(block));
        break;
      }
      case udf::kPartitionDescriptor: {
        ASSIGN_OR_RETURN(const auto pd, udf::PartitionDescriptor::Parse(block));
        d->partitions.push_back(pd);
        break;
      }
      case udf::kLogicalVolumeDescriptor:
        d->lvd = block;
        break;
      case udf::kTerminatingDescriptor:
        return base::Ok();
      default:
        break;
    }
    ++location;
    --remaining;
  }
  return base::Ok();
}

// ECMA-167 3/8.4.2.1: the anchor is at sector 256, N-256 or N, N being the last sector
// (sectors - 1); the block size is found by trying the common ones (mkudffs writes
// 512-byte blocks on hard-disk media). Sets *bs to 0 when there is none.
base::Status FindAnchor(const base::BlockDevice& device, std::uint32_t* bs, std::uint32_t* anchor,
                        udf::AnchorVolumeDescriptorPointer* avdp) {
  std::vector<std::uint8_t> block;
  *bs = 0;
  for (std::uint32_t try_bs : {2048u, 512u, 1024u, 4096u}) {
    const std::uint64_t sectors = device.size() / try_bs;
    for (std::uint64_t where :
         {std::uint64_t{256}, sectors > 257 ? sectors - 257 : 0, sectors > 0 ? sectors - 1 : 0}) {
      if (where == 0 || (where + 1) * try_bs > device.size()) continue;
      block.resize(try_bs);
      RETURN_IF_ERROR(device.Read(where * try_bs, block));
      ASSIGN_OR_RETURN(const udf::Tag tag, udf::Tag::Parse(block));
      if (tag.identifier.get() != udf::kAnchorVolumeDescriptorPointer) continue;
      auto id = udf::CheckTag(block, static_cast<std::uint32_t>(where), LbaWhere(where), nullptr);
      if (!id) continue;
      ASSIGN_OR_RETURN(*avdp, udf::AnchorVolumeDescriptorPointer::Parse(block));
      *bs = try_bs;
      *anchor = static_cast<std::uint32_t>(where);
      return base::Ok();
    }
  }
  return base::Ok();
}

// ECMA-167 3/10.7: the partition maps of the logical volume descriptor, each matched with
// its partition descriptor (3/10.5).
base::Status ReadPartitionMaps(const Descriptors& d, std::uint32_t bs, std::uint32_t lvd_lba,
                               UdfVolume* volume, UdfInfo* info) {
  const std::span<const std::uint8_t> lvd_block(d.lvd);
  ASSIGN_OR_RETURN(const auto lvd, udf::LogicalVolumeDescriptor::Parse(lvd_block));
  const std::uint32_t map_table_length = lvd.map_table_length.get();
  const std::uint32_t map_count = lvd.number_of_partition_maps.get();
  if (map_table_length > bs - udf::kPartitionMapsOffset || map_count > 64) {
    return base::CorruptImage(LbaWhere(lvd_lba), "UDF partition map table of " +
                                                     std::to_string(map_table_length) + " bytes, " +
                                                     std::to_string(map_count) + " maps");
  }
  auto find_partition = [&](std::uint16_t number, UdfVolume::Map* m) -> bool {
    for (const udf::PartitionDescriptor& pd : d.partitions) {
      if (pd.partition_number.get() == number) {
        m->start = pd.partition_starting_location.get();
        m->length = pd.partition_length.get();
        return true;
      }
    }
    return false;
  };
  std::size_t pos = udf::kPartitionMapsOffset;
  const std::size_t end = udf::kPartitionMapsOffset + map_table_length;
  for (std::uint32_t i = 0; i < map_count; ++i) {
    if (pos + sizeof(udf::PartitionMapHeader) > end)
      return base::CorruptImage(LbaWhere(lvd_lba), "UDF partition map table truncated");
    ASSIGN_OR_RETURN(const auto header, udf::PartitionMapHeader::Parse(lvd_block.subspan(pos)));
    const std::uint8_t type = header.partition_map_type;
    const std::uint8_t len = header.partition_map_length;
    if (len < sizeof(udf::Type1PartitionMap) || pos + len > end) {
      return base::CorruptImage(LbaWhere(lvd_lba), "UDF partition map " + std::to_string(i) +
                                                       " has length " + std::to_string(len));
    }
    const std::span<const std::uint8_t> map_bytes = lvd_block.subspan(pos, len);
    UdfVolume::Map m;
    if (type == 1) {  // ECMA-167 3/10.7.2
      ASSIGN_OR_RETURN(const auto t1, udf::Type1PartitionMap::Parse(map_bytes));
      m.partition_number = t1.partition_number.get();
    } else if (type == 2 && len >= udf::kType2PartitionMapCommonLength) {
      // ECMA-167 3/10.7.3, OSTA UDF 2.2.8-2.2.10
      const auto t2 = udf::Type2PartitionMap::ParseZeroExtended(map_bytes);
      const std::string ident = TrimIdentifier(t2.partition_type_identifier.identifier.b);
      m.partition_number = t2.partition_number.get();
      if (ident == udf::kMetadataPartitionId) {
        m.kind = UdfVolume::MapKind::kMetadata;
        info->metadata_partition = true;
      } else if (ident == udf::kSparablePartitionId) {
        m.kind = UdfVolume::MapKind::kSparable;
        info->sparable_partition = true;
        // Sparing tables remap defective packets of rewritable media; an image file
        // holds the data at its original place, so they are not consulted.
      } else if (ident == udf::kVirtualPartitionId) {
        m.kind = UdfVolume::MapKind::kVirtual;
        info->virtual_partition = true;
      } else {
        return base::Unsupported(LbaWhere(lvd_lba), "UDF partition map type '" + ident + "'");
      }
    } else {
      return base::CorruptImage(LbaWhere(lvd_lba), "UDF partition map " + std::to_string(i) +
                                                       " of type " + std::to_string(type));
    }
    if (!find_partition(m.partition_number, &m)) {
      return base::CorruptImage(LbaWhere(lvd_lba), "UDF partition map names partition " +
                                                       std::to_string(m.partition_number) +
                                                       ", which has no partition descriptor");
    }
    volume->maps.push_back(m);
    if (m.kind == UdfVolume::MapKind::kMetadata) {
      volume->maps.back().metadata.clear();
    }
    pos += len;
  }
  return base::Ok();
}

// Virtual partitions (UDF 2.2.8): the partition they name must also have a type 1 map,
// where the VAT's file entry and the recorded blocks are.
base::Status ReadVirtualPartitions(const base::BlockDevice& device, std::uint32_t lvd_lba,
                                   UdfVolume* volume, UdfInfo* info,
                                   std::vector<std::string>* warnings) {
  bool have_virtual = false;
  for (std::size_t i = 0; i < volume->maps.size(); ++i) {
    UdfVolume::Map& m = volume->maps[i];
    if (m.kind != UdfVolume::MapKind::kVirtual) continue;
    if (have_virtual) {
      return base::CorruptImage(LbaWhere(lvd_lba),
                                "UDF logical volume with more than one virtual partition map");
    }
    have_virtual = true;
    bool found = false;
    for (std::size_t j = 0; j < volume->maps.size(); ++j) {
      const UdfVolume::Map& o = volume->maps[j];
      if (o.kind == UdfVolume::MapKind::kMetadata && o.partition_number == m.partition_number) {
        // UDF 2.50+ BD-R: the metadata file lives in the virtual partition.
        return base::Unsupported(LbaWhere(lvd_lba),
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
      return base::CorruptImage(LbaWhere(lvd_lba), "UDF virtual partition map names partition " +
                                                       std::to_string(m.partition_number) +
                                                       ", which has no type 1 partition map");
    }
    RETURN_IF_ERROR(LoadVirtualAllocationTable(device, volume, i, info, warnings));
  }
  return base::Ok();
}

// ECMA-167 3/10.6.7 (UDF 2.2.4.4): the file set descriptor's long_ad; 4/14.1.15: the
// root directory's ICB in it.
base::Status ReadFileSet(const base::BlockDevice& device, const udf::LongAd& fsd_location,
                         UdfVolume* volume, std::vector<std::string>* warnings) {
  const std::uint32_t bs = volume->block_size;
  const std::uint32_t fsd_lbn = fsd_location.extent_location.logical_block_number.get();
  const std::uint16_t fsd_ref = fsd_location.extent_location.partition_reference_number.get();
  const std::string fsd_what = "UDF file set descriptor";
  ASSIGN_OR_RETURN(std::uint64_t fsd_off, volume->BlockOffset(fsd_ref, fsd_lbn, fsd_what));
  std::vector<std::uint8_t> fsd(bs);
  RETURN_IF_ERROR(device.Read(fsd_off, fsd));
  std::string fsd_where = LbaWhere(fsd_off / bs) + ": " + fsd_what;
  auto fsd_tag = udf::CheckTag(fsd, fsd_lbn, fsd_where, warnings);
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
    fsd_tag = udf::CheckTag(fsd, fsd_lbn, fsd_where, warnings);
  }
  if (!fsd_tag) return fsd_tag.error();
  const std::uint16_t fsd_id = *fsd_tag;
  if (fsd_id != udf::kFileSetDescriptor) {
    return base::CorruptImage(fsd_where,
                              "tag identifier " + std::to_string(fsd_id) + ", expected 256");
  }
  ASSIGN_OR_RETURN(const auto set, udf::FileSetDescriptor::Parse(fsd));
  volume->root_length = udf::ExtentLength(set.root_directory_icb.extent_length.get());
  volume->root_lbn = set.root_directory_icb.extent_location.logical_block_number.get();
  volume->root_partition = set.root_directory_icb.extent_location.partition_reference_number.get();
  return base::Ok();
}

// ECMA-167 3/10.10: the logical volume integrity descriptor holds file and directory
// counts in its implementation use (OSTA UDF 2.2.6.4). On VAT media it is left stale: a
// 2.00 VAT header's counts, read before, replace it (UDF 2.2.11).
base::Status ReadIntegrityCounts(const base::BlockDevice& device, std::uint32_t bs,
                                 const udf::ExtentAd& extent, UdfInfo* info, UdfVolume* volume,
                                 std::vector<std::string>* warnings) {
  const std::uint32_t lvid_length = extent.length.get();
  const std::uint32_t lvid_location = extent.location.get();
  if (lvid_length < bs || std::uint64_t{lvid_location + 1ull} * bs > device.size()) {
    return base::Ok();
  }
  std::vector<std::uint8_t> block(bs);
  RETURN_IF_ERROR(device.Read(std::uint64_t{lvid_location} * bs, block));
  auto id = udf::CheckTag(block, lvid_location,
                          LbaWhere(lvid_location) + ": UDF logical volume integrity descriptor",
                          warnings);
  if (!id || *id != udf::kLogicalVolumeIntegrityDescriptor) return base::Ok();
  ASSIGN_OR_RETURN(const auto lvid, udf::LogicalVolumeIntegrityDescriptor::Parse(block));
  info->integrity_lba = lvid_location;
  info->integrity = lvid.integrity_type.get() == udf::kIntegrityClose  ? "closed"
                    : lvid.integrity_type.get() == udf::kIntegrityOpen ? "open"
                                                                       : "unknown";
  const std::uint32_t n = lvid.number_of_partitions.get();
  // The free space and size tables (n Le32 each) come before the implementation use.
  const std::uint64_t iu = udf::kLvidTablesOffset + std::uint64_t{n} * 8;
  if (n < 64 && iu + udf::kLvidImplementationUseCountsLength <= bs && info->vat_format != "2.00") {
    const auto use = udf::LvidImplementationUse::ParseZeroExtended(
        std::span<const std::uint8_t>(block).subspan(iu));
    info->files = use.number_of_files.get();
    info->directories = use.number_of_directories.get();
    if (lvid.integrity_type.get() == udf::kIntegrityClose && info->vat_format.empty()) {
      volume->lvid_files = info->files;
      volume->lvid_directories = info->directories;
      volume->lvid_next_unique_id = base::LoadLe64(lvid.logical_volume_contents_use.b);
    }
  }
  return base::Ok();
}

}  // namespace

base::Expected<std::shared_ptr<const UdfVolume>> OpenUdfVolume(const base::BlockDevice& device,
                                                               UdfInfo* info,
                                                               std::vector<std::string>* warnings) {
  auto volume = std::make_shared<UdfVolume>();
  volume->device = &device;
  std::uint32_t bs = 0;
  std::uint32_t anchor = 0;
  auto avdp = udf::Zeroed<udf::AnchorVolumeDescriptorPointer>();
  RETURN_IF_ERROR(FindAnchor(device, &bs, &anchor, &avdp));
  if (bs == 0) return std::shared_ptr<const UdfVolume>();
  volume->block_size = bs;
  info->anchor_lba = anchor;
  info->block_size = bs;
  // ECMA-167 3/10.2: the main and reserve volume descriptor sequences.
  const std::uint32_t main_length = avdp.main_vds.length.get();
  const std::uint32_t main_location = avdp.main_vds.location.get();
  const std::uint32_t reserve_length = avdp.reserve_vds.length.get();
  const std::uint32_t reserve_location = avdp.reserve_vds.location.get();
  info->main_vds_lba = main_location;
  info->reserve_vds_lba = reserve_location;
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
  if (d.pvd) info->volume_set_id = UdfDstring(d.pvd->volume_set_identifier.b);

  // ECMA-167 3/10.6: logical volume descriptor.
  ASSIGN_OR_RETURN(const auto lvd, udf::LogicalVolumeDescriptor::Parse(d.lvd));
  info->logical_volume_id = UdfDstring(lvd.logical_volume_identifier.b);
  const std::uint32_t lbs = lvd.logical_block_size.get();
  if (lbs != bs) {
    return base::Unsupported(LbaWhere(main_location),
                             "UDF logical block size " + std::to_string(lbs) +
                                 " differs from the sector size " + std::to_string(bs));
  }
  // OSTA UDF 2.1.5.3: domain identifier suffix holds the UDF revision (BCD, e.g. 0x0260).
  const std::uint16_t revision = lvd.domain_identifier.SuffixRevision();
  char rev[16];
  std::snprintf(rev, sizeof rev, "%x.%02x", revision >> 8, revision & 0xFF);
  info->revision = rev;
  RETURN_IF_ERROR(ReadPartitionMaps(d, bs, main_location, volume.get(), info));
  // ECMA-167 3/10.5.13: a partition's blocks lie on the volume. A volume with a virtual
  // partition (OSTA UDF 2.2.8: sequentially recorded, CD-R, DVD-R) ends where its writing
  // stopped, before the partition's reserved length, and is not held to this.
  const bool sequential = std::any_of(volume->maps.begin(), volume->maps.end(), [](const auto& m) {
    return m.kind == UdfVolume::MapKind::kVirtual;
  });
  for (const UdfVolume::Map& m : volume->maps) {
    if (!sequential && (std::uint64_t{m.start} + m.length) * bs > device.size()) {
      warnings->push_back(LbaWhere(main_location) + ": UDF partition " +
                          std::to_string(m.partition_number) + ": blocks " +
                          std::to_string(m.start) + "+" + std::to_string(m.length) +
                          " extend beyond the end of the image (" +
                          std::to_string(device.size() / bs) + " blocks)");
    }
  }
  if (!volume->maps.empty()) {
    info->partition_start = volume->maps[0].start;
    info->partition_length = volume->maps[0].length;
  }
  RETURN_IF_ERROR(ReadVirtualPartitions(device, main_location, volume.get(), info, warnings));
  RETURN_IF_ERROR(LoadUdfMetadataFiles(device, d.lvd, main_location, volume.get(), info, warnings));
  RETURN_IF_ERROR(ReadFileSet(device, lvd.file_set_descriptor_location, volume.get(), warnings));
  RETURN_IF_ERROR(
      ReadIntegrityCounts(device, bs, lvd.integrity_sequence_extent, info, volume.get(), warnings));
  return std::shared_ptr<const UdfVolume>(std::move(volume));
}

}  // namespace fs::reader

// UDF reader, the metadata partition (OSTA UDF 2.60 2.2.10, 2.2.13): the metadata file's
// extents, or its mirror's when the file is unusable; see udf_volume.h.
#include <string>
#include <vector>

#include "reader/reader_util.h"
#include "udf/udf_file_format.h"
#include "udf/udf_format.h"
#include "udf/udf_volume.h"

namespace fs::reader {

namespace {

// The extents of the metadata (or mirror) file whose entry is at `lbn` of `physical`.
// Returns false with *error set when the entry is unusable.
base::Expected<bool> ReadMetadataFileExtents(const base::BlockDevice& device,
                                             const UdfVolume::Map& physical, std::uint32_t bs,
                                             std::uint32_t lbn, std::vector<PhysicalPiece>* pieces,
                                             std::string* error) {
  const std::uint64_t off = (std::uint64_t{physical.start} + lbn) * bs;
  if (off + bs > device.size()) return false;
  std::vector<std::uint8_t> fe(bs);
  RETURN_IF_ERROR(device.Read(off, fe));
  const std::string where = LbaWhere(physical.start + lbn) + ": UDF metadata file entry";
  auto id = udf::CheckTag(fe, lbn, where, nullptr);
  if (!id || (*id != udf::kFileEntry && *id != udf::kExtendedFileEntry)) {
    *error = id ? where + ": not a file entry" : id.error().ToString();
    return false;
  }
  ASSIGN_OR_RETURN(const udf::FileEntryFields entry, udf::ParseFileEntryFields(fe, *id));
  const std::uint32_t l_ea = entry.length_of_extended_attributes;
  const std::uint32_t l_ad = entry.length_of_allocation_descriptors;
  const std::size_t header = entry.header_length;
  const udf::AdType ad_type = entry.icb_tag.ad_type();
  if (header + std::uint64_t{l_ea} + l_ad > bs || ad_type > udf::kLongAds) {
    *error = where + ": allocation descriptors unusable";
    return false;
  }
  const std::size_t ad_size =
      ad_type == udf::kShortAds ? sizeof(udf::ShortAd) : sizeof(udf::LongAd);
  const std::span<const std::uint8_t> block(fe);
  pieces->clear();
  for (std::size_t p = header + l_ea; p + ad_size <= header + l_ea + l_ad; p += ad_size) {
    // A short_ad and a long_ad both start with the extent length and its block number.
    ASSIGN_OR_RETURN(const auto ad, udf::ShortAd::Parse(block.subspan(p)));
    const std::uint32_t elen = udf::ExtentLength(ad.extent_length.get());
    if (elen == 0) break;
    const std::uint32_t elbn = ad.extent_position.get();
    if (elbn >= physical.length || (elen + bs - 1) / bs > physical.length - elbn) {
      *error = where + ": extent beyond the partition";
      pieces->clear();
      break;
    }
    pieces->push_back({std::uint64_t{elbn} * bs, elen});
  }
  if (pieces->empty()) {
    if (error->empty()) *error = where + ": no extents";
    return false;
  }
  return true;
}

}  // namespace

base::Status LoadUdfMetadataFiles(const base::BlockDevice& device,
                                  std::span<const std::uint8_t> lvd, std::uint32_t lvd_lba,
                                  UdfVolume* volume, UdfInfo* info,
                                  std::vector<std::string>* warnings) {
  const std::uint32_t bs = volume->block_size;
  std::size_t mpos = udf::kPartitionMapsOffset;
  for (std::size_t i = 0; i < volume->maps.size(); ++i) {
    ASSIGN_OR_RETURN(const auto header, udf::PartitionMapHeader::Parse(lvd.subspan(mpos)));
    const std::uint8_t len = header.partition_map_length;
    UdfVolume::Map& m = volume->maps[i];
    if (m.kind == UdfVolume::MapKind::kMetadata) {
      if (len < udf::kMetadataPartitionMapMinLength)
        return base::CorruptImage(LbaWhere(lvd_lba), "UDF metadata partition map too short");
      const auto map = udf::MetadataPartitionMap::ParseZeroExtended(lvd.subspan(mpos, len));
      const std::uint32_t file_lbn = map.metadata_file_location.get();
      const std::uint32_t mirror_lbn = map.metadata_mirror_file_location.get();
      info->metadata_mirror = mirror_lbn != 0xFFFFFFFFu && mirror_lbn != file_lbn;
      // The metadata file's entry is in the underlying physical partition.
      UdfVolume::Map physical = m;
      physical.kind = UdfVolume::MapKind::kPhysical;
      bool loaded = false;
      std::string last_error;
      for (std::uint32_t lbn : {file_lbn, mirror_lbn}) {
        if (lbn == 0xFFFFFFFFu || lbn >= physical.length) continue;
        std::vector<PhysicalPiece> pieces;
        ASSIGN_OR_RETURN(const bool usable,
                         ReadMetadataFileExtents(device, physical, bs, lbn, &pieces, &last_error));
        if (!usable) continue;
        if (loaded) {  // the metadata file is in use; keep its mirror for FSD damage
          m.mirror = std::move(pieces);
          break;
        }
        m.metadata = std::move(pieces);
        if (lbn != file_lbn) {
          warnings->push_back(LbaWhere(physical.start + lbn) +
                              ": UDF metadata file entry: metadata file unusable, using its "
                              "mirror");
        }
        loaded = true;
        if (lbn == mirror_lbn) break;
      }
      if (!loaded) {
        return base::CorruptImage(LbaWhere(lvd_lba),
                                  "UDF metadata partition: neither the metadata file nor "
                                  "its mirror is readable (" +
                                      last_error + ")");
      }
    }
    mpos += len;
  }
  return base::Ok();
}

}  // namespace fs::reader

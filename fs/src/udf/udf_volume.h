// The UDF reader's internal view of an opened logical volume (see udf_reader.h): its
// partition maps and how a (partition reference, logical block) pair becomes bytes of the
// image through type 1, sparable, metadata (UDF 2.60 2.2.10) and virtual (2.2.8, 2.2.11)
// partitions; and the text decoders of ECMA-167 dstrings and OSTA CS0.
#ifndef MKIMG_FS_UDF_UDF_VOLUME_H_
#define MKIMG_FS_UDF_UDF_VOLUME_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/block_device.h"
#include "base/error.h"
#include "fs/image_reader.h"
#include "udf/udf_reader.h"

namespace fs::reader {

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
  // The closed LVID's file and directory counts (UDF 2.2.6.4) and next unique ID (ECMA-167
  // 4/14.15), which the walker compares with the tree; unset on VAT volumes (whose LVID is
  // stale, UDF 2.2.11) and when the integrity is open.
  std::optional<std::uint32_t> lvid_files, lvid_directories;
  std::optional<std::uint64_t> lvid_next_unique_id;
  std::uint16_t root_partition = 0;
  std::uint32_t root_lbn = 0;
  std::uint32_t root_length = 0;

  // Byte offset in the image of logical block `lbn` of partition reference `ref`.
  base::Expected<std::uint64_t> BlockOffset(std::uint16_t ref, std::uint32_t lbn,
                                            const std::string& what) const;

  // The image ranges of `length` bytes at `lbn` of partition `ref`.
  base::Status Pieces(std::uint16_t ref, std::uint32_t lbn, std::uint64_t length,
                      const std::string& what, std::vector<PhysicalPiece>* out) const;

 private:
  // UDF 2.2.11: virtual block `lbn` through the VAT to a block of the underlying
  // partition. One level only: the VAT's own entry lies in the type 1 partition.
  base::Expected<std::uint32_t> Virtual(const Map& m, std::uint32_t lbn,
                                        const std::string& what) const;

  // Each virtual block of an extent is translated on its own (ECMA-167 4/14.14: an extent
  // is consecutive logical blocks of its partition, here virtual ones); consecutive
  // translations that stay adjacent form one piece. The loop is bounded by the table.
  base::Status VirtualPieces(const Map& m, std::uint32_t lbn, std::uint64_t length,
                             const std::string& what, std::vector<PhysicalPiece>* out) const;
};

// ECMA-167 1/7.2.12: a dstring field as UTF-8 ("" when its length byte or compression ID
// is unusable).
std::string UdfDstring(std::span<const std::uint8_t> field);
// OSTA UDF 2.1.2: a CS0 file identifier (compression ID 8 or 16, UDF 2.50 adds 254/255).
bool DecodeUdfCs0(std::span<const std::uint8_t> s, std::string* out);

// Loads the metadata file's extents, or its mirror's, of every metadata partition map
// (UDF 2.2.10); `lvd` is the logical volume descriptor's block (udf_metadata.cc).
base::Status LoadUdfMetadataFiles(const base::BlockDevice& device,
                                  std::span<const std::uint8_t> lvd, std::uint32_t lvd_lba,
                                  UdfVolume* volume, UdfInfo* info,
                                  std::vector<std::string>* warnings);

// Finds the VAT of virtual map `index` and loads it (udf_vat.cc).
base::Status LoadVirtualAllocationTable(const base::BlockDevice& device, UdfVolume* volume,
                                        std::size_t index, UdfInfo* info,
                                        std::vector<std::string>* warnings);

}  // namespace fs::reader

#endif  // MKIMG_FS_UDF_UDF_VOLUME_H_

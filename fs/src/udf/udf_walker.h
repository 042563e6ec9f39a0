// The UDF reader's walker (see udf_reader.h): file entries and their allocation
// descriptors (ECMA-167 4/14.9, 4/14.17, 4/14.14, 4/14.5; udf_file_entry.cc) and the
// directory hierarchy of file identifier descriptors and symbolic links (4/14.4, 4/14.16;
// udf_directory.cc).
#ifndef MKIMG_FS_UDF_UDF_WALKER_H_
#define MKIMG_FS_UDF_UDF_WALKER_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/block_device.h"
#include "base/error.h"
#include "fs/image_reader.h"
#include "fs/tree.h"
#include "udf/udf_volume.h"

namespace fs::reader {

struct UdfDirPending {
  std::uint16_t partition;
  std::uint32_t lbn;
  NodeId node;
  int depth;
};

// An allocation descriptor, resolved: `ref`/`lbn` in the volume, type per ECMA-167
// 4/14.14.1.1 (0 recorded, 1 allocated and not recorded, 2 neither).
struct UdfAllocation {
  std::uint32_t length;
  std::uint32_t type;
  std::uint16_t ref;
  std::uint32_t lbn;
};

// What the walker keeps of a file entry or extended file entry.
struct UdfEntry {
  std::uint8_t file_type = 0;
  std::uint16_t icb_flags = 0;
  std::uint32_t uid = 0, gid = 0, permissions = 0;
  std::uint16_t links = 0;
  std::uint64_t info_length = 0;
  std::uint64_t unique_id = 0;  // ECMA-167 4/14.9.18
  std::optional<Timestamp> mtime;
  bool embedded = false;
  std::uint64_t embedded_offset = 0;  // image byte offset of embedded data
  std::vector<UdfAllocation> allocations;
  // ECMA-167 4/14.10.7: the device specification extended attribute, when recorded.
  bool has_device = false;
  std::uint32_t device_major = 0, device_minor = 0;
};

class UdfWalker {
 public:
  UdfWalker(const base::BlockDevice& device, const UdfVolume& volume, const ReadOptions& options,
            ImageTree* out);

  // Reads the file entry at `lbn` of partition `ref` and its data, at most `max_bytes`
  // (unrecorded extents read as zeros). Used for the VAT (UDF 2.2.11).
  base::Status ReadWholeFile(std::uint16_t ref, std::uint32_t lbn, std::string_view what,
                             std::uint64_t max_bytes, std::uint8_t* file_type,
                             std::vector<std::uint8_t>* data);

  // Reads the whole tree from the root ICB into the ImageTree.
  base::Status Walk();

 private:
  std::string Where(std::uint16_t ref, std::uint32_t lbn) const;

  // udf_file_entry.cc
  base::Status ReadEntry(std::uint16_t ref, std::uint32_t lbn, std::string_view path, UdfEntry* e);
  static void FindDevice(std::span<const std::uint8_t> ea, UdfEntry* e);
  base::Status ParseAllocations(std::vector<std::uint8_t> area, unsigned ad_type, std::uint16_t ref,
                                const std::string& where, UdfEntry* e);
  base::Status DataExtents(const UdfEntry& e, const std::string& where,
                           std::vector<FileExtent>* out);

  // udf_directory.cc
  base::Status ReadDirectory(const UdfDirPending& p);
  base::Status AddEntry(const UdfDirPending& p, std::uint16_t ref, std::uint32_t lbn,
                        bool fid_directory, std::uint32_t fid_unique_id);
  // UDF 3.2.1.1: one unique ID per file entry, below the LVID's next unique ID.
  void CheckUniqueId(std::uint16_t ref, std::uint32_t lbn, const UdfEntry& e,
                     const std::string& where);
  // UDF 2.2.6.4: the closed LVID's counts against the tree read.
  void CheckCounts();
  base::Status SymlinkTarget(const UdfEntry& e, const std::string& where, std::string* target);
  void Apply(NodeId id, const UdfEntry& e);

  const base::BlockDevice& device_;
  const UdfVolume& volume_;
  const ReadOptions& options_;
  ImageTree* out_;
  Tree& tree_;
  std::deque<UdfDirPending> queue_;
  std::unordered_set<std::uint64_t> visited_;
  std::unordered_set<std::uint64_t> file_icbs_;                  // (ref << 32) | lbn
  std::unordered_map<std::uint64_t, std::uint64_t> unique_ids_;  // unique ID -> ICB
  std::vector<std::uint8_t> buffer_;
  std::vector<PhysicalPiece> pieces_;
  std::string name_;
  std::uint64_t virtual_budget_ = 0;  // virtual blocks left to translate for file data
};

}  // namespace fs::reader

#endif  // MKIMG_FS_UDF_UDF_WALKER_H_

// The UDF file system's planner and plan (ECMA-167 3rd edition, OSTA UDF 1.02-2.60;
// specs/udf.md): which nodes the UDF hierarchy shows, their CS0 names (UDF 2.1.1), one
// information control block (a file entry, or an extended file entry from 2.50 on) per
// directory, file and symbolic link (hard links share one), unique IDs (UDF 3.2.1.1),
// directories of file identifier descriptors, and the sections it writes: the volume
// recognition sequence, the anchors at 256, N-256 and N, the main and reserve volume
// descriptor sequences, the integrity sequence, and the file structures, which from
// 2.50 on live in a metadata partition (UDF 2.2.10) with its metadata file and mirror
// (2.2.13). File data is the neutral plan's, shared with ISO 9660 and Joliet: the
// allocation descriptors point at plan.extent_of(node).
#ifndef MKIMG_FS_UDF_UDF_PLAN_H_
#define MKIMG_FS_UDF_UDF_PLAN_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "plan/file_system.h"

namespace fs::udf {

// What a revision records (specs/udf.md, "revisions").
struct UdfRevision {
  std::uint16_t bcd = 0x0260;  // UDF 2.1.5.3: 0x0102 ... 0x0260
  std::uint16_t minimum_read = 0x0250;
  bool nsr03 = true;               // ECMA-167 3rd edition: NSR03, descriptor version 3
  bool extended_entries = true;    // extended file entries (4/14.17) rather than 4/14.9
  bool metadata_partition = true;  // UDF 2.2.10 (2.50 and later)
};
// kInvalidInput for anything but "1.02", "1.50", "2.01", "2.50", "2.60".
base::Expected<UdfRevision> ParseUdfRevision(std::string_view revision);

class UdfPlanner final : public plan::FileSystemPlanner {
 public:
  UdfPlanner(const UdfOptions& options, UdfRevision revision);

  plan::FileSystemId id() const override { return plan::FileSystemId::kUdf; }
  base::Expected<bool> Accepts(const Tree& tree, NodeId node, std::string* why) const override;
  base::Status Plan(plan::ImagePlan& plan, const DiagnosticSink& diagnostics) override;
  void AppendFiles(const plan::ImagePlan& plan, std::vector<NodeId>* files) const override;
  void Finish(const plan::ImagePlan& plan) override;
  void AddSections(const plan::ImagePlan& plan, plan::Placement& placement) override;

  // --- the plan, read by the sections (udf_sections.cc) ---
  static constexpr std::uint32_t kNoIcb = 0xFFFFFFFFu;
  // The allocation and alignment unit of the metadata file (UDF 2.2.10): 32 blocks, the
  // ECC block of BD and a multiple of DVD's.
  static constexpr std::uint32_t kMetadataUnit = 32;

  struct Icb {
    NodeId node = kNoNode;             // the first name of it (hard links: the others share it)
    std::uint32_t directory = kNoIcb;  // directories: index into directories_
    std::uint16_t links = 0;           // ECMA-167 4/14.9.6
    std::uint64_t unique_id = 0;       // UDF 3.2.1.1: 0 for the root, 16 and up
    // Files whose allocation descriptors do not fit in the ICB: the blocks of their
    // allocation extent descriptors (ECMA-167 4/14.5), consecutive from `first_aed`.
    std::uint32_t first_aed = 0;
    std::uint32_t aeds = 0;
  };
  // A piece of a host file with holes: recorded data, or a hole (allocated in the image,
  // where ISO 9660 may show it, but not recorded: ECMA-167 4/14.14.1.1 type 1). Pieces
  // start on block boundaries; only the last may end elsewhere.
  struct Piece {
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
    bool recorded = true;
  };
  struct Directory {
    NodeId node = kNoNode;
    std::uint32_t icb = 0;
    std::uint32_t first_child = 0;  // into children_
    std::uint32_t child_count = 0;
    std::uint64_t bytes = 0;  // of its FIDs
    std::uint32_t block = 0;  // first block of its FIDs in the file structure space
  };

  const UdfRevision& revision() const { return revision_; }
  bool redundant_metadata() const { return redundant_metadata_; }
  const std::vector<Icb>& icbs() const { return icbs_; }
  const std::vector<Directory>& directories() const { return directories_; }
  std::span<const NodeId> children(const Directory& d) const {
    return std::span<const NodeId>(children_).subspan(d.first_child, d.child_count);
  }
  std::uint32_t icb_of(NodeId node) const { return icb_of_[node]; }
  std::string_view cs0_name(NodeId node) const {
    return std::string_view(names_).substr(name_offset_[node], name_length_[node]);
  }
  // The file structure space: FSD, its terminator, the ICBs, the directories' FIDs, in
  // blocks of the partition that holds them (the metadata partition from 2.50 on).
  static constexpr std::uint32_t kFsdBlock = 0;
  static constexpr std::uint32_t kFirstIcbBlock = 2;
  std::uint32_t icb_block(std::uint32_t icb) const { return kFirstIcbBlock + icb; }
  std::uint32_t file_structure_blocks() const { return file_structure_blocks_; }
  // The metadata file's size in blocks (a multiple of kMetadataUnit), 2.50 and up.
  std::uint32_t metadata_blocks() const { return metadata_blocks_; }
  std::uint16_t structure_partition() const { return revision_.metadata_partition ? 1 : 0; }
  std::uint32_t files() const { return files_; }
  std::uint64_t next_unique_id() const { return next_unique_id_; }
  // The bytes an ICB holds after its fixed part (embedded data or descriptors).
  std::size_t icb_capacity() const;
  // Bytes of one allocation descriptor of file data: long_ad from 2.50 on (the data is
  // in the physical partition, the entries in the metadata partition), else short_ad.
  std::size_t ad_size() const;
  // Allocation descriptors an ICB holds, and an allocation extent descriptor's block.
  std::size_t ads_in_icb() const { return icb_capacity() / ad_size(); }
  std::size_t ads_in_aed() const;
  // The pieces of a host file with holes; null for any other file.
  const std::vector<Piece>* pieces(NodeId file) const {
    auto it = pieces_.find(file);
    return it == pieces_.end() ? nullptr : &it->second;
  }
  // The allocation descriptors file `file` needs (its extents of at most MaxExtentBytes).
  std::uint64_t AdCount(const Tree& tree, NodeId file) const;

  // Where the physical partition starts and ends (image LBAs), and where in it the
  // metadata file, its entry and its mirror lie (partition blocks), once placed.
  std::uint64_t partition_start() const;
  std::uint64_t partition_end() const;
  std::uint32_t metadata_entry_block = 0, metadata_extent_block = 0;
  std::uint32_t mirror_entry_block = 0, mirror_extent_block = 0;
  // The placed sections the descriptors point at (owned by the layout).
  const plan::Section* main_vds = nullptr;
  const plan::Section* reserve_vds = nullptr;
  const plan::Section* integrity = nullptr;

 private:
  UdfRevision revision_;
  bool redundant_metadata_;
  std::string names_;                       // CS0 names
  std::vector<std::uint32_t> name_offset_;  // by NodeId
  std::vector<std::uint8_t> name_length_;   // by NodeId
  std::vector<std::uint32_t> icb_of_;       // by NodeId
  std::vector<Icb> icbs_;
  std::vector<Directory> directories_;
  std::vector<NodeId> children_;
  std::unordered_map<NodeId, std::vector<Piece>> pieces_;
  std::uint32_t file_structure_blocks_ = 0;
  std::uint32_t metadata_blocks_ = 0;
  std::uint32_t files_ = 0;
  std::uint64_t next_unique_id_ = 16;
  const plan::Section* structures_ = nullptr;  // owned by the layout
  const plan::Section* trailer_ = nullptr;
};

}  // namespace fs::udf

#endif  // MKIMG_FS_UDF_UDF_PLAN_H_

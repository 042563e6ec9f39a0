// The UDF planner: visibility, CS0 names, directories, ICBs, unique IDs and the layout of
// the file structures; see udf_plan.h. The sections are in udf_sections.cc.
#include <algorithm>
#include <unordered_map>

#include "base/error.h"
#include "base/media.h"
#include "udf/udf_file_format.h"
#include "udf/udf_names.h"
#include "udf/udf_plan.h"

namespace fs::udf {
namespace {

using plan::FileSystemId;

constexpr std::size_t kFidFixed = sizeof(FileIdentifierDescriptor);  // 38 (4/14.4)

std::uint64_t FidLength(std::size_t identifier_bytes) {
  return (kFidFixed + identifier_bytes + 3) & ~std::uint64_t{3};  // 4/14.4.9
}

}  // namespace

// The largest extent a UDF allocation descriptor records: under 2^30 bytes (ECMA-167
// 4/14.14.1.1) and a whole number of blocks, so that the next extent starts on a block.
std::uint32_t MaxExtentBytes() { return 0x40000000u - base::kBlockSize; }

base::Expected<UdfRevision> ParseUdfRevision(std::string_view revision) {
  UdfRevision r;
  if (revision == "1.02" || revision == "1.50") {
    r.bcd = revision == "1.02" ? 0x0102 : 0x0150;
    r.minimum_read = r.bcd;
    r.nsr03 = false;
    r.extended_entries = false;
    r.metadata_partition = false;
  } else if (revision == "2.01") {
    r.bcd = r.minimum_read = 0x0201;
    r.extended_entries = false;
    r.metadata_partition = false;
  } else if (revision == "2.50") {
    r.bcd = r.minimum_read = 0x0250;
  } else if (revision == "2.60") {
    // UDF 2.60 2.2.6.4: a 2.60 volume without pseudo-overwrite is readable by 2.50 readers.
    r.bcd = 0x0260;
    r.minimum_read = 0x0250;
  } else {
    return base::InvalidInput("filesystems.udf.revision",
                              "\"" + std::string(revision) +
                                  "\" is not one of \"1.02\", \"1.50\", \"2.01\", \"2.50\", \"2.60\"");
  }
  return r;
}

UdfPlanner::UdfPlanner(const UdfOptions& options, UdfRevision revision)
    : revision_(revision), redundant_metadata_(options.redundant_metadata) {}

std::size_t UdfPlanner::icb_capacity() const {
  return base::kBlockSize - (revision_.extended_entries ? sizeof(ExtendedFileEntry)
                                                        : sizeof(FileEntry));
}

std::uint64_t UdfPlanner::partition_start() const { return structures_->lba(); }
std::uint64_t UdfPlanner::partition_end() const { return trailer_->lba() + trailer_->blocks(); }

base::Expected<bool> UdfPlanner::Accepts(const Tree& tree, NodeId node, std::string* why) const {
  const std::string cs0 = EncodeCs0(tree.name(node));
  if (cs0.size() > 255) {
    return base::InvalidInput(tree.Path(node),
                              "name is " + std::to_string(cs0.size()) +
                                  " bytes in UDF's compressed Unicode (CS0), more than the 255 a "
                                  "file identifier holds (OSTA UDF 2.1.1, ECMA-167 4/14.4.4)");
  }
  if (tree.node(node).type == NodeType::kSymlink) {
    std::vector<std::uint8_t> components;
    if (!EncodePathComponents(tree.symlink_target(node), &components)) {
      *why = "symbolic link left out of the UDF tree (a target component is longer than 255 "
             "bytes in CS0)";
      return false;
    }
    if (components.size() > icb_capacity()) {
      *why = "symbolic link left out of the UDF tree (its path components, " +
             std::to_string(components.size()) + " bytes, do not fit in its file entry)";
      return false;
    }
  }
  return true;
}

base::Status UdfPlanner::Plan(plan::ImagePlan& plan, const DiagnosticSink&) {
  if (plan.start_lba != 0) {
    return base::Unsupported("filesystems.udf", "UDF is written in a first session only");
  }
  const Tree& tree = plan.tree();
  name_offset_.assign(tree.size(), 0);
  name_length_.assign(tree.size(), 0);
  const std::size_t ad_size = revision_.metadata_partition ? sizeof(LongAd) : sizeof(ShortAd);
  const std::uint64_t max_ads = icb_capacity() / ad_size;
  directories_.push_back(Directory{kRootNode});
  std::vector<NodeId> v;
  for (std::size_t i = 0; i < directories_.size(); ++i) {
    const NodeId dir = directories_[i].node;
    v.clear();
    for (NodeId c : tree.children(dir)) {
      if (plan.Visible(c, FileSystemId::kUdf)) v.push_back(c);
    }
    std::sort(v.begin(), v.end(),
              [&](NodeId a, NodeId b) { return tree.name(a) < tree.name(b); });
    std::uint64_t bytes = FidLength(0);  // the parent's FID (4/14.4.3, UDF 2.3.4)
    for (NodeId c : v) {
      const std::string cs0 = EncodeCs0(tree.name(c));
      CHECK(cs0.size() <= 255);  // Accepts
      name_offset_[c] = static_cast<std::uint32_t>(names_.size());
      name_length_[c] = static_cast<std::uint8_t>(cs0.size());
      names_ += cs0;
      bytes += FidLength(cs0.size());
      const Node& n = tree.node(c);
      if (n.type == NodeType::kDirectory) {
        directories_.push_back(Directory{c});
      } else if (n.type == NodeType::kFile) {
        const std::uint64_t size = tree.content(c).size;
        if (plan.spec.media) {
          // Even an unrecorded (sparse) file cannot be larger than the medium it is for.
          const base::MediaInfo& medium = base::GetMediaInfo(*plan.spec.media);
          const std::uint64_t capacity = std::uint64_t{medium.capacity_sectors} * base::kBlockSize;
          if (size > capacity) {
            return base::InvalidInput(tree.Path(c), "file of " + std::to_string(size) +
                                                        " bytes is larger than " +
                                                        std::string(medium.display_name) + " (" +
                                                        std::to_string(capacity) + " bytes)");
          }
        }
        const std::uint64_t ads = (size + MaxExtentBytes() - 1) / MaxExtentBytes();
        if (ads > max_ads) {
          return base::InvalidInput(
              tree.Path(c), "file of " + std::to_string(size) +
                                " bytes needs more allocation descriptors than one UDF file "
                                "entry holds (" +
                                std::to_string(max_ads) + " extents of at most " +
                                std::to_string(MaxExtentBytes()) + " bytes)");
        }
      }
    }
    directories_[i].first_child = static_cast<std::uint32_t>(children_.size());
    directories_[i].child_count = static_cast<std::uint32_t>(v.size());
    directories_[i].bytes = bytes;
    children_.insert(children_.end(), v.begin(), v.end());
  }
  return base::Ok();
}

void UdfPlanner::AppendFiles(const plan::ImagePlan& plan, std::vector<NodeId>* files) const {
  const Tree& tree = plan.tree();
  for (const Directory& d : directories_) {
    for (NodeId c : children(d)) {
      if (tree.node(c).type != NodeType::kFile) continue;
      // Content only UDF shows that needs no data extent: zeros become unrecorded extents
      // (ECMA-167 4/14.14.1.1, type 2) and short text lives in its file entry (4/14.6.8,
      // embedded). Files another file system shows share its extent instead.
      const Content& content = tree.content(c);
      if (content.kind == ContentKind::kZeros) continue;
      if (content.kind == ContentKind::kInline && content.size <= icb_capacity()) continue;
      files->push_back(c);
    }
  }
}

void UdfPlanner::Finish(const plan::ImagePlan& plan) {
  const Tree& tree = plan.tree();
  icb_of_.assign(tree.size(), kNoIcb);
  icbs_.clear();
  auto add_icb = [&](NodeId node) {
    const auto index = static_cast<std::uint32_t>(icbs_.size());
    icbs_.push_back(Icb{node});
    icb_of_[node] = index;
    return index;
  };
  // Hard links: names of one host file (same data extent, device and inode) share an ICB.
  std::unordered_map<std::uint32_t, std::uint32_t> linked;
  std::unordered_map<NodeId, std::uint32_t> directory_of;
  for (std::uint32_t i = 0; i < directories_.size(); ++i) directory_of[directories_[i].node] = i;
  directories_[0].icb = add_icb(kRootNode);
  icbs_[0].directory = 0;
  icbs_[0].links = 1;  // its own parent FID
  for (Directory& d : directories_) {
    for (NodeId c : children(d)) {
      const Node& n = tree.node(c);
      if (n.type == NodeType::kDirectory) {
        const std::uint32_t di = directory_of.at(c);
        const std::uint32_t icb = add_icb(c);
        directories_[di].icb = icb;
        icbs_[icb].directory = di;
        icbs_[icb].links = 1;
        ++icbs_[d.icb].links;  // the subdirectory's parent FID (4/14.9.6)
        continue;
      }
      const std::uint32_t extent = n.type == NodeType::kFile ? plan.nodes[c].extent : plan::kNoExtent;
      if (extent != plan::kNoExtent && tree.content(c).kind == ContentKind::kHostFile &&
          tree.content(c).inode != 0 && plan.LinkedToOwner(c)) {
        {
          auto [it, added] = linked.try_emplace(extent, 0);
          if (!added) {
            icb_of_[c] = it->second;
            ++icbs_[it->second].links;
            continue;
          }
          it->second = add_icb(c);
          icbs_[it->second].links = 1;
          continue;
        }
      }
      icbs_[add_icb(c)].links = 1;
    }
  }
  files_ = 0;
  for (std::uint32_t i = 0; i < icbs_.size(); ++i) {
    icbs_[i].unique_id = i == 0 ? 0 : 15 + i;  // UDF 3.2.1.1: 1-15 are reserved
    if (icbs_[i].directory == kNoIcb) ++files_;
  }
  next_unique_id_ = 16 + (icbs_.size() - 1);
  std::uint64_t block = kFirstIcbBlock + icbs_.size();
  for (Directory& d : directories_) {
    d.block = static_cast<std::uint32_t>(block);
    block += (d.bytes + base::kBlockSize - 1) / base::kBlockSize;
  }
  file_structure_blocks_ = static_cast<std::uint32_t>(block);
  metadata_blocks_ = revision_.metadata_partition
                         ? (file_structure_blocks_ + kMetadataUnit - 1) / kMetadataUnit * kMetadataUnit
                         : 0;
}

}  // namespace fs::udf

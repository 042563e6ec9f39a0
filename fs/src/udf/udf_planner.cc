// The UDF planner: visibility, CS0 names, directories, ICBs, unique IDs and the layout of
// the file structures; see udf_plan.h. The sections are in udf_sections.cc.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
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
// The most extents a file may have (mkimg's reader takes 10^6; fs/src/udf/udf_file_entry.cc).
constexpr std::uint64_t kMaxFileExtents = 1000000;

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
    return base::InvalidInput(
        "filesystems.udf.revision",
        "\"" + std::string(revision) +
            "\" is not one of \"1.02\", \"1.50\", \"2.01\", \"2.50\", \"2.60\"");
  }
  return r;
}

UdfPlanner::UdfPlanner(const UdfOptions& options, UdfRevision revision)
    : revision_(revision), redundant_metadata_(options.redundant_metadata) {}

std::size_t UdfPlanner::icb_capacity() const {
  return base::kBlockSize -
         (revision_.extended_entries ? sizeof(ExtendedFileEntry) : sizeof(FileEntry));
}

std::size_t UdfPlanner::ad_size() const {
  return revision_.metadata_partition ? sizeof(LongAd) : sizeof(ShortAd);
}

std::size_t UdfPlanner::ads_in_aed() const {
  return (base::kBlockSize - sizeof(AllocationExtentDescriptor)) / ad_size();
}

std::uint64_t UdfPlanner::AdCount(const Tree& tree, NodeId file) const {
  auto extents = [](std::uint64_t bytes) {
    return (bytes + MaxExtentBytes() - 1) / MaxExtentBytes();
  };
  if (const std::vector<Piece>* p = pieces(file)) {
    std::uint64_t n = 0;
    for (const Piece& piece : *p) n += extents(piece.length);
    return n;
  }
  return extents(tree.content(file).size);
}

namespace {

// Most pieces a host file's holes make; a file with more is recorded whole (its holes as
// zeros), which every reader reads the same.
constexpr std::size_t kMaxPieces = 65536;

// The data and holes of the host file `path` of `size` bytes (lseek SEEK_DATA/SEEK_HOLE),
// holes shrunk to whole blocks. Empty when it has none, or the host cannot tell.
base::Status MapHoles(const std::string& path, std::uint64_t size,
                      std::vector<UdfPlanner::Piece>* out) {
  out->clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return base::InvalidInput(path, std::strerror(errno));
  constexpr std::uint64_t kBs = base::kBlockSize;
  std::uint64_t pos = 0;
  while (pos < size) {
    const off_t data = ::lseek(fd, static_cast<off_t>(pos), SEEK_DATA);
    const std::uint64_t hole_end =
        data < 0 ? size : std::min<std::uint64_t>(static_cast<std::uint64_t>(data), size);
    if (data < 0 && errno != ENXIO) {  // EINVAL: the host file system cannot tell
      out->clear();
      break;
    }
    // [pos, hole_end) is a hole: whole blocks of it, unless it runs to the end.
    const std::uint64_t first = (pos + kBs - 1) / kBs * kBs;
    const std::uint64_t last = hole_end == size ? size : hole_end / kBs * kBs;
    if (last > first && (last - first >= kBs || last == size)) {
      if (first > (out->empty() ? 0 : out->back().offset + out->back().length)) {
        const std::uint64_t start = out->empty() ? 0 : out->back().offset + out->back().length;
        out->push_back({start, first - start, true});
      }
      out->push_back({first, last - first, false});
    }
    if (hole_end >= size) break;
    const off_t hole = ::lseek(fd, static_cast<off_t>(hole_end), SEEK_HOLE);
    if (hole < 0) {
      out->clear();
      break;
    }
    pos = std::min<std::uint64_t>(static_cast<std::uint64_t>(hole), size);
    if (out->size() > kMaxPieces) {
      out->clear();
      break;
    }
  }
  ::close(fd);
  if (out->empty()) return base::Ok();
  const std::uint64_t end = out->back().offset + out->back().length;
  if (end < size) out->push_back({end, size - end, true});
  if (out->size() == 1 && out->front().recorded) out->clear();
  return base::Ok();
}

}  // namespace

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
      *why =
          "symbolic link left out of the UDF tree (a target component is longer than 255 "
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
  std::vector<Piece> pieces;
  directories_.push_back(Directory{kRootNode});
  std::vector<NodeId> v;
  for (std::size_t i = 0; i < directories_.size(); ++i) {
    const NodeId dir = directories_[i].node;
    v.clear();
    for (NodeId c : tree.children(dir)) {
      if (plan.Visible(c, FileSystemId::kUdf)) v.push_back(c);
    }
    std::sort(v.begin(), v.end(), [&](NodeId a, NodeId b) { return tree.name(a) < tree.name(b); });
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
        const Content& content = tree.content(c);
        if (content.kind == ContentKind::kHostFile && content.maybe_sparse &&
            size > base::kBlockSize && !pieces_.count(c)) {
          RETURN_IF_ERROR(MapHoles(tree.HostPath(content), size, &pieces));
          if (!pieces.empty()) pieces_.emplace(c, std::move(pieces));
        }
        // Descriptors past the ICB go to allocation extent descriptors (Finish); mkimg's
        // reader, as others, takes at most 10^6 extents a file.
        const std::uint64_t ads = AdCount(tree, c);
        if (ads > kMaxFileExtents) {
          return base::InvalidInput(tree.Path(c),
                                    "file of " + std::to_string(size) + " bytes needs " +
                                        std::to_string(ads) + " UDF extents, more than the " +
                                        std::to_string(kMaxFileExtents) + " readers take");
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
      const std::uint32_t extent =
          n.type == NodeType::kFile ? plan.nodes[c].extent : plan::kNoExtent;
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
  // ECMA-167 4/14.5, UDF 2.3.11: descriptors that do not fit in an ICB continue in
  // allocation extent descriptors, one block each, after the directories. The ICB keeps
  // all but its last slot, which points at the first; each full one points at the next.
  const std::uint64_t in_icb = ads_in_icb();
  const std::uint64_t in_aed = ads_in_aed();
  for (Icb& icb : icbs_) {
    if (icb.directory != kNoIcb || tree.node(icb.node).type != NodeType::kFile) continue;
    const std::uint64_t n = AdCount(tree, icb.node);
    if (n <= in_icb) continue;
    std::uint64_t remaining = n - (in_icb - 1);
    icb.aeds = 1;
    while (remaining > in_aed) {
      remaining -= in_aed - 1;
      ++icb.aeds;
    }
    icb.first_aed = static_cast<std::uint32_t>(block);
    block += icb.aeds;
  }
  file_structure_blocks_ = static_cast<std::uint32_t>(block);
  metadata_blocks_ = revision_.metadata_partition ? (file_structure_blocks_ + kMetadataUnit - 1) /
                                                        kMetadataUnit * kMetadataUnit
                                                  : 0;
}

}  // namespace fs::udf

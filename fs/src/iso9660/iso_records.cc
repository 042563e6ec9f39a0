// Directory records of the ISO 9660 + Rock Ridge hierarchy; see iso_records.h.
#include "iso9660/iso_records.h"

#include <string>

#include "base/block_sink.h"
#include "base/error.h"
#include "iso9660/hierarchy_sections.h"
#include "rockridge/rrip_format.h"

namespace fs::iso9660 {
namespace {

constexpr std::uint8_t kSelfIdentifier[] = {0x00};    // ECMA-119 6.8.2.2
constexpr std::uint8_t kParentIdentifier[] = {0x01};  // ECMA-119 6.8.2.2
// Records stay even-length (ECMA-119 9.1.1), so at most 254 bytes are usable.
constexpr std::size_t kUsableRecordLength = 254;

std::uint32_t TypeBits(NodeType type) {
  switch (type) {
    case NodeType::kDirectory:
      return rockridge::kModeDirectory;
    case NodeType::kFile:
      return rockridge::kModeRegular;
    case NodeType::kSymlink:
      return rockridge::kModeSymlink;
    case NodeType::kCharDevice:
      return rockridge::kModeCharDevice;
    case NodeType::kBlockDevice:
      return rockridge::kModeBlockDevice;
    case NodeType::kFifo:
      return rockridge::kModeFifo;
    case NodeType::kSocket:
      return rockridge::kModeSocket;
  }
  return 0;
}

}  // namespace

IsoRecordEncoder::IsoRecordEncoder(const plan::ImagePlan& plan, const IsoPlanner& iso)
    : plan_(plan), iso_(iso), continuation_(iso.continuation_lba) {}

void IsoRecordEncoder::AddAttributes(NodeId node, std::uint32_t type_bits, std::uint32_t links,
                                     std::uint32_t serial) {
  const Node& n = plan_.tree().node(node);
  system_use_.AddPx(type_bits | (n.mode & 07777), links, n.uid, n.gid, serial);
  system_use_.AddTf(n.mtime);
}

void IsoRecordEncoder::AddNodeAttributes(NodeId node) {
  const Node& n = plan_.tree().node(node);
  switch (n.type) {
    case NodeType::kDirectory:
      AddAttributes(node, TypeBits(n.type), iso_.hierarchy().dir_of(node).links, iso_.serial(node));
      break;
    case NodeType::kFile: {
      // Hard links share their data extent's owner's serial number (RRIP 4.1.1).
      const std::uint32_t extent = plan_.nodes[node].extent;
      AddAttributes(node, TypeBits(n.type), iso_.file_links(extent),
                    iso_.serial(plan_.extents[extent].owner));
      break;
    }
    case NodeType::kSymlink:
    case NodeType::kFifo:
    case NodeType::kSocket:
      AddAttributes(node, TypeBits(n.type), 1, iso_.serial(node));
      break;
    case NodeType::kCharDevice:
    case NodeType::kBlockDevice:
      AddAttributes(node, TypeBits(n.type), 1, iso_.serial(node));
      system_use_.AddPn(plan_.tree().device_major(node), plan_.tree().device_minor(node));
      break;
  }
}

void IsoRecordEncoder::Finish(const DirectoryRecordFields& fields, std::span<const std::uint8_t> id,
                              const RecordFn& on_record, const PieceFn& on_piece) {
  system_use_bytes_.clear();
  if (iso_.rock_ridge()) {
    system_use_.Pack(kUsableRecordLength - DirectoryRecordBaseLength(id.size()));
    locations_.clear();
    for (std::size_t i = 0; i < system_use_.piece_count(); ++i) {
      locations_.push_back(continuation_.Allocate(system_use_.piece_length(i)));
    }
    system_use_.EncodeInline(locations_.empty() ? rockridge::ContinuationLocation{} : locations_[0],
                             &system_use_bytes_);
    CHECK(system_use_bytes_.size() == system_use_.inline_length());
    for (std::size_t i = 0; i < locations_.size(); ++i) {
      piece_.clear();
      system_use_.EncodePiece(
          i, i + 1 < locations_.size() ? locations_[i + 1] : rockridge::ContinuationLocation{},
          &piece_);
      CHECK(piece_.size() == system_use_.piece_length(i));
      on_piece(locations_[i], piece_);
    }
  }
  record_.clear();
  AppendDirectoryRecord(fields, id, system_use_bytes_, &record_);
  on_record(record_);
}

void IsoRecordEncoder::EncodeDirectory(const Directory& dir, const RecordFn& on_record,
                                       const PieceFn& on_piece) {
  const Tree& tree = plan_.tree();
  const Hierarchy& h = iso_.hierarchy();
  const bool rr = iso_.rock_ridge();
  const NodeId self = dir.node;

  // '.': the directory itself; the root's also carries SP (SUSP 5.3) and ER (SUSP 5.5).
  DirectoryRecordFields f;
  f.extent_location = dir.lba;
  f.data_length = dir.blocks * base::kBlockSize;
  f.recording_date = tree.node(self).mtime;
  f.file_flags = kFlagDirectory;
  system_use_.Clear();
  if (rr) {
    if (self == kRootNode) system_use_.AddSp();
    AddNodeAttributes(self);
    if (self == kRootNode) system_use_.AddEr();
  }
  Finish(f, kSelfIdentifier, on_record, on_piece);

  // '..': the parent in the ISO hierarchy; for a relocated directory, Rock Ridge shows the
  // original parent (RRIP 4.1.5.2 PL).
  const Directory& parent = self == kRootNode ? dir : h.dir_of(dir.parent);
  const bool relocated = iso_.relocated(self);
  f.extent_location = parent.lba;
  f.data_length = parent.blocks * base::kBlockSize;
  f.recording_date = tree.node(parent.node).mtime;
  system_use_.Clear();
  if (rr) {
    if (relocated) {
      const Directory& original = h.dir_of(tree.node(self).parent);
      AddNodeAttributes(original.node);
      system_use_.AddPl(original.lba);
    } else {
      AddNodeAttributes(parent.node);
    }
  }
  Finish(f, kParentIdentifier, on_record, on_piece);

  for (NodeId child : h.children_of(dir)) {
    const Node& n = tree.node(child);
    const bool in_rr_moved = self == iso_.rr_moved() && self != kNoNode;
    std::string_view name = in_rr_moved ? iso_.relocated_name(child) : iso_.name(child);
    identifier_.assign(name.begin(), name.end());
    system_use_.Clear();
    if (rr) {
      AddNodeAttributes(child);
      system_use_.AddNm(tree.name(child));
    }
    if (n.type == NodeType::kDirectory) {
      const Directory& d = h.dir_of(child);
      if (iso_.IsPlaceholder(self, child)) {
        // RRIP 4.1.5.1: an empty file record with CL pointing at the moved directory. As
        // a file it gets a file identifier (ECMA-119 7.5.1: "NAME.;1"); the planner
        // treats "NAME" and "NAME." as the same name, so this cannot collide.
        f.extent_location = 0;
        f.data_length = 0;
        f.file_flags = 0;
        system_use_.AddCl(d.lba);
        for (char c : std::string_view(".;1")) identifier_.push_back(static_cast<std::uint8_t>(c));
      } else {
        f.extent_location = d.lba;
        f.data_length = d.blocks * base::kBlockSize;
        f.file_flags = kFlagDirectory;
        // RRIP 4.1.5.3: RE marks the moved directory; RR_MOVED itself is marked the same
        // way, as libisofs does on request, so that Rock Ridge readers (Linux, libisofs,
        // pycdlib) hide it and show only the original tree.
        if (rr && (in_rr_moved || child == iso_.rr_moved())) system_use_.AddRe();
      }
      f.recording_date = n.mtime;
      Finish(f, identifier_, on_record, on_piece);
      continue;
    }
    identifier_.push_back(';');
    identifier_.push_back('1');
    if (n.type == NodeType::kSymlink || IsSpecial(n.type)) {
      // RRIP 4.1.3, 4.1.1-4.1.2: links, devices, FIFOs and sockets are records without data.
      if (rr && n.type == NodeType::kSymlink) system_use_.AddSl(tree.symlink_target(child));
      f.extent_location = 0;
      f.data_length = 0;
      f.recording_date = n.mtime;
      f.file_flags = 0;
      Finish(f, identifier_, on_record, on_piece);
      continue;
    }
    ForEachFileSection(plan_, child, [&](const DirectoryRecordFields& section) {
      Finish(section, identifier_, on_record, on_piece);
    });
  }
}

}  // namespace fs::iso9660

// Directory records of the ISO 9660 + Rock Ridge and the Joliet hierarchies (ECMA-119 9.1
// with the system use area of SUSP 1.12 4-5 and RRIP 1.12 4.1; Joliet 1995 with UCS-2
// identifiers). See records.h.
#include "emit/records.h"

#include <string>

#include "base/error.h"
#include "iso9660/encode.h"
#include "joliet/joliet_names.h"
#include "rockridge/rrip_format.h"

namespace fs::emit {
namespace {

using layout::DirPlan;
using layout::ImageModel;

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
  }
  return 0;
}

// Calls fn(fields) for each section of a file (one, or several for a multi-extent file).
template <typename Fn>
void ForEachFileSection(const ImageModel& model, NodeId file, std::uint8_t base_flags, Fn fn) {
  const Tree& tree = model.tree();
  const std::uint64_t size = tree.content(file).size;
  const std::uint32_t count = layout::ExtentCount(size);
  const NodeId owner = model.nodes[file].link;
  const std::uint32_t first = model.nodes[owner].extent;
  for (std::uint32_t i = 0; i < count; ++i) {
    iso9660::DirectoryRecordFields f;
    f.extent_location =
        size == 0 ? 0 : first + static_cast<std::uint32_t>(i * (iso9660::kMaxExtentBytes / 2048));
    f.data_length = layout::ExtentLength(size, i);
    f.recording_date = tree.node(file).mtime;
    f.file_flags =
        static_cast<std::uint8_t>(base_flags | (i + 1 < count ? iso9660::kFlagMultiExtent : 0));
    fn(f);
  }
}

}  // namespace

IsoRecordEncoder::IsoRecordEncoder(const ImageModel& model)
    : model_(model), continuation_(model.continuation_lba) {}

void IsoRecordEncoder::AddAttributes(NodeId node, std::uint32_t type_bits, std::uint32_t links,
                                     NodeId serial) {
  const Node& n = model_.tree().node(node);
  system_use_.AddPx(type_bits | (n.mode & 07777), links, n.uid, n.gid, model_.nodes[serial].serial);
  system_use_.AddTf(n.mtime);
}

void IsoRecordEncoder::AddNodeAttributes(NodeId node) {
  const Node& n = model_.tree().node(node);
  switch (n.type) {
    case NodeType::kDirectory:
      AddAttributes(node, TypeBits(n.type), model_.dir_of(node).links, node);
      break;
    case NodeType::kFile: {
      NodeId owner = model_.nodes[node].link;
      AddAttributes(node, TypeBits(n.type), model_.file_links_of(owner), owner);
      break;
    }
    case NodeType::kSymlink:
      AddAttributes(node, TypeBits(n.type), 1, node);
      break;
  }
}

void IsoRecordEncoder::Finish(const iso9660::DirectoryRecordFields& fields,
                              std::span<const std::uint8_t> id, const RecordFn& on_record,
                              const PieceFn& on_piece) {
  system_use_bytes_.clear();
  if (model_.rock_ridge) {
    system_use_.Pack(kUsableRecordLength - iso9660::DirectoryRecordBaseLength(id.size()));
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
  iso9660::AppendDirectoryRecord(fields, id, system_use_bytes_, &record_);
  on_record(record_);
}

void IsoRecordEncoder::EncodeDirectory(const DirPlan& dir, const RecordFn& on_record,
                                       const PieceFn& on_piece) {
  const Tree& tree = model_.tree();
  const bool rr = model_.rock_ridge;
  const NodeId self = dir.node;

  // '.': the directory itself; the root's also carries SP (SUSP 5.3) and ER (SUSP 5.5).
  iso9660::DirectoryRecordFields f;
  f.extent_location = dir.iso_lba;
  f.data_length = dir.iso_blocks * iso9660::kLogicalBlockSize;
  f.recording_date = tree.node(self).mtime;
  f.file_flags = iso9660::kFlagDirectory;
  system_use_.Clear();
  if (rr) {
    if (self == kRootNode) system_use_.AddSp();
    AddNodeAttributes(self);
    if (self == kRootNode) system_use_.AddEr();
  }
  Finish(f, kSelfIdentifier, on_record, on_piece);

  // '..': the parent in the ISO hierarchy; for a relocated directory, Rock Ridge shows the
  // original parent (RRIP 4.1.5.2 PL).
  const DirPlan& parent = self == kRootNode ? dir : model_.dir_of(dir.iso_parent);
  const bool relocated = (model_.nodes[self].flags & layout::kRelocated) != 0;
  f.extent_location = parent.iso_lba;
  f.data_length = parent.iso_blocks * iso9660::kLogicalBlockSize;
  f.recording_date = tree.node(parent.node).mtime;
  system_use_.Clear();
  if (rr) {
    if (relocated) {
      const DirPlan& original = model_.dir_of(tree.node(self).parent);
      AddNodeAttributes(original.node);
      system_use_.AddPl(original.iso_lba);
    } else {
      AddNodeAttributes(parent.node);
    }
  }
  Finish(f, kParentIdentifier, on_record, on_piece);

  for (std::uint32_t k = 0; k < dir.iso_count; ++k) {
    const NodeId child = model_.iso_children[dir.iso_first + k];
    const Node& n = tree.node(child);
    const bool in_rr_moved = self == model_.rr_moved && self != kNoNode;
    std::string_view name = in_rr_moved ? model_.relocated_name(child) : model_.iso_name(child);
    identifier_.assign(name.begin(), name.end());
    system_use_.Clear();
    if (rr) {
      AddNodeAttributes(child);
      system_use_.AddNm(tree.name(child));
    }
    if (n.type == NodeType::kDirectory) {
      const DirPlan& d = model_.dir_of(child);
      if (model_.IsPlaceholder(self, child)) {
        // RRIP 4.1.5.1: an empty file record with CL pointing at the moved directory. As
        // a file it gets a file identifier (ECMA-119 7.5.1: "NAME.;1"); the planner
        // treats "NAME" and "NAME." as the same name, so this cannot collide.
        f.extent_location = 0;
        f.data_length = 0;
        f.file_flags = 0;
        system_use_.AddCl(d.iso_lba);
        for (char c : std::string_view(".;1")) identifier_.push_back(static_cast<std::uint8_t>(c));
      } else {
        f.extent_location = d.iso_lba;
        f.data_length = d.iso_blocks * iso9660::kLogicalBlockSize;
        f.file_flags = iso9660::kFlagDirectory;
        // RRIP 4.1.5.3: RE marks the moved directory; RR_MOVED itself is marked the same
        // way, as libisofs does on request, so that Rock Ridge readers (Linux, libisofs,
        // pycdlib) hide it and show only the original tree.
        if (rr && (in_rr_moved || child == model_.rr_moved)) system_use_.AddRe();
      }
      f.recording_date = n.mtime;
      Finish(f, identifier_, on_record, on_piece);
      continue;
    }
    identifier_.push_back(';');
    identifier_.push_back('1');
    if (n.type == NodeType::kSymlink) {
      if (rr) system_use_.AddSl(tree.symlink_target(child));
      f.extent_location = 0;
      f.data_length = 0;
      f.recording_date = n.mtime;
      f.file_flags = 0;
      Finish(f, identifier_, on_record, on_piece);
      continue;
    }
    ForEachFileSection(model_, child, 0, [&](const iso9660::DirectoryRecordFields& section) {
      Finish(section, identifier_, on_record, on_piece);
    });
  }
}

void EncodeJolietDirectory(const ImageModel& model, const DirPlan& dir, const RecordFn& on_record) {
  const Tree& tree = model.tree();
  std::vector<std::uint8_t> record;
  iso9660::DirectoryRecordFields f;
  f.extent_location = dir.joliet_lba;
  f.data_length = dir.joliet_blocks * iso9660::kLogicalBlockSize;
  f.recording_date = tree.node(dir.node).mtime;
  f.file_flags = iso9660::kFlagDirectory;
  iso9660::AppendDirectoryRecord(f, kSelfIdentifier, {}, &record);
  on_record(record);

  const DirPlan& parent = dir.node == kRootNode ? dir : model.dir_of(tree.node(dir.node).parent);
  f.extent_location = parent.joliet_lba;
  f.data_length = parent.joliet_blocks * iso9660::kLogicalBlockSize;
  f.recording_date = tree.node(parent.node).mtime;
  record.clear();
  iso9660::AppendDirectoryRecord(f, kParentIdentifier, {}, &record);
  on_record(record);

  std::vector<std::uint8_t> id;
  for (std::uint32_t k = 0; k < dir.joliet_count; ++k) {
    const NodeId child = model.joliet_children[dir.joliet_first + k];
    const Node& n = tree.node(child);
    const bool is_dir = n.type == NodeType::kDirectory;
    const std::string encoded = joliet::EncodeUcs2Be(model.joliet_name(child), !is_dir);
    id.assign(encoded.begin(), encoded.end());
    if (is_dir) {
      const DirPlan& d = model.dir_of(child);
      f.extent_location = d.joliet_lba;
      f.data_length = d.joliet_blocks * iso9660::kLogicalBlockSize;
      f.recording_date = n.mtime;
      f.file_flags = iso9660::kFlagDirectory;
      record.clear();
      iso9660::AppendDirectoryRecord(f, id, {}, &record);
      on_record(record);
      continue;
    }
    ForEachFileSection(model, child, 0, [&](const iso9660::DirectoryRecordFields& section) {
      record.clear();
      iso9660::AppendDirectoryRecord(section, id, {}, &record);
      on_record(record);
    });
  }
}

}  // namespace fs::emit

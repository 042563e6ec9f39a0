// UDF reader, the directory hierarchy: file identifier descriptors (ECMA-167 4/14.4),
// symbolic links' path components (4/14.16.1), and each entry's type, permissions, owner
// and time as a tree node; see udf_walker.h.
#include "reader/reader_util.h"
#include "udf/udf_file_format.h"
#include "udf/udf_format.h"
#include "udf/udf_walker.h"

namespace fs::reader {

base::Status UdfWalker::Walk() {
  out_->links.push_back(0);
  UdfEntry root;
  RETURN_IF_ERROR(ReadEntry(volume_.root_partition, volume_.root_lbn, "/", &root));
  if (root.file_type != udf::kFileTypeDirectory) {
    return base::CorruptImage(Where(volume_.root_partition, volume_.root_lbn),
                              "UDF root ICB is not a directory");
  }
  Apply(kRootNode, root);
  CheckUniqueId(volume_.root_partition, volume_.root_lbn, root,
                Where(volume_.root_partition, volume_.root_lbn) + ": /");
  queue_.push_back({volume_.root_partition, volume_.root_lbn, kRootNode, 0});
  while (!queue_.empty()) {
    UdfDirPending p = queue_.front();
    queue_.pop_front();
    RETURN_IF_ERROR(ReadDirectory(p));
  }
  CheckCounts();
  return base::Ok();
}

void UdfWalker::CheckUniqueId(std::uint16_t ref, std::uint32_t lbn, const UdfEntry& e,
                              const std::string& where) {
  // 0 is the root's, and what writers that record no unique IDs leave everywhere (the
  // VAT volumes of udf_vat_builder.h, as some packet writers do): not compared.
  if (e.unique_id == 0) return;
  const std::uint64_t key = (std::uint64_t{ref} << 32) | lbn;
  auto [it, added] = unique_ids_.try_emplace(e.unique_id, key);
  if (!added && it->second != key) {
    out_->warnings.push_back(where + ": unique ID " + std::to_string(e.unique_id) +
                             " is also another file entry's (UDF 3.2.1.1)");
  }
  if (volume_.lvid_next_unique_id && e.unique_id >= *volume_.lvid_next_unique_id) {
    out_->warnings.push_back(where + ": unique ID " + std::to_string(e.unique_id) +
                             " is not below the integrity descriptor's next unique ID " +
                             std::to_string(*volume_.lvid_next_unique_id) + " (ECMA-167 4/14.15)");
  }
}

void UdfWalker::CheckCounts() {
  if (!volume_.lvid_files || !volume_.lvid_directories) return;
  const std::size_t directories = visited_.size();
  const std::size_t files = file_icbs_.size();
  if (*volume_.lvid_files != files || *volume_.lvid_directories != directories) {
    out_->warnings.push_back(
        "UDF logical volume integrity descriptor: " + std::to_string(*volume_.lvid_files) +
        " files and " + std::to_string(*volume_.lvid_directories) +
        " directories recorded, the tree has " + std::to_string(files) + " and " +
        std::to_string(directories) + " (UDF 2.2.6.4)");
  }
}

base::Status UdfWalker::ReadDirectory(const UdfDirPending& p) {
  const std::uint64_t key = (std::uint64_t{p.partition} << 32) | p.lbn;
  const std::string path = tree_.Path(p.node);
  if (!visited_.insert(key).second) {
    return base::CorruptImage(Where(p.partition, p.lbn),
                              "UDF directory " + path + " is reached twice (ICB loop)");
  }
  UdfEntry e;
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
  // ECMA-167 4/14.4: file identifier descriptors, each padded to a multiple of 4; the
  // first is the parent's (4/8.6: every directory records its parent, the root itself).
  if (data.empty()) {
    out_->warnings.push_back(where +
                             ": has no file identifier descriptors, not even its "
                             "parent's (information length 0)");
  }
  std::size_t fid_index = 0;
  std::size_t pos = 0;
  constexpr std::size_t kFidHeader = sizeof(udf::FileIdentifierDescriptor);
  while (pos + kFidHeader <= data.size()) {
    std::span<const std::uint8_t> bytes(data.data() + pos, data.size() - pos);
    ASSIGN_OR_RETURN(const auto fid, udf::FileIdentifierDescriptor::Parse(bytes));
    const std::uint8_t characteristics = fid.file_characteristics;
    const std::uint8_t l_fi = fid.length_of_file_identifier;
    const std::uint16_t l_iu = fid.length_of_implementation_use.get();
    const std::size_t length = fid.PaddedLength();
    if (fid.tag.identifier.get() != udf::kFileIdentifierDescriptor) {
      return base::CorruptImage(
          where, "byte " + std::to_string(pos) + " is not a file identifier descriptor");
    }
    if (kFidHeader + l_iu + l_fi > bytes.size()) {
      return base::CorruptImage(where, "file identifier descriptor at byte " + std::to_string(pos) +
                                           " exceeds the directory");
    }
    const std::uint32_t tag_location = fid.tag.location.get();
    // ECMA-167 4/7.2.8: the logical block the descriptor starts in; embedded FIDs lie in
    // the directory's own ICB.
    std::optional<std::uint32_t> expected;
    if (e.embedded) {
      expected = p.lbn;
    } else {
      std::uint64_t start = 0;
      for (const UdfAllocation& a : e.allocations) {
        if (pos < start + a.length) {
          expected = static_cast<std::uint32_t>(a.lbn + (pos - start) / volume_.block_size);
          break;
        }
        start += a.length;
      }
    }
    if (expected && *expected != tag_location) {
      out_->warnings.push_back(where + ": file identifier descriptor at byte " +
                               std::to_string(pos) + " records location " +
                               std::to_string(tag_location) + ", lies in block " +
                               std::to_string(*expected));
    }
    auto checked = udf::CheckTag(bytes.subspan(0, std::min(bytes.size(), length)), tag_location,
                                 where, &out_->warnings);
    if (!checked) return std::move(checked).error();
    const std::size_t at = pos;
    pos += length;
    const bool first = fid_index++ == 0;
    if ((characteristics & udf::kFidParent) != 0 && !first) {
      out_->warnings.push_back(where + ": the file identifier descriptor at byte " +
                               std::to_string(at) +
                               " carries the parent flag but is not the first; its entry is "
                               "not shown");
    } else if (first && (characteristics & udf::kFidParent) == 0) {
      out_->warnings.push_back(where +
                               ": the first file identifier descriptor is not the "
                               "parent's");
    }
    if (characteristics & (udf::kFidDeleted | udf::kFidParent)) continue;  // 4/14.4.3
    const std::uint32_t icb_length = udf::ExtentLength(fid.icb.extent_length.get());
    const std::uint32_t icb_lbn = fid.icb.extent_location.logical_block_number.get();
    const std::uint16_t icb_ref = fid.icb.extent_location.partition_reference_number.get();
    if (!DecodeUdfCs0(bytes.subspan(kFidHeader + l_iu, l_fi), &name_) || !IsSafeName(name_)) {
      out_->warnings.push_back(where + ": entry with unusable name '" + name_ + "' skipped");
      continue;
    }
    if (icb_length == 0) {
      out_->warnings.push_back(where + ": entry '" + name_ + "' has no ICB; skipped");
      continue;
    }
    // UDF 2.3.4.3: the ICB long_ad's implementation use holds flags and the entry's unique
    // ID (its low 32 bits), when the writer records one.
    const std::uint32_t fid_unique_id = base::LoadLe32(fid.icb.implementation_use.b + 2);
    RETURN_IF_ERROR(
        AddEntry(p, icb_ref, icb_lbn, (characteristics & udf::kFidDirectory) != 0, fid_unique_id));
  }
  return base::Ok();
}

base::Status UdfWalker::AddEntry(const UdfDirPending& p, std::uint16_t ref, std::uint32_t lbn,
                                 bool fid_directory, std::uint32_t fid_unique_id) {
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
  UdfEntry e;
  RETURN_IF_ERROR(ReadEntry(ref, lbn, path, &e));
  const std::string where = Where(ref, lbn) + ": " + path;
  CheckUniqueId(ref, lbn, e, where);
  if (fid_unique_id != 0 && fid_unique_id != static_cast<std::uint32_t>(e.unique_id)) {
    out_->warnings.push_back(where + ": its identifier descriptor records unique ID " +
                             std::to_string(fid_unique_id) + ", its file entry " +
                             std::to_string(e.unique_id) + " (UDF 2.3.4.3)");
  }
  if (e.file_type != udf::kFileTypeDirectory) file_icbs_.insert((std::uint64_t{ref} << 32) | lbn);
  if (fid_directory != (e.file_type == udf::kFileTypeDirectory)) {
    out_->warnings.push_back(where + ": identifier and file entry disagree on being a directory");
  }
  switch (e.file_type) {
    case udf::kFileTypeDirectory: {
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
    case udf::kFileTypeBytes:
    case udf::kFileTypeRealTime:
    case udf::kFileTypeUnspecified: {  // 0: unspecified, treated as bytes (UDF 2.3.5.2)
      std::vector<FileExtent> extents;
      RETURN_IF_ERROR(DataExtents(e, where, &extents));
      Content c;
      c.kind = ContentKind::kImageExtent;
      c.size = 0;  // what the extents cover (DataExtents cuts a longer claim)
      for (const FileExtent& x : extents) c.size += x.length;
      c.location = extents.empty() ? 0 : extents.front().location;
      NodeId id = tree_.AddFile(p.node, name_, c);
      out_->links.push_back(e.links);
      if (extents.size() > 1 || (extents.size() == 1 && extents[0].sparse)) {
        out_->extent_ranges.emplace(id,
                                    std::make_pair(static_cast<std::uint32_t>(out_->extents.size()),
                                                   static_cast<std::uint32_t>(extents.size())));
        out_->extents.insert(out_->extents.end(), extents.begin(), extents.end());
      }
      Apply(id, e);
      return base::Ok();
    }
    case udf::kFileTypeSymlink: {
      std::string target;
      RETURN_IF_ERROR(SymlinkTarget(e, where, &target));
      NodeId id = tree_.AddSymlink(p.node, name_, target);
      out_->links.push_back(e.links);
      Apply(id, e);
      return base::Ok();
    }
    case udf::kFileTypeCharacterDevice:
    case udf::kFileTypeBlockDevice:
    case udf::kFileTypeFifo:
    case udf::kFileTypeSocket: {
      // ECMA-167 4/14.6.6; a device's number is its device specification (4/14.10.7).
      const NodeType type = e.file_type == udf::kFileTypeCharacterDevice ? NodeType::kCharDevice
                            : e.file_type == udf::kFileTypeBlockDevice   ? NodeType::kBlockDevice
                            : e.file_type == udf::kFileTypeFifo          ? NodeType::kFifo
                                                                         : NodeType::kSocket;
      if (IsDevice(type) && !e.has_device) {
        out_->warnings.push_back(where +
                                 ": device without a device specification extended attribute "
                                 "(ECMA-167 4/14.10.7, UDF 3.3.4.4); device number 0, 0");
      }
      NodeId id = tree_.AddSpecial(p.node, name_, type, IsDevice(type) ? e.device_major : 0,
                                   IsDevice(type) ? e.device_minor : 0);
      out_->links.push_back(e.links);
      Apply(id, e);
      return base::Ok();
    }
    default:
      out_->warnings.push_back(where + ": file type " + std::to_string(e.file_type) +
                               " (a stream or an unknown type) skipped");
      return base::Ok();
  }
}

// ECMA-167 4/14.16.1: path components (type, length, version, identifier).
base::Status UdfWalker::SymlinkTarget(const UdfEntry& e, const std::string& where,
                                      std::string* target) {
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
  constexpr std::size_t kHeader = sizeof(udf::PathComponent);
  while (pos + kHeader <= data.size()) {
    ASSIGN_OR_RETURN(const auto pc,
                     udf::PathComponent::Parse(std::span<const std::uint8_t>(data).subspan(pos)));
    const std::uint8_t type = pc.component_type;
    const std::uint8_t len = pc.length_of_component_identifier;
    if (pos + kHeader + len > data.size())
      return base::CorruptImage(where, "symbolic link path component truncated");
    std::span<const std::uint8_t> ident(data.data() + pos + kHeader, len);
    pos += kHeader + len;
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
        if (!DecodeUdfCs0(ident, &component))
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

void UdfWalker::Apply(NodeId id, const UdfEntry& e) {
  Node& n = tree_.mutable_node(id);
  // ECMA-167 4/14.9.5: other (bits 0-4), group (5-9), owner (10-14): x, w, r, ...
  const std::uint32_t p = e.permissions;
  std::uint32_t mode = ((p >> 10) & 7) << 6 | ((p >> 5) & 7) << 3 | (p & 7);
  // 4/14.6.8: ICB flags bits 6-8 are setuid, setgid and sticky.
  if (e.icb_flags & udf::kIcbFlagSetuid) mode |= 04000;
  if (e.icb_flags & udf::kIcbFlagSetgid) mode |= 02000;
  if (e.icb_flags & udf::kIcbFlagSticky) mode |= 01000;
  n.mode = mode;
  // OSTA UDF 3.3.3.1: 0xFFFFFFFF means "no id"; shown as 0.
  n.uid = e.uid == 0xFFFFFFFFu ? 0 : e.uid;
  n.gid = e.gid == 0xFFFFFFFFu ? 0 : e.gid;
  if (e.mtime) n.mtime = *e.mtime;
}

base::Expected<ImageTree> ReadUdfTree(const base::BlockDevice& device, const UdfVolume& volume,
                                      const ReadOptions& options) {
  ImageTree out;
  out.ns = Namespace::kUdf;
  UdfWalker walker(device, volume, options, &out);
  RETURN_IF_ERROR(walker.Walk());
  return out;
}

}  // namespace fs::reader

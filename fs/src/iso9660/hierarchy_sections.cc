// Volume descriptor, path table and terminator sections of an ECMA-119 hierarchy; see
// hierarchy_sections.h.
#include "iso9660/hierarchy_sections.h"

#include <algorithm>
#include <cstring>

#include "base/block_sink.h"
#include "base/error.h"
#include "iso9660/iso9660_format.h"

namespace fs::iso9660 {

std::uint32_t ExtentCount(std::uint64_t size) {
  if (size <= 0xFFFFFFFFull) return 1;
  return static_cast<std::uint32_t>((size + kMaxExtentBytes - 1) / kMaxExtentBytes);
}

std::uint32_t ExtentLength(std::uint64_t size, std::uint32_t i) {
  if (size <= 0xFFFFFFFFull) return static_cast<std::uint32_t>(size);
  const std::uint64_t start = std::uint64_t{i} * kMaxExtentBytes;
  return static_cast<std::uint32_t>(std::min(kMaxExtentBytes, size - start));
}
std::vector<std::uint32_t> Hierarchy::AddVisibleDirectories(const plan::ImagePlan& plan,
                                                            plan::FileSystemId fs) {
  const Tree& tree = plan.tree();
  std::vector<std::uint32_t> visit{AddDirectory(kRootNode, kRootNode)};
  std::vector<NodeId> stack{kRootNode};
  while (!stack.empty()) {
    const NodeId dir = stack.back();
    stack.pop_back();
    for (NodeId c : tree.children(dir)) {
      if (tree.node(c).type != NodeType::kDirectory || !plan.Visible(c, fs)) continue;
      visit.push_back(AddDirectory(c, dir));
      stack.push_back(c);
    }
  }
  return visit;
}

namespace {

using plan::EmitContext;
using plan::ImagePlan;
using plan::Region;

std::span<const std::uint8_t> AsSpan(const std::array<std::uint8_t, base::kBlockSize>& a) {
  return std::span<const std::uint8_t>(a.data(), a.size());
}

std::array<std::uint8_t, kRootRecordLength> RootRecord(const ImagePlan& plan,
                                                       const Hierarchy& hierarchy) {
  const Directory& root = hierarchy.root();
  DirectoryRecordFields f;
  f.extent_location = root.lba;
  f.data_length = root.blocks * base::kBlockSize;
  f.recording_date = plan.tree().node(kRootNode).mtime;
  f.file_flags = kFlagDirectory;
  std::vector<std::uint8_t> record;
  const std::uint8_t id[] = {0};
  AppendDirectoryRecord(f, id, {}, &record);
  CHECK(record.size() == kRootRecordLength);
  std::array<std::uint8_t, kRootRecordLength> out{};
  std::memcpy(out.data(), record.data(), out.size());
  return out;
}

// ECMA-119 8.4 / 8.5: the primary descriptor, or a supplementary one.
class VolumeDescriptorSection final : public plan::Section {
 public:
  VolumeDescriptorSection(const HierarchyOwner& owner, std::string name)
      : Section(std::move(name), Region::kVolumeDescriptors), owner_(owner) {}

  base::Status Write(const ImagePlan& plan, EmitContext& context) const override {
    VolumeDescriptorFields f;
    owner_.DescribeVolume(plan, &f);
    const Hierarchy& h = owner_.hierarchy();
    f.path_table_size = h.path_table.size;
    f.type_l_path_table = h.path_table.l_lba;
    f.type_m_path_table = h.path_table.m_lba;
    f.volume_space_size = static_cast<std::uint32_t>(plan.end_lba());
    f.root_directory_record = RootRecord(plan, h);
    f.time = plan.spec.volume.timestamp;
    return context.sink().Write(AsSpan(EncodeVolumeDescriptor(f)));
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImagePlan&, std::uint64_t) override {
    return std::uint64_t{1};
  }

 private:
  const HierarchyOwner& owner_;
};

class TerminatorSection final : public plan::Section {
 public:
  TerminatorSection()
      : Section("volume descriptor set terminator", Region::kDescriptorTerminator) {}
  base::Status Write(const ImagePlan&, EmitContext& context) const override {
    return context.sink().Write(AsSpan(EncodeTerminator()));
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImagePlan&, std::uint64_t) override {
    return std::uint64_t{1};
  }
};

// ECMA-119 9.4 / 6.9: one path table of one hierarchy, in path table order.
class PathTableSection final : public plan::Section {
 public:
  PathTableSection(HierarchyOwner& owner, PathTableType type, std::string name)
      : Section(std::move(name), Region::kPathTables), owner_(owner), type_(type) {}

  base::Status Write(const ImagePlan&, EmitContext& context) const override {
    std::vector<std::uint8_t> table;
    Encode(&table);
    table.resize(blocks() * base::kBlockSize, 0);
    return context.sink().Write(table);
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImagePlan&, std::uint64_t lba) override {
    std::vector<std::uint8_t> table;
    Encode(&table);
    PathTableLocation& where = owner_.mutable_hierarchy().path_table;
    where.size = static_cast<std::uint32_t>(table.size());
    (type_ == PathTableType::kL ? where.l_lba : where.m_lba) = static_cast<std::uint32_t>(lba);
    return base::BlocksFor(table.size());
  }

 private:
  void Encode(std::vector<std::uint8_t>* out) const {
    const Hierarchy& h = owner_.hierarchy();
    std::vector<std::uint8_t> id;
    for (std::uint32_t index : h.order) {
      const Directory& d = h.dirs[index];
      owner_.PathTableIdentifier(d, &id);
      AppendPathTableRecord(type_, d.lba, owner_.PathTableParent(d), id, out);
    }
  }

  HierarchyOwner& owner_;
  PathTableType type_;
};

}  // namespace

std::unique_ptr<plan::Section> MakeVolumeDescriptorSection(const HierarchyOwner& owner,
                                                           std::string name) {
  return std::make_unique<VolumeDescriptorSection>(owner, std::move(name));
}

std::unique_ptr<plan::Section> MakePathTableSection(HierarchyOwner& owner, PathTableType type,
                                                    std::string name) {
  return std::make_unique<PathTableSection>(owner, type, std::move(name));
}

std::unique_ptr<plan::Section> MakeTerminatorSection() {
  return std::make_unique<TerminatorSection>();
}

}  // namespace fs::iso9660

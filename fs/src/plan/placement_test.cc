// Placement (fixed, end-relative and appended sections, explicit gaps, overlaps refused)
// and the neutral plan with a file system that is not ISO 9660: an image with no ISO 9660
// at all (the shape of a UDF-only image: recognition area at 16, anchors at 256, N-256
// and N-1) is planned and emitted, and two file systems naming one file share one extent.
#include "plan/placement.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "base/block_sink.h"
#include "plan/file_system.h"
#include "plan/image_layout.h"

namespace fs::plan {
namespace {

// A section of a fixed size whose blocks are filled with one marker byte.
class MarkerSection final : public Section {
 public:
  MarkerSection(std::string name, Region region, std::uint64_t blocks, std::uint8_t marker)
      : Section(std::move(name), region), size_(blocks), marker_(marker) {}
  base::Status Write(const ImagePlan&, EmitContext& context) const override {
    std::vector<std::uint8_t> bytes(blocks() * base::kBlockSize, marker_);
    return context.sink().Write(bytes);
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImagePlan&, std::uint64_t) override { return size_; }

 private:
  std::uint64_t size_;
  std::uint8_t marker_;
};

std::unique_ptr<Section> Marker(std::string name, std::uint64_t blocks, std::uint8_t marker,
                                Region region = Region::kDirectories) {
  return std::make_unique<MarkerSection>(std::move(name), region, blocks, marker);
}

std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> Where(
    const std::vector<std::unique_ptr<Section>>& sections) {
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> out;
  std::uint64_t gaps = 0;
  for (const auto& s : sections) {
    std::string name = s->name() == "gap" ? "gap" + std::to_string(gaps++) : s->name();
    out[name] = {s->lba(), s->blocks()};
  }
  return out;
}

void ExpectContiguous(const std::vector<std::unique_ptr<Section>>& sections, std::uint64_t start,
                      std::uint64_t total) {
  std::uint64_t at = start;
  for (const auto& s : sections) {
    EXPECT_EQ(s->lba(), at) << s->name();
    at += s->blocks();
  }
  EXPECT_EQ(at, start + total);
}

TEST(Placement, AppendedSectionsFollowInRegionOrder) {
  ImagePlan plan;
  Placement placement;
  placement.AddFixed(Marker("system", 16, 0), 0);
  placement.Append(Marker("data", 10, 1, Region::kFileData));
  placement.Append(Marker("dirs", 3, 2, Region::kDirectories));
  placement.Append(Marker("vd", 1, 3, Region::kVolumeDescriptors));
  auto sections = placement.Place(plan);
  ASSERT_TRUE(sections) << sections.error().ToString();
  auto w = Where(*sections);
  EXPECT_EQ(w["vd"], std::make_pair(std::uint64_t{16}, std::uint64_t{1}));
  EXPECT_EQ(w["dirs"], std::make_pair(std::uint64_t{17}, std::uint64_t{3}));
  EXPECT_EQ(w["data"], std::make_pair(std::uint64_t{20}, std::uint64_t{10}));
  EXPECT_EQ(plan.total_blocks, 30u);
  ExpectContiguous(*sections, 0, 30);
}

TEST(Placement, AnAppendedSectionThatWouldCrossAFixedOneMovesPastIt) {
  ImagePlan plan;
  Placement placement;
  placement.AddFixed(Marker("system", 16, 0), 0);
  placement.AddFixed(Marker("anchor", 1, 9), 256);
  placement.Append(Marker("small", 100, 1));
  placement.Append(Marker("big", 200, 2, Region::kFileData));  // 116-315 would cross 256
  auto sections = placement.Place(plan);
  ASSERT_TRUE(sections) << sections.error().ToString();
  auto w = Where(*sections);
  EXPECT_EQ(w["small"].first, 16u);
  EXPECT_EQ(w["gap0"], std::make_pair(std::uint64_t{116}, std::uint64_t{140}));
  EXPECT_EQ(w["anchor"].first, 256u);
  EXPECT_EQ(w["big"].first, 257u);
  EXPECT_EQ(plan.total_blocks, 457u);
  ExpectContiguous(*sections, 0, 457);
}

TEST(Placement, EndRelativeSectionsEndTheImage) {
  ImagePlan plan;
  plan.start_lba = 1000;  // an appended session: every LBA is the session's
  Placement placement;
  placement.AddFixed(Marker("system", 16, 0), 0);
  placement.Append(Marker("data", 50, 1));
  placement.AddAtEnd(Marker("last anchor", 1, 7), 1);
  placement.AddAtEnd(Marker("reserve anchor", 1, 8), 256);
  auto sections = placement.Place(plan);
  ASSERT_TRUE(sections) << sections.error().ToString();
  auto w = Where(*sections);
  const std::uint64_t end = 1000 + 66 + 256;  // N: the reserve anchor right after the data
  EXPECT_EQ(plan.total_blocks, end - 1000);
  EXPECT_EQ(w["reserve anchor"].first, end - 256);
  EXPECT_EQ(w["last anchor"].first, end - 1);
  ExpectContiguous(*sections, 1000, plan.total_blocks);
}

TEST(Placement, OverlappingFixedSectionsAreAPlanningError) {
  ImagePlan plan;
  Placement placement;
  placement.AddFixed(Marker("system", 16, 0), 0);
  placement.AddFixed(Marker("boot record", 2, 1), 15);
  auto sections = placement.Place(plan);
  ASSERT_FALSE(sections);
  EXPECT_EQ(sections.error().code(), base::ErrorCode::kInvalidInput);
  EXPECT_NE(sections.error().what().find("overlap"), std::string::npos);
}

TEST(Placement, AnEndSectionLongerThanItsDistanceIsAnError) {
  ImagePlan plan;
  Placement placement;
  placement.Append(Marker("data", 5, 1));
  placement.AddAtEnd(Marker("tail", 3, 2), 2);
  EXPECT_FALSE(placement.Place(plan));
}

// A file system that is not ISO 9660: shows every node, writes a recognition area at 16,
// an anchor at 256 and two at the end, and lists its files depth first by name.
class AnchoredFileSystem final : public FileSystemPlanner {
 public:
  FileSystemId id() const override { return FileSystemId::kUdf; }
  base::Expected<bool> Accepts(const Tree&, NodeId, std::string*) const override { return true; }
  base::Status Plan(ImagePlan&, const DiagnosticSink&) override { return base::Ok(); }
  void AppendFiles(const ImagePlan& plan, std::vector<NodeId>* files) const override {
    for (NodeId c : plan.tree().children(kRootNode)) {
      if (plan.tree().node(c).type == NodeType::kFile) files->push_back(c);
    }
  }
  void Finish(const ImagePlan& plan) override { extents_seen = plan.extents.size(); }
  void AddSections(const ImagePlan&, Placement& placement) override {
    placement.AddFixed(Marker("recognition", 3, 0xA1), 16);
    placement.AddFixed(Marker("anchor", 1, 0xA2), 256);
    placement.Append(Marker("descriptors", 2, 0xA3, Region::kFileSystemDescriptors));
    placement.AddAtEnd(Marker("reserve anchor", 1, 0xA4), 256);
    placement.AddAtEnd(Marker("last anchor", 1, 0xA5), 1);
  }
  std::size_t extents_seen = 0;
};

Content Inline(Tree& tree, std::string_view bytes) {
  Content c;
  c.kind = ContentKind::kInline;
  c.size = bytes.size();
  c.pool_offset = tree.Intern(bytes);
  c.pool_length = static_cast<std::uint32_t>(bytes.size());
  return c;
}

TEST(NeutralPlan, AnImageWithoutIso9660IsPlannedAndEmitted) {
  ImageSpec spec;
  spec.iso9660.enabled = false;
  spec.joliet.enabled = false;
  const NodeId a = spec.tree.AddFile(kRootNode, "a", Inline(spec.tree, "alpha"));
  const NodeId b = spec.tree.AddFile(kRootNode, "b", Inline(spec.tree, std::string(3000, 'b')));
  std::vector<std::unique_ptr<FileSystemPlanner>> file_systems;
  file_systems.push_back(std::make_unique<AnchoredFileSystem>());
  auto* anchored = static_cast<AnchoredFileSystem*>(file_systems.back().get());
  auto layout = PlanWith(std::move(spec), 0, std::move(file_systems), {});
  ASSERT_TRUE(layout) << layout.error().ToString();
  const ImagePlan& plan = (*layout)->plan();
  EXPECT_EQ(anchored->extents_seen, 2u);
  // 0-15 system area, 16-18 recognition, 19-20 descriptors, 21 "a", 22-23 "b", gap to
  // 256, the anchor, then N-256 right after it and N-1.
  EXPECT_EQ(plan.extent_of(a).lba, 21u);
  EXPECT_EQ(plan.extent_of(b).lba, 22u);
  EXPECT_EQ(plan.total_blocks, 257u + 256u);

  std::vector<std::uint8_t> image;
  base::MemorySink sink(&image);
  ASSERT_TRUE(Emit(**layout, sink));
  ASSERT_EQ(image.size(), plan.total_blocks * base::kBlockSize);
  auto at = [&](std::uint64_t lba) { return image[lba * base::kBlockSize]; };
  EXPECT_EQ(at(0), 0);
  EXPECT_EQ(at(16), 0xA1);
  EXPECT_EQ(at(19), 0xA3);
  EXPECT_EQ(std::string(image.begin() + 21 * 2048, image.begin() + 21 * 2048 + 5), "alpha");
  EXPECT_EQ(at(22), 'b');
  EXPECT_EQ(at(24), 0);  // the gap
  EXPECT_EQ(at(256), 0xA2);
  EXPECT_EQ(at(plan.total_blocks - 256), 0xA4);
  EXPECT_EQ(at(plan.total_blocks - 1), 0xA5);
}

TEST(NeutralPlan, SortWeightsMoveDataAheadWithoutReorderingEqualWeights) {
  ImageSpec spec;
  Content light = Inline(spec.tree, "light");
  Content heavy = Inline(spec.tree, "heavy");
  heavy.sort_weight = 10;
  const NodeId a = spec.tree.AddFile(kRootNode, "a", light);
  const NodeId b = spec.tree.AddFile(kRootNode, "b", light);
  const NodeId z = spec.tree.AddFile(kRootNode, "z", heavy);
  auto layout = PlanImage(std::move(spec), 0, {});
  ASSERT_TRUE(layout) << layout.error().ToString();
  const ImagePlan& plan = (*layout)->plan();
  EXPECT_LT(plan.extent_of(z).lba, plan.extent_of(a).lba);
  EXPECT_LT(plan.extent_of(a).lba, plan.extent_of(b).lba);
}

TEST(NeutralPlan, NoFileSystemIsAnError) {
  ImageSpec spec;
  spec.iso9660.enabled = false;
  spec.joliet.enabled = false;
  auto layout = PlanImage(std::move(spec), 0, {});
  ASSERT_FALSE(layout);
  EXPECT_EQ(layout.error().where(), "filesystems");
}

}  // namespace
}  // namespace fs::plan

// ImageReader::Walk: the streaming, depth-first visit that `mkimg ls` uses. It must give
// exactly the entries, order and metadata that ReadTree() gives, start anywhere, and say
// clearly when a path is not there. Images come from the builder (manifest → Plan → Emit).
#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "base/block_sink.h"
#include "fs/image_builder.h"
#include "fs/image_reader.h"
#include "fs/manifest.h"

namespace fs {
namespace {

std::vector<std::uint8_t> Build(std::string_view manifest) {
  ManifestOptions options;
  options.forbid_host_access = true;
  options.now = 1767225600;
  auto spec = ParseManifest(manifest, options, [](const Diagnostic&) {});
  EXPECT_TRUE(spec) << spec.error().ToString();
  auto layout = Plan(std::move(*spec), [](const Diagnostic&) {});
  EXPECT_TRUE(layout) << layout.error().ToString();
  std::vector<std::uint8_t> image;
  base::MemorySink sink(&image);
  auto emitted = Emit(**layout, sink);
  EXPECT_TRUE(emitted) << emitted.error().ToString();
  return image;
}

constexpr std::string_view kManifest = R"({
  "mkimg": 1,
  "volume": { "id": "WALK", "timestamp": "2026-01-01T00:00:00Z" },
  "contents": [
    { "target": "/b.txt", "text": "bee\n", "mode": "0640", "uid": 7, "gid": 8 },
    { "target": "/a/one.txt", "text": "1" },
    { "target": "/a/deep/two.txt", "text": "22" },
    { "target": "/a/deep/deeper/three.txt", "text": "333" },
    { "target": "/a/link", "symlink": "deep/two.txt" },
    { "target": "/a/empty", "directory": true },
    { "target": "/c", "directory": true }
  ]
})";

struct Seen {
  std::string path;
  int depth;
  NodeType type;
  std::uint32_t mode, uid, gid, subdirectories;
  std::uint64_t size;
  std::string target;
  std::vector<FileExtent> extents;
};

class Recorder final : public WalkVisitor {
 public:
  base::Status Visit(const WalkEntry& e) override {
    seen.push_back({std::string(e.path), e.depth, e.type, e.mode, e.uid, e.gid, e.subdirectories,
                    e.size, std::string(e.symlink_target),
                    std::vector<FileExtent>(e.extents.begin(), e.extents.end())});
    if (e.depth > 0) {
      const std::string_view p(e.path);
      EXPECT_EQ(p.substr(p.rfind('/') + 1), e.name);
    }
    return base::Ok();
  }
  void Warning(std::string w) override { warnings.push_back(std::move(w)); }
  std::vector<Seen> seen;
  std::vector<std::string> warnings;
};

class WalkTest : public ::testing::TestWithParam<Namespace> {
 protected:
  void SetUp() override {
    image_ = Build(kManifest);
    auto reader = ImageReader::Open(base::MemoryBlockDevice(image_));
    ASSERT_TRUE(reader) << reader.error().ToString();
    reader_ = std::move(*reader);
  }
  std::vector<std::uint8_t> image_;
  std::unique_ptr<ImageReader> reader_;
};

// The manifest's paths as the namespace spells them (ISO 9660 d-characters are upper case).
std::string P(Namespace ns, std::string_view path) {
  std::string p(path);
  if (ns == Namespace::kIso9660) {
    for (char& c : p) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return p;
}

std::vector<std::string> Paths(const std::vector<Seen>& seen) {
  std::vector<std::string> out;
  for (const Seen& s : seen) out.push_back(s.path + "@" + std::to_string(s.depth));
  return out;
}

TEST_P(WalkTest, WholeNamespaceEqualsReadTree) {
  const Namespace ns = GetParam();
  Recorder r;
  ASSERT_TRUE(reader_->Walk(ns, "/", r));
  auto tree = reader_->ReadTree(ns);
  ASSERT_TRUE(tree) << tree.error().ToString();
  const Tree& t = tree->tree;
  // Depth first, each directory's entries in on-disc order, a directory before its contents.
  std::vector<std::pair<NodeId, int>> stack{{t.root(), 0}};
  std::size_t i = 0;
  while (!stack.empty()) {
    auto [id, depth] = stack.back();
    stack.pop_back();
    ASSERT_LT(i, r.seen.size());
    const Seen& s = r.seen[i++];
    EXPECT_EQ(s.path, t.Path(id));
    EXPECT_EQ(s.depth, depth);
    const Node& n = t.node(id);
    EXPECT_EQ(s.type, n.type) << s.path;
    EXPECT_EQ(s.mode, n.mode) << s.path;
    EXPECT_EQ(s.uid, n.uid) << s.path;
    EXPECT_EQ(s.gid, n.gid) << s.path;
    if (n.type == NodeType::kFile) {
      EXPECT_EQ(s.size, t.content(id).size) << s.path;
      EXPECT_EQ(s.extents, tree->FileExtents(id)) << s.path;
    }
    if (n.type == NodeType::kSymlink) {
      EXPECT_EQ(s.target, t.symlink_target(id));
    }
    if (n.type == NodeType::kDirectory) {
      std::uint32_t dirs = 0;
      const auto& children = t.children(id);
      for (auto it = children.rbegin(); it != children.rend(); ++it) {
        stack.emplace_back(*it, depth + 1);
        dirs += t.node(*it).type == NodeType::kDirectory;
      }
      EXPECT_EQ(s.subdirectories, dirs) << s.path;
    }
  }
  EXPECT_EQ(i, r.seen.size());
  EXPECT_EQ(r.warnings, tree->warnings);
}

TEST_P(WalkTest, StartsAtADirectory) {
  const Namespace ns = GetParam();
  Recorder r;
  ASSERT_TRUE(reader_->Walk(ns, P(ns, "/a/deep/"), r));
  EXPECT_EQ(Paths(r.seen), (std::vector<std::string>{P(ns, "/a/deep@0"), P(ns, "/a/deep/deeper@1"),
                                                     P(ns, "/a/deep/deeper/three.txt@2"),
                                                     P(ns, "/a/deep/two.txt@1")}));
  EXPECT_EQ(r.seen[0].type, NodeType::kDirectory);
  EXPECT_EQ(r.seen[0].subdirectories, 1u);
}

TEST_P(WalkTest, StartsAtAFile) {
  const Namespace ns = GetParam();
  Recorder r;
  ASSERT_TRUE(reader_->Walk(ns, P(ns, "a/./deep/deeper/three.txt"), r));
  ASSERT_EQ(r.seen.size(), 1u);
  EXPECT_EQ(r.seen[0].path, P(ns, "/a/deep/deeper/three.txt"));
  EXPECT_EQ(r.seen[0].size, 3u);
  ASSERT_EQ(r.seen[0].extents.size(), 1u);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(image_.data()) +  // NOLINT
                                 r.seen[0].extents[0].location,
                             3),
            "333");
}

TEST_P(WalkTest, MissingPathsAreInvalidInput) {
  const Namespace ns = GetParam();
  Recorder r;
  auto missing = reader_->Walk(ns, P(ns, "/a/nope"), r);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), base::ErrorCode::kInvalidInput);
  EXPECT_NE(missing.error().ToString().find("no such file or directory"), std::string::npos);
  auto through_file = reader_->Walk(ns, P(ns, "/b.txt/x"), r);
  ASSERT_FALSE(through_file);
  EXPECT_EQ(through_file.error().code(), base::ErrorCode::kInvalidInput);
  EXPECT_NE(through_file.error().ToString().find("not a directory"), std::string::npos);
  EXPECT_TRUE(r.seen.empty());
}

TEST_P(WalkTest, AVisitorErrorStopsTheWalk) {
  class Stopper final : public WalkVisitor {
   public:
    explicit Stopper(std::string stop_at) : stop_at_(std::move(stop_at)) {}
    base::Status Visit(const WalkEntry& e) override {
      ++visits;
      if (e.path == stop_at_) return base::InvalidInput("test", "stop");
      return base::Ok();
    }
    void Warning(std::string) override {}
    int visits = 0;

   private:
    std::string stop_at_;
  } stopper(P(GetParam(), "/a/one.txt"));
  auto status = reader_->Walk(GetParam(), "/", stopper);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().what(), "stop");
  Recorder all;
  ASSERT_TRUE(reader_->Walk(GetParam(), "/", all));
  EXPECT_LT(stopper.visits, static_cast<int>(all.seen.size()));
}

INSTANTIATE_TEST_SUITE_P(Namespaces, WalkTest,
                         ::testing::Values(Namespace::kIso9660, Namespace::kRockRidge,
                                           Namespace::kJoliet),
                         [](const auto& param) { return std::string(NamespaceName(param.param)); });

}  // namespace
}  // namespace fs

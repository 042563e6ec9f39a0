// Plan + Emit through in-memory sinks: the volume descriptor set, directory records of
// both hierarchies, Rock Ridge entries, collision resolution independent of insertion
// order, relocation of deep trees, hard links, multi-extent files, host files that change
// before they are written, media capacity, cancellation and reproducibility.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/block_sink.h"
#include "base/bytes.h"
#include "fs/image_builder.h"

namespace fs {
namespace {

constexpr std::int64_t k2026 = 1767225600;

struct Record {
  std::string id;
  std::uint32_t extent = 0;
  std::uint32_t size = 0;
  std::uint8_t flags = 0;
  std::vector<std::uint8_t> system_use;
};

// A minimal reader for what these tests check; the real readers live in fs/src/reader.
class Image {
 public:
  explicit Image(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}
  const std::uint8_t* Block(std::uint32_t lba) const {
    return bytes_.data() + std::size_t{lba} * 2048;
  }
  std::size_t size() const { return bytes_.size(); }

  std::vector<Record> Directory(std::uint32_t lba, std::uint32_t size) const {
    std::vector<Record> out;
    for (std::uint32_t off = 0; off < size;) {
      const std::uint8_t* p = Block(lba) + off;
      if (p[0] == 0) {
        off = (off / 2048 + 1) * 2048;
        continue;
      }
      Record r;
      r.extent = base::LoadLe32(p + 2);
      r.size = base::LoadLe32(p + 10);
      r.flags = p[25];
      r.id.assign(reinterpret_cast<const char*>(p + 33), p[32]);  // NOLINT: test reader
      std::size_t su = 33u + p[32] + (p[32] % 2 == 0 ? 1u : 0u);
      r.system_use.assign(p + su, p + p[0]);
      out.push_back(r);
      off += p[0];
    }
    return out;
  }
  std::vector<Record> Root(std::uint32_t descriptor_lba) const {
    const std::uint8_t* d = Block(descriptor_lba);
    return Directory(base::LoadLe32(d + 156 + 2), base::LoadLe32(d + 156 + 10));
  }
  std::string Data(const Record& r) const {
    return std::string(reinterpret_cast<const char*>(Block(r.extent)), r.size);  // NOLINT
  }

 private:
  std::vector<std::uint8_t> bytes_;
};

// The Rock Ridge NM name in a system use area (no continuation areas in these tests).
std::string RockRidgeName(const Record& r) {
  std::string name;
  for (std::size_t i = 0; i + 4 <= r.system_use.size() && r.system_use[i + 2] >= 4;) {
    const std::uint8_t* e = r.system_use.data() + i;
    if (e[0] == 'N' && e[1] == 'M')
      name.append(reinterpret_cast<const char*>(e + 5), e[2] - 5u);  // NOLINT
    i += e[2];
  }
  return name;
}

// Offset of the first entry with signature `sig` in a system use area, or -1.
long EntryOffset(const Record& r, const char* sig) {
  for (std::size_t i = 0; i + 4 <= r.system_use.size() && r.system_use[i + 2] >= 4;) {
    if (r.system_use[i] == sig[0] && r.system_use[i + 1] == sig[1]) return static_cast<long>(i);
    i += r.system_use[i + 2];
  }
  return -1;
}

bool HasEntry(const Record& r, const char* sig) { return EntryOffset(r, sig) >= 0; }

const Record* Find(const std::vector<Record>& v, const std::string& id) {
  for (const Record& r : v) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::string Utf16(const std::string& ascii) {
  std::string s;
  for (char c : ascii) {
    s.push_back('\0');
    s.push_back(c);
  }
  return s;
}

Content Inline(Tree& t, std::string_view text) {
  Content c;
  c.kind = ContentKind::kInline;
  c.pool_offset = t.Intern(text);
  c.pool_length = static_cast<std::uint32_t>(text.size());
  c.size = text.size();
  return c;
}

Content Zeros(std::uint64_t n) {
  Content c;
  c.kind = ContentKind::kZeros;
  c.size = n;
  return c;
}

ImageSpec NewSpec() {
  ImageSpec spec;
  spec.volume.id = "TEST_VOLUME";
  spec.volume.label = "Test";
  spec.volume.timestamp = Timestamp{k2026, 0};
  spec.tree.mutable_node(kRootNode).mtime = Timestamp{k2026, 0};
  return spec;
}

std::vector<Diagnostic> g_diagnostics;
void Collect(const Diagnostic& d) { g_diagnostics.push_back(d); }

base::Expected<std::vector<std::uint8_t>> Build(ImageSpec spec) {
  g_diagnostics.clear();
  ASSIGN_OR_RETURN(auto layout, Plan(std::move(spec), Collect));
  std::vector<std::uint8_t> bytes;
  base::MemorySink sink(&bytes);
  RETURN_IF_ERROR(Emit(*layout, sink));
  EXPECT_EQ(bytes.size(), layout->total_bytes());
  return bytes;
}

TEST(PlanEmitTest, VolumeDescriptorSetAndRootDirectories) {
  ImageSpec spec = NewSpec();
  Tree& t = spec.tree;
  NodeId docs = t.AddDirectory(kRootNode, "docs");
  t.AddFile(kRootNode, "hello.txt", Inline(t, "hello\n"));
  t.AddFile(docs, "empty", Zeros(0));
  t.AddSymlink(kRootNode, "latest", "docs/../hello.txt");
  auto bytes = Build(std::move(spec));
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  Image img(*bytes);
  EXPECT_EQ(img.size() % 2048, 0u);
  EXPECT_EQ(std::memcmp(img.Block(16),
                        "\x01"
                        "CD001\x01",
                        7),
            0);
  EXPECT_EQ(std::memcmp(img.Block(17),
                        "\x02"
                        "CD001\x01",
                        7),
            0);
  EXPECT_EQ(std::memcmp(img.Block(17) + 88, "%/E", 3), 0);
  EXPECT_EQ(std::memcmp(img.Block(18),
                        "\xff"
                        "CD001\x01",
                        7),
            0);
  EXPECT_EQ(base::LoadLe32(img.Block(16) + 80) * 2048ull, img.size());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(img.Block(16) + 40), 11),
            "TEST_VOLUME");  // NOLINT

  auto root = img.Root(16);
  ASSERT_EQ(root.size(), 5u);
  EXPECT_EQ(root[0].id, std::string(1, '\0'));
  EXPECT_TRUE(HasEntry(root[0], "SP"));
  EXPECT_TRUE(HasEntry(root[0], "CE"));  // ER goes to a continuation area
  EXPECT_EQ(root[2].id, "DOCS");
  EXPECT_EQ(root[2].flags, 2);
  EXPECT_EQ(root[3].id, "HELLO.TXT;1");
  EXPECT_EQ(img.Data(root[3]), "hello\n");
  EXPECT_EQ(RockRidgeName(root[3]), "hello.txt");
  EXPECT_EQ(root[4].id, "LATEST.;1");
  EXPECT_TRUE(HasEntry(root[4], "SL"));
  auto docs_dir = img.Directory(root[2].extent, root[2].size);
  ASSERT_EQ(docs_dir.size(), 3u);
  EXPECT_EQ(docs_dir[2].id, "EMPTY.;1");
  EXPECT_EQ(docs_dir[2].extent, 0u);  // empty files: extent 0, size 0 (libisofs)
  EXPECT_EQ(docs_dir[2].size, 0u);

  auto jroot = img.Root(17);
  ASSERT_EQ(jroot.size(), 4u);  // ., .., docs, hello.txt (no symlink in Joliet)
  EXPECT_EQ(jroot[2].id, Utf16("docs"));
  EXPECT_EQ(jroot[3].id, Utf16("hello.txt"));
  EXPECT_EQ(jroot[3].extent, root[3].extent);  // one extent shared by both trees
  ASSERT_EQ(g_diagnostics.size(), 1u);
  EXPECT_EQ(g_diagnostics[0].where, "/latest");
}

TEST(PlanEmitTest, CollisionsResolveIndependentlyOfInsertionOrder) {
  const std::vector<std::string> names = {"a.txt", "A.TXT", "a.TXT", "b"};
  std::vector<std::vector<std::uint8_t>> images;
  for (int pass = 0; pass < 2; ++pass) {
    ImageSpec spec = NewSpec();
    Tree& t = spec.tree;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string& n = names[pass == 0 ? i : names.size() - 1 - i];
      t.AddFile(kRootNode, n, Inline(t, n));
    }
    auto bytes = Build(std::move(spec));
    ASSERT_TRUE(bytes) << bytes.error().ToString();
    images.push_back(*bytes);
  }
  EXPECT_EQ(images[0], images[1]);
  Image img(images[0]);
  auto root = img.Root(16);
  ASSERT_EQ(root.size(), 6u);
  EXPECT_EQ(root[2].id, "A.TXT;1");
  EXPECT_EQ(RockRidgeName(root[2]), "A.TXT");
  EXPECT_EQ(root[3].id, "A000.TXT;1");
  EXPECT_EQ(RockRidgeName(root[3]), "a.TXT");
  EXPECT_EQ(root[4].id, "A001.TXT;1");
  EXPECT_EQ(RockRidgeName(root[4]), "a.txt");
  EXPECT_EQ(img.Data(root[4]), "a.txt");
  EXPECT_EQ(root[5].id, "B.;1");
}

TEST(PlanEmitTest, JolietMappingIsReportedOnce) {
  ImageSpec spec = NewSpec();
  Tree& t = spec.tree;
  t.AddFile(kRootNode, "what?.txt", Inline(t, "1"));
  t.AddFile(kRootNode, "what*.txt", Inline(t, "2"));
  t.AddFile(kRootNode, std::string(100, 'L') + ".txt", Inline(t, "3"));
  auto bytes = Build(std::move(spec));
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  std::map<std::string, std::string> mapped;
  for (const Diagnostic& d : g_diagnostics) mapped[d.where] = d.what;
  ASSERT_EQ(mapped.size(), 3u);
  EXPECT_EQ(mapped["/what*.txt"], "joliet name mapped to \"what_.txt\"");
  EXPECT_EQ(mapped["/what?.txt"], "joliet name mapped to \"what_0.txt\"");
  EXPECT_EQ(mapped["/" + std::string(100, 'L') + ".txt"],
            "joliet name mapped to \"" + std::string(60, 'L') + ".txt\"");
}

void AddChain(Tree& t, int depth) {
  NodeId d = kRootNode;
  for (int i = 0; i < depth; ++i) d = t.AddDirectory(d, "d" + std::to_string(i));
  t.AddFile(d, "leaf.txt", Inline(t, "leaf"));
}

TEST(PlanEmitTest, DeepTreeWithoutRockRidgeIsAnError) {
  ImageSpec spec = NewSpec();
  spec.iso9660.rock_ridge = false;
  AddChain(spec.tree, 9);
  auto layout = Plan(std::move(spec), Collect);
  ASSERT_FALSE(layout);
  EXPECT_EQ(layout.error().code(), base::ErrorCode::kInvalidInput);
  // ECMA-119 6.8.2.1: the root is level 1, so /d0/.../d7 would be level 9.
  EXPECT_EQ(layout.error().where(), "/d0/d1/d2/d3/d4/d5/d6/d7");
}

TEST(PlanEmitTest, DeepTreeStaysInPlaceWithRockRidgeByDefault) {
  ImageSpec spec = NewSpec();
  AddChain(spec.tree, 10);
  auto bytes = Build(std::move(spec));
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  Image img(*bytes);
  auto root = img.Root(16);
  EXPECT_EQ(Find(root, "RR_MOVED"), nullptr);
  const Record* d = Find(root, "D0");
  ASSERT_NE(d, nullptr);
  for (int i = 1; i < 10; ++i) {
    auto dir = img.Directory(d->extent, d->size);
    const Record* next = Find(dir, "D" + std::to_string(i));
    ASSERT_NE(next, nullptr) << "level " << i;
    d = next;
  }
}

TEST(PlanEmitTest, DeepTreeIsRelocatedWithRockRidgeWhenAsked) {
  ImageSpec spec = NewSpec();
  spec.iso9660.relocate_deep_directories = true;
  AddChain(spec.tree, 10);
  auto bytes = Build(std::move(spec));
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  Image img(*bytes);
  auto root = img.Root(16);
  const Record* moved = Find(root, "RR_MOVED");
  ASSERT_NE(moved, nullptr);
  EXPECT_TRUE(HasEntry(*moved, "RE"));  // hidden from Rock Ridge readers
  auto rr_moved = img.Directory(moved->extent, moved->size);
  ASSERT_EQ(rr_moved.size(), 3u);
  EXPECT_EQ(rr_moved[2].id, "D7");
  EXPECT_TRUE(HasEntry(rr_moved[2], "RE"));
  auto d7 = img.Directory(rr_moved[2].extent, rr_moved[2].size);
  EXPECT_TRUE(HasEntry(d7[1], "PL"));
  // Walk down to d6 and find the placeholder with CL.
  std::vector<Record> dir = root;
  for (int i = 0; i < 7; ++i) {
    const Record* r = Find(dir, "D" + std::to_string(i));
    ASSERT_NE(r, nullptr) << i;
    dir = img.Directory(r->extent, r->size);
  }
  const Record* placeholder = Find(dir, "D7.;1");
  ASSERT_NE(placeholder, nullptr);
  EXPECT_EQ(placeholder->flags, 0);
  EXPECT_TRUE(HasEntry(*placeholder, "CL"));
  const long cl = EntryOffset(*placeholder, "CL");
  ASSERT_GE(cl, 0);
  EXPECT_EQ(base::LoadLe32(placeholder->system_use.data() + cl + 4), rr_moved[2].extent);
}

TEST(PlanEmitTest, Level1EnforcesEightDotThreeAndPathLength) {
  ImageSpec spec = NewSpec();
  spec.iso9660.level = 1;
  spec.iso9660.rock_ridge = false;
  spec.joliet.enabled = false;
  spec.tree.AddFile(kRootNode, "LongFileName.html", Inline(spec.tree, "x"));
  auto bytes = Build(std::move(spec));
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  Image img(*bytes);
  auto root = img.Root(16);
  ASSERT_EQ(root.size(), 3u);
  EXPECT_EQ(root[2].id, "LONGFILE.HTM;1");
  EXPECT_TRUE(root[2].system_use.empty());
  EXPECT_EQ(img.Block(17)[0], 255);  // no Joliet descriptor
}

TEST(PlanEmitTest, Level2PathLengthLimit) {
  auto make = [](bool rock_ridge) {
    ImageSpec spec = NewSpec();
    spec.iso9660.level = 2;
    spec.iso9660.rock_ridge = rock_ridge;
    NodeId d = kRootNode;
    for (int i = 0; i < 7; ++i)
      d = spec.tree.AddDirectory(d, std::string(30, 'a') + std::to_string(i));
    spec.tree.AddFile(d, "file.txt", Inline(spec.tree, "x"));
    return spec;
  };
  // 7 directories of 31 characters and "/FILE.TXT;1": 7 * 32 + 10 = 234 characters: fits.
  ASSERT_TRUE(Plan(make(false), Collect));
  ImageSpec spec = make(false);
  NodeId d = kRootNode;
  while (!spec.tree.children(d).empty() &&
         spec.tree.node(spec.tree.children(d)[0]).type == NodeType::kDirectory) {
    d = spec.tree.children(d)[0];
  }
  spec.tree.AddFile(d, std::string(40, 'f') + ".txt", Inline(spec.tree, "y"));
  auto layout = Plan(std::move(spec), Collect);
  ASSERT_FALSE(layout);
  EXPECT_NE(layout.error().what().find("longer than 255"), std::string::npos);
  // With Rock Ridge the deepest directory moves to RR_MOVED instead.
  ImageSpec rr = make(true);
  d = kRootNode;
  for (int i = 0; i < 7; ++i) d = rr.tree.children(d)[0];
  rr.tree.AddFile(d, std::string(40, 'f') + ".txt", Inline(rr.tree, "y"));
  auto bytes = Build(std::move(rr));
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  EXPECT_NE(Find(Image(*bytes).Root(16), "RR_MOVED"), nullptr);
}

TEST(PlanEmitTest, HiddenNodesAreAbsentFromTheirFileSystem) {
  ImageSpec spec = NewSpec();
  Tree& t = spec.tree;
  NodeId a = t.AddFile(kRootNode, "iso-only.txt", Inline(t, "iso"));
  NodeId b = t.AddFile(kRootNode, "joliet-only.txt", Inline(t, "joliet"));
  NodeId d = t.AddDirectory(kRootNode, "hidden-dir");
  t.AddFile(d, "inside.txt", Inline(t, "inside"));
  t.mutable_node(a).hide = kHideJoliet;
  t.mutable_node(b).hide = kHideIso9660;
  t.mutable_node(d).hide = kHideIso9660 | kHideJoliet;
  auto bytes = Build(std::move(spec));
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  Image img(*bytes);
  auto root = img.Root(16);
  ASSERT_EQ(root.size(), 3u);
  EXPECT_EQ(root[2].id, "ISO_ONLY.TXT;1");
  auto jroot = img.Root(17);
  ASSERT_EQ(jroot.size(), 3u);
  EXPECT_EQ(jroot[2].id, Utf16("joliet-only.txt"));
  EXPECT_EQ(img.Data(jroot[2]), "joliet");
}

TEST(PlanEmitTest, TooManyDirectoriesIsAnError) {
  ImageSpec spec = NewSpec();
  spec.joliet.enabled = false;
  for (int i = 0; i < 65535; ++i) spec.tree.AddDirectory(kRootNode, "d" + std::to_string(i));
  auto layout = Plan(std::move(spec), Collect);
  ASSERT_FALSE(layout);
  EXPECT_NE(layout.error().what().find("65535"), std::string::npos);
}

// Counts bytes, keeps the first `keep` of them, and writes zero runs without memory.
class CountingSink : public base::BlockSink {
 public:
  explicit CountingSink(std::size_t keep) : keep_(keep) {}
  std::uint64_t position() const override { return position_; }
  const std::vector<std::uint8_t>& kept() const { return kept_; }
  int zero_runs() const { return zero_runs_; }

 protected:
  base::Status DoWrite(std::span<const std::uint8_t> data) override {
    for (std::uint8_t b : data) {
      if (kept_.size() < keep_) kept_.push_back(b);
    }
    position_ += data.size();
    return base::Ok();
  }
  base::Status DoWriteZeros(std::uint64_t n) override {
    if (kept_.size() < keep_) kept_.resize(std::min<std::uint64_t>(keep_, kept_.size() + n), 0);
    position_ += n;
    ++zero_runs_;
    return base::Ok();
  }

 private:
  std::size_t keep_;
  std::vector<std::uint8_t> kept_;
  std::uint64_t position_ = 0;
  int zero_runs_ = 0;
};

TEST(PlanEmitTest, FiveGibZeroFileIsMultiExtentAndSparse) {
  ImageSpec spec = NewSpec();
  const std::uint64_t size = 5ull << 30;
  spec.tree.AddFile(kRootNode, "zeros.bin", Zeros(size));
  const auto start = std::chrono::steady_clock::now();
  auto layout = Plan(std::move(spec), Collect);
  ASSERT_TRUE(layout) << layout.error().ToString();
  CountingSink sink(1 << 20);
  auto status = Emit(**layout, sink);
  ASSERT_TRUE(status) << status.error().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(sink.position(), (*layout)->total_bytes());
  EXPECT_GE(sink.zero_runs(), 2);
  Image img(sink.kept());
  for (std::uint32_t descriptor : {16u, 17u}) {
    auto root = img.Root(descriptor);
    ASSERT_EQ(root.size(), 4u);
    EXPECT_EQ(root[2].flags, 0x80);
    EXPECT_EQ(root[2].size, 0xFFFFF800u);
    EXPECT_EQ(root[3].flags, 0);
    EXPECT_EQ(root[3].size, size - 0xFFFFF800u);
    EXPECT_EQ(root[3].extent, root[2].extent + 0xFFFFF800u / 2048);
  }
}

TEST(PlanEmitTest, FourGibFileNeedsLevel3) {
  ImageSpec spec = NewSpec();
  spec.iso9660.level = 2;
  spec.tree.AddFile(kRootNode, "big", Zeros(1ull << 32));
  auto layout = Plan(std::move(spec), Collect);
  ASSERT_FALSE(layout);
  EXPECT_EQ(layout.error().where(), "/big");
}

TEST(PlanEmitTest, ImageTooBigForMediaFailsBeforeEmitting) {
  ImageSpec spec = NewSpec();
  spec.media = base::MediaType::kCdR;
  spec.tree.AddFile(kRootNode, "big", Zeros(1ull << 30));
  auto layout = Plan(std::move(spec), Collect);
  ASSERT_FALSE(layout);
  EXPECT_EQ(layout.error().code(), base::ErrorCode::kInvalidInput);
  EXPECT_NE(layout.error().what().find("does not fit CD-R ("), std::string::npos)
      << layout.error().what();
}

TEST(PlanEmitTest, ProgressCanCancel) {
  ImageSpec spec = NewSpec();
  spec.tree.AddFile(kRootNode, "z", Zeros(1 << 20));
  auto layout = Plan(std::move(spec), Collect);
  ASSERT_TRUE(layout);
  CountingSink sink(0);
  auto status = Emit(**layout, sink, [](std::uint64_t, std::uint64_t) { return false; });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), base::ErrorCode::kCancelled);
}

class HostFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mkimg-iso-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }

  void WriteFile(const std::string& name, const std::string& data) {
    std::ofstream(dir_ + "/" + name, std::ios::binary) << data;
  }
  NodeId AddHostFile(Tree& t, std::uint32_t host_dir, const std::string& image_name,
                     const std::string& host_name) {
    struct stat st {};
    EXPECT_EQ(::stat((dir_ + "/" + host_name).c_str(), &st), 0);
    Content c;
    c.kind = ContentKind::kHostFile;
    c.size = static_cast<std::uint64_t>(st.st_size);
    c.host_dir = host_dir;
    c.pool_offset = t.Intern(host_name);
    c.pool_length = static_cast<std::uint32_t>(host_name.size());
    c.device = st.st_dev;
    c.inode = st.st_ino;
    c.change_time_ns =
        static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    return t.AddFile(kRootNode, image_name, c);
  }
  std::string dir_;
};

TEST_F(HostFilesTest, ContentsAndHardLinks) {
  const std::string big(3 << 20, 'b');  // goes through CopyFrom
  WriteFile("small.txt", "small contents");
  WriteFile("big.bin", big);
  ASSERT_EQ(::link((dir_ + "/small.txt").c_str(), (dir_ + "/link.txt").c_str()), 0);
  ImageSpec spec = NewSpec();
  Tree& t = spec.tree;
  std::uint32_t h = t.AddHostDirectory(dir_);
  AddHostFile(t, h, "small.txt", "small.txt");
  AddHostFile(t, h, "big.bin", "big.bin");
  AddHostFile(t, h, "link.txt", "link.txt");
  auto bytes = Build(std::move(spec));
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  Image img(*bytes);
  auto root = img.Root(16);
  ASSERT_EQ(root.size(), 5u);
  EXPECT_EQ(img.Data(root[2]), big);
  EXPECT_EQ(root[3].id, "LINK.TXT;1");
  EXPECT_EQ(root[4].id, "SMALL.TXT;1");
  EXPECT_EQ(img.Data(root[4]), "small contents");
  EXPECT_EQ(root[3].extent, root[4].extent);
  // PX link count (RRIP 4.1.1, BP 13-20) is 2 for both names.
  for (std::size_t i : {3u, 4u}) {
    ASSERT_EQ(root[i].system_use[0], 'P');
    EXPECT_EQ(base::LoadLe32(root[i].system_use.data() + 12), 2u);
  }
}

TEST_F(HostFilesTest, ChangedFileIsAnError) {
  WriteFile("data.txt", "original");
  ImageSpec spec = NewSpec();
  Tree& t = spec.tree;
  AddHostFile(t, t.AddHostDirectory(dir_), "data.txt", "data.txt");
  auto layout = Plan(std::move(spec), Collect);
  ASSERT_TRUE(layout);
  WriteFile("data.txt", "changed and longer");
  std::vector<std::uint8_t> bytes;
  base::MemorySink sink(&bytes);
  auto status = Emit(**layout, sink);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), base::ErrorCode::kInvalidInput);
  EXPECT_EQ(status.error().ToString(), dir_ + "/data.txt: changed while the image was being built");
}

// A file changed while its bytes are being copied (issue: a 1.5 GB file appended to
// mid-copy gave exit 0 and an image of the old length): the progress callback, called
// between the 64 MiB copy steps of a large file, changes it there.
struct ScopedFdForTest {
  explicit ScopedFdForTest(int fd) : fd_(fd) {}
  ~ScopedFdForTest() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int fd_;
};

class ChangedMidCopy : public HostFilesTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(ChangedMidCopy, IsAnError) {
  const std::string how = GetParam();
  const std::string path = dir_ + "/big.bin";
  {
    ScopedFdForTest fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
    ASSERT_EQ(::ftruncate(fd.get(), (std::int64_t{64} << 20) + 4096), 0);  // sparse: cheap
  }
  ImageSpec spec = NewSpec();
  Tree& t = spec.tree;
  AddHostFile(t, t.AddHostDirectory(dir_), "big.bin", "big.bin");
  auto layout = Plan(std::move(spec), Collect);
  ASSERT_TRUE(layout);
  int calls = 0;
  const ProgressFn change = [&](std::uint64_t, std::uint64_t) {
    if (calls++ == 0) {
      ScopedFdForTest fd(::open(path.c_str(), O_WRONLY));
      if (how == "appended") {
        EXPECT_EQ(::pwrite(fd.get(), "more", 4, (std::int64_t{64} << 20) + 4096), 4);
      } else {  // the same size, one byte rewritten in place
        EXPECT_EQ(::pwrite(fd.get(), "x", 1, 10), 1);
      }
    }
    return true;
  };
  std::vector<std::uint8_t> bytes;
  base::MemorySink sink(&bytes);
  auto status = Emit(**layout, sink, change);
  EXPECT_GE(calls, 1);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().ToString(), path + ": changed while the image was being built");
}

INSTANTIATE_TEST_SUITE_P(HostFiles, ChangedMidCopy, ::testing::Values("appended", "rewritten"));

// Data alignment (specs/layout.md): unset, host files of 1 MiB or more start on 4 KiB
// of the image and small or inline ones are packed; an explicit 4096 aligns every file;
// 0 aligns nothing. The padding is counted, and the bytes read back the same.
TEST_F(HostFilesTest, DataAlignment) {
  const std::string big((1 << 20) + 5, 'b');
  WriteFile("big.bin", big);
  WriteFile("small.txt", "s");
  for (const std::optional<std::uint32_t> align :
       {std::optional<std::uint32_t>(), std::optional<std::uint32_t>(4096),
        std::optional<std::uint32_t>(0)}) {
    ImageSpec spec = NewSpec();
    spec.align_data = align;
    Tree& t = spec.tree;
    const std::uint32_t h = t.AddHostDirectory(dir_);
    t.AddFile(kRootNode, "a.txt", Inline(t, "inline"));
    AddHostFile(t, h, "small.txt", "small.txt");
    AddHostFile(t, h, "big.bin", "big.bin");
    t.AddFile(kRootNode, "c.txt", Inline(t, "after"));
    auto layout = Plan(std::move(spec), Collect);
    ASSERT_TRUE(layout) << layout.error().ToString();
    std::vector<std::uint8_t> bytes;
    base::MemorySink sink(&bytes);
    ASSERT_TRUE(Emit(**layout, sink));
    Image img(bytes);
    auto root = img.Root(16);
    ASSERT_EQ(root.size(), 6u);  // . .. A.TXT BIG.BIN C.TXT SMALL.TXT
    const auto& a = root[2];
    const auto& b = root[3];
    const auto& c = root[4];
    const auto& s = root[5];
    EXPECT_EQ(img.Data(b), big);
    EXPECT_EQ(img.Data(s), "s");
    EXPECT_EQ(img.Data(c), "after");
    const bool every = align && *align == 4096;
    const bool none = align && *align == 0;
    if (!none) {
      EXPECT_EQ(b.extent % 2, 0u) << "big";
    }
    if (every) {
      for (const auto* r : {&a, &c, &s}) EXPECT_EQ(r->extent % 2, 0u) << r->id;
    }
    // Packed files follow each other with no gap; aligned ones only gain what they need.
    std::uint64_t padding = (*layout)->alignment_padding_blocks();
    if (none) {
      EXPECT_EQ(padding, 0u);
    }
    EXPECT_LE(padding, every ? 4u : 1u);
  }
}

TEST(PlanEmitTest, SameSpecGivesSameBytes) {
  auto make = [] {
    ImageSpec spec = NewSpec();
    Tree& t = spec.tree;
    NodeId d = t.AddDirectory(kRootNode, "dir \xC3\xA9");
    t.AddFile(d, std::string(200, 'n') + ".txt", Inline(t, "long name"));
    t.AddSymlink(d, "up", "../" + std::string(300, 's'));
    AddChain(t, 12);
    return Build(std::move(spec));
  };
  auto a = make();
  auto b = make();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
}

}  // namespace
}  // namespace fs

// Round trips through independent writers: a host tree with the features readers get
// wrong (Rock Ridge relocation past 8 levels, long and non-ASCII names, symlinks, modes,
// times, an empty directory, a sparse file) is mastered by xorriso, genisoimage and
// genisoimage -udf; each image is read back with the Rock Ridge, Joliet and UDF readers
// and must hold the source tree (names, types, sizes, bytes, modes, mtimes, link
// targets), `verify` must find nothing, and extraction must reproduce the source tree.
// Each test is skipped, saying which tool is missing, when its tool is not installed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "fs/image_reader.h"
#include "tests/missing_tool.h"

namespace {

namespace stdfs = std::filesystem;

bool HaveTool(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

struct HostEntry {
  char type;            // 'd', 'f', 'l'
  std::string content;  // file bytes or link target
  std::uint32_t mode;
  std::int64_t mtime;
};

// Reads a host tree into path -> entry (paths relative, starting with '/').
std::map<std::string, HostEntry> ScanHost(const stdfs::path& root) {
  std::map<std::string, HostEntry> out;
  for (auto it = stdfs::recursive_directory_iterator(root);
       it != stdfs::recursive_directory_iterator(); ++it) {
    const stdfs::path& p = it->path();
    struct stat st;
    if (lstat(p.c_str(), &st) != 0) continue;
    HostEntry e{};
    e.mode = st.st_mode & 07777;
    e.mtime = st.st_mtim.tv_sec;
    if (S_ISDIR(st.st_mode)) {
      e.type = 'd';
    } else if (S_ISLNK(st.st_mode)) {
      e.type = 'l';
      e.content = stdfs::read_symlink(p).string();
    } else {
      e.type = 'f';
      std::ifstream in(p, std::ios::binary);
      e.content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    out["/" + p.lexically_relative(root).string()] = e;
  }
  return out;
}

std::map<std::string, HostEntry> ScanImage(const fs::BlockDevice& device, const fs::ImageTree& t) {
  std::map<std::string, HostEntry> out;
  std::vector<fs::NodeId> stack{fs::kRootNode};
  while (!stack.empty()) {
    fs::NodeId dir = stack.back();
    stack.pop_back();
    for (fs::NodeId c : t.tree.children(dir)) {
      const fs::Node& n = t.tree.node(c);
      HostEntry e{};
      e.mode = n.mode & 07777;
      e.mtime = n.mtime.seconds;
      if (n.type == fs::NodeType::kDirectory) {
        e.type = 'd';
        stack.push_back(c);
      } else if (n.type == fs::NodeType::kSymlink) {
        e.type = 'l';
        e.content = std::string(t.tree.symlink_target(c));
      } else {
        e.type = 'f';
        std::vector<std::uint8_t> data(t.tree.content(c).size);
        EXPECT_TRUE(fs::ReadFileData(device, t, c, 0, data)) << t.tree.Path(c);
        e.content.assign(data.begin(), data.end());
      }
      out[t.tree.Path(c)] = e;
    }
  }
  return out;
}

class ReaderTools : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mkimg-reader-tools-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    src_ = dir_ / "src";
    stdfs::create_directories(src_ / "a/b/c/d/e/f/g/h/i/j");
    stdfs::create_directories(src_ / "empty");
    stdfs::create_directories(src_ / "unicode");
    Write(src_ / "hello.txt", "hello\n");
    Write(src_ / "a/b/c/d/e/f/g/h/i/j/deep.txt", "deep\n");
    Write(src_ / "unicode/caf\xC3\xA9-\xE6\x97\xA5\xE6\x9C\xAC.txt", "unicode\n");
    Write(src_ / (std::string(60, 'L') + ".txt"), "long\n");
    std::string random(200000, '\0');
    for (std::size_t i = 0; i < random.size(); ++i)
      random[i] = static_cast<char>((i * 2654435761u) >> 13);
    Write(src_ / "data.bin", random);
    Write(src_ / "sparse.bin", std::string(300000, '\0'));
    stdfs::create_symlink("hello.txt", src_ / "link");
    stdfs::create_symlink("../../nowhere", src_ / "a/dangling");
    chmod((src_ / "hello.txt").c_str(), 0640);
    chmod((src_ / "data.bin").c_str(), 0755);
    // Fixed times: directories last, since adding entries changes them.
    std::vector<stdfs::path> all;
    for (auto& e : stdfs::recursive_directory_iterator(src_)) all.push_back(e.path());
    all.push_back(src_);
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      struct timespec times[2] = {{1600000000, 0}, {1600000000, 0}};
      utimensat(AT_FDCWD, it->c_str(), times, AT_SYMLINK_NOFOLLOW);
    }
  }
  void TearDown() override { stdfs::remove_all(dir_); }

  static void Write(const stdfs::path& p, const std::string& s) {
    std::ofstream out(p, std::ios::binary);
    out << s;
  }

  std::string Make(const std::string& tool, const std::string& args) {
    const std::string image = (dir_ / (tool + ".iso")).string();
    const std::string cmd =
        tool + " " + args + " -o '" + image + "' '" + src_.string() + "' >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    return image;
  }

  // The Rock Ridge tree must equal the source; genisoimage adds an empty rr_moved.
  void CheckRockRidge(const std::string& image) {
    auto device = fs::OpenImageFile(image);
    ASSERT_TRUE(device);
    auto reader = fs::ImageReader::Open(std::move(*device));
    ASSERT_TRUE(reader) << reader.error().ToString();
    ASSERT_EQ((*reader)->BestNamespace(), fs::Namespace::kRockRidge);
    auto t = (*reader)->ReadTree(fs::Namespace::kRockRidge);
    ASSERT_TRUE(t) << t.error().ToString();
    auto got = ScanImage((*reader)->device(), *t);
    got.erase("/rr_moved");
    auto want = ScanHost(src_);
    for (const auto& [path, g] : got) EXPECT_TRUE(want.count(path)) << "extra entry " << path;
    ASSERT_EQ(got.size(), want.size());
    for (const auto& [path, w] : want) {
      auto it = got.find(path);
      ASSERT_NE(it, got.end()) << path;
      EXPECT_EQ(it->second.type, w.type) << path;
      EXPECT_EQ(it->second.content, w.content) << path;
      EXPECT_EQ(it->second.mode, w.mode) << path;
      if (w.type != 'd') {
        EXPECT_EQ(it->second.mtime, w.mtime) << path;
      }
    }
    auto problems = fs::VerifyImage(**reader);
    ASSERT_TRUE(problems);
    EXPECT_TRUE(problems->empty()) << problems->front();

    // Extraction reproduces the source.
    const stdfs::path out = dir_ / "out";
    stdfs::remove_all(out);
    stdfs::create_directory(out);
    int fd = open(out.c_str(), O_RDONLY | O_DIRECTORY);
    ASSERT_GE(fd, 0);
    auto status = fs::Extract((*reader)->device(), *t, fs::kRootNode, fd, out.string());
    close(fd);
    ASSERT_TRUE(status) << status.error().ToString();
    auto extracted = ScanHost(out);
    extracted.erase("/rr_moved");
    ASSERT_EQ(extracted.size(), want.size());
    for (const auto& [path, w] : want) {
      auto it = extracted.find(path);
      ASSERT_NE(it, extracted.end()) << path;
      EXPECT_EQ(it->second.type, w.type) << path;
      EXPECT_EQ(it->second.content, w.content) << path;
      if (w.type != 'l') {
        EXPECT_EQ(it->second.mode, w.mode) << path;
      }
      EXPECT_EQ(it->second.mtime, w.mtime) << path;
    }
    struct stat st;
    ASSERT_EQ(stat((out / "sparse.bin").c_str(), &st), 0);
    EXPECT_LT(st.st_blocks * 512, 300000) << "zero runs should become holes";
  }

  // Every file of the source is in the namespace with its bytes (names as given).
  void CheckFiles(const std::string& image, fs::Namespace ns, bool symlinks_as_files) {
    auto device = fs::OpenImageFile(image);
    ASSERT_TRUE(device);
    auto reader = fs::ImageReader::Open(std::move(*device));
    ASSERT_TRUE(reader) << reader.error().ToString();
    auto t = (*reader)->ReadTree(ns);
    ASSERT_TRUE(t) << t.error().ToString();
    auto got = ScanImage((*reader)->device(), *t);
    for (const auto& [path, w] : ScanHost(src_)) {
      if (w.type == 'l' && !symlinks_as_files) continue;
      auto it = got.find(path);
      ASSERT_NE(it, got.end()) << path;
      if (w.type == 'f') {
        EXPECT_EQ(it->second.content, w.content) << path;
      }
    }
  }

  stdfs::path dir_, src_;
};

TEST_F(ReaderTools, Xorriso) {
  if (!HaveTool("xorriso"))
    MKIMG_MISSING_TOOL() << "xorriso is not installed (Debian package xorriso)";
  const std::string image = Make("xorriso", "-as mkisofs -R -J -joliet-long");
  CheckRockRidge(image);
  CheckFiles(image, fs::Namespace::kJoliet, false);
}

TEST_F(ReaderTools, Genisoimage) {
  if (!HaveTool("genisoimage"))
    MKIMG_MISSING_TOOL() << "genisoimage is not installed (Debian package genisoimage)";
  const std::string image = Make("genisoimage", "-R -J -joliet-long");
  CheckRockRidge(image);
  CheckFiles(image, fs::Namespace::kJoliet, false);
}

TEST_F(ReaderTools, GenisoimageUdf) {
  if (!HaveTool("genisoimage"))
    MKIMG_MISSING_TOOL() << "genisoimage is not installed (Debian package genisoimage)";
  const std::string image = Make("genisoimage", "-R -J -joliet-long -udf");
  CheckRockRidge(image);
  // genisoimage writes symlinks into UDF as empty files (READER-QUIRKS.md).
  auto device = fs::OpenImageFile(image);
  ASSERT_TRUE(device);
  auto reader = fs::ImageReader::Open(std::move(*device));
  ASSERT_TRUE(reader);
  ASSERT_TRUE((*reader)->volume().udf.has_value());
  EXPECT_EQ((*reader)->volume().udf->revision, "1.02");
  CheckFiles(image, fs::Namespace::kUdf, false);
}

TEST_F(ReaderTools, MkudffsEmptyVolume) {
  if (!HaveTool("mkudffs"))
    MKIMG_MISSING_TOOL() << "mkudffs is not installed (Debian package udftools)";
  const std::string image = (dir_ / "udf.img").string();
  ASSERT_EQ(
      std::system(("truncate -s 2M '" + image + "' && mkudffs --media-type=hd --udfrev=0x0201 '" +
                   image + "' >/dev/null 2>&1")
                      .c_str()),
      0);
  auto device = fs::OpenImageFile(image);
  ASSERT_TRUE(device);
  auto reader = fs::ImageReader::Open(std::move(*device));
  ASSERT_TRUE(reader) << reader.error().ToString();
  ASSERT_TRUE((*reader)->volume().udf.has_value());
  EXPECT_EQ((*reader)->volume().udf->block_size, 512u);
  EXPECT_EQ((*reader)->volume().udf->revision, "2.01");
  auto t = (*reader)->ReadTree(fs::Namespace::kUdf);
  ASSERT_TRUE(t) << t.error().ToString();
  auto problems = fs::VerifyImage(**reader);
  ASSERT_TRUE(problems);
  EXPECT_TRUE(problems->empty()) << problems->front();
}

// UDF 2.50/2.60 metadata partitions written by tests/udf_metadata/make_udf_metadata.py
// (the full check against libudfread, udfclient and 7-Zip is tests/udf_metadata/).
std::string MakeUdfMetadata(const std::filesystem::path& dir, const std::string& args) {
  const std::string image = (dir / "meta.udf").string();
  const std::string cmd = "/usr/bin/python3 '" MKIMG_SOURCE_DIR
                          "/tests/udf_metadata/make_udf_metadata.py' '" +
                          image + "' " + args;
  return std::system(cmd.c_str()) == 0 ? image : std::string();
}

TEST_F(ReaderTools, UdfMetadataMirrorStandsInForADamagedMetadataExtent) {
  if (!HaveTool("python3")) MKIMG_MISSING_TOOL() << "python3 is not installed";
  // The metadata file's entry is intact, its extent is garbage: OSTA UDF 2.2.13.2.
  const std::string image = MakeUdfMetadata(dir_, "--corrupt-main-metadata=data");
  ASSERT_FALSE(image.empty());
  auto device = fs::OpenImageFile(image);
  ASSERT_TRUE(device);
  auto reader = fs::ImageReader::Open(std::move(*device));
  ASSERT_TRUE(reader) << reader.error().ToString();
  ASSERT_TRUE((*reader)->volume().udf.has_value());
  EXPECT_TRUE((*reader)->volume().udf->metadata_mirror);
  bool warned = false;
  for (const auto& w : (*reader)->volume().warnings)
    warned |= w.find("using its mirror") != std::string::npos;
  EXPECT_TRUE(warned);
  auto t = (*reader)->ReadTree(fs::Namespace::kUdf);
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_GT(t->tree.size(), 10u);
}

TEST_F(ReaderTools, UdfAnchorAtLastSectorMinus256) {
  if (!HaveTool("python3")) MKIMG_MISSING_TOOL() << "python3 is not installed";
  // ECMA-167 3/8.4.2.1: N - 256 with N the last sector, i.e. sectors - 257.
  const std::string image = MakeUdfMetadata(dir_, "--second-anchor n-257 --damage-anchor-256");
  ASSERT_FALSE(image.empty());
  const auto sectors = std::filesystem::file_size(image) / 2048;
  auto device = fs::OpenImageFile(image);
  ASSERT_TRUE(device);
  auto reader = fs::ImageReader::Open(std::move(*device));
  ASSERT_TRUE(reader) << reader.error().ToString();
  ASSERT_TRUE((*reader)->volume().udf.has_value());
  EXPECT_EQ((*reader)->volume().udf->anchor_lba, sectors - 257);
}

TEST_F(ReaderTools, BootableHybridImage) {
  if (!HaveTool("xorriso"))
    MKIMG_MISSING_TOOL() << "xorriso is not installed (Debian package xorriso)";
  Write(src_ / "boot.img", std::string(2048, '\x90'));
  Write(src_ / "efi.img", std::string(65536, '\0'));
  const std::string image = Make(
      "xorriso",
      "-as mkisofs -R -J -b boot.img -no-emul-boot -boot-load-size 4 -eltorito-alt-boot -e efi.img "
      "-no-emul-boot -append_partition 2 0xef '" +
          (src_ / "efi.img").string() + "' -appended_part_as_gpt");
  auto device = fs::OpenImageFile(image);
  ASSERT_TRUE(device);
  auto reader = fs::ImageReader::Open(std::move(*device));
  ASSERT_TRUE(reader) << reader.error().ToString();
  const fs::ImageInfo& v = (*reader)->volume();
  ASSERT_TRUE(v.boot_catalog.has_value());
  ASSERT_EQ(v.boot_catalog->entries.size(), 2u);
  EXPECT_EQ(v.boot_catalog->entries[0].platform, "x86");
  EXPECT_EQ(v.boot_catalog->entries[0].sector_count, 4u);
  EXPECT_EQ(v.boot_catalog->entries[1].platform, "efi");
  bool esp = false;
  for (const auto& p : v.partitions)
    esp |= p.scheme == "gpt" && p.type.find("EFI System") != std::string::npos;
  EXPECT_TRUE(esp);
  EXPECT_TRUE(v.warnings.empty()) << v.warnings.front();
}

}  // namespace

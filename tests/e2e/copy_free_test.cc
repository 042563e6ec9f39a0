// Copy-free builds (specs/layout.md, "Data alignment"): on a file system with shared
// extents (XFS with reflink, btrfs), made on a loop device at test time, an image of large
// files shares their blocks with the sources — FIEMAP (filefrag -v) flags its data extents
// "shared" and the file system's free space barely moves —, reads back exactly through
// xorriso and mkimg, and stays unchanged when a source is rewritten afterwards; with
// `--align-data 0` nothing is shared. Needs root, a loop device and mkfs.xfs / mkfs.btrfs:
// skipped naming what is missing on a developer's machine, a failure in CI.
#include <gtest/gtest.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/e2e/harness.h"
#include "tests/missing_tool.h"

namespace e2e {
namespace {

namespace stdfs = std::filesystem;

std::string Slurp(const stdfs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

std::string Random(std::size_t n, std::uint32_t seed) {
  std::string s(n, '\0');
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (std::size_t i = 0; i < n; i += 8) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    for (std::size_t k = 0; k < 8 && i + k < n; ++k) s[i + k] = static_cast<char>(x >> (8 * k));
  }
  return s;
}

std::uint64_t FreeBytes(const stdfs::path& p) {
  struct statvfs st {};
  if (statvfs(p.c_str(), &st) != 0) return 0;
  return std::uint64_t{st.f_bavail} * st.f_frsize;
}

// A file system of `type` on a loop device, mounted under a scratch folder for the test.
class LoopMount {
 public:
  LoopMount(const std::string& type, const std::string& mkfs) : dir_("loop-" + type) {
    const stdfs::path image = dir_.path() / "fs.img";
    mount_ = dir_.path() / "mnt";
    stdfs::create_directories(mount_);
    const std::string cmd = "truncate -s 600M '" + image.string() + "' && " + mkfs + " '" +
                            image.string() + "' >/dev/null 2>&1 && mount -o loop '" +
                            image.string() + "' '" + mount_.string() + "' 2>/dev/null";
    mounted_ = std::system(cmd.c_str()) == 0;
  }
  ~LoopMount() {
    if (mounted_) (void)std::system(("umount '" + mount_.string() + "'").c_str());
  }
  bool mounted() const { return mounted_; }
  const stdfs::path& path() const { return mount_; }

 private:
  TempDir dir_;
  stdfs::path mount_;
  bool mounted_ = false;
};

struct FsCase {
  const char* type;
  const char* mkfs;  // the command, given the image path
};

class CopyFree : public ::testing::TestWithParam<FsCase> {};

TEST_P(CopyFree, LargeFilesShareTheirBlocksWithTheSources) {
  const FsCase fc = GetParam();
  const std::string mkfs_tool = std::string(fc.mkfs).substr(0, std::string(fc.mkfs).find(' '));
  if (geteuid() != 0) {
    MKIMG_MISSING_TOOL() << "needs root to mount a loop device";
  }
  if (!HaveTool(mkfs_tool) || !HaveTool("filefrag") || !HaveTool("xorriso")) {
    MKIMG_MISSING_TOOL() << "needs " << mkfs_tool << ", filefrag and xorriso";
  }
  LoopMount fs(fc.type, fc.mkfs);
  if (!fs.mounted()) {
    MKIMG_MISSING_TOOL() << "cannot mount " << fc.type << " on a loop device";
  }
  const stdfs::path src = fs.path() / "src";
  stdfs::create_directories(src / "sub");
  // Three large files (their data lands on 2 KiB but not 4 KiB boundaries without
  // alignment, thanks to the small files between them) and small ones.
  const std::vector<std::pair<std::string, std::string>> files = {
      {"a.txt", "small\n"},
      {"big1.bin", Random(24 << 20, 1)},
      {"m.txt", std::string(3000, 'm')},
      {"sub/big2.bin", Random((24 << 20) + 123, 2)},
      {"sub/big3.bin", Random(16 << 20, 3)},
  };
  for (const auto& [name, bytes] : files) {
    std::ofstream(src / name, std::ios::binary) << bytes;
  }
  ASSERT_EQ(std::system("sync"), 0);

  const stdfs::path image = fs.path() / "img.iso";
  const std::uint64_t free_before = FreeBytes(fs.path());
  RunResult built = e2e::Run({MkimgPath(), "build", "-o", image.string(), src.string()});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  ASSERT_EQ(std::system("sync"), 0);
  const std::uint64_t used = free_before - FreeBytes(fs.path());
  const std::uint64_t size = stdfs::file_size(image);
  EXPECT_LT(used, size / 20) << "the image took " << used << " of its " << size << " bytes";

  RunResult frag = e2e::Run({"filefrag", "-v", image.string()});
  ASSERT_EQ(frag.exit_code, 0) << frag.err;
  std::size_t shared = 0;
  for (std::size_t at = frag.out.find("shared"); at != std::string::npos;
       at = frag.out.find("shared", at + 1)) {
    ++shared;
  }
  EXPECT_GE(shared, 3u) << frag.out;

  // Read back exactly by an independent reader and by mkimg.
  const stdfs::path out = fs.path() / "xorriso-out";
  RunResult x = e2e::Run({"xorriso", "-indev", image.string(), "-osirrox", "on", "-extract", "/",
                     out.string()});
  ASSERT_EQ(x.exit_code, 0) << x.err;
  for (const auto& [name, bytes] : files) EXPECT_EQ(Slurp(out / name), bytes) << name;
  RunResult v = e2e::Run({MkimgPath(), "verify", image.string()});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;

  // A source rewritten in place after the build leaves the image as it was.
  const std::string before = Slurp(image);
  {
    std::fstream f(src / "big1.bin", std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(4096);
    f << std::string(8192, 'X');
  }
  ASSERT_EQ(std::system("sync"), 0);
  EXPECT_TRUE(Slurp(image) == before) << "the image changed with its source";

  // Without alignment the same tree shares nothing that starts off a 4 KiB boundary.
  const stdfs::path unaligned = fs.path() / "unaligned.iso";
  RunResult b0 = e2e::Run({MkimgPath(), "build", "--align-data", "0", "-o", unaligned.string(),
                      src.string()});
  ASSERT_EQ(b0.exit_code, 0) << b0.err;
  RunResult frag0 = e2e::Run({"filefrag", "-v", unaligned.string()});
  std::size_t shared0 = 0;
  for (std::size_t at = frag0.out.find("shared"); at != std::string::npos;
       at = frag0.out.find("shared", at + 1)) {
    ++shared0;
  }
  EXPECT_LT(shared0, 3u) << frag0.out;
}

INSTANTIATE_TEST_SUITE_P(Filesystems, CopyFree,
                         ::testing::Values(FsCase{"xfs", "mkfs.xfs -q -m reflink=1"},
                                           FsCase{"btrfs", "mkfs.btrfs -q"}),
                         [](const auto& param_info) { return std::string(param_info.param.type); });

}  // namespace
}  // namespace e2e

// The FAT images of fs/src/fat (the EFI system partition builder) against independent
// implementations: dosfstools' fsck.fat must find nothing to repair, and mtools must list
// and copy out exactly the host tree (names with their case and Unicode, sizes, bytes),
// for FAT12, FAT16 and FAT32, for fitted and for fixed sizes. Skipped naming the tool on a
// developer's machine without it; a failure in CI (tests/missing_tool.h).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/crc.h"
#include "fat/fat_image.h"
#include "tests/missing_tool.h"

namespace {

namespace stdfs = std::filesystem;
using fs::fat::BuildFatImage;
using fs::fat::FatImageOptions;
using fs::fat::FatType;

bool HaveTool(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

// Runs a shell command with mtools and the names it prints in UTF-8, whatever the
// caller's locale; returns its exit status and output.
int RunShell(const std::string& command, std::string* output) {
  const std::string full = "LC_ALL=C.UTF-8 MTOOLS_SKIP_CHECK=1 " + command + " 2>&1";
  FILE* p = popen(full.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  std::size_t n;
  output->clear();
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) output->append(buf, n);
  const int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class Scratch {
 public:
  Scratch() {
    std::string tmpl = (stdfs::temp_directory_path() / "mkimg-fat-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~Scratch() {
    std::error_code ec;
    stdfs::remove_all(path_, ec);
  }
  const stdfs::path& path() const { return path_; }

 private:
  stdfs::path path_;
};

void WriteFile(const stdfs::path& p, const std::string& bytes) {
  stdfs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

std::string Pattern(std::size_t size, unsigned seed) {
  std::string s(size, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  for (char& c : s) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

// A tree with what FAT readers get wrong: long and Unicode names (in the BMP: mtools 4.0
// cannot store or show characters outside it, specs/fat.md; 7-Zip checks those below), names that
// are valid 8.3 in upper and lower case, names whose short forms collide, an empty file and an
// empty folder, files of exactly one cluster and of many, and a folder with more entries than one
// cluster holds.
void MakeTree(const stdfs::path& root) {
  WriteFile(root / "EFI/BOOT/BOOTX64.EFI", Pattern(70000, 1));
  WriteFile(root / "EFI/BOOT/grub.cfg", "set timeout=0\n");
  WriteFile(root / "EFI/Microsoft/Boot/bootmgfw.efi", Pattern(4096, 2));
  WriteFile(root / "A long file name with spaces.txt", "spaces\n");
  WriteFile(root /
                "Gr\xc3\xbc\xc3\x9f"
                "e \xe6\x97\xa5\xe6\x9c\xac.bin",
            "unicode\n");
  WriteFile(root / "collide one.txt", "1\n");
  WriteFile(root / "collide two.txt", "2\n");
  WriteFile(root / "README", "upper 8.3\n");
  WriteFile(root / "empty.dat", "");
  WriteFile(root / (std::string(200, 'n') + ".txt"), "long\n");
  stdfs::create_directories(root / "empty folder");
  for (int i = 0; i < 150; ++i) {
    WriteFile(root / "many" / ("entry number " + std::to_string(i) + ".cfg"), std::to_string(i));
  }
}

// path -> "size:CRC-32" of every file, "dir" of every folder: short enough to print
// when it differs.
std::map<std::string, std::string> ReadTree(const stdfs::path& root) {
  std::map<std::string, std::string> out;
  for (auto it = stdfs::recursive_directory_iterator(root);
       it != stdfs::recursive_directory_iterator(); ++it) {
    const std::string rel = it->path().lexically_relative(root).string();
    if (it->is_directory()) {
      out[rel] = "dir";
    } else {
      std::ifstream in(it->path(), std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
      out[rel] = std::to_string(bytes.size()) + ":" +
                 std::to_string(base::Crc32(std::span<const std::uint8_t>(data, bytes.size())));
    }
  }
  return out;
}

void WriteImage(const stdfs::path& p, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

struct Case {
  const char* name;
  FatType type;
  std::uint64_t size;
  int bits;  // the type the image must have
};

class FatTools : public ::testing::TestWithParam<Case> {};

TEST_P(FatTools, FsckFindsNothingAndMtoolsReadsTheTreeBack) {
  if (!HaveTool("fsck.fat")) {
    MKIMG_MISSING_TOOL() << "needs fsck.fat (dosfstools)";
  }
  if (!HaveTool("mcopy")) {
    MKIMG_MISSING_TOOL() << "needs mcopy (mtools)";
  }
  const Case c = GetParam();
  Scratch tmp;
  const stdfs::path src = tmp.path() / "src";
  MakeTree(src);
  FatImageOptions options;
  options.type = c.type;
  options.size_bytes = c.size;
  options.timestamp = 1767225600;  // 2026-01-01
  auto image = BuildFatImage(src, options);
  ASSERT_TRUE(image) << image.error().ToString();
  if (c.size != 0) {
    EXPECT_EQ(image->size(), c.size);
  }
  EXPECT_EQ(image->size() % 2048, 0u);
  // The type is what the cluster count says (FAT 1.03 "FAT Type Determination"), read
  // here from the BPB's own fields rather than the informational type string.
  const std::uint8_t* b = image->data();
  const std::uint32_t spc = b[13];
  const std::uint32_t reserved = base::LoadLe16(b + 14);
  const std::uint32_t root_secs = (base::LoadLe16(b + 17) * 32u + 511) / 512;
  const std::uint32_t fat =
      base::LoadLe16(b + 22) ? base::LoadLe16(b + 22) : base::LoadLe32(b + 36);
  const std::uint32_t total =
      base::LoadLe16(b + 19) ? base::LoadLe16(b + 19) : base::LoadLe32(b + 32);
  const std::uint32_t clusters = (total - reserved - 2 * fat - root_secs) / spc;
  const int bits = clusters < 4085 ? 12 : clusters < 65525 ? 16 : 32;
  EXPECT_EQ(bits, c.bits) << clusters << " clusters";

  const stdfs::path img = tmp.path() / "esp.img";
  WriteImage(img, *image);
  std::string out;
  EXPECT_EQ(RunShell("fsck.fat -n -V '" + img.string() + "'", &out), 0) << out;
  EXPECT_EQ(out.find("differ"), std::string::npos) << out;
  const stdfs::path back = tmp.path() / "back";
  stdfs::create_directories(back);
  ASSERT_EQ(RunShell("mcopy -s -n -i '" + img.string() + "' '::*' '" + back.string() + "'", &out),
            0)
      << out;
  EXPECT_EQ(ReadTree(back), ReadTree(src));
  // The label and the dates: mdir prints the volume label and 2026-01-01 for every entry.
  ASSERT_EQ(RunShell("mdir -i '" + img.string() + "' ::/EFI/BOOT", &out), 0) << out;
  EXPECT_NE(out.find("EFISYS"), std::string::npos) << out;
  EXPECT_NE(out.find("2026-01-01"), std::string::npos) << out;
}

INSTANTIATE_TEST_SUITE_P(Types, FatTools,
                         ::testing::Values(Case{"fitted_auto", FatType::kAuto, 0, 12},
                                           Case{"fitted_fat16", FatType::kFat16, 0, 16},
                                           Case{"fitted_fat32", FatType::kFat32, 0, 32},
                                           Case{"sized_fat12", FatType::kFat12, 1440 * 1024, 12},
                                           Case{"sized_auto_16m", FatType::kAuto, 16 << 20, 16},
                                           Case{"sized_auto_64m", FatType::kAuto, 64 << 20, 32}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// Names outside the BMP are stored as UTF-16 surrogate pairs (FAT 1.03 long names are
// UTF-16); 7-Zip reads them back whole.
TEST(FatImage, SevenZipReadsNamesOutsideTheBmp) {
  if (!HaveTool("7zz")) {
    MKIMG_MISSING_TOOL() << "needs 7zz (7zip)";
  }
  Scratch tmp;
  const std::string name = "smile \xf0\x9f\x98\x80 \xe6\x97\xa5.txt";
  WriteFile(tmp.path() / "src" / name, "smile\n");
  FatImageOptions options;
  auto image = BuildFatImage(tmp.path() / "src", options);
  ASSERT_TRUE(image) << image.error().ToString();
  const stdfs::path img = tmp.path() / "esp.img";
  WriteImage(img, *image);
  std::string out;
  ASSERT_EQ(RunShell("7zz l -slt '" + img.string() + "'", &out), 0) << out;
  EXPECT_NE(out.find("Path = " + name), std::string::npos) << out;
  ASSERT_EQ(
      RunShell("7zz x -y -o'" + (tmp.path() / "x").string() + "' '" + img.string() + "'", &out), 0)
      << out;
  std::ifstream in(tmp.path() / "x" / name);
  std::string back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(back, "smile\n");
}

TEST(FatImage, SameTreeSameBytesWhateverTheCreationOrder) {
  Scratch a, b;
  WriteFile(a.path() / "x/one.txt", "1");
  WriteFile(a.path() / "x/two.txt", "2");
  WriteFile(a.path() / "Zed", "z");
  WriteFile(b.path() / "Zed", "z");
  WriteFile(b.path() / "x/two.txt", "2");
  WriteFile(b.path() / "x/one.txt", "1");
  FatImageOptions options;
  options.timestamp = 1767225600;
  auto ia = BuildFatImage(a.path(), options);
  auto ib = BuildFatImage(b.path(), options);
  ASSERT_TRUE(ia && ib);
  EXPECT_EQ(*ia, *ib);
  // A different timestamp or content gives different bytes (and serial).
  options.timestamp += 2;
  auto ic = BuildFatImage(a.path(), options);
  ASSERT_TRUE(ic);
  EXPECT_NE(*ia, *ic);
}

TEST(FatImage, RefusesWhatFatCannotHold) {
  {
    Scratch t;
    WriteFile(t.path() / "Name", "a");
    WriteFile(t.path() / "NAME", "b");
    auto r = BuildFatImage(t.path(), {});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().what().find("case"), std::string::npos) << r.error().ToString();
  }
  {
    Scratch t;
    WriteFile(t.path() / "target", "a");
    stdfs::create_symlink("target", t.path() / "link");
    auto r = BuildFatImage(t.path(), {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().where(), (t.path() / "link").string());
  }
  {
    Scratch t;
    WriteFile(t.path() / "a:b", "a");
    EXPECT_FALSE(BuildFatImage(t.path(), {}));
  }
  {
    Scratch t;
    WriteFile(t.path() / "big", Pattern(2 << 20, 3));
    FatImageOptions options;
    options.size_bytes = 1440 * 1024;
    auto r = BuildFatImage(t.path(), options);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().what().find("does not fit"), std::string::npos);
    options.size_bytes = 1000;
    EXPECT_FALSE(BuildFatImage(t.path(), options));
  }
  {
    Scratch t;
    FatImageOptions options;
    options.label = "lower case ok but too long";
    EXPECT_FALSE(BuildFatImage(t.path(), options));
    options.label = "BAD*LABEL";
    EXPECT_FALSE(BuildFatImage(t.path(), options));
  }
}

}  // namespace

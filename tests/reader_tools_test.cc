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
#include "udf/udf_vat_builder.h"

namespace {

namespace stdfs = std::filesystem;

// The writers and readers run here (xorriso, genisoimage, isoinfo, udfclient) print and
// parse non-ASCII names according to the locale: every child runs in UTF-8, whatever the
// caller's environment (`env -i` leaves the C locale).
class Utf8Children : public ::testing::Environment {
 public:
  void SetUp() override { ASSERT_EQ(setenv("LC_ALL", "C.UTF-8", 1), 0); }
};
[[maybe_unused]] ::testing::Environment* const kUtf8Children =
    ::testing::AddGlobalTestEnvironment(new Utf8Children);

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

std::map<std::string, HostEntry> ScanImage(const base::BlockDevice& device,
                                           const fs::ImageTree& t) {
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
    auto device = base::OpenImageFile(image);
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
    auto device = base::OpenImageFile(image);
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
  // genisoimage writes symlinks into UDF as empty files (specs/verification.md).
  auto device = base::OpenImageFile(image);
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
  auto device = base::OpenImageFile(image);
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

// CRC-ITU-T of ECMA-167 3/7.2.6, to re-seal a descriptor after damaging it.
std::uint16_t Crc(const std::string& data) {
  std::uint16_t crc = 0;
  for (char ch : data) {
    crc = static_cast<std::uint16_t>(crc ^ (static_cast<unsigned char>(ch) << 8));
    for (int k = 0; k < 8; ++k)
      crc = static_cast<std::uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
  }
  return crc;
}

// Recomputes the CRC and checksum of the descriptor tag at `off`.
void Reseal(std::string* img, std::size_t off) {
  auto u16 = [&](std::size_t p) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>((*img)[p]) |
                                      static_cast<unsigned char>((*img)[p + 1]) << 8);
  };
  const std::uint16_t crc = Crc(img->substr(off + 16, u16(off + 10)));
  (*img)[off + 8] = static_cast<char>(crc & 0xFF);
  (*img)[off + 9] = static_cast<char>(crc >> 8);
  unsigned sum = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i != 4) sum += static_cast<unsigned char>((*img)[off + i]);
  }
  (*img)[off + 4] = static_cast<char>(sum & 0xFF);
}

// Sequentially recorded media: mkudffs writes a VAT volume (virtual partition over a type
// 1 partition, the VAT's file entry as the last block) for CD-R, DVD-R and BD-R, in the
// 2.00+ format and, with --udfrev=1.50, the old one. No Debian tool adds files to such an
// image: udfclient 0.8.11 says "write out virtual sectors, compile VAT and write out VAT:
// not implemented", and wrudf's CD-R mode on an image file wants block 512 to be both a
// volume descriptor pointer and an anchor. So the real images checked here have an empty
// root; the reading of files through the VAT is unit-tested on crafted volumes
// (fs/src/udf/udf_vat_test.cc). udfinfo (same package) gives the VAT's block.
TEST_F(ReaderTools, MkudffsVatVolumes) {
  if (!HaveTool("mkudffs") || !HaveTool("udfinfo"))
    MKIMG_MISSING_TOOL() << "mkudffs/udfinfo are not installed (Debian package udftools)";
  struct Case {
    const char* options;
    const char* revision;
    const char* vat_format;
  };
  for (const Case& c : {Case{"--media-type=cdr", "2.01", "2.00"},
                        Case{"--media-type=cdr --udfrev=1.50", "1.50", "1.50"},
                        Case{"--media-type=cdr --closed", "2.01", "2.00"},
                        Case{"--media-type=dvdr", "2.01", "2.00"},
                        Case{"--media-type=bdr --udfrev=2.50", "2.50", "2.00"},
                        Case{"--media-type=bdr --udfrev=2.60", "2.60", "2.00"}}) {
    SCOPED_TRACE(c.options);
    const std::string image = (dir_ / "vat.img").string();
    stdfs::remove(image);
    ASSERT_EQ(std::system(("mkudffs --new-file " + std::string(c.options) + " --label=VATVOL '" +
                           image + "' 4000 >/dev/null 2>&1")
                              .c_str()),
              0);
    const std::string udfinfo = (dir_ / "udfinfo.txt").string();
    ASSERT_EQ(std::system(("udfinfo '" + image + "' >'" + udfinfo + "' 2>/dev/null").c_str()), 0);
    std::ifstream in(udfinfo);
    std::string line;
    long vatblock = -1;
    while (std::getline(in, line)) {
      if (line.rfind("vatblock=", 0) == 0) vatblock = std::stol(line.substr(9));
    }
    ASSERT_GE(vatblock, 0) << "udfinfo printed no vatblock=";
    auto device = base::OpenImageFile(image);
    ASSERT_TRUE(device);
    auto reader = fs::ImageReader::Open(std::move(*device));
    ASSERT_TRUE(reader) << reader.error().ToString();
    ASSERT_TRUE((*reader)->volume().udf.has_value());
    const fs::UdfInfo& u = *(*reader)->volume().udf;
    EXPECT_TRUE(u.virtual_partition);
    EXPECT_EQ(u.revision, c.revision);
    EXPECT_EQ(u.logical_volume_id, "VATVOL");
    EXPECT_EQ(u.vat_lba, static_cast<std::uint32_t>(vatblock));
    EXPECT_EQ(u.vat_lba, stdfs::file_size(image) / 2048 - 1);
    EXPECT_EQ(u.vat_format, c.vat_format);
    EXPECT_EQ(u.vat_entries, 2u);  // the file set descriptor and the root
    EXPECT_EQ(u.directories, 1u);
    EXPECT_EQ(u.files, 0u);
    auto t = (*reader)->ReadTree(fs::Namespace::kUdf);
    ASSERT_TRUE(t) << t.error().ToString();
    EXPECT_TRUE(t->tree.children(fs::kRootNode).empty());
    auto problems = fs::VerifyImage(**reader);
    ASSERT_TRUE(problems);
    EXPECT_TRUE(problems->empty()) << problems->front();
  }
}

// The real mkudffs CD-R image, damaged: every damage is kCorruptImage naming the VAT.
TEST_F(ReaderTools, MkudffsVatDamaged) {
  if (!HaveTool("mkudffs"))
    MKIMG_MISSING_TOOL() << "mkudffs is not installed (Debian package udftools)";
  const std::string image = (dir_ / "vat.img").string();
  ASSERT_EQ(
      std::system(
          ("mkudffs --new-file --media-type=cdr '" + image + "' 4000 >/dev/null 2>&1").c_str()),
      0);
  std::string good;
  {
    std::ifstream in(image, std::ios::binary);
    good.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_EQ(good.size() % 2048, 0u);
  const std::size_t vat_sector = good.size() / 2048 - 1;
  const std::size_t vat = vat_sector * 2048;
  ASSERT_EQ(static_cast<unsigned char>(good[vat]), 266 & 0xFF);  // an extended file entry
  ASSERT_EQ(static_cast<unsigned char>(good[vat + 27]), 248);    // of the VAT
  // The table is embedded: EFE header 216 bytes, no extended attributes, 152-byte header.
  ASSERT_EQ(good[vat + 208], 0);
  const std::size_t entries = vat + 216 + 152;
  const std::uint32_t partition_start =
      static_cast<std::uint32_t>(vat_sector) - static_cast<unsigned char>(good[vat + 12]);
  auto open = [&](const std::string& bytes) {
    auto reader = fs::ImageReader::Open(base::MemoryBlockDevice(
        std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size())));
    if (!reader) return reader.error();
    auto t = (*reader)->ReadTree(fs::Namespace::kUdf);
    if (!t) return t.error();
    return base::Error(base::ErrorCode::kIo, "", "read without error");
  };
  const std::string vat_where =
      "LBA " + std::to_string(vat_sector) + ": UDF virtual allocation table";
  {
    SCOPED_TRACE("the VAT block cut off");
    const base::Error e = open(good.substr(0, vat));
    EXPECT_EQ(e.code(), base::ErrorCode::kCorruptImage) << e.ToString();
    EXPECT_NE(e.ToString().find("no virtual allocation table"), std::string::npos) << e.ToString();
  }
  {
    SCOPED_TRACE("the root's entry beyond the partition");
    std::string bad = good;
    bad[entries + 4 + 3] = 0x70;
    Reseal(&bad, vat);
    const base::Error e = open(bad);
    EXPECT_EQ(e.code(), base::ErrorCode::kCorruptImage) << e.ToString();
    EXPECT_NE(e.ToString().find(vat_where), std::string::npos) << e.ToString();
    EXPECT_NE(e.ToString().find("beyond partition 0"), std::string::npos) << e.ToString();
  }
  {
    SCOPED_TRACE("the file set descriptor's entry pointing at the VAT itself");
    std::string bad = good;
    const std::uint32_t self = static_cast<std::uint32_t>(vat_sector) - partition_start;
    for (std::size_t i = 0; i < 4; ++i) bad[entries + i] = static_cast<char>(self >> (8 * i));
    Reseal(&bad, vat);
    const base::Error e = open(bad);
    EXPECT_EQ(e.code(), base::ErrorCode::kCorruptImage) << e.ToString();
    EXPECT_NE(e.ToString().find("UDF file set descriptor"), std::string::npos) << e.ToString();
  }
  {
    SCOPED_TRACE("the root's entry unused");
    std::string bad = good;
    for (std::size_t i = 0; i < 4; ++i) bad[entries + 4 + i] = '\xFF';
    Reseal(&bad, vat);
    const base::Error e = open(bad);
    EXPECT_EQ(e.code(), base::ErrorCode::kCorruptImage) << e.ToString();
    EXPECT_NE(e.ToString().find("virtual block 1 is unused"), std::string::npos) << e.ToString();
  }
  {
    SCOPED_TRACE("a table claiming 1 GiB");
    std::string bad = good;
    bad[vat + 56 + 3] = 0x40;  // information length 0x40000000 + the real length
    Reseal(&bad, vat);
    const base::Error e = open(bad);
    EXPECT_EQ(e.code(), base::ErrorCode::kCorruptImage) << e.ToString();
    EXPECT_NE(e.ToString().find("LBA " + std::to_string(vat_sector)), std::string::npos)
        << e.ToString();
  }
}

// The crafted VAT volume (fs/src/udf/udf_vat_builder.h: files through the table,
// both VAT formats) checked against an independent reader: udfclient, which reads a VAT
// only from a disc, gets the files from a virtual CD-R the volume is burnt on with cdrskin
// (through `mkimg emu run`); it must see the names, sizes, times and bytes mkimg reads.
TEST_F(ReaderTools, UdfclientReadsTheCraftedVatVolume) {
  for (const char* tool : {"udfclient", "cdrskin"}) {
    if (!HaveTool(tool))
      MKIMG_MISSING_TOOL() << tool << " is not installed (Debian packages udfclient, cdrskin)";
  }
  const std::string mkimg = std::string(MKIMG_BINARY_DIR) + "/mkimg/mkimg";
  for (bool legacy : {false, true}) {
    SCOPED_TRACE(legacy ? "UDF 1.50 VAT" : "UDF 2.00 VAT");
    fs::testing::VatBuilder b(legacy);
    const std::string image = (dir_ / "crafted.img").string();
    {
      std::ofstream out(image, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(b.bytes().data()),
                static_cast<std::streamsize>(b.bytes().size()));
    }
    // What mkimg reads.
    auto device = base::OpenImageFile(image);
    ASSERT_TRUE(device);
    auto reader = fs::ImageReader::Open(std::move(*device));
    ASSERT_TRUE(reader) << reader.error().ToString();
    auto t = (*reader)->ReadTree(fs::Namespace::kUdf);
    ASSERT_TRUE(t) << t.error().ToString();
    const auto mine = ScanImage((*reader)->device(), *t);
    ASSERT_EQ(mine.size(), 3u);

    // What udfclient reads from the burnt disc.
    const std::string disc = (dir_ / "disc.emu").string();
    const stdfs::path got = dir_ / "udfclient";
    stdfs::remove(disc);
    stdfs::remove_all(got);
    stdfs::create_directory(got);
    const std::string run = "'" + mkimg + "' emu run --drive /dev/sr0='" + disc + "' -- ";
    ASSERT_EQ(std::system(("'" + mkimg + "' emu new cd-r '" + disc + "' >/dev/null").c_str()), 0);
    ASSERT_EQ(
        std::system((run + "cdrskin -tao -multi -data dev=/dev/sr0 '" + image + "' >/dev/null 2>&1")
                        .c_str()),
        0);
    const std::string script = (dir_ / "udfclient.txt").string();
    {
      std::ofstream cmds(script, std::ios::trunc);
      // udfclient names a volume "volume set:primary:logical:file set".
      cmds << "cd VATTEST:VATTEST:VATTEST:VATTEST\nlcd " << got.string() << "\n";
      for (const auto& [path, e] : mine) cmds << "get " << path.substr(1) << "\n";
      cmds << "quit\n";
    }
    ASSERT_EQ(std::system((run + "udfclient /dev/sr0 <'" + script + "' >'" +
                           (dir_ / "udfclient.log").string() + "' 2>&1")
                              .c_str()),
              0);
    const auto theirs = ScanHost(got);
    ASSERT_EQ(theirs.size(), mine.size());
    for (const auto& [path, m] : mine) {
      auto it = theirs.find(path);
      ASSERT_NE(it, theirs.end()) << path;
      EXPECT_EQ(it->second.content.size(), m.content.size()) << path;
      EXPECT_EQ(it->second.content, m.content) << path;
      EXPECT_EQ(it->second.mtime, m.mtime) << path;
    }
    EXPECT_EQ(mine.at("/hello.txt").content, "hello, VAT\n");
    EXPECT_EQ(mine.at("/hello.txt").mtime, 1588748889);  // 2020-05-06 07:08:09 UTC
    EXPECT_EQ(mine.at("/split.bin").content, std::string(2048, 'A') + std::string(1952, 'B'));
  }
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
  auto device = base::OpenImageFile(image);
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
  auto device = base::OpenImageFile(image);
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
  auto device = base::OpenImageFile(image);
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

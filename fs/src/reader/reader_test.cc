// Unit tests of the image readers on crafted images: a minimal ECMA-119 volume built
// byte by byte (PVD at LBA 16, terminator at 17, root directory at 18), then damaged the
// way hostile images are — directory loops, records overrunning their sector, extents
// past the end, SUSP CE loops, Rock Ridge CL cycles, unsafe names — each of which must
// give kCorruptImage naming the structure and LBA (or a warning), never a crash. Also the
// checksums (UDF CRC-ITU, CRC-32), El Torito and GPT parsing, and safe extraction.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "base/bytes.h"
#include "base/crc.h"
#include "eltorito/boot_catalog_reader.h"
#include "fs/image_reader.h"
#include "partition/partition_reader.h"
#include "rockridge/susp.h"
#include "udf/udf_format.h"

namespace fs {
namespace {

constexpr std::uint32_t kRootLba = 18;

class IsoBuilder {
 public:
  explicit IsoBuilder(std::uint32_t blocks = 24) : image_(std::size_t{blocks} * 2048, 0) {
    std::uint8_t* pvd = Block(16);
    pvd[0] = 1;
    std::memcpy(pvd + 1, "CD001", 5);
    pvd[6] = 1;
    std::memset(pvd + 8, ' ', 64);
    base::StoreBoth32(pvd + 80, blocks);
    base::StoreBoth16(pvd + 120, 1);
    base::StoreBoth16(pvd + 124, 1);
    base::StoreBoth16(pvd + 128, 2048);
    std::uint8_t* term = Block(17);
    term[0] = 255;
    std::memcpy(term + 1, "CD001", 5);
    term[6] = 1;
    SetRoot(kRootLba, 2048);
  }

  std::uint8_t* Block(std::uint32_t lba) { return image_.data() + std::size_t{lba} * 2048; }

  void SetRoot(std::uint32_t lba, std::uint32_t size) {
    std::vector<std::uint8_t> rec = Record(lba, size, 0x02, std::string(1, '\0'), {});
    std::memcpy(Block(16) + 156, rec.data(), 34);
  }

  // ECMA-119 9.1 directory record.
  static std::vector<std::uint8_t> Record(std::uint32_t lba, std::uint32_t size, std::uint8_t flags,
                                          const std::string& name,
                                          const std::vector<std::uint8_t>& system_use) {
    std::vector<std::uint8_t> r(33 + name.size() + (name.size() % 2 == 0 ? 1 : 0));
    base::StoreBoth32(r.data() + 2, lba);
    base::StoreBoth32(r.data() + 10, size);
    r[18] = 126;  // 2026
    r[19] = 1;
    r[20] = 1;
    r[25] = flags;
    base::StoreBoth16(r.data() + 28, 1);
    r[32] = static_cast<std::uint8_t>(name.size());
    std::memcpy(r.data() + 33, name.data(), name.size());
    r.insert(r.end(), system_use.begin(), system_use.end());
    if (r.size() % 2) r.push_back(0);
    r[0] = static_cast<std::uint8_t>(r.size());
    return r;
  }

  // ECMA-119 9.4: type L and type M path tables at blocks `l_lba` and `l_lba` + 1, one
  // record per (identifier, extent, parent number), in path table order; the root's
  // identifier is one 0 byte.
  void PathTables(const std::vector<std::tuple<std::string, std::uint32_t, std::uint16_t>>& dirs,
                  std::uint32_t l_lba) {
    std::vector<std::uint8_t> l, m;
    for (const auto& [id, extent, parent] : dirs) {
      std::uint8_t head[8] = {static_cast<std::uint8_t>(id.size()), 0};
      base::StoreLe32(head + 2, extent);
      base::StoreLe16(head + 6, parent);
      l.insert(l.end(), head, head + 8);
      base::StoreBe32(head + 2, extent);
      base::StoreBe16(head + 6, parent);
      m.insert(m.end(), head, head + 8);
      l.insert(l.end(), id.begin(), id.end());
      m.insert(m.end(), id.begin(), id.end());
      if (id.size() % 2) {
        l.push_back(0);
        m.push_back(0);
      }
    }
    std::memcpy(Block(l_lba), l.data(), l.size());
    std::memcpy(Block(l_lba + 1), m.data(), m.size());
    base::StoreBoth32(Block(16) + 132, static_cast<std::uint32_t>(l.size()));
    base::StoreLe32(Block(16) + 140, l_lba);
    base::StoreBe32(Block(16) + 148, l_lba + 1);
  }

  // Writes a directory at `lba`: ".", "..", then `records`.
  void Directory(std::uint32_t lba, std::uint32_t parent,
                 const std::vector<std::vector<std::uint8_t>>& records,
                 const std::vector<std::uint8_t>& dot_system_use = {}) {
    std::uint8_t* d = Block(lba);
    std::size_t pos = 0;
    auto put = [&](const std::vector<std::uint8_t>& r) {
      std::memcpy(d + pos, r.data(), r.size());
      pos += r.size();
    };
    put(Record(lba, 2048, 0x02, std::string(1, '\0'), dot_system_use));
    put(Record(parent, 2048, 0x02, std::string(1, '\1'), {}));
    for (const auto& r : records) put(r);
  }

  std::vector<std::uint8_t>& bytes() { return image_; }

 private:
  std::vector<std::uint8_t> image_;
};

std::vector<std::uint8_t> Entry(const char* sig, std::vector<std::uint8_t> data) {
  std::vector<std::uint8_t> e{static_cast<std::uint8_t>(sig[0]), static_cast<std::uint8_t>(sig[1]),
                              static_cast<std::uint8_t>(4 + data.size()), 1};
  e.insert(e.end(), data.begin(), data.end());
  return e;
}

std::vector<std::uint8_t> Both(std::uint32_t v) {
  std::vector<std::uint8_t> b(8);
  base::StoreBoth32(b.data(), v);
  return b;
}

std::vector<std::uint8_t> RockRidgeRoot() {
  std::vector<std::uint8_t> su = Entry("SP", {0xBE, 0xEF, 0});
  std::vector<std::uint8_t> er = Entry("ER", {10, 0, 0, 1});
  const char* id = "RRIP_1991A";
  er.insert(er.end(), id, id + 10);
  er[2] = static_cast<std::uint8_t>(er.size());
  su.insert(su.end(), er.begin(), er.end());
  return su;
}

std::vector<std::uint8_t> Name(const std::string& n) {
  std::vector<std::uint8_t> d{0};
  d.insert(d.end(), n.begin(), n.end());
  return Entry("NM", d);
}

base::Expected<ImageTree> Read(const std::vector<std::uint8_t>& image, Namespace ns) {
  auto reader = ImageReader::Open(base::MemoryBlockDevice(image));
  if (!reader) return reader.error();
  return (*reader)->ReadTree(ns);
}

TEST(IsoReader, ReadsFilesDirectoriesAndData) {
  IsoBuilder b;
  std::memcpy(b.Block(20), "hello", 5);
  b.Directory(kRootLba, kRootLba,
              {IsoBuilder::Record(20, 5, 0, "HELLO.TXT;1", {}),
               IsoBuilder::Record(19, 2048, 0x02, "SUB", {})});
  b.Directory(19, kRootLba, {});
  b.PathTables({{std::string(1, '\0'), kRootLba, 1}, {"SUB", 19, 1}}, 22);
  auto image = base::MemoryBlockDevice(b.bytes());
  auto reader = ImageReader::Open(std::move(image));
  ASSERT_TRUE(reader) << reader.error().ToString();
  EXPECT_EQ((*reader)->BestNamespace(), Namespace::kIso9660);
  auto t = (*reader)->ReadTree(Namespace::kIso9660);
  ASSERT_TRUE(t) << t.error().ToString();
  NodeId hello = t->tree.FindChild(kRootNode, "HELLO.TXT");
  ASSERT_NE(hello, kNoNode);
  EXPECT_EQ(t->tree.content(hello).size, 5u);
  std::vector<std::uint8_t> data(5);
  ASSERT_TRUE(ReadFileData((*reader)->device(), *t, hello, 0, data));
  EXPECT_EQ(std::string(data.begin(), data.end()), "hello");
  NodeId sub = t->tree.FindChild(kRootNode, "SUB");
  ASSERT_NE(sub, kNoNode);
  EXPECT_EQ(t->tree.node(sub).type, NodeType::kDirectory);
  auto problems = VerifyImage(**reader);
  ASSERT_TRUE(problems);
  EXPECT_TRUE(problems->empty()) << problems->front();
}

TEST(IsoReader, DirectoryLoopIsCorruptImage) {
  IsoBuilder b;
  b.Directory(kRootLba, kRootLba, {IsoBuilder::Record(kRootLba, 2048, 0x02, "LOOP", {})});
  auto t = Read(b.bytes(), Namespace::kIso9660);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code(), base::ErrorCode::kCorruptImage);
  EXPECT_NE(t.error().ToString().find("LBA 18"), std::string::npos) << t.error().ToString();
  EXPECT_NE(t.error().ToString().find("loop"), std::string::npos);
}

TEST(IsoReader, RecordOverrunningItsSectorIsCorruptImage) {
  IsoBuilder b;
  b.Directory(kRootLba, kRootLba, {IsoBuilder::Record(20, 5, 0, "A;1", {})});
  b.Block(kRootLba)[68] = 20;  // the third record claims 20 bytes, less than its fixed part
  auto t = Read(b.bytes(), Namespace::kIso9660);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code(), base::ErrorCode::kCorruptImage);
  EXPECT_NE(t.error().ToString().find("LBA 18"), std::string::npos) << t.error().ToString();
}

TEST(IsoReader, DirectoryBeyondTheImageIsCorruptImage) {
  IsoBuilder b;
  b.Directory(kRootLba, kRootLba, {IsoBuilder::Record(5000, 2048, 0x02, "FAR", {})});
  auto t = Read(b.bytes(), Namespace::kIso9660);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code(), base::ErrorCode::kCorruptImage);
  EXPECT_NE(t.error().ToString().find("LBA 5000"), std::string::npos) << t.error().ToString();
  EXPECT_NE(t.error().ToString().find("beyond the end"), std::string::npos);
}

TEST(IsoReader, DataLengthPastTheImageIsCutToIt) {
  // A record claiming 4 GiB - 1 from LBA 20 of a 24-block image: the file is the 4 blocks
  // recorded, with a warning naming it and its directory's LBA.
  IsoBuilder b;
  std::memset(b.Block(20), 'x', 4 * 2048);
  b.Directory(kRootLba, kRootLba, {IsoBuilder::Record(20, 0xFFFFFFFFu, 0, "HUGE.BIN;1", {})});
  auto reader = ImageReader::Open(base::MemoryBlockDevice(b.bytes()));
  ASSERT_TRUE(reader);
  auto t = (*reader)->ReadTree(Namespace::kIso9660);
  ASSERT_TRUE(t) << t.error().ToString();
  const NodeId huge = t->tree.FindChild(kRootNode, "HUGE.BIN");
  ASSERT_NE(huge, kNoNode);
  EXPECT_EQ(t->tree.content(huge).size, 4u * 2048);
  ASSERT_EQ(t->warnings.size(), 1u);
  EXPECT_NE(t->warnings[0].find("LBA 18: /HUGE.BIN"), std::string::npos) << t->warnings[0];
  EXPECT_NE(t->warnings[0].find("4294967295"), std::string::npos) << t->warnings[0];
  std::vector<std::uint8_t> data(4 * 2048);
  ASSERT_TRUE(ReadFileData((*reader)->device(), *t, huge, 0, data));
  EXPECT_EQ(data.back(), 'x');
}

TEST(IsoReader, MultiExtentFileIsJoined) {
  IsoBuilder b(26);
  std::memset(b.Block(20), 'a', 2048);
  std::memset(b.Block(22), 'b', 100);
  b.Directory(kRootLba, kRootLba,
              {IsoBuilder::Record(20, 2048, 0x80, "BIG.BIN;1", {}),
               IsoBuilder::Record(22, 100, 0, "BIG.BIN;1", {})});
  auto reader = ImageReader::Open(base::MemoryBlockDevice(b.bytes()));
  ASSERT_TRUE(reader);
  auto t = (*reader)->ReadTree(Namespace::kIso9660);
  ASSERT_TRUE(t) << t.error().ToString();
  ASSERT_EQ(t->tree.children(kRootNode).size(), 1u);
  NodeId big = t->tree.FindChild(kRootNode, "BIG.BIN");
  ASSERT_NE(big, kNoNode);
  EXPECT_EQ(t->tree.content(big).size, 2148u);
  ASSERT_EQ(t->FileExtents(big).size(), 2u);
  std::vector<std::uint8_t> data(4);
  ASSERT_TRUE(ReadFileData((*reader)->device(), *t, big, 2046, data));
  EXPECT_EQ(std::string(data.begin(), data.end()), "aabb");
}

// What ECMA-119 allows in one directory (specs/readers.md "Names"): a folder "LIBREADL"
// beside a file "LIBREADL.;1" (xorriso's and genisoimage's 8.3 names of /usr/share/doc),
// identifiers that differ only by the '.' of an empty extension, two versions of a file
// (6.9.1: the highest is shown), an associated file (9.1.6 bit 2) and a zero-length record
// that ends the used part of a sector (6.8.1.1). None of it is a problem.
TEST(IsoReader, NamesTheStandardAllowsAreAllShown) {
  IsoBuilder b(32);
  constexpr std::uint32_t kSub = 20;
  std::memcpy(b.Block(21), "file", 4);
  std::memcpy(b.Block(22), "v1", 2);
  std::memcpy(b.Block(23), "v2!", 3);
  std::memcpy(b.Block(24), "assoc", 5);
  std::memcpy(b.Block(25), "bar", 3);
  std::memcpy(b.Block(26), "a", 1);
  std::memcpy(b.Block(27), "a.", 2);
  std::memcpy(b.Block(28), "last", 4);
  b.SetRoot(kRootLba, 4096);
  b.Directory(
      kRootLba, kRootLba,
      {IsoBuilder::Record(26, 1, 0, "A;1", {}), IsoBuilder::Record(27, 2, 0, "A.;1", {}),
       IsoBuilder::Record(24, 5, 0x04, "BAR.;1", {}), IsoBuilder::Record(25, 3, 0, "BAR.;1", {}),
       IsoBuilder::Record(23, 3, 0, "FOO.;2", {}), IsoBuilder::Record(22, 2, 0, "FOO.;1", {}),
       IsoBuilder::Record(kSub, 2048, 0x02, "LIBREADL", {}),
       IsoBuilder::Record(21, 4, 0, "LIBREADL.;1", {})});
  // The next sector of the root: the first one ends with zero bytes (ECMA-119 6.8.1.1).
  std::vector<std::uint8_t> last = IsoBuilder::Record(28, 4, 0, "LAST.;1", {});
  std::memcpy(b.Block(kRootLba + 1), last.data(), last.size());
  b.Directory(kSub, kRootLba, {});
  b.PathTables({{std::string(1, '\0'), kRootLba, 1}, {"LIBREADL", kSub, 1}}, 29);
  auto reader = ImageReader::Open(base::MemoryBlockDevice(b.bytes()));
  ASSERT_TRUE(reader);
  auto t = (*reader)->ReadTree(Namespace::kIso9660);
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_TRUE(t->warnings.empty()) << t->warnings.front();
  std::map<std::string, std::string> seen;
  for (NodeId c : t->tree.children(kRootNode)) {
    std::string data;
    if (t->tree.node(c).type == NodeType::kFile) {
      std::vector<std::uint8_t> bytes(t->tree.content(c).size);
      ASSERT_TRUE(ReadFileData((*reader)->device(), *t, c, 0, bytes));
      data.assign(bytes.begin(), bytes.end());
    } else {
      data = "<dir>";
    }
    seen[std::string(t->tree.name(c))] = data;
  }
  const std::map<std::string, std::string> expected = {
      {"A", "a"},       {"A.", "a."},          {"BAR", "bar"},       {"FOO", "v2!"},
      {"LAST", "last"}, {"LIBREADL", "<dir>"}, {"LIBREADL.", "file"}};
  EXPECT_EQ(seen, expected);
  auto problems = VerifyImage(**reader);
  ASSERT_TRUE(problems);
  EXPECT_TRUE(problems->empty()) << problems->front();
}

// Two records with the same identifier (ECMA-119 6.8.2.1 broken): the first is shown, and
// the warning names both records.
TEST(IsoReader, IdenticalIdentifiersAreAProblemNamingBoth) {
  IsoBuilder b(26);
  b.Directory(
      kRootLba, kRootLba,
      {IsoBuilder::Record(20, 1, 0, "DUP.;1", {}), IsoBuilder::Record(21, 1, 0, "DUP.;1", {})});
  auto t = Read(b.bytes(), Namespace::kIso9660);
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_EQ(t->tree.children(kRootNode).size(), 1u);
  ASSERT_EQ(t->warnings.size(), 1u);
  EXPECT_NE(t->warnings[0].find("\"DUP.;1\""), std::string::npos) << t->warnings[0];
  EXPECT_NE(t->warnings[0].find("/DUP"), std::string::npos) << t->warnings[0];
  EXPECT_NE(t->warnings[0].find("data at LBA 20"), std::string::npos) << t->warnings[0];
  EXPECT_NE(t->warnings[0].find("data at LBA 21"), std::string::npos) << t->warnings[0];
}

TEST(RockRidge, NamesModesAndSymlinks) {
  IsoBuilder b;
  std::vector<std::uint8_t> px = Entry("PX", {});
  for (std::uint32_t v : {0100600u, 1u, 1000u, 100u, 7u}) {
    auto x = Both(v);
    px.insert(px.end(), x.begin(), x.end());
  }
  px[2] = static_cast<std::uint8_t>(px.size());
  std::vector<std::uint8_t> file_su = Name("hello world.txt");
  file_su.insert(file_su.end(), px.begin(), px.end());
  std::vector<std::uint8_t> sl = Entry("SL", {0, 0, 2, 'a', 'b', 0x04, 0, 0, 1, 'c'});
  std::vector<std::uint8_t> link_su = Name("link");
  link_su.insert(link_su.end(), sl.begin(), sl.end());
  b.Directory(kRootLba, kRootLba,
              {IsoBuilder::Record(20, 3, 0, "HELLO_WO.TXT;1", file_su),
               IsoBuilder::Record(0, 0, 0, "LINK.;1", link_su)},
              RockRidgeRoot());
  auto reader = ImageReader::Open(base::MemoryBlockDevice(b.bytes()));
  ASSERT_TRUE(reader) << reader.error().ToString();
  EXPECT_EQ((*reader)->BestNamespace(), Namespace::kRockRidge);
  EXPECT_EQ((*reader)->volume().rock_ridge_version, "RRIP_1991A");
  auto t = (*reader)->ReadTree(Namespace::kRockRidge);
  ASSERT_TRUE(t) << t.error().ToString();
  NodeId f = t->tree.FindChild(kRootNode, "hello world.txt");
  ASSERT_NE(f, kNoNode);
  EXPECT_EQ(t->tree.node(f).mode, 0600u);
  EXPECT_EQ(t->tree.node(f).uid, 1000u);
  EXPECT_EQ(t->tree.node(f).gid, 100u);
  NodeId l = t->tree.FindChild(kRootNode, "link");
  ASSERT_NE(l, kNoNode);
  ASSERT_EQ(t->tree.node(l).type, NodeType::kSymlink);
  EXPECT_EQ(t->tree.symlink_target(l), "ab/../c");
}

TEST(RockRidge, UnsafeNamesAreSkippedWithAWarning) {
  IsoBuilder b;
  b.Directory(kRootLba, kRootLba,
              {IsoBuilder::Record(20, 1, 0, "A;1", Name("..")),
               IsoBuilder::Record(20, 1, 0, "B;1", Name("x/y")),
               IsoBuilder::Record(20, 1, 0, "C;1", Name("ok"))},
              RockRidgeRoot());
  auto t = Read(b.bytes(), Namespace::kRockRidge);
  ASSERT_TRUE(t) << t.error().ToString();
  ASSERT_EQ(t->tree.children(kRootNode).size(), 1u);
  EXPECT_EQ(t->tree.name(t->tree.children(kRootNode)[0]), "ok");
  EXPECT_EQ(t->warnings.size(), 2u);
}

TEST(RockRidge, ContinuationLoopIsCorruptImage) {
  IsoBuilder b;
  // A CE entry in LBA 20 that points at itself.
  std::vector<std::uint8_t> ce = Entry("CE", {});
  for (std::uint32_t v : {20u, 0u, 28u}) {
    auto x = Both(v);
    ce.insert(ce.end(), x.begin(), x.end());
  }
  ce[2] = static_cast<std::uint8_t>(ce.size());
  std::memcpy(b.Block(20), ce.data(), ce.size());
  b.Directory(kRootLba, kRootLba, {IsoBuilder::Record(21, 0, 0, "A;1", ce)}, RockRidgeRoot());
  auto t = Read(b.bytes(), Namespace::kRockRidge);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code(), base::ErrorCode::kCorruptImage);
  EXPECT_NE(t.error().ToString().find("CE"), std::string::npos) << t.error().ToString();
  EXPECT_NE(t.error().ToString().find("LBA 18"), std::string::npos);
}

TEST(RockRidge, ChildLinkToAnAncestorIsCorruptImage) {
  IsoBuilder b;
  std::vector<std::uint8_t> cl = Entry("CL", Both(kRootLba));
  b.Directory(kRootLba, kRootLba, {IsoBuilder::Record(20, 0, 0, "MOVED;1", cl)}, RockRidgeRoot());
  auto t = Read(b.bytes(), Namespace::kRockRidge);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().ToString().find("loop"), std::string::npos) << t.error().ToString();
}

TEST(RockRidge, RelocatedDirectoryAppearsAtItsChildLink) {
  IsoBuilder b;
  std::vector<std::uint8_t> cl = Entry("CL", Both(20));
  std::vector<std::uint8_t> cl_su = Name("deep");
  cl_su.insert(cl_su.end(), cl.begin(), cl.end());
  std::vector<std::uint8_t> re_su = Name("deep");
  auto re = Entry("RE", {});
  re_su.insert(re_su.end(), re.begin(), re.end());
  b.Directory(kRootLba, kRootLba,
              {IsoBuilder::Record(0, 0, 0, "DEEP;1", cl_su),
               IsoBuilder::Record(19, 2048, 0x02, "RR_MOVED", Name("rr_moved"))},
              RockRidgeRoot());
  b.Directory(19, kRootLba, {IsoBuilder::Record(20, 2048, 0x02, "DEEP", re_su)});
  b.Directory(20, 19, {IsoBuilder::Record(21, 1, 0, "F;1", Name("f"))});
  auto t = Read(b.bytes(), Namespace::kRockRidge);
  ASSERT_TRUE(t) << t.error().ToString();
  NodeId deep = t->tree.FindChild(kRootNode, "deep");
  ASSERT_NE(deep, kNoNode);
  EXPECT_EQ(t->tree.node(deep).type, NodeType::kDirectory);
  EXPECT_NE(t->tree.FindChild(deep, "f"), kNoNode);
  NodeId moved = t->tree.FindChild(kRootNode, "rr_moved");
  ASSERT_NE(moved, kNoNode);
  EXPECT_TRUE(t->tree.children(moved).empty());
}

TEST(Susp, TruncatedEntriesWarnAndNeverReadPastTheArea) {
  std::vector<std::uint8_t> area = Entry("NM", {0, 'a', 'b'});
  area.push_back('P');
  area.push_back('X');
  area.push_back(200);  // claims 200 bytes; 1 remains
  area.push_back(1);
  reader::SystemUse out;
  ASSERT_TRUE(reader::ParseSystemUse(area, nullptr, "LBA 1", reader::SystemUseLimits(), &out));
  EXPECT_EQ(out.name, "ab");
  EXPECT_FALSE(out.has_px);
  EXPECT_EQ(out.warnings.size(), 1u);
}

TEST(Checksums, KnownVectors) {
  const std::string s = "123456789";
  std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  EXPECT_EQ(base::CrcItu(bytes), 0x31C3);  // CRC-16/XMODEM check value
  EXPECT_EQ(base::Crc32(bytes), 0xCBF43926u);
}

TEST(Udf, TagChecksumAndLocationAreChecked) {
  std::vector<std::uint8_t> block(512, 0);
  base::StoreLe16(block.data(), 8);  // terminating descriptor
  base::StoreLe16(block.data() + 2, 3);
  base::StoreLe16(block.data() + 10, 496);
  base::StoreLe32(block.data() + 12, 77);
  base::StoreLe16(block.data() + 8, base::CrcItu(std::span(block).subspan(16, 496)));
  std::uint8_t sum = 0;
  for (int i = 0; i < 16; ++i) {
    if (i != 4) sum = static_cast<std::uint8_t>(sum + block[static_cast<std::size_t>(i)]);
  }
  block[4] = sum;
  auto ok = udf::CheckTag(block, 77, "LBA 77", nullptr);
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(*ok, 8);
  auto moved = udf::CheckTag(block, 78, "LBA 78", nullptr);
  ASSERT_FALSE(moved);
  EXPECT_NE(moved.error().ToString().find("LBA 78"), std::string::npos);
  block[100] = 1;
  EXPECT_FALSE(udf::CheckTag(block, 77, "LBA 77", nullptr));
  std::vector<std::string> warnings;
  EXPECT_TRUE(udf::CheckTag(block, 77, "LBA 77", &warnings));
  EXPECT_EQ(warnings.size(), 1u);
  block[3] = 1;
  EXPECT_FALSE(udf::CheckTag(block, 77, "LBA 77", &warnings));
}

TEST(ElTorito, ValidationEntryIsChecked) {
  std::vector<std::uint8_t> cat(2048, 0);
  cat[0] = 1;
  cat[1] = 0xEF;
  cat[30] = 0x55;
  cat[31] = 0xAA;
  std::uint16_t sum = 0;
  for (int i = 0; i < 32; i += 2)
    sum = static_cast<std::uint16_t>(sum + base::LoadLe16(cat.data() + i));
  base::StoreLe16(cat.data() + 28, static_cast<std::uint16_t>(0x10000 - sum));
  cat[32] = 0x88;
  base::StoreLe16(cat.data() + 38, 4);
  base::StoreLe32(cat.data() + 40, 99);
  auto c = reader::ParseBootCatalog(cat, 33);
  ASSERT_TRUE(c) << c.error().ToString();
  ASSERT_EQ(c->entries.size(), 1u);
  EXPECT_EQ(c->entries[0].platform, "efi");
  EXPECT_EQ(c->entries[0].load_lba, 99u);
  EXPECT_EQ(c->entries[0].sector_count, 4u);
  cat[2] = 1;  // breaks the checksum
  auto bad = reader::ParseBootCatalog(cat, 33);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().ToString(),
            "LBA 33: El Torito boot catalog: validation entry checksum does not sum to zero");
}

TEST(Partitions, ProtectiveMbrAndGpt) {
  std::vector<std::uint8_t> head(34 * 512, 0);
  head[510] = 0x55;
  head[511] = 0xAA;
  std::uint8_t* mbr = head.data() + 446;
  mbr[4] = 0xEE;
  base::StoreLe32(mbr + 8, 1);
  base::StoreLe32(mbr + 12, 100);
  std::uint8_t* gpt = head.data() + 512;
  std::memcpy(gpt, "EFI PART", 8);
  base::StoreLe32(gpt + 12, 92);
  base::StoreLe64(gpt + 72, 2);
  base::StoreLe32(gpt + 80, 4);
  base::StoreLe32(gpt + 84, 128);
  std::uint8_t* e = head.data() + 1024;
  const std::uint8_t esp[16] = {0x28, 0x73, 0x2A, 0xC1, 0x1F, 0xF8, 0xD2, 0x11,
                                0xBA, 0x4B, 0x00, 0xA0, 0xC9, 0x3E, 0xC9, 0x3B};
  std::memcpy(e, esp, 16);
  e[16] = 1;
  base::StoreLe64(e + 32, 10);
  base::StoreLe64(e + 40, 19);
  base::StoreLe16(e + 56, 'E');
  base::StoreLe32(gpt + 88, base::Crc32(std::span(head).subspan(1024, 512)));
  base::StoreLe32(gpt + 16, base::Crc32(std::span(head).subspan(512, 92)));
  ImageInfo info;
  reader::ParsePartitionTables(head, 100 * 512, &info);
  ASSERT_EQ(info.partitions.size(), 2u);
  EXPECT_EQ(info.partitions[1].scheme, "gpt");
  EXPECT_EQ(info.partitions[1].first_lba, 10u);
  EXPECT_EQ(info.partitions[1].sectors, 10u);
  EXPECT_EQ(info.partitions[1].name, "E");
  EXPECT_NE(info.partitions[1].type.find("EFI System"), std::string::npos);
  EXPECT_TRUE(info.warnings.empty()) << info.warnings.front();
  head[1024 + 40] = 20;  // change the array after its CRC
  ImageInfo damaged;
  reader::ParsePartitionTables(head, 100 * 512, &damaged);
  ASSERT_EQ(damaged.warnings.size(), 1u);
  EXPECT_NE(damaged.warnings[0].find("CRC32"), std::string::npos);
}

TEST(Extract, NeverWritesThroughLinksOrOutsideDest) {
  char tmpl[] = "/tmp/mkimg-extract-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string root = tmpl;
  const std::string dest = root + "/dest";
  const std::string outside = root + "/outside";
  ASSERT_EQ(mkdir(dest.c_str(), 0755), 0);
  ASSERT_EQ(mkdir(outside.c_str(), 0755), 0);
  // A link planted in DEST where the image has a regular file and a directory.
  ASSERT_EQ(symlink((outside + "/victim").c_str(), (dest + "/hello").c_str()), 0);
  ASSERT_EQ(symlink(outside.c_str(), (dest + "/dir").c_str()), 0);

  IsoBuilder b;
  std::memcpy(b.Block(20), "hi", 2);
  std::vector<std::uint8_t> sl = Entry("SL", {0, 0x08, 0, 0, 3, 'e', 't', 'c'});
  std::vector<std::uint8_t> link_su = Name("etc-link");
  link_su.insert(link_su.end(), sl.begin(), sl.end());
  b.Directory(kRootLba, kRootLba,
              {IsoBuilder::Record(20, 2, 0, "HELLO;1", Name("hello")),
               IsoBuilder::Record(19, 2048, 0x02, "DIR", Name("dir")),
               IsoBuilder::Record(0, 0, 0, "L;1", link_su)},
              RockRidgeRoot());
  b.Directory(19, kRootLba, {IsoBuilder::Record(20, 2, 0, "F;1", Name("f"))});
  auto reader = ImageReader::Open(base::MemoryBlockDevice(b.bytes()));
  ASSERT_TRUE(reader);
  auto t = (*reader)->ReadTree(Namespace::kRockRidge);
  ASSERT_TRUE(t) << t.error().ToString();
  int fd = open(dest.c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  auto status = Extract((*reader)->device(), *t, kRootNode, fd, dest);
  close(fd);
  ASSERT_TRUE(status) << status.error().ToString();
  struct stat st;
  EXPECT_NE(lstat((outside + "/victim").c_str(), &st), 0) << "wrote through a planted link";
  EXPECT_NE(lstat((outside + "/f").c_str(), &st), 0) << "wrote into a linked directory";
  ASSERT_EQ(lstat((dest + "/hello").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  ASSERT_EQ(lstat((dest + "/dir/f").c_str(), &st), 0);
  ASSERT_EQ(lstat((dest + "/etc-link").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  char target[64] = {};
  ASSERT_GT(readlink((dest + "/etc-link").c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ(target, "/etc");
  std::string cmd = "rm -rf '" + root + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
}

}  // namespace
}  // namespace fs

// Unit tests of the UDF reader on virtual partitions (OSTA UDF 2.2.8, 2.2.11; UDF 1.50
// 2.2.10): the VAT volume of udf_vat_builder.h (files reached through the table at
// physical blocks that are not their virtual numbers), read in both VAT formats, then
// damaged the way hostile images are. Every damage must give kCorruptImage naming the VAT
// and its LBA (or the structure read through it), never a crash, a hang or a huge
// allocation.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "fs/image_reader.h"
#include "udf/udf_file_format.h"
#include "udf/udf_format.h"
#include "udf/udf_reader.h"
#include "udf/udf_vat_builder.h"

namespace fs {
namespace {

using testing::kBs;
using testing::kRootPhys;
using testing::kVatPhys;
using testing::VatBuilder;

base::Expected<std::unique_ptr<ImageReader>> Open(const std::vector<std::uint8_t>& image) {
  return ImageReader::Open(base::MemoryBlockDevice(image));
}

base::Expected<ImageTree> ReadUdf(const std::vector<std::uint8_t>& image) {
  auto reader = Open(image);
  if (!reader) return reader.error();
  return (*reader)->ReadTree(Namespace::kUdf);
}

std::string Contents(const ImageReader& r, const ImageTree& t, NodeId n) {
  std::vector<std::uint8_t> data(t.tree.content(n).size);
  auto s = ReadFileData(r.device(), t, n, 0, data);
  if (!s) return "<" + s.error().ToString() + ">";
  return std::string(data.begin(), data.end());
}

void ExpectCorrupt(const base::Error& e, const std::string& text) {
  EXPECT_EQ(e.code(), base::ErrorCode::kCorruptImage) << e.ToString();
  EXPECT_NE(e.ToString().find(text), std::string::npos) << e.ToString();
}

class UdfVat : public ::testing::TestWithParam<bool> {};

TEST_P(UdfVat, FilesAreReadThroughTheTable) {
  VatBuilder b(GetParam());
  auto reader = Open(b.bytes());
  ASSERT_TRUE(reader) << reader.error().ToString();
  const UdfInfo& u = *(*reader)->volume().udf;
  EXPECT_TRUE(u.virtual_partition);
  EXPECT_EQ(u.vat_lba, VatBuilder::VatSector());
  EXPECT_EQ(u.vat_format, GetParam() ? "1.50" : "2.00");
  EXPECT_EQ(u.vat_entries, 8u);
  if (!GetParam()) {
    EXPECT_EQ(u.files, 3u);  // the VAT header's counts replace the LVID's
    EXPECT_EQ(u.directories, 1u);
  }
  auto t = (*reader)->ReadTree(Namespace::kUdf);
  ASSERT_TRUE(t) << t.error().ToString();
  ASSERT_EQ(t->tree.children(kRootNode).size(), 3u);
  const NodeId hello = t->tree.FindChild(kRootNode, "hello.txt");
  const NodeId big = t->tree.FindChild(kRootNode, "big.bin");
  const NodeId split = t->tree.FindChild(kRootNode, "split.bin");
  ASSERT_NE(hello, kNoNode);
  ASSERT_NE(big, kNoNode);
  ASSERT_NE(split, kNoNode);
  EXPECT_EQ(Contents(**reader, *t, hello), "hello, VAT\n");
  std::string expect_big(3000, '\0');
  for (std::uint32_t i = 0; i < 3000; ++i) expect_big[i] = static_cast<char>(i % 251);
  EXPECT_EQ(Contents(**reader, *t, big), expect_big);
  EXPECT_EQ(Contents(**reader, *t, split), std::string(kBs, 'A') + std::string(4000 - kBs, 'B'));
  // 2020-05-06 07:08:09 UTC.
  EXPECT_EQ(t->tree.node(hello).mtime.seconds, 1588748889);
  EXPECT_EQ(t->tree.node(hello).uid, 1000u);
  EXPECT_EQ(t->tree.node(hello).gid, 100u);
  EXPECT_EQ(t->tree.node(hello).mode & 07777, 0644u);
  auto problems = VerifyImage(**reader);
  ASSERT_TRUE(problems);
  EXPECT_TRUE(problems->empty()) << problems->front();
}

TEST_P(UdfVat, InformationLengthBeyondTheDescriptorsIsCutToThem) {
  // An information length of 2^63 or 2^64 - 1 over one 3000-byte extent: the file is the
  // 3000 recorded bytes, with a warning naming it and its entry's LBA; extracting it
  // writes those bytes, never a zero fill as long as the claim.
  for (const std::uint64_t claim : {std::uint64_t{1} << 63, ~std::uint64_t{0}}) {
    VatBuilder b(GetParam());
    std::vector<std::uint8_t> ads;
    VatBuilder::LongAd(&ads, 3000, testing::kBigDataPhys, 0);
    std::memset(b.Phys(testing::kBigPhys), 0, kBs);
    b.Entry(testing::kBigPhys, 3, udf::kFileTypeBytes, udf::kLongAds, claim, ads, 2021);
    auto reader = Open(b.bytes());
    ASSERT_TRUE(reader) << reader.error().ToString();
    auto t = (*reader)->ReadTree(Namespace::kUdf);
    ASSERT_TRUE(t) << t.error().ToString();
    const NodeId big = t->tree.FindChild(kRootNode, "big.bin");
    ASSERT_NE(big, kNoNode);
    ASSERT_EQ(t->tree.content(big).size, 3000u);  // else Extract would write the claim
    const std::string lba =
        "LBA " + std::to_string(testing::kPartitionStart + testing::kBigPhys) + ": /big.bin";
    bool warned = false;
    for (const std::string& w : t->warnings) {
      warned = warned || (w.find(lba) != std::string::npos &&
                          w.find(std::to_string(claim)) != std::string::npos);
    }
    EXPECT_TRUE(warned) << lba;
    char tmpl[] = "/tmp/mkimg-udf-claim-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    const std::string dest = tmpl;
    const int fd = open(dest.c_str(), O_RDONLY | O_DIRECTORY);
    ASSERT_GE(fd, 0);
    const auto start = std::chrono::steady_clock::now();
    auto status = Extract((*reader)->device(), *t, kRootNode, fd, dest);
    close(fd);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    ASSERT_TRUE(status) << status.error().ToString();
    struct stat st;
    ASSERT_EQ(stat((dest + "/big.bin").c_str(), &st), 0);
    EXPECT_EQ(st.st_size, 3000);
    const std::string cmd = "rm -rf '" + dest + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
}

TEST_P(UdfVat, UnrecordedExtentsAreExtractedAsHolesWithoutReadingThem) {
  // 100 allocated-but-unrecorded extents of almost 1 GiB each, then the 3000 recorded
  // bytes: extracting writes the recorded bytes and leaves the rest a hole, in time
  // bounded by the data on the disc, not by the ~100 GiB the file spans.
  VatBuilder b(GetParam());
  std::vector<std::uint8_t> ads;
  constexpr std::uint32_t kHole = 0x3FFFF800u;  // the largest block-multiple extent
  for (int i = 0; i < 100; ++i) VatBuilder::LongAd(&ads, (1u << 30) | kHole, 0, 0);
  VatBuilder::LongAd(&ads, 3000, testing::kBigDataPhys, 0);
  const std::uint64_t size = 100 * std::uint64_t{kHole} + 3000;
  std::memset(b.Phys(testing::kBigPhys), 0, kBs);
  b.Entry(testing::kBigPhys, 3, udf::kFileTypeBytes, udf::kLongAds, size, ads, 2021);
  auto reader = Open(b.bytes());
  ASSERT_TRUE(reader) << reader.error().ToString();
  auto t = (*reader)->ReadTree(Namespace::kUdf);
  ASSERT_TRUE(t) << t.error().ToString();
  const NodeId big = t->tree.FindChild(kRootNode, "big.bin");
  ASSERT_NE(big, kNoNode);
  ASSERT_EQ(t->tree.content(big).size, size);
  char tmpl[] = "/tmp/mkimg-udf-holes-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dest = tmpl;
  const int fd = open(dest.c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  const auto start = std::chrono::steady_clock::now();
  auto status = Extract((*reader)->device(), *t, kRootNode, fd, dest);
  close(fd);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_TRUE(status) << status.error().ToString();
  const int in = open((dest + "/big.bin").c_str(), O_RDONLY);
  ASSERT_GE(in, 0);
  struct stat st;
  ASSERT_EQ(fstat(in, &st), 0);
  EXPECT_EQ(static_cast<std::uint64_t>(st.st_size), size);
  std::uint8_t tail[2] = {};
  ASSERT_EQ(pread(in, tail, 2, static_cast<off_t>(size - 2)), 2);
  close(in);
  EXPECT_EQ(tail[0], 2998 % 251);
  EXPECT_EQ(tail[1], 2999 % 251);
  const std::string cmd = "rm -rf '" + dest + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
}

TEST_P(UdfVat, TableIsFoundBehindPadding) {
  VatBuilder b(GetParam(), 200);
  auto t = ReadUdf(b.bytes());
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_EQ(t->tree.children(kRootNode).size(), 3u);
}

TEST_P(UdfVat, NoTableInTheSearchedBlocksIsCorruptImage) {
  VatBuilder b(GetParam(), 300);  // the VAT is 301 blocks before the end
  auto r = Open(b.bytes());
  ASSERT_FALSE(r);
  ExpectCorrupt(r.error(), "no virtual allocation table in the last 256 blocks");
}

TEST_P(UdfVat, UnusedEntryIsCorruptImage) {
  VatBuilder b(GetParam());
  b.vat()[2] = 0xFFFFFFFFu;  // hello.txt's entry
  b.WriteVat();
  auto t = ReadUdf(b.bytes());
  ASSERT_FALSE(t);
  ExpectCorrupt(t.error(), "LBA " + std::to_string(VatBuilder::VatSector()) +
                               ": UDF virtual allocation table");
  ExpectCorrupt(t.error(), "virtual block 2 is unused");
}

TEST_P(UdfVat, EntryBeyondThePartitionIsCorruptImage) {
  VatBuilder b(GetParam());
  b.vat()[1] = 0x7FFFFFFFu;  // the root
  b.WriteVat();
  auto t = ReadUdf(b.bytes());
  ASSERT_FALSE(t);
  ExpectCorrupt(t.error(), "LBA " + std::to_string(VatBuilder::VatSector()));
  ExpectCorrupt(t.error(), "beyond partition 0");
}

TEST_P(UdfVat, VirtualBlockBeyondTheTableIsCorruptImage) {
  VatBuilder b(GetParam());
  b.vat().resize(3);  // big.bin (3) and split.bin (4) are no longer mapped
  b.WriteVat();
  auto t = ReadUdf(b.bytes());
  ASSERT_FALSE(t);
  ExpectCorrupt(t.error(), "is beyond the table (3 entries)");
}

TEST_P(UdfVat, TablePointingToItselfIsCorruptImage) {
  VatBuilder b(GetParam());
  b.vat()[0] = kVatPhys;  // the file set descriptor is the VAT's own entry
  b.WriteVat();
  auto r = Open(b.bytes());
  ASSERT_FALSE(r);
  ExpectCorrupt(r.error(), "UDF file set descriptor");
  // The root directory's entry mapped onto the VAT: a file entry, but not a directory's.
  VatBuilder c(GetParam());
  c.vat()[1] = kVatPhys;
  c.WriteVat();
  auto t = ReadUdf(c.bytes());
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code(), base::ErrorCode::kCorruptImage) << t.error().ToString();
}

TEST_P(UdfVat, DirectoryCycleThroughTheTableIsCorruptImage) {
  VatBuilder b(GetParam());
  // Two virtual blocks, one physical root: the root lists itself as a subdirectory.
  std::vector<std::uint8_t> root;
  VatBuilder::Fid(&root, 1, "", 0x0A, 1);
  VatBuilder::Fid(&root, 1, "again", 0x02, 7);
  b.Entry(kRootPhys, 1, 4, 3, root.size(), root, 2026);
  b.vat()[7] = kRootPhys;
  b.WriteVat();
  auto t = ReadUdf(b.bytes());
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code(), base::ErrorCode::kCorruptImage) << t.error().ToString();
}

TEST_P(UdfVat, HugeTableIsRefusedWithoutAllocating) {
  VatBuilder b(GetParam());
  std::vector<std::uint8_t> ads;
  VatBuilder::ShortAd(&ads, 0x3FFFFFFF, 0);
  std::memset(b.Phys(kVatPhys), 0, kBs);
  b.Entry(kVatPhys, kVatPhys, GetParam() ? 0 : 248, 0, std::uint64_t{1} << 40, ads, 0);
  auto r = Open(b.bytes());
  ASSERT_FALSE(r);
  if (GetParam()) {
    // A type 0 file that cannot be a 1.50 VAT is passed over; none other is found.
    ExpectCorrupt(r.error(), "no virtual allocation table");
  } else {
    ExpectCorrupt(r.error(), "LBA " + std::to_string(VatBuilder::VatSector()));
    ExpectCorrupt(r.error(), "at most 67108864 expected");
  }
}

TEST_P(UdfVat, TableInItsOwnBlocksIsRead) {
  // A VAT too large to embed: its bytes in the block before its entry (short_ad, type 1
  // partition), as UDF 2.2.11 allows.
  VatBuilder b(GetParam());
  auto entry = udf::ParseFileEntryFields(std::span<const std::uint8_t>(b.Phys(kVatPhys), kBs),
                                         GetParam() ? udf::kFileEntry : udf::kExtendedFileEntry);
  ASSERT_TRUE(entry);
  const std::uint8_t* embedded = b.Phys(kVatPhys) + entry->header_length;
  std::vector<std::uint8_t> table(embedded, embedded + entry->length_of_allocation_descriptors);
  std::memcpy(b.Phys(kVatPhys - 1), table.data(), table.size());
  std::vector<std::uint8_t> ads;
  VatBuilder::ShortAd(&ads, static_cast<std::uint32_t>(table.size()), kVatPhys - 1);
  std::memset(b.Phys(kVatPhys), 0, kBs);
  b.Entry(kVatPhys, kVatPhys, GetParam() ? 0 : 248, 0, table.size(), ads, 0);
  auto t = ReadUdf(b.bytes());
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_EQ(t->tree.children(kRootNode).size(), 3u);
}

TEST(UdfVat200, BadHeaderLengthIsCorruptImage) {
  VatBuilder b(false);
  auto patch = [](std::vector<std::uint8_t>& d) { base::StoreLe16(d.data(), 0xFFFF); };
  b.WriteVat(patch);
  auto r = Open(b.bytes());
  ASSERT_FALSE(r);
  ExpectCorrupt(r.error(), "LBA " + std::to_string(VatBuilder::VatSector()) +
                               ": UDF virtual allocation table");
  ExpectCorrupt(r.error(), "header length 65535");
}

TEST(UdfVat150, TypeZeroFileWithoutTheRegidIsNotATable) {
  VatBuilder b(true);
  auto patch = [](std::vector<std::uint8_t>& d) { d[d.size() - 35] = 'X'; };
  b.WriteVat(patch);
  auto r = Open(b.bytes());
  ASSERT_FALSE(r);
  ExpectCorrupt(r.error(), "no virtual allocation table");
}

TEST(UdfVat200, SecondVirtualPartitionMapIsCorruptImage) {
  VatBuilder b(false);
  b.AddPartitionMap(udf::VirtualPartitionMap::Make(0, 0x0201));
  auto r = Open(b.bytes());
  ASSERT_FALSE(r);
  ExpectCorrupt(r.error(), "more than one virtual partition map");
}

TEST(UdfVat200, FileDataNamingTheTableOverAndOverIsCorruptImage) {
  // 40005 entries, all but the first five naming one block; split.bin's four short_ads
  // each cover 40000 of them: 160000 translations, more than 2 x 40005 + 65536.
  VatBuilder b(false, 100);
  b.vat().resize(5);
  b.vat().resize(5 + 40000, testing::kSplitData0);
  auto header = udf::Zeroed<udf::VatHeader>();
  header.length_of_header.set(sizeof header);
  std::vector<std::uint8_t> table = udf::Encode(header);
  for (std::uint32_t e : b.vat()) {
    table.resize(table.size() + 4);
    base::StoreLe32(table.data() + table.size() - 4, e);
  }
  const std::uint32_t table_phys = kVatPhys + 1;  // in the padding after the entry
  ASSERT_LE(table.size(), 100u * kBs);
  std::memcpy(b.Phys(table_phys), table.data(), table.size());
  std::vector<std::uint8_t> ads;
  VatBuilder::ShortAd(&ads, static_cast<std::uint32_t>(table.size()), table_phys);
  std::memset(b.Phys(kVatPhys), 0, kBs);
  b.Entry(kVatPhys, kVatPhys, 248, 0, table.size(), ads, 0);
  ads.clear();
  for (int i = 0; i < 4; ++i) VatBuilder::ShortAd(&ads, 40000 * kBs, 5);
  std::memset(b.Phys(testing::kSplitPhys), 0, kBs);
  b.Entry(testing::kSplitPhys, 4, 5, 0, std::uint64_t{4} * 40000 * kBs, ads, 2022);
  auto reader = Open(b.bytes());
  ASSERT_TRUE(reader) << reader.error().ToString();
  EXPECT_EQ((*reader)->volume().udf->vat_entries, 40005u);
  auto t = (*reader)->ReadTree(Namespace::kUdf);
  ASSERT_FALSE(t);
  ExpectCorrupt(t.error(), "more virtual blocks than twice");
}

TEST(UdfVat200, MetadataPartitionOnAVirtualPartitionIsUnsupported) {
  VatBuilder b(false);
  auto m = udf::Zeroed<udf::MetadataPartitionMap>();
  m.partition_map_type = 2;
  m.partition_map_length = sizeof m;
  m.partition_type_identifier = udf::Regid::Make(udf::kMetadataPartitionId);
  m.volume_sequence_number.set(1);
  m.partition_number.set(0);
  b.AddPartitionMap(m);
  auto r = Open(b.bytes());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), base::ErrorCode::kUnsupported) << r.error().ToString();
  EXPECT_NE(r.error().ToString().find("metadata partition on a virtual partition"),
            std::string::npos)
      << r.error().ToString();
}

TEST(UdfVat200, TruncatedImageNeverReadsPastTheEnd) {
  // Every prefix that still holds the anchor: an error or a volume, never a crash.
  VatBuilder b(false);
  for (std::uint32_t blocks = 257; blocks <= b.Blocks(); ++blocks) {
    std::vector<std::uint8_t> cut(b.bytes().begin(),
                                  b.bytes().begin() + std::ptrdiff_t{blocks} * kBs);
    auto t = ReadUdf(cut);
    if (blocks < b.Blocks()) {
      ASSERT_FALSE(t) << blocks;
      EXPECT_EQ(t.error().code(), base::ErrorCode::kCorruptImage) << t.error().ToString();
    } else {
      EXPECT_TRUE(t) << t.error().ToString();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, UdfVat, ::testing::Values(false, true),
                         [](const auto& param_info) {
                           return param_info.param ? "Udf150" : "Udf200";
                         });

}  // namespace
}  // namespace fs

// Golden byte vectors for each SUSP 1.12 / RRIP 1.12 entry the writer emits, and the
// packing of a system use area into a record and continuation areas.
#include "rockridge/system_use.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "rockridge/rrip_format.h"

namespace fs::rockridge {
namespace {

std::vector<std::uint8_t> Bytes(std::initializer_list<int> v) {
  std::vector<std::uint8_t> out;
  for (int b : v) out.push_back(static_cast<std::uint8_t>(b));
  return out;
}

std::vector<std::uint8_t> Entry(const SystemUseArea& a, std::size_t i) {
  auto e = a.entry(i);
  return std::vector<std::uint8_t>(e.begin(), e.end());
}

TEST(SystemUseTest, SpPxTfClPlRe) {
  SystemUseArea a;
  a.AddSp();
  a.AddPx(0100644, 1, 1000, 100, 7);
  a.AddTf(Timestamp{1767225600 + 3723, 0});
  a.AddCl(0x1234);
  a.AddPl(0x20);
  a.AddRe();
  ASSERT_EQ(a.entry_count(), 6u);
  EXPECT_EQ(Entry(a, 0), Bytes({'S', 'P', 7, 1, 0xBE, 0xEF, 0}));
  EXPECT_EQ(Entry(a, 1), Bytes({'P',  'X',  44, 1,                    //
                                0xA4, 0x81, 0,  0, 0, 0, 0x81, 0xA4,  // mode
                                1,    0,    0,  0, 0, 0, 0,    1,     // links
                                0xE8, 0x03, 0,  0, 0, 0, 0x03, 0xE8,  // uid
                                100,  0,    0,  0, 0, 0, 0,    100,   // gid
                                7,    0,    0,  0, 0, 0, 0,    7}));  // serial
  EXPECT_EQ(Entry(a, 2), Bytes({'T', 'F', 26, 1, 0x0E,                //
                                126, 1,   1,  1, 2,    3, 0,          // modify
                                126, 1,   1,  1, 2,    3, 0,          // access
                                126, 1,   1,  1, 2,    3, 0}));       // attributes
  EXPECT_EQ(Entry(a, 3), Bytes({'C', 'L', 12, 1, 0x34, 0x12, 0, 0, 0, 0, 0x12, 0x34}));
  EXPECT_EQ(Entry(a, 4), Bytes({'P', 'L', 12, 1, 0x20, 0, 0, 0, 0, 0, 0, 0x20}));
  EXPECT_EQ(Entry(a, 5), Bytes({'R', 'E', 4, 1}));
}

// RRIP 4.1.2 PN (specs/rrip.md "PN"): /dev/null (1, 3) as the C library's dev_t, 0x103 in
// the low word; a minor past 255 keeps its high bits at 20-31 (makedev(259, 70000) =
// 0x11110370); a major past 4095 is written as (major, minor), as the Linux kernel reads.
TEST(SystemUseTest, PnDeviceNumbers) {
  SystemUseArea a;
  a.AddPn(1, 3);
  a.AddPn(259, 70000);
  a.AddPn(5000, 7);
  ASSERT_EQ(a.entry_count(), 3u);
  EXPECT_EQ(Entry(a, 0), Bytes({'P',  'N',  20, 1, 0, 0, 0,    0,   0, 0, 0, 0,  //
                                0x03, 0x01, 0,  0, 0, 0, 0x01, 0x03}));
  EXPECT_EQ(Entry(a, 1), Bytes({'P',  'N',  20,   1,    0,    0,    0,    0,   0, 0, 0, 0,  //
                                0x70, 0x03, 0x11, 0x11, 0x11, 0x11, 0x03, 0x70}));
  EXPECT_EQ(Entry(a, 2), Bytes({'P', 'N', 20, 1, 0x88, 0x13, 0, 0, 0, 0, 0x13, 0x88,  //
                                7,   0,   0,  0, 0,    0,    0, 7}));
  for (auto [major, minor] : {std::pair<std::uint32_t, std::uint32_t>{1, 3},
                              {259, 70000},
                              {5000, 7},
                              {0, 0},
                              {4095, 1048575}}) {
    std::uint32_t got_major = 0, got_minor = 0;
    DecodeDeviceNumber(EncodeDeviceNumber(major, minor), &got_major, &got_minor);
    EXPECT_EQ(got_major, major);
    EXPECT_EQ(got_minor, minor);
  }
  // The Linux kernel's reading of a high word set: (high, low).
  std::uint32_t major = 0, minor = 0;
  DecodeDeviceNumber({8, 1}, &major, &minor);
  EXPECT_EQ(major, 8u);
  EXPECT_EQ(minor, 1u);
}

TEST(SystemUseTest, ErIdentifiesRrip1991A) {
  SystemUseArea a;
  a.AddEr();
  auto e = Entry(a, 0);
  ASSERT_EQ(e.size(), 8u + 10 + 84 + 135);
  EXPECT_EQ(std::vector<std::uint8_t>(e.begin(), e.begin() + 8),
            Bytes({'E', 'R', 237, 1, 10, 84, 135, 1}));
  EXPECT_EQ(std::string(e.begin() + 8, e.begin() + 18), "RRIP_1991A");
}

TEST(SystemUseTest, NmSplitsLongNamesWithContinue) {
  SystemUseArea a;
  a.AddNm("hello");
  EXPECT_EQ(Entry(a, 0), Bytes({'N', 'M', 10, 1, 0, 'h', 'e', 'l', 'l', 'o'}));
  SystemUseArea b;
  b.AddNm(std::string(300, 'n'));
  ASSERT_EQ(b.entry_count(), 2u);
  EXPECT_EQ(Entry(b, 0).size(), 255u);
  EXPECT_EQ(Entry(b, 0)[4], kNmContinue);
  EXPECT_EQ(Entry(b, 1).size(), 55u);
  EXPECT_EQ(Entry(b, 1)[4], 0);
}

TEST(SystemUseTest, SlComponents) {
  SystemUseArea a;
  a.AddSl("/usr/../lib/./x");
  EXPECT_EQ(Entry(a, 0), Bytes({'S',  'L', 24,  1,   0,    //
                                0x08, 0,                   // ROOT
                                0,    3,   'u', 's', 'r',  //
                                0x04, 0,                   // PARENT
                                0,    3,   'l', 'i', 'b',  //
                                0x02, 0,                   // CURRENT
                                0,    1,   'x'}));
  SystemUseArea rel;
  rel.AddSl("a/b");
  EXPECT_EQ(Entry(rel, 0), Bytes({'S', 'L', 11, 1, 0, 0, 1, 'a', 0, 1, 'b'}));
}

// The target is kept byte for byte: repeated and trailing slashes become empty
// components (the roundtrip fuzzer found "releas//es" read back as "releas/es").
TEST(SystemUseTest, SlKeepsEmptyComponents) {
  SystemUseArea twice;
  twice.AddSl("a//b/");
  EXPECT_EQ(Entry(twice, 0), Bytes({'S', 'L', 15, 1, 0, 0, 1, 'a', 0, 0, 0, 1, 'b', 0, 0}));
  SystemUseArea root;
  root.AddSl("/");
  EXPECT_EQ(Entry(root, 0), Bytes({'S', 'L', 7, 1, 0, 0x08, 0}));
  SystemUseArea double_root;
  double_root.AddSl("//x");
  EXPECT_EQ(Entry(double_root, 0), Bytes({'S', 'L', 12, 1, 0, 0x08, 0, 0, 0, 0, 1, 'x'}));
}

TEST(SystemUseTest, SlSplitsAcrossEntriesAndComponents) {
  SystemUseArea a;
  const std::string long_component(300, 'c');
  a.AddSl("x/" + long_component);
  // Entry 1: "x" then the first part of the long component (CONTINUE); entry 2: the rest.
  ASSERT_EQ(a.entry_count(), 2u);
  auto e0 = Entry(a, 0);
  auto e1 = Entry(a, 1);
  EXPECT_EQ(e0.size(), 255u);
  EXPECT_EQ(e0[4], kSlContinue);
  EXPECT_EQ(e0[5], 0);  // "x"
  EXPECT_EQ(e0[6], 1);
  EXPECT_EQ(e0[8], kComponentContinue);
  const int first_part = e0[9];
  EXPECT_EQ(first_part, 250 - 3 - 2);
  EXPECT_EQ(e1[4], 0);
  EXPECT_EQ(e1[5], 0);
  EXPECT_EQ(e1[6] + first_part, 300);
}

TEST(SystemUseTest, CeEntryGolden) {
  std::vector<std::uint8_t> out;
  SystemUseArea::AppendCe({0x30, 0x100}, 237, &out);
  EXPECT_EQ(out, Bytes({'C', 'E', 28, 1, 0x30, 0, 0, 0,  0, 0, 0, 0x30,  //
                        0,   1,   0,  0, 0,    0, 1, 0,                  //
                        237, 0,   0,  0, 0,    0, 0, 237}));
}

TEST(SystemUseTest, PackKeepsWhatFitsAndContinuesTheRest) {
  SystemUseArea a;
  a.AddSp();
  a.AddPx(040755, 2, 0, 0, 1);
  a.AddTf(Timestamp{});
  a.AddEr();
  a.Pack(254 - 34);
  EXPECT_EQ(a.piece_count(), 1u);
  EXPECT_EQ(a.inline_length(), 7u + 44 + 26 + 28);
  EXPECT_EQ(a.piece_length(0), 237u);
  ContinuationAllocator alloc(100);
  ContinuationLocation where = alloc.Allocate(a.piece_length(0));
  EXPECT_EQ(where.block, 100u);
  EXPECT_EQ(where.offset, 0u);
  std::vector<std::uint8_t> record, piece;
  a.EncodeInline(where, &record);
  a.EncodePiece(0, {}, &piece);
  ASSERT_EQ(record.size(), a.inline_length());
  EXPECT_EQ(record[77], 'C');
  EXPECT_EQ(record[78], 'E');
  EXPECT_EQ(piece.size(), 237u);
  EXPECT_EQ(piece[0], 'E');
}

TEST(SystemUseTest, PackChainsContinuationAreasWithinBlocks) {
  SystemUseArea a;
  a.AddPx(0100644, 1, 0, 0, 1);
  a.AddNm(std::string(5000, 'z'));  // 21 NM entries
  a.Pack(254 - 40);
  ASSERT_GE(a.piece_count(), 3u);
  std::size_t total = a.inline_length() - kCeLength;
  for (std::size_t i = 0; i < a.piece_count(); ++i) {
    EXPECT_LE(a.piece_length(i), 2048u);
    total += a.piece_length(i) - (i + 1 < a.piece_count() ? kCeLength : 0);
  }
  EXPECT_EQ(total, a.total_length());
  ContinuationAllocator alloc(7);
  std::vector<ContinuationLocation> at;
  for (std::size_t i = 0; i < a.piece_count(); ++i) at.push_back(alloc.Allocate(a.piece_length(i)));
  for (std::size_t i = 1; i < at.size(); ++i) EXPECT_GT(at[i].block, at[i - 1].block);
  EXPECT_EQ(alloc.blocks(), a.piece_count());
}

TEST(ContinuationAllocatorTest, PacksSmallAreasIntoOneBlock) {
  ContinuationAllocator alloc(50);
  auto a = alloc.Allocate(237);
  auto b = alloc.Allocate(1000);
  auto c = alloc.Allocate(900);  // does not fit behind b: next block
  EXPECT_EQ(a.block, 50u);
  EXPECT_EQ(b.block, 50u);
  EXPECT_EQ(b.offset, 237u);
  EXPECT_EQ(c.block, 51u);
  EXPECT_EQ(c.offset, 0u);
  EXPECT_EQ(alloc.blocks(), 2u);
}

}  // namespace
}  // namespace fs::rockridge

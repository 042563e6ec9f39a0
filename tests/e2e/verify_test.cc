// `mkimg verify` (specs/readers.md, specs/verification.md) on mkimg images damaged in ways
// the readers themselves tolerate: each damage must be reported by the rule that names it,
// and the intact image must verify clean.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
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

void Spit(const stdfs::path& p, const std::string& bytes) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << bytes;
}

std::uint32_t Le32(const std::string& b, size_t at) {
  return std::uint32_t{static_cast<std::uint8_t>(b[at])} |
         std::uint32_t{static_cast<std::uint8_t>(b[at + 1])} << 8 |
         std::uint32_t{static_cast<std::uint8_t>(b[at + 2])} << 16 |
         std::uint32_t{static_cast<std::uint8_t>(b[at + 3])} << 24;
}

class Verify : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(MkimgCanBuild()) << MkimgPath() << " build --help failed";
    c_.HostFile("a.txt", "alpha\n");
    c_.HostFile("sub/b.txt", "beta\n");
    c_.HostDir("sub/deeper");
    RunResult b = c_.Build();
    ASSERT_EQ(b.exit_code, 0) << b.err;
    image_ = Slurp(c_.image());
    ASSERT_GT(image_.size(), 17u * 2048);
    RunResult ok = VerifyBytes(image_);
    ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  }

  RunResult VerifyBytes(const std::string& bytes) {
    stdfs::path p = c_.dir() / "damaged.iso";
    Spit(p, bytes);
    return e2e::Run({MkimgPath(), "verify", p.string()});
  }

  Case c_{"verify"};
  std::string image_;
};

TEST_F(Verify, ReportsAZeroedPathTable) {
  std::string bytes = image_;
  const size_t pvd = 16 * 2048;
  const std::uint32_t size = Le32(bytes, pvd + 132);
  const std::uint32_t l_table = Le32(bytes, pvd + 140);
  ASSERT_GT(size, 0u);
  bytes.replace(size_t{l_table} * 2048, size, std::string(size, '\0'));
  RunResult r = VerifyBytes(bytes);
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("primary volume descriptor: path table record 1"),
            std::string::npos)
      << r.out << r.err;
}

TEST_F(Verify, ReportsDisagreeingLittleAndBigEndianExtents) {
  std::string bytes = image_;
  const size_t name = bytes.find("A.TXT;1");
  ASSERT_NE(name, std::string::npos);
  ASSERT_GE(name, 33u);
  const size_t record = name - 33;
  bytes[record + 9] = static_cast<char>(bytes[record + 9] + 1);  // the big-endian half's low byte
  RunResult r = VerifyBytes(bytes);
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("extent: little-endian"), std::string::npos) << r.out << r.err;
}

void SetBoth32(std::string& b, size_t at, std::uint32_t v) {
  for (size_t i = 0; i < 4; ++i) {
    b[at + i] = static_cast<char>(v >> (8 * i));
    b[at + 7 - i] = static_cast<char>(v >> (8 * i));
  }
}

// The directory record of `name` (d-characters) in the root directory.
size_t RootRecord(const std::string& b, const std::string& name) {
  const size_t root = size_t{Le32(b, 16 * 2048 + 156 + 2)} * 2048;
  const size_t at = b.find(std::string(1, static_cast<char>(name.size())) + name, root);
  return at == std::string::npos ? at : at + 1 - 33;
}

// The damages the readers once took silently (ECMA-119, SUSP 1.12, RRIP 1.12), each with
// the words of the rule that must report it (specs/verification.md).
struct Damage {
  const char* name;
  void (*apply)(std::string& b);
  const char* expected;
};

const Damage kDamages[] = {
    {"path_table_past_the_end",
     [](std::string& b) { b.replace(16 * 2048 + 140, 4, std::string("\xff\xff\xff\x00", 4)); },
     "path table beyond the end of the image"},
    {"path_table_of_impossible_size", [](std::string& b) { SetBoth32(b, 16 * 2048 + 132, 0x7FFFFFF0); },
     "path table size 2147483632 is invalid"},
    {"path_table_of_random_bytes",
     [](std::string& b) {
       const size_t at = size_t{Le32(b, 16 * 2048 + 140)} * 2048;
       std::uint32_t x = 12345;
       for (size_t i = 0; i < Le32(b, 16 * 2048 + 132); ++i) {
         x = x * 1103515245u + 12345u;
         b[at + i] = static_cast<char>(x >> 16);
       }
     },
     "path table record 1: invalid"},
    {"directory_of_length_0", [](std::string& b) { SetBoth32(b, RootRecord(b, "SUB") + 10, 0); },
     "has a data length of 0 bytes, too short for its '.' and '..' records"},
    {"directory_flag_cleared",
     [](std::string& b) { b[RootRecord(b, "SUB") + 25] = static_cast<char>(b[RootRecord(b, "SUB") + 25] & ~2); },
     "Rock Ridge PX says directory but the record's directory flag is clear"},
    {"volume_space_size_0", [](std::string& b) { SetBoth32(b, 16 * 2048 + 80, 0); },
     "volume space size 0 blocks ends before block"},
    {"px_of_length_0",
     [](std::string& b) {
       const size_t root = size_t{Le32(b, 16 * 2048 + 156 + 2)} * 2048;
       b[b.find("PX", root) + 2] = 0;
     },
     "SUSP entry PX has length 0"},
    {"sp_len_skp_255",
     [](std::string& b) {
       const size_t root = size_t{Le32(b, 16 * 2048 + 156 + 2)} * 2048;
       b[b.find(std::string("SP\x07\x01\xbe\xef", 6), root) + 6] = static_cast<char>(255);
     },
     "SUSP SP LEN_SKP 255 skips past the end of a System Use area"},
    {"re_hiding_a_directory",
     [](std::string& b) {
       const size_t nm = b.find("NM", RootRecord(b, "SUB"));
       b.replace(nm, 2, "RE");
     },
     "is marked RRIP RE (relocated) but no CL entry names it"},
};

class VerifyDamage : public Verify, public ::testing::WithParamInterface<Damage> {};

TEST_P(VerifyDamage, IsReported) {
  std::string bytes = image_;
  GetParam().apply(bytes);
  ASSERT_NE(bytes, image_);
  RunResult r = VerifyBytes(bytes);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find(GetParam().expected), std::string::npos) << r.out << r.err;
}

INSTANTIATE_TEST_SUITE_P(Iso9660RockRidge, VerifyDamage, ::testing::ValuesIn(kDamages),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// ---- UDF (ECMA-167 3rd edition): an image genisoimage -udf writes, damaged in the
// descriptors the readers once took silently; each damaged descriptor gets its tag's CRC
// and checksum recomputed (3/7.2), so that only the rule under test can see it.

std::uint16_t Le16(const std::string& b, size_t at) {
  return static_cast<std::uint16_t>(static_cast<std::uint8_t>(b[at]) |
                                    static_cast<std::uint8_t>(b[at + 1]) << 8);
}
void SetLe16(std::string& b, size_t at, std::uint16_t v) {
  b[at] = static_cast<char>(v);
  b[at + 1] = static_cast<char>(v >> 8);
}
void SetLe32(std::string& b, size_t at, std::uint32_t v) {
  for (size_t i = 0; i < 4; ++i) b[at + i] = static_cast<char>(v >> (8 * i));
}
std::uint8_t TagChecksum(const std::string& b, size_t at) {
  unsigned sum = 0;
  for (size_t i = 0; i < 16; ++i) {
    if (i != 4) sum += static_cast<std::uint8_t>(b[at + i]);
  }
  return static_cast<std::uint8_t>(sum);
}
// ECMA-167 3/7.2.6: CRC-ITU (x^16 + x^12 + x^5 + 1) over the descriptor after its tag.
void FixTag(std::string& b, size_t at) {
  const std::uint16_t length = Le16(b, at + 10);
  std::uint16_t crc = 0;
  for (size_t i = 0; i < length; ++i) {
    crc = static_cast<std::uint16_t>(crc ^ (static_cast<std::uint8_t>(b[at + 16 + i]) << 8));
    for (int k = 0; k < 8; ++k) {
      crc = static_cast<std::uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
    }
  }
  SetLe16(b, at + 8, crc);
  b[at + 4] = static_cast<char>(TagChecksum(b, at));
}
bool IsTag(const std::string& b, size_t at, std::uint16_t id) {
  return at + 16 <= b.size() && Le16(b, at) == id && (Le16(b, at + 2) == 2 || Le16(b, at + 2) == 3) &&
         static_cast<std::uint8_t>(b[at + 4]) == TagChecksum(b, at);
}
// The block-aligned descriptors with tag identifier `id`.
std::vector<size_t> Tags(const std::string& b, std::uint16_t id) {
  std::vector<size_t> out;
  for (size_t at = 0; at + 2048 <= b.size(); at += 2048) {
    if (IsTag(b, at, id)) out.push_back(at);
  }
  return out;
}

const Damage kUdfDamages[] = {
    {"tag_location_wrong",
     [](std::string& b) {  // the file set descriptor (tag 256) claims another block
       const size_t at = Tags(b, 256).at(0);
       SetLe32(b, at + 12, Le32(b, at + 12) + 7);
       FixTag(b, at);
     },
     "records location"},
    {"directory_of_length_0",
     [](std::string& b) {  // a file entry (261) of a directory (ICB file type 4) other than /
       const std::vector<size_t> fes = Tags(b, 261);
       for (size_t i = 1; i < fes.size(); ++i) {
         if (b[fes[i] + 16 + 11] == 4) {
           for (size_t k = 0; k < 8; ++k) b[fes[i] + 56 + k] = 0;  // information length
           FixTag(b, fes[i]);
           return;
         }
       }
     },
     "has no file identifier descriptors, not even its parent's"},
    {"file_with_the_parent_flag",
     [](std::string& b) {  // the FID (257) of top.txt, inside the root directory's block
       for (size_t at = 0; at + 40 < b.size(); at += 4) {
         if (!IsTag(b, at, 257)) continue;
         const size_t name = at + 38 + Le16(b, at + 36);
         if (b.compare(name, 4, "\x08top") != 0) continue;
         b[at + 18] = static_cast<char>(b[at + 18] | 8);
         FixTag(b, at);
         return;
       }
     },
     "carries the parent flag but is not the first"},
    {"allocation_descriptor_past_the_end",
     [](std::string& b) {  // the short_ad of a file's entry (ICB file type 5)
       for (size_t fe : Tags(b, 261)) {
         if (b[fe + 16 + 11] != 5) continue;
         SetLe32(b, fe + 176 + Le32(b, fe + 168) + 4, 0x7FFFFFF0);
         FixTag(b, fe);
         return;
       }
     },
     "exceeds partition"},
    {"partition_length_0xffffffff",
     [](std::string& b) {  // the partition descriptor (5)
       const size_t at = Tags(b, 5).at(0);
       SetLe32(b, at + 192, 0xFFFFFFFF);
       FixTag(b, at);
     },
     "extend beyond the end of the image"},
};

class VerifyUdfDamage : public ::testing::TestWithParam<Damage> {
 protected:
  void SetUp() override {
    if (!HaveTool("genisoimage")) {
      MKIMG_MISSING_TOOL() << "needs genisoimage";
    }
    c_.HostFile("top.txt", "top\n");
    c_.HostFile("dir/f.txt", "hello\n");
    c_.HostDir("dir/sub");
    const stdfs::path img = c_.dir() / "udf.iso";
    RunResult r = e2e::Run({"genisoimage", "-quiet", "-udf", "-R", "-J", "-o", img.string(),
                            c_.src().string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    image_ = Slurp(img);
    RunResult ok = Verify(image_);
    ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  }
  RunResult Verify(const std::string& bytes) {
    const stdfs::path p = c_.dir() / "damaged.iso";
    Spit(p, bytes);
    return e2e::Run({MkimgPath(), "verify", p.string()});
  }
  Case c_{"verify-udf"};
  std::string image_;
};

TEST_P(VerifyUdfDamage, IsReported) {
  std::string bytes = image_;
  GetParam().apply(bytes);
  ASSERT_NE(bytes, image_) << "the damage found nothing to change";
  RunResult r = Verify(bytes);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find(GetParam().expected), std::string::npos) << r.out << r.err;
}

INSTANTIATE_TEST_SUITE_P(Udf, VerifyUdfDamage, ::testing::ValuesIn(kUdfDamages),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace e2e

// `mkimg verify` (specs/readers.md, specs/verification.md) on mkimg images damaged in ways
// the readers themselves tolerate: each damage must be reported by the rule that names it,
// and the intact image must verify clean.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/e2e/harness.h"

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

}  // namespace
}  // namespace e2e

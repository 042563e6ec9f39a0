// `mkimg verify` (specs/readers.md) on mkimg images damaged in ways the readers themselves
// tolerate: it must report a zeroed path table and a directory record whose little- and
// big-endian extent fields disagree, and find nothing in the intact image.
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

}  // namespace
}  // namespace e2e

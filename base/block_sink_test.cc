// The file sink: atomic creation (nothing at the path until Commit, no temporary left
// behind on failure), zero runs and source holes kept as holes, exact bytes.
#include "base/block_sink.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace base {
namespace {

namespace stdfs = std::filesystem;

class FileSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = stdfs::temp_directory_path() / ("mkimg-sink-test-" + std::to_string(::getpid()));
    stdfs::remove_all(dir_);
    stdfs::create_directories(dir_);
  }
  void TearDown() override { stdfs::remove_all(dir_); }
  std::string Slurp(const stdfs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::size_t EntriesInDir() {
    return static_cast<std::size_t>(
        std::distance(stdfs::directory_iterator(dir_), stdfs::directory_iterator()));
  }
  stdfs::path dir_;
};

TEST_F(FileSinkTest, NothingAppearsUntilCommitAndNothingStaysOnFailure) {
  const std::string out = (dir_ / "out.iso").string();
  {
    auto sink = OpenFileSink(out, 4096);
    ASSERT_TRUE(sink) << sink.error().ToString();
    std::vector<std::uint8_t> data(4096, 0xAB);
    ASSERT_TRUE((*sink)->Write(data));
    EXPECT_FALSE(stdfs::exists(out));
    // Destroyed without Commit: the build failed.
  }
  EXPECT_EQ(EntriesInDir(), 0u);
  {
    auto sink = OpenFileSink(out, 4096);
    ASSERT_TRUE(sink);
    std::vector<std::uint8_t> data(4096, 0xCD);
    ASSERT_TRUE((*sink)->Write(data));
    ASSERT_TRUE((*sink)->Commit());
  }
  EXPECT_EQ(EntriesInDir(), 1u);
  EXPECT_EQ(Slurp(out), std::string(4096, '\xCD'));
}

TEST_F(FileSinkTest, ZeroRunsAndSourceHolesStayHoles) {
  // A 64 MiB source with 4 KiB of data at 32 MiB and at its end.
  const stdfs::path src = dir_ / "sparse.bin";
  int fd = ::open(src.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  const std::uint64_t size = 64ull << 20;
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(size)), 0);
  std::string block(4096, 'x');
  ASSERT_EQ(::pwrite(fd, block.data(), block.size(), 32 << 20), 4096);
  ASSERT_EQ(::pwrite(fd, block.data(), block.size(), static_cast<off_t>(size - 4096)), 4096);

  const std::string out = (dir_ / "out.img").string();
  const std::uint64_t total = 2048 + (16ull << 20) + size;
  auto sink = OpenFileSink(out, total);
  ASSERT_TRUE(sink);
  std::vector<std::uint8_t> head(2048, 0x11);
  ASSERT_TRUE((*sink)->Write(head));
  ASSERT_TRUE((*sink)->WriteZeros(16ull << 20));
  auto st = (*sink)->CopyFrom(fd, 0, size, src.string());
  ASSERT_TRUE(st) << st.error().ToString();
  EXPECT_EQ((*sink)->position(), total);
  ASSERT_TRUE((*sink)->Commit());
  ::close(fd);

  struct stat sb {};
  ASSERT_EQ(::stat(out.c_str(), &sb), 0);
  EXPECT_EQ(static_cast<std::uint64_t>(sb.st_size), total);
  // Allocated: the head and two 4 KiB blocks, not 80 MiB.
  EXPECT_LT(static_cast<std::uint64_t>(sb.st_blocks) * 512, 1u << 20);
  std::string image = Slurp(out);
  ASSERT_EQ(image.size(), total);
  const std::size_t base = 2048 + (16u << 20);
  EXPECT_EQ(image.substr(0, 2048), std::string(2048, '\x11'));
  EXPECT_EQ(image.substr(2048, 16u << 20), std::string(16u << 20, '\0'));
  EXPECT_EQ(image.substr(base + (32u << 20), 4096), block);
  EXPECT_EQ(image.substr(base + (32u << 20) - 4096, 4096), std::string(4096, '\0'));
  EXPECT_EQ(image.substr(image.size() - 4096), block);
}

TEST_F(FileSinkTest, ShrunkSourceIsAnError) {
  const stdfs::path src = dir_ / "small.bin";
  { std::ofstream(src) << std::string(3 << 20, 'y'); }
  int fd = ::open(src.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  auto sink = OpenFileSink((dir_ / "o").string(), 0);
  ASSERT_TRUE(sink);
  auto st = (*sink)->CopyFrom(fd, 0, 4 << 20, src.string());
  ::close(fd);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), base::ErrorCode::kInvalidInput);
  EXPECT_NE(st.error().ToString().find("shrank"), std::string::npos);
}

}  // namespace
}  // namespace base

namespace base {
namespace {

TEST(BlockSinkLimit, RefusesAWritePastThePlannedSizeWhole) {
  std::vector<std::uint8_t> out;
  MemorySink sink(&out);
  sink.set_limit(kBlockSize);
  const std::vector<std::uint8_t> block(kBlockSize - 1, 0xAB);
  ASSERT_TRUE(sink.Write(block));
  const std::vector<std::uint8_t> two(2, 0xCD);
  Status past = sink.Write(two);
  ASSERT_FALSE(past);
  EXPECT_NE(past.error().what().find("planned size of 2048 bytes"), std::string::npos);
  EXPECT_EQ(out.size(), kBlockSize - 1);  // nothing of the refused write
  EXPECT_FALSE(sink.WriteZeros(2));
  EXPECT_EQ(out.size(), kBlockSize - 1);
  ASSERT_TRUE(sink.WriteZeros(1));
  EXPECT_EQ(out.size(), kBlockSize);
  EXPECT_FALSE(sink.Write(std::span(two).first(1)));
}

TEST(BlockSinkLimit, FileSinkTakesItsExpectedSizeAsLimit) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("mkimg-limit-" + std::to_string(::getpid())))
          .string();
  auto sink = OpenFileSink(path, 4096);
  ASSERT_TRUE(sink);
  EXPECT_EQ((*sink)->limit(), 4096u);
  EXPECT_TRUE((*sink)->WriteZeros(4096));
  EXPECT_FALSE((*sink)->WriteZeros(1));
}

}  // namespace
}  // namespace base

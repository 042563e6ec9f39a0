// CopyDevice: exact bytes over batch boundaries, zero runs as WriteZeros, range errors
// before anything is written, device errors passed on unchanged.
#include "base/block_copy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace base {
namespace {

// Records how bytes arrive: "W<n>" for Write, "Z<n>" for WriteZeros (in blocks).
class RecordingSink : public BlockSink {
 public:
  std::uint64_t position() const override { return bytes.size(); }
  std::vector<std::uint8_t> bytes;
  std::string calls;

 protected:
  Status DoWrite(std::span<const std::uint8_t> data) override {
    bytes.insert(bytes.end(), data.begin(), data.end());
    calls += "W" + std::to_string(data.size() / kBlockSize);
    return Ok();
  }
  Status DoWriteZeros(std::uint64_t n) override {
    bytes.insert(bytes.end(), n, 0);
    calls += "Z" + std::to_string(n / kBlockSize);
    return Ok();
  }
};

// A device that offers no View(), so CopyDevice has to Read(); optionally failing.
class ReadOnlyDevice : public BlockDevice {
 public:
  explicit ReadOnlyDevice(std::span<const std::uint8_t> bytes, bool fail = false)
      : inner_(MemoryBlockDevice(bytes)), fail_(fail) {}
  std::uint64_t size() const override { return inner_->size(); }
  Status Read(std::uint64_t offset, std::span<std::uint8_t> out) const override {
    if (fail_) return IoError("disc.mkd", "read failed");
    return inner_->Read(offset, out);
  }

 private:
  std::unique_ptr<BlockDevice> inner_;
  bool fail_;
};

std::vector<std::uint8_t> Blocks(const std::string& pattern) {
  std::vector<std::uint8_t> out;
  for (char c : pattern) out.insert(out.end(), kBlockSize, c == '0' ? 0 : std::uint8_t(c));
  return out;
}

TEST(BlockCopyTest, CopiesARangeWithZeroRunsAsHoles) {
  auto bytes = Blocks("a00bc0");
  auto device = MemoryBlockDevice(bytes);
  RecordingSink sink;
  ASSERT_TRUE(CopyDevice(*device, 1, 5, sink));
  EXPECT_EQ(sink.calls, "Z2W2Z1");
  EXPECT_EQ(sink.bytes, std::vector<std::uint8_t>(bytes.begin() + kBlockSize, bytes.end()));
}

TEST(BlockCopyTest, ReadsThroughBatchesWithoutView) {
  std::string pattern(1100, 'x');
  pattern[600] = '0';
  auto bytes = Blocks(pattern);
  ReadOnlyDevice device(bytes);
  RecordingSink sink;
  ASSERT_TRUE(CopyDevice(device, 0, 1100, sink));
  EXPECT_EQ(sink.bytes, bytes);
  EXPECT_EQ(sink.calls, "W512W88Z1W423W76");
}

TEST(BlockCopyTest, RefusesARangeBeyondTheEndBeforeWriting) {
  auto bytes = Blocks("ab");
  auto device = MemoryBlockDevice(bytes);
  RecordingSink sink;
  auto s = CopyDevice(*device, 1, 2, sink);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kCorruptImage);
  EXPECT_EQ(s.error().ToString(), "LBA 1: 2 blocks extend beyond the end of the image");
  EXPECT_TRUE(sink.bytes.empty());
  EXPECT_TRUE(CopyDevice(*device, 2, 0, sink));
}

TEST(BlockCopyTest, PassesDeviceAndSinkErrorsOn) {
  auto bytes = Blocks("ab");
  ReadOnlyDevice failing(bytes, true);
  RecordingSink sink;
  auto s = CopyDevice(failing, 0, 2, sink);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().ToString(), "disc.mkd: read failed");

  auto device = MemoryBlockDevice(bytes);
  std::vector<std::uint8_t> out;
  MemorySink limited(&out);
  limited.set_limit(kBlockSize);
  s = CopyDevice(*device, 0, 2, limited);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kIo);
}

}  // namespace
}  // namespace base

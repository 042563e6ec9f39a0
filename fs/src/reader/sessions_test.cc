// FindImageSessions and SessionView on synthetic multisession images (fs/sessions.h).
#include "fs/sessions.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "fs/image_reader.h"

namespace fs {
namespace {

std::uint8_t* Block(std::vector<std::uint8_t>& image, std::uint32_t lba) {
  return image.data() + std::size_t{lba} * 2048;
}

// ECMA-119 9.1 directory record.
std::vector<std::uint8_t> Record(std::uint32_t lba, std::uint32_t size, std::uint8_t flags,
                                 const std::string& name) {
  std::vector<std::uint8_t> r(33 + name.size() + (name.size() % 2 == 0 ? 1 : 0));
  base::StoreBoth32(r.data() + 2, lba);
  base::StoreBoth32(r.data() + 10, size);
  r[18] = 126;
  r[19] = 1;
  r[20] = 1;
  r[25] = flags;
  base::StoreBoth16(r.data() + 28, 1);
  r[32] = static_cast<std::uint8_t>(name.size());
  std::memcpy(r.data() + 33, name.data(), name.size());
  r[0] = static_cast<std::uint8_t>(r.size());
  return r;
}

// Writes a session as a multisession writer does: its primary volume descriptor at
// start + 16 (volume space size: the absolute end), the terminator at start + 17, the root
// at start + 18 naming `files` (each one block, the data of file i at `data[i]`). `size` is
// the volume space size recorded.
void WriteSession(std::vector<std::uint8_t>& image, std::uint32_t start, std::uint32_t size,
                  const std::vector<std::string>& files, const std::vector<std::uint32_t>& data) {
  std::uint8_t* pvd = Block(image, start + 16);
  pvd[0] = 1;
  std::memcpy(pvd + 1, "CD001", 5);
  pvd[6] = 1;
  std::memset(pvd + 8, ' ', 64);
  base::StoreBoth32(pvd + 80, size);
  base::StoreBoth16(pvd + 120, 1);
  base::StoreBoth16(pvd + 124, 1);
  base::StoreBoth16(pvd + 128, 2048);
  const std::uint32_t root = start + 18;
  std::vector<std::uint8_t> rec = Record(root, 2048, 0x02, std::string(1, '\0'));
  std::memcpy(pvd + 156, rec.data(), 34);
  std::uint8_t* term = Block(image, start + 17);
  term[0] = 255;
  std::memcpy(term + 1, "CD001", 5);
  term[6] = 1;
  std::uint8_t* d = Block(image, root);
  std::size_t pos = 0;
  auto put = [&](const std::vector<std::uint8_t>& r) {
    std::memcpy(d + pos, r.data(), r.size());
    pos += r.size();
  };
  put(Record(root, 2048, 0x02, std::string(1, '\0')));
  put(Record(root, 2048, 0x02, std::string(1, '\1')));
  for (std::size_t i = 0; i < files.size(); ++i) put(Record(data[i], 5, 0, files[i] + ";1"));
}

std::vector<std::string> Names(std::unique_ptr<base::BlockDevice> device) {
  auto reader = ImageReader::Open(std::move(device));
  EXPECT_TRUE(reader) << reader.error().ToString();
  if (!reader) return {};
  auto tree = (*reader)->ReadTree(Namespace::kIso9660);
  EXPECT_TRUE(tree);
  std::vector<std::string> names;
  for (NodeId c : tree->tree.children(kRootNode)) names.emplace_back(tree->tree.name(c));
  return names;
}

// Session 1 at 0 (blocks 0-29), a CD's gap of lead-out, lead-in and pregap, session 2 at
// 11430 whose root names session 1's file and its own.
constexpr std::uint32_t kEnd1 = 30, kStart2 = kEnd1 + 6750 + 4500 + 150, kEnd2 = kStart2 + 30;

std::vector<std::uint8_t> TwoSessions() {
  std::vector<std::uint8_t> image(std::size_t{kEnd2} * 2048, 0);
  WriteSession(image, 0, kEnd1, {"ONE.TXT"}, {20});
  std::memcpy(Block(image, 20), "one\n", 4);
  // Its volume space size counts from its start, as libisofs and genisoimage write it.
  WriteSession(image, kStart2, kEnd2 - kStart2, {"ONE.TXT", "TWO.TXT"}, {20, kStart2 + 20});
  std::memcpy(Block(image, kStart2 + 20), "two\n", 4);
  return image;
}

TEST(Sessions, FindsEverySessionOfAnAppendedImage) {
  std::vector<std::uint8_t> image = TwoSessions();
  auto sessions = FindImageSessions(*base::MemoryBlockDevice(image));
  ASSERT_TRUE(sessions);
  ASSERT_EQ(sessions->size(), 2u);
  EXPECT_EQ((*sessions)[0], (SessionInfo{1, 0, kEnd1}));
  EXPECT_EQ((*sessions)[1], (SessionInfo{2, kStart2, kEnd2 - kStart2}));
}

TEST(Sessions, ViewReadsTheChosenSession) {
  std::vector<std::uint8_t> image = TwoSessions();
  auto last = SessionView(base::MemoryBlockDevice(image), kStart2, kEnd2);
  ASSERT_TRUE(last);
  EXPECT_EQ(Names(std::move(last).value()), (std::vector<std::string>{"ONE.TXT", "TWO.TXT"}));
  auto first = SessionView(base::MemoryBlockDevice(image), 0, kEnd1);
  ASSERT_TRUE(first);
  EXPECT_EQ(Names(std::move(first).value()), (std::vector<std::string>{"ONE.TXT"}));
  // Blocks outside the copied descriptors read as they are; the copy reads the session's.
  auto view = SessionView(base::MemoryBlockDevice(image), kStart2, kEnd2);
  ASSERT_TRUE(view);
  std::vector<std::uint8_t> got;
  ASSERT_TRUE((*view)->ReadBlocks(15, 4, &got));
  EXPECT_EQ(0, std::memcmp(got.data(), Block(image, 15), 2048));
  EXPECT_EQ(0, std::memcmp(got.data() + 2 * 2048, Block(image, kStart2 + 17), 2048));
  // The copied primary descriptor: the session's, its volume ending with the session.
  EXPECT_EQ(0, std::memcmp(got.data() + 2048, Block(image, kStart2 + 16), 80));
  EXPECT_EQ(base::LoadLe32(got.data() + 2048 + 80), kEnd2);
  EXPECT_EQ(0, std::memcmp(got.data() + 2048 + 88, Block(image, kStart2 + 16) + 88, 2048 - 88));
  EXPECT_EQ(0, std::memcmp(got.data() + 3 * 2048, Block(image, 18), 2048));
}

TEST(Sessions, SingleSessionAndNoIso) {
  std::vector<std::uint8_t> image(std::size_t{kEnd1 + 300} * 2048, 0);  // padding after it
  WriteSession(image, 0, kEnd1, {"ONE.TXT"}, {20});
  auto one = FindImageSessions(*base::MemoryBlockDevice(image));
  ASSERT_TRUE(one);
  EXPECT_EQ(*one, (std::vector<SessionInfo>{{1, 0, kEnd1}}));
  std::vector<std::uint8_t> blank(64 * 2048, 0);
  auto none = FindImageSessions(*base::MemoryBlockDevice(blank));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(SessionView(base::MemoryBlockDevice(blank), 20, 64));
}

TEST(Sessions, HostileDescriptorsAreNotSessions) {
  std::vector<std::uint8_t> image = TwoSessions();
  // A second "session" whose volume ends before its root, or past the image (counted from
  // its start or from LBA 0), or whose root lies before it, is not one.
  for (int variant = 0; variant < 3; ++variant) {
    std::vector<std::uint8_t> bad = image;
    std::uint8_t* pvd = Block(bad, kStart2 + 16);
    if (variant == 0) base::StoreBoth32(pvd + 80, 10);
    if (variant == 1) base::StoreBoth32(pvd + 80, kEnd2 + 1);
    if (variant == 2) base::StoreBoth32(pvd + 156 + 2, 5);
    auto sessions = FindImageSessions(*base::MemoryBlockDevice(bad));
    ASSERT_TRUE(sessions);
    EXPECT_EQ(sessions->size(), 1u) << variant;
  }
  // A first session claiming no blocks ends at the image's end: no search, no loop.
  std::vector<std::uint8_t> zero = image;
  base::StoreBoth32(Block(zero, 16) + 80, 0);
  auto sessions = FindImageSessions(*base::MemoryBlockDevice(zero));
  ASSERT_TRUE(sessions);
  ASSERT_EQ(sessions->size(), 1u);
  EXPECT_EQ((*sessions)[0].blocks, kEnd2);
}

}  // namespace
}  // namespace fs

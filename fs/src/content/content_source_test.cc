// The content kinds beyond host files, text and zeros: an extent of an open image
// (multisession import), generated content patched after placement (El Torito's boot
// information table, checked field by field against its definition), and a stashed
// non-seekable input. Each is built into an image and read back at its planned LBA.
#include "fs/content_source.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "base/block_device.h"
#include "base/bytes.h"
#include "fs/image_builder.h"
#include "plan/image_layout.h"

namespace fs {
namespace {

Content Inline(Tree& tree, std::string_view bytes) {
  Content c;
  c.kind = ContentKind::kInline;
  c.size = bytes.size();
  c.pool_offset = tree.Intern(bytes);
  c.pool_length = static_cast<std::uint32_t>(bytes.size());
  return c;
}

ImageSpec NewSpec() {
  ImageSpec spec;
  spec.volume.id = "CONTENT";
  spec.volume.timestamp.seconds = 1767225600;
  return spec;
}

std::string Slice(const std::vector<std::uint8_t>& image, std::uint64_t at, std::size_t n) {
  if (at + n > image.size()) return {};
  return std::string(reinterpret_cast<const char*>(image.data() + at), n);
}

// Plans and emits; returns the image and, through *lba, the data LBA of node `file`.
std::vector<std::uint8_t> Build(ImageSpec spec, NodeId file, std::uint32_t* lba) {
  auto layout = plan::PlanImage(std::move(spec), 0, {});
  EXPECT_TRUE(layout) << layout.error().ToString();
  if (!layout) return {};
  *lba = (*layout)->plan().extent_of(file).lba;
  std::vector<std::uint8_t> image;
  base::MemorySink sink(&image);
  auto status = Emit(**layout, sink);
  EXPECT_TRUE(status) << status.error().ToString();
  return image;
}

TEST(ContentSource, AnExtentOfAnOpenImageIsCopied) {
  ImageSpec first = NewSpec();
  std::string payload(5000, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 7);
  const NodeId original = first.tree.AddFile(kRootNode, "data.bin", Inline(first.tree, payload));
  std::uint32_t first_lba = 0;
  auto old_image =
      std::make_shared<std::vector<std::uint8_t>>(Build(std::move(first), original, &first_lba));
  ASSERT_FALSE(old_image->empty());

  ImageSpec second = NewSpec();
  std::shared_ptr<const base::BlockDevice> device = base::MemoryBlockDevice(*old_image);
  Content c;
  c.kind = ContentKind::kImageExtent;
  c.size = payload.size();
  c.location = std::uint64_t{first_lba} * base::kBlockSize;
  c.host_dir = second.tree.AddImageDevice(device);
  const NodeId imported = second.tree.AddFile(kRootNode, "imported.bin", c);
  std::uint32_t lba = 0;
  auto image = Build(std::move(second), imported, &lba);
  ASSERT_GE(image.size(), std::uint64_t{lba} * base::kBlockSize + payload.size());
  EXPECT_EQ(Slice(image, std::uint64_t{lba} * base::kBlockSize, payload.size()), payload);
  EXPECT_EQ(image[lba * base::kBlockSize + payload.size()], 0);  // padding
}

TEST(ContentSource, AnExtentWithoutItsImageIsRefusedWhenPlanning) {
  ImageSpec spec = NewSpec();
  Content c;
  c.kind = ContentKind::kImageExtent;
  c.size = 10;
  spec.tree.AddFile(kRootNode, "orphan", c);
  auto layout = Plan(std::move(spec), {});
  ASSERT_FALSE(layout);
  EXPECT_EQ(layout.error().code(), base::ErrorCode::kUnsupported);
  EXPECT_EQ(layout.error().where(), "/orphan");
}

TEST(ContentSource, BootInfoTableIsPatchedWithPlacedLbas) {
  ImageSpec spec = NewSpec();
  std::vector<std::uint8_t> boot(4000);
  for (std::size_t i = 0; i < boot.size(); ++i) boot[i] = static_cast<std::uint8_t>(i * 13 + 1);
  std::uint32_t sum = 0;  // El Torito boot info table: 32-bit LE words from byte 64
  for (std::size_t i = 64; i < boot.size(); i += 4) sum += base::LoadLe32(&boot[i]);
  spec.tree.AddFile(kRootNode, "before.txt", Inline(spec.tree, "pushes the boot image on"));
  const NodeId file = spec.tree.AddFile(
      kRootNode, "boot.img",
      spec.tree.GeneratedContent(PatchedBytes(boot, "boot.img", {BootInfoTable()})));
  std::uint32_t lba = 0;
  auto image = Build(std::move(spec), file, &lba);
  const std::uint8_t* p = image.data() + std::uint64_t{lba} * base::kBlockSize;
  EXPECT_EQ(base::LoadLe32(p + 8), 16u);   // the primary volume descriptor
  EXPECT_EQ(base::LoadLe32(p + 12), lba);  // the image itself
  EXPECT_EQ(base::LoadLe32(p + 16), 4000u);
  EXPECT_EQ(base::LoadLe32(p + 20), sum);
  for (int i = 24; i < 64; ++i) EXPECT_EQ(p[i], 0) << i;
  EXPECT_EQ(std::vector<std::uint8_t>(p, p + 8),
            std::vector<std::uint8_t>(boot.begin(), boot.begin() + 8));
  EXPECT_EQ(std::vector<std::uint8_t>(p + 64, p + 4000),
            std::vector<std::uint8_t>(boot.begin() + 64, boot.end()));
}

TEST(ContentSource, TooSmallABootImageIsAnError) {
  ImageSpec spec = NewSpec();
  spec.tree.AddFile(kRootNode, "tiny.img",
                    spec.tree.GeneratedContent(PatchedBytes(std::vector<std::uint8_t>(10, 1),
                                                            "tiny.img", {BootInfoTable()})));
  auto layout = Plan(std::move(spec), {});
  ASSERT_TRUE(layout);
  std::vector<std::uint8_t> image;
  base::MemorySink sink(&image);
  auto status = Emit(**layout, sink);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().what().find("at least 64 bytes"), std::string::npos);
}

TEST(ContentSource, AStashedPipeIsWrittenWhole) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  std::string payload;
  for (int i = 0; i < 300000; ++i) payload.push_back(static_cast<char>('a' + i % 26));
  std::thread writer([&] {
    std::size_t done = 0;
    while (done < payload.size()) {
      const ssize_t w = ::write(pipe_fds[1], payload.data() + done, payload.size() - done);
      if (w <= 0) break;
      done += static_cast<std::size_t>(w);
    }
    ::close(pipe_fds[1]);
  });
  auto source =
      StashStream(pipe_fds[0], "standard input", std::filesystem::temp_directory_path().string());
  writer.join();
  ::close(pipe_fds[0]);
  ASSERT_TRUE(source) << source.error().ToString();
  EXPECT_EQ((*source)->size(), payload.size());
  ImageSpec spec = NewSpec();
  const NodeId file = spec.tree.AddFile(kRootNode, "piped", spec.tree.GeneratedContent(*source));
  std::uint32_t lba = 0;
  auto image = Build(std::move(spec), file, &lba);
  EXPECT_EQ(Slice(image, std::uint64_t{lba} * base::kBlockSize, payload.size()), payload);
}

}  // namespace
}  // namespace fs

// The UDF writer through Plan + Emit into memory, its descriptors read back with the codec
// (udf_format.h) at the places ECMA-167 3rd edition and OSTA UDF 2.60 put them: the volume
// recognition sequence, the three anchors, the volume descriptor sequences, the partition
// maps per revision, the closed integrity descriptor and its counts, and the allocation
// descriptors of a 5 GiB file (unrecorded, six extents under 2^30). The independent
// readers' checks are in tests/udf_writer.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "base/block_sink.h"
#include "fs/image_builder.h"
#include "udf/udf_file_format.h"
#include "udf/udf_format.h"

namespace fs::udf {
namespace {

constexpr std::int64_t k2026 = 1767225600;
constexpr std::uint64_t kFiveGib = 5ull << 30;

Content Inline(Tree& t, std::string_view text) {
  Content c;
  c.kind = ContentKind::kInline;
  c.pool_offset = t.Intern(text);
  c.pool_length = static_cast<std::uint32_t>(text.size());
  c.size = text.size();
  return c;
}

std::vector<std::uint8_t> Build(const std::string& revision, bool bridge) {
  ImageSpec spec;
  spec.volume.id = "UDFTEST";
  spec.volume.label = "UDF test";
  spec.volume.timestamp = fs::Timestamp{k2026, 0};
  spec.iso9660.enabled = bridge;
  spec.joliet.enabled = bridge;
  spec.udf.enabled = true;
  spec.udf.revision = revision;
  Tree& t = spec.tree;
  t.mutable_node(kRootNode).mtime = fs::Timestamp{k2026, 0};
  const NodeId dir = t.AddDirectory(kRootNode, "dir");
  t.AddFile(dir, "hello.txt", Inline(t, "hello\n"));
  Content zeros;
  zeros.kind = ContentKind::kZeros;
  zeros.size = kFiveGib;
  t.AddFile(kRootNode, "zeros.bin", zeros);
  auto layout = Plan(std::move(spec), {});
  EXPECT_TRUE(layout) << layout.error().ToString();
  std::vector<std::uint8_t> bytes;
  if (!layout) return bytes;
  base::MemorySink sink(&bytes);
  const base::Status emitted = Emit(**layout, sink);
  EXPECT_TRUE(emitted) << emitted.error().ToString();
  return bytes;
}

std::span<const std::uint8_t> Block(const std::vector<std::uint8_t>& image, std::uint64_t lba) {
  return std::span<const std::uint8_t>(image).subspan(lba * 2048, 2048);
}

// Checks the tag of the descriptor at `lba` and returns its identifier.
std::uint16_t Tagged(const std::vector<std::uint8_t>& image, std::uint64_t lba,
                     std::uint32_t location) {
  auto id = CheckTag(Block(image, lba), location, "LBA " + std::to_string(lba), nullptr);
  EXPECT_TRUE(id) << (id ? "" : id.error().ToString());
  return id ? *id : 0;
}

struct Volume {
  std::uint32_t main = 0, reserve = 0, partition_start = 0, partition_length = 0;
  LogicalVolumeDescriptor lvd;
  std::vector<std::uint8_t> maps;
};

Volume ReadVolume(const std::vector<std::uint8_t>& image) {
  Volume v;
  const std::uint64_t last = image.size() / 2048 - 1;
  for (std::uint64_t at : {std::uint64_t{256}, last - 256, last}) {
    EXPECT_EQ(Tagged(image, at, static_cast<std::uint32_t>(at)), kAnchorVolumeDescriptorPointer);
    const auto avdp = AnchorVolumeDescriptorPointer::Parse(Block(image, at));
    EXPECT_TRUE(avdp);
    EXPECT_EQ(avdp->main_vds.length.get(), 16u * 2048);  // UDF 2.2.3.1
    EXPECT_EQ(avdp->reserve_vds.length.get(), 16u * 2048);
    v.main = avdp->main_vds.location.get();
    v.reserve = avdp->reserve_vds.location.get();
  }
  EXPECT_EQ(v.reserve, last - 255);  // just after the anchor at N - 256
  for (std::uint32_t vds : {v.main, v.reserve}) {
    const std::uint16_t order[] = {kPrimaryVolumeDescriptor,    kImplementationUseVolumeDescriptor,
                                   kPartitionDescriptor,        kLogicalVolumeDescriptor,
                                   kUnallocatedSpaceDescriptor, kTerminatingDescriptor};
    for (std::uint32_t i = 0; i < 6; ++i) EXPECT_EQ(Tagged(image, vds + i, vds + i), order[i]);
  }
  const auto pd = PartitionDescriptor::Parse(Block(image, v.main + 2));
  EXPECT_EQ(pd->access_type.get(), 1u);  // read-only
  v.partition_start = pd->partition_starting_location.get();
  v.partition_length = pd->partition_length.get();
  EXPECT_GT(v.partition_start, 256u);  // the anchor at 256 stays outside the partition
  v.lvd = *LogicalVolumeDescriptor::Parse(Block(image, v.main + 3));
  const auto lvd_block = Block(image, v.main + 3);
  v.maps.assign(lvd_block.begin() + kPartitionMapsOffset,
                lvd_block.begin() + kPartitionMapsOffset + v.lvd.map_table_length.get());
  return v;
}

TEST(UdfWriterTest, VolumeRecognitionSequenceBytes) {
  const auto image = Build("2.01", false);
  ASSERT_FALSE(image.empty());
  // ECMA-167 2/9.1: type 0, identifier, version 1, then zeros; UDF alone starts at 16.
  const std::uint8_t bea[] = {0, 'B', 'E', 'A', '0', '1', 1};
  const std::uint8_t nsr[] = {0, 'N', 'S', 'R', '0', '3', 1};
  const std::uint8_t tea[] = {0, 'T', 'E', 'A', '0', '1', 1};
  EXPECT_EQ(std::memcmp(Block(image, 16).data(), bea, 7), 0);
  EXPECT_EQ(std::memcmp(Block(image, 17).data(), nsr, 7), 0);
  EXPECT_EQ(std::memcmp(Block(image, 18).data(), tea, 7), 0);
  const auto old = Build("1.02", false);
  const std::uint8_t nsr02[] = {0, 'N', 'S', 'R', '0', '2', 1};
  EXPECT_EQ(std::memcmp(Block(old, 17).data(), nsr02, 7), 0);
  // 1.02 descriptors carry tag version 2 (ECMA-167 2nd edition structures).
  EXPECT_EQ(base::LoadLe16(Block(old, 256).data() + 2), 2u);
  EXPECT_EQ(base::LoadLe16(Block(image, 256).data() + 2), 3u);
}

TEST(UdfWriterTest, BridgeStartsTheSequenceAfterTheIso9660Terminator) {
  const auto image = Build("2.60", true);
  ASSERT_FALSE(image.empty());
  std::uint64_t lba = 16;
  while (Block(image, lba)[0] != 255) ++lba;  // ECMA-119 8.3: the terminator
  EXPECT_EQ(std::memcmp(Block(image, lba + 1).data() + 1, "BEA01", 5), 0);
  EXPECT_EQ(std::memcmp(Block(image, lba + 2).data() + 1, "NSR03", 5), 0);
}

TEST(UdfWriterTest, PartitionMapsAndIntegrityPerRevision) {
  for (const std::string revision : {"1.02", "1.50", "2.01", "2.50", "2.60"}) {
    SCOPED_TRACE(revision);
    const auto image = Build(revision, false);
    ASSERT_FALSE(image.empty());
    const Volume v = ReadVolume(image);
    const bool metadata = revision >= "2.50";
    const std::uint16_t bcd = static_cast<std::uint16_t>(
        ((revision[0] - '0') << 8) | ((revision[2] - '0') << 4) | (revision[3] - '0'));
    EXPECT_EQ(v.lvd.domain_identifier.SuffixRevision(), bcd);
    EXPECT_EQ(v.lvd.number_of_partition_maps.get(), metadata ? 2u : 1u);
    EXPECT_EQ(v.maps[0], 1);  // type 1 map, 6 bytes, partition 0
    EXPECT_EQ(v.maps[1], 6);
    // The FSD: in the metadata partition (reference 1) from 2.50 on.
    EXPECT_EQ(v.lvd.file_set_descriptor_location.extent_location.partition_reference_number.get(),
              metadata ? 1 : 0);
    std::uint64_t fsd_lba = v.partition_start;
    if (metadata) {
      const auto map =
          MetadataPartitionMap::Parse(std::span<const std::uint8_t>(v.maps).subspan(6));
      ASSERT_TRUE(map);
      EXPECT_EQ(
          std::memcmp(map->partition_type_identifier.identifier.b, "*UDF Metadata Partition", 23),
          0);
      EXPECT_EQ(map->metadata_bitmap_file_location.get(), 0xFFFFFFFFu);
      EXPECT_EQ(map->flags, 0);  // no separate mirror asked for
      // The metadata file's entry: an EFE of type 250 whose short_ad is the partition's
      // 32-block-aligned extent; the mirror's (251) names the same extent.
      const std::uint32_t entry = map->metadata_file_location.get();
      EXPECT_EQ(Tagged(image, v.partition_start + entry, entry), kExtendedFileEntry);
      const auto efe = ExtendedFileEntry::Parse(Block(image, v.partition_start + entry));
      EXPECT_EQ(efe->icb_tag.file_type, kFileTypeMetadata);
      const auto ad = ShortAd::Parse(Block(image, v.partition_start + entry).subspan(216));
      EXPECT_EQ(ad->extent_position.get() % 32, 0u);
      EXPECT_EQ(ExtentLength(ad->extent_length.get()) % (32 * 2048), 0u);
      const std::uint32_t mirror = map->metadata_mirror_file_location.get();
      EXPECT_EQ(
          ExtendedFileEntry::Parse(Block(image, v.partition_start + mirror))->icb_tag.file_type,
          kFileTypeMetadataMirror);
      EXPECT_EQ(ShortAd::Parse(Block(image, v.partition_start + mirror).subspan(216))
                    ->extent_position.get(),
                ad->extent_position.get());
      fsd_lba = v.partition_start + ad->extent_position.get();
    }
    EXPECT_EQ(Tagged(image, fsd_lba, 0), kFileSetDescriptor);
    EXPECT_EQ(Tagged(image, fsd_lba + 1, 1), kTerminatingDescriptor);
    // The root's ICB follows: an FE up to 2.01, an EFE after.
    EXPECT_EQ(Tagged(image, fsd_lba + 2, 2), metadata ? kExtendedFileEntry : kFileEntry);

    const std::uint32_t lvid_lba = v.lvd.integrity_sequence_extent.location.get();
    EXPECT_EQ(Tagged(image, lvid_lba, lvid_lba), kLogicalVolumeIntegrityDescriptor);
    const auto lvid = LogicalVolumeIntegrityDescriptor::Parse(Block(image, lvid_lba));
    EXPECT_EQ(lvid->integrity_type.get(), kIntegrityClose);
    const std::uint32_t n = lvid->number_of_partitions.get();
    EXPECT_EQ(n, metadata ? 2u : 1u);
    EXPECT_EQ(base::LoadLe32(Block(image, lvid_lba).data() + kLvidTablesOffset + 4 * n),
              v.partition_length);
    const auto use = LvidImplementationUse::Parse(
        Block(image, lvid_lba).subspan(kLvidTablesOffset + 8 * std::size_t{n}));
    EXPECT_EQ(use->number_of_files.get(), 2u);
    EXPECT_EQ(use->number_of_directories.get(), 2u);
    EXPECT_EQ(use->minimum_udf_read_revision.get(), revision == "2.60" ? 0x0250 : bcd);
    EXPECT_EQ(use->minimum_udf_write_revision.get(), bcd);
    EXPECT_EQ(use->maximum_udf_write_revision.get(), bcd);
    // Next unique ID: root 0, then 16, 17, 18 for dir, zeros.bin, hello.txt.
    EXPECT_EQ(base::LoadLe64(lvid->logical_volume_contents_use.b), 19u);

    // zeros.bin, the root's second child in breadth-first ICB order (dir, zeros.bin): a 5
    // GiB file only UDF shows, six unrecorded extents of at most 2^30 - 2048 bytes.
    const auto zeros = Block(image, fsd_lba + 2 + 2);
    const std::size_t header = metadata ? 216 : 176;
    const auto fields = ParseFileEntryFields(zeros, metadata ? kExtendedFileEntry : kFileEntry);
    EXPECT_EQ(fields->information_length, kFiveGib);
    const std::size_t ad_size = metadata ? 16 : 8;
    ASSERT_EQ(fields->length_of_allocation_descriptors, 6 * ad_size);
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < 6; ++i) {
      const std::uint32_t raw = base::LoadLe32(zeros.data() + header + i * ad_size);
      EXPECT_EQ(ExtentKind(raw), kNotAllocated);
      EXPECT_LT(ExtentLength(raw), 1u << 30);
      total += ExtentLength(raw);
    }
    EXPECT_EQ(total, kFiveGib);
    EXPECT_LT(image.size(), 4u << 20);  // the 5 GiB cost no blocks
  }
}

}  // namespace
}  // namespace fs::udf

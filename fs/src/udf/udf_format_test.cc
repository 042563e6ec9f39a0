// Tests of the UDF codec (udf_format.h): Encode -> Parse round trips of every fixed
// structure, the descriptor tag helpers (ECMA-167 3/7.2, CRC-ITU), and descriptors as
// mkudffs (udftools 2.3) records them: Parse reads their fields and Encode of the parsed
// structs gives the same bytes back.
#include "udf/udf_format.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "codec/round_trip_test_util.h"
#include "udf/udf_file_format.h"

namespace fs::udf {
namespace {

std::vector<std::uint8_t> Hex(std::string_view hex, std::size_t size) {
  std::vector<std::uint8_t> out(size, 0);
  for (std::size_t i = 0; i + 1 < hex.size() && i / 2 < size; i += 2) {
    out[i / 2] = static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

// Sector 256 (the anchor, 2048-byte blocks) of an image made by
// `mkudffs --blocksize=2048 --label=MKIMG --uuid=0123456789abcdef --vsid=MKIMGSET` on a
// 4 MiB file (udftools 2.3): its first 32 bytes; the other 480 are zero.
constexpr std::string_view kMkudffsAnchor =
    "020003003f0001000443f00100010000008000006000000000800000ef070000";
// Sector 96 of the same image: the primary volume descriptor (512 bytes).
constexpr std::string_view kMkudffsPvd =
    "01000300580001009d65f001600000000100000000000000084d4b494d470000000000000000000000000000000000"
    "00"
    "00000000000000060100010002000300010000000100000008303132333435363738396162636465664d4b494d4753"
    "45"
    "5400000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00"
    "0000000000000019004f53544120436f6d7072657373656420556e69636f6465000000000000000000000000000000"
    "00"
    "000000000000000000000000000000000000000000000000004f53544120436f6d7072657373656420556e69636f64"
    "65"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00"
    "0000000000000000002a4c696e7578206d6b756466667320322e33000000000000000000000000000010ea070c040a"
    "22"
    "09386137002a4c696e7578205544464653000000000000000000000004050000000000000000000000000000000000"
    "00"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00"
    "0000000000000000010000000000000000000000000000000000000000000000";
// Sector 97: the logical volume descriptor with its one type 1 partition map (446 bytes).
constexpr std::string_view kMkudffsLvd =
    "06000300d70001008c31ae016100000002000000004f53544120436f6d7072657373656420556e69636f6465000000"
    "00"
    "000000000000000000000000000000000000000000000000000000000000000000000000084d4b494d470000000000"
    "00"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00"
    "000000000000000000000000000000000000000600080000002a4f5354412055444620436f6d706c69616e74000000"
    "00"
    "0102000000000000000800000100000000000000000000000600000001000000002a4c696e75782055444646530000"
    "00"
    "0000000000000000040500000000000000000000000000000000000000000000000000000000000000000000000000"
    "00"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00"
    "0020000080000000010601000000";
// Sector 98: the partition descriptor (512 bytes).
constexpr std::string_view kMkudffsPd =
    "050003006e000100dd35f001620000000300000001000000002b4e5352303300000000000000000000000000000000"
    "00"
    "0000000000000000000000000000000000080000000000000000000000000000000000000000000000000000000000"
    "00"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000004000000010100"
    "00"
    "e8060000002a4c696e7578205544464653000000000000000000000004050000000000000000000000000000000000"
    "00"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00"
    "0000000000000000000000000000000000000000000000000000000000000000";

TEST(UdfFormat, EveryStructureRoundTrips) {
  codec::ExpectRoundTrip<Tag>();
  codec::ExpectRoundTrip<Charspec>();
  codec::ExpectRoundTrip<Timestamp>();
  codec::ExpectRoundTrip<Regid>();
  codec::ExpectRoundTrip<ExtentAd>();
  codec::ExpectRoundTrip<LbAddr>();
  codec::ExpectRoundTrip<ShortAd>();
  codec::ExpectRoundTrip<LongAd>();
  codec::ExpectRoundTrip<ExtAd>();
  codec::ExpectRoundTrip<VolumeStructureDescriptor>();
  codec::ExpectRoundTrip<AnchorVolumeDescriptorPointer>();
  codec::ExpectRoundTrip<VolumeDescriptorPointer>();
  codec::ExpectRoundTrip<PrimaryVolumeDescriptor>();
  codec::ExpectRoundTrip<LvInfo>();
  codec::ExpectRoundTrip<ImplementationUseVolumeDescriptor>();
  codec::ExpectRoundTrip<PartitionDescriptor>();
  codec::ExpectRoundTrip<LogicalVolumeDescriptor>();
  codec::ExpectRoundTrip<PartitionMapHeader>();
  codec::ExpectRoundTrip<Type1PartitionMap>();
  codec::ExpectRoundTrip<Type2PartitionMap>();
  codec::ExpectRoundTrip<VirtualPartitionMap>();
  codec::ExpectRoundTrip<SparablePartitionMap>();
  codec::ExpectRoundTrip<MetadataPartitionMap>();
  codec::ExpectRoundTrip<UnallocatedSpaceDescriptor>();
  codec::ExpectRoundTrip<TerminatingDescriptor>();
  codec::ExpectRoundTrip<LogicalVolumeIntegrityDescriptor>();
  codec::ExpectRoundTrip<LvidImplementationUse>();
  codec::ExpectRoundTrip<FileSetDescriptor>();
  codec::ExpectRoundTrip<IcbTag>();
  codec::ExpectRoundTrip<FileEntry>();
  codec::ExpectRoundTrip<ExtendedFileEntry>();
  codec::ExpectRoundTrip<FileIdentifierDescriptor>();
  codec::ExpectRoundTrip<AllocationExtentDescriptor>();
  codec::ExpectRoundTrip<PathComponent>();
  codec::ExpectRoundTrip<VatHeader>();
  codec::ExpectRoundTrip<Vat150Trailer>();
}

TEST(UdfFormat, FieldsLandAtTheirBytePositions) {
  FileEntry fe = Zeroed<FileEntry>();
  fe.icb_tag.file_type = kFileTypeSymlink;
  fe.icb_tag.flags.set(kLongAds | kIcbFlagSticky);
  fe.information_length.set(0x0102030405060708ull);
  fe.length_of_allocation_descriptors.set(16);
  const std::vector<std::uint8_t> b = Encode(fe);
  EXPECT_EQ(b[16 + 11], 12);    // 4/14.6.6 file type, ICB tag BP 11
  EXPECT_EQ(b[16 + 18], 0x01);  // 4/14.6.8 flags, ICB tag BP 18
  EXPECT_EQ(b[16 + 19], 0x01);
  EXPECT_EQ(b[56], 0x08);  // 4/14.9.10 information length, BP 56
  EXPECT_EQ(b[63], 0x01);
  EXPECT_EQ(b[172], 16);  // 4/14.9.20 L_AD, BP 172
  EXPECT_EQ(fe.icb_tag.ad_type(), kLongAds);

  FileIdentifierDescriptor fid = Zeroed<FileIdentifierDescriptor>();
  fid.length_of_file_identifier = 9;
  fid.length_of_implementation_use.set(0);
  EXPECT_EQ(fid.PaddedLength(), 48u);  // 38 + 9 = 47, padded to 48 (4/14.4.9)
  fid.length_of_file_identifier = 2;
  EXPECT_EQ(fid.PaddedLength(), 40u);

  EXPECT_EQ(ExtentLength(PackExtentLength(3000, kNextExtent)), 3000u);
  EXPECT_EQ(ExtentKind(PackExtentLength(3000, kNextExtent)), kNextExtent);

  const auto name = Dstring8<32>("MKIMG");
  EXPECT_EQ(name.b[0], 8);
  EXPECT_EQ(name.b[1], 'M');
  EXPECT_EQ(name.b[31], 6);
}

TEST(UdfFormat, FileEntryFieldsOfBothKinds) {
  FileEntry fe = Zeroed<FileEntry>();
  fe.uid.set(1000);
  fe.information_length.set(11);
  fe.modification_date_and_time.year.set(2020);
  fe.length_of_allocation_descriptors.set(11);
  auto f = ParseFileEntryFields(Encode(fe), kFileEntry);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->uid, 1000u);
  EXPECT_EQ(f->information_length, 11u);
  EXPECT_EQ(f->modification_date_and_time.year.get(), 2020);
  EXPECT_EQ(f->header_length, 176u);
  ExtendedFileEntry efe = Zeroed<ExtendedFileEntry>();
  efe.gid.set(100);
  efe.modification_date_and_time.year.set(2021);
  efe.length_of_extended_attributes.set(4);
  f = ParseFileEntryFields(Encode(efe), kExtendedFileEntry);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->gid, 100u);
  EXPECT_EQ(f->modification_date_and_time.year.get(), 2021);
  EXPECT_EQ(f->length_of_extended_attributes, 4u);
  EXPECT_EQ(f->header_length, 216u);
  EXPECT_FALSE(ParseFileEntryFields(std::vector<std::uint8_t>(200), kExtendedFileEntry));
}

TEST(UdfFormat, FinishTagThenCheckTag) {
  TerminatingDescriptor td = Zeroed<TerminatingDescriptor>();
  FinishTag(td, kTerminatingDescriptor, 35);
  std::vector<std::uint8_t> b = Encode(td);
  EXPECT_EQ(td.tag.identifier.get(), kTerminatingDescriptor);
  EXPECT_EQ(td.tag.descriptor_version.get(), 3);
  EXPECT_EQ(td.tag.crc_length.get(), 496);
  EXPECT_EQ(td.tag.crc.get(), 0);  // CRC-ITU of zeros is zero
  auto id = CheckTag(b, 35, "LBA 35", nullptr);
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, kTerminatingDescriptor);
  auto moved = CheckTag(b, 36, "LBA 36", nullptr);
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().ToString(), "LBA 36: descriptor tag 8 records location 35, found at 36");
  b[100] = 1;  // the CRC no longer matches: an error, or a warning when collected
  EXPECT_FALSE(CheckTag(b, 35, "LBA 35", nullptr));
  std::vector<std::string> warnings;
  EXPECT_TRUE(CheckTag(b, 35, "LBA 35", &warnings));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "LBA 35: descriptor CRC mismatch (tag identifier 8)");
  b[0] = 9;  // checksum
  auto bad = CheckTag(b, 35, "LBA 35", nullptr);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().what(), "descriptor tag checksum mismatch (tag identifier 9)");
  EXPECT_FALSE(CheckTag(std::span(b).first(15), 35, "LBA 35", nullptr));
}

TEST(UdfFormat, MkudffsAnchorParsesAndEncodesBack) {
  const std::vector<std::uint8_t> bytes = Hex(kMkudffsAnchor, 512);
  ASSERT_TRUE(CheckTag(bytes, 256, "LBA 256", nullptr));
  auto avdp = AnchorVolumeDescriptorPointer::Parse(bytes);
  ASSERT_TRUE(avdp);
  EXPECT_EQ(avdp->tag.identifier.get(), kAnchorVolumeDescriptorPointer);
  EXPECT_EQ(avdp->tag.location.get(), 256u);
  EXPECT_EQ(avdp->tag.crc_length.get(), 496);
  EXPECT_EQ(avdp->main_vds.length.get(), 32768u);
  EXPECT_EQ(avdp->main_vds.location.get(), 96u);
  EXPECT_EQ(avdp->reserve_vds.length.get(), 32768u);
  EXPECT_EQ(avdp->reserve_vds.location.get(), 2031u);
  EXPECT_EQ(Encode(*avdp), bytes);
  // FinishTag reproduces mkudffs's tag from the same contents.
  AnchorVolumeDescriptorPointer again = *avdp;
  again.tag = Zeroed<Tag>();
  FinishTag(again, kAnchorVolumeDescriptorPointer, 256);
  again.tag.serial_number = avdp->tag.serial_number;
  again.tag.checksum = TagChecksum(AsBytes(again.tag));
  EXPECT_EQ(Encode(again), bytes);
}

TEST(UdfFormat, MkudffsVolumeDescriptorsParseAndEncodeBack) {
  const std::vector<std::uint8_t> pvd_bytes = Hex(kMkudffsPvd, 512);
  ASSERT_TRUE(CheckTag(pvd_bytes, 96, "LBA 96", nullptr));
  auto pvd = PrimaryVolumeDescriptor::Parse(pvd_bytes);
  ASSERT_TRUE(pvd);
  EXPECT_EQ(pvd->volume_identifier.b[0], 8);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(pvd->volume_identifier.b + 1), 5),
            "MKIMG");
  EXPECT_EQ(pvd->volume_identifier.b[31], 6);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(pvd->volume_set_identifier.b + 1), 24),
            "0123456789abcdefMKIMGSET");
  EXPECT_EQ(pvd->descriptor_character_set, Charspec::OstaCompressedUnicode());
  EXPECT_EQ(Encode(*pvd), pvd_bytes);

  const std::vector<std::uint8_t> lvd_bytes = Hex(kMkudffsLvd, 446);
  ASSERT_TRUE(CheckTag(lvd_bytes, 97, "LBA 97", nullptr));
  auto lvd = LogicalVolumeDescriptor::Parse(lvd_bytes);
  ASSERT_TRUE(lvd);
  EXPECT_EQ(lvd->logical_block_size.get(), 2048u);
  EXPECT_EQ(lvd->domain_identifier, Regid::Make("*OSTA UDF Compliant", 0x0201));
  EXPECT_EQ(lvd->domain_identifier.SuffixRevision(), 0x0201);
  EXPECT_EQ(lvd->file_set_descriptor_location, LongAd::Make(2048, 1, 0));
  EXPECT_EQ(lvd->map_table_length.get(), 6u);
  EXPECT_EQ(lvd->number_of_partition_maps.get(), 1u);
  EXPECT_EQ(lvd->integrity_sequence_extent.length.get(), 8192u);
  EXPECT_EQ(lvd->integrity_sequence_extent.location.get(), 128u);
  auto map = Type1PartitionMap::Parse(std::span(lvd_bytes).subspan(kPartitionMapsOffset));
  ASSERT_TRUE(map);
  EXPECT_EQ(*map, Type1PartitionMap::Make(0));
  std::vector<std::uint8_t> again = Encode(*lvd);
  base::ByteWriter w(&again);
  map->EncodeTo(w);
  EXPECT_EQ(again, lvd_bytes);

  const std::vector<std::uint8_t> pd_bytes = Hex(kMkudffsPd, 512);
  ASSERT_TRUE(CheckTag(pd_bytes, 98, "LBA 98", nullptr));
  auto pd = PartitionDescriptor::Parse(pd_bytes);
  ASSERT_TRUE(pd);
  EXPECT_EQ(pd->partition_flags.get(), 1);
  EXPECT_EQ(pd->partition_number.get(), 0);
  EXPECT_EQ(pd->partition_contents, Regid::Make("+NSR03"));
  EXPECT_EQ(pd->access_type.get(), 4u);  // 3/10.5.7: overwritable
  EXPECT_EQ(pd->partition_starting_location.get(), 257u);
  EXPECT_EQ(pd->partition_length.get(), 1768u);
  EXPECT_EQ(Encode(*pd), pd_bytes);
}

TEST(UdfFormat, PartitionMapMakers) {
  const VirtualPartitionMap v = VirtualPartitionMap::Make(0, 0x0201);
  const std::vector<std::uint8_t> b = Encode(v);
  ASSERT_EQ(b.size(), 64u);
  EXPECT_EQ(b[0], 2);
  EXPECT_EQ(b[1], 64);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(b.data() + 5), 22), kVirtualPartitionId);
  auto generic = Type2PartitionMap::Parse(b);
  ASSERT_TRUE(generic);
  EXPECT_EQ(generic->partition_type_identifier.SuffixRevision(), 0x0201);
  EXPECT_EQ(generic->volume_sequence_number.get(), 1);
  const MetadataPartitionMap m = MetadataPartitionMap::ParseZeroExtended(std::span(b).first(10));
  EXPECT_EQ(m.partition_map_type, 2);
  EXPECT_EQ(m.metadata_file_location.get(), 0u);
}

}  // namespace
}  // namespace fs::udf

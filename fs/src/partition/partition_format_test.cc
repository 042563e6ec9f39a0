// Tests of the MBR/GPT codec (partition_format.h): round trips, field offsets of UEFI 2.10
// tables 5-1, 5-2, 5-5 and 5-6, the GUID text form (appendix A) and the GPT header CRC-32
// (5.3.2: computed with the CRC field zero).
#include "partition/partition_format.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "base/crc.h"
#include "codec/round_trip_test_util.h"

namespace fs::partition {
namespace {

TEST(PartitionFormat, EveryStructureRoundTrips) {
  codec::ExpectRoundTrip<Guid>();
  codec::ExpectRoundTrip<MbrPartitionRecord>();
  codec::ExpectRoundTrip<MasterBootRecord>();
  codec::ExpectRoundTrip<GptHeader>();
  codec::ExpectRoundTrip<GptPartitionEntry>();
}

TEST(PartitionFormat, GuidTextIsMixedEndian) {
  // UEFI 2.10 appendix A / 5.3.3 table 5-7: the EFI system partition type GUID as stored.
  const std::vector<std::uint8_t> esp = {0x28, 0x73, 0x2A, 0xC1, 0x1F, 0xF8, 0xD2, 0x11,
                                         0xBA, 0x4B, 0x00, 0xA0, 0xC9, 0x3E, 0xC9, 0x3B};
  auto g = Guid::Parse(esp);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->ToString(), "C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
  EXPECT_FALSE(g->IsZero());
  EXPECT_TRUE(codec::Zeroed<Guid>().IsZero());
}

TEST(PartitionFormat, MbrLayout) {
  auto mbr = codec::Zeroed<MasterBootRecord>();
  mbr.unique_mbr_disk_signature.set(0xDEADBEEF);
  mbr.partition_record[1].boot_indicator = kMbrBootable;
  mbr.partition_record[1].os_type = 0xEF;
  mbr.partition_record[1].starting_lba.set(64);
  mbr.partition_record[1].size_in_lba.set(2880);
  mbr.signature_55 = 0x55;
  mbr.signature_aa = 0xAA;
  const std::vector<std::uint8_t> b = codec::Encode(mbr);
  ASSERT_EQ(b.size(), 512u);
  EXPECT_EQ(b[440], 0xEF);
  EXPECT_EQ(b[443], 0xDE);
  EXPECT_EQ(b[446 + 16], 0x80);
  EXPECT_EQ(b[446 + 16 + 4], 0xEF);
  EXPECT_EQ(b[446 + 16 + 8], 64);
  EXPECT_EQ(b[446 + 16 + 12], 0x40);  // 2880 = 0x0B40
  EXPECT_EQ(b[446 + 16 + 13], 0x0B);
  EXPECT_EQ(b[510], 0x55);
  EXPECT_EQ(b[511], 0xAA);
  EXPECT_TRUE(MasterBootRecord::Parse(b)->HasSignature());
}

TEST(PartitionFormat, GptHeaderCrcAndEntryName) {
  auto h = codec::Zeroed<GptHeader>();
  std::memcpy(h.signature.b, kGptSignature.data(), 8);
  h.revision.set(kGptRevision);
  h.header_size.set(92);
  h.my_lba.set(1);
  h.partition_entry_lba.set(2);
  h.number_of_partition_entries.set(128);
  h.size_of_partition_entry.set(128);
  EXPECT_TRUE(h.HasSignature());
  std::vector<std::uint8_t> b = codec::Encode(h);
  const std::uint32_t crc = base::Crc32(b);  // the CRC field is still zero
  EXPECT_EQ(GptHeaderCrc32(b, 92), crc);
  h.header_crc32.set(crc);
  b = codec::Encode(h);
  EXPECT_EQ(b[16], crc & 0xFF);
  EXPECT_EQ(GptHeaderCrc32(b, 92), crc);  // the stored CRC does not change the result

  auto e = codec::Zeroed<GptPartitionEntry>();
  const std::u16string name = u"EFI \u00e9";
  for (std::size_t i = 0; i < name.size(); ++i) {
    base::StoreLe16(e.partition_name.b + 2 * i, static_cast<std::uint16_t>(name[i]));
  }
  EXPECT_EQ(e.Name(), "EFI \xC3\xA9");
  e.starting_lba.set(34);
  e.ending_lba.set(2081);
  const std::vector<std::uint8_t> eb = codec::Encode(e);
  EXPECT_EQ(eb[32], 34);
  EXPECT_EQ(eb[40], 0x21);  // 2081 = 0x0821
  EXPECT_EQ(eb[41], 0x08);
}

}  // namespace
}  // namespace fs::partition

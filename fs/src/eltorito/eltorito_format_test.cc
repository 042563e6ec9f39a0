// Tests of the El Torito codec (eltorito_format.h): round trips of the boot record volume
// descriptor and of every catalog entry, the validation entry checksum (El Torito 1.0 2.1:
// the 16 words sum to zero), and a catalog's bytes written out from the specification.
#include "eltorito/eltorito_format.h"

#include <gtest/gtest.h>

#include <vector>

#include "codec/round_trip_test_util.h"

namespace fs::eltorito {
namespace {

TEST(ElToritoFormat, EveryStructureRoundTrips) {
  codec::ExpectRoundTrip<BootRecordVolumeDescriptor>();
  codec::ExpectRoundTrip<ValidationEntry>();
  codec::ExpectRoundTrip<InitialEntry>();
  codec::ExpectRoundTrip<SectionHeader>();
  codec::ExpectRoundTrip<SectionEntry>();
  codec::ExpectRoundTrip<SectionEntryExtension>();
}

TEST(ElToritoFormat, BootRecordVolumeDescriptorBytes) {
  const auto brvd = BootRecordVolumeDescriptor::Make(0x1234);
  const std::vector<std::uint8_t> b = codec::Encode(brvd);
  ASSERT_EQ(b.size(), 2048u);
  EXPECT_EQ(b[0], 0);
  EXPECT_EQ(std::string(b.begin() + 1, b.begin() + 6), "CD001");
  EXPECT_EQ(b[6], 1);
  EXPECT_EQ(std::string(b.begin() + 7, b.begin() + 30), "EL TORITO SPECIFICATION");
  EXPECT_EQ(b[30], 0);
  EXPECT_EQ(b[0x47], 0x34);  // boot catalog pointer, offset 47h, little-endian
  EXPECT_EQ(b[0x48], 0x12);
  EXPECT_TRUE(BootRecordVolumeDescriptor::Parse(b)->IsElTorito());
  auto other = brvd;
  other.boot_system_identifier.b[0] = 'X';
  EXPECT_FALSE(other.IsElTorito());
}

TEST(ElToritoFormat, ValidationEntryChecksumMakesTheWordsSumToZero) {
  // El Torito 1.0 2.1: an x86 validation entry with no ID string: 01 00 00 00 ... 55 AA;
  // words 0x0001 and 0xAA55 sum to 0xAA56, so the checksum is 0x55AA.
  const ValidationEntry v = ValidationEntry::Make(kPlatformX86, "");
  const std::vector<std::uint8_t> b = codec::Encode(v);
  std::vector<std::uint8_t> expected(32, 0);
  expected[0] = 0x01;
  expected[0x1C] = 0xAA;
  expected[0x1D] = 0x55;
  expected[0x1E] = 0x55;
  expected[0x1F] = 0xAA;
  EXPECT_EQ(b, expected);
  EXPECT_EQ(v.WordSum(), 0);
  const ValidationEntry efi = ValidationEntry::Make(kPlatformEfi, "mkimg");
  EXPECT_EQ(efi.WordSum(), 0);
  EXPECT_EQ(efi.platform_id, 0xEF);
  auto broken = efi;
  broken.id_string.b[0] ^= 1;
  EXPECT_NE(broken.WordSum(), 0);
}

TEST(ElToritoFormat, EntryFieldsAtTheirOffsets) {
  auto e = codec::Zeroed<InitialEntry>();
  e.boot_indicator = kBootable;
  e.boot_media_type = kNoEmulation;
  e.load_segment.set(0x07C0);
  e.sector_count.set(4);
  e.load_rba.set(0x21);
  const std::vector<std::uint8_t> b = codec::Encode(e);
  const std::vector<std::uint8_t> expected = {0x88, 0, 0xC0, 0x07, 0, 0, 4, 0, 0x21, 0, 0, 0};
  EXPECT_EQ(std::vector<std::uint8_t>(b.begin(), b.begin() + 12), expected);
  auto h = codec::Zeroed<SectionHeader>();
  h.header_indicator = kSectionHeaderFinal;
  h.platform_id = kPlatformEfi;
  h.number_of_section_entries.set(2);
  const std::vector<std::uint8_t> hb = codec::Encode(h);
  EXPECT_EQ(hb[0], 0x91);
  EXPECT_EQ(hb[1], 0xEF);
  EXPECT_EQ(hb[2], 2);
  auto x = codec::Zeroed<SectionEntryExtension>();
  x.extension_indicator = kExtensionIndicator;
  x.flags = kExtensionMoreFollows;
  EXPECT_EQ(codec::Encode(x)[1], 0x20);
}

}  // namespace
}  // namespace fs::eltorito

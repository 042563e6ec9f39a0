// A virtual disc as a base::BlockDevice and its export into a sink (disc_device.h): the
// device reads what was recorded, byte ranges need not be whole sectors, reads past the
// readable end are refused, and the export is the readable user data exactly.
#include "emulator/disc_device.h"

#include <gtest/gtest.h>

#include <vector>

#include "emulator/drive.h"
#include "test_util.h"

namespace emulator {
namespace {

using testing::OutCdb;
using testing::Pattern;
using testing::Write10;

std::unique_ptr<Drive> RecordedDvd(std::uint16_t sectors) {
  auto drive = std::make_unique<Drive>(VirtualDisc::CreateInMemory(base::MediaType::kDvdPlusR));
  EXPECT_TRUE(OutCdb(*drive, Write10(0, sectors), Pattern(0, sectors)).good());
  return drive;
}

TEST(DiscDeviceTest, ReadsTheRecordedUserData) {
  auto drive = RecordedDvd(32);
  drive->WithDisc([](const VirtualDisc* disc) {
    ASSERT_NE(disc, nullptr);
    ASSERT_EQ(disc->ReadableSectors(), 32u);
    auto device = DiscBlockDevice(*disc);
    EXPECT_EQ(device->size(), 32u * 2048);
    const std::vector<std::uint8_t> expected = Pattern(0, 32);
    std::vector<std::uint8_t> whole(4 * 2048);
    ASSERT_TRUE(device->Read(8 * 2048, whole));
    EXPECT_TRUE(std::equal(whole.begin(), whole.end(), expected.begin() + 8 * 2048));
    std::vector<std::uint8_t> part(3000);
    ASSERT_TRUE(device->Read(2048 + 100, part));
    EXPECT_TRUE(std::equal(part.begin(), part.end(), expected.begin() + 2048 + 100));
    std::vector<std::uint8_t> past(2048);
    auto s = device->Read(31 * 2048 + 1, past);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code(), base::ErrorCode::kCorruptImage);
  });
}

TEST(DiscDeviceTest, ExportWritesTheReadableSectors) {
  auto drive = RecordedDvd(48);
  drive->WithDisc([](const VirtualDisc* disc) {
    ASSERT_NE(disc, nullptr);
    EXPECT_EQ(ExportBytes(*disc), 48u * 2048);
    std::vector<std::uint8_t> out;
    base::MemorySink sink(&out);
    ASSERT_TRUE(ExportDisc(*disc, sink));
    EXPECT_EQ(out, Pattern(0, 48));
  });
}

TEST(DiscDeviceTest, ABlankDiscExportsNothing) {
  auto disc = VirtualDisc::CreateInMemory(base::MediaType::kBdR);
  EXPECT_EQ(DiscBlockDevice(*disc)->size(), 0u);
  std::vector<std::uint8_t> out;
  base::MemorySink sink(&out);
  ASSERT_TRUE(ExportDisc(*disc, sink));
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace emulator

// Drive basics: identity, tray and unit attention, features, mode pages, and the
// per-medium state machines driven by CDB sequences (MMC-6 chapter 6), with the sense
// every illegal request must get.
#include "emulator/drive.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace emulator {
namespace {

using testing::Hex;
using testing::In;
using testing::InCdb;
using testing::None;
using testing::Out;
using testing::OutCdb;
using testing::Page05;
using testing::Pattern;
using testing::Read10;
using testing::S;
using testing::Write10;

std::unique_ptr<Drive> LoadedDrive(base::MediaType m) {
  auto drive = std::make_unique<Drive>(VirtualDisc::CreateInMemory(m));
  return drive;
}

TEST(DriveTest, EmptyTrayAnswersNotReadyButIdentifies) {
  Drive drive;
  EXPECT_EQ(None(drive, "00 00 00 00 00 00").sense(), S(2, 0x3A, 0));
  auto inq = In(drive, "12 00 00 00 24 00", 36);
  ASSERT_TRUE(inq.good());
  ASSERT_EQ(inq.data.size(), 36u);
  EXPECT_EQ(inq.data[0], 0x05);
  EXPECT_EQ(inq.data[1], 0x80);
  EXPECT_EQ(std::string(inq.data.begin() + 8, inq.data.begin() + 13), "MKIMG");
  auto cfg = In(drive, "46 00 00 00 00 00 00 00 08 00", 8);
  ASSERT_TRUE(cfg.good());
  EXPECT_EQ(cfg.be16(6), 0);  // no current profile
  EXPECT_GT(cfg.be32(0), 8u);
  EXPECT_EQ(In(drive, "51 00 00 00 00 00 00 00 22 00", 34).sense(), S(2, 0x3A, 0));
  auto ms = In(drive, "5a 00 2a 00 00 00 00 00 28 00", 40);
  ASSERT_TRUE(ms.good());
  EXPECT_EQ(ms.data[8], 0x2A);
  auto rs = In(drive, "03 00 00 00 12 00", 18);
  ASSERT_TRUE(rs.good());
  EXPECT_EQ(rs.data[2], 0x02);
  EXPECT_EQ(rs.data[12], 0x3A);
}

TEST(DriveTest, InvalidOpcodeAndShortCdb) {
  Drive drive;
  EXPECT_EQ(None(drive, "ff 00 00 00 00 00").sense(), S(5, 0x20, 0));
  EXPECT_EQ(In(drive, "46 00 00", 8).sense(), S(5, 0x24, 0));
  EXPECT_EQ(In(drive, "12 00 05 00 24 00", 36).sense(), S(5, 0x24, 0));  // page without EVPD
}

TEST(DriveTest, LoadRaisesUnitAttentionOnce) {
  Drive drive;
  drive.Load(VirtualDisc::CreateInMemory(base::MediaType::kDvdPlusR));
  // INQUIRY and GET CONFIGURATION do not report it (MMC-5 4.1.6.1).
  EXPECT_TRUE(In(drive, "12 00 00 00 24 00", 36).good());
  EXPECT_EQ(None(drive, "00 00 00 00 00 00").sense(), S(6, 0x28, 0));
  EXPECT_TRUE(None(drive, "00 00 00 00 00 00").good());
  auto ev = In(drive, "4a 01 00 00 10 00 00 00 08 00", 8);
  ASSERT_TRUE(ev.good());
  EXPECT_EQ(ev.data[4] & 0x0F, 2);  // new media
  EXPECT_EQ(ev.data[5], 0x02);      // media present, door closed
}

TEST(DriveTest, TrayEjectAndPrevent) {
  auto drive = LoadedDrive(base::MediaType::kCdR);
  EXPECT_TRUE(None(*drive, "1e 00 00 00 01 00").good());
  EXPECT_EQ(None(*drive, "1b 00 00 00 02 00").sense(), S(5, 0x53, 0x02));
  EXPECT_TRUE(None(*drive, "1e 00 00 00 00 00").good());
  EXPECT_TRUE(None(*drive, "1b 00 00 00 02 00").good());
  EXPECT_EQ(None(*drive, "00 00 00 00 00 00").sense(), S(2, 0x3A, 0));
  EXPECT_TRUE(None(*drive, "1b 00 00 00 03 00").good());
  EXPECT_EQ(None(*drive, "00 00 00 00 00 00").sense(), S(6, 0x28, 0));
  EXPECT_TRUE(None(*drive, "00 00 00 00 00 00").good());
}

TEST(DriveTest, ConfigurationReportsCurrentProfilePerMedium) {
  for (const base::MediaInfo& m : base::AllMedia()) {
    auto drive = LoadedDrive(m.type);
    auto cfg = In(*drive, "46 00 00 00 00 00 00 00 00 08", 8);
    ASSERT_TRUE(cfg.good()) << m.name;
    EXPECT_EQ(cfg.be16(6), m.mmc_profile) << m.name;
    auto full = In(*drive, "46 00 00 00 00 00 00 04 00 00", 1024);
    ASSERT_TRUE(full.good());
    EXPECT_EQ(full.be32(0) + 4, full.data.size()) << m.name;
    // RT=2 returns just the one feature asked for.
    auto one = In(*drive, "46 02 00 2d 00 00 00 00 40 00", 64);
    ASSERT_TRUE(one.good());
    ASSERT_EQ(one.data.size(), 8u + 8u);
    EXPECT_EQ(one.be16(8), 0x002D);
    EXPECT_EQ(one.data[10] & 1, m.family == base::MediaFamily::kCd ? 1 : 0) << m.name;
  }
}

TEST(DriveTest, AllocationLengthTruncates) {
  auto drive = LoadedDrive(base::MediaType::kDvdPlusRw);
  auto two = In(*drive, "5a 00 2a 00 00 00 00 00 02 00", 2);
  ASSERT_TRUE(two.good());
  ASSERT_EQ(two.data.size(), 2u);
  auto full = In(*drive, "5a 00 2a 00 00 00 00 01 00 00", 256);
  EXPECT_EQ(two.be16(0) + 2u, full.data.size());
}

TEST(DriveTest, ModePage05ValidationFollowsMedium) {
  auto cd = LoadedDrive(base::MediaType::kCdR);
  EXPECT_TRUE(Out(*cd, "55 10 00 00 00 00 00 00 3c 00", Page05(1, 4, 8, 0)).good());  // TAO data
  EXPECT_TRUE(Out(*cd, "55 10 00 00 00 00 00 00 3c 00", Page05(2, 0, 0, 0)).good());  // SAO
  EXPECT_TRUE(Out(*cd, "55 10 00 00 00 00 00 00 3c 00", Page05(3, 0, 3, 0)).good());  // RAW96R
  EXPECT_EQ(Out(*cd, "55 10 00 00 00 00 00 00 3c 00", Page05(3, 0, 8, 0)).sense(), S(5, 0x26, 0));
  auto dvdr = LoadedDrive(base::MediaType::kDvdMinusR);
  EXPECT_TRUE(Out(*dvdr, "55 10 00 00 00 00 00 00 3c 00", Page05(0, 5, 8, 3)).good());
  EXPECT_TRUE(Out(*dvdr, "55 10 00 00 00 00 00 00 3c 00", Page05(2, 5, 8, 0)).good());
  EXPECT_EQ(Out(*dvdr, "55 10 00 00 00 00 00 00 3c 00", Page05(1, 4, 8, 0)).sense(), S(5, 0x26, 0));
  auto ms = In(*dvdr, "5a 00 05 00 00 00 00 00 3c 00", 60);
  ASSERT_TRUE(ms.good());
  EXPECT_EQ(ms.data[10] & 0x0F, 2);  // the DAO selection is current
}

}  // namespace
}  // namespace emulator

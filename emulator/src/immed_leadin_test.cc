// Immediate operations and what the lead-in and the Q sub-channel carry
// (specs/emulator.md "Immediate operations", "Lead-in, catalog number and ISRC"):
// BLANK, FORMAT UNIT, CLOSE TRACK/SESSION and SYNCHRONIZE CACHE with IMMED report their
// progress through TEST UNIT READY, REQUEST SENSE and GET EVENT STATUS NOTIFICATION and
// complete; CD-TEXT written in the lead-in comes back through READ TOC/PMA/ATIP format
// 0101b, and the catalog number and ISRCs through READ SUB-CHANNEL.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "cd/cdtext.h"
#include "cd/msf.h"
#include "cd/subchannel.h"
#include "emulator/drive.h"
#include "test_util.h"

namespace emulator {
namespace {

using testing::Hex;
using testing::In;
using testing::kModeSelect;
using testing::kRdi;
using testing::kSync;
using testing::None;
using testing::Out;
using testing::OutCdb;
using testing::Page05;
using testing::Pattern;
using testing::Reply;
using testing::S;
using testing::Write10;

constexpr const char* kTur = "00 00 00 00 00 00";
constexpr const char* kRequestSense = "03 00 00 00 12 00";

// A drive whose immediate operations stay in progress for a minute of polls, so that the
// poll sequences below do not depend on how fast the test runs.
std::unique_ptr<Drive> Loaded(base::MediaType m) {
  DriveIdentity slow;
  slow.immed_busy_ms = 60000;
  return std::make_unique<Drive>(VirtualDisc::CreateInMemory(m), slow);
}

std::uint16_t Progress(const std::vector<std::uint8_t>& sense) {
  EXPECT_GE(sense.size(), 18u);
  if (sense.size() < 18) return 0;
  EXPECT_EQ(sense[15] & 0x80, 0x80) << "SKSV";
  return static_cast<std::uint16_t>((sense[16] << 8) | sense[17]);
}

// Polls until the drive is ready (a few polls at most) and nothing is left to report.
void ExpectReady(Drive& d) {
  int polls = 0;
  while (!None(d, kTur).good()) ASSERT_LT(++polls, 10) << "never ready";
  Reply after = In(d, kRequestSense, 18);
  ASSERT_TRUE(after.good());
  EXPECT_EQ(after.data[2] & 0x0F, 0);
  EXPECT_EQ(after.data[12], 0);
  EXPECT_EQ(after.data[15], 0);
}

// Polls an immediate operation to its end: TEST UNIT READY answers NOT READY 04/`ascq`
// and REQUEST SENSE NO SENSE 04/`ascq`, each with a progress indication that rises; the
// operation ends after a few polls.
void ExpectProgressThenReady(Drive& d, std::uint8_t ascq) {
  Reply tur = None(d, kTur);
  ASSERT_EQ(tur.sense(), S(2, 0x04, ascq)) << std::hex << tur.sense();
  const std::uint16_t first = Progress(tur.result.sense);
  Reply rs = In(d, kRequestSense, 18);
  ASSERT_TRUE(rs.good());
  ASSERT_EQ(rs.data.size(), 18u);
  EXPECT_EQ(rs.data[2] & 0x0F, 0);  // NO SENSE
  EXPECT_EQ(rs.data[12], 0x04);
  EXPECT_EQ(rs.data[13], ascq);
  const std::uint16_t second = Progress(rs.data);
  EXPECT_GT(second, first);
  ExpectReady(d);
}

// After one poll by GET EVENT STATUS NOTIFICATION: still in progress, further along.
void ExpectProgressAfterEventPoll(Drive& d, std::uint8_t ascq) {
  Reply tur = None(d, kTur);
  ASSERT_EQ(tur.sense(), S(2, 0x04, ascq)) << std::hex << tur.sense();
  EXPECT_GT(Progress(tur.result.sense), 0x8000);
  ExpectReady(d);
}

TEST(ImmedTest, BlankWithImmedReportsProgressAndCompletes) {
  auto d = Loaded(base::MediaType::kCdRw);
  ASSERT_TRUE(Out(*d, kModeSelect, Page05(1, 4, 8, 3)).good());
  ASSERT_TRUE(OutCdb(*d, Write10(0, 16), Pattern(0, 16)).good());
  ASSERT_TRUE(None(*d, "5b 00 02 00 00 00 00 00 00 00").good());
  EXPECT_NE(In(*d, kRdi, 34).data.at(2) & 0x03, 0);
  ASSERT_TRUE(None(*d, "a1 10 00 00 00 00 00 00 00 00 00 00").good());  // IMMED, full
  ExpectProgressThenReady(*d, 0x07);
  EXPECT_EQ(In(*d, kRdi, 34).data.at(2) & 0x03, 0);  // blank
}

TEST(ImmedTest, WithoutImmedTheDriveIsReadyAtOnce) {
  auto d = Loaded(base::MediaType::kCdRw);
  ASSERT_TRUE(None(*d, "a1 01 00 00 00 00 00 00 00 00 00 00").good());  // minimal, no IMMED
  EXPECT_TRUE(None(*d, kTur).good());
  ASSERT_TRUE(None(*d, "35 00 00 00 00 00 00 00 00 00").good());
  EXPECT_TRUE(None(*d, kTur).good());
}

TEST(ImmedTest, FormatUnitWithImmedIsFormatInProgress) {
  auto d = Loaded(base::MediaType::kBdRe);
  // Format list header with IMMED (byte 1 bit 1), one descriptor: type 00h, full size.
  std::vector<std::uint8_t> fmt = Hex("00 02 00 08 00 00 00 00 00 00 00 00");
  ASSERT_TRUE(Out(*d, "04 11 00 00 00 00", fmt).good());
  // GET EVENT STATUS NOTIFICATION, device busy class: busy, "immediate".
  Reply gesn = In(*d, "4a 01 00 00 40 00 00 00 08 00", 8);
  ASSERT_TRUE(gesn.good());
  EXPECT_EQ(gesn.data[2], 0x06);
  EXPECT_EQ(gesn.data[4], 0x01);  // BusyEvent
  EXPECT_EQ(gesn.data[5], 0x02);  // immediate
  ExpectProgressAfterEventPoll(*d, 0x04);
  Reply idle = In(*d, "4a 01 00 00 40 00 00 00 08 00", 8);
  EXPECT_EQ(idle.data[4], 0x00);
  EXPECT_EQ(idle.data[5], 0x00);
  EXPECT_EQ(In(*d, kRdi, 34).data.at(2) & 0x03, 2);  // formatted (was blank)
}

TEST(ImmedTest, FormatWithoutImmedAndOperationalClass) {
  auto d = Loaded(base::MediaType::kBdRe);
  std::vector<std::uint8_t> fmt = Hex("00 00 00 08 00 00 00 00 00 00 00 00");
  ASSERT_TRUE(Out(*d, "04 11 00 00 00 00", fmt).good());
  EXPECT_TRUE(None(*d, kTur).good());
  Reply op = In(*d, "4a 01 00 00 02 00 00 00 08 00", 8);
  EXPECT_EQ(op.data[2], 0x01);
  EXPECT_EQ(op.data[5], 0x00);  // available
}

TEST(ImmedTest, CloseAndSynchronizeCacheWithImmed) {
  auto d = Loaded(base::MediaType::kDvdPlusR);
  ASSERT_TRUE(OutCdb(*d, Write10(0, 16), Pattern(0, 16)).good());
  ASSERT_TRUE(None(*d, "35 02 00 00 00 00 00 00 00 00").good());  // SYNCHRONIZE CACHE, IMMED
  Reply op = In(*d, "4a 01 00 00 02 00 00 00 08 00", 8);
  EXPECT_EQ(op.data[5], 0x02);  // operational class: busy
  ExpectProgressAfterEventPoll(*d, 0x07);
  ASSERT_TRUE(None(*d, "5b 01 01 00 00 01 00 00 00 00").good());  // CLOSE TRACK, IMMED
  ExpectProgressThenReady(*d, 0x07);
  ASSERT_TRUE(None(*d, "5b 01 06 00 00 00 00 00 00 00").good());  // finalize, IMMED
  EXPECT_EQ(None(*d, kTur).sense(), S(2, 0x04, 0x07));
  // Any other command finds the operation over; its effect was recorded at once.
  EXPECT_EQ(In(*d, kRdi, 34).data.at(2) & 0x03, 2);
  EXPECT_TRUE(None(*d, kTur).good());
}

// The drive is fast but does not lie: polls that come at once see the operation progress
// and end (wodim polls at once); a first poll that comes after the operation's short
// busy time finds it over, so that a program which sleeps before polling (libburn 0.5 s,
// growisofs 1 s) is not made to sleep again.
TEST(ImmedTest, PollsAtOnceSeeProgressALatePollFindsItOver) {
  DriveIdentity id;
  id.immed_busy_ms = 200;
  Drive d(VirtualDisc::CreateInMemory(base::MediaType::kDvdPlusR), id);
  ASSERT_TRUE(OutCdb(d, Write10(0, 16), Pattern(0, 16)).good());
  ASSERT_TRUE(None(d, "5b 01 01 00 00 01 00 00 00 00").good());  // CLOSE TRACK, IMMED
  Reply tur = None(d, kTur);
  // A machine stalled for the whole busy time may see it over; otherwise it progresses.
  if (!tur.good()) {
    ASSERT_EQ(tur.sense(), S(2, 0x04, 0x07));
    EXPECT_GT(Progress(tur.result.sense), 0);
  }
  ExpectReady(d);
  ASSERT_TRUE(None(d, "5b 01 02 00 00 00 00 00 00 00").good());  // CLOSE SESSION, IMMED
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(None(d, kTur).good()) << "a poll after the busy time must find it over";
  Reply rs = In(d, kRequestSense, 18);
  ASSERT_TRUE(rs.good());
  EXPECT_EQ(rs.data[12], 0);
  EXPECT_EQ(In(d, kRdi, 34).data.at(2) & 0x03, 1);  // appendable: the session was closed
}

TEST(ImmedTest, NoBusyTimeMeansReadyAtTheFirstPoll) {
  DriveIdentity id;
  id.immed_busy_ms = 0;
  Drive d(VirtualDisc::CreateInMemory(base::MediaType::kCdRw), id);
  ASSERT_TRUE(None(d, "a1 11 00 00 00 00 00 00 00 00 00 00").good());  // IMMED, minimal
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_TRUE(None(d, kTur).good());
}

// --- lead-in, catalog number and ISRC ------------------------------------------------------

cd::CdTextBlock Album() {
  cd::CdTextBlock b;
  b.album[0] = "Album Title";
  b.album[1] = "The Band";
  b.tracks.resize(2);
  b.tracks[0][0] = "First";
  b.tracks[1][0] = "Second song";
  return b;
}

// Four packs per lead-in sector as 96 6-bit R-W symbols, as hosts send them.
std::vector<std::uint8_t> LeadInSubchannel(const std::vector<cd::CdTextPack>& packs,
                                           std::size_t sector) {
  std::uint8_t bytes[72];
  for (std::size_t k = 0; k < 4; ++k) {
    const cd::CdTextPack& p = packs[(sector * 4 + k) % packs.size()];
    std::copy(p.begin(), p.end(), bytes + 18 * k);
  }
  std::vector<std::uint8_t> sub(96);
  for (std::size_t i = 0, o = 0; i < 96; i += 4, o += 3) {
    sub[i] = static_cast<std::uint8_t>(bytes[o] >> 2);
    sub[i + 1] = static_cast<std::uint8_t>(((bytes[o] << 4) & 0x30) | (bytes[o + 1] >> 4));
    sub[i + 2] = static_cast<std::uint8_t>(((bytes[o + 1] << 2) & 0x3C) | (bytes[o + 2] >> 6));
    sub[i + 3] = static_cast<std::uint8_t>(bytes[o + 2] & 0x3F);
  }
  return sub;
}

std::vector<cd::CdTextPack> ReadCdText(Drive& d) {
  Reply r = In(d, "43 00 05 00 00 00 00 10 00 00", 4096);
  EXPECT_TRUE(r.good()) << std::hex << r.sense();
  std::vector<cd::CdTextPack> packs;
  if (r.data.size() < 4) return packs;
  EXPECT_EQ(r.be16(0), r.data.size() - 2);
  for (std::size_t at = 4; at + 18 <= r.data.size(); at += 18) {
    cd::CdTextPack p;
    std::copy(r.data.begin() + static_cast<std::ptrdiff_t>(at),
              r.data.begin() + static_cast<std::ptrdiff_t>(at + 18), p.begin());
    packs.push_back(p);
  }
  return packs;
}

std::string Catalog(Drive& d) {
  Reply r = In(d, "42 00 40 02 00 00 00 00 18 00", 24);
  EXPECT_TRUE(r.good()) << std::hex << r.sense();
  if (r.data.size() < 24 || (r.data[8] & 0x80) == 0) return "";
  return std::string(r.data.begin() + 9, r.data.begin() + 22);
}

std::string Isrc(Drive& d, std::uint8_t track) {
  std::vector<std::uint8_t> cdb = Hex("42 00 40 03 00 00 00 00 18 00");
  cdb[6] = track;
  Reply r = testing::InCdb(d, cdb, 24);
  EXPECT_TRUE(r.good()) << std::hex << r.sense();
  if (r.data.size() < 24 || (r.data[8] & 0x80) == 0) return "";
  EXPECT_EQ(r.data[6], track);
  return std::string(r.data.begin() + 9, r.data.begin() + 21);
}

// cdrdao's Session-at-Once with CD-TEXT, a catalog number and ISRCs: the cue sheet's ADR 2
// and ADR 3 entries and the lead-in packs come back, and survive closing and reopening
// the disc file.
TEST(LeadInTest, SaoCdTextCatalogAndIsrcReadBack) {
  const std::string path = ::testing::TempDir() + "/leadin_sao.emu";
  std::remove(path.c_str());
  auto packs = cd::EncodeCdText(Album());
  ASSERT_TRUE(packs.has_value());
  ASSERT_GT(packs->size(), 4u);
  {
    auto disc = VirtualDisc::Create(base::MediaType::kCdR, path);
    ASSERT_TRUE(disc.has_value());
    Drive d(std::move(*disc));
    ASSERT_TRUE(Out(d, kModeSelect, Page05(2, 0, 0, 0)).good());
    std::vector<std::uint8_t> cue =
        Hex("02 30 31 32 33 34 35 36"  // catalog 0123456789012
            "02 37 38 39 30 31 32 00"
            "01 00 00 41 00 00 00 00"  // lead-in with CD-TEXT
            "03 01 55 53 41 42 43 32"  // track 1: USABC2600001
            "03 01 36 30 30 30 30 31"
            "01 01 00 00 00 00 00 00"
            "01 01 01 00 00 00 02 00"
            "03 02 47 42 58 59 5a 39"  // track 2: GBXYZ9900042
            "03 02 39 30 30 30 34 32"
            "01 02 01 00 00 00 06 00"
            "01 aa 01 00 00 00 0a 00");
    ASSERT_TRUE(Out(d, "5d 00 00 00 00 00 00 00 58 00", cue).good());
    std::size_t sector = 0;
    for (std::int32_t lba = -11634; lba < -150; lba += 100) {
      const auto n = static_cast<std::uint16_t>(std::min(100, -150 - lba));
      std::vector<std::uint8_t> data;
      for (std::uint16_t i = 0; i < n; ++i) {
        auto sub = LeadInSubchannel(*packs, sector++);
        data.insert(data.end(), sub.begin(), sub.end());
      }
      ASSERT_TRUE(OutCdb(d, Write10(lba, n), data).good()) << lba;
    }
    for (std::int32_t lba = -150; lba < 600; lba += 75) {
      ASSERT_TRUE(OutCdb(d, Write10(lba, 75), Pattern(lba, 75, 2352)).good()) << lba;
    }
    ASSERT_TRUE(None(d, kSync).good());
    EXPECT_EQ(ReadCdText(d), *packs);
    EXPECT_EQ(Catalog(d), "0123456789012");
    EXPECT_EQ(Isrc(d, 1), "USABC2600001");
    EXPECT_EQ(Isrc(d, 2), "GBXYZ9900042");
    EXPECT_EQ(In(d, "42 00 40 03 00 00 03 00 18 00", 24).sense(), S(5, 0x24, 0));  // no track 3
  }
  auto reopened = VirtualDisc::Open(path);
  ASSERT_TRUE(reopened.has_value());
  Drive d(std::move(*reopened));
  EXPECT_EQ(ReadCdText(d), *packs);
  EXPECT_EQ(Catalog(d), "0123456789012");
  EXPECT_EQ(Isrc(d, 2), "GBXYZ9900042");
  // The Q the drive recorded: mode 1 position elsewhere, with the track's numbers.
  Reply sub = In(d, "be 00 00 00 01 f4 00 00 01 f8 01 00", 2448);  // LBA 500, raw P-W
  ASSERT_TRUE(sub.good());
  auto q = cd::DeinterleaveQ(sub.data.data() + 2352);
  EXPECT_EQ(q[0], 0x01);  // audio, ADR 1
  EXPECT_EQ(q[1], 0x02);  // track 2
  EXPECT_EQ(q[2], 0x01);  // index 1
  std::remove(path.c_str());
}

// A disc without them answers with none: no packs, MCVAL and TCVAL clear.
TEST(LeadInTest, NothingRecordedNothingReturned) {
  auto d = Loaded(base::MediaType::kCdR);
  ASSERT_TRUE(Out(*d, kModeSelect, Page05(1, 4, 8, 3)).good());
  ASSERT_TRUE(OutCdb(*d, Write10(0, 300), Pattern(0, 300)).good());
  ASSERT_TRUE(None(*d, "5b 00 02 00 00 00 00 00 00 00").good());
  EXPECT_TRUE(ReadCdText(*d).empty());
  EXPECT_EQ(Catalog(*d), "");
  EXPECT_EQ(Isrc(*d, 1), "");
  EXPECT_EQ(In(*d, "43 00 05 00 00 00 00 10 00 00", 4096).data.size(), 4u);
}

// Track-at-Once with the catalog number and ISRC of page 05h (wodim -mcn/-isrc, cdrskin,
// mkimg burn): the drive records them in Q.
TEST(LeadInTest, TaoPage05CatalogAndIsrc) {
  auto d = Loaded(base::MediaType::kCdR);
  std::vector<std::uint8_t> page = Page05(1, 0, 0, 3);
  page[8 + 16] = 0x80;
  const std::string mcn = "4006381333931", isrc = "DEA123456789";
  std::copy(mcn.begin(), mcn.end(), page.begin() + 8 + 17);
  page[8 + 32] = 0x80;
  std::copy(isrc.begin(), isrc.end(), page.begin() + 8 + 33);
  ASSERT_TRUE(Out(*d, kModeSelect, page).good());
  ASSERT_TRUE(OutCdb(*d, Write10(0, 300), Pattern(0, 300, 2352)).good());
  ASSERT_TRUE(None(*d, "5b 00 02 00 00 00 00 00 00 00").good());
  EXPECT_EQ(Catalog(*d), mcn);
  EXPECT_EQ(Isrc(*d, 1), isrc);
}

// RAW writing with 96-byte raw P-W (cdrdao generic-mmc-raw with CD-TEXT): the host's
// lead-in carries the TOC in Q and CD-TEXT in R-W; both are what the disc keeps.
TEST(LeadInTest, RawHostLeadInCdText) {
  auto d = Loaded(base::MediaType::kCdR);
  auto packs = cd::EncodeCdText(Album());
  ASSERT_TRUE(packs.has_value());
  ASSERT_TRUE(Out(*d, kModeSelect, Page05(3, 0, 3, 0)).good());
  auto leadin_q = [](std::uint8_t point, std::int32_t lba) {
    std::array<std::uint8_t, 12> q{};
    cd::Msf m = cd::LbaToMsf(lba);
    q[0] = 0x01;
    q[2] = point;
    q[7] = cd::ToBcd(m.minute);
    q[8] = cd::ToBcd(m.second);
    q[9] = cd::ToBcd(m.frame);
    std::uint16_t crc = cd::QCrc(std::span<const std::uint8_t>(q.data(), 10));
    q[10] = static_cast<std::uint8_t>(crc >> 8);
    q[11] = static_cast<std::uint8_t>(crc);
    return q;
  };
  const std::uint8_t points[] = {0xA0, 0xA1, 0xA2, 0x01};
  const std::int32_t values[] = {0, 0, 300, 0};
  std::vector<std::uint8_t> chunk;
  std::int32_t at = -11634;
  for (std::int32_t l = -11634; l < 300 + 150; ++l) {
    std::vector<std::uint8_t> s(2448, 0);
    if (l < -150) {
      const auto i = static_cast<std::size_t>(l + 11634);
      cd::InterleavePq(false, leadin_q(points[i % 4], values[i % 4]), s.data() + 2352);
      auto rw = LeadInSubchannel(*packs, i);
      for (std::size_t k = 0; k < 96; ++k) s[2352 + k] |= rw[k];
    }
    chunk.insert(chunk.end(), s.begin(), s.end());
    if (chunk.size() == 2448 * 25 || l + 1 == 450) {
      const auto n = static_cast<std::uint16_t>(chunk.size() / 2448);
      ASSERT_TRUE(OutCdb(*d, Write10(at, n), chunk).good()) << at;
      at += n;
      chunk.clear();
    }
  }
  ASSERT_TRUE(None(*d, kSync).good());
  EXPECT_EQ(ReadCdText(*d), *packs);
}

// DVD-R DL: layer jump recording (write type 4, Feature 0033h) is not offered, and page
// 05h asking for it is refused as by a drive without it.
TEST(LayerJumpTest, DvdMinusRDlRefusesLayerJump) {
  auto d = Loaded(base::MediaType::kDvdMinusRDl);
  Reply conf = In(*d, "46 02 00 33 00 00 00 00 10 00", 16);
  ASSERT_TRUE(conf.good());
  EXPECT_EQ(conf.be32(0), 4u);  // header only: no Feature 0033h
  EXPECT_EQ(Out(*d, kModeSelect, Page05(4, 5, 8, 0)).sense(), S(5, 0x26, 0));
  EXPECT_TRUE(Out(*d, kModeSelect, Page05(0, 5, 8, 0)).good());  // incremental is fine
}

// BD-R pseudo-overwrite: offered (Feature 0038h current) once the disc is formatted SRM+POW;
// recorded sectors can then be written again and read back new, the NWA stays; without
// the format a write off the NWA is refused.
TEST(PowTest, BdRPseudoOverwrite) {
  auto plain = Loaded(base::MediaType::kBdR);
  ASSERT_TRUE(OutCdb(*plain, Write10(0, 64), Pattern(0, 64)).good());
  EXPECT_EQ(OutCdb(*plain, Write10(0, 32), Pattern(5000, 32)).sense(), S(5, 0x21, 0x02));
  Reply absent = In(*plain, "46 02 00 38 00 00 00 00 10 00", 16);
  ASSERT_EQ(absent.data.size(), 16u);
  EXPECT_EQ(absent.data[10] & 0x01, 0);  // listed, not current

  auto d = Loaded(base::MediaType::kBdR);
  std::vector<std::uint8_t> srm = Hex("00 00 00 08 00 00 00 00 c8 00 00 00");  // type 32h
  ASSERT_TRUE(Out(*d, "04 11 00 00 00 00", srm).good());
  Reply pow = In(*d, "46 02 00 38 00 00 00 00 10 00", 16);
  ASSERT_EQ(pow.data.size(), 16u);
  EXPECT_EQ(pow.be16(8), 0x0038);
  EXPECT_EQ(pow.data[10] & 0x01, 1);  // current
  ASSERT_TRUE(OutCdb(*d, Write10(0, 64), Pattern(0, 64)).good());
  const std::uint32_t nwa = In(*d, "52 01 00 00 00 ff 00 00 30 00", 48).be32(12);
  ASSERT_TRUE(OutCdb(*d, Write10(32, 32), Pattern(5000, 32)).good());  // over recorded data
  Reply back = testing::InCdb(*d, testing::Read10(0, 64), 64 * 2048);
  ASSERT_TRUE(back.good());
  std::vector<std::uint8_t> want = Pattern(0, 32);
  std::vector<std::uint8_t> tail = Pattern(5000, 32);
  want.insert(want.end(), tail.begin(), tail.end());
  EXPECT_EQ(back.data, want);
  EXPECT_EQ(In(*d, "52 01 00 00 00 ff 00 00 30 00", 48).be32(12), nwa);
  // Past the recorded area, or on a finalized disc, it stays sequential.
  EXPECT_EQ(OutCdb(*d, Write10(static_cast<std::int32_t>(nwa) + 64, 32), Pattern(0, 32)).sense(),
            S(5, 0x21, 0x02));
  ASSERT_TRUE(None(*d, "5b 00 06 00 00 00 00 00 00 00").good());
  EXPECT_NE(OutCdb(*d, Write10(0, 32), Pattern(0, 32)).sense(), 0u);
}

}  // namespace
}  // namespace emulator

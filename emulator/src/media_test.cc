// Per-medium state machines driven by CDB sequences as the burn programs send them
// (specs/emulator.md §2, specs/compatibility.md): what READ DISC INFORMATION, READ TRACK
// INFORMATION, READ CAPACITY and READ TOC answer on blank, appendable and closed media, the sense
// of illegal requests, and that what was written reads back.
#include <gtest/gtest.h>

#include "cd/msf.h"
#include "cd/sector.h"
#include "cd/subchannel.h"
#include "emulator/drive.h"
#include "test_util.h"

namespace emulator {
namespace {

using testing::Hex;
using testing::In;
using testing::InCdb;
using testing::kModeSelect;
using testing::kRdi;
using testing::kSync;
using testing::None;
using testing::Out;
using testing::OutCdb;
using testing::Page05;
using testing::Pattern;
using testing::Read10;
using testing::Reply;
using testing::S;
using testing::Write10;

constexpr const char* kRtiInvisible = "52 01 00 00 00 ff 00 00 30 00";
constexpr const char* kCloseTrack1 = "5b 00 01 00 00 01 00 00 00 00";
constexpr const char* kCloseSession = "5b 00 02 00 00 00 00 00 00 00";

std::unique_ptr<Drive> Loaded(base::MediaType m) {
  return std::make_unique<Drive>(VirtualDisc::CreateInMemory(m));
}

std::uint32_t Nwa(Drive& d) {
  Reply r = In(d, kRtiInvisible, 48);
  EXPECT_TRUE(r.good()) << std::hex << r.sense();
  if (!r.good()) return 0xFFFFFFFF;
  EXPECT_EQ(r.data[7] & 1, 1) << "NWA_V";
  return r.be32(12);
}
std::uint8_t DiscStatus(Drive& d) { return In(d, kRdi, 34).data.at(2) & 0x03; }

void WriteOk(Drive& d, std::int32_t lba, std::uint16_t n, std::uint32_t size = 2048) {
  Reply r = OutCdb(d, Write10(lba, n), Pattern(lba, n, size));
  ASSERT_TRUE(r.good()) << "write " << lba << "+" << n << " sense " << std::hex << r.sense();
}
void ExpectReadBack(Drive& d, std::int32_t lba, std::uint16_t n) {
  Reply r = InCdb(d, Read10(lba, n), std::size_t{n} * 2048);
  ASSERT_TRUE(r.good()) << "read " << lba << " sense " << std::hex << r.sense();
  EXPECT_EQ(r.data, Pattern(lba, n));
}

// Every medium: the answers on a fresh blank disc.
TEST(MediaTest, BlankMediaAnswers) {
  for (const base::MediaInfo& m : base::AllMedia()) {
    SCOPED_TRACE(std::string(m.name));
    auto d = Loaded(m.type);
    Reply rdi = In(*d, kRdi, 34);
    ASSERT_TRUE(rdi.good());
    EXPECT_EQ(rdi.be16(0), 32);
    EXPECT_EQ((rdi.data[2] & 0x10) != 0, m.rewritable);
    Reply cap = In(*d, "25 00 00 00 00 00 00 00 00 00", 8);
    ASSERT_TRUE(cap.good());
    EXPECT_EQ(cap.be32(4), 2048u);
    Reply rfc = In(*d, "23 00 00 00 00 00 00 00 fc 00", 252);
    ASSERT_TRUE(rfc.good());
    EXPECT_EQ(rfc.data[3] % 8, 0);  // growisofs: a multiple of 8
    EXPECT_GE(rfc.data[3], 8);
    if (m.type == base::MediaType::kDvdRam) {
      EXPECT_EQ(rdi.data[2] & 0x03, 3);  // random access: "others"
      EXPECT_EQ(cap.be32(0), m.capacity_sectors - 1);
      continue;
    }
    EXPECT_EQ(rdi.data[2] & 0x03, 0) << "blank";
    if (m.type == base::MediaType::kDvdPlusRw || m.type == base::MediaType::kBdRe ||
        m.type == base::MediaType::kBdReDl || m.type == base::MediaType::kDvdMinusRw) {
      EXPECT_GE(rfc.data[3], 16);  // growisofs: at least one formattable descriptor
      continue;
    }
    EXPECT_EQ(Nwa(*d), 0u);
    Reply rti = In(*d, kRtiInvisible, 48);
    EXPECT_EQ(rti.data[6] & 0x40, 0x40);  // blank
    EXPECT_EQ(rti.be32(16), m.capacity_sectors);
    EXPECT_EQ(In(*d, "43 00 00 00 00 00 00 00 0c 00", 12).sense(), S(5, 0x24, 0));  // no TOC yet
    EXPECT_EQ(InCdb(*d, Read10(0, 1), 2048).sense(), S(5, 0x21, 0));  // nothing recorded
    EXPECT_EQ(OutCdb(*d, Write10(16, 16), Pattern(16, 16)).sense(),
              S(5, 0x21, 0x02));  // off the NWA
  }
}

// DVD+R (and DVD+R DL): track, session, append, finalize (libburn/growisofs sequences).
TEST(MediaTest, DvdPlusRSessionsAndFinalize) {
  for (auto type : {base::MediaType::kDvdPlusR, base::MediaType::kDvdPlusRDl}) {
    auto d = Loaded(type);
    WriteOk(*d, 0, 16);
    WriteOk(*d, 16, 16);
    EXPECT_EQ(Nwa(*d), 32u);
    EXPECT_EQ(OutCdb(*d, Write10(0, 16), Pattern(0, 16)).sense(),
              S(5, 0x21, 0x02));  // no overwrite
    EXPECT_EQ(In(*d, "25 00 00 00 00 00 00 00 00 00", 8).be32(0), 31u);
    EXPECT_TRUE(None(*d, kSync).good());
    EXPECT_TRUE(None(*d, kCloseTrack1).good());
    EXPECT_TRUE(None(*d, kCloseSession).good());
    EXPECT_EQ(DiscStatus(*d), 1);  // appendable
    const std::uint32_t second = Nwa(*d);
    EXPECT_GT(second, 32u);
    EXPECT_EQ(second % 16, 0u);
    WriteOk(*d, static_cast<std::int32_t>(second), 16);
    ExpectReadBack(*d, 0, 32);
    ExpectReadBack(*d, static_cast<std::int32_t>(second), 16);
    Reply toc = In(*d, "43 00 00 00 00 00 00 00 24 00", 36);
    ASSERT_TRUE(toc.good());
    EXPECT_EQ(toc.data[3], 2);  // DVD: a fabricated TOC lists every recorded track
    EXPECT_TRUE(None(*d, "5b 00 06 00 00 00 00 00 00 00").good());  // finalize
    EXPECT_EQ(DiscStatus(*d), 2);
    EXPECT_EQ(In(*d, kRtiInvisible, 48).sense(), S(5, 0x24, 0));
    EXPECT_EQ(
        OutCdb(*d, Write10(static_cast<std::int32_t>(second) + 16, 16), Pattern(0, 16)).sense(),
        S(5, 0x21, 0x02));
    Reply info = In(*d, kRdi, 34);
    EXPECT_EQ(info.data[4], 2);  // two sessions
    EXPECT_EQ(info.data[6], 2);  // last track 2
  }
}

TEST(MediaTest, DvdPlusRDlLayerBreak) {
  auto d = Loaded(base::MediaType::kDvdPlusRDl);
  Reply lb = In(*d, "ad 00 00 00 00 00 00 20 00 0c 00 00", 12);
  ASSERT_TRUE(lb.good());
  EXPECT_EQ(lb.data[4] & 0x80, 0x00);  // not yet set: growisofs -dvd-compat may set it
  EXPECT_EQ(lb.be32(8), 4173824u / 2);
  std::vector<std::uint8_t> param = Hex("00 0a 00 00 00 00 00 00 00 10 00 00");
  EXPECT_TRUE(Out(*d, "bf 00 00 00 00 00 00 20 00 0c 00 00", param).good());
  Reply set = In(*d, "ad 00 00 00 00 00 00 20 00 0c 00 00", 12);
  EXPECT_EQ(set.be32(8), 0x100000u);
  EXPECT_EQ(set.data[4] & 0x80, 0x80);
  param[11] = 0x01;  // not a multiple of 16 sectors
  EXPECT_EQ(Out(*d, "bf 00 00 00 00 00 00 20 00 0c 00 00", param).sense(), S(5, 0x26, 0));
  WriteOk(*d, 0, 16);
  param[9] = 0x20;
  EXPECT_EQ(Out(*d, "bf 00 00 00 00 00 00 20 00 0c 00 00", param).sense(), S(5, 0x2C, 0));
  auto single = Loaded(base::MediaType::kDvdPlusR);
  EXPECT_EQ(In(*single, "ad 00 00 00 00 00 00 20 00 0c 00 00", 12).sense(), S(5, 0x24, 0));
}

// DVD-R incremental multi-session, then DVD-R DAO with RESERVE TRACK.
TEST(MediaTest, DvdMinusRIncrementalAndDao) {
  auto d = Loaded(base::MediaType::kDvdMinusR);
  ASSERT_TRUE(Out(*d, kModeSelect, Page05(0, 5, 8, 3)).good());
  WriteOk(*d, 0, 32);
  EXPECT_TRUE(None(*d, kSync).good());
  EXPECT_TRUE(None(*d, kCloseTrack1).good());
  EXPECT_TRUE(None(*d, kCloseSession).good());
  EXPECT_EQ(DiscStatus(*d), 1);
  ASSERT_TRUE(Out(*d, kModeSelect, Page05(0, 5, 8, 0)).good());  // last session: no more
  const std::uint32_t nwa = Nwa(*d);
  WriteOk(*d, static_cast<std::int32_t>(nwa), 16);
  EXPECT_TRUE(None(*d, "5b 00 01 00 00 02 00 00 00 00").good());
  EXPECT_TRUE(None(*d, kCloseSession).good());
  EXPECT_EQ(DiscStatus(*d), 2);

  auto dao = Loaded(base::MediaType::kDvdMinusR);
  ASSERT_TRUE(Out(*dao, kModeSelect, Page05(2, 5, 8, 0)).good());
  EXPECT_EQ(OutCdb(*dao, Write10(0, 16), Pattern(0, 16)).sense(), S(5, 0x2C, 0));  // reserve first
  EXPECT_TRUE(None(*dao, "53 00 00 00 00 00 00 00 40 00").good());                 // 64 sectors
  Reply rti = In(*dao, "52 01 00 00 00 01 00 00 30 00", 48);
  ASSERT_TRUE(rti.good());
  EXPECT_EQ(rti.data[6] & 0x80, 0x80);  // reserved
  EXPECT_EQ(rti.be32(24), 64u);
  EXPECT_EQ(None(*dao, "53 00 00 00 00 00 00 00 40 00").sense(), S(5, 0x2C, 0));  // track 2 after
  WriteOk(*dao, 0, 32);
  WriteOk(*dao, 32, 32);
  EXPECT_EQ(OutCdb(*dao, Write10(64, 16), Pattern(64, 16)).sense(),
            S(5, 0x2C, 0));  // DAO: one track
  EXPECT_TRUE(None(*dao, kSync).good());
  EXPECT_EQ(DiscStatus(*dao), 2);  // DAO closes the disc
  ExpectReadBack(*dao, 0, 64);
}

TEST(MediaTest, DvdMinusRwRestrictedOverwriteAndBlank) {
  auto d = Loaded(base::MediaType::kDvdMinusRw);
  EXPECT_EQ(In(*d, "46 00 00 00 00 00 00 00 08 00", 8).be16(6), 0x14);
  std::vector<std::uint8_t> fmt = Hex("00 02 00 08 00 23 12 40 54 00 00 10");  // quick (15h)
  ASSERT_TRUE(Out(*d, "04 11 00 00 00 00", fmt).good());
  EXPECT_EQ(In(*d, "46 00 00 00 00 00 00 00 08 00", 8).be16(6), 0x13);
  WriteOk(*d, 4096, 16);
  WriteOk(*d, 0, 16);
  ExpectReadBack(*d, 4096, 16);
  EXPECT_EQ(OutCdb(*d, Write10(8, 16), Pattern(8, 16)).sense(),
            S(5, 0x21, 0x02));                                          // not 32 KiB aligned
  EXPECT_TRUE(None(*d, "a1 00 00 00 00 00 00 00 00 00 00 00").good());  // full blank
  EXPECT_EQ(In(*d, "46 00 00 00 00 00 00 00 08 00", 8).be16(6), 0x14);
  EXPECT_EQ(DiscStatus(*d), 0);
  EXPECT_EQ(Nwa(*d), 0u);
}

TEST(MediaTest, DvdPlusRwFormatBackgroundAndOverwrite) {
  auto d = Loaded(base::MediaType::kDvdPlusRw);
  EXPECT_EQ(In(*d, kRdi, 34).data[7] & 0x03, 0);  // not formatted
  std::vector<std::uint8_t> fmt = Hex("00 82 00 08 00 23 05 40 98 00 00 00");
  ASSERT_TRUE(Out(*d, "04 11 00 00 00 00", fmt).good());
  EXPECT_EQ(In(*d, kRdi, 34).data[7] & 0x03, 2);  // background format running
  WriteOk(*d, 100, 16);
  WriteOk(*d, 100, 16);                                           // overwrite in place
  EXPECT_TRUE(None(*d, "5b 01 00 00 00 00 00 00 00 00").good());  // stop de-icing
  EXPECT_EQ(In(*d, kRdi, 34).data[7] & 0x03, 1);
  EXPECT_TRUE(None(*d, "5b 01 02 00 00 00 00 00 00 00").good());
  EXPECT_EQ(In(*d, kRdi, 34).data[7] & 0x03, 3);
  EXPECT_EQ(DiscStatus(*d), 2);
  EXPECT_EQ(In(*d, "25 00 00 00 00 00 00 00 00 00", 8).be32(0), 2295104u - 1);
  ExpectReadBack(*d, 100, 16);
  EXPECT_EQ(OutCdb(*d, Write10(2295104 - 8, 16), Pattern(0, 16)).sense(), S(5, 0x21, 0));
  EXPECT_EQ(None(*d, "a1 00 00 00 00 00 00 00 00 00 00 00").sense(), S(5, 0x30, 0));  // no BLANK
}

TEST(MediaTest, DvdRamRandomWrite) {
  auto d = Loaded(base::MediaType::kDvdRam);
  WriteOk(*d, 12345, 3);
  Reply r = InCdb(*d, Read10(12345, 3), 3 * 2048);
  ASSERT_TRUE(r.good());
  EXPECT_EQ(r.data, Pattern(12345, 3));
  Reply zeros = InCdb(*d, Read10(0, 1), 2048);
  ASSERT_TRUE(zeros.good());
  EXPECT_EQ(zeros.data, std::vector<std::uint8_t>(2048, 0));
  Reply cfg = In(*d, "46 02 00 20 00 00 00 00 20 00", 32);
  EXPECT_EQ(cfg.data[10] & 1, 1);  // Random Writable is current
}

TEST(MediaTest, BdRSequentialAndBdReFormat) {
  for (auto type : {base::MediaType::kBdR, base::MediaType::kBdRDl}) {
    auto d = Loaded(type);
    WriteOk(*d, 0, 32);
    EXPECT_TRUE(None(*d, kSync).good());
    EXPECT_TRUE(None(*d, kCloseTrack1).good());
    EXPECT_TRUE(None(*d, kCloseSession).good());
    EXPECT_EQ(DiscStatus(*d), 1);
    EXPECT_EQ(Nwa(*d) % 32, 0u);
    std::vector<std::uint8_t> fmt = Hex("00 00 00 08 00 00 00 00 00 00 00 00");
    EXPECT_EQ(Out(*d, "04 11 00 00 00 00", fmt).sense(), S(5, 0x2C, 0));  // only when blank
    EXPECT_TRUE(None(*d, "5b 00 06 00 00 00 00 00 00 00").good());
    EXPECT_EQ(DiscStatus(*d), 2);
  }
  auto blank = Loaded(base::MediaType::kBdR);
  std::vector<std::uint8_t> srm = Hex("00 00 00 08 00 00 00 00 00 00 00 00");
  EXPECT_TRUE(Out(*blank, "04 11 00 00 00 00", srm).good());
  Reply spare = In(*blank, "ad 01 00 00 00 00 00 0a 00 10 00 00", 16);
  ASSERT_TRUE(spare.good());
  EXPECT_GT(spare.be32(8), 0u);

  for (auto type : {base::MediaType::kBdRe, base::MediaType::kBdReDl}) {
    auto d = Loaded(type);
    EXPECT_EQ(OutCdb(*d, Write10(0, 32), Pattern(0, 32)).sense(), S(5, 0x30, 0x05));  // unformatted
    std::vector<std::uint8_t> fmt = Hex("00 00 00 08 00 00 00 00 00 00 00 00");
    ASSERT_TRUE(Out(*d, "04 11 00 00 00 00", fmt).good());
    EXPECT_EQ(In(*d, "46 00 00 00 00 00 00 00 08 00", 8).be16(6), 0x43);
    WriteOk(*d, 64, 32);
    ExpectReadBack(*d, 64, 32);
    EXPECT_EQ(DiscStatus(*d), 2);
  }
}

// CD-R TAO (libburn / wodim): page 05h, NWA, WRITE, close session, second session,
// TOC formats 0, 1, 2 and 4, READ CD of the framed sector.
TEST(MediaTest, CdRTaoMultisession) {
  auto d = Loaded(base::MediaType::kCdR);
  ASSERT_TRUE(Out(*d, kModeSelect, Page05(1, 4, 8, 3)).good());
  Reply atip = In(*d, "43 02 04 00 00 00 00 00 1c 00", 28);
  ASSERT_TRUE(atip.good());
  EXPECT_EQ(cd::MsfToLba(atip.data[8], atip.data[9], atip.data[10]), -11634);
  EXPECT_EQ(Nwa(*d), 0u);
  WriteOk(*d, 0, 300);
  EXPECT_EQ(OutCdb(*d, Write10(0, 1), Pattern(0, 1)).sense(), S(5, 0x21, 0x02));
  EXPECT_EQ(OutCdb(*d, Write10(300, 1), Pattern(0, 1, 2352)).sense(), S(5, 0x24, 0));  // wrong size
  EXPECT_TRUE(None(*d, kSync).good());
  EXPECT_TRUE(None(*d, kCloseSession).good());
  EXPECT_EQ(DiscStatus(*d), 1);
  EXPECT_EQ(Nwa(*d), 300u + 6750 + 4500 + 150);
  Reply toc = In(*d, "43 00 00 00 00 00 00 00 14 00", 20);
  ASSERT_TRUE(toc.good());
  EXPECT_EQ(toc.data[3], 1);
  EXPECT_EQ(toc.data[5], 0x14);  // ADR 1, data
  EXPECT_EQ(toc.be32(8), 0u);
  EXPECT_EQ(toc.data[14], 0xAA);
  EXPECT_EQ(toc.be32(16), 300u);
  Reply full = In(*d, "43 02 02 00 00 00 00 00 ff 00", 255);
  ASSERT_TRUE(full.good());
  bool b0 = false;
  for (std::size_t i = 4; i + 11 <= full.data.size(); i += 11) b0 |= full.data[i + 3] == 0xB0;
  EXPECT_TRUE(b0) << "appendable disc lists B0";
  ExpectReadBack(*d, 0, 300);
  // READ CD: sync, header (MSF 00:02:00, mode 1), user data, EDC/ECC; raw P-W sub-channel.
  Reply sector = In(*d, "be 00 00 00 00 00 00 00 01 f8 01 00", 2448);
  ASSERT_TRUE(sector.good());
  ASSERT_EQ(sector.data.size(), 2448u);
  EXPECT_EQ(sector.data[0], 0x00);
  EXPECT_EQ(sector.data[1], 0xFF);
  EXPECT_EQ(sector.data[12], 0x00);
  EXPECT_EQ(sector.data[13], 0x02);
  EXPECT_EQ(sector.data[15], 0x01);
  EXPECT_EQ(std::vector<std::uint8_t>(sector.data.begin() + 16, sector.data.begin() + 2064),
            Pattern(0, 1));
  auto q = cd::DeinterleaveQ(sector.data.data() + 2352);
  EXPECT_EQ(q[0], 0x41);  // data track, ADR 1
  EXPECT_EQ(q[1], 0x01);  // track 1
  EXPECT_EQ(In(*d, "be 04 00 00 00 00 00 00 01 10 00 00", 2352).sense(),
            S(5, 0x64, 0));  // not audio
  const std::int32_t s2 = static_cast<std::int32_t>(Nwa(*d));
  ASSERT_TRUE(Out(*d, kModeSelect, Page05(1, 4, 8, 0)).good());
  WriteOk(*d, s2, 300);
  EXPECT_TRUE(None(*d, kCloseSession).good());
  EXPECT_EQ(DiscStatus(*d), 2);  // multisession 00b: closing finalized it
  Reply sessions = In(*d, "43 00 01 00 00 00 00 00 0c 00", 12);
  ASSERT_TRUE(sessions.good());
  EXPECT_EQ(sessions.data[3], 2);
  EXPECT_EQ(sessions.be32(8), static_cast<std::uint32_t>(s2));
}

TEST(MediaTest, CdRwBlankAndUnclose) {
  auto d = Loaded(base::MediaType::kCdRw);
  ASSERT_TRUE(Out(*d, kModeSelect, Page05(1, 4, 8, 3)).good());
  WriteOk(*d, 0, 300);
  EXPECT_TRUE(None(*d, kCloseSession).good());
  EXPECT_EQ(DiscStatus(*d), 1);
  EXPECT_TRUE(None(*d, "a1 06 00 00 00 00 00 00 00 00 00 00").good());  // unclose last session
  EXPECT_EQ(Nwa(*d), 300u + 152);
  EXPECT_TRUE(None(*d, "a1 01 00 00 00 00 00 00 00 00 00 00").good());  // minimal blank
  EXPECT_EQ(DiscStatus(*d), 0);
  EXPECT_EQ(InCdb(*d, Read10(0, 1), 2048).sense(), S(5, 0x21, 0));
  auto cdr = Loaded(base::MediaType::kCdR);
  EXPECT_EQ(None(*cdr, "a1 00 00 00 00 00 00 00 00 00 00 00").sense(), S(5, 0x30, 0));
}

// CD SAO (cdrdao, libburn): cue sheet, writing from -150, two audio tracks, disc closed.
TEST(MediaTest, CdSaoCueSheet) {
  auto d = Loaded(base::MediaType::kCdR);
  ASSERT_TRUE(Out(*d, kModeSelect, Page05(2, 0, 0, 0)).good());
  EXPECT_EQ(Nwa(*d), static_cast<std::uint32_t>(-150));
  // lead-in, track 1 index 0 at 00:00:00 and index 1 at 00:02:00, track 2 index 1 at
  // 00:06:00, lead-out at 00:08:00 (MSF, binary).
  std::vector<std::uint8_t> cue =
      Hex("01 00 00 00 00 00 00 00"
          "01 01 00 00 00 00 00 00"
          "01 01 01 00 00 00 02 00"
          "01 02 01 00 00 00 06 00"
          "01 aa 01 00 00 00 08 00");
  ASSERT_TRUE(Out(*d, "5d 00 00 00 00 00 00 00 28 00", cue).good());
  EXPECT_EQ(OutCdb(*d, Write10(0, 1), Pattern(0, 1, 2352)).sense(), S(5, 0x21, 0x02));
  for (std::int32_t lba = -150; lba < 450; lba += 50) {
    Reply r = OutCdb(*d, Write10(lba, 50), Pattern(lba, 50, 2352));
    ASSERT_TRUE(r.good()) << lba << " " << std::hex << r.sense();
  }
  EXPECT_TRUE(None(*d, kSync).good());
  EXPECT_EQ(DiscStatus(*d), 2);
  Reply toc = In(*d, "43 00 00 00 00 00 00 00 1c 00", 28);
  ASSERT_TRUE(toc.good());
  EXPECT_EQ(toc.data[3], 2);
  EXPECT_EQ(toc.data[5], 0x10);  // audio
  EXPECT_EQ(toc.be32(16), 300u);
  EXPECT_EQ(toc.be32(24), 450u);
  Reply audio = In(*d, "be 04 00 00 01 2c 00 00 02 f8 00 00", 2 * 2352);
  ASSERT_TRUE(audio.good());
  EXPECT_EQ(audio.data, Pattern(300, 2, 2352));
  EXPECT_EQ(InCdb(*d, Read10(0, 1), 2048).sense(), S(5, 0x64, 0));  // audio is not READ(10)able
}

// SAO with a catalog number and an ISRC (cdrdao sends them for a TOC with CATALOG and
// ISRC): MMC-5 6.33.3.3-4 entries of ADR 2 and 3 hold characters where an ADR 1 entry holds
// an address ("USABC" has bytes of 60 and more), and are accepted, not taken as layout.
TEST(MediaTest, CdSaoCueSheetWithCatalogAndIsrc) {
  auto d = Loaded(base::MediaType::kCdR);
  ASSERT_TRUE(Out(*d, kModeSelect, Page05(2, 0, 0, 0)).good());
  std::vector<std::uint8_t> cue =
      Hex("02 30 31 32 33 34 35 36"  // catalog 0123456789012, first 7 digits
          "02 37 38 39 30 31 32 00"  // ... last 6
          "01 00 00 00 00 00 00 00"
          "03 01 55 53 41 42 43 32"  // track 1 ISRC "USABC2" ...
          "03 01 36 30 30 30 30 31"  // ... "600001"
          "01 01 00 00 00 00 00 00"
          "01 01 01 00 00 00 02 00"
          "01 aa 01 00 00 00 06 00");
  ASSERT_TRUE(Out(*d, "5d 00 00 00 00 00 00 00 40 00", cue).good());
  for (std::int32_t lba = -150; lba < 300; lba += 50) {
    ASSERT_TRUE(OutCdb(*d, Write10(lba, 50), Pattern(lba, 50, 2352)).good()) << lba;
  }
  EXPECT_TRUE(None(*d, kSync).good());
  EXPECT_EQ(DiscStatus(*d), 2);
  // An ADR 1 entry with a bad address is still refused.
  auto e = Loaded(base::MediaType::kCdR);
  ASSERT_TRUE(Out(*e, kModeSelect, Page05(2, 0, 0, 0)).good());
  std::vector<std::uint8_t> bad =
      Hex("01 00 00 00 00 00 00 00"
          "01 01 01 00 00 00 3c 00"
          "01 aa 01 00 00 00 06 00");
  EXPECT_EQ(Out(*e, "5d 00 00 00 00 00 00 00 18 00", bad).sense(), S(5, 0x26, 0));
}

// SAO with CD-TEXT: the host writes the lead-in packs (96 bytes per sector) from the ATIP
// lead-in start, then the pre-gap and the track.
TEST(MediaTest, CdSaoWithCdTextLeadIn) {
  auto d = Loaded(base::MediaType::kCdRw);
  ASSERT_TRUE(Out(*d, kModeSelect, Page05(2, 0, 0, 0)).good());
  std::vector<std::uint8_t> cue =
      Hex("01 00 00 41 00 00 00 00"
          "01 01 00 00 00 00 00 00"
          "01 01 01 00 00 00 02 00"
          "01 aa 01 00 00 00 04 00");
  ASSERT_TRUE(Out(*d, "5d 00 00 00 00 00 00 00 20 00", cue).good());
  EXPECT_EQ(OutCdb(*d, Write10(-150, 1), Pattern(0, 1, 2352)).sense(), S(5, 0x21, 0x02));
  for (std::int32_t lba = -11634; lba < -150; lba += 100) {
    const auto n = static_cast<std::uint16_t>(std::min(100, -150 - lba));
    ASSERT_TRUE(
        OutCdb(*d, Write10(lba, n), std::vector<std::uint8_t>(std::size_t{n} * 96, 0x8F)).good())
        << lba;
  }
  ASSERT_TRUE(OutCdb(*d, Write10(-150, 300), Pattern(-150, 300, 2352)).good());
  EXPECT_TRUE(None(*d, kSync).good());
  EXPECT_EQ(DiscStatus(*d), 2);
  Reply toc = In(*d, "43 00 00 00 00 00 00 00 14 00", 20);
  ASSERT_TRUE(toc.good());
  EXPECT_EQ(toc.be32(16), 150u);
}

// RAW DAO with 96-byte raw P-W (wodim -raw96r, cdrdao generic-mmc-raw): the TOC comes
// from the Q sub-channel of the host-written lead-in.
TEST(MediaTest, CdRawWithHostLeadIn) {
  auto d = Loaded(base::MediaType::kCdR);
  ASSERT_TRUE(Out(*d, kModeSelect, Page05(3, 0, 3, 0)).good());
  EXPECT_EQ(static_cast<std::int32_t>(Nwa(*d)), -11634);
  // The raw stream is accepted only after SEND CUE SHEET for SAO; RAW starts on WRITE.
  auto leadin_q = [](std::uint8_t point, std::int32_t lba) {
    std::array<std::uint8_t, 12> q{};
    cd::Msf m = cd::LbaToMsf(lba);
    q[0] = point == 0xA2 || point == 0x01 ? 0x41 : 0x41;
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
  const std::int32_t values[] = {0, 0, 600, 0};
  std::vector<std::uint8_t> block;
  // RAW writing needs the session opened by a first WRITE at the lead-in start.
  std::int32_t lba = -11634;
  std::vector<std::uint8_t> chunk;
  std::uint32_t in_chunk = 0;
  auto flush = [&]() {
    if (in_chunk == 0) return;
    Reply r = OutCdb(*d, Write10(lba, static_cast<std::uint16_t>(in_chunk)), chunk);
    ASSERT_TRUE(r.good()) << lba << " " << std::hex << r.sense();
    lba += static_cast<std::int32_t>(in_chunk);
    chunk.clear();
    in_chunk = 0;
  };
  for (std::int32_t l = -11634; l < 600 + 150; ++l) {
    std::vector<std::uint8_t> s(2448, 0);
    if (l < -150) {
      auto q = leadin_q(points[(l + 11634) % 4], values[(l + 11634) % 4]);
      cd::InterleavePq(false, q, s.data() + 2352);
    } else if (l >= 0 && l < 600) {
      std::vector<std::uint8_t> user = Pattern(l, 1);
      std::copy(user.begin(), user.end(), s.begin() + 16);
      cd::FrameMode1(l, s.data());
      cd::Scramble(s.data());  // RAW hosts send data sectors scrambled
    }
    chunk.insert(chunk.end(), s.begin(), s.end());
    if (++in_chunk == 26) flush();
  }
  flush();
  // The first WRITE must start the raw session.
  EXPECT_TRUE(None(*d, kSync).good());
  EXPECT_EQ(DiscStatus(*d), 2);
  Reply toc = In(*d, "43 00 00 00 00 00 00 00 14 00", 20);
  ASSERT_TRUE(toc.good());
  EXPECT_EQ(toc.data[3], 1);
  EXPECT_EQ(toc.be32(16), 600u);
  ExpectReadBack(*d, 0, 10);
}

// RAW with 16-byte formatted P-Q (cdrdao generic-mmc-raw): its Q CRC is not inverted.
TEST(MediaTest, CdRawWithFormattedPq) {
  auto d = Loaded(base::MediaType::kCdR);
  ASSERT_TRUE(Out(*d, kModeSelect, Page05(3, 0, 1, 0)).good());
  std::vector<std::uint8_t> stream;
  for (std::int32_t l = -11634; l < 300 + 150; ++l) {
    std::vector<std::uint8_t> s(2368, 0);
    if (l < -150) {
      const std::uint8_t point = (l % 2 == 0) ? 0xA2 : 0x01;
      cd::Msf m = cd::LbaToMsf(point == 0xA2 ? 300 : 0);
      std::uint8_t q[10] = {
          0x41, 0, point, 0, 0, 0, 0, cd::ToBcd(m.minute), cd::ToBcd(m.second), cd::ToBcd(m.frame)};
      std::uint16_t crc =
          static_cast<std::uint16_t>(~cd::QCrc(std::span<const std::uint8_t>(q, 10)));
      std::copy(q, q + 10, s.begin() + 2352);
      s[2362] = static_cast<std::uint8_t>(crc >> 8);
      s[2363] = static_cast<std::uint8_t>(crc);
    } else if (l >= 0 && l < 300) {
      std::vector<std::uint8_t> user = Pattern(l, 1);
      std::copy(user.begin(), user.end(), s.begin() + 16);
      cd::FrameMode1(l, s.data());
      cd::Scramble(s.data());
    }
    stream.insert(stream.end(), s.begin(), s.end());
  }
  const std::size_t blocks = stream.size() / 2368;
  for (std::size_t i = 0; i < blocks; i += 27) {
    const auto n = static_cast<std::uint16_t>(std::min<std::size_t>(27, blocks - i));
    const auto lba = static_cast<std::int32_t>(-11634 + static_cast<std::int64_t>(i));
    std::vector<std::uint8_t> chunk(stream.begin() + static_cast<std::ptrdiff_t>(i * 2368),
                                    stream.begin() + static_cast<std::ptrdiff_t>((i + n) * 2368));
    ASSERT_TRUE(OutCdb(*d, Write10(lba, n), chunk).good()) << lba;
  }
  EXPECT_TRUE(None(*d, kSync).good());
  EXPECT_EQ(DiscStatus(*d), 2);
  Reply toc = In(*d, "43 00 00 00 00 00 00 00 14 00", 20);
  ASSERT_TRUE(toc.good());
  EXPECT_EQ(toc.be32(16), 300u);
  ExpectReadBack(*d, 0, 10);
}

TEST(MediaTest, WrongMediumAndNoMediumSense) {
  Drive empty;
  EXPECT_EQ(OutCdb(empty, Write10(0, 1), Pattern(0, 1)).sense(), S(2, 0x3A, 0));
  EXPECT_EQ(In(empty, "25 00 00 00 00 00 00 00 00 00", 8).sense(), S(2, 0x3A, 0));
  auto d = Loaded(base::MediaType::kDvdPlusR);
  EXPECT_EQ(In(*d, "be 00 00 00 00 00 00 00 01 10 00 00", 2352).sense(),
            S(5, 0x64, 0));  // READ CD on DVD
  EXPECT_EQ(Out(*d, "5d 00 00 00 00 00 00 00 08 00", Hex("01 00 00 00 00 00 00 00")).sense(),
            S(5, 0x30, 0x05));
  EXPECT_EQ(Out(*d, "04 11 00 00 00 00", Hex("00 00 00 08 00 00 00 00 00 00 00 00")).sense(),
            S(5, 0x30, 0x06));
}

}  // namespace
}  // namespace emulator

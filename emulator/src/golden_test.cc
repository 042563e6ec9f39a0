// Golden byte vectors: whole responses checked byte for byte against the layouts of
// MMC-5 r03c (READ DISC INFORMATION 6.22.3.1, READ TRACK INFORMATION 6.27.3, READ FORMAT
// CAPACITIES 6.24.3, ATIP 6.26.3.6) and SPC-4 (INQUIRY), and the CD sector framing
// checked against ECMA-130 Annex A's parity-check matrices with an independent GF(2^8)
// and a bitwise EDC, so a shared misreading of the spec cannot hide.
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

TEST(GoldenTest, InquiryStandardData) {
  Drive drive;
  auto r = In(drive, "12 00 00 00 24 00", 36);
  EXPECT_EQ(r.data, Hex("05 80 05 32 5b 00 00 00"
                        "4d 4b 49 4d 47 20 20 20"                          // "MKIMG   "
                        "56 69 72 74 75 61 6c 52 65 63 6f 72 64 65 72 20"  // "VirtualRecorder "
                        "30 31 30 30"));
}

TEST(GoldenTest, BlankCdRDiscAndTrackInformation) {
  Drive drive(VirtualDisc::CreateInMemory(base::MediaType::kCdR));
  // Disc status 00b empty, last session empty, 1 session, track 1; URU; lead-in 97:26:66
  // (61 1A 42); last possible lead-out 79:59:72 (4F 3B 48).
  EXPECT_EQ(In(drive, "51 00 00 00 00 00 00 00 22 00", 34).data,
            Hex("00 20 00 01 01 01 01 20 00 00 00 00 00 00 00 00"
                "00 61 1a 42 00 4f 3b 48 00 00 00 00 00 00 00 00 00 00"));
  // Track 1, session 1, data (4), blank, mode 1, NWA_V; start 0, NWA 0, free 359847, size 359847.
  EXPECT_EQ(In(drive, "52 01 00 00 00 01 00 00 30 00", 48).data,
            Hex("00 2e 01 01 00 04 41 01 00 00 00 00 00 00 00 00"
                "00 05 7d a7 00 00 00 00 00 05 7d a7 00 00 00 00"
                "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"));
  // ATIP: 26 bytes follow the length; lead-in start 97:26:66, last lead-out 79:59:72.
  EXPECT_EQ(In(drive, "43 02 04 00 00 00 00 00 1c 00", 28).data,
            Hex("00 1a 00 00 d1 40 80 00 61 1a 42 00 4f 3b 48 00"
                "00 00 00 00 00 00 00 00 00 00 00 00"));
}

TEST(GoldenTest, DvdPlusRwFormatCapacities) {
  Drive drive(VirtualDisc::CreateInMemory(base::MediaType::kDvdPlusRw));
  // Unformatted: current descriptor type 01b (2295104 = 0x0023_0540 blocks of 2048),
  // then format type 26h with the same size.
  EXPECT_EQ(In(drive, "23 00 00 00 00 00 00 00 fc 00", 252).data,
            Hex("00 00 00 10 00 23 05 40 01 00 08 00 00 23 05 40 98 00 00 00"));
}

// --- ECMA-130 Annex A, checked with arithmetic written independently of cd/sector.cc --
std::uint8_t GfMul(std::uint8_t a, std::uint8_t b) {
  std::uint8_t p = 0;
  while (b) {
    if (b & 1) p ^= a;
    a = static_cast<std::uint8_t>((a << 1) ^ ((a & 0x80) ? 0x1D : 0));
    b >>= 1;
  }
  return p;
}
std::uint8_t GfPow(std::uint8_t a, int n) {
  std::uint8_t r = 1;
  while (n-- > 0) r = GfMul(r, a);
  return r;
}
std::uint32_t BitwiseEdc(const std::uint8_t* p, std::size_t n) {
  std::uint32_t crc = 0;
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int b = 0; b < 8; ++b) crc = (crc & 1) ? (crc >> 1) ^ 0xD8018001u : crc >> 1;
  }
  return crc;
}

// Both parity-check rows of every P and Q code word vanish (ECMA-130 A.4).
void ExpectValidEcc(const std::uint8_t* sector) {
  const std::uint8_t* s = sector + 12;  // header onwards
  for (int plane = 0; plane < 2; ++plane) {
    for (int col = 0; col < 43; ++col) {  // P: 43 columns x 26 words
      std::uint8_t s0 = 0, s1 = 0;
      for (int k = 0; k < 26; ++k) {
        std::uint8_t c = s[2 * (col + 43 * k) + plane];
        s0 ^= c;
        s1 ^= GfMul(c, GfPow(2, 25 - k));
      }
      EXPECT_EQ(s0, 0) << "P " << plane << "/" << col;
      EXPECT_EQ(s1, 0) << "P " << plane << "/" << col;
    }
    for (int diag = 0; diag < 26; ++diag) {  // Q: 26 diagonals x 45 words
      std::uint8_t s0 = 0, s1 = 0;
      for (int k = 0; k < 45; ++k) {
        int word = k < 43 ? (43 * diag + 44 * k) % 1118 : 1118 + 26 * (k - 43) + diag;
        std::uint8_t c = s[2 * word + plane];
        s0 ^= c;
        s1 ^= GfMul(c, GfPow(2, 44 - k));
      }
      EXPECT_EQ(s0, 0) << "Q " << plane << "/" << diag;
      EXPECT_EQ(s1, 0) << "Q " << plane << "/" << diag;
    }
  }
}

TEST(GoldenTest, Mode1SectorFraming) {
  std::vector<std::uint8_t> sector(2352, 0);
  std::vector<std::uint8_t> user = testing::Pattern(16, 1);
  std::copy(user.begin(), user.end(), sector.begin() + 16);
  cd::FrameMode1(16, sector.data());
  EXPECT_EQ(std::vector<std::uint8_t>(sector.begin(), sector.begin() + 16),
            Hex("00 ff ff ff ff ff ff ff ff ff ff 00 00 02 16 01"));  // 00:02:16, mode 1
  const std::uint32_t edc = BitwiseEdc(sector.data(), 2064);
  EXPECT_EQ(sector[2064], edc & 0xFF);
  EXPECT_EQ(sector[2067], edc >> 24);
  ExpectValidEcc(sector.data());
  sector[100] ^= 1;  // the check above is not vacuous
  EXPECT_NE(BitwiseEdc(sector.data(), 2064), edc);
}

TEST(GoldenTest, Mode2Form1SectorFraming) {
  std::vector<std::uint8_t> sector(2352, 0);
  std::vector<std::uint8_t> user = testing::Pattern(5, 1);
  std::copy(user.begin(), user.end(), sector.begin() + 24);
  cd::FrameMode2Form1(1000, sector.data());
  EXPECT_EQ(sector[15], 2);
  const std::uint32_t edc = BitwiseEdc(sector.data() + 16, 2056);
  EXPECT_EQ(sector[2072], edc & 0xFF);
  std::vector<std::uint8_t> zeroed = sector;
  std::fill(zeroed.begin() + 12, zeroed.begin() + 16, 0);  // ECC treats the header as zero
  ExpectValidEcc(zeroed.data());
}

TEST(GoldenTest, ScramblerSequence) {
  std::vector<std::uint8_t> sector(2352, 0);
  cd::Scramble(sector.data());
  // ECMA-130 Annex B: the register output for an all-zero sector begins 01 80 00 60 ...
  EXPECT_EQ(std::vector<std::uint8_t>(sector.begin() + 12, sector.begin() + 24),
            Hex("01 80 00 60 00 28 00 1e 80 08 60 06"));
  cd::Scramble(sector.data());
  EXPECT_EQ(sector, std::vector<std::uint8_t>(2352, 0));
}

TEST(GoldenTest, QSubchannelAndMsf) {
  // Track 1 index 1, 2 s into the track, absolute 00:04:00; CRC-16 inverted (ECMA-130 22.3.6).
  auto q = cd::PositionQ(4, 1, 1, 150, 150);
  EXPECT_EQ(std::vector<std::uint8_t>(q.begin(), q.begin() + 10),
            Hex("41 01 01 00 02 00 00 00 04 00"));
  std::uint16_t crc = 0xFFFF;  // bitwise CRC-CCITT, preset 0, output inverted
  crc = 0;
  for (int i = 0; i < 10; ++i) {
    crc ^= static_cast<std::uint16_t>(q[static_cast<std::size_t>(i)] << 8);
    for (int b = 0; b < 8; ++b)
      crc = static_cast<std::uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
  }
  crc = static_cast<std::uint16_t>(~crc);
  EXPECT_EQ(q[10], crc >> 8);
  EXPECT_EQ(q[11], crc & 0xFF);
  std::uint8_t raw[96];
  cd::InterleavePq(false, q, raw);
  EXPECT_EQ(cd::DeinterleaveQ(raw), q);
  EXPECT_EQ(cd::MsfToLba(0, 2, 0), 0);
  EXPECT_EQ(cd::MsfToLba(97, 26, 66), -11634);
  cd::Msf m = cd::LbaToMsf(-11634);
  EXPECT_EQ(m.minute, 97);
  EXPECT_EQ(m.second, 26);
  EXPECT_EQ(m.frame, 66);
}

}  // namespace
}  // namespace emulator

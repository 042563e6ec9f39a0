// CD-ROM sector framing checked against ECMA-130 2nd edition itself, with code written
// independently of sector.cc: the EDC from the polynomial of 14.4 bit by bit, the P and
// Q parity from the parity-check matrices of Annex A (GF(2^8), x^8+x^4+x^3+x^2+1), the
// scrambler sequence of Annex B, and a sector encoded by a real tool (cdrdao).
#include "cd/sector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "cd/msf.h"

namespace cd {
namespace {

// x^32+x^31+x^16+x^15+x^4+x^3+x+1, processed least significant bit first: the reflected
// form of the polynomial, built from its exponents.
std::uint32_t ReflectedEdcPolynomial() {
  std::uint32_t r = 0;
  for (int e : {31, 16, 15, 4, 3, 1, 0}) r |= 1u << (31 - e);
  return r;
}

std::uint32_t BitwiseEdc(const std::uint8_t* p, std::size_t n) {
  const std::uint32_t poly = ReflectedEdcPolynomial();
  std::uint32_t crc = 0;
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int b = 0; b < 8; ++b) crc = (crc & 1) ? (crc >> 1) ^ poly : crc >> 1;
  }
  return crc;
}

std::uint32_t LoadLe32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}

std::uint8_t GfMul(std::uint8_t a, std::uint8_t b) {
  std::uint8_t p = 0;
  for (int i = 0; i < 8; ++i) {
    if (b & 1) p ^= a;
    const bool carry = (a & 0x80) != 0;
    a = static_cast<std::uint8_t>(a << 1);
    if (carry) a ^= 0x1D;  // x^8 = x^4+x^3+x^2+1
    b >>= 1;
  }
  return p;
}

std::uint8_t GfPow(std::uint8_t a, int n) {
  std::uint8_t r = 1;
  while (n-- > 0) r = GfMul(r, a);
  return r;
}

// Annex A: the header-onwards bytes form two planes (even and odd bytes) of 1170 words;
// every P column (26 words) and Q diagonal (45 words) satisfies both parity-check rows.
int EccViolations(const std::uint8_t* sector) {
  const std::uint8_t* s = sector + 12;
  int bad = 0;
  for (int plane = 0; plane < 2; ++plane) {
    for (int col = 0; col < 43; ++col) {
      std::uint8_t s0 = 0, s1 = 0;
      for (int k = 0; k < 26; ++k) {
        const std::uint8_t c = s[2 * (col + 43 * k) + plane];
        s0 ^= c;
        s1 ^= GfMul(c, GfPow(2, 25 - k));
      }
      bad += (s0 != 0) + (s1 != 0);
    }
    for (int diag = 0; diag < 26; ++diag) {
      std::uint8_t s0 = 0, s1 = 0;
      for (int k = 0; k < 45; ++k) {
        const int word = k < 43 ? (43 * diag + 44 * k) % 1118 : 1118 + 26 * (k - 43) + diag;
        const std::uint8_t c = s[2 * word + plane];
        s0 ^= c;
        s1 ^= GfMul(c, GfPow(2, 44 - k));
      }
      bad += (s0 != 0) + (s1 != 0);
    }
  }
  return bad;
}

std::vector<std::uint8_t> Hex(const char* text) {
  std::vector<std::uint8_t> out;
  int hi = -1;
  for (const char* p = text; *p != 0; ++p) {
    int v = -1;
    if (*p >= '0' && *p <= '9') v = *p - '0';
    if (*p >= 'a' && *p <= 'f') v = *p - 'a' + 10;
    if (v < 0) continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

TEST(SectorTest, EdcMatchesPolynomial) {
  EXPECT_EQ(ReflectedEdcPolynomial(), 0xD8018001u);
  std::vector<std::uint8_t> data(2064);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7 + 3);
  EXPECT_EQ(Edc(data), BitwiseEdc(data.data(), data.size()));
  EXPECT_EQ(Edc(std::span<const std::uint8_t>()), 0u);
}

TEST(SectorTest, Mode1SyncHeaderEdcEcc) {
  std::vector<std::uint8_t> s(kSectorBytes, 0);
  for (std::size_t i = 0; i < kUserBytes; ++i) s[16 + i] = static_cast<std::uint8_t>(i ^ 0x5A);
  FrameMode1(0, s.data());
  // 14.1 sync, 14.2 header: 00:02:00 in BCD, mode 1.
  EXPECT_EQ(std::vector<std::uint8_t>(s.begin(), s.begin() + 16),
            Hex("00 ff ff ff ff ff ff ff ff ff ff 00 00 02 00 01"));
  EXPECT_TRUE(HasSync(s.data()));
  EXPECT_EQ(LoadLe32(&s[2064]), BitwiseEdc(s.data(), 2064));        // 14.4: bytes 0-2063
  EXPECT_EQ(std::count(s.begin() + 2068, s.begin() + 2076, 0), 8);  // intermediate, zero
  EXPECT_EQ(EccViolations(s.data()), 0);
  s[500] ^= 0x10;  // the parity check is not vacuous
  EXPECT_GT(EccViolations(s.data()), 0);
}

// The framing works eight parity columns at a time and folds the EDC eight bytes at a
// time: every column, diagonal and byte position must still be right, for any data and
// any length (the odd lengths exercise the bytes after the last whole group of eight).
TEST(SectorTest, RandomSectorsAndLengthsCheckOut) {
  std::uint32_t seed = 12345;
  auto next = [&] {
    seed = seed * 1103515245u + 12345u;
    return static_cast<std::uint8_t>(seed >> 16);
  };
  for (int n = 0; n < 64; ++n) {
    std::vector<std::uint8_t> s(kSectorBytes);
    for (auto& b : s) b = next();
    FrameMode1(n * 997 - 150, s.data());
    EXPECT_EQ(LoadLe32(&s[2064]), BitwiseEdc(s.data(), 2064)) << n;
    EXPECT_EQ(EccViolations(s.data()), 0) << n;
    for (auto& b : s) b = next();
    FrameMode2Form1(n * 31, s.data());
    EXPECT_EQ(LoadLe32(&s[2072]), BitwiseEdc(s.data() + 16, 2056)) << n;
    std::fill(s.begin() + 12, s.begin() + 16, 0);
    EXPECT_EQ(EccViolations(s.data()), 0) << n;
  }
  std::vector<std::uint8_t> data(100);
  for (auto& b : data) b = next();
  for (std::size_t len = 0; len <= data.size(); ++len) {
    EXPECT_EQ(Edc(std::span<const std::uint8_t>(data.data(), len)), BitwiseEdc(data.data(), len))
        << len;
  }
}

TEST(SectorTest, Mode1ZeroSectorMatchesCdrdao) {
  // Origin: cdrdao 1.2.4 (Debian) wrote a MODE1 track of zero bytes with
  // `cdrdao write --driver generic-mmc-raw` (it encodes and scrambles RAW sectors itself)
  // to a virtual CD-R through `mkimg emu run`; `cdrdao read-cd --read-raw` read it back.
  // The sector at LBA 16 (00:02:16): sync, header 00 02 16 01, 2048 zero bytes, then
  // EDC, 8 zero bytes and P/Q parity as below (bytes 2064-2351).
  const std::vector<std::uint8_t> tail =
      Hex("bc 17 00 5f 00 00 00 00 00 00 00 00 00 f7 ef f5 00 00 00 00 00 00 00 00"
          "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
          "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
          "00 00 00 00 00 00 00 00 00 00 00 00 00 00 d9 39 00 e1 00 00 00 00 00 00"
          "00 00 00 f5 f9 f4 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
          "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
          "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
          "00 00 00 00 65 2e 00 be 00 00 00 00 00 00 00 00 00 41 00 00 00 00 00 00"
          "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 f4 b7 c2 c4 ad 73 9b 00 00"
          "00 00 00 00 00 00 00 00 00 00 00 00 00 00 5d 65 a0 c2 fd e6 00 43 00 00"
          "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ab 0b 34 1d 2a"
          "16 b5 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 b2 90 59 c1 eb 12");
  std::vector<std::uint8_t> s(kSectorBytes, 0);
  FrameMode1(16, s.data());
  EXPECT_EQ(std::vector<std::uint8_t>(s.begin(), s.begin() + 16),
            Hex("00 ff ff ff ff ff ff ff ff ff ff 00 00 02 16 01"));
  EXPECT_EQ(std::vector<std::uint8_t>(s.begin() + 2064, s.end()), tail);
  EXPECT_EQ(LoadLe32(&s[2064]), 0x5F0017BCu);
}

TEST(SectorTest, Mode1HeaderAddressesInBcd) {
  std::vector<std::uint8_t> s(kSectorBytes, 0);
  FrameMode1(MsfToLba(Msf{61, 23, 45}), s.data());
  EXPECT_EQ(s[12], 0x61);
  EXPECT_EQ(s[13], 0x23);
  EXPECT_EQ(s[14], 0x45);
  EXPECT_EQ(EccViolations(s.data()), 0);
}

TEST(SectorTest, Mode2Form1EccTreatsHeaderAsZero) {
  std::vector<std::uint8_t> s(kSectorBytes, 0);
  const std::uint8_t subheader[8] = {0, 0, 0x08, 0, 0, 0, 0x08, 0};  // data, form 1
  std::copy(subheader, subheader + 8, s.begin() + 16);
  for (std::size_t i = 0; i < kUserBytes; ++i) s[24 + i] = static_cast<std::uint8_t>(i);
  FrameMode2Form1(1000, s.data());
  EXPECT_EQ(s[15], 2);
  EXPECT_EQ(LoadLe32(&s[2072]), BitwiseEdc(s.data() + 16, 2056));  // sub-header + data
  std::vector<std::uint8_t> zeroed = s;
  std::fill(zeroed.begin() + 12, zeroed.begin() + 16, 0);
  EXPECT_EQ(EccViolations(zeroed.data()), 0);
}

TEST(SectorTest, Mode2Form2HasEdcOnly) {
  std::vector<std::uint8_t> s(kSectorBytes, 0);
  const std::uint8_t subheader[8] = {0, 0, 0x20, 0, 0, 0, 0x20, 0};  // form 2
  std::copy(subheader, subheader + 8, s.begin() + 16);
  for (std::size_t i = 0; i < kForm2UserBytes; ++i) s[24 + i] = static_cast<std::uint8_t>(i * 3);
  const std::vector<std::uint8_t> before = s;
  FrameMode2Form2(150, s.data());
  EXPECT_EQ(std::vector<std::uint8_t>(s.begin(), s.begin() + 16),
            Hex("00 ff ff ff ff ff ff ff ff ff ff 00 00 04 00 02"));
  EXPECT_EQ(LoadLe32(&s[2348]), BitwiseEdc(s.data() + 16, 2332));
  EXPECT_TRUE(std::equal(s.begin() + 16, s.begin() + 2348, before.begin() + 16));
}

TEST(SectorTest, Mode2FormlessIsSyncAndHeader) {
  std::vector<std::uint8_t> s(kSectorBytes, 0xAB);
  FrameMode2(-150, s.data());
  EXPECT_EQ(std::vector<std::uint8_t>(s.begin(), s.begin() + 16),
            Hex("00 ff ff ff ff ff ff ff ff ff ff 00 00 00 00 02"));
  EXPECT_EQ(std::count(s.begin() + 16, s.end(), 0xAB), static_cast<long>(kMode2UserBytes));
}

TEST(SectorTest, ScramblerSequenceAnnexB) {
  const auto& seq = ScramblerSequence();
  EXPECT_EQ(std::vector<std::uint8_t>(seq.begin(), seq.begin() + 12),
            Hex("01 80 00 60 00 28 00 1e 80 08 60 06"));
  // The same sequence from the register of Annex B written as a Fibonacci LFSR, MSB view:
  // bit n of the stream is s(n), with s(n+15) = s(n+1) xor s(n) and s(0..14) = 1,0,...,0.
  std::vector<int> bits(seq.size() * 8);
  for (std::size_t n = 0; n < 15; ++n) bits[n] = n == 0 ? 1 : 0;
  for (std::size_t n = 15; n < bits.size(); ++n) bits[n] = bits[n - 15] ^ bits[n - 14];
  for (std::size_t i = 0; i < seq.size(); ++i) {
    std::uint8_t v = 0;
    for (int b = 0; b < 8; ++b)
      v = static_cast<std::uint8_t>(v | bits[i * 8 + std::size_t(b)] << b);
    ASSERT_EQ(seq[i], v) << i;
  }
  std::vector<std::uint8_t> s(kSectorBytes, 0);
  FrameMode1(0, s.data());
  const std::vector<std::uint8_t> framed = s;
  Scramble(s.data());
  EXPECT_TRUE(std::equal(s.begin(), s.begin() + 12, framed.begin()));  // sync untouched
  EXPECT_NE(s, framed);
  Scramble(s.data());
  EXPECT_EQ(s, framed);
}

}  // namespace
}  // namespace cd

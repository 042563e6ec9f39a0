// CD framing: ECMA-130 (2nd ed.) 14.3–14.5 for sector layouts, Annex A for the
// Reed-Solomon product code (P: 86 columns of 24 bytes, Q: 52 diagonals of 43 bytes over
// GF(2^8) with x^8+x^4+x^3+x^2+1) and 14.3 for the EDC (x^32+x^31+x^16+x^15+x^4+x^3+x+1,
// processed LSB first); ECMA-130 22.3 for the Q sub-channel and its CRC (x^16+x^12+x^5+1,
// stored inverted).
#include "cd_sector.h"

#include <cstring>

#include "base/crc.h"

namespace emulator::cd {
namespace {

struct Tables {
  std::array<std::uint8_t, 256> ecc_f{};
  std::array<std::uint8_t, 256> ecc_b{};
  std::array<std::uint32_t, 256> edc{};
  Tables() {
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t j = (i << 1) ^ ((i & 0x80) ? 0x11D : 0);
      ecc_f[i] = static_cast<std::uint8_t>(j);
      ecc_b[i ^ (j & 0xFF)] = static_cast<std::uint8_t>(i);
      std::uint32_t e = i;
      for (int k = 0; k < 8; ++k) e = (e >> 1) ^ ((e & 1) ? 0xD8018001u : 0);
      edc[i] = e;
    }
  }
};
const Tables& T() {
  static const Tables t;
  return t;
}

std::uint32_t Edc(const std::uint8_t* p, std::size_t n) {
  std::uint32_t e = 0;
  for (std::size_t i = 0; i < n; ++i) e = (e >> 8) ^ T().edc[(e ^ p[i]) & 0xFF];
  return e;
}

// ECMA-130 Annex A: one parity set (P or Q) over the 2064 + (P) bytes from the header on.
void EccCompute(const std::uint8_t* src, std::uint32_t major_count, std::uint32_t minor_count,
                std::uint32_t major_mult, std::uint32_t minor_inc, std::uint8_t* dest) {
  std::uint32_t size = major_count * minor_count;
  for (std::uint32_t major = 0; major < major_count; ++major) {
    std::uint32_t index = (major >> 1) * major_mult + (major & 1);
    std::uint8_t a = 0, b = 0;
    for (std::uint32_t minor = 0; minor < minor_count; ++minor) {
      std::uint8_t t = src[index];
      index += minor_inc;
      if (index >= size) index -= size;
      a ^= t;
      b ^= t;
      a = T().ecc_f[a];
    }
    a = T().ecc_b[T().ecc_f[a] ^ b];
    dest[major] = a;
    dest[major + major_count] = static_cast<std::uint8_t>(a ^ b);
  }
}

void Ecc(std::uint8_t* sector) {
  EccCompute(sector + 0xC, 86, 24, 2, 86, sector + 0x81C);
  EccCompute(sector + 0xC, 52, 43, 86, 88, sector + 0x8C8);
}

void SyncHeader(std::int32_t lba, std::uint8_t mode, std::uint8_t* s) {
  s[0] = 0;
  std::memset(s + 1, 0xFF, 10);
  s[11] = 0;
  Msf msf = LbaToMsf(lba);
  s[12] = ToBcd(msf.m);
  s[13] = ToBcd(msf.s);
  s[14] = ToBcd(msf.f);
  s[15] = mode;
}

void StoreLe32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

Msf LbaToMsf(std::int32_t lba) {
  std::int64_t v = std::int64_t{lba} + 150;
  if (v < 0) v += 450000;  // lead-in addresses count down from 100:00:00
  Msf m;
  m.m = static_cast<std::uint8_t>(v / 4500 % 100);
  m.s = static_cast<std::uint8_t>(v / 75 % 60);
  m.f = static_cast<std::uint8_t>(v % 75);
  return m;
}

std::int32_t MsfToLba(std::uint8_t m, std::uint8_t s, std::uint8_t f) {
  std::int32_t v = (m * 60 + s) * 75 + f;
  if (m >= 90) return v - 450150;
  return v - 150;
}

std::uint8_t ToBcd(std::uint32_t v) {
  return static_cast<std::uint8_t>(((v / 10) % 10) << 4 | (v % 10));
}
std::uint8_t FromBcd(std::uint8_t v) {
  return static_cast<std::uint8_t>((v >> 4) * 10 + (v & 0x0F));
}

void FrameMode1(std::int32_t lba, std::uint8_t* s) {
  SyncHeader(lba, 1, s);
  StoreLe32(s + 0x810, Edc(s, 0x810));
  std::memset(s + 0x814, 0, 8);
  Ecc(s);
}

void FrameMode2Form1(std::int32_t lba, std::uint8_t* s) {
  SyncHeader(lba, 2, s);
  StoreLe32(s + 0x818, Edc(s + 0x10, 0x808));
  std::uint8_t header[4];
  std::memcpy(header, s + 12, 4);
  std::memset(s + 12, 0, 4);  // ECMA-130 14.5.2: the header counts as zero for the ECC
  Ecc(s);
  std::memcpy(s + 12, header, 4);
}

void FrameMode2(std::int32_t lba, std::uint8_t* s) { SyncHeader(lba, 2, s); }

void Scramble(std::uint8_t* sector) {
  // 15-bit shift register x^15 + x + 1, preset to 1, least significant bit first.
  static const std::array<std::uint8_t, 2340> kTable = [] {
    std::array<std::uint8_t, 2340> t{};
    std::uint32_t reg = 1;
    for (auto& byte : t) {
      std::uint8_t v = 0;
      for (int bit = 0; bit < 8; ++bit) {
        v = static_cast<std::uint8_t>(v | ((reg & 1) << bit));
        const std::uint32_t fb = (reg ^ (reg >> 1)) & 1;
        reg = (reg >> 1) | (fb << 14);
      }
      byte = v;
    }
    return t;
  }();
  for (std::size_t i = 0; i < kTable.size(); ++i) sector[12 + i] ^= kTable[i];
}

std::uint16_t QCrc(std::span<const std::uint8_t> first10) { return base::Crc16CdQ(first10); }

std::array<std::uint8_t, 12> PositionQ(std::uint8_t control, std::uint8_t track, std::uint8_t index,
                                       std::int32_t relative, std::int32_t absolute_lba) {
  std::array<std::uint8_t, 12> q{};
  q[0] = static_cast<std::uint8_t>((control << 4) | 1);
  q[1] = ToBcd(track);
  q[2] = ToBcd(index);
  std::int32_t rel = relative < 0 ? -relative : relative;  // counts down in the pre-gap
  q[3] = ToBcd(static_cast<std::uint32_t>(rel / 4500));
  q[4] = ToBcd(static_cast<std::uint32_t>(rel / 75 % 60));
  q[5] = ToBcd(static_cast<std::uint32_t>(rel % 75));
  Msf a = LbaToMsf(absolute_lba);
  q[7] = ToBcd(a.m);
  q[8] = ToBcd(a.s);
  q[9] = ToBcd(a.f);
  std::uint16_t crc = QCrc(std::span<const std::uint8_t>(q.data(), 10));
  q[10] = static_cast<std::uint8_t>(crc >> 8);
  q[11] = static_cast<std::uint8_t>(crc);
  return q;
}

void InterleavePq(bool p, const std::array<std::uint8_t, 12>& q, std::uint8_t* out96) {
  for (int i = 0; i < 96; ++i) {
    std::uint8_t qbit = (q[static_cast<std::size_t>(i / 8)] >> (7 - i % 8)) & 1;
    out96[i] = static_cast<std::uint8_t>((p ? 0x80 : 0) | (qbit << 6));
  }
}

std::array<std::uint8_t, 12> DeinterleaveQ(const std::uint8_t* raw96) {
  std::array<std::uint8_t, 12> q{};
  for (int i = 0; i < 96; ++i) {
    if (raw96[i] & 0x40)
      q[static_cast<std::size_t>(i / 8)] |= static_cast<std::uint8_t>(0x80 >> (i % 8));
  }
  return q;
}

}  // namespace emulator::cd

// CD-ROM sector framing: ECMA-130 2nd edition 14.1-14.5 for the sector layouts, 14.4 for
// the EDC, Annex A for the Reed-Solomon Product-like Code (P: 86 columns of 24 bytes plus
// 2 parity, Q: 52 diagonals of 43 bytes plus 2 parity, over GF(2^8) with
// x^8+x^4+x^3+x^2+1) and Annex B for the scrambler. See sector.h.
#include "cd/sector.h"

#include <cstring>

#include "cd/msf.h"

namespace cd {
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

// ECMA-130 Annex A: one parity set (P or Q) over the 2064 (P) or 2236 (Q) bytes from the
// header on.
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
  std::memcpy(s, kSync.data(), kSync.size());
  Msf msf = LbaToMsf(lba);
  s[12] = ToBcd(msf.minute);
  s[13] = ToBcd(msf.second);
  s[14] = ToBcd(msf.frame);
  s[15] = mode;
}

void StoreLe32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

bool HasSync(const std::uint8_t* sector) {
  return std::memcmp(sector, kSync.data(), kSync.size()) == 0;
}

std::uint32_t Edc(std::span<const std::uint8_t> data) {
  std::uint32_t e = 0;
  for (std::uint8_t byte : data) e = (e >> 8) ^ T().edc[(e ^ byte) & 0xFF];
  return e;
}

void FrameMode1(std::int32_t lba, std::uint8_t* s) {
  SyncHeader(lba, 1, s);
  StoreLe32(s + 0x810, Edc(std::span<const std::uint8_t>(s, 0x810)));
  std::memset(s + 0x814, 0, 8);
  Ecc(s);
}

void FrameMode2Form1(std::int32_t lba, std::uint8_t* s) {
  SyncHeader(lba, 2, s);
  StoreLe32(s + 0x818, Edc(std::span<const std::uint8_t>(s + 0x10, 0x808)));
  std::uint8_t header[4];
  std::memcpy(header, s + 12, 4);
  std::memset(s + 12, 0, 4);  // the header counts as zero for the ECC of Form 1
  Ecc(s);
  std::memcpy(s + 12, header, 4);
}

void FrameMode2Form2(std::int32_t lba, std::uint8_t* s) {
  SyncHeader(lba, 2, s);
  StoreLe32(s + 0x92C, Edc(std::span<const std::uint8_t>(s + 0x10, 0x91C)));
}

void FrameMode2(std::int32_t lba, std::uint8_t* s) { SyncHeader(lba, 2, s); }

const std::array<std::uint8_t, 2340>& ScramblerSequence() {
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
  return kTable;
}

void Scramble(std::uint8_t* sector) {
  const auto& table = ScramblerSequence();
  for (std::size_t i = 0; i < table.size(); ++i) sector[12 + i] ^= table[i];
}

}  // namespace cd

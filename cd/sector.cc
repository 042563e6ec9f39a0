// CD-ROM sector framing: ECMA-130 2nd edition 14.1-14.5 for the sector layouts, 14.4 for
// the EDC, Annex A for the Reed-Solomon Product-like Code (P: 86 columns of 24 bytes plus
// 2 parity, Q: 52 diagonals of 43 bytes plus 2 parity, over GF(2^8) with
// x^8+x^4+x^3+x^2+1) and Annex B for the scrambler. See sector.h.
#include "cd/sector.h"

#include <cstring>

#include "cd/msf.h"

namespace cd {
namespace {

// EDC (14.4), slicing by 8: edc[0] is the byte-wise table of the reflected polynomial,
// edc[k][i] the register after byte i followed by k zero bytes, so that eight bytes are
// folded per step.
struct EdcTables {
  std::array<std::array<std::uint32_t, 256>, 8> t{};
  EdcTables() {
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t e = i;
      for (int k = 0; k < 8; ++k) e = (e >> 1) ^ ((e & 1) ? 0xD8018001u : 0);
      t[0][i] = e;
    }
    for (std::size_t k = 1; k < 8; ++k) {
      for (std::uint32_t i = 0; i < 256; ++i) {
        const std::uint32_t prev = t[k - 1][i];
        t[k][i] = (prev >> 8) ^ t[0][prev & 0xFF];
      }
    }
  }
};

const EdcTables& EdcT() {
  static const EdcTables t;
  return t;
}

// ECMA-130 Annex A over GF(2^8) with x^8+x^4+x^3+x^2+1. ecc_b inverts the final step
// (a' = a * (1 + x)^-1); eight columns at once (below) multiply by x with shifts.
struct EccTables {
  std::array<std::uint8_t, 256> ecc_f{};
  std::array<std::uint8_t, 256> ecc_b{};
  // The byte offsets (from the header) of Q diagonal d's byte k, for the 43 data rows.
  std::array<std::array<std::uint16_t, 52>, 43> q_index{};
  EccTables() {
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t j = (i << 1) ^ ((i & 0x80) ? 0x11D : 0);
      ecc_f[i] = static_cast<std::uint8_t>(j);
      ecc_b[i ^ (j & 0xFF)] = static_cast<std::uint8_t>(i);
    }
    for (std::uint32_t major = 0; major < 52; ++major) {
      std::uint32_t index = (major >> 1) * 86 + (major & 1);
      for (std::uint32_t minor = 0; minor < 43; ++minor) {
        q_index[minor][major] = static_cast<std::uint16_t>(index);
        index += 88;
        if (index >= 2236) index -= 2236;
      }
    }
  }
};

const EccTables& EccT() {
  static const EccTables t;
  return t;
}

// Multiplies each of the eight bytes of `x` by x (the generator) in GF(2^8).
inline std::uint64_t Times2(std::uint64_t x) {
  return ((x & 0x7F7F7F7F7F7F7F7Full) << 1) ^ (((x >> 7) & 0x0101010101010101ull) * 0x1D);
}

// One parity set: `rows` rows of `count` bytes (count <= 88), already gathered, each
// column a codeword; a = sum of c_i * x^(rows-i) (Horner), b = sum of c_i. Writes the two
// parity bytes of column m at dest[m] and dest[m + count] (Annex A).
template <std::size_t kWords>
void EccParity(const std::uint8_t (*rows)[kWords * 8], std::uint32_t row_count, std::uint32_t count,
               std::uint8_t* dest) {
  std::uint64_t a[kWords] = {}, b[kWords] = {};
  for (std::uint32_t r = 0; r < row_count; ++r) {
    for (std::size_t w = 0; w < kWords; ++w) {
      std::uint64_t t;
      std::memcpy(&t, rows[r] + 8 * w, 8);
      a[w] = Times2(a[w] ^ t);
      b[w] ^= t;
    }
  }
  std::uint8_t av[kWords * 8], bv[kWords * 8];
  std::memcpy(av, a, sizeof av);
  std::memcpy(bv, b, sizeof bv);
  const EccTables& e = EccT();
  for (std::uint32_t m = 0; m < count; ++m) {
    const std::uint8_t p = e.ecc_b[static_cast<std::uint8_t>(e.ecc_f[av[m]] ^ bv[m])];
    dest[m] = p;
    dest[m + count] = static_cast<std::uint8_t>(p ^ bv[m]);
  }
}

// The P parity (86 columns of 24 bytes, from the header on) and then the Q parity (52
// diagonals of 43 bytes, which cover the P parity) of a data sector.
void Ecc(std::uint8_t* sector) {
  const std::uint8_t* src = sector + 0xC;
  std::uint8_t p_rows[24][88];
  for (std::uint32_t r = 0; r < 24; ++r) {
    std::memcpy(p_rows[r], src + 86 * r, 86);
    p_rows[r][86] = p_rows[r][87] = 0;
  }
  EccParity<11>(p_rows, 24, 86, sector + 0x81C);
  const EccTables& e = EccT();
  std::uint8_t q_rows[43][56];
  for (std::uint32_t r = 0; r < 43; ++r) {
    for (std::uint32_t m = 0; m < 52; ++m) q_rows[r][m] = src[e.q_index[r][m]];
    q_rows[r][52] = q_rows[r][53] = q_rows[r][54] = q_rows[r][55] = 0;
  }
  EccParity<7>(q_rows, 43, 52, sector + 0x8C8);
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
  const auto& t = EdcT().t;
  std::uint32_t e = 0;
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  for (; n >= 8; n -= 8, p += 8) {
    const std::uint32_t lo = e ^ (std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 |
                                  std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24);
    e = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^
        t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
  }
  for (; n > 0; --n, ++p) e = (e >> 8) ^ t[0][(e ^ *p) & 0xFF];
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

// CD-TEXT packs (MMC-5 r03c Annex J): layout of the packs, the size information, the CRC
// against its bitwise definition, the 256-pack limit, and decoding back.
#include "cd/cdtext.h"

#include <gtest/gtest.h>

#include <string>

namespace cd {
namespace {

std::uint16_t BitwiseCrc(const std::uint8_t* p) {
  std::uint16_t crc = 0;
  for (int i = 0; i < 16; ++i) {
    crc = static_cast<std::uint16_t>(crc ^ (p[i] << 8));
    for (int b = 0; b < 8; ++b)
      crc = static_cast<std::uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
  }
  return static_cast<std::uint16_t>(~crc);
}

CdTextBlock TwoTracks() {
  CdTextBlock b;
  b.album[0] = "Album";
  b.album[1] = "Band";
  b.tracks.resize(2);
  b.tracks[0][0] = "One";
  b.tracks[1][0] = "A longer second title";
  return b;
}

TEST(CdTextTest, PacksOfTitlesAndPerformers) {
  auto packs = EncodeCdText(TwoTracks());
  ASSERT_TRUE(packs);
  // Titles: "Album\0One\0A longer second title\0" is 32 bytes: 3 packs. Performers:
  // "Band\0\0\0" is 7 bytes: 1 pack. Then 3 size information packs.
  ASSERT_EQ(packs->size(), 7u);
  const CdTextPack& t0 = (*packs)[0];
  EXPECT_EQ(t0[0], 0x80);
  EXPECT_EQ(t0[1], 0);  // the album's string starts the pack
  EXPECT_EQ(t0[2], 0);  // sequence number
  EXPECT_EQ(t0[3], 0);  // block 0, character position 0
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&t0[4]), 12),
            std::string("Album\0One\0A ", 12));
  const CdTextPack& t1 = (*packs)[1];
  EXPECT_EQ(t1[1], 2);  // its first byte is the 3rd character of track 2's title
  EXPECT_EQ(t1[2], 1);
  EXPECT_EQ(t1[3], 2);
  const CdTextPack& p0 = (*packs)[3];
  EXPECT_EQ(p0[0], 0x81);
  EXPECT_EQ(p0[2], 3);
  const CdTextPack& s0 = (*packs)[4];
  EXPECT_EQ(s0[0], 0x8F);
  EXPECT_EQ(s0[1], 0);
  EXPECT_EQ(s0[4], 0x00);  // ISO 8859-1
  EXPECT_EQ(s0[5], 1);     // first track
  EXPECT_EQ(s0[6], 2);     // last track
  EXPECT_EQ(s0[8], 3);     // 3 title packs
  EXPECT_EQ(s0[9], 1);     // 1 performer pack
  const CdTextPack& s1 = (*packs)[5];
  EXPECT_EQ(s1[1], 1);
  EXPECT_EQ(s1[4 + 7], 3);  // 3 size information packs (type 8Fh, byte 19 of the 36)
  EXPECT_EQ(s1[4 + 8], 6);  // last sequence number of block 0 (byte 20)
  const CdTextPack& s2 = (*packs)[6];
  EXPECT_EQ(s2[4 + 4], 0x09);  // language of block 0: English (byte 28)
  for (const CdTextPack& p : *packs) {
    EXPECT_EQ((p[16] << 8) | p[17], BitwiseCrc(p.data()));
  }
}

TEST(CdTextTest, DecodesWhatItEncodes) {
  CdTextBlock b = TwoTracks();
  b.album[6] = "DISC-1";
  b.album[7] = "0123456789012";
  b.tracks[1][7] = "USABC2600001";
  auto packs = EncodeCdText(b);
  ASSERT_TRUE(packs);
  DecodedCdText d = DecodeCdText(*packs);
  EXPECT_EQ(d.bad_crc, 0u);
  EXPECT_EQ(d.block.album, b.album);
  ASSERT_EQ(d.block.tracks.size(), 2u);
  EXPECT_EQ(d.block.tracks[0], b.tracks[0]);
  EXPECT_EQ(d.block.tracks[1], b.tracks[1]);
  (*packs)[0][5] ^= 1;
  EXPECT_EQ(DecodeCdText(*packs).bad_crc, 1u);
}

TEST(CdTextTest, RefusesMoreThan256Packs) {
  CdTextBlock b;
  b.tracks.resize(99);
  // 99 titles of 24 characters: 99 * 25 / 12 = 207 packs, plus 3: fits.
  for (auto& t : b.tracks) t[0] = std::string(24, 'x');
  ASSERT_TRUE(EncodeCdText(b));
  // Adding 99 performers of the same length passes 256.
  for (auto& t : b.tracks) t[1] = std::string(24, 'y');
  EXPECT_FALSE(EncodeCdText(b));
}

TEST(CdTextTest, NothingSetIsNoPacks) {
  CdTextBlock b;
  b.tracks.resize(3);
  auto packs = EncodeCdText(b);
  ASSERT_TRUE(packs);
  EXPECT_TRUE(packs->empty());
}

// MS-JIS (character code 80h): "\x93\xfa\x96\x7b" is 日本 in code page 932.
TEST(CdTextTest, MsJisTextIsDoubleByte) {
  CdTextBlock b;
  b.charset = kCharsetMsJis;
  b.album[0] = "\x93\xfa\x96\x7b\x93\xfa\x96\x7b\x93\xfa";  // 5 characters, 10 bytes
  b.album[7] = "0123456789012";
  b.tracks.resize(1);
  b.tracks[0][0] = "\x93\xfa";
  b.tracks[0][7] = "USABC2600001";
  auto packs = EncodeCdText(b);
  ASSERT_TRUE(packs);
  // Titles: 10 + 2 terminating bytes, then 2 + 2: two packs; the second starts with the
  // track's string, at character position 0, the first at the album's.
  const CdTextPack& t0 = (*packs)[0];
  EXPECT_EQ(t0[0], 0x80);
  EXPECT_EQ(t0[3], 0x80);  // DBCC, block 0, position 0
  EXPECT_EQ(t0[4 + 10], 0);
  EXPECT_EQ(t0[4 + 11], 0);
  const CdTextPack& t1 = (*packs)[1];
  EXPECT_EQ(t1[0], 0x80);
  EXPECT_EQ(t1[1], 1);
  EXPECT_EQ(t1[3], 0x80);
  EXPECT_EQ(t1[4], 0x93);
  EXPECT_EQ(t1[6], 0);
  EXPECT_EQ(t1[7], 0);
  // UPC/ISRC stays single-byte: no DBCC flag, one 00h after each code.
  const CdTextPack& u0 = (*packs)[2];
  EXPECT_EQ(u0[0], 0x8E);
  EXPECT_EQ(u0[3], 0x00);
  // "0123456789012\0" goes on in the next pack after 12 characters, one 00h ends it.
  const CdTextPack& u1 = (*packs)[3];
  EXPECT_EQ(u1[3], 12);
  EXPECT_EQ(u1[4], '2');
  EXPECT_EQ(u1[5], 0);
  EXPECT_EQ(u1[6], 'U');
  const CdTextPack& s0 = (*packs)[5];
  EXPECT_EQ(s0[0], 0x8F);
  EXPECT_EQ(s0[4], 0x80);  // character code: MS-JIS
  // A long double-byte string: a pack that continues it counts characters, not bytes.
  b.album[0] = std::string(40, '\x88');
  packs = EncodeCdText(b);
  ASSERT_TRUE(packs);
  EXPECT_EQ((*packs)[1][3], 0x80 | 6);  // 12 bytes before it: 6 characters
  DecodedCdText d = DecodeCdText(*packs);
  EXPECT_EQ(d.block.charset, kCharsetMsJis);
  EXPECT_EQ(d.block.album, b.album);
  ASSERT_EQ(d.block.tracks.size(), 1u);
  EXPECT_EQ(d.block.tracks[0], b.tracks[0]);
}

TEST(CdTextTest, MsJisConversion) {
  // 日本 A: the space and the A become their full-width forms, 81 40 and 82 60.
  EXPECT_EQ(Utf8ToMsJis("\xe6\x97\xa5\xe6\x9c\xac A"), "\x93\xfa\x96\x7b\x81\x40\x82\x60");
  EXPECT_EQ(MsJisToUtf8("\x93\xfa\x96\x7b\x81\x40\x82\x60"), "\xe6\x97\xa5\xe6\x9c\xac A");
  std::size_t bad = 99;
  EXPECT_FALSE(Utf8ToMsJis("ab\xf0\x9f\x98\x80", &bad));  // U+1F600 has no MS-JIS form
  EXPECT_EQ(bad, 2u);
  EXPECT_FALSE(Utf8ToMsJis("a\tb", &bad));
  EXPECT_EQ(bad, 1u);
  EXPECT_FALSE(Utf8ToMsJis("\xe6\x97\xa5\xef\xbd\xb1", &bad));  // half-width katakana A
  EXPECT_EQ(bad, 3u);
  EXPECT_EQ(MsJisToUtf8("\x82\x60\x81"), "A\xef\xbf\xbd");  // a lead byte alone
}

}  // namespace
}  // namespace cd

// CD-TEXT: the 18-byte packs that the lead-in's R-W sub-channel carries (MMC-5 r03c
// Annex J, "CD-TEXT", as the CD-TEXT format of IEC 61866 defines it): pack type,
// track number (with the extension flag), sequence number, block number and character
// position, 12 payload bytes and a CRC-16 (x^16+x^12+x^5+1, stored inverted, the Q
// sub-channel's). One block, character code 00h (ISO 8859-1) or 80h (MS-JIS, double-byte
// text), language English (09h) unless set; the block's size information is the three
// packs of type 8Fh. specs/cd.md "CD-TEXT".
#ifndef MKIMG_CD_CDTEXT_H_
#define MKIMG_CD_CDTEXT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cd {

inline constexpr std::size_t kCdTextPackBytes = 18;
using CdTextPack = std::array<std::uint8_t, kCdTextPackBytes>;

// Pack types (MMC-5 Annex J, Table J.2).
enum class CdTextType : std::uint8_t {
  kTitle = 0x80,
  kPerformer = 0x81,
  kSongwriter = 0x82,
  kComposer = 0x83,
  kArranger = 0x84,
  kMessage = 0x85,
  kDiscId = 0x86,
  kUpcIsrc = 0x8E,
  kSizeInfo = 0x8F,
};

// Character codes of a block (MMC-5 Annex J, the size information's first byte).
inline constexpr std::uint8_t kCharsetLatin1 = 0x00;
inline constexpr std::uint8_t kCharsetMsJis = 0x80;

// The text items of one block, already in the block's character code (the disc id and
// UPC/ISRC items are always single-byte). `album[t]` is the album's text of
// type t; `tracks[i][t]` that of track first_track + i. An item left empty is recorded as
// an empty string when another item of its type is set.
inline constexpr std::size_t kCdTextItems = 8;  // title .. message, disc id, UPC/ISRC
using CdTextItems = std::array<std::string, kCdTextItems>;
struct CdTextBlock {
  std::uint8_t first_track = 1;
  CdTextItems album;
  std::vector<CdTextItems> tracks;
  std::uint8_t language = 0x09;  // English (EBU Tech 3264-E)
  // kCharsetMsJis: the strings of pack types 80h-85h are double-byte text, each ended by
  // two 00h bytes, their packs flagged DBCC with character positions counted in 2 bytes.
  std::uint8_t charset = kCharsetLatin1;
};
// The pack type of item slot i (title, performer, songwriter, composer, arranger, message,
// disc id, UPC/ISRC).
CdTextType CdTextItemType(std::size_t i);

// The packs of the block, sequence numbers from 0, size information last; nullopt when the
// block needs more than the 256 packs its sequence numbers can count. An empty vector when
// no item is set.
std::optional<std::vector<CdTextPack>> EncodeCdText(const CdTextBlock& block);

// The double-byte MS-JIS (Microsoft's Shift-JIS, code page 932, through iconv) of UTF-8
// text as an MS-JIS block records it: every character 2 bytes, so printable ASCII is
// recorded as its full-width form (U+FF01-U+FF5E, the space as U+3000). nullopt when a
// character has no double-byte form (half-width katakana, most of Latin-1, emoji) or is
// a control character; `*bad` is then its byte offset in `utf8`.
std::optional<std::string> Utf8ToMsJis(std::string_view utf8, std::size_t* bad = nullptr);
// UTF-8 of ISO 8859-1 text (the character code 00h of a block).
std::string Latin1ToUtf8(std::string_view latin1);
// UTF-8 of MS-JIS text, the full-width forms of ASCII given back as ASCII; a byte sequence
// that is not MS-JIS becomes U+FFFD.
std::string MsJisToUtf8(std::string_view ms_jis);

// The CRC of bytes 0-15 of a pack as bytes 16-17 record it.
std::uint16_t CdTextCrc(std::span<const std::uint8_t> first16);

// Decodes packs back into items (album and tracks): the inverse of EncodeCdText for one
// block, for tests and for `mkimg info`. Packs with a bad CRC are counted in `bad_crc`
// and skipped.
struct DecodedCdText {
  CdTextBlock block;
  std::size_t bad_crc = 0;
};
DecodedCdText DecodeCdText(std::span<const CdTextPack> packs);

}  // namespace cd

#endif  // MKIMG_CD_CDTEXT_H_

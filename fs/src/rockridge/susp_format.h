// The fixed layouts of the SUSP and RRIP entries the SUSP reader takes fields from (SUSP =
// IEEE P1281 draft 1.12, RRIP = IEEE P1282 draft 1.12), in the shape of
// codec/fixed_codec.h: byte-array structs with Parse/ParseZeroExtended/EncodeTo/==, each
// field with its byte position (BP, 1-based as in the drafts). Sizes and flag bits the
// writer uses are in rrip_format.h; the static_asserts tie the two together.
#ifndef MKIMG_FS_ROCKRIDGE_SUSP_FORMAT_H_
#define MKIMG_FS_ROCKRIDGE_SUSP_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "codec/fixed_codec.h"
#include "rockridge/rrip_format.h"

namespace fs::rockridge {

// SUSP 4.1: the header of every entry.
struct EntryHeader : codec::Fixed<EntryHeader> {
  static constexpr std::string_view kName = "SUSP entry header";
  base::Bytes<2> signature;  // BP 1-2
  std::uint8_t length;       // BP 3, the whole entry's
  std::uint8_t version;      // BP 4
};
static_assert(sizeof(EntryHeader) == 4);

// SUSP 5.1 "CE": continuation area.
struct CeEntry : codec::Fixed<CeEntry> {
  static constexpr std::string_view kName = "SUSP CE entry";
  EntryHeader header;   // BP 1-4
  base::Both32 block;   // BP 5-12
  base::Both32 offset;  // BP 13-20
  base::Both32 length;  // BP 21-28
};
static_assert(sizeof(CeEntry) == kCeLength);
static_assert(offsetof(CeEntry, offset) == 12);  // SUSP 5.1, BP 13
static_assert(offsetof(CeEntry, length) == 20);  // SUSP 5.1, BP 21

// SUSP 5.3 "SP": SUSP indicator.
struct SpEntry : codec::Fixed<SpEntry> {
  static constexpr std::string_view kName = "SUSP SP entry";
  EntryHeader header;           // BP 1-4
  std::uint8_t check_bytes[2];  // BP 5-6: 0xBE 0xEF
  std::uint8_t len_skp;         // BP 7
};
static_assert(sizeof(SpEntry) == kSpLength);
static_assert(offsetof(SpEntry, len_skp) == 6);  // SUSP 5.3, BP 7

// SUSP 5.5 "ER": extensions reference, its fixed part; identifier, descriptor and source
// follow.
struct ErEntry : codec::Fixed<ErEntry> {
  static constexpr std::string_view kName = "SUSP ER entry";
  EntryHeader header;    // BP 1-4
  std::uint8_t len_id;   // BP 5
  std::uint8_t len_des;  // BP 6
  std::uint8_t len_src;  // BP 7
  std::uint8_t ext_ver;  // BP 8
};
static_assert(sizeof(ErEntry) == kErHeaderLength);

// RRIP 4.1.1 "PX": POSIX file attributes; RRIP 1.12 adds the serial number (BP 37-44).
struct PxEntry : codec::Fixed<PxEntry> {
  static constexpr std::string_view kName = "RRIP PX entry";
  EntryHeader header;          // BP 1-4
  base::Both32 mode;           // BP 5-12
  base::Both32 links;          // BP 13-20
  base::Both32 uid;            // BP 21-28
  base::Both32 gid;            // BP 29-36
  base::Both32 serial_number;  // BP 37-44 (RRIP 1.12 only)
};
static_assert(sizeof(PxEntry) == kPxLength);
static_assert(offsetof(PxEntry, links) == 12);          // RRIP 4.1.1, BP 13
static_assert(offsetof(PxEntry, gid) == 28);            // RRIP 4.1.1, BP 29
static_assert(offsetof(PxEntry, serial_number) == 36);  // RRIP 4.1.1, BP 37
// RRIP 1.10 PX: without the serial number.
inline constexpr std::size_t kPx110Length = offsetof(PxEntry, serial_number);

// RRIP 4.1.5.1 "CL" and 4.1.5.2 "PL": a directory's location.
struct LocationEntry : codec::Fixed<LocationEntry> {
  static constexpr std::string_view kName = "RRIP CL/PL entry";
  EntryHeader header;     // BP 1-4
  base::Both32 location;  // BP 5-12
};
static_assert(sizeof(LocationEntry) == kClLength && sizeof(LocationEntry) == kPlLength);

}  // namespace fs::rockridge

#endif  // MKIMG_FS_ROCKRIDGE_SUSP_FORMAT_H_

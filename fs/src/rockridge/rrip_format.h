// Constants of the System Use Sharing Protocol (SUSP, IEEE P1281 draft 1.12, 1994) and the
// Rock Ridge Interchange Protocol (RRIP, IEEE P1282 draft 1.12, 1994) that the writer uses:
// entry signatures and lengths, flag bits and the ER identification of RRIP. Every SUSP
// entry starts with a 4-byte header (SUSP 4.1): signature (BP 1-2), length (BP 3), entry
// version (BP 4).
#ifndef MKIMG_FS_ROCKRIDGE_RRIP_FORMAT_H_
#define MKIMG_FS_ROCKRIDGE_RRIP_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fs::rockridge {

inline constexpr std::uint8_t kEntryVersion = 1;
inline constexpr std::size_t kMaxEntryLength = 255;  // SUSP 4.1: one length byte

// SUSP 5.1 "CE": continuation area; block, offset and length, each both-byte order.
inline constexpr std::size_t kCeLength = 28;
// SUSP 5.3 "SP": BP 5-6 check bytes 0xBE 0xEF, BP 7 bytes skipped (LEN_SKP).
inline constexpr std::size_t kSpLength = 7;
inline constexpr std::uint8_t kSpCheck1 = 0xBE;
inline constexpr std::uint8_t kSpCheck2 = 0xEF;
// SUSP 5.5 "ER": BP 5 LEN_ID, BP 6 LEN_DES, BP 7 LEN_SRC, BP 8 EXT_VER, then the texts.
inline constexpr std::size_t kErHeaderLength = 8;
// RRIP 4.1.1 "PX": mode, links, uid, gid, serial number; each both-byte order (RRIP 1.12
// form, 44 bytes; RRIP 1.10 had 36 bytes without the serial number).
inline constexpr std::size_t kPxLength = 44;
// RRIP 4.1.2 "PN": the device number's high and low 32 bits, each both-byte order.
inline constexpr std::size_t kPnLength = 20;
// RRIP 4.1.5.1 "CL" / 4.1.5.2 "PL": a both-byte order LBA. 4.1.5.3 "RE": no data.
inline constexpr std::size_t kClLength = 12;
inline constexpr std::size_t kPlLength = 12;
inline constexpr std::size_t kReLength = 4;
// RRIP 4.1.4 "NM" and 4.1.3 "SL": a flags byte follows the header.
inline constexpr std::size_t kNmHeaderLength = 5;
inline constexpr std::size_t kSlHeaderLength = 5;
// The most name or link bytes one NM or SL entry carries.
inline constexpr std::size_t kMaxNmPayload = kMaxEntryLength - kNmHeaderLength;  // 250
inline constexpr std::size_t kMaxSlPayload = kMaxEntryLength - kSlHeaderLength;  // 250

// RRIP 4.1.4, NM flags (BP 5).
enum NmFlags : std::uint8_t { kNmContinue = 0x01, kNmCurrent = 0x02, kNmParent = 0x04 };
// RRIP 4.1.3, SL flags (BP 5): the link continues in the next SL entry.
enum SlFlags : std::uint8_t { kSlContinue = 0x01 };
// RRIP 4.1.3.1, component record flags.
enum SlComponentFlags : std::uint8_t {
  kComponentContinue = 0x01,
  kComponentCurrent = 0x02,
  kComponentParent = 0x04,
  kComponentRoot = 0x08,
};
// RRIP 4.1.6, TF flags (BP 5): which time stamps follow, and their form.
enum TfFlags : std::uint8_t {
  kTfCreation = 0x01,
  kTfModify = 0x02,
  kTfAccess = 0x04,
  kTfAttributes = 0x08,
  kTfLongForm = 0x80,  // 17-byte ECMA-119 8.4.26.1 form instead of 7-byte 9.1.5 form
};
inline constexpr std::size_t kTfLength = 5 + 3 * 7;  // modify, access, attributes; short

// RRIP 4.1.1: POSIX file type bits of PX file mode (the values of <sys/stat.h>).
inline constexpr std::uint32_t kModeDirectory = 0040000;
inline constexpr std::uint32_t kModeRegular = 0100000;
inline constexpr std::uint32_t kModeSymlink = 0120000;
inline constexpr std::uint32_t kModeCharDevice = 0020000;
inline constexpr std::uint32_t kModeBlockDevice = 0060000;
inline constexpr std::uint32_t kModeFifo = 0010000;
inline constexpr std::uint32_t kModeSocket = 0140000;
inline constexpr std::uint32_t kModeTypeMask = 0170000;

// RRIP 4.1.2 PN's high and low words for a device (specs/rrip.md, "PN"): while the numbers
// fit (major < 4096, minor < 2^20) the C library's dev_t, whose high word is then 0, as
// libisofs and mkisofs record it and the Linux kernel reads it; beyond, major and minor
// themselves, which the kernel reads so when the high word is not 0. DecodeDeviceNumber
// is the inverse and reads both forms.
struct DeviceNumberWords {
  std::uint32_t high = 0, low = 0;
};
constexpr DeviceNumberWords EncodeDeviceNumber(std::uint32_t major, std::uint32_t minor) {
  if (major < 0x1000 && minor < 0x100000) {
    // dev_t: minor bits 0-7, major bits 8-19, minor bits 8-19 at bits 20-31.
    return {0, (minor & 0xFF) | (major << 8) | ((minor & 0xFFF00) << 12)};
  }
  return {major, minor};
}
constexpr void DecodeDeviceNumber(DeviceNumberWords words, std::uint32_t* major,
                                  std::uint32_t* minor) {
  if (words.high != 0) {
    *major = words.high;
    *minor = words.low;
    return;
  }
  *major = (words.low >> 8) & 0xFFF;
  *minor = (words.low & 0xFF) | ((words.low >> 12) & 0xFFF00);
}

// RRIP 1.12 5: the ER identification that mkisofs and libisofs record (the RRIP 1.10
// identifier "RRIP_1991A", which the Linux kernel, isoinfo, pycdlib, 7-Zip and libisofs all
// recognise; "IEEE_P1282" is not read by every one of them).
inline constexpr std::string_view kErIdentifier = "RRIP_1991A";
inline constexpr std::string_view kErDescriptor =
    "THE ROCK RIDGE INTERCHANGE PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS";
inline constexpr std::string_view kErSource =
    "PLEASE CONTACT DISC PUBLISHER FOR SPECIFICATION SOURCE.  SEE PUBLISHER IDENTIFIER IN "
    "PRIMARY VOLUME DESCRIPTOR FOR CONTACT INFORMATION.";
inline constexpr std::uint8_t kErExtensionVersion = 1;

}  // namespace fs::rockridge

#endif  // MKIMG_FS_ROCKRIDGE_RRIP_FORMAT_H_

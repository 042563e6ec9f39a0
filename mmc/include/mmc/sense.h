// SCSI sense data (SPC-4 4.5): the fixed format (response codes 70h current, 71h deferred;
// SPC-4 4.5.3) and the descriptor format (72h, 73h; SPC-4 4.5.2) with the information
// (00h), sense-key-specific (02h) and progress-indication (0Ah) descriptors. Parse reads
// untrusted bytes, tolerating the truncation an initiator's short sense buffer causes;
// EncodeFixed/EncodeDescriptor produce what a drive returns. Names for the sense keys and
// for the ASC/ASCQ pairs optical drives report follow SPC-4 Annex D.2 and MMC-5 Annex F.
#ifndef MKIMG_MMC_SENSE_H_
#define MKIMG_MMC_SENSE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace mmc {

// SPC-4 4.5.6.
enum class SenseKey : std::uint8_t {
  kNoSense = 0x0,
  kRecoveredError = 0x1,
  kNotReady = 0x2,
  kMediumError = 0x3,
  kHardwareError = 0x4,
  kIllegalRequest = 0x5,
  kUnitAttention = 0x6,
  kDataProtect = 0x7,
  kBlankCheck = 0x8,
  kVendorSpecific = 0x9,
  kCopyAborted = 0xA,
  kAbortedCommand = 0xB,
  kReserved = 0xC,
  kVolumeOverflow = 0xD,
  kMiscompare = 0xE,
  kCompleted = 0xF,
};

struct SenseData {
  // Fixed format is 18 bytes (SPC-4 4.5.3, additional sense length 10).
  static constexpr std::size_t kFixedLength = 18;

  bool deferred = false;  // response code 71h/73h instead of 70h/72h
  SenseKey key = SenseKey::kNoSense;
  std::uint8_t asc = 0;   // ADDITIONAL SENSE CODE
  std::uint8_t ascq = 0;  // ADDITIONAL SENSE CODE QUALIFIER
  // INFORMATION (fixed: bytes 3-6 with VALID; descriptor: descriptor 00h).
  std::optional<std::uint64_t> information;
  // COMMAND-SPECIFIC INFORMATION (fixed bytes 8-11).
  std::uint32_t command_specific = 0;
  std::uint8_t field_replaceable_unit = 0;  // fixed byte 14
  bool filemark = false;                    // fixed byte 2 bit 7
  bool end_of_medium = false;               // fixed byte 2 bit 6
  bool incorrect_length = false;            // fixed byte 2 bit 5 (ILI)
  // SENSE KEY SPECIFIC (SPC-4 4.5.4): the 23 bits after SKSV, present when SKSV is set.
  // For NOT READY and NO SENSE it is the progress indication (SPC-4 4.5.4.4); for ILLEGAL
  // REQUEST the field pointer (4.5.4.2).
  std::optional<std::uint32_t> sense_key_specific;

  // Builds current sense with the given triple.
  static SenseData Make(SenseKey key, std::uint8_t asc, std::uint8_t ascq);

  // Parses fixed or descriptor sense. Fields that the buffer or the additional sense length
  // cut off read as absent/zero. Errors (kDevice): fewer than 8 bytes (2 for descriptor
  // headers), an unknown response code.
  static base::Expected<SenseData> Parse(std::span<const std::uint8_t> data);

  // Fixed-format sense (response code 70h/71h), 18 bytes. INFORMATION above 2^32 cannot be
  // represented there and is left out (VALID = 0).
  std::vector<std::uint8_t> EncodeFixed() const;
  // Descriptor-format sense (72h/73h) with an information descriptor when `information`
  // is set and a sense-key-specific descriptor when `sense_key_specific` is set.
  std::vector<std::uint8_t> EncodeDescriptor() const;

  // The progress indication (0..65535 of 65536) when the sense key is NOT READY or NO
  // SENSE and SKSV is set; otherwise nullopt.
  std::optional<std::uint16_t> progress() const;
  void set_progress(std::uint16_t fraction);

  // "05/24/00 invalid field in CDB": the triple in hex, then the ASC/ASCQ name (or the
  // sense key name when the pair is unknown).
  std::string ToString() const;

  bool Is(SenseKey k, std::uint8_t c, std::uint8_t q) const {
    return key == k && asc == c && ascq == q;
  }
  friend bool operator==(const SenseData&, const SenseData&) = default;
};

// "ILLEGAL REQUEST" and so on (SPC-4 4.5.6).
std::string_view SenseKeyName(SenseKey key);

// The lower-case description of an ASC/ASCQ pair ("medium not present"), with the
// ranges of SPC-4 Annex D.2 (e.g. 40/NN) folded in; "" when unknown.
std::string_view AdditionalSenseName(std::uint8_t asc, std::uint8_t ascq);

}  // namespace mmc

#endif  // MKIMG_MMC_SENSE_H_

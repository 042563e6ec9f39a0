// Sense data codecs (SPC-4 4.5.2 descriptor format, 4.5.3 fixed format, 4.5.4 sense key
// specific data) and the ASC/ASCQ name table (SPC-4 Annex D.2, MMC-5 Annex F).
#include "mmc/sense.h"

#include <algorithm>
#include <cstdio>

#include "base/bytes.h"
#include "parse_util.h"

namespace mmc {
namespace {

using internal::Malformed;

constexpr std::uint8_t kFixedCurrent = 0x70;
constexpr std::uint8_t kFixedDeferred = 0x71;
constexpr std::uint8_t kDescriptorCurrent = 0x72;
constexpr std::uint8_t kDescriptorDeferred = 0x73;

// SPC-4 4.5.2.2: information sense data descriptor.
constexpr std::uint8_t kInformationDescriptor = 0x00;
// SPC-4 4.5.2.4: sense key specific sense data descriptor.
constexpr std::uint8_t kSenseKeySpecificDescriptor = 0x02;
// SPC-4 4.5.2.6: progress indication sense data descriptor.
constexpr std::uint8_t kProgressDescriptor = 0x0A;

constexpr std::uint32_t kSksv = 0x800000;

struct AscEntry {
  std::uint8_t asc;
  std::uint8_t ascq;
  std::string_view name;
};

// SPC-4 Annex D.2 / MMC-5 Annex F: the pairs optical drives report.
constexpr AscEntry kAscNames[] = {
    {0x00, 0x00, "no additional sense information"},
    {0x00, 0x11, "audio play operation in progress"},
    {0x00, 0x16, "operation in progress"},
    {0x00, 0x17, "cleaning requested"},
    {0x02, 0x00, "no seek complete"},
    {0x03, 0x00, "peripheral device write fault"},
    {0x04, 0x00, "logical unit not ready, cause not reportable"},
    {0x04, 0x01, "logical unit is in process of becoming ready"},
    {0x04, 0x02, "logical unit not ready, initializing command required"},
    {0x04, 0x03, "logical unit not ready, manual intervention required"},
    {0x04, 0x04, "logical unit not ready, format in progress"},
    {0x04, 0x07, "logical unit not ready, operation in progress"},
    {0x04, 0x08, "logical unit not ready, long write in progress"},
    {0x04, 0x09, "logical unit not ready, self-test in progress"},
    {0x05, 0x00, "logical unit does not respond to selection"},
    {0x06, 0x00, "no reference position found"},
    {0x08, 0x00, "logical unit communication failure"},
    {0x08, 0x01, "logical unit communication time-out"},
    {0x09, 0x00, "track following error"},
    {0x09, 0x01, "tracking servo failure"},
    {0x09, 0x02, "focus servo failure"},
    {0x09, 0x03, "spindle servo failure"},
    {0x0C, 0x00, "write error"},
    {0x0C, 0x07, "write error, recovery needed"},
    {0x0C, 0x09, "write error, loss of streaming"},
    {0x0C, 0x0A, "write error, padding blocks added"},
    {0x11, 0x00, "unrecovered read error"},
    {0x11, 0x05, "L-EC uncorrectable error"},
    {0x11, 0x06, "CIRC unrecovered error"},
    {0x15, 0x00, "random positioning error"},
    {0x17, 0x00, "recovered data with no error correction applied"},
    {0x18, 0x00, "recovered data with error correction applied"},
    {0x1A, 0x00, "parameter list length error"},
    {0x20, 0x00, "invalid command operation code"},
    {0x21, 0x00, "logical block address out of range"},
    {0x21, 0x01, "invalid element address"},
    {0x21, 0x02, "invalid address for write"},
    {0x21, 0x03, "invalid write crossing layer jump"},
    {0x24, 0x00, "invalid field in CDB"},
    {0x25, 0x00, "logical unit not supported"},
    {0x26, 0x00, "invalid field in parameter list"},
    {0x26, 0x01, "parameter not supported"},
    {0x26, 0x02, "parameter value invalid"},
    {0x27, 0x00, "write protected"},
    {0x27, 0x01, "hardware write protected"},
    {0x27, 0x02, "logical unit software write protected"},
    {0x28, 0x00, "not ready to ready change, medium may have changed"},
    {0x28, 0x01, "import or export element accessed"},
    {0x28, 0x02, "format-layer may have changed"},
    {0x29, 0x00, "power on, reset, or bus device reset occurred"},
    {0x29, 0x01, "power on occurred"},
    {0x29, 0x02, "SCSI bus reset occurred"},
    {0x29, 0x03, "bus device reset function occurred"},
    {0x2A, 0x01, "mode parameters changed"},
    {0x2C, 0x00, "command sequence error"},
    {0x2C, 0x03, "current program area is not empty"},
    {0x2C, 0x04, "current program area is empty"},
    {0x2E, 0x00, "insufficient time for operation"},
    {0x30, 0x00, "incompatible medium installed"},
    {0x30, 0x01, "cannot read medium, unknown format"},
    {0x30, 0x02, "cannot read medium, incompatible format"},
    {0x30, 0x03, "cleaning cartridge installed"},
    {0x30, 0x04, "cannot write medium, unknown format"},
    {0x30, 0x05, "cannot write medium, incompatible format"},
    {0x30, 0x06, "cannot format medium, incompatible medium"},
    {0x30, 0x07, "cleaning failure"},
    {0x30, 0x08, "cannot write, application code mismatch"},
    {0x30, 0x09, "current session not fixated for append"},
    {0x30, 0x10, "medium not formatted"},
    {0x31, 0x00, "medium format corrupted"},
    {0x31, 0x01, "format command failed"},
    {0x31, 0x02, "zoned formatting failed due to spare linking"},
    {0x34, 0x00, "enclosure failure"},
    {0x35, 0x00, "enclosure services failure"},
    {0x37, 0x00, "rounded parameter"},
    {0x39, 0x00, "saving parameters not supported"},
    {0x3A, 0x00, "medium not present"},
    {0x3A, 0x01, "medium not present, tray closed"},
    {0x3A, 0x02, "medium not present, tray open"},
    {0x3B, 0x0D, "medium destination element full"},
    {0x3B, 0x0E, "medium source element empty"},
    {0x3B, 0x11, "medium magazine not accessible"},
    {0x3E, 0x00, "logical unit has not self-configured yet"},
    {0x3E, 0x01, "logical unit failure"},
    {0x3E, 0x02, "timeout on logical unit"},
    {0x3F, 0x00, "target operating conditions have changed"},
    {0x3F, 0x01, "microcode has been changed"},
    {0x3F, 0x03, "inquiry data has changed"},
    {0x43, 0x00, "message error"},
    {0x44, 0x00, "internal target failure"},
    {0x45, 0x00, "select or reselect failure"},
    {0x47, 0x00, "SCSI parity error"},
    {0x48, 0x00, "initiator detected error message received"},
    {0x49, 0x00, "invalid message error"},
    {0x4A, 0x00, "command phase error"},
    {0x4B, 0x00, "data phase error"},
    {0x4E, 0x00, "overlapped commands attempted"},
    {0x51, 0x00, "erase failure"},
    {0x51, 0x01, "erase failure, incomplete erase operation detected"},
    {0x53, 0x00, "media load or eject failed"},
    {0x53, 0x02, "medium removal prevented"},
    {0x55, 0x00, "system resource failure"},
    {0x57, 0x00, "unable to recover table-of-contents"},
    {0x5A, 0x00, "operator request or state change input"},
    {0x5A, 0x01, "operator medium removal request"},
    {0x5A, 0x02, "operator selected write protect"},
    {0x5A, 0x03, "operator selected write permit"},
    {0x5B, 0x00, "log exception"},
    {0x5D, 0x00, "failure prediction threshold exceeded"},
    {0x5E, 0x00, "low power condition on"},
    {0x5E, 0x01, "idle condition activated by timer"},
    {0x5E, 0x02, "standby condition activated by timer"},
    {0x63, 0x00, "end of user area encountered on this track"},
    {0x63, 0x01, "packet does not fit in available space"},
    {0x64, 0x00, "illegal mode for this track"},
    {0x64, 0x01, "invalid packet size"},
    {0x65, 0x00, "voltage fault"},
    {0x6F, 0x00, "copy protection key exchange failure, authentication failure"},
    {0x6F, 0x01, "copy protection key exchange failure, key not present"},
    {0x6F, 0x02, "copy protection key exchange failure, key not established"},
    {0x6F, 0x03, "read of scrambled sector without authentication"},
    {0x6F, 0x04, "media region code is mismatched to logical unit region"},
    {0x6F, 0x05, "drive region must be permanent, region reset count error"},
    {0x72, 0x00, "session fixation error"},
    {0x72, 0x01, "session fixation error writing lead-in"},
    {0x72, 0x02, "session fixation error writing lead-out"},
    {0x72, 0x03, "session fixation error, incomplete track in session"},
    {0x72, 0x04, "empty or partially written reserved track"},
    {0x72, 0x05, "no more track reservations allowed"},
    {0x72, 0x06, "RMZ extension is not allowed"},
    {0x72, 0x07, "no more test zone extensions are allowed"},
    {0x73, 0x00, "CD control error"},
    {0x73, 0x01, "power calibration area almost full"},
    {0x73, 0x02, "power calibration area is full"},
    {0x73, 0x03, "power calibration area error"},
    {0x73, 0x04, "program memory area update failure"},
    {0x73, 0x05, "program memory area is full"},
    {0x73, 0x06, "RMA/PMA is almost full"},
    {0x73, 0x10, "current power calibration area almost full"},
    {0x73, 0x11, "current power calibration area is full"},
    {0x73, 0x17, "RDZ is full"},
};

// Reads the sense-key-specific bytes (3 bytes, SKSV in the first byte's bit 7).
std::optional<std::uint32_t> SenseKeySpecific(std::span<const std::uint8_t> three) {
  std::uint32_t v = (static_cast<std::uint32_t>(three[0]) << 16) |
                    (static_cast<std::uint32_t>(three[1]) << 8) | three[2];
  if ((v & kSksv) == 0) return std::nullopt;
  return v & (kSksv - 1);
}

base::Expected<SenseData> ParseFixed(std::span<const std::uint8_t> data) {
  // SPC-4 4.5.3: byte 7 ADDITIONAL SENSE LENGTH; the record is 8 + that many bytes, cut
  // to what the initiator's buffer held (wodim and cdrdao use 16-byte buffers).
  if (data.size() < 8) {
    return Malformed("fixed sense data",
                     "only " + std::to_string(data.size()) + " bytes, need at least 8");
  }
  std::size_t n = std::min<std::size_t>(data.size(), 8u + data[7]);
  std::vector<std::uint8_t> rec(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
  rec.resize(SenseData::kFixedLength, 0);
  SenseData s;
  s.deferred = (data[0] & 0x7F) == kFixedDeferred;
  s.filemark = internal::Bit(rec[2], 7);
  s.end_of_medium = internal::Bit(rec[2], 6);
  s.incorrect_length = internal::Bit(rec[2], 5);
  s.key = static_cast<SenseKey>(rec[2] & 0x0F);
  if (internal::Bit(rec[0], 7)) s.information = base::LoadBe32(&rec[3]);
  s.command_specific = base::LoadBe32(&rec[8]);
  s.asc = rec[12];
  s.ascq = rec[13];
  s.field_replaceable_unit = rec[14];
  s.sense_key_specific = SenseKeySpecific(std::span<const std::uint8_t>(rec).subspan(15, 3));
  return s;
}

base::Expected<SenseData> ParseDescriptor(std::span<const std::uint8_t> data) {
  // SPC-4 4.5.2.1: bytes 1-3 key/ASC/ASCQ, byte 7 ADDITIONAL SENSE LENGTH, then sense data
  // descriptors of 2 + ADDITIONAL LENGTH bytes each.
  if (data.size() < 8) {
    return Malformed("descriptor sense data",
                     "only " + std::to_string(data.size()) + " bytes, need at least 8");
  }
  SenseData s;
  s.deferred = (data[0] & 0x7F) == kDescriptorDeferred;
  s.key = static_cast<SenseKey>(data[1] & 0x0F);
  s.asc = data[2];
  s.ascq = data[3];
  std::size_t end = std::min<std::size_t>(data.size(), 8u + data[7]);
  std::optional<std::uint32_t> progress_descriptor;
  std::size_t pos = 8;
  while (pos + 2 <= end) {
    std::uint8_t type = data[pos];
    std::size_t len = 2u + data[pos + 1];
    if (pos + len > end) break;  // cut off by the initiator's buffer
    std::span<const std::uint8_t> d = data.subspan(pos, len);
    if (type == kInformationDescriptor && len >= 12) {
      // SPC-4 4.5.2.2: byte 2 bit 7 VALID, bytes 4-11 INFORMATION.
      if (internal::Bit(d[2], 7)) s.information = base::LoadBe64(&d[4]);
    } else if (type == kSenseKeySpecificDescriptor && len >= 8) {
      // SPC-4 4.5.2.4: bytes 4-6 SKSV and SENSE KEY SPECIFIC.
      s.sense_key_specific = SenseKeySpecific(d.subspan(4, 3));
    } else if (type == kProgressDescriptor && len >= 8) {
      // SPC-4 4.5.2.6: bytes 6-7 PROGRESS INDICATION of another operation.
      progress_descriptor = base::LoadBe16(&d[6]);
    }
    pos += len;
  }
  if (!s.sense_key_specific && progress_descriptor &&
      (s.key == SenseKey::kNotReady || s.key == SenseKey::kNoSense)) {
    s.sense_key_specific = *progress_descriptor;
  }
  return s;
}

}  // namespace

SenseData SenseData::Make(SenseKey key, std::uint8_t asc, std::uint8_t ascq) {
  SenseData s;
  s.key = key;
  s.asc = asc;
  s.ascq = ascq;
  return s;
}

base::Expected<SenseData> SenseData::Parse(std::span<const std::uint8_t> data) {
  if (data.empty()) return Malformed("sense data", "empty");
  switch (data[0] & 0x7F) {
    case kFixedCurrent:
    case kFixedDeferred:
      return ParseFixed(data);
    case kDescriptorCurrent:
    case kDescriptorDeferred:
      return ParseDescriptor(data);
    default: {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "unknown response code %02Xh at byte 0", data[0] & 0x7F);
      return Malformed("sense data", buf);
    }
  }
}

std::vector<std::uint8_t> SenseData::EncodeFixed() const {
  std::vector<std::uint8_t> out(kFixedLength, 0);
  bool valid = information.has_value() && *information <= 0xFFFFFFFFu;
  out[0] = static_cast<std::uint8_t>(internal::Flag(valid, 7) |
                                     (deferred ? kFixedDeferred : kFixedCurrent));
  out[2] = static_cast<std::uint8_t>(
      internal::Flag(filemark, 7) | internal::Flag(end_of_medium, 6) |
      internal::Flag(incorrect_length, 5) | static_cast<std::uint8_t>(key));
  if (valid) base::StoreBe32(&out[3], static_cast<std::uint32_t>(*information));
  out[7] = static_cast<std::uint8_t>(kFixedLength - 8);
  base::StoreBe32(&out[8], command_specific);
  out[12] = asc;
  out[13] = ascq;
  out[14] = field_replaceable_unit;
  if (sense_key_specific) {
    std::uint32_t v = kSksv | (*sense_key_specific & (kSksv - 1));
    out[15] = static_cast<std::uint8_t>(v >> 16);
    out[16] = static_cast<std::uint8_t>(v >> 8);
    out[17] = static_cast<std::uint8_t>(v);
  }
  return out;
}

std::vector<std::uint8_t> SenseData::EncodeDescriptor() const {
  std::vector<std::uint8_t> out;
  base::ByteWriter w(&out);
  w.U8(deferred ? kDescriptorDeferred : kDescriptorCurrent);
  w.U8(static_cast<std::uint8_t>(key));
  w.U8(asc);
  w.U8(ascq);
  w.Fill(0, 3);
  w.U8(0);  // ADDITIONAL SENSE LENGTH, patched below
  if (information) {
    w.U8(kInformationDescriptor);
    w.U8(0x0A);
    w.U8(0x80);  // VALID
    w.U8(0);
    w.Be64(*information);
  }
  if (sense_key_specific) {
    std::uint32_t v = kSksv | (*sense_key_specific & (kSksv - 1));
    w.U8(kSenseKeySpecificDescriptor);
    w.U8(0x06);
    w.U8(0);
    w.U8(0);
    internal::WriteBe24(w, v);
    w.U8(0);
  }
  out[7] = static_cast<std::uint8_t>(out.size() - 8);
  return out;
}

std::optional<std::uint16_t> SenseData::progress() const {
  if (!sense_key_specific) return std::nullopt;
  if (key != SenseKey::kNotReady && key != SenseKey::kNoSense) return std::nullopt;
  return static_cast<std::uint16_t>(*sense_key_specific & 0xFFFF);
}

void SenseData::set_progress(std::uint16_t fraction) { sense_key_specific = fraction; }

std::string SenseData::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%02X/%02X/%02X", static_cast<unsigned>(key), asc, ascq);
  std::string out = buf;
  std::string_view name = AdditionalSenseName(asc, ascq);
  if (name.empty()) name = SenseKeyName(key);
  out += ' ';
  out += name;
  return out;
}

std::string_view SenseKeyName(SenseKey key) {
  switch (key) {
    case SenseKey::kNoSense:
      return "NO SENSE";
    case SenseKey::kRecoveredError:
      return "RECOVERED ERROR";
    case SenseKey::kNotReady:
      return "NOT READY";
    case SenseKey::kMediumError:
      return "MEDIUM ERROR";
    case SenseKey::kHardwareError:
      return "HARDWARE ERROR";
    case SenseKey::kIllegalRequest:
      return "ILLEGAL REQUEST";
    case SenseKey::kUnitAttention:
      return "UNIT ATTENTION";
    case SenseKey::kDataProtect:
      return "DATA PROTECT";
    case SenseKey::kBlankCheck:
      return "BLANK CHECK";
    case SenseKey::kVendorSpecific:
      return "VENDOR SPECIFIC";
    case SenseKey::kCopyAborted:
      return "COPY ABORTED";
    case SenseKey::kAbortedCommand:
      return "ABORTED COMMAND";
    case SenseKey::kReserved:
      return "RESERVED";
    case SenseKey::kVolumeOverflow:
      return "VOLUME OVERFLOW";
    case SenseKey::kMiscompare:
      return "MISCOMPARE";
    case SenseKey::kCompleted:
      return "COMPLETED";
  }
  return "UNKNOWN";
}

std::string_view AdditionalSenseName(std::uint8_t asc, std::uint8_t ascq) {
  for (const AscEntry& e : kAscNames) {
    if (e.asc == asc && e.ascq == ascq) return e.name;
  }
  // SPC-4 Annex D.2 ranges.
  if (asc == 0x40 && ascq >= 0x80) return "diagnostic failure on component";
  if (asc == 0x4D) return "tagged overlapped commands";
  if (asc == 0x70) return "decompression exception short algorithm id";
  return {};
}

}  // namespace mmc

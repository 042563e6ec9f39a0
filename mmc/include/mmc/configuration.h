// GET CONFIGURATION response data (MMC-6 clause 5; section numbers of MMC-5 r03c): the
// feature header (5.2.1), generic feature descriptors (5.2.2) and typed views of the
// features recorders report: Profile List 0000h (5.3.1), Core 0001h, Morphing 0002h,
// Removable Medium 0003h, Random Readable 0010h, Multi-Read 001Dh, CD Read 001Eh, DVD Read
// 001Fh, Random Writable 0020h, Incremental Streaming Writable 0021h, Formattable 0023h,
// Hardware Defect Management 0024h, Restricted Overwrite 0026h, DVD+RW 002Ah, DVD+R 002Bh,
// Rigid Restricted Overwrite 002Ch, CD Track at Once 002Dh, CD Mastering 002Eh, DVD-R/-RW
// Write 002Fh, Layer Jump Recording 0033h, CD-RW Media Write Support 0037h, BD-R POW
// 0038h, DVD+R Dual Layer 003Bh, BD Read 0040h, BD Write 0041h, Power Management 0100h,
// Timeout 0105h, Real Time Streaming 0107h (5.3.x). Any other feature stays a generic
// descriptor. Conventions as in codec.h.
#ifndef MKIMG_MMC_CONFIGURATION_H_
#define MKIMG_MMC_CONFIGURATION_H_

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "mmc/codec.h"

namespace mmc {

// Feature codes (MMC-5 5.3).
enum class FeatureCode : std::uint16_t {
  kProfileList = 0x0000,
  kCore = 0x0001,
  kMorphing = 0x0002,
  kRemovableMedium = 0x0003,
  kWriteProtect = 0x0004,
  kRandomReadable = 0x0010,
  kMultiRead = 0x001D,
  kCdRead = 0x001E,
  kDvdRead = 0x001F,
  kRandomWritable = 0x0020,
  kIncrementalStreamingWritable = 0x0021,
  kFormattable = 0x0023,
  kHardwareDefectManagement = 0x0024,
  kWriteOnce = 0x0025,
  kRestrictedOverwrite = 0x0026,
  kCdRwCavWrite = 0x0027,
  kMrw = 0x0028,
  kDvdPlusRw = 0x002A,
  kDvdPlusR = 0x002B,
  kRigidRestrictedOverwrite = 0x002C,
  kCdTrackAtOnce = 0x002D,
  kCdMastering = 0x002E,
  kDvdMinusRWrite = 0x002F,
  kLayerJumpRecording = 0x0033,
  kCdRwMediaWriteSupport = 0x0037,
  kBdRPseudoOverwrite = 0x0038,
  kDvdPlusRwDualLayer = 0x003A,
  kDvdPlusRDualLayer = 0x003B,
  kBdRead = 0x0040,
  kBdWrite = 0x0041,
  kPowerManagement = 0x0100,
  kTimeout = 0x0105,
  kDvdCss = 0x0106,
  kRealTimeStreaming = 0x0107,
  kDriveSerialNumber = 0x0108,
};

// Profile numbers (MMC-5 5.3.1) (the subset base/media.h maps media onto, and more).
enum class Profile : std::uint16_t {
  kNone = 0x0000,
  kRemovableDisk = 0x0002,
  kCdRom = 0x0008,
  kCdR = 0x0009,
  kCdRw = 0x000A,
  kDvdRom = 0x0010,
  kDvdMinusRSequential = 0x0011,
  kDvdRam = 0x0012,
  kDvdMinusRwRestrictedOverwrite = 0x0013,
  kDvdMinusRwSequential = 0x0014,
  kDvdMinusRDlSequential = 0x0015,
  kDvdMinusRDlLayerJump = 0x0016,
  kDvdPlusRw = 0x001A,
  kDvdPlusR = 0x001B,
  kDvdPlusRwDl = 0x002A,
  kDvdPlusRDl = 0x002B,
  kBdRom = 0x0040,
  kBdRSrm = 0x0041,
  kBdRRrm = 0x0042,
  kBdRe = 0x0043,
  kNonStandard = 0xFFFF,
};

// MMC-5 5.2.2: a feature descriptor with its additional data, verbatim.
struct FeatureDescriptor {
  std::uint16_t code = 0;          // bytes 0-1
  std::uint8_t version = 0;        // byte 2 bits 5-2
  bool persistent = false;         // byte 2 bit 1
  bool current = false;            // byte 2 bit 0
  std::vector<std::uint8_t> data;  // byte 3 ADDITIONAL LENGTH bytes from byte 4

  friend bool operator==(const FeatureDescriptor&, const FeatureDescriptor&) = default;
};

// MMC-5 5.2.1: feature header (8 bytes) and the descriptors.
struct Configuration {
  std::uint16_t current_profile = 0;  // bytes 6-7
  std::vector<FeatureDescriptor> features;

  // Errors: fewer than 8 bytes, a data length below 4. A descriptor cut off by the
  // allocation length ends the list; one whose additional length runs past the announced
  // data is an error.
  static base::Expected<Configuration> Parse(std::span<const std::uint8_t> data);
  // DATA LENGTH (bytes 0-3) = total - 4.
  void EncodeTo(base::ByteWriter& w) const;

  // The first descriptor with this code, or nullptr.
  const FeatureDescriptor* Find(FeatureCode code) const;

  friend bool operator==(const Configuration&, const Configuration&) = default;
};

// Header fields shared by the typed features.
struct FeatureBase {
  std::uint8_t version = 0;
  bool persistent = false;
  bool current = true;
  friend bool operator==(const FeatureBase&, const FeatureBase&) = default;
};

// Each typed feature: `kCode`; FromDescriptor fails (kDevice) for another code or fewer
// data bytes than the fields need; ToDescriptor gives the spec's additional length.

// 0000h (MMC-5 5.3.1): profile descriptors of 4 bytes.
struct ProfileListFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kProfileList;
  struct Entry {
    std::uint16_t profile = 0;
    bool current = false;  // byte 2 bit 0 CURRENTP
    friend bool operator==(const Entry&, const Entry&) = default;
  };
  std::vector<Entry> profiles;
  static base::Expected<ProfileListFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const ProfileListFeature&, const ProfileListFeature&) = default;
};

// 0001h (MMC-5 5.3.2): 8 bytes.
struct CoreFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kCore;
  std::uint32_t physical_interface = 0;  // 1 SCSI, 2 ATAPI, 7 serial ATAPI, 8 USB
  bool inq2 = false;                     // byte 4 bit 1
  bool device_busy_event = false;        // byte 4 bit 0 DBE
  static base::Expected<CoreFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const CoreFeature&, const CoreFeature&) = default;
};

// 0002h (MMC-5 5.3.3): 4 bytes.
struct MorphingFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kMorphing;
  bool operational_change_event = false;  // bit 1 OCEVENT
  bool asynchronous = false;              // bit 0 ASYNC
  static base::Expected<MorphingFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const MorphingFeature&, const MorphingFeature&) = default;
};

// 0003h (MMC-5 5.3.4): 4 bytes.
struct RemovableMediumFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kRemovableMedium;
  std::uint8_t loading_mechanism = 1;  // bits 7-5: 000b caddy/slot, 001b tray
  bool load = true;                    // bit 4
  bool eject = true;                   // bit 3
  bool prevent_jumper = false;         // bit 2
  bool lock = true;                    // bit 0
  static base::Expected<RemovableMediumFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const RemovableMediumFeature&, const RemovableMediumFeature&) = default;
};

// 0010h (MMC-5 5.3.6): 8 bytes.
struct RandomReadableFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kRandomReadable;
  std::uint32_t block_size = 2048;
  std::uint16_t blocking = 16;
  bool page_present = false;  // byte 6 bit 0 PP
  static base::Expected<RandomReadableFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const RandomReadableFeature&, const RandomReadableFeature&) = default;
};

// 001Eh (MMC-5 5.3.8): 4 bytes.
struct CdReadFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kCdRead;
  bool digital_audio_play = false;  // bit 7 DAP
  bool c2_flags = false;            // bit 1
  bool cd_text = false;             // bit 0
  static base::Expected<CdReadFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const CdReadFeature&, const CdReadFeature&) = default;
};

// 001Fh (MMC-5 5.3.9): 4 bytes (version 1+; version 0 may have none).
struct DvdReadFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kDvdRead;
  bool multi110 = false;  // byte 0 bit 0
  bool dual_rw = false;   // byte 2 bit 1
  bool dual_r = false;    // byte 2 bit 0
  static base::Expected<DvdReadFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const DvdReadFeature&, const DvdReadFeature&) = default;
};

// 0020h (MMC-5 5.3.10): 12 bytes (version 1: 16).
struct RandomWritableFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kRandomWritable;
  std::uint32_t last_lba = 0;
  std::uint32_t block_size = 2048;
  std::uint16_t blocking = 16;
  bool page_present = false;  // byte 10 bit 0 PP
  static base::Expected<RandomWritableFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const RandomWritableFeature&, const RandomWritableFeature&) = default;
};

// 0021h (MMC-5 5.3.11): 4 bytes + link sizes, padded to a multiple of 4.
struct IncrementalStreamingFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kIncrementalStreamingWritable;
  std::uint16_t data_block_types = 0;    // bytes 0-1: bit n = data block type n supported
  bool trio = false;                     // byte 2 bit 2 TRIO
  bool arsv = false;                     // byte 2 bit 1 ARSV
  bool buf = false;                      // byte 2 bit 0 BUF
  std::vector<std::uint8_t> link_sizes;  // byte 3 count, sizes from byte 4
  static base::Expected<IncrementalStreamingFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const IncrementalStreamingFeature&,
                         const IncrementalStreamingFeature&) = default;
};

// 0023h (MMC-5 5.3.13): 4 bytes (version 1 with BD fields: 8).
struct FormattableFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kFormattable;
  bool renosa = false;  // byte 0 bit 3
  bool expand = false;  // bit 2
  bool qcert = false;   // bit 1
  bool cert = false;    // bit 0
  bool rrm = false;     // byte 4 bit 0 (BD-R RRM); 8 bytes when version >= 1 or rrm
  static base::Expected<FormattableFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const FormattableFeature&, const FormattableFeature&) = default;
};

// 0024h (MMC-5 5.3.14): 4 bytes.
struct DefectManagementFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kHardwareDefectManagement;
  bool spare_area_information = false;  // byte 0 bit 7 SSA
  static base::Expected<DefectManagementFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const DefectManagementFeature&, const DefectManagementFeature&) = default;
};

// 002Ah (MMC-5 5.3.20): 4 bytes.
struct DvdPlusRwFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kDvdPlusRw;
  bool write = false;        // byte 0 bit 0
  bool quick_start = false;  // byte 1 bit 1
  bool close_only = false;   // byte 1 bit 0
  static base::Expected<DvdPlusRwFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const DvdPlusRwFeature&, const DvdPlusRwFeature&) = default;
};

// 002Bh DVD+R (MMC-5 5.3.21) and 003Bh DVD+R Dual Layer (5.3.28): 4 bytes, byte 0 bit 0
// WRITE.
struct DvdPlusRFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kDvdPlusR;
  bool dual_layer = false;  // true: feature 003Bh
  bool write = false;
  static base::Expected<DvdPlusRFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const DvdPlusRFeature&, const DvdPlusRFeature&) = default;
};

// 002Ch (MMC-5 5.3.22): 4 bytes.
struct RigidRestrictedOverwriteFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kRigidRestrictedOverwrite;
  bool dsdg = false;          // bit 3
  bool dsdr = false;          // bit 2
  bool intermediate = false;  // bit 1
  bool blank = false;         // bit 0
  static base::Expected<RigidRestrictedOverwriteFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const RigidRestrictedOverwriteFeature&,
                         const RigidRestrictedOverwriteFeature&) = default;
};

// 002Dh (MMC-5 5.3.23): 4 bytes.
struct CdTrackAtOnceFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kCdTrackAtOnce;
  bool buf = false;              // byte 0 bit 6
  bool rw_raw = false;           // bit 4
  bool rw_pack = false;          // bit 3
  bool test_write = false;       // bit 2
  bool cd_rw = false;            // bit 1
  bool rw_subcode = false;       // bit 0
  std::uint16_t data_types = 0;  // bytes 2-3: bit n = data block type n
  static base::Expected<CdTrackAtOnceFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const CdTrackAtOnceFeature&, const CdTrackAtOnceFeature&) = default;
};

// 002Eh (MMC-5 5.3.24): 4 bytes.
struct CdMasteringFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kCdMastering;
  bool buf = false;                        // byte 0 bit 6
  bool sao = false;                        // bit 5
  bool raw_ms = false;                     // bit 4
  bool raw = false;                        // bit 3
  bool test_write = false;                 // bit 2
  bool cd_rw = false;                      // bit 1
  bool rw = false;                         // bit 0
  std::uint32_t max_cue_sheet_length = 0;  // bytes 1-3
  static base::Expected<CdMasteringFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const CdMasteringFeature&, const CdMasteringFeature&) = default;
};

// 002Fh (MMC-5 5.3.25): 4 bytes.
struct DvdMinusRWriteFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kDvdMinusRWrite;
  bool buf = false;         // byte 0 bit 6
  bool rdl = false;         // bit 3
  bool test_write = false;  // bit 2
  bool dvd_rw = false;      // bit 1 DVD-RW SL
  static base::Expected<DvdMinusRWriteFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const DvdMinusRWriteFeature&, const DvdMinusRWriteFeature&) = default;
};

// 0033h (MMC-5 5.3.26): 4 bytes + link sizes, padded to a multiple of 4.
struct LayerJumpRecordingFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kLayerJumpRecording;
  std::vector<std::uint8_t> link_sizes;  // byte 3 count, sizes from byte 4
  static base::Expected<LayerJumpRecordingFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const LayerJumpRecordingFeature&,
                         const LayerJumpRecordingFeature&) = default;
};

// 0037h (MMC-5 5.3.27): 4 bytes; byte 1 bit n = CD-RW media sub-type n supported.
struct CdRwMediaWriteSupportFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kCdRwMediaWriteSupport;
  std::uint8_t subtypes = 0;
  static base::Expected<CdRwMediaWriteSupportFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const CdRwMediaWriteSupportFeature&,
                         const CdRwMediaWriteSupportFeature&) = default;
};

// 0040h BD Read (MMC-5 5.3.30, 28 bytes) and 0041h BD Write (5.3.31, 20 bytes): class
// bitmaps (bit n = version n of that class) kept as 16-bit words.
struct BdReadFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kBdRead;
  std::array<std::uint16_t, 4> bd_re_read{};   // bytes 4-11, classes 0-3
  std::array<std::uint16_t, 4> bd_r_read{};    // bytes 12-19
  std::array<std::uint16_t, 4> bd_rom_read{};  // bytes 20-27
  static base::Expected<BdReadFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const BdReadFeature&, const BdReadFeature&) = default;
};
struct BdWriteFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kBdWrite;
  bool svnr = false;                           // byte 0 bit 0
  std::array<std::uint16_t, 4> bd_re_write{};  // bytes 4-11
  std::array<std::uint16_t, 4> bd_r_write{};   // bytes 12-19
  static base::Expected<BdWriteFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const BdWriteFeature&, const BdWriteFeature&) = default;
};

// 0105h (MMC-5 5.3.36): 4 bytes.
struct TimeoutFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kTimeout;
  bool group3 = false;            // byte 0 bit 0
  std::uint16_t unit_length = 0;  // bytes 2-3
  static base::Expected<TimeoutFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const TimeoutFeature&, const TimeoutFeature&) = default;
};

// 0107h (MMC-5 5.3.38): 4 bytes.
struct RealTimeStreamingFeature : FeatureBase {
  static constexpr FeatureCode kCode = FeatureCode::kRealTimeStreaming;
  bool read_buffer_capacity_block = false;  // bit 4 RBCB
  bool set_cd_speed = false;                // bit 3 SCS
  bool mode_page_2a = false;                // bit 2 MP2A
  bool write_speed_performance = false;     // bit 1 WSPD (GET PERFORMANCE type 03h)
  bool stream_writing = false;              // bit 0 SW
  static base::Expected<RealTimeStreamingFeature> FromDescriptor(const FeatureDescriptor& d);
  FeatureDescriptor ToDescriptor() const;
  friend bool operator==(const RealTimeStreamingFeature&,
                         const RealTimeStreamingFeature&) = default;
};

// "DVD+RW", "BD-R SRM", ... for a profile number; "" when unknown.
std::string_view ProfileName(std::uint16_t profile);
// "Profile List", "CD Mastering", ... for a feature code; "" when unknown.
std::string_view FeatureName(std::uint16_t code);

// A descriptor with ADDITIONAL LENGTH 0, for features that carry no fields: 001Dh
// Multi-Read (MMC-5 5.3.7), 0026h Restricted Overwrite (5.3.16), 0100h Power Management
// (5.3.33).
FeatureDescriptor EmptyFeature(FeatureCode code, bool current, bool persistent = false,
                               std::uint8_t version = 0);

}  // namespace mmc

#endif  // MKIMG_MMC_CONFIGURATION_H_

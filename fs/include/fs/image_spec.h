// What one image is made of: the volume identity, the file systems to write with their
// options, the target medium, and the tree. The manifest parser produces an ImageSpec; the
// planner consumes one. A raw CD manifest (`cd`) fills `cd` instead of the tree: its data
// tracks carry image specs of their own (specs/rawcd.md).
#ifndef MKIMG_FS_IMAGE_SPEC_H_
#define MKIMG_FS_IMAGE_SPEC_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/block_device.h"
#include "base/media.h"
#include "fs/content_source.h"
#include "fs/tree.h"

namespace fs {

struct VolumeInfo {
  std::string id = "CDROM";  // ISO 9660 volume identifier (d-characters, 32 max)
  std::string label;         // Unicode label for Joliet / UDF; empty = id
  std::string publisher;
  std::string preparer;
  std::string application = "MKIMG";
  std::string system = "LINUX";
  std::string volume_set;
  Timestamp timestamp;  // every time the image records that is not a file's own
};

struct Iso9660Options {
  bool enabled = true;
  int level = 3;  // 1, 2 or 3
  bool rock_ridge = true;
  // ECMA-119 6.8.2.1 allows 8 directory levels. With Rock Ridge, deeper directories are
  // kept in place by default (as xorriso does: every reader we check lists them there);
  // with this set they move to RR_MOVED with CL/PL/RE (RRIP 4.1.5), which strict ISO 9660
  // readers need but isoinfo -R, for one, does not follow. Without Rock Ridge a deeper
  // tree is an error either way.
  bool relocate_deep_directories = false;
};

struct JolietOptions {
  bool enabled = true;
  bool long_names = false;  // 103 UCS-2 characters instead of 64
  // Names in a folder unique ignoring case, as Windows opens them (specs/joliet.md).
  bool case_insensitive = false;
};

struct UdfOptions {
  bool enabled = false;
  std::string revision = "2.60";
  bool redundant_metadata = false;
};

// El Torito 1.0 2.2 boot media types (specs/eltorito.md).
enum class BootEmulation : std::uint8_t { kNone, kFloppy12, kFloppy144, kFloppy288, kHardDisk };

// One boot catalog entry (El Torito 1.0 2.2 / 2.4; specs/eltorito.md "The writer").
struct BootEntrySpec {
  std::string where;          // names the entry in messages (manifest path with line:column)
  std::uint8_t platform = 0;  // El Torito platform ID: 0 x86, 1 PowerPC, 2 Mac, 0xEF UEFI
  BootEmulation emulation = BootEmulation::kNone;
  // The boot image: a file of the tree (`node`), or content no file system names
  // (`source`: a host file, or the FAT image built from `efi_directory`).
  NodeId node = kNoNode;
  std::shared_ptr<const ContentSource> source;
  std::optional<std::uint16_t> load_size;  // 512-byte sectors; default in specs/eltorito.md
  std::uint16_t load_segment = 0;          // 0: the BIOS default, 0x7C0
  // Hard-disk emulation: the partition type of the image's MBR (El Torito 1.0 2.2 offset 4).
  std::uint8_t system_type = 0;
  bool boot_info_table = false;  // isolinux's boot information table (bytes 8-63)
  bool grub2_boot_info = false;  // GRUB's patch at byte 2548
  bool bootable = true;
  bool is_default = false;                       // asks for the initial/default entry
  std::string id;                                // validation entry / section header ID string
  std::uint8_t selection_criteria_type = 0;      // 2.4 offset 0C
  std::vector<std::uint8_t> selection_criteria;  // 19 bytes in the entry, 30 per extension
};

// A disk's view of the image (specs/partition.md "The writer").
struct HybridSpec {
  std::string where;
  std::vector<std::uint8_t> mbr;  // boot code template (432 bytes used; 440 or 512 long)
  std::string mbr_where;          // the template's host path, for messages
  enum class MbrPatch : std::uint8_t { kAuto, kGrub2, kIsolinux } patch = MbrPatch::kAuto;
  bool gpt = false;
};

struct BootSpec {
  bool enabled = false;
  std::string where;
  NodeId catalog = kNoNode;  // the catalog's file in the tree; kNoNode: no file system names it
  std::vector<BootEntrySpec> entries;
  std::optional<HybridSpec> hybrid;
};

struct ImageSpec;

// CD-TEXT of the album or of one track (specs/rawcd.md "CD-TEXT"; the pack types of
// MMC-5 Annex J). Empty fields are not recorded. Latin-1 (ISO 8859-1) once encoded.
struct CdText {
  std::string title;       // pack 80h
  std::string performer;   // 81h
  std::string songwriter;  // 82h
  std::string composer;    // 83h
  std::string arranger;    // 84h
  std::string message;     // 85h
  std::string disc_id;     // 86h (album only)
  std::string upc_isrc;    // 8Eh: the album's UPC/EAN, a track's ISRC
  bool empty() const {
    return title.empty() && performer.empty() && songwriter.empty() && composer.empty() &&
           arranger.empty() && message.empty() && disc_id.empty() && upc_isrc.empty();
  }
};

// One track of a raw CD. Times are in sectors (1/75 s).
struct CdTrack {
  enum class Kind : std::uint8_t { kAudio, kData };
  enum class DataMode : std::uint8_t { kMode1, kMode2Form1 };
  Kind kind = Kind::kAudio;
  std::string where;  // "manifest.json:L:C: $.cd.tracks[i]", for errors found when planning
  std::string audio;  // host path of the WAV (audio tracks)
  // Host path of a WAV whose samples fill the pre-gap (index 0); on track 1 this is the
  // hidden track one audio (HTOA). Empty: the pre-gap is silence.
  std::string pregap_audio;
  DataMode mode = DataMode::kMode1;
  std::shared_ptr<ImageSpec> data;      // a nested manifest (data tracks), or
  std::string image;                    // a host image of 2048-byte blocks (data tracks)
  std::optional<std::uint32_t> pregap;  // sectors; default 150 (2 s)
  std::vector<std::uint32_t> indexes;   // index 2, 3, ... in sectors from index 1
  std::string isrc;                     // 12 characters, CCOOOYYSSSSS
  bool copy_permitted = false;          // Q CONTROL bit 1 (digital copy permitted)
  bool pre_emphasis = false;            // Q CONTROL bit 0 (audio only)
  CdText text;
  // A track taken from the BIN of a CUE sheet given as build input (specs/rawcd.md
  // "Re-mastering"): its sectors there, and those of its stored pre-gap.
  struct BinRange {
    std::string path;
    std::uint64_t offset = 0;  // of the first sector
    std::uint32_t sectors = 0;
    std::uint32_t sector_bytes = 2352;
    std::uint32_t user_offset = 0;  // where a data sector's 2048 user bytes start
    // Bytes of the file in the range when fewer than sectors * sector_bytes (a TOC's last
    // partial sector): the rest is zeros. 0: all of them.
    std::uint64_t stored_bytes = 0;
    bool swap = false;  // big-endian audio samples (a raw file of a TOC)
    // Set: the range is read from this device at `offset` (a TOC track composed of several
    // files and silence, fs::OpenCueBin); `path` then names its first file.
    std::shared_ptr<const base::BlockDevice> device;
  };
  std::optional<BinRange> bin;
  std::optional<BinRange> bin_pregap;
};

// A raw CD written Disc-at-Once (the manifest's `cd`).
struct CdSpec {
  std::string where;    // "manifest.json:L:C: $.cd"
  std::string catalog;  // media catalog number (13 digits, UPC/EAN), empty if none
  std::uint8_t first_track = 1;
  CdText text;
  // The CD-TEXT's character code (MMC-5 Annex J): 00h ISO 8859-1, 80h MS-JIS. The text
  // stays UTF-8 here; it is encoded when the disc is planned.
  std::uint8_t text_charset = 0x00;
  std::vector<CdTrack> tracks;
};

struct ImageSpec {
  VolumeInfo volume;
  Iso9660Options iso9660;
  JolietOptions joliet;
  UdfOptions udf;
  std::optional<base::MediaType> media;
  // Where file data starts (specs/layout.md, "Data alignment"): unset, host files of
  // kAutoAlignMinSize bytes or more start on a kAutoAlignData boundary of the image, so a
  // file system with shared extents (XFS, btrfs) can clone them; N (a power of two from
  // 2048 to 1 MiB) aligns every file's data to N bytes; 0 or 2048 aligns nothing.
  std::optional<std::uint32_t> align_data;
  BootSpec boot;
  // Files of identical content share one data extent in every file system (the
  // manifest's "dedupe"; plan/dedupe.cc).
  bool dedupe = false;
  Tree tree;
  std::optional<CdSpec> cd;  // a raw CD: the tree is unused
};

inline constexpr std::uint32_t kAutoAlignData = 4096;
inline constexpr std::uint64_t kAutoAlignMinSize = 1 << 20;
inline constexpr std::uint32_t kMaxAlignData = 1 << 20;

}  // namespace fs

#endif  // MKIMG_FS_IMAGE_SPEC_H_

// What one image is made of: the volume identity, the file systems to write with their
// options, the target medium, and the tree. The manifest parser produces an ImageSpec; the
// planner consumes one. (UDF and raw-CD parts arrive with their issues.)
#ifndef MKIMG_FS_IMAGE_SPEC_H_
#define MKIMG_FS_IMAGE_SPEC_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
  bool is_default = false;  // asks for the initial/default entry
  std::string id;           // validation entry / section header ID string
  std::uint8_t selection_criteria_type = 0;  // 2.4 offset 0C
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
  Tree tree;
};

inline constexpr std::uint32_t kAutoAlignData = 4096;
inline constexpr std::uint64_t kAutoAlignMinSize = 1 << 20;
inline constexpr std::uint32_t kMaxAlignData = 1 << 20;

}  // namespace fs

#endif  // MKIMG_FS_IMAGE_SPEC_H_

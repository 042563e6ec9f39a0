// Reading disc images back: one ImageReader opens an image through a bounds-checked
// base::BlockDevice, describes the volume (ECMA-119 volume descriptors, El Torito 1.0 boot
// catalog, MBR and UEFI GPT partition tables, the UDF volume of ECMA-167 3rd edition /
// OSTA UDF 1.02-2.60) and reads any of its namespaces (ISO 9660, Rock Ridge, Joliet, UDF)
// into the same fs::Tree the builder consumes, with ContentKind::kImageExtent contents.
// Every reader is built for hostile input: each length and offset is checked before use,
// directory loops and ICB cycles are detected, depth and entry counts are bounded, no
// recursion follows the image's structure, and a corrupt image yields kCorruptImage naming
// the structure and its LBA.
#ifndef MKIMG_FS_IMAGE_READER_H_
#define MKIMG_FS_IMAGE_READER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/block_device.h"
#include "base/block_sink.h"
#include "base/error.h"
#include "fs/limits.h"
#include "fs/tree.h"

namespace fs {

enum class Namespace : std::uint8_t { kIso9660, kRockRidge, kJoliet, kUdf };
std::string_view NamespaceName(Namespace ns);
std::optional<Namespace> ParseNamespace(std::string_view name);

// ECMA-119 8.1-8.5 volume descriptors, and the ECMA-167 2/9 volume recognition sequence.
struct VolumeDescriptorInfo {
  std::uint32_t lba = 0;
  std::string kind;  // "primary", "supplementary", "joliet", "enhanced", "boot record",
                     // "partition", "terminator", "BEA01", "NSR02", "NSR03", "TEA01"
  std::string system_id, volume_id, volume_set_id, publisher_id, preparer_id, application_id;
  std::string boot_system_id;  // boot record
  std::uint32_t volume_space_size = 0;
  std::uint16_t logical_block_size = 0;
  std::uint32_t root_lba = 0, root_size = 0;
  std::uint32_t path_table_size = 0, path_table_lba = 0;
  int joliet_level = 0;
  std::string creation_time, modification_time;  // ISO 8601, empty when unset
};

// El Torito 1.0, 2.1-2.4: one initial/default or section entry.
struct BootEntryInfo {
  std::string platform;  // "x86", "ppc", "mac", "efi", or "0xNN"
  bool bootable = false;
  std::string emulation;  // "none", "floppy-1.2", "floppy-1.44", "floppy-2.88", "hard-disk"
  std::uint16_t load_segment = 0;
  std::uint8_t system_type = 0;
  std::uint16_t sector_count = 0;  // 512-byte virtual sectors
  std::uint32_t load_lba = 0;
  std::string id;                            // section header ID string (printable part)
  std::uint8_t selection_criteria_type = 0;  // 2.4 offset 0C (section entries)
  std::string selection_criteria;            // hex of 2.4's 19 bytes and 2.5's 30 per extension
  // The isolinux boot information table in bytes 8-63 of a no-emulation image: "" when
  // the image has none, "consistent", or "inconsistent: WHY".
  std::string boot_info_table;
  bool grub2_boot_info = false;  // bytes 2548-2555 hold the image's 512-byte sector + 5
};

struct BootCatalogInfo {
  std::uint32_t catalog_lba = 0;
  std::string validation_platform;
  std::string manufacturer_id;
  std::vector<BootEntryInfo> entries;
};

// An MBR (UEFI 2.10 5.2.1) or GPT (UEFI 2.10 5.3) partition; LBAs in 512-byte sectors.
struct PartitionInfo {
  std::string scheme;  // "mbr" or "gpt"
  std::uint32_t index = 0;
  std::string type;  // MBR: "0xEF"; GPT: type GUID with a known name if any
  std::uint64_t first_lba = 0, sectors = 0;
  bool bootable = false;
  std::string name;  // GPT name (UTF-8)
  std::string guid;  // GPT unique partition GUID
};

struct UdfInfo {
  std::string revision;  // "2.60"
  std::uint32_t anchor_lba = 0;
  std::uint32_t block_size = 0;
  // ECMA-167 3/10.2, 3/10.6.12, 3/10.10.3: where the anchor's sequences and the integrity
  // sequence are, and whether the integrity descriptor is "closed" or "open".
  std::uint32_t main_vds_lba = 0, reserve_vds_lba = 0, integrity_lba = 0;
  std::string integrity;
  std::string logical_volume_id;
  std::string volume_set_id;
  std::uint32_t partition_start = 0, partition_length = 0;
  bool metadata_partition = false, metadata_mirror = false, virtual_partition = false,
       sparable_partition = false;
  std::uint32_t files = 0, directories = 0;  // from the logical volume integrity descriptor
                                             // (or the 2.00 VAT header, which replaces it)
  // Virtual partition (OSTA UDF 2.2.11): image sector of the VAT's file entry, its format
  // ("1.50": file type 0 with a trailing regid; "2.00": file type 248 with a header) and
  // its entry count.
  std::uint32_t vat_lba = 0;
  std::string vat_format;
  std::uint32_t vat_entries = 0;
};

struct ImageInfo {
  std::uint64_t image_size = 0;
  std::vector<VolumeDescriptorInfo> descriptors;
  std::optional<BootCatalogInfo> boot_catalog;
  std::vector<PartitionInfo> partitions;
  std::string mbr_disk_signature;  // "0x1234ABCD" when an MBR is present
  std::string gpt_disk_guid;
  std::optional<UdfInfo> udf;
  bool rock_ridge = false;
  std::string rock_ridge_version;  // from ER: "RRIP_1991A", "IEEE_P1282", "IEEE_1282"
  std::vector<Namespace> namespaces;
  // Oddities found while opening (Both32 copies disagreeing, bad CRCs, ...).
  std::vector<std::string> warnings;
};

// One piece of a file's data. `sparse` pieces read as zeros (UDF unrecorded extents).
struct FileExtent {
  std::uint64_t location = 0;  // byte offset in the image
  std::uint64_t length = 0;
  bool sparse = false;
  friend bool operator==(const FileExtent&, const FileExtent&) = default;
};

// A namespace read into a Tree. A file with one extent has it in its Content (`location`
// and `size`); a file with several (ISO 9660 multi-extent, UDF allocation descriptors) has
// them in `extents`, through `extent_ranges`.
struct ImageTree {
  Namespace ns = Namespace::kIso9660;
  Tree tree;
  std::vector<FileExtent> extents;
  std::unordered_map<NodeId, std::pair<std::uint32_t, std::uint32_t>> extent_ranges;
  // Link count of each node as recorded (RRIP PX, UDF file entry); 0 when not recorded.
  std::vector<std::uint32_t> links;
  // Directory extents read, for overlap checks: (byte offset, length).
  std::vector<FileExtent> directory_extents;
  // Entries skipped or tolerated, each "WHERE: WHAT".
  std::vector<std::string> warnings;
  // Files cut short by the end of the image (WalkEntry::claimed_size): the length claimed.
  // Extract treats them as files that cannot be read completely.
  std::unordered_map<NodeId, std::uint64_t> claimed_sizes;

  // The data extents of a file, in order.
  std::vector<FileExtent> FileExtents(NodeId file) const;
  std::uint32_t LinkCount(NodeId id) const;
};

// One entry as a walk of a namespace meets it (ImageReader::Walk). The views are valid
// during the Visit() call only.
struct WalkEntry {
  std::string_view path;  // full path in the namespace, "/" for the root
  std::string_view name;  // last component; empty for the root
  int depth = 0;          // 0 for where the walk starts, 1 for its entries, ...
  NodeType type = NodeType::kFile;
  std::uint32_t mode = 0;  // permission bits incl. setuid/setgid/sticky (07777)
  std::uint32_t uid = 0, gid = 0;
  Timestamp mtime;
  std::uint32_t links = 0;           // as recorded (RRIP PX, UDF file entry); 0 when not
  std::uint32_t subdirectories = 0;  // directories: how many of its entries are directories
  // Files: data bytes; symlinks: target bytes; directories: extent bytes (ISO 9660
  // namespaces; 0 for UDF, whose directories are read through their ICBs).
  std::uint64_t size = 0;
  // Files whose records claim more data than the image holds (it ends first): the length
  // claimed; `size` and the extents are cut to what is there. 0 otherwise.
  std::uint64_t claimed_size = 0;
  std::string_view symlink_target;
  // Character and block devices: the device number (RRIP PN, UDF device specification).
  std::uint32_t device_major = 0, device_minor = 0;
  // Files: the data, in order (one extent for most); directories of the ISO 9660
  // namespaces: the directory's extent (none for UDF).
  std::span<const FileExtent> extents;
};

class WalkVisitor {
 public:
  virtual ~WalkVisitor() = default;
  // Called once per entry; an error stops the walk and is returned by Walk().
  virtual base::Status Visit(const WalkEntry& entry) = 0;
  // An entry skipped or tolerated, "WHERE: WHAT".
  virtual void Warning(std::string warning) = 0;
};

// Defaults are the builder's own limits (fs/limits.h): what mkimg writes, it reads.
struct ReadOptions {
  int max_depth = kMaxTreeDepth;                // directory nesting
  std::uint64_t max_entries = kMaxTreeEntries;  // nodes in one tree
  std::uint32_t max_directory_bytes = kMaxDirectoryBytes;
};

class ImageReader {
 public:
  // Reads the volume descriptors, boot catalog, partition tables and UDF anchors.
  // Returns kCorruptImage when no file system is recognised or a found one is broken.
  static base::Expected<std::unique_ptr<ImageReader>> Open(
      std::unique_ptr<base::BlockDevice> device, const ReadOptions& options = {});
  ~ImageReader();

  const ImageInfo& volume() const;
  const base::BlockDevice& device() const;
  bool Has(Namespace ns) const;
  // rockridge > joliet > udf > iso9660.
  Namespace BestNamespace() const;
  // Reads a namespace. kUnsupported when the image does not have it.
  base::Expected<ImageTree> ReadTree(Namespace ns) const;
  // Visits the entry at `path` ("/" for the root) and, when it is a directory, everything
  // below it: depth first, each directory's entries in on-disc order, a directory's entry
  // before its contents. The ISO 9660 namespaces stream (memory grows with the depth and
  // the largest directory, not with the image); UDF is read into a tree first. ReadTree()
  // and Walk() apply the same checks and give the same entries. kInvalidInput when `path`
  // is not in the namespace.
  base::Status Walk(Namespace ns, std::string_view path, WalkVisitor& visitor) const;

 private:
  struct State;
  explicit ImageReader(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Reads a file's bytes [offset, offset + out.size()) through its extents.
base::Status ReadFileData(const base::BlockDevice& device, const ImageTree& tree, NodeId file,
                          std::uint64_t offset, std::span<std::uint8_t> out);

// Appends "2026-01-01 00:00" (UTC), as `ls -l` prints a time.
void AppendListingTime(const Timestamp& t, std::string* out);

struct ExtractOptions {
  bool restore_owner = false;  // chown to the recorded uid/gid (root only)
  // Files no entry may replace (the image being read): an entry that would be written
  // over one of them is kInvalidInput, and the file is left untouched.
  std::vector<base::InputFile> inputs;
  // Told of each damaged entry skipped ("IMAGE_PATH (LBA n): WHAT; skipped"); Extract then
  // extracts the rest and returns kCorruptImage counting what was skipped.
  std::function<void(const std::string&)> warning;
  // When not empty, only these entries (and everything below those that are directories)
  // are extracted, each at its path relative to `from`; the directories on the way are
  // created and get their recorded modes and times.
  std::vector<NodeId> only;
  // A file that cannot be read completely is removed (counted as skipped), unless this is
  // set: then it stays, holding what could be read, and is counted as kept partial.
  bool keep_partial = false;
  // Called as file data is written: bytes done and the total the extraction will write
  // (recorded file bytes, holes included). Not called when empty.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

// Extracts the subtree at `from` into the directory `dest_fd`. Never writes outside it:
// every name is checked, every path is opened relative to a directory descriptor with
// O_NOFOLLOW, regular files are created with O_EXCL, symlinks are created last and never
// followed. Keeps modes (setuid/setgid only for root), mtimes and symlinks; zero runs
// become holes. Errors name the destination path.
base::Status Extract(const base::BlockDevice& device, const ImageTree& tree, NodeId from,
                     int dest_fd, const std::string& dest_name, const ExtractOptions& options = {});

// Structural checks of every file system in the image (see specs/readers.md). Returns the
// problems found, each "WHERE: WHAT"; empty when the image is clean. An error only when
// the image cannot be opened at all.
base::Expected<std::vector<std::string>> VerifyImage(const ImageReader& reader);

}  // namespace fs

#endif  // MKIMG_FS_IMAGE_READER_H_

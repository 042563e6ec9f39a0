// Reader of the ECMA-119 (ISO 9660, 4th edition 2019) volume: the volume descriptor set
// (8.1-8.5, with Joliet supplementary descriptors and El Torito boot records), and the
// directory hierarchy of the primary, Joliet or Rock Ridge view (9.1 directory records,
// multi-extent files of 6.5.1, RRIP 1.12 relocation with CL/PL/RE). Directories are
// walked depth first without recursion, one whole directory held per level; every
// directory extent is read at most once, so loops (including Rock Ridge CL links to an
// ancestor) end with an error.
#ifndef MKIMG_FS_ISO9660_ISO9660_READER_H_
#define MKIMG_FS_ISO9660_ISO9660_READER_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/error.h"
#include "fs/image_reader.h"

namespace fs::reader {

// A directory's extent as a directory record gives it (ECMA-119 9.1.3, 9.1.4).
struct DirectoryExtent {
  std::uint32_t lba = 0;
  std::uint32_t size = 0;
  std::uint32_t descriptor_lba = 0;  // where it was found, for messages
};

struct IsoVolume {
  std::optional<DirectoryExtent> primary_root;
  std::optional<DirectoryExtent> joliet_root;
  std::uint32_t volume_space_size = 0;
  std::optional<std::uint32_t> boot_catalog_lba;  // El Torito 2.0, BP 72-75
  bool udf_recognition = false;                   // NSR02/NSR03 seen (ECMA-167 2/9.1)
};

// Reads the volume descriptor set at LBA 16 and the volume recognition sequence that may
// follow it. Fills info->descriptors and *volume. kCorruptImage for a broken primary
// descriptor; an image without any (pure UDF) is not an error here.
base::Status ScanVolumeDescriptors(const base::BlockDevice& device, ImageInfo* info,
                                   IsoVolume* volume);

// Detects Rock Ridge from the root's "." record (SUSP SP, RRIP ER). Sets
// info->rock_ridge and info->rock_ridge_version.
base::Status DetectRockRidge(const base::BlockDevice& device, const IsoVolume& volume,
                             ImageInfo* info);

// Walks the ISO 9660 (plain or Rock Ridge) or Joliet hierarchy from `path` (see
// ImageReader::Walk), streaming: one directory per level is held at a time.
base::Status WalkIso(const base::BlockDevice& device, const IsoVolume& volume, Namespace ns,
                     const ReadOptions& options, std::string_view path, WalkVisitor& visitor);

}  // namespace fs::reader

#endif  // MKIMG_FS_ISO9660_ISO9660_READER_H_

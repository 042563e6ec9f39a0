// Builds a FAT12/16/32 file system image from a host folder, in process, for the EFI
// system partition a UEFI-bootable image carries (UEFI 2.10 13.3; the boot manifest's
// `efi_directory`). No mtools or mkfs.fat at run time. The bytes depend only on the
// folder's names and contents and on the options: entries in byte order of their names,
// data allocated contiguously in that order, every time the given timestamp, the volume
// serial a hash of the rest. specs/fat.md says what is written and how it is proven.
#ifndef MKIMG_FS_FAT_FAT_IMAGE_H_
#define MKIMG_FS_FAT_FAT_IMAGE_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/error.h"

namespace fs::fat {

enum class FatType { kAuto, kFat12, kFat16, kFat32 };

struct FatImageOptions {
  FatType type = FatType::kAuto;
  // The image size in bytes, a multiple of 512; 0 chooses the smallest image (rounded up
  // to 2048 bytes) that holds the folder.
  std::uint64_t size_bytes = 0;
  // The volume label: up to 11 characters A-Z 0-9 space ! # $ % & ' ( ) - @ ^ _ ` { } ~
  // (lower-case letters are upper-cased).
  std::string label = "EFISYS";
  // Every date recorded, seconds since the epoch (UTC), clamped to FAT's 1980-2107.
  std::int64_t timestamp = 0;
};

// The largest image built (in memory): 4 GiB.
inline constexpr std::uint64_t kMaxFatImageBytes = std::uint64_t{4} << 30;

// The image, or an error naming the host path (kInvalidInput: a name FAT cannot hold, two
// names equal but for case, a symbolic link or special file, a folder that does not fit
// the size or type asked for; kIo: a file that cannot be read or changed while read).
base::Expected<std::vector<std::uint8_t>> BuildFatImage(const std::filesystem::path& host_dir,
                                                        const FatImageOptions& options);

// The name of a FAT type as specs/ and messages write it ("FAT12", ...).
const char* FatTypeName(FatType type);

}  // namespace fs::fat

#endif  // MKIMG_FS_FAT_FAT_IMAGE_H_

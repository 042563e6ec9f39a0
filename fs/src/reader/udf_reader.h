// Reader of UDF volumes (ECMA-167 3rd edition parts 3 and 4, OSTA UDF 1.02 to 2.60):
// anchor volume descriptor pointers (3/10.2), the main and reserve volume descriptor
// sequences (3/8.4), partition descriptors and the logical volume descriptor with type 1,
// sparable and metadata partition maps (UDF 2.2.8-2.2.10, with the metadata mirror file
// as a fallback), virtual partitions through the virtual allocation table found at the
// end of the recorded area (UDF 2.2.11, and the UDF 1.50 2.2.10 format), the file set
// descriptor (4/14.1), file and extended file entries (4/14.9, 4/14.17) with short,
// long, extended and embedded allocation descriptors, file identifier descriptors
// (4/14.4) and symbolic links (4/14.16). Every descriptor tag's
// checksum, CRC and location are checked (3/7.2). Directory ICBs are visited at most once,
// so ICB cycles end with an error.
#ifndef MKIMG_FS_READER_UDF_READER_H_
#define MKIMG_FS_READER_UDF_READER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/error.h"
#include "fs/image_reader.h"

namespace fs::reader {

// Checks a descriptor tag (ECMA-167 3/7.2): checksum, CRC over CRC length bytes, and that
// the tag location equals `location`. Returns the tag identifier. kCorruptImage naming
// the descriptor and `where` otherwise; a CRC mismatch is appended to *crc_warnings
// instead when that is non-null (the descriptor is still usable).
base::Expected<std::uint16_t> CheckUdfTag(std::span<const std::uint8_t> block,
                                          std::uint32_t location, const std::string& where,
                                          std::vector<std::string>* crc_warnings);

// An opened UDF logical volume: partitions, maps, the root directory's ICB.
class UdfVolume;

// Finds and reads a UDF volume. Returns nullptr (no error) when the image has no anchor.
base::Expected<std::shared_ptr<const UdfVolume>> OpenUdfVolume(const base::BlockDevice& device,
                                                               UdfInfo* info,
                                                               std::vector<std::string>* warnings);

base::Expected<ImageTree> ReadUdfTree(const base::BlockDevice& device, const UdfVolume& volume,
                                      const ReadOptions& options);

}  // namespace fs::reader

#endif  // MKIMG_FS_READER_UDF_READER_H_

// Reader of UDF volumes (ECMA-167 3rd edition parts 3 and 4, OSTA UDF 1.02 to 2.60):
// anchor volume descriptor pointers (3/10.2), the main and reserve volume descriptor
// sequences (3/8.4), partition descriptors and the logical volume descriptor with type 1,
// sparable and metadata partition maps (UDF 2.2.8-2.2.10, with the metadata mirror file
// as a fallback), virtual partitions through the virtual allocation table found at the
// end of the recorded area (UDF 2.2.11, and the UDF 1.50 2.2.10 format), the file set
// descriptor (4/14.1), file and extended file entries (4/14.9, 4/14.17) with short,
// long, extended and embedded allocation descriptors, file identifier descriptors
// (4/14.4) and symbolic links (4/14.16). Every descriptor tag's
// checksum, CRC and location are checked (3/7.2, udf::CheckTag). Directory ICBs are
// visited at most once, so ICB cycles end with an error.
// The descriptors are read through the codec of udf/udf_format.h. The reader's parts:
// udf_volume.cc (anchors, volume descriptor sequences, partitions and maps, the file set
// and integrity descriptors), udf_metadata.cc (the metadata partition's file and mirror),
// udf_vat.cc (the virtual allocation table), udf_file_entry.cc (file entries and
// allocation descriptors) and udf_directory.cc (FIDs, symbolic links, the tree).
#ifndef MKIMG_FS_UDF_UDF_READER_H_
#define MKIMG_FS_UDF_UDF_READER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/error.h"
#include "fs/image_reader.h"

namespace fs::reader {

// An opened UDF logical volume: partitions, maps, the root directory's ICB.
class UdfVolume;

// Finds and reads a UDF volume. Returns nullptr (no error) when the image has no anchor.
base::Expected<std::shared_ptr<const UdfVolume>> OpenUdfVolume(const base::BlockDevice& device,
                                                               UdfInfo* info,
                                                               std::vector<std::string>* warnings);

base::Expected<ImageTree> ReadUdfTree(const base::BlockDevice& device, const UdfVolume& volume,
                                      const ReadOptions& options);

}  // namespace fs::reader

#endif  // MKIMG_FS_UDF_UDF_READER_H_

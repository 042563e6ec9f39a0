// What one image is made of: the volume identity, the file systems to write with their
// options, the target medium, and the tree. The manifest parser produces an ImageSpec; the
// planner consumes one. (Boot, UDF and raw-CD parts arrive with their issues.)
#ifndef MKIMG_FS_IMAGE_SPEC_H_
#define MKIMG_FS_IMAGE_SPEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/media.h"
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

struct ImageSpec {
  VolumeInfo volume;
  Iso9660Options iso9660;
  JolietOptions joliet;
  UdfOptions udf;
  std::optional<base::MediaType> media;
  // Files of identical content share one data extent in every file system (the
  // manifest's "dedupe"; plan/dedupe.cc).
  bool dedupe = false;
  Tree tree;
};

}  // namespace fs

#endif  // MKIMG_FS_IMAGE_SPEC_H_

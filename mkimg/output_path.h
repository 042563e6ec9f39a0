// Output paths named on the command line (build -o, extract DEST). One rule for every
// command (README.md, "Using mkimg"): an output whose folder does not exist, or that names
// something it cannot be (a folder as an image, a file as DEST), is invalid input, exit 2,
// found before any work; the host failing while writing is a failed operation, exit 1.
#ifndef MKIMG_MKIMG_OUTPUT_PATH_H_
#define MKIMG_MKIMG_OUTPUT_PATH_H_

#include <string>

#include "base/error.h"

namespace mkimg {

// The folder that will hold `path` exists and is a folder (kInvalidInput naming `path`).
base::Status CheckOutputFolder(const std::string& path);

}  // namespace mkimg

#endif  // MKIMG_MKIMG_OUTPUT_PATH_H_

// mkimg corpus (specs/fuzzing.md "The corpus generator"): valid-by-construction images for
// fuzzers and differential reading. Each image is drawn from the seed and its index alone
// (image i of --count 10 is image i of --count 40), built in process through the manifest
// parser, fs::Plan and fs::Emit, and described by a JSON file beside it: its features, every
// node of its tree (type, size, SHA-256, link target, visibility), the manifest used and
// what was added to the tree besides it. An index lists them all.
#ifndef MKIMG_MKIMG_CORPUS_H_
#define MKIMG_MKIMG_CORPUS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace mkimg {

struct CorpusOptions {
  std::string directory;  // created if missing (its parent must exist)
  std::uint32_t count = 0;
  std::uint64_t seed = 0;
  // Leave out the 4 GiB + files that make multi-extent ISO 9660 files (images that are
  // sparse on disk but over 4 GiB long: fuzzers and reader campaigns that read whole
  // images want them out).
  bool no_multi_extent = false;
};

struct CorpusStats {
  std::uint32_t images = 0;
  std::uint64_t bytes = 0;            // the images' lengths
  std::vector<std::string> features;  // every feature seen, sorted
};

// The feature names a description can list, in the order of specs/fuzzing.md.
const std::vector<std::string_view>& CorpusFeatureNames();

// Writes `count` images, their descriptions (NNNN.json) and index.json into the folder.
// Host files that some features need (hard links, the hybrid MBR's boot code, an EFI
// folder) are staged in a temporary folder inside it and removed. Errors: kInvalidInput
// naming the folder when it cannot be created or written; a build error of an image names
// the image. On error nothing this call wrote is left behind.
base::Expected<CorpusStats> WriteCorpus(const CorpusOptions& options);

}  // namespace mkimg

#endif  // MKIMG_MKIMG_CORPUS_H_

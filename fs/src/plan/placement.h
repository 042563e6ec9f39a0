// Placement (specs/architecture.md): where every section of an image lies. A section is
// either fixed at an LBA of the session (the system area at 0-15, the volume recognition
// area from 16, UDF's anchor at 256), fixed at a distance from the end (UDF's anchors at
// N-256 and N-1, a backup GPT in the last sectors), or appended after what came before in
// the order of its Region. Whatever lies between two sections is filled by an explicit
// gap section of zeros; two sections that would share a block are a planning error.
#ifndef MKIMG_FS_PLAN_PLACEMENT_H_
#define MKIMG_FS_PLAN_PLACEMENT_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "base/error.h"
#include "plan/image_plan.h"
#include "plan/section.h"

namespace fs::plan {

class Placement {
 public:
  // At `block` (relative to the session's first block).
  void AddFixed(std::unique_ptr<Section> section, std::uint64_t block);
  // Ending `blocks_before_end` blocks before the session's end: a one-block section with 1
  // is the last block.
  void AddAtEnd(std::unique_ptr<Section> section, std::uint64_t blocks_before_end);
  // After everything placed before it, in the order of its Region.
  void Append(std::unique_ptr<Section> section);
  // The session ends on a multiple of `blocks` (relative to its first block): zeros fill up
  // to the end-relative sections, which move with the end. The largest request wins.
  void AlignEnd(std::uint64_t blocks);

  // Places every section from plan.start_lba on, sets plan.total_blocks and returns the
  // sections (gaps included) in LBA order. kInvalidInput on an overlap or an image past
  // 2^32 blocks. REQUIRES: called once.
  base::Expected<std::vector<std::unique_ptr<Section>>> Place(ImagePlan& plan);

 private:
  struct Fixed {
    std::unique_ptr<Section> section;
    std::uint64_t block;  // relative to the session's start
  };
  struct AtEnd {
    std::unique_ptr<Section> section;
    std::uint64_t before_end;
  };
  std::vector<Fixed> fixed_;
  std::vector<AtEnd> at_end_;
  std::vector<std::unique_ptr<Section>> appended_;
  std::uint64_t end_alignment_ = 1;
};

// A run of zero blocks between two placed sections.
std::unique_ptr<Section> MakeGapSection(std::uint64_t blocks);

}  // namespace fs::plan

#endif  // MKIMG_FS_PLAN_PLACEMENT_H_

// Directory records of the ISO 9660 (with Rock Ridge) and Joliet hierarchies, computed on
// the fly from the ImageModel (ECMA-119 9.1, SUSP 1.12, RRIP 1.12, Joliet 1995). The same
// encoder sizes directories in the planner and writes them in the emitter; Rock Ridge
// continuation areas are allocated in the same walk order each time, so the CE entries
// written into the directories and the continuation section that follows agree.
#ifndef MKIMG_FS_EMIT_RECORDS_H_
#define MKIMG_FS_EMIT_RECORDS_H_

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "iso9660/encode.h"
#include "layout/image_model.h"
#include "rockridge/system_use.h"

namespace fs::emit {

using RecordFn = std::function<void(std::span<const std::uint8_t> record)>;
using PieceFn =
    std::function<void(rockridge::ContinuationLocation where, std::span<const std::uint8_t> bytes)>;

class IsoRecordEncoder {
 public:
  // Continuation areas are placed from model.continuation_lba on.
  explicit IsoRecordEncoder(const layout::ImageModel& model);
  // Encodes every record of ISO directory `dir` ('.', '..', then the children in order).
  void EncodeDirectory(const layout::DirPlan& dir, const RecordFn& on_record,
                       const PieceFn& on_piece);
  std::uint32_t continuation_blocks() const { return continuation_.blocks(); }

 private:
  void AddAttributes(NodeId node, std::uint32_t type_bits, std::uint32_t links, NodeId serial);
  void AddNodeAttributes(NodeId node);
  void Finish(const iso9660::DirectoryRecordFields& fields, std::span<const std::uint8_t> id,
              const RecordFn& on_record, const PieceFn& on_piece);

  const layout::ImageModel& model_;
  rockridge::ContinuationAllocator continuation_;
  rockridge::SystemUseArea system_use_;
  std::vector<rockridge::ContinuationLocation> locations_;
  std::vector<std::uint8_t> system_use_bytes_;
  std::vector<std::uint8_t> record_;
  std::vector<std::uint8_t> piece_;
  std::vector<std::uint8_t> identifier_;
};

// Encodes every record of Joliet directory `dir`.
void EncodeJolietDirectory(const layout::ImageModel& model, const layout::DirPlan& dir,
                           const RecordFn& on_record);

}  // namespace fs::emit

#endif  // MKIMG_FS_EMIT_RECORDS_H_

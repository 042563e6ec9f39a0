// Directory records of the ISO 9660 hierarchy with Rock Ridge (ECMA-119 9.1 with the
// system use area of SUSP 1.12 4-5 and RRIP 1.12 4.1), computed on the fly from the
// IsoPlanner's plan. The same encoder sizes directories when they are placed and writes
// them when they are emitted; Rock Ridge continuation areas are allocated in the same walk
// order each time, so the CE entries written into the directories and the continuation
// section that follows agree.
#ifndef MKIMG_FS_ISO9660_ISO_RECORDS_H_
#define MKIMG_FS_ISO9660_ISO_RECORDS_H_

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "iso9660/encode.h"
#include "iso9660/iso_plan.h"
#include "rockridge/system_use.h"

namespace fs::iso9660 {

using RecordFn = std::function<void(std::span<const std::uint8_t> record)>;
using PieceFn =
    std::function<void(rockridge::ContinuationLocation where, std::span<const std::uint8_t> bytes)>;

class IsoRecordEncoder {
 public:
  // Continuation areas are placed from iso.continuation_lba on.
  IsoRecordEncoder(const plan::ImagePlan& plan, const IsoPlanner& iso);
  // Encodes every record of directory `dir` ('.', '..', then the children in order).
  void EncodeDirectory(const Directory& dir, const RecordFn& on_record, const PieceFn& on_piece);
  std::uint32_t continuation_blocks() const { return continuation_.blocks(); }

 private:
  void AddAttributes(NodeId node, std::uint32_t type_bits, std::uint32_t links,
                     std::uint32_t serial);
  void AddNodeAttributes(NodeId node);
  void Finish(const DirectoryRecordFields& fields, std::span<const std::uint8_t> id,
              const RecordFn& on_record, const PieceFn& on_piece);

  const plan::ImagePlan& plan_;
  const IsoPlanner& iso_;
  rockridge::ContinuationAllocator continuation_;
  rockridge::SystemUseArea system_use_;
  std::vector<rockridge::ContinuationLocation> locations_;
  std::vector<std::uint8_t> system_use_bytes_;
  std::vector<std::uint8_t> record_;
  std::vector<std::uint8_t> piece_;
  std::vector<std::uint8_t> identifier_;
};

}  // namespace fs::iso9660

#endif  // MKIMG_FS_ISO9660_ISO_RECORDS_H_

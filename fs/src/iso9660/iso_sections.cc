// The sections the ISO 9660 (+ Rock Ridge) planner adds (specs/layout.md): the primary
// volume descriptor (ECMA-119 8.4), the terminator (8.3), its L and M path tables (9.4),
// its directories (9.1, 6.8.1) and the Rock Ridge continuation areas (SUSP 5.1).
#include "base/block_sink.h"
#include "base/error.h"
#include "fs/limits.h"
#include "iso9660/iso9660_format.h"
#include "iso9660/iso_plan.h"
#include "iso9660/iso_records.h"
#include "iso9660/names.h"

namespace fs::iso9660 {
namespace {

using plan::EmitContext;
using plan::ImagePlan;
using plan::Region;

constexpr std::uint32_t kBlock = base::kBlockSize;

class IsoDirectorySection final : public plan::Section {
 public:
  explicit IsoDirectorySection(IsoPlanner& iso)
      : Section("iso9660 directories", Region::kDirectories), iso_(iso) {}

  base::Status Write(const ImagePlan& plan, EmitContext& context) const override {
    IsoRecordEncoder encoder(plan, iso_);
    const Hierarchy& h = iso_.hierarchy();
    for (std::uint32_t index : h.order) {
      const Directory& d = h.dirs[index];
      plan::SectorStream stream(context.sink());
      encoder.EncodeDirectory(
          d, [&](std::span<const std::uint8_t> r) { stream.Add(r); },
          [](rockridge::ContinuationLocation, std::span<const std::uint8_t>) {});
      ASSIGN_OR_RETURN(std::uint64_t bytes, stream.Finish());
      CHECK(bytes == std::uint64_t{d.blocks} * kBlock);
    }
    CHECK(encoder.continuation_blocks() == iso_.continuation_blocks);
    return base::Ok();
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImagePlan& plan, std::uint64_t lba) override {
    IsoRecordEncoder encoder(plan, iso_);
    Hierarchy& h = iso_.mutable_hierarchy();
    std::uint64_t next = lba;
    iso_.continuation_dirs.clear();
    for (std::uint32_t index : h.order) {
      plan::SectorCounter counter;
      bool continued = false;
      encoder.EncodeDirectory(
          h.dirs[index], [&](std::span<const std::uint8_t> r) { counter.Add(r.size()); },
          [&](rockridge::ContinuationLocation, std::span<const std::uint8_t>) {
            continued = true;
          });
      if (continued) iso_.continuation_dirs.push_back(index);
      Directory& d = h.dirs[index];
      d.lba = static_cast<std::uint32_t>(next);
      if (counter.blocks() * base::kBlockSize > kMaxDirectoryBytes) {
        return base::InvalidInput(plan.tree().Path(d.node),
                                  "a folder of " +
                                      std::to_string(counter.blocks() * base::kBlockSize) +
                                      " bytes of records, more than the " +
                                      std::to_string(kMaxDirectoryBytes) + " mkimg reads");
      }
      d.blocks = static_cast<std::uint32_t>(counter.blocks());
      next += d.blocks;
    }
    iso_.continuation_blocks = encoder.continuation_blocks();
    return next - lba;
  }

 private:
  IsoPlanner& iso_;
};

// SUSP 5.1: the continuation areas of every ISO directory record, in the order in which
// the directory section allocated them.
class ContinuationSection final : public plan::Section {
 public:
  explicit ContinuationSection(IsoPlanner& iso)
      : Section("rock ridge continuation areas", Region::kSystemUse), iso_(iso) {}

  base::Status Write(const ImagePlan& plan, EmitContext& context) const override {
    IsoRecordEncoder encoder(plan, iso_);
    std::vector<std::uint8_t> buffer;
    std::uint64_t flushed = 0;
    base::Status status;
    const std::uint64_t base = std::uint64_t{iso_.continuation_lba} * kBlock;
    auto flush = [&] {
      if (status) status = context.sink().Write(buffer);
      flushed += buffer.size();
      buffer.clear();
    };
    // Directories without continuation areas allocate none, so skipping them leaves the
    // allocator in step with the one that placed the areas.
    for (std::uint32_t index : iso_.continuation_dirs) {
      encoder.EncodeDirectory(
          iso_.hierarchy().dirs[index], [](std::span<const std::uint8_t>) {},
          [&](rockridge::ContinuationLocation where, std::span<const std::uint8_t> bytes) {
            const std::uint64_t at = std::uint64_t{where.block} * kBlock + where.offset - base;
            CHECK(at >= flushed + buffer.size());
            buffer.resize(static_cast<std::size_t>(at - flushed), 0);
            buffer.insert(buffer.end(), bytes.begin(), bytes.end());
            if (buffer.size() >= (1u << 18)) flush();
          });
    }
    CHECK(encoder.continuation_blocks() == iso_.continuation_blocks);
    const std::uint64_t total = std::uint64_t{iso_.continuation_blocks} * kBlock;
    CHECK(flushed + buffer.size() <= total);
    buffer.resize(static_cast<std::size_t>(total - flushed), 0);
    flush();
    return status;
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImagePlan&, std::uint64_t lba) override {
    iso_.continuation_lba = static_cast<std::uint32_t>(lba);
    return std::uint64_t{iso_.continuation_blocks};
  }

 private:
  IsoPlanner& iso_;
};

}  // namespace

void IsoPlanner::PathTableIdentifier(const Directory& d, std::vector<std::uint8_t>* id) const {
  if (d.node == kRootNode) {
    id->assign(1, 0);
    return;
  }
  std::string_view n = d.parent == rr_moved_ ? relocated_name(d.node) : name(d.node);
  id->assign(n.begin(), n.end());
}

std::uint16_t IsoPlanner::PathTableParent(const Directory& d) const {
  return d.node == kRootNode ? 1 : hierarchy_.dir_of(d.parent).number;
}

void IsoPlanner::DescribeVolume(const plan::ImagePlan& plan, VolumeDescriptorFields* f) const {
  const VolumeInfo& v = plan.spec.volume;
  f->type = VolumeDescriptorType::kPrimary;
  f->system_identifier = ToACharacters(v.system, 32);
  f->volume_identifier = v.id;
  f->volume_set_identifier = ToACharacters(v.volume_set, 128);
  f->publisher_identifier = ToACharacters(v.publisher, 128);
  f->data_preparer_identifier = ToACharacters(v.preparer, 128);
  f->application_identifier = ToACharacters(v.application, 128);
}

void IsoPlanner::AddSections(const plan::ImagePlan&, plan::Placement& placement) {
  placement.Append(MakeVolumeDescriptorSection(*this, "primary volume descriptor"));
  placement.Append(MakeTerminatorSection());
  placement.Append(MakePathTableSection(*this, PathTableType::kL, "iso9660 type L path table"));
  placement.Append(MakePathTableSection(*this, PathTableType::kM, "iso9660 type M path table"));
  placement.Append(std::make_unique<IsoDirectorySection>(*this));
  if (rock_ridge_) placement.Append(std::make_unique<ContinuationSection>(*this));
}

}  // namespace fs::iso9660

// Placement of fixed, end-relative and appended sections; see placement.h.
#include "plan/placement.h"

#include <algorithm>
#include <string>

namespace fs::plan {
namespace {

constexpr std::uint64_t kMaxBlocks = 0xFFFFFFFFull;  // 32-bit LBAs (ECMA-119, ECMA-167)

class GapSection final : public Section {
 public:
  explicit GapSection(std::uint64_t blocks) : Section("gap", Region::kFileData), size_(blocks) {}
  base::Status Write(const ImagePlan&, EmitContext& context) const override {
    return context.sink().WriteZeros(blocks() * base::kBlockSize);
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImagePlan&, std::uint64_t) override { return size_; }

 private:
  std::uint64_t size_;
};

base::Error Overlap(const Section& a, const Section& b) {
  return base::InvalidInput("", "the " + a.name() + " (blocks " + std::to_string(a.lba()) + "-" +
                                    std::to_string(a.lba() + a.blocks() - 1) + ") and the " +
                                    b.name() + " (from block " + std::to_string(b.lba()) +
                                    ") would overlap");
}

base::Error TooBig() {
  return base::InvalidInput("", "the image exceeds the 2^32 blocks (8 TiB) ISO 9660 can address");
}

}  // namespace

std::unique_ptr<Section> MakeGapSection(std::uint64_t blocks) {
  return std::make_unique<GapSection>(blocks);
}

void Placement::AddFixed(std::unique_ptr<Section> section, std::uint64_t block) {
  fixed_.push_back({std::move(section), block});
}

void Placement::AddAtEnd(std::unique_ptr<Section> section, std::uint64_t blocks_before_end) {
  CHECK(blocks_before_end > 0);
  at_end_.push_back({std::move(section), blocks_before_end});
}

void Placement::Append(std::unique_ptr<Section> section) {
  appended_.push_back(std::move(section));
}

void Placement::AlignEnd(std::uint64_t blocks) {
  CHECK(blocks > 0);
  end_alignment_ = std::max(end_alignment_, blocks);
}

base::Expected<std::vector<std::unique_ptr<Section>>> Placement::Place(ImagePlan& plan) {
  const std::uint64_t start = plan.start_lba;
  std::stable_sort(fixed_.begin(), fixed_.end(),
                   [](const Fixed& a, const Fixed& b) { return a.block < b.block; });
  std::stable_sort(appended_.begin(), appended_.end(),
                   [](const auto& a, const auto& b) { return a->region() < b->region(); });

  std::vector<std::unique_ptr<Section>> out;
  std::uint64_t cursor = start;  // the first free block
  auto emit_gap = [&](std::uint64_t to) -> base::Status {
    if (to > cursor) {
      auto gap = MakeGapSection(to - cursor);
      ASSIGN_OR_RETURN(std::uint64_t blocks, gap->Place(plan, cursor));
      cursor += blocks;
      out.push_back(std::move(gap));
    }
    return base::Ok();
  };
  // Fixed sections whose block has come, in order; an appended section that would run
  // into the next fixed one is moved past it (its blocks are computed again there).
  std::size_t next_fixed = 0;
  auto place_fixed_up_to = [&](std::uint64_t end) -> base::Status {
    while (next_fixed < fixed_.size() && start + fixed_[next_fixed].block < end) {
      Fixed& f = fixed_[next_fixed++];
      const std::uint64_t at = start + f.block;
      if (at < cursor) {
        CHECK(!out.empty());
        return Overlap(*out.back(), *f.section);
      }
      RETURN_IF_ERROR(emit_gap(at));
      ASSIGN_OR_RETURN(std::uint64_t blocks, f.section->Place(plan, at));
      cursor = at + blocks;
      if (cursor > kMaxBlocks) return TooBig();
      out.push_back(std::move(f.section));
    }
    return base::Ok();
  };

  RETURN_IF_ERROR(place_fixed_up_to(cursor + 1));
  for (auto& section : appended_) {
    while (true) {
      ASSIGN_OR_RETURN(std::uint64_t blocks, section->Place(plan, cursor));
      const std::uint64_t end = cursor + blocks;
      if (end > kMaxBlocks) return TooBig();
      if (next_fixed < fixed_.size() && start + fixed_[next_fixed].block < end) {
        RETURN_IF_ERROR(place_fixed_up_to(end));  // then try again after it
        continue;
      }
      cursor = end;
      out.push_back(std::move(section));
      RETURN_IF_ERROR(place_fixed_up_to(cursor + 1));
      break;
    }
  }
  RETURN_IF_ERROR(place_fixed_up_to(kMaxBlocks + 1));
  plan.trailer_lba = cursor;

  auto aligned = [&](std::uint64_t end) {
    const std::uint64_t rel = end - start;
    return start + (rel + end_alignment_ - 1) / end_alignment_ * end_alignment_;
  };
  if (at_end_.empty() && end_alignment_ > 1) {
    const std::uint64_t end = aligned(cursor);
    if (end > kMaxBlocks) return TooBig();
    RETURN_IF_ERROR(emit_gap(end));
  }
  if (!at_end_.empty()) {
    // The end N is the smallest (aligned) that leaves every end-relative section after
    // the cursor.
    std::stable_sort(at_end_.begin(), at_end_.end(),
                     [](const AtEnd& a, const AtEnd& b) { return a.before_end > b.before_end; });
    std::uint64_t end = cursor;
    for (const AtEnd& a : at_end_) end = std::max(end, cursor + a.before_end);
    end = aligned(end);
    if (end > kMaxBlocks) return TooBig();
    for (AtEnd& a : at_end_) {
      const std::uint64_t at = end - a.before_end;
      if (at < cursor) {
        CHECK(!out.empty());
        return Overlap(*out.back(), *a.section);
      }
      RETURN_IF_ERROR(emit_gap(at));
      ASSIGN_OR_RETURN(std::uint64_t blocks, a.section->Place(plan, at));
      cursor = at + blocks;
      if (cursor > end) {
        return base::InvalidInput("",
                                  "the " + a.section->name() + " runs past the end of the image");
      }
      out.push_back(std::move(a.section));
    }
    RETURN_IF_ERROR(emit_gap(end));
  }
  if (cursor > kMaxBlocks) return TooBig();
  plan.total_blocks = cursor - start;
  return out;
}

}  // namespace fs::plan

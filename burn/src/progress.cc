// Progress reporting of the burn engines (burn/progress.h).
#include "burn/progress.h"

namespace burn {

const char* ActionName(Action action) {
  switch (action) {
    case Action::kValidating:
      return "validating";
    case Action::kFormatting:
      return "formatting";
    case Action::kInitializing:
      return "initializing";
    case Action::kCalibrating:
      return "calibrating";
    case Action::kWriting:
      return "writing";
    case Action::kFinalizing:
      return "finalizing";
    case Action::kVerifying:
      return "verifying";
    case Action::kDone:
      return "done";
  }
  return "done";
}

void ProgressReporter::Report(Action action, std::uint32_t start_lba, std::uint32_t blocks,
                              std::uint32_t done, std::optional<std::uint8_t> buffer_fill,
                              bool force) {
  if (!fn_) return;
  const auto now = std::chrono::steady_clock::now();
  const bool changed = !last_action_ || *last_action_ != action;
  if (changed) action_start_ = now;
  if (!changed && !force && done < blocks && now - last_ < interval_) return;
  last_ = now;
  last_action_ = action;
  Progress p;
  p.action = action;
  p.start_lba = start_lba;
  p.blocks = blocks;
  p.done = done;
  p.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - start_);
  if (blocks != 0 && done != 0 && done <= blocks) {
    const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(now - action_start_);
    p.remaining = std::chrono::milliseconds(
        static_cast<std::int64_t>(static_cast<double>(spent.count()) *
                                  static_cast<double>(blocks - done) / static_cast<double>(done)));
  }
  p.buffer_fill = buffer_fill;
  fn_(p);
}

}  // namespace burn

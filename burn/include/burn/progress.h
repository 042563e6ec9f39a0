// What a burn, an erase or a verification reports while it runs (IMAPI2's
// IDiscFormat2DataEventArgs: CurrentAction, StartLba, SectorCount, LastWrittenLba,
// ElapsedTime, RemainingTime, FreeSystemBuffer), and how the caller cancels it.
#ifndef MKIMG_BURN_PROGRESS_H_
#define MKIMG_BURN_PROGRESS_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "base/error.h"

namespace burn {

// IMAPI2's IMAPI_FORMAT2_DATA_WRITE_ACTION, less its internal states.
enum class Action : std::uint8_t {
  kValidating,    // reading the medium's state, checking the image fits
  kFormatting,    // FORMAT UNIT / BLANK
  kInitializing,  // MODE SELECT page 05h, RESERVE TRACK, layer break, speed
  kCalibrating,   // OPC (SEND OPC INFORMATION)
  kWriting,
  kFinalizing,  // SYNCHRONIZE CACHE, CLOSE TRACK/SESSION
  kVerifying,
  kDone,
};

const char* ActionName(Action action);

struct Progress {
  Action action = Action::kValidating;
  std::uint32_t start_lba = 0;  // the first block of the operation
  std::uint32_t blocks = 0;     // blocks the operation covers (0 when not known)
  std::uint32_t done = 0;       // blocks done
  std::chrono::milliseconds elapsed{0};
  std::optional<std::chrono::milliseconds> remaining;  // estimated, when known
  std::optional<std::uint8_t> buffer_fill;             // percent of the drive's buffer in use
};

using ProgressFn = std::function<void(const Progress&)>;

// Reports progress at most every `interval` (always the first, action changes and the
// end) and measures elapsed/remaining time from construction.
class ProgressReporter {
 public:
  explicit ProgressReporter(ProgressFn fn,
                            std::chrono::milliseconds interval = std::chrono::milliseconds(200))
      : fn_(std::move(fn)), interval_(interval), start_(std::chrono::steady_clock::now()) {}

  void Report(Action action, std::uint32_t start_lba, std::uint32_t blocks, std::uint32_t done,
              std::optional<std::uint8_t> buffer_fill = std::nullopt, bool force = false);
  bool wanted() const { return static_cast<bool>(fn_); }

 private:
  ProgressFn fn_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
  std::chrono::steady_clock::time_point action_start_{};
  std::optional<Action> last_action_;
};

// A cancellation flag the caller sets (e.g. from a SIGINT handler); the engines look at it
// between commands and stop with kCancelled, saying what state the medium is left in.
using CancelFlag = const std::atomic<bool>*;

inline bool Cancelled(CancelFlag flag) {
  return flag != nullptr && flag->load(std::memory_order_relaxed);
}

}  // namespace burn

#endif  // MKIMG_BURN_PROGRESS_H_

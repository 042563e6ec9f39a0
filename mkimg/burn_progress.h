// How the burn commands show burn::Progress: a bar on a terminal (stderr), JSON lines
// with --json (stdout), nothing otherwise. One printer serves several drives burning at
// once; it also owns the Ctrl-C flag the engines watch.
#ifndef MKIMG_MKIMG_BURN_PROGRESS_H_
#define MKIMG_MKIMG_BURN_PROGRESS_H_

#include <atomic>
#include <mutex>
#include <string>

#include "burn/progress.h"

namespace mkimg {

class BurnProgress {
 public:
  enum class Mode { kSilent, kBar, kJson };
  // kJson with `json`, kBar when stderr is a terminal, else kSilent.
  explicit BurnProgress(bool json);
  Mode mode() const { return mode_; }
  // A progress callback for the drive named `drive`.
  burn::ProgressFn For(const std::string& drive);
  // Ends a bar line (before messages).
  void Finish();

 private:
  void Print(const std::string& drive, const burn::Progress& p);
  Mode mode_;
  std::mutex mutex_;
  bool open_line_ = false;
};

// SIGINT and SIGTERM set the flag (the handler is installed while the object lives); the
// engines then stop between two commands with kCancelled.
class CancelOnSignal {
 public:
  CancelOnSignal();
  ~CancelOnSignal();
  CancelOnSignal(const CancelOnSignal&) = delete;
  CancelOnSignal& operator=(const CancelOnSignal&) = delete;
  burn::CancelFlag flag() const;
};

}  // namespace mkimg

#endif  // MKIMG_MKIMG_BURN_PROGRESS_H_

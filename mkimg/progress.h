// The progress line of long commands (build, extract) and the byte counts people read.
// Progress is drawn on a terminal only (or when --progress asks): pipes and CI stay quiet
// (README.md, "Using mkimg").
#ifndef MKIMG_MKIMG_PROGRESS_H_
#define MKIMG_MKIMG_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace mkimg {

// "512 B", "1.5 KiB", "4.4 GiB": binary units, one decimal above bytes.
std::string HumanBytes(std::uint64_t n);

// "1.5K", "23M", "4.4G" as `ls -lh` prints sizes (coreutils: powers of 1024, rounded up,
// one decimal below 10).
std::string LsHumanSize(std::uint64_t n);

// One line on stderr, redrawn at most ten times a second: bar, percent, bytes, rate and
// time left. The line is finished once, when done reaches total or Finish() is called.
class ProgressBar {
 public:
  bool Update(std::uint64_t done, std::uint64_t total);
  // Ends a drawn line that did not reach its total (an error stopped the work).
  void Finish();

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point start_{};
  Clock::time_point last_{};
  bool started_ = false;
  bool drawn_ = false;
  bool finished_ = false;
};

}  // namespace mkimg

#endif  // MKIMG_MKIMG_PROGRESS_H_

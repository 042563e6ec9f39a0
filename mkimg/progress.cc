#include "mkimg/progress.h"

#include <cstdio>

namespace mkimg {

std::string HumanBytes(std::uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

std::string LsHumanSize(std::uint64_t n) {
  if (n < 1024) return std::to_string(n);
  const char units[] = "KMGTPE";
  // Integer arithmetic in tenths, rounded up as coreutils does (human_ceiling).
  std::uint64_t unit = 1024;
  int u = 0;
  for (;;) {
    // tenths = ceil(n * 10 / unit)
    const std::uint64_t tenths = n / unit * 10 + ((n % unit) * 10 + unit - 1) / unit;
    if (tenths < 100) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%llu.%llu%c",
                    static_cast<unsigned long long>(tenths / 10),
                    static_cast<unsigned long long>(tenths % 10), units[u]);
      return buf;
    }
    const std::uint64_t whole = (n + unit - 1) / unit;
    if (whole < 1024 || u == 5) return std::to_string(whole) + units[u];
    unit *= 1024;
    ++u;
  }
}

namespace {

std::string Duration(double seconds) {
  const auto s = static_cast<unsigned long long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%llu:%02llu", s / 60, s % 60);
  }
  return buf;
}

}  // namespace

bool ProgressBar::Update(std::uint64_t done, std::uint64_t total) {
  if (finished_) return true;
  const auto now = Clock::now();
  if (!started_) {
    started_ = true;
    start_ = now;
  }
  if (done < total && drawn_ && now - last_ < std::chrono::milliseconds(100)) return true;
  last_ = now;
  drawn_ = true;
  constexpr int kWidth = 30;
  const double fraction =
      total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  std::string bar(static_cast<std::size_t>(fraction * kWidth), '=');
  bar.resize(kWidth, ' ');
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  std::string rate_eta;
  if (elapsed > 0.2 && done > 0) {
    const double rate = static_cast<double>(done) / elapsed;
    rate_eta = "  " + HumanBytes(static_cast<std::uint64_t>(rate)) + "/s";
    rate_eta += done < total
                    ? "  ETA " + Duration(static_cast<double>(total - done) / rate)
                    : "  in " + Duration(elapsed);
  }
  std::fprintf(stderr, "\r[%s] %3d%% %s / %s%s\x1b[K", bar.c_str(),
               static_cast<int>(fraction * 100), HumanBytes(done).c_str(),
               HumanBytes(total).c_str(), rate_eta.c_str());
  if (done >= total) {
    std::fputc('\n', stderr);
    finished_ = true;
  }
  std::fflush(stderr);
  return true;
}

void ProgressBar::Finish() {
  if (drawn_ && !finished_) std::fputc('\n', stderr);
  finished_ = true;
}

}  // namespace mkimg

// Progress display and Ctrl-C for the burn commands (mkimg/burn_progress.h).
#include "mkimg/burn_progress.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>

#include "mkimg/json_writer.h"

namespace mkimg {

namespace {

std::atomic<bool> g_cancel{false};
struct sigaction g_old_int {};
struct sigaction g_old_term {};

extern "C" void OnSignal(int) { g_cancel.store(true); }

std::string Clock(std::chrono::milliseconds ms) {
  const auto s = ms.count() / 1000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(s / 60),
                static_cast<long long>(s % 60));
  return buf;
}

}  // namespace

BurnProgress::BurnProgress(bool json)
    : mode_(json ? Mode::kJson : (::isatty(STDERR_FILENO) ? Mode::kBar : Mode::kSilent)) {}

burn::ProgressFn BurnProgress::For(const std::string& drive) {
  if (mode_ == Mode::kSilent) return {};
  return [this, drive](const burn::Progress& p) { Print(drive, p); };
}

void BurnProgress::Print(const std::string& drive, const burn::Progress& p) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (mode_ == Mode::kJson) {
    JsonWriter w;
    w.BeginObject();
    w.Key("drive").String(drive);
    w.Key("action").String(burn::ActionName(p.action));
    w.Key("lba").Uint(std::uint64_t{p.start_lba} + p.done);
    w.Key("start_lba").Uint(p.start_lba);
    w.Key("blocks").Uint(p.blocks);
    w.Key("done").Uint(p.done);
    w.Key("elapsed_ms").Uint(static_cast<std::uint64_t>(p.elapsed.count()));
    if (p.remaining) {
      w.Key("remaining_ms").Uint(static_cast<std::uint64_t>(p.remaining->count()));
    } else {
      w.Key("remaining_ms").Null();
    }
    w.Key("buffer_fill").Optional(p.buffer_fill);
    w.EndObject();
    std::printf("%s\n", w.str().c_str());
    std::fflush(stdout);
    return;
  }
  const int width = 30;
  const int filled =
      p.blocks
          ? static_cast<int>(static_cast<double>(p.done) / static_cast<double>(p.blocks) * width)
          : 0;
  std::string bar(static_cast<std::size_t>(std::min(filled, width)), '=');
  bar.resize(static_cast<std::size_t>(width), ' ');
  std::string line = drive + " " + burn::ActionName(p.action);
  if (p.blocks != 0) {
    line += " [" + bar + "] " +
            std::to_string(p.blocks ? p.done * std::uint64_t{100} / p.blocks : 0) + "% LBA " +
            std::to_string(std::uint64_t{p.start_lba} + p.done);
  }
  line += " " + Clock(p.elapsed);
  if (p.remaining) line += " (" + Clock(*p.remaining) + " left)";
  if (p.buffer_fill) line += " buffer " + std::to_string(*p.buffer_fill) + "%";
  std::fprintf(stderr, "\r%-100s", line.c_str());
  std::fflush(stderr);
  open_line_ = true;
}

void BurnProgress::Finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (open_line_) std::fputc('\n', stderr);
  open_line_ = false;
}

CancelOnSignal::CancelOnSignal() {
  g_cancel.store(false);
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
}

CancelOnSignal::~CancelOnSignal() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
}

burn::CancelFlag CancelOnSignal::flag() const { return &g_cancel; }

}  // namespace mkimg

// Fan-out to several sinks (burn/fan_out.h).
#include "burn/fan_out.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace burn {

struct FanOutSink::Worker {
  base::BlockSink* target;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::shared_ptr<const std::vector<std::uint8_t>>> queue;
  bool closing = false;
  bool failed = false;  // read by the producer under `mutex`
  std::optional<base::Error> error;
  std::thread thread;

  explicit Worker(base::BlockSink* t) : target(t) {
    thread = std::thread([this] { Run(); });
  }

  void Run() {
    for (;;) {
      std::shared_ptr<const std::vector<std::uint8_t>> chunk;
      {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return !queue.empty() || closing; });
        if (queue.empty()) return;
        chunk = queue.front();
      }
      base::Status st = failed ? base::Ok() : target->Write(*chunk);
      std::lock_guard<std::mutex> lock(mutex);
      if (!st) {
        error = st.error();
        failed = true;
      }
      queue.pop_front();
      changed.notify_all();
    }
  }
  // Queues a chunk, waiting while the queue is full. False once the target has failed.
  bool Push(const std::shared_ptr<const std::vector<std::uint8_t>>& chunk) {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return queue.size() < kQueueChunks || failed; });
    if (failed) return false;
    queue.push_back(chunk);
    changed.notify_all();
    return true;
  }
  void Drain() {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return queue.empty(); });
  }
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      closing = true;
      changed.notify_all();
    }
    if (thread.joinable()) thread.join();
  }
};

FanOutSink::FanOutSink(std::vector<base::BlockSink*> targets) {
  buffer_.reserve(kChunkBytes);
  for (base::BlockSink* t : targets) workers_.push_back(std::make_unique<Worker>(t));
}

FanOutSink::~FanOutSink() {
  for (auto& w : workers_) w->Stop();
}

const std::optional<base::Error>& FanOutSink::error(std::size_t i) const {
  return workers_.at(i)->error;
}

base::Status FanOutSink::Push() {
  auto chunk = std::make_shared<const std::vector<std::uint8_t>>(std::move(buffer_));
  buffer_ = std::vector<std::uint8_t>();
  buffer_.reserve(kChunkBytes);
  bool any = false;
  for (auto& w : workers_) any = w->Push(chunk) || any;
  if (!any) {
    for (auto& w : workers_) w->Drain();
    return workers_.front()->error.value_or(base::IoError("", "every drive failed"));
  }
  return base::Ok();
}

base::Status FanOutSink::DoWrite(std::span<const std::uint8_t> data) {
  position_ += data.size();
  while (!data.empty()) {
    const std::size_t n = std::min(kChunkBytes - buffer_.size(), data.size());
    buffer_.insert(buffer_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
    data = data.subspan(n);
    if (buffer_.size() == kChunkBytes) RETURN_IF_ERROR(Push());
  }
  return base::Ok();
}

base::Status FanOutSink::Commit() {
  if (finished_) return base::Ok();
  finished_ = true;
  if (!buffer_.empty()) RETURN_IF_ERROR(Push());
  for (auto& w : workers_) w->Drain();
  for (auto& w : workers_) {
    if (!w->error) return base::Ok();
  }
  return *workers_.front()->error;
}

}  // namespace burn

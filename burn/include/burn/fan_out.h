// Several recorders burning the same stream at once (`mkimg burn --drive A --drive B`):
// a base::BlockSink that hands each chunk of what it is given to every target sink, each
// served by a thread of its own with a bounded queue, so the source is read once and the
// drives write in parallel at their own pace. A target that fails is dropped (its error
// kept) while the others go on; the fan-out fails only when every target has.
#ifndef MKIMG_BURN_FAN_OUT_H_
#define MKIMG_BURN_FAN_OUT_H_

#include <memory>
#include <optional>
#include <vector>

#include "base/block_sink.h"
#include "base/error.h"

namespace burn {

class FanOutSink : public base::BlockSink {
 public:
  static constexpr std::size_t kChunkBytes = 1 << 20;
  static constexpr std::size_t kQueueChunks = 8;

  // The targets are not owned and must outlive the fan-out; their limits are not set by it.
  explicit FanOutSink(std::vector<base::BlockSink*> targets);
  ~FanOutSink() override;

  std::uint64_t position() const override { return position_; }
  // Hands out the last partial chunk and waits until every target has written everything
  // (it does not Commit the targets). Returns an error only when every target failed.
  base::Status Commit() override;
  // The error of target i, if it failed.
  const std::optional<base::Error>& error(std::size_t i) const;

 protected:
  base::Status DoWrite(std::span<const std::uint8_t> data) override;

 private:
  base::Status Push();
  struct Worker;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::uint8_t> buffer_;
  std::uint64_t position_ = 0;
  bool finished_ = false;
};

}  // namespace burn

#endif  // MKIMG_BURN_FAN_OUT_H_

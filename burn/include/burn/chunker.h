// Regrouping a byte stream into the fixed-size chunks a drive command carries.
//
// The writers (data, audio) and the verifier receive the image in whatever pieces the
// emitter produces and must send WRITE(10)/READ(10) commands of a fixed number of blocks
// (specs/burn.md "The data engine", step 4). A Chunker holds at most one partial chunk: whole
// chunks inside the input are handed on in place, without a copy; only the bytes that straddle a
// chunk boundary pass through its buffer.
#ifndef MKIMG_BURN_CHUNKER_H_
#define MKIMG_BURN_CHUNKER_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "base/error.h"

namespace burn {

class Chunker {
 public:
  explicit Chunker(std::size_t chunk_bytes) : buffer_(chunk_bytes) {}

  std::size_t chunk_bytes() const { return buffer_.size(); }
  // Bytes held back: fewer than chunk_bytes().
  std::size_t pending() const { return fill_; }

  // Calls sink(span) for every whole chunk that `data` completes, in order. A sink that
  // fails stops the feed; the chunker then holds nothing of the failed chunk.
  template <typename Sink>
  base::Status Feed(std::span<const std::uint8_t> data, Sink&& sink) {
    const std::size_t chunk = buffer_.size();
    if (fill_ != 0) {
      const std::size_t n = std::min(chunk - fill_, data.size());
      std::memcpy(buffer_.data() + fill_, data.data(), n);
      fill_ += n;
      data = data.subspan(n);
      if (fill_ < chunk) return base::Ok();
      fill_ = 0;
      RETURN_IF_ERROR(sink(std::span<const std::uint8_t>(buffer_)));
    }
    while (data.size() >= chunk) {
      RETURN_IF_ERROR(sink(data.first(chunk)));
      data = data.subspan(chunk);
    }
    if (!data.empty()) {
      std::memcpy(buffer_.data(), data.data(), data.size());
      fill_ = data.size();
    }
    return base::Ok();
  }

  // Pads the held-back bytes with zeros up to a multiple of `unit` (not beyond a chunk),
  // then hands them to sink as one last, short chunk. Nothing held: sink is not called.
  template <typename Sink>
  base::Status Flush(std::size_t unit, Sink&& sink) {
    if (fill_ == 0) return base::Ok();
    std::size_t n = fill_;
    if (unit != 0 && n % unit != 0) n = std::min(buffer_.size(), n + unit - n % unit);
    std::memset(buffer_.data() + fill_, 0, n - fill_);
    fill_ = 0;
    return sink(std::span<const std::uint8_t>(buffer_.data(), n));
  }

 private:
  std::vector<std::uint8_t> buffer_;
  std::size_t fill_ = 0;
};

}  // namespace burn

#endif  // MKIMG_BURN_CHUNKER_H_

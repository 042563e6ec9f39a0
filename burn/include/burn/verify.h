// Verification as IMAPI2's IBurnVerification defines its levels
// (IMAPI_BURN_VERIFICATION_NONE / QUICK / FULL), and reading a recorded track back:
//  * quick: READ DISC INFORMATION and READ TRACK INFORMATION agree with what was burned
//    (state, track start and size, MMC-5 6.22 / 6.27), and sampled chunks — the first,
//    sixteen spread over the track, and the last — read back (READ(10), MMC-5 6.16) with
//    the xxh3 of what was written;
//  * full: the whole written area is read back and compared, streamed, with the source
//    streamed a second time (an image file, or the same plan emitted again), hashing both
//    with xxh3; the first differing LBA is named.
#ifndef MKIMG_BURN_VERIFY_H_
#define MKIMG_BURN_VERIFY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/block_device.h"
#include "base/block_sink.h"
#include "base/error.h"
#include "burn/chunker.h"
#include "burn/progress.h"
#include "mmc/device.h"

namespace burn {

enum class VerifyLevel : std::uint8_t { kNone, kQuick, kFull };
const char* VerifyLevelName(VerifyLevel level);

// `blocks` blocks of the medium from `start_lba` as a base::BlockDevice (READ(10) in
// chunks of 32 blocks). `device` must outlive it. Errors name the LBA.
std::unique_ptr<base::BlockDevice> DriveBlockDevice(mmc::Device& device, std::uint32_t start_lba,
                                                    std::uint32_t blocks, std::string where);

// The readable extent of the medium: [0, READ CAPACITY + 1) (MMC-5 6.19).
base::Expected<std::uint32_t> ReadableBlocks(mmc::Device& device);

// A sink that compares what is written into it with the medium from `start_lba` on,
// chunk by chunk, keeping xxh3-64 of both streams. Write errors: none (a mismatch is
// recorded, reading goes on); read errors of the drive are returned. Commit() returns
// kMismatch "WHERE: LBA n: differs from the source ..." at the first differing block, or
// when the source was shorter or longer than `blocks`.
class VerifySink : public base::BlockSink {
 public:
  VerifySink(mmc::Device& device, std::uint32_t start_lba, std::uint32_t blocks, std::string where,
             ProgressFn progress = {}, CancelFlag cancel = nullptr);
  ~VerifySink() override;
  std::uint64_t position() const override { return position_; }
  base::Status Commit() override;
  // xxh3-64 of the source and of the medium's blocks read so far.
  std::uint64_t source_hash() const;
  std::uint64_t medium_hash() const;
  std::optional<std::uint32_t> first_difference() const { return first_difference_; }

 protected:
  base::Status DoWrite(std::span<const std::uint8_t> data) override;

 private:
  base::Status CompareChunk(std::span<const std::uint8_t> source);

  mmc::Device& device_;
  std::uint32_t start_;
  std::uint32_t blocks_;
  std::string where_;
  ProgressReporter reporter_;
  CancelFlag cancel_;
  std::uint64_t position_ = 0;
  std::uint32_t compared_ = 0;  // blocks compared
  Chunker chunker_;
  std::vector<std::uint8_t> disc_;
  struct State;
  std::unique_ptr<State> state_;
  std::optional<std::uint32_t> first_difference_;
};

// The quick verification of a track just burned: the track at `start_lba` is recorded
// with at least `blocks` blocks, and the chunks of 32 blocks whose xxh3 the data engine
// kept (`chunk_hashes`, DataWriter::chunk_hashes()) read back equal — the first, sixteen
// spread between, and the last.
base::Status VerifyQuick(mmc::Device& device, std::uint32_t start_lba, std::uint32_t blocks,
                         const std::vector<std::uint64_t>& chunk_hashes, const std::string& where,
                         ProgressFn progress = {});

// Reads `blocks` blocks from `start_lba` and returns their xxh3-64 (`mkimg verify --drive`
// without an image: every block must be readable).
base::Expected<std::uint64_t> HashMedium(mmc::Device& device, std::uint32_t start_lba,
                                         std::uint32_t blocks, const std::string& where,
                                         ProgressFn progress = {}, CancelFlag cancel = nullptr);

}  // namespace burn

#endif  // MKIMG_BURN_VERIFY_H_

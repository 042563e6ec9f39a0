// Verification (burn/verify.h). MMC-5 r03c sections; MMC-6 keeps the layouts.
#include "burn/verify.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

namespace burn {

namespace {

constexpr std::uint32_t kChunk = 32;  // blocks per READ(10), as DataWriter::kChunkBlocks

std::string Hex64(std::uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

class DriveDevice : public base::BlockDevice {
 public:
  DriveDevice(mmc::Device& device, std::uint32_t start, std::uint32_t blocks, std::string where)
      : device_(device), start_(start), blocks_(blocks), where_(std::move(where)) {}
  std::uint64_t size() const override { return std::uint64_t{blocks_} * base::kBlockSize; }
  base::Status Read(std::uint64_t offset, std::span<std::uint8_t> out) const override {
    if (offset > size() || out.size() > size() - offset) {
      return base::CorruptImage(base::LbaWhere(offset / base::kBlockSize),
                                "read beyond the end of the recorded area");
    }
    std::vector<std::uint8_t> buf;
    while (!out.empty()) {
      const auto block = static_cast<std::uint32_t>(offset / base::kBlockSize);
      const std::size_t skip = offset % base::kBlockSize;
      const std::uint32_t count = std::min<std::uint32_t>(
          kChunk, static_cast<std::uint32_t>(base::BlocksFor(skip + out.size())));
      buf.resize(std::size_t{count} * base::kBlockSize);
      if (auto st = device_.Read10(start_ + block, static_cast<std::uint16_t>(count), buf); !st) {
        return st.error().WithWhere(where_ + ": " + base::LbaWhere(start_ + block));
      }
      const std::size_t n = std::min(out.size(), buf.size() - skip);
      std::memcpy(out.data(), buf.data() + skip, n);
      out = out.subspan(n);
      offset += n;
    }
    return base::Ok();
  }

 private:
  mmc::Device& device_;
  std::uint32_t start_;
  std::uint32_t blocks_;
  std::string where_;
};

}  // namespace

const char* VerifyLevelName(VerifyLevel level) {
  switch (level) {
    case VerifyLevel::kNone:
      return "none";
    case VerifyLevel::kQuick:
      return "quick";
    case VerifyLevel::kFull:
      return "full";
  }
  return "none";
}

std::unique_ptr<base::BlockDevice> DriveBlockDevice(mmc::Device& device, std::uint32_t start_lba,
                                                    std::uint32_t blocks, std::string where) {
  return std::make_unique<DriveDevice>(device, start_lba, blocks, std::move(where));
}

base::Expected<std::uint32_t> ReadableBlocks(mmc::Device& device) {
  ASSIGN_OR_RETURN(mmc::ReadCapacityData cap, device.ReadCapacity());
  return cap.last_lba + 1;
}

struct VerifySink::State {
  XXH3_state_t* source = XXH3_createState();
  XXH3_state_t* medium = XXH3_createState();
  State() {
    XXH3_64bits_reset(source);
    XXH3_64bits_reset(medium);
  }
  ~State() {
    XXH3_freeState(source);
    XXH3_freeState(medium);
  }
  State(const State&) = delete;
  State& operator=(const State&) = delete;
};

VerifySink::VerifySink(mmc::Device& device, std::uint32_t start_lba, std::uint32_t blocks,
                       std::string where, ProgressFn progress, CancelFlag cancel)
    : device_(device),
      start_(start_lba),
      blocks_(blocks),
      where_(std::move(where)),
      reporter_(std::move(progress)),
      cancel_(cancel),
      chunker_(std::size_t{kChunk} * base::kBlockSize),
      disc_(std::size_t{kChunk} * base::kBlockSize),
      state_(std::make_unique<State>()) {}

VerifySink::~VerifySink() = default;

std::uint64_t VerifySink::source_hash() const { return XXH3_64bits_digest(state_->source); }
std::uint64_t VerifySink::medium_hash() const { return XXH3_64bits_digest(state_->medium); }

base::Status VerifySink::CompareChunk(std::span<const std::uint8_t> source) {
  if (Cancelled(cancel_)) {
    return base::Error(base::ErrorCode::kCancelled, where_,
                       "verification cancelled at " + base::LbaWhere(start_ + compared_) +
                           " (the medium is unchanged)");
  }
  const auto count = static_cast<std::uint32_t>(base::BlocksFor(source.size()));
  if (compared_ + count > blocks_) return base::Ok();  // longer than the track: Commit says so
  const std::span<std::uint8_t> disc(disc_.data(), std::size_t{count} * base::kBlockSize);
  if (auto st = device_.Read10(start_ + compared_, static_cast<std::uint16_t>(count), disc); !st) {
    return st.error().WithWhere(where_ + ": " + base::LbaWhere(start_ + compared_));
  }
  XXH3_64bits_update(state_->source, source.data(), source.size());
  XXH3_64bits_update(state_->medium, disc.data(), source.size());
  if (!first_difference_ && std::memcmp(source.data(), disc.data(), source.size()) != 0) {
    for (std::uint32_t i = 0; i < count; ++i) {
      const std::size_t at = std::size_t{i} * base::kBlockSize;
      const std::size_t n = std::min<std::size_t>(base::kBlockSize, source.size() - at);
      if (std::memcmp(source.data() + at, disc.data() + at, n) != 0) {
        first_difference_ = start_ + compared_ + i;
        break;
      }
    }
  }
  compared_ += count;
  reporter_.Report(Action::kVerifying, start_, blocks_, compared_);
  return base::Ok();
}

base::Status VerifySink::DoWrite(std::span<const std::uint8_t> data) {
  position_ += data.size();
  return chunker_.Feed(data, [this](std::span<const std::uint8_t> c) { return CompareChunk(c); });
}

base::Status VerifySink::Commit() {
  RETURN_IF_ERROR(
      chunker_.Flush(0, [this](std::span<const std::uint8_t> c) { return CompareChunk(c); }));
  const std::uint64_t expected = std::uint64_t{blocks_} * base::kBlockSize;
  if (first_difference_) {
    return base::Error(base::ErrorCode::kMismatch,
                       where_ + ": " + base::LbaWhere(*first_difference_),
                       "the medium differs from the source (first differing block; xxh3 of the " +
                           std::to_string(compared_) + " blocks compared: source " +
                           Hex64(source_hash()) + ", medium " + Hex64(medium_hash()) + ")");
  }
  if (position_ != expected) {
    return base::Error(base::ErrorCode::kMismatch, where_,
                       "the source has " + std::to_string(position_) +
                           " bytes, the recorded area " + std::to_string(expected));
  }
  reporter_.Report(Action::kVerifying, start_, blocks_, compared_, std::nullopt, true);
  return base::Ok();
}

base::Status VerifyQuick(mmc::Device& device, std::uint32_t start_lba, std::uint32_t blocks,
                         const std::vector<std::uint64_t>& chunk_hashes, const std::string& where,
                         ProgressFn progress) {
  ProgressReporter reporter(std::move(progress));
  reporter.Report(Action::kVerifying, start_lba, blocks, 0, std::nullopt, true);
  // READ DISC INFORMATION: the disc is no longer blank (MMC-5 6.22.3.1.4).
  auto di = device.ReadDiscInformation();
  if (!di) return di.error().WithWhere(where);
  if (di->status == mmc::DiscStatus::kEmpty) {
    return base::Error(base::ErrorCode::kMismatch, where,
                       "the disc reads as blank after the burn (READ DISC INFORMATION)");
  }
  // READ TRACK INFORMATION of the track at start_lba (address type 00b, MMC-5 6.27.2.1).
  auto ti = device.ReadTrackInformation(mmc::TrackAddressType::kLba, start_lba);
  if (!ti) return ti.error().WithWhere(where + ": " + base::LbaWhere(start_lba));
  if (ti->start > start_lba ||
      std::uint64_t{ti->start} + ti->size < std::uint64_t{start_lba} + blocks) {
    return base::Error(base::ErrorCode::kMismatch, where + ": " + base::LbaWhere(start_lba),
                       "the track holds blocks " + std::to_string(ti->start) + " to " +
                           std::to_string(std::uint64_t{ti->start} + ti->size) + ", not the " +
                           std::to_string(blocks) + " burned (READ TRACK INFORMATION)");
  }
  const std::size_t chunks = chunk_hashes.size();
  if (chunks == 0) return base::Ok();
  std::vector<std::size_t> sample = {0, chunks - 1};
  for (std::size_t i = 1; i <= 16; ++i) sample.push_back(chunks * i / 17);
  std::sort(sample.begin(), sample.end());
  sample.erase(std::unique(sample.begin(), sample.end()), sample.end());
  std::vector<std::uint8_t> buf;
  std::uint32_t done = 0;
  for (std::size_t c : sample) {
    if (c >= chunks) continue;
    const std::uint32_t lba = start_lba + static_cast<std::uint32_t>(c) * kChunk;
    const std::uint32_t count = std::min<std::uint32_t>(kChunk, start_lba + blocks - lba);
    buf.resize(std::size_t{count} * base::kBlockSize);
    if (auto st = device.Read10(lba, static_cast<std::uint16_t>(count), buf); !st) {
      return st.error().WithWhere(where + ": " + base::LbaWhere(lba));
    }
    if (XXH3_64bits(buf.data(), buf.size()) != chunk_hashes[c]) {
      return base::Error(base::ErrorCode::kMismatch, where + ": " + base::LbaWhere(lba),
                         "the " + std::to_string(count) +
                             " blocks from here differ from what was written (quick verification)");
    }
    done += count;
    reporter.Report(Action::kVerifying, start_lba, blocks, done);
  }
  return base::Ok();
}

base::Expected<std::uint64_t> HashMedium(mmc::Device& device, std::uint32_t start_lba,
                                         std::uint32_t blocks, const std::string& where,
                                         ProgressFn progress, CancelFlag cancel) {
  ProgressReporter reporter(std::move(progress));
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  std::vector<std::uint8_t> buf;
  base::Status result = base::Ok();
  for (std::uint32_t done = 0; done < blocks;) {
    if (Cancelled(cancel)) {
      result = base::Error(base::ErrorCode::kCancelled, where, "verification cancelled");
      break;
    }
    const std::uint32_t count = std::min(kChunk, blocks - done);
    buf.resize(std::size_t{count} * base::kBlockSize);
    if (auto st = device.Read10(start_lba + done, static_cast<std::uint16_t>(count), buf); !st) {
      result = st.error().WithWhere(where + ": " + base::LbaWhere(start_lba + done));
      break;
    }
    XXH3_64bits_update(state, buf.data(), buf.size());
    done += count;
    reporter.Report(Action::kVerifying, start_lba, blocks, done);
  }
  const std::uint64_t digest = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  if (!result) return result.error();
  return digest;
}

}  // namespace burn

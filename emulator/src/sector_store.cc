// The memory back end of SectorStore (the file back end is sector_store_file.cc).
#include "sector_store.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>

namespace emulator {
namespace {

constexpr std::uint64_t kChunk = SectorStore::kChunkBytes;

// ---------------------------------------------------------------------------------------
class MemoryStore : public SectorStore {
 public:
  explicit MemoryStore(std::uint64_t size)
      : SectorStore(size), chunks_((size + kChunk - 1) / kChunk, nullptr) {}
  ~MemoryStore() override {
    for (void* a : arenas_) ::munmap(a, kArenaBytes);
  }
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  base::Status Write(std::uint64_t offset, std::span<const std::uint8_t> data) override {
    CHECK(offset + data.size() <= size_);
    return ForEachPiece(
        offset, data.size(),
        [&](std::uint64_t idx, std::uint64_t in, std::size_t done, std::size_t n) -> base::Status {
          std::uint8_t*& chunk = chunks_[idx];
          if (chunk == nullptr) {
            if (AllZero(data.data() + done, n)) return base::Ok();
            chunk = NewChunk();
            if (chunk == nullptr) {
              return base::IoError("memory store", "out of memory");
            }
            ++count_;
          }
          std::memcpy(chunk + in, data.data() + done, n);
          return base::Ok();
        });
  }

  base::Status Read(std::uint64_t offset, std::span<std::uint8_t> out) override {
    CHECK(offset + out.size() <= size_);
    return ForEachPiece(
        offset, out.size(),
        [&](std::uint64_t idx, std::uint64_t in, std::size_t done, std::size_t n) -> base::Status {
          if (chunks_[idx] != nullptr) {
            std::memcpy(out.data() + done, chunks_[idx] + in, n);
          } else {
            std::memset(out.data() + done, 0, n);
          }
          return base::Ok();
        });
  }

  bool HasData(std::uint64_t offset, std::uint64_t n) const override {
    if (n == 0) return false;
    for (std::uint64_t i = offset / kChunk; i <= (offset + n - 1) / kChunk && i < chunks_.size();
         ++i) {
      if (chunks_[i] != nullptr) return true;
    }
    return false;
  }

  void Clear() override {
    for (auto& c : chunks_) Release(&c);
  }

  base::Status ClearFrom(std::uint64_t offset) override {
    if (offset >= size_) return base::Ok();
    std::uint64_t first_whole = (offset + kChunk - 1) / kChunk;
    if (offset % kChunk != 0 && chunks_[offset / kChunk] != nullptr) {
      std::memset(chunks_[offset / kChunk] + offset % kChunk, 0, kChunk - offset % kChunk);
    }
    for (std::uint64_t i = first_whole; i < chunks_.size(); ++i) Release(&chunks_[i]);
    return base::Ok();
  }

  base::Status Commit(std::span<const std::uint8_t>) override { return base::Ok(); }
  void Abandon() override {}
  std::uint64_t StorageBytes() const override { return count_ * kChunk; }
  std::uint64_t ChunkCount() const override { return count_; }

 private:
  // Chunks come from 64 MiB anonymous mappings (zero-filled by the kernel, backed by huge
  // pages where the kernel allows), so a burn costs one page fault per 2 MiB and no
  // memset; chunks freed by BLANK or FORMAT are zeroed and reused.
  static constexpr std::size_t kArenaBytes = 64u << 20;

  std::uint8_t* NewChunk() {
    if (!free_.empty()) {
      std::uint8_t* c = free_.back();
      free_.pop_back();
      std::memset(c, 0, kChunk);
      return c;
    }
    if (arena_used_ == kArenaBytes || arenas_.empty()) {
      void* a =
          ::mmap(nullptr, kArenaBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (a == MAP_FAILED) return nullptr;
      ::madvise(a, kArenaBytes, MADV_HUGEPAGE);
      arenas_.push_back(a);
      arena_used_ = 0;
    }
    std::uint8_t* c = static_cast<std::uint8_t*>(arenas_.back()) + arena_used_;
    arena_used_ += kChunk;
    return c;
  }
  void Release(std::uint8_t** c) {
    if (*c == nullptr) return;
    free_.push_back(*c);
    *c = nullptr;
    --count_;
  }

  std::vector<std::uint8_t*> chunks_;
  std::vector<void*> arenas_;
  std::size_t arena_used_ = 0;
  std::vector<std::uint8_t*> free_;
  std::uint64_t count_ = 0;
};

}  // namespace

bool SectorStore::AllZero(const std::uint8_t* p, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t v;
    std::memcpy(&v, p + i, 8);
    if (v != 0) return false;
  }
  for (; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

std::unique_ptr<SectorStore> NewMemoryStore(std::uint64_t size) {
  return std::make_unique<MemoryStore>(size);
}

}  // namespace emulator

// The byte store behind a virtual disc: a linear space of `size` bytes split into 1 MiB
// chunks, of which only written, non-zero chunks exist. Two back ends: memory (raw chunk
// buffers, for tests and benchmarks) and a file (each chunk zstd-compressed with an
// xxh3-64 checksum, appended; an opaque metadata blob plus the chunk table committed by
// switching between two checksummed header copies). specs/emulator.md §3 gives the file
// format; the design follows LevelDB's log-then-manifest and SQLite's double header.
#ifndef MKIMG_EMULATOR_SECTOR_STORE_H_
#define MKIMG_EMULATOR_SECTOR_STORE_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/error.h"

namespace emulator {

class SectorStore {
 public:
  static constexpr std::uint64_t kChunkBytes = 1u << 20;

  virtual ~SectorStore() = default;

  // Copies `data` to byte `offset`. REQUIRES: offset + data.size() <= size().
  virtual base::Status Write(std::uint64_t offset, std::span<const std::uint8_t> data) = 0;
  // Copies bytes at `offset` into `out`; never-written bytes read as zero.
  // REQUIRES: offset + out.size() <= size(). Returns kCorruptImage for a damaged chunk.
  virtual base::Status Read(std::uint64_t offset, std::span<std::uint8_t> out) = 0;
  // True if any chunk overlapping [offset, offset + n) holds data.
  virtual bool HasData(std::uint64_t offset, std::uint64_t n) const = 0;
  // Forgets every chunk (BLANK, a new format): the space reads as zeros again.
  virtual void Clear() = 0;
  // Forgets chunks lying entirely at or after `offset` and zeroes the rest of the chunk
  // holding `offset` (erasing a track tail).
  virtual base::Status ClearFrom(std::uint64_t offset) = 0;
  // Makes all writes durable together with `metadata` (an opaque blob).
  virtual base::Status Commit(std::span<const std::uint8_t> metadata) = 0;
  // Drops every write since the last Commit (an injected power loss). The store must not
  // be used afterwards except to be destroyed.
  virtual void Abandon() = 0;
  // Bytes of host storage the store occupies (file size, or chunk memory).
  virtual std::uint64_t StorageBytes() const = 0;
  // Chunks holding data.
  virtual std::uint64_t ChunkCount() const = 0;

  std::uint64_t size() const { return size_; }

 protected:
  explicit SectorStore(std::uint64_t size) : size_(size) {}
  // True if the n bytes at p are all zero (a chunk of zeros is never stored).
  static bool AllZero(const std::uint8_t* p, std::size_t n);
  // Walks the bytes [offset, offset + size) chunk by chunk, in order:
  // step(chunk index, offset in the chunk, bytes walked before, bytes in this chunk), until
  // a step fails.
  template <typename Step>
  static base::Status ForEachPiece(std::uint64_t offset, std::size_t size, Step&& step) {
    for (std::size_t done = 0; done < size;) {
      const std::uint64_t pos = offset + done;
      const std::uint64_t in = pos % kChunkBytes;
      const auto n =
          static_cast<std::size_t>(std::min<std::uint64_t>(kChunkBytes - in, size - done));
      RETURN_IF_ERROR(step(pos / kChunkBytes, in, done, n));
      done += n;
    }
    return base::Ok();
  }
  std::uint64_t size_;
};

std::unique_ptr<SectorStore> NewMemoryStore(std::uint64_t size);

// Creates `path` (it must not exist) holding an empty store of `size` bytes, committed
// with `metadata`.
base::Expected<std::unique_ptr<SectorStore>> CreateFileStore(
    const std::string& path, std::uint64_t size, std::span<const std::uint8_t> metadata);
// Opens `path`; sets *metadata to the last committed blob.
base::Expected<std::unique_ptr<SectorStore>> OpenFileStore(const std::string& path,
                                                           std::vector<std::uint8_t>* metadata);

}  // namespace emulator

#endif  // MKIMG_EMULATOR_SECTOR_STORE_H_

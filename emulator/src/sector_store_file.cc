// The file back end of SectorStore. The file layout (specs/emulator.md §3):
//   [0, 4096)     header copy A    [4096, 8192)  header copy B
//   [8192, ...)   appended records: zstd chunks and manifests (chunk table + metadata)
// Chunks are appended as they are completed (a worker thread compresses them off the
// command path, §3.3); a commit appends the remaining dirty chunks, then a manifest, syncs,
// then writes the older header copy with sequence + 1 and syncs again. Opening takes the
// valid header with the highest sequence whose manifest checksum matches, so a crash at
// any point leaves the previous commit readable: nothing a valid header references is ever
// overwritten.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "base/bytes.h"
#include "sector_store.h"

namespace emulator {
namespace {

constexpr std::uint64_t kChunk = SectorStore::kChunkBytes;
constexpr std::uint64_t kHeaderSlotBytes = 4096;
constexpr std::uint64_t kDataStart = 2 * kHeaderSlotBytes;
constexpr std::uint32_t kFormatVersion = 1;
constexpr std::array<std::uint8_t, 8> kMagic = {'M', 'K', 'I', 'M', 'G', 'V', 'D', 0x01};
constexpr std::uint32_t kManifestMagic = 0x5453464D;  // "MFST"
// Chunks written in part and kept in memory (rewritten in place: UDF and overwritable
// media) before all of them go to the worker.
constexpr std::size_t kMaxDirtyChunks = 32;
// Chunks handed to the worker and not yet in the file; finished buffers kept for reuse.
constexpr std::size_t kMaxInFlight = 4;
constexpr std::size_t kMaxSpareChunks = kMaxInFlight + 2;
// zstd's first fast level (-1): on CD frames (user data, EDC/ECC and sub-channel, which
// hardly compress) 4.5 times as fast as level 1 for the same size, on a mix of text and
// programs a third faster for 2 % more bytes (specs/emulator.md §3.1).
constexpr int kZstdLevel = -1;
// A chunk that zstd could not shrink by 1/32 is stored as it is (a zstd frame of raw
// blocks) with the next kRawAfterIncompressible chunks, without trying: random or already
// compressed data (a squashfs, a video) costs no compression time; then zstd tries again.
constexpr int kRawAfterIncompressible = 15;
constexpr std::uint64_t kCompactMinGarbage = 4u << 20;

// A zstd frame (RFC 8878 3.1.1) holding `in` in raw blocks, uncompressed, written to
// `out` (at least ZSTD_compressBound(in.size()) bytes); returns its size. Any zstd decoder
// reads it back, so the file format does not change.
std::size_t RawZstdFrame(std::span<const std::uint8_t> in, std::uint8_t* out) {
  constexpr std::size_t kMaxBlock = 128 * 1024;  // RFC 8878 3.1.1.2.4 Block_Maximum_Size
  std::uint8_t* p = out;
  auto le = [&p](std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) *p++ = static_cast<std::uint8_t>(v >> (8 * i));
  };
  le(0xFD2FB528, 4);  // Magic_Number
  *p++ = 0xE0;        // Frame_Header_Descriptor: 8-byte Frame_Content_Size, Single_Segment
  le(in.size(), 8);
  std::size_t at = 0;
  do {
    const std::size_t n = std::min(kMaxBlock, in.size() - at);
    const bool last = at + n == in.size();
    le((n << 3) | (last ? 1u : 0u), 3);  // Block_Header: Raw_Block (type 0)
    std::memcpy(p, in.data() + at, n);
    p += n;
    at += n;
  } while (at < in.size());
  return static_cast<std::size_t>(p - out);
}

// One header copy (specs/emulator.md §3.1), little-endian.
struct HeaderSlot {
  base::Bytes<8> magic;          // BP 0-7: "MKIMGVD\1"
  base::Le32 version;            // BP 8-11
  base::Le32 chunk_bytes;        // BP 12-15
  base::Le64 sequence;           // BP 16-23: higher wins
  base::Le64 store_bytes;        // BP 24-31: size of the linear space
  base::Le64 manifest_offset;    // BP 32-39
  base::Le64 manifest_length;    // BP 40-47
  base::Le64 manifest_checksum;  // BP 48-55: xxh3-64 of the manifest
  base::Le64 header_checksum;    // BP 56-63: xxh3-64 of bytes 0-55
};
static_assert(sizeof(HeaderSlot) == 64);
static_assert(offsetof(HeaderSlot, manifest_checksum) == 48);

// ---------------------------------------------------------------------------------------
// Exclusive use of a virtual disc file (specs/emulator.md §3, "One user at a time"): an
// open-file-description lock (F_OFD_SETLK) over [0, kOwnerByte) excludes every other
// open of the file, from this process or another; a POSIX lock on the byte kOwnerByte,
// far past any disc's end, lets a refused opener learn the holder's pid (F_GETLK reports
// the pid of POSIX locks only). The kernel drops both when the holder closes the file,
// exits or crashes.
constexpr off_t kOwnerByte = off_t{1} << 62;

// The command line of a process, printable and short, or empty when unknown.
std::string CommandOf(pid_t pid) {
  std::string cmd;
  const int fd =
      ::open(("/proc/" + std::to_string(pid) + "/cmdline").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return cmd;
  char buf[256];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  for (ssize_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(buf[i]);
    cmd.push_back(c == 0 ? ' ' : (c < 0x20 || c == 0x7F) ? '?' : static_cast<char>(c));
  }
  while (!cmd.empty() && cmd.back() == ' ') cmd.pop_back();
  if (n == static_cast<ssize_t>(sizeof buf)) cmd += "...";
  return cmd;
}

base::Status LockExclusiveOnce(int fd, const std::string& path) {
  struct flock whole {};
  whole.l_type = F_WRLCK;
  whole.l_whence = SEEK_SET;
  whole.l_start = 0;
  whole.l_len = kOwnerByte;
  if (::fcntl(fd, F_OFD_SETLK, &whole) != 0) {
    const int err = errno;
    // A file system without record locks (some network mounts) cannot exclude anyone:
    // the disc is used as before (specs/emulator.md §3.4).
    if (err == ENOLCK || err == EOPNOTSUPP || err == EINVAL) return base::Ok();
    if (err != EAGAIN && err != EACCES) return base::ErrnoError(path, err);
    struct flock owner {};
    owner.l_type = F_WRLCK;
    owner.l_whence = SEEK_SET;
    owner.l_start = kOwnerByte;
    owner.l_len = 1;
    std::string holder = "another user";
    if (::fcntl(fd, F_GETLK, &owner) == 0 && owner.l_type != F_UNLCK && owner.l_pid > 0) {
      holder = "pid " + std::to_string(owner.l_pid);
      if (std::string cmd = CommandOf(owner.l_pid); !cmd.empty()) holder += " (" + cmd + ")";
    } else {
      holder = "another user in this process, or one that did not say who it is";
    }
    return base::Error(base::ErrorCode::kDevice, path,
                       "the virtual disc is in use by " + holder + "; one user at a time");
  }
  struct flock owner {};
  owner.l_type = F_WRLCK;
  owner.l_whence = SEEK_SET;
  owner.l_start = kOwnerByte;
  owner.l_len = 1;
  (void)::fcntl(fd, F_SETLK, &owner);  // naming only: exclusion is the lock above
  return base::Ok();
}

// A holder that only looks (`mkimg drives`, `emu info`) keeps the disc for milliseconds:
// an opener waits up to half a second for it before refusing, so that a listing never
// makes a burn started at the same moment fail.
base::Status LockExclusive(int fd, const std::string& path) {
  for (int attempt = 0;; ++attempt) {
    base::Status s = LockExclusiveOnce(fd, path);
    if (s || s.error().code() != base::ErrorCode::kDevice || attempt == 25) return s;
    ::usleep(20000);
  }
}

class FileStore : public SectorStore {
 public:
  struct Entry {
    std::uint64_t file_offset = 0;
    std::uint32_t length = 0;  // compressed bytes
    std::uint64_t checksum = 0;
  };

  FileStore(std::string path, int fd, std::uint64_t size)
      : SectorStore(size),
        path_(std::move(path)),
        fd_(fd),
        cctx_(ZSTD_createCCtx()),
        dctx_(ZSTD_createDCtx()) {}
  ~FileStore() override {
    StopWorker();
    ZSTD_freeCCtx(cctx_);
    ZSTD_freeDCtx(dctx_);
    if (fd_ >= 0) ::close(fd_);
  }

  base::Status Write(std::uint64_t offset, std::span<const std::uint8_t> data) override {
    CHECK(offset + data.size() <= size_);
    return ForEachPiece(offset, data.size(),
                        [&](std::uint64_t idx, std::uint64_t in, std::size_t done, std::size_t n) {
                          return WritePiece(idx, in, data.subspan(done, n));
                        });
  }

  base::Status Read(std::uint64_t offset, std::span<std::uint8_t> out) override {
    CHECK(offset + out.size() <= size_);
    return ForEachPiece(offset, out.size(),
                        [&](std::uint64_t idx, std::uint64_t in, std::size_t done, std::size_t n) {
                          return ReadPiece(idx, in, out.subspan(done, n));
                        });
  }

  bool HasData(std::uint64_t offset, std::uint64_t n) const override {
    if (n == 0) return false;
    std::lock_guard<std::mutex> lock(mu_);
    for (std::uint64_t i = offset / kChunk; i <= (offset + n - 1) / kChunk; ++i) {
      if (dirty_.count(i) != 0 || in_flight_.count(i) != 0 || table_.count(i) != 0) return true;
    }
    return false;
  }

  void Clear() override {
    (void)Drain();
    dirty_.clear();
    std::lock_guard<std::mutex> lock(mu_);
    table_.clear();
    cache_index_ = kNoChunk;
  }

  base::Status ClearFrom(std::uint64_t offset) override {
    if (offset >= size_) return base::Ok();
    RETURN_IF_ERROR(Drain());
    if (offset % kChunk != 0) {
      std::uint64_t idx = offset / kChunk;
      if (HasData(idx * kChunk, kChunk)) {
        std::vector<std::uint8_t> zeros(kChunk - offset % kChunk);
        RETURN_IF_ERROR(Write(offset, zeros));
      }
    }
    std::uint64_t first_whole = (offset + kChunk - 1) / kChunk;
    std::erase_if(dirty_, [&](const auto& kv) { return kv.first >= first_whole; });
    std::lock_guard<std::mutex> lock(mu_);
    std::erase_if(table_, [&](const auto& kv) { return kv.first >= first_whole; });
    cache_index_ = kNoChunk;
    return base::Ok();
  }

  base::Status Commit(std::span<const std::uint8_t> metadata) override {
    RETURN_IF_ERROR(FlushDirty());
    RETURN_IF_ERROR(Drain());
    RETURN_IF_ERROR(CommitTable(metadata));
    return MaybeCompact(metadata);
  }

  // Appends the manifest (chunk table + metadata), syncs, then switches the header.
  base::Status CommitTable(std::span<const std::uint8_t> metadata) {
    std::vector<std::uint8_t> manifest;
    base::ByteWriter w(&manifest);
    w.Le32(kManifestMagic);
    w.Le32(static_cast<std::uint32_t>(table_.size()));
    std::vector<std::uint64_t> keys;
    keys.reserve(table_.size());
    for (const auto& kv : table_) keys.push_back(kv.first);
    std::sort(keys.begin(), keys.end());
    for (std::uint64_t k : keys) {
      const Entry& e = table_.at(k);
      w.Le64(k);
      w.Le64(e.file_offset);
      w.Le32(e.length);
      w.Le64(e.checksum);
    }
    w.Le32(static_cast<std::uint32_t>(metadata.size()));
    w.Raw(metadata);
    std::uint64_t manifest_offset = end_;
    RETURN_IF_ERROR(PwriteAll(manifest.data(), manifest.size(), manifest_offset));
    end_ += manifest.size();
    if (::fdatasync(fd_) != 0) return base::ErrnoError(path_, errno);
    HeaderSlot h{};
    std::memcpy(h.magic.b, kMagic.data(), 8);
    h.version.set(kFormatVersion);
    h.chunk_bytes.set(static_cast<std::uint32_t>(kChunk));
    h.sequence.set(sequence_ + 1);
    h.store_bytes.set(size_);
    h.manifest_offset.set(manifest_offset);
    h.manifest_length.set(manifest.size());
    h.manifest_checksum.set(XXH3_64bits(manifest.data(), manifest.size()));
    h.header_checksum.set(XXH3_64bits(&h, offsetof(HeaderSlot, header_checksum)));
    std::uint64_t slot = (sequence_ + 1) % 2;
    std::uint8_t raw[sizeof(HeaderSlot)];
    std::memcpy(raw, &h, sizeof(h));
    RETURN_IF_ERROR(PwriteAll(raw, sizeof(raw), slot * kHeaderSlotBytes));
    if (::fdatasync(fd_) != 0) return base::ErrnoError(path_, errno);
    ++sequence_;
    manifest_bytes_ = manifest.size();
    return base::Ok();
  }

  void Abandon() override {
    // What the worker still holds lands past the last manifest, where no header points.
    (void)Drain();
    dirty_.clear();
    cache_index_ = kNoChunk;
    abandoned_ = true;
  }

  std::uint64_t StorageBytes() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return 0;
    return static_cast<std::uint64_t>(st.st_blocks) * 512;
  }
  std::uint64_t ChunkCount() const override {
    std::lock_guard<std::mutex> lock(mu_);
    std::uint64_t n = table_.size();
    for (const auto& kv : in_flight_) {
      if (table_.count(kv.first) == 0) ++n;
    }
    for (const auto& kv : dirty_) {
      if (table_.count(kv.first) == 0 && in_flight_.count(kv.first) == 0) ++n;
    }
    return n;
  }

  // Reads both header copies and the newest manifest that checks out.
  base::Status Load(std::vector<std::uint8_t>* metadata) {
    struct Candidate {
      std::uint64_t sequence, offset, length, checksum, store_bytes;
    };
    std::vector<Candidate> candidates;
    for (std::uint64_t slot = 0; slot < 2; ++slot) {
      HeaderSlot h;
      ssize_t r = ::pread(fd_, &h, sizeof(h), static_cast<off_t>(slot * kHeaderSlotBytes));
      if (r != static_cast<ssize_t>(sizeof(h))) continue;
      if (std::memcmp(h.magic.b, kMagic.data(), 8) != 0) continue;
      if (h.header_checksum.get() != XXH3_64bits(&h, offsetof(HeaderSlot, header_checksum)))
        continue;
      if (h.version.get() != kFormatVersion || h.chunk_bytes.get() != kChunk) continue;
      candidates.push_back({h.sequence.get(), h.manifest_offset.get(), h.manifest_length.get(),
                            h.manifest_checksum.get(), h.store_bytes.get()});
    }
    std::sort(candidates.begin(), candidates.end(),
              [](const Candidate& a, const Candidate& b) { return a.sequence > b.sequence; });
    struct stat st;
    if (::fstat(fd_, &st) != 0) return base::ErrnoError(path_, errno);
    std::uint64_t file_size = static_cast<std::uint64_t>(st.st_size);
    for (const Candidate& c : candidates) {
      if (c.offset < kDataStart || c.length > file_size || c.offset > file_size - c.length)
        continue;
      if (c.length > (std::uint64_t{1} << 31) || c.store_bytes > (std::uint64_t{1} << 42)) continue;
      std::vector<std::uint8_t> manifest(c.length);
      RETURN_IF_ERROR(PreadAll(manifest.data(), manifest.size(), c.offset));
      if (XXH3_64bits(manifest.data(), manifest.size()) != c.checksum) continue;
      base::ByteReader r(manifest);
      if (r.Le32() != kManifestMagic) continue;
      std::uint32_t entries = r.Le32();
      std::unordered_map<std::uint64_t, Entry> table;
      std::uint64_t chunks = (c.store_bytes + kChunk - 1) / kChunk;
      bool ok = r.remaining() / 28 >= entries;
      for (std::uint32_t i = 0; ok && i < entries; ++i) {
        std::uint64_t k = r.Le64();
        Entry e;
        e.file_offset = r.Le64();
        e.length = r.Le32();
        e.checksum = r.Le64();
        ok = r.ok() && k < chunks && e.file_offset >= kDataStart && e.length <= file_size &&
             e.file_offset <= file_size - e.length && e.length <= ZSTD_compressBound(kChunk);
        table[k] = e;
      }
      std::uint32_t meta_len = r.Le32();
      auto meta = r.Span(meta_len);
      if (!ok || !r.ok() || !r.empty()) continue;
      metadata->assign(meta.begin(), meta.end());
      table_ = std::move(table);
      sequence_ = c.sequence;
      manifest_bytes_ = c.length;
      size_ = c.store_bytes;
      end_ = std::max<std::uint64_t>(file_size, kDataStart);
      return base::Ok();
    }
    return base::CorruptImage(path_, "not a virtual disc, or no valid committed header");
  }

  base::Status Initialize(std::span<const std::uint8_t> metadata) {
    std::vector<std::uint8_t> zeros(kDataStart);
    RETURN_IF_ERROR(PwriteAll(zeros.data(), zeros.size(), 0));
    end_ = kDataStart;
    return Commit(metadata);
  }

 private:
  static constexpr std::uint64_t kNoChunk = ~std::uint64_t{0};

  base::Status PwriteAll(const std::uint8_t* p, std::size_t n, std::uint64_t off) {
    if (abandoned_) return base::IoError(path_, "store abandoned after power loss");
    while (n > 0) {
      ssize_t w = ::pwrite(fd_, p, n, static_cast<off_t>(off));
      if (w < 0) {
        if (errno == EINTR) continue;
        return base::ErrnoError(path_, errno);
      }
      p += w;
      n -= static_cast<std::size_t>(w);
      off += static_cast<std::uint64_t>(w);
    }
    return base::Ok();
  }
  base::Status PreadAll(std::uint8_t* p, std::size_t n, std::uint64_t off) {
    while (n > 0) {
      ssize_t r = ::pread(fd_, p, n, static_cast<off_t>(off));
      if (r < 0) {
        if (errno == EINTR) continue;
        return base::ErrnoError(path_, errno);
      }
      if (r == 0) return base::CorruptImage(path_, "truncated at byte " + std::to_string(off));
      p += r;
      n -= static_cast<std::size_t>(r);
      off += static_cast<std::uint64_t>(r);
    }
    return base::Ok();
  }

  // Superseded chunks and manifests are never overwritten in place. When they outweigh the
  // live data, the live records are copied to a new file that is renamed over the old one
  // (rename is atomic: a crash leaves the old file, plus at worst a stray *.compact file).
  base::Status MaybeCompact(std::span<const std::uint8_t> metadata) {
    std::uint64_t live = manifest_bytes_;
    for (const auto& kv : table_) live += kv.second.length;
    const std::uint64_t garbage = end_ - kDataStart - std::min(end_ - kDataStart, live);
    if (garbage < kCompactMinGarbage || garbage < 2 * live) return base::Ok();
    const std::string tmp = path_ + ".compact";
    int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return base::ErrnoError(tmp, errno);
    // The new file is locked before it takes the old one's name, so no opener ever finds
    // this disc unlocked.
    if (base::Status locked = LockExclusive(fd, tmp); !locked) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return locked;
    }
    FileStore next(tmp, fd, size_);
    std::vector<std::uint8_t> zeros(kDataStart);
    base::Status s = next.PwriteAll(zeros.data(), zeros.size(), 0);
    std::vector<std::uint8_t> comp;
    for (auto it = table_.begin(); s && it != table_.end(); ++it) {
      comp.resize(it->second.length);
      s = PreadAll(comp.data(), comp.size(), it->second.file_offset);
      if (!s) break;
      s = next.PwriteAll(comp.data(), comp.size(), next.end_);
      next.table_[it->first] = Entry{next.end_, it->second.length, it->second.checksum};
      next.end_ += it->second.length;
    }
    next.sequence_ = sequence_;
    if (s) s = next.CommitTable(metadata);
    if (s && ::rename(tmp.c_str(), path_.c_str()) != 0) s = base::ErrnoError(path_, errno);
    if (!s) {
      ::unlink(tmp.c_str());
      return s;
    }
    SyncDirectory();
    std::swap(fd_, next.fd_);
    table_ = std::move(next.table_);
    end_ = next.end_;
    sequence_ = next.sequence_;
    manifest_bytes_ = next.manifest_bytes_;
    cache_index_ = kNoChunk;
    return base::Ok();
  }

  void SyncDirectory() {
    const std::size_t slash = path_.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : path_.substr(0, slash + 1);
    int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d >= 0) {
      ::fsync(d);
      ::close(d);
    }
  }

  // Writes `data` at byte `in` of chunk idx.
  base::Status WritePiece(std::uint64_t idx, std::uint64_t in, std::span<const std::uint8_t> data) {
    auto it = dirty_.find(idx);
    if (it == dirty_.end()) {
      // A chunk still on its way to the file is changed again once it is there.
      std::optional<Entry> stored;
      {
        std::unique_lock<std::mutex> lock(mu_);
        done_cv_.wait(lock, [&] { return in_flight_.count(idx) == 0; });
        if (!worker_error_) return worker_error_.error();
        stored = EntryLocked(idx);
      }
      if (!stored && AllZero(data.data(), data.size())) return base::Ok();
      Dirty chunk{NewChunkBuffer(), 0};
      if (stored && (in != 0 || data.size() != kChunk)) {
        RETURN_IF_ERROR(LoadChunk(idx, *stored, chunk.bytes.data()));
      }
      it = dirty_.emplace(idx, std::move(chunk)).first;
      if (cache_index_ == idx) cache_index_ = kNoChunk;
    }
    Dirty& chunk = it->second;
    std::memcpy(chunk.bytes.data() + in, data.data(), data.size());
    if (in <= chunk.filled) chunk.filled = std::max(chunk.filled, in + data.size());
    if (chunk.filled == kChunk) {
      // Written from end to end in order (a burn): compressed and appended to the file by
      // the worker now, while the writer goes on with the next chunk.
      RETURN_IF_ERROR(Hand(idx, chunk.bytes));
      dirty_.erase(it);
    } else if (dirty_.size() > kMaxDirtyChunks) {
      RETURN_IF_ERROR(FlushDirty());
    }
    return base::Ok();
  }

  // Reads byte `in` of chunk idx on into `out`.
  base::Status ReadPiece(std::uint64_t idx, std::uint64_t in, std::span<std::uint8_t> out) {
    if (auto it = dirty_.find(idx); it != dirty_.end()) {
      std::memcpy(out.data(), it->second.bytes.data() + in, out.size());
      return base::Ok();
    }
    if (cache_index_ != idx) {
      std::optional<Entry> stored;
      {
        std::lock_guard<std::mutex> lock(mu_);
        // The worker only reads a chunk in flight, and drops it under the lock.
        if (auto f = in_flight_.find(idx); f != in_flight_.end()) {
          std::memcpy(out.data(), f->second.data() + in, out.size());
          return base::Ok();
        }
        stored = EntryLocked(idx);
      }
      if (!stored) {
        std::memset(out.data(), 0, out.size());
        return base::Ok();
      }
      cache_.resize(kChunk);
      cache_index_ = kNoChunk;
      RETURN_IF_ERROR(LoadChunk(idx, *stored, cache_.data()));
      cache_index_ = idx;
    }
    std::memcpy(out.data(), cache_.data() + in, out.size());
    return base::Ok();
  }

  // The table entry of chunk idx, if the file holds it. REQUIRES: mu_ held.
  std::optional<Entry> EntryLocked(std::uint64_t idx) const {
    auto it = table_.find(idx);
    if (it == table_.end()) return std::nullopt;
    return it->second;
  }

  base::Status LoadChunk(std::uint64_t idx, const Entry& e, std::uint8_t* out) {
    std::vector<std::uint8_t> comp(e.length);
    RETURN_IF_ERROR(PreadAll(comp.data(), comp.size(), e.file_offset));
    std::string where = path_ + ": chunk " + std::to_string(idx);
    if (XXH3_64bits(comp.data(), comp.size()) != e.checksum) {
      return base::CorruptImage(where, "checksum mismatch");
    }
    std::size_t r = ZSTD_decompressDCtx(dctx_, out, kChunk, comp.data(), comp.size());
    if (ZSTD_isError(r) || r != kChunk) return base::CorruptImage(where, "bad zstd frame");
    return base::Ok();
  }

  // Hands every dirty chunk to the worker.
  base::Status FlushDirty() {
    while (!dirty_.empty()) {
      auto it = dirty_.begin();
      RETURN_IF_ERROR(Hand(it->first, it->second.bytes));
      dirty_.erase(it);
    }
    return base::Ok();
  }

  // --- The worker: compression and appending off the command path ----------------------
  // One thread per store, started by the first chunk handed to it. A chunk handed over
  // stays readable (in_flight_) until its record is in the file and in table_; at most
  // kMaxInFlight wait, so a writer faster than the disk is held back rather than growing
  // memory. Commit waits for the worker to be idle before the manifest is written, so
  // the crash guarantees above are unchanged: a record the worker appended after the last
  // manifest is garbage that no header references.
  // Takes `bytes` only when it succeeds: after an error they stay the writer's, readable.
  base::Status Hand(std::uint64_t idx, std::vector<std::uint8_t>& bytes) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!worker_.joinable()) worker_ = std::thread([this] { WorkerLoop(); });
    done_cv_.wait(lock, [&] { return in_flight_.size() < kMaxInFlight; });
    if (!worker_error_) return worker_error_.error();
    CHECK(in_flight_.count(idx) == 0);
    in_flight_.emplace(idx, std::move(bytes));
    queue_.push_back(idx);
    work_cv_.notify_one();
    return base::Ok();
  }

  // Waits until the worker has appended every chunk handed to it; its first error, if any.
  base::Status Drain() {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [&] { return queue_.empty(); });
    if (!worker_error_) return worker_error_.error();
    return base::Ok();
  }

  void StopWorker() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    work_cv_.notify_all();
    if (worker_.joinable()) worker_.join();
  }

  void WorkerLoop() {
    std::vector<std::uint8_t> comp(ZSTD_compressBound(kChunk));
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      work_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;  // the store is going away: nothing uncommitted is kept
      const std::uint64_t idx = queue_.front();
      const std::vector<std::uint8_t>& bytes = in_flight_.at(idx);
      const bool ok = worker_error_.has_value();
      lock.unlock();
      base::Status s = base::Ok();
      std::optional<Entry> entry;  // none: the chunk is all zeros and leaves the table
      if (ok && !AllZero(bytes.data(), bytes.size())) {
        std::size_t n;
        if (raw_left_ > 0) {
          --raw_left_;
          n = RawZstdFrame(bytes, comp.data());
        } else {
          n = ZSTD_compressCCtx(cctx_, comp.data(), comp.size(), bytes.data(), bytes.size(),
                                kZstdLevel);
          if (!ZSTD_isError(n) && n > bytes.size() - bytes.size() / 32) {
            raw_left_ = kRawAfterIncompressible;
            n = RawZstdFrame(bytes, comp.data());
          }
        }
        if (ZSTD_isError(n)) {
          s = base::IoError(path_, ZSTD_getErrorName(n));
        } else {
          // Only this thread appends while it runs (Commit and compaction wait for it).
          s = PwriteAll(comp.data(), n, end_);
          if (s) {
            entry = Entry{end_, static_cast<std::uint32_t>(n), XXH3_64bits(comp.data(), n)};
            // Start writing it back now, so that the commit's fdatasync finds little left.
            (void)::sync_file_range(fd_, static_cast<off_t>(end_), static_cast<off_t>(n),
                                    SYNC_FILE_RANGE_WRITE);
          }
        }
      }
      lock.lock();
      if (!s && worker_error_) worker_error_ = std::move(s);
      if (ok && worker_error_) {
        if (entry) {
          table_[idx] = *entry;
          end_ += entry->length;
        } else {
          table_.erase(idx);
        }
      }
      auto node = in_flight_.extract(idx);
      if (spare_.size() < kMaxSpareChunks) spare_.push_back(std::move(node.mapped()));
      queue_.pop_front();
      done_cv_.notify_all();
    }
  }

  // A zeroed chunk buffer; flushed ones are reused, so that a long burn does not fault in
  // fresh memory for every chunk.
  std::vector<std::uint8_t> NewChunkBuffer() {
    std::vector<std::uint8_t> buf;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (spare_.empty()) return std::vector<std::uint8_t>(kChunk);
      buf = std::move(spare_.back());
      spare_.pop_back();
    }
    std::memset(buf.data(), 0, buf.size());
    return buf;
  }

  // A chunk being written: its bytes, and how far from its start they were written in
  // order (kChunk: all of it, so it goes to the worker at once).
  struct Dirty {
    std::vector<std::uint8_t> bytes;
    std::uint64_t filled = 0;
  };

  std::string path_;
  int fd_;
  ZSTD_CCtx* cctx_;   // the worker's
  int raw_left_ = 0;  // the worker's: chunks still to store raw (kRawAfterIncompressible)
  ZSTD_DCtx* dctx_;
  std::map<std::uint64_t, Dirty> dirty_;
  std::vector<std::uint8_t> cache_;
  std::uint64_t cache_index_ = kNoChunk;
  std::uint64_t sequence_ = 0;
  std::uint64_t manifest_bytes_ = 0;
  std::atomic<bool> abandoned_ = false;

  // Shared with the worker, under mu_. While the worker runs, only it appends (end_).
  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // queue_ gained a chunk, or stop_
  std::condition_variable done_cv_;  // the worker finished a chunk
  std::unordered_map<std::uint64_t, Entry> table_;
  std::map<std::uint64_t, std::vector<std::uint8_t>> in_flight_;
  std::deque<std::uint64_t> queue_;
  std::vector<std::vector<std::uint8_t>> spare_;  // finished chunk buffers, kChunk each
  base::Status worker_error_ = base::Ok();
  std::uint64_t end_ = kDataStart;
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace

base::Expected<std::unique_ptr<SectorStore>> CreateFileStore(
    const std::string& path, std::uint64_t size, std::span<const std::uint8_t> metadata) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return base::ErrnoError(path, errno);
  if (base::Status locked = LockExclusive(fd, path); !locked) {
    ::close(fd);
    ::unlink(path.c_str());
    return std::move(locked).error();
  }
  auto store = std::make_unique<FileStore>(path, fd, size);
  base::Status s = store->Initialize(metadata);
  if (!s) {
    store.reset();
    ::unlink(path.c_str());
    return std::move(s).error();
  }
  return std::unique_ptr<SectorStore>(std::move(store));
}

base::Expected<std::unique_ptr<SectorStore>> OpenFileStore(const std::string& path,
                                                           std::vector<std::uint8_t>* metadata) {
  int fd = -1;
  // A holder that compacts renames a new, locked file over the one opened here: the lock
  // then covers a file no longer named `path`, and the open is retried.
  for (int attempt = 0;; ++attempt) {
    fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      // A missing or non-file path is the user's mistake (exit 2), not a failing host.
      if (err == ENOENT || err == ENOTDIR || err == EISDIR)
        return base::InvalidInput(path, std::strerror(err));
      return base::ErrnoError(path, err);
    }
    if (base::Status locked = LockExclusive(fd, path); !locked) {
      ::close(fd);
      return std::move(locked).error();
    }
    struct stat opened, named;
    if (::fstat(fd, &opened) == 0 && ::stat(path.c_str(), &named) == 0 &&
        (opened.st_ino != named.st_ino || opened.st_dev != named.st_dev) && attempt < 8) {
      ::close(fd);
      continue;
    }
    break;
  }
  auto store = std::make_unique<FileStore>(path, fd, 0);
  RETURN_IF_ERROR(store->Load(metadata));
  return std::unique_ptr<SectorStore>(std::move(store));
}

}  // namespace emulator

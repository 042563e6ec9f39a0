// Memory and file back ends of SectorStore. The file layout (specs/emulator.md §3):
//   [0, 4096)     header copy A    [4096, 8192)  header copy B
//   [8192, ...)   appended records: zstd chunks and manifests (chunk table + metadata)
// A commit appends the dirty chunks, then a manifest, syncs, then writes the older header
// copy with sequence + 1 and syncs again. Opening takes the valid header with the highest
// sequence whose manifest checksum matches, so a crash at any point leaves the previous
// commit readable: nothing a valid header references is ever overwritten.
#include "sector_store.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <string>
#include <unordered_map>

#include "base/bytes.h"

namespace emulator {
namespace {

constexpr std::uint64_t kChunk = SectorStore::kChunkBytes;
constexpr std::uint64_t kHeaderSlotBytes = 4096;
constexpr std::uint64_t kDataStart = 2 * kHeaderSlotBytes;
constexpr std::uint32_t kFormatVersion = 1;
constexpr std::array<std::uint8_t, 8> kMagic = {'M', 'K', 'I', 'M', 'G', 'V', 'D', 0x01};
constexpr std::uint32_t kManifestMagic = 0x5453464D;  // "MFST"
constexpr std::size_t kMaxDirtyChunks = 32;
constexpr int kZstdLevel = 1;
constexpr std::uint64_t kCompactMinGarbage = 4u << 20;

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

bool AllZero(const std::uint8_t* p, std::size_t n) {
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
    std::size_t done = 0;
    while (done < data.size()) {
      std::uint64_t pos = offset + done;
      std::uint64_t idx = pos / kChunk;
      std::uint64_t in = pos % kChunk;
      std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(kChunk - in, data.size() - done));
      std::uint8_t*& chunk = chunks_[idx];
      if (chunk == nullptr) {
        if (AllZero(data.data() + done, n)) {
          done += n;
          continue;
        }
        chunk = NewChunk();
        if (chunk == nullptr) return base::IoError("memory store", "out of memory");
        ++count_;
      }
      std::memcpy(chunk + in, data.data() + done, n);
      done += n;
    }
    return base::Ok();
  }

  base::Status Read(std::uint64_t offset, std::span<std::uint8_t> out) override {
    CHECK(offset + out.size() <= size_);
    std::size_t done = 0;
    while (done < out.size()) {
      std::uint64_t pos = offset + done;
      std::uint64_t idx = pos / kChunk;
      std::uint64_t in = pos % kChunk;
      std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(kChunk - in, out.size() - done));
      if (chunks_[idx] != nullptr) {
        std::memcpy(out.data() + done, chunks_[idx] + in, n);
      } else {
        std::memset(out.data() + done, 0, n);
      }
      done += n;
    }
    return base::Ok();
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
    ZSTD_freeCCtx(cctx_);
    ZSTD_freeDCtx(dctx_);
    if (fd_ >= 0) ::close(fd_);
  }

  base::Status Write(std::uint64_t offset, std::span<const std::uint8_t> data) override {
    CHECK(offset + data.size() <= size_);
    std::size_t done = 0;
    while (done < data.size()) {
      std::uint64_t pos = offset + done;
      std::uint64_t idx = pos / kChunk;
      std::uint64_t in = pos % kChunk;
      std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(kChunk - in, data.size() - done));
      auto it = dirty_.find(idx);
      if (it == dirty_.end()) {
        bool present = table_.count(idx) != 0;
        if (!present && AllZero(data.data() + done, n)) {
          done += n;
          continue;
        }
        std::vector<std::uint8_t> buf = NewChunkBuffer();
        if (present && (in != 0 || n != kChunk)) RETURN_IF_ERROR(LoadChunk(idx, buf.data()));
        it = dirty_.emplace(idx, std::move(buf)).first;
        if (cache_index_ == idx) cache_index_ = kNoChunk;
      }
      std::memcpy(it->second.data() + in, data.data() + done, n);
      done += n;
      if (dirty_.size() > kMaxDirtyChunks) RETURN_IF_ERROR(FlushDirty());
    }
    return base::Ok();
  }

  base::Status Read(std::uint64_t offset, std::span<std::uint8_t> out) override {
    CHECK(offset + out.size() <= size_);
    std::size_t done = 0;
    while (done < out.size()) {
      std::uint64_t pos = offset + done;
      std::uint64_t idx = pos / kChunk;
      std::uint64_t in = pos % kChunk;
      std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(kChunk - in, out.size() - done));
      auto it = dirty_.find(idx);
      if (it != dirty_.end()) {
        std::memcpy(out.data() + done, it->second.data() + in, n);
      } else if (table_.count(idx) != 0) {
        if (cache_index_ != idx) {
          cache_.resize(kChunk);
          cache_index_ = kNoChunk;
          RETURN_IF_ERROR(LoadChunk(idx, cache_.data()));
          cache_index_ = idx;
        }
        std::memcpy(out.data() + done, cache_.data() + in, n);
      } else {
        std::memset(out.data() + done, 0, n);
      }
      done += n;
    }
    return base::Ok();
  }

  bool HasData(std::uint64_t offset, std::uint64_t n) const override {
    if (n == 0) return false;
    for (std::uint64_t i = offset / kChunk; i <= (offset + n - 1) / kChunk; ++i) {
      if (dirty_.count(i) != 0 || table_.count(i) != 0) return true;
    }
    return false;
  }

  void Clear() override {
    dirty_.clear();
    table_.clear();
    cache_index_ = kNoChunk;
  }

  base::Status ClearFrom(std::uint64_t offset) override {
    if (offset >= size_) return base::Ok();
    if (offset % kChunk != 0) {
      std::uint64_t idx = offset / kChunk;
      if (HasData(idx * kChunk, kChunk)) {
        std::vector<std::uint8_t> zeros(kChunk - offset % kChunk);
        RETURN_IF_ERROR(Write(offset, zeros));
      }
    }
    std::uint64_t first_whole = (offset + kChunk - 1) / kChunk;
    std::erase_if(dirty_, [&](const auto& kv) { return kv.first >= first_whole; });
    std::erase_if(table_, [&](const auto& kv) { return kv.first >= first_whole; });
    cache_index_ = kNoChunk;
    return base::Ok();
  }

  base::Status Commit(std::span<const std::uint8_t> metadata) override {
    RETURN_IF_ERROR(FlushDirty());
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
    std::uint64_t n = table_.size();
    for (const auto& kv : dirty_) {
      if (table_.count(kv.first) == 0) ++n;
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

  base::Status LoadChunk(std::uint64_t idx, std::uint8_t* out) {
    const Entry& e = table_.at(idx);
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

  base::Status FlushDirty() {
    comp_.resize(ZSTD_compressBound(kChunk));
    for (auto& [idx, buf] : dirty_) {
      if (AllZero(buf.data(), buf.size())) {
        table_.erase(idx);
        continue;
      }
      std::size_t n =
          ZSTD_compressCCtx(cctx_, comp_.data(), comp_.size(), buf.data(), buf.size(), kZstdLevel);
      if (ZSTD_isError(n)) return base::IoError(path_, ZSTD_getErrorName(n));
      RETURN_IF_ERROR(PwriteAll(comp_.data(), n, end_));
      table_[idx] = Entry{end_, static_cast<std::uint32_t>(n), XXH3_64bits(comp_.data(), n)};
      end_ += n;
    }
    for (auto& kv : dirty_) {
      if (spare_.size() <= kMaxDirtyChunks) spare_.push_back(std::move(kv.second));
    }
    dirty_.clear();
    return base::Ok();
  }

  // A zeroed chunk buffer; flushed ones are reused, so that a long burn does not fault in
  // fresh memory for every chunk.
  std::vector<std::uint8_t> NewChunkBuffer() {
    if (spare_.empty()) return std::vector<std::uint8_t>(kChunk);
    std::vector<std::uint8_t> buf = std::move(spare_.back());
    spare_.pop_back();
    std::memset(buf.data(), 0, buf.size());
    return buf;
  }

  std::string path_;
  int fd_;
  ZSTD_CCtx* cctx_;
  ZSTD_DCtx* dctx_;
  std::unordered_map<std::uint64_t, Entry> table_;
  std::map<std::uint64_t, std::vector<std::uint8_t>> dirty_;
  std::vector<std::vector<std::uint8_t>> spare_;  // flushed chunk buffers, kChunk each
  std::vector<std::uint8_t> comp_;                // compression output
  std::vector<std::uint8_t> cache_;
  std::uint64_t cache_index_ = kNoChunk;
  std::uint64_t end_ = kDataStart;
  std::uint64_t sequence_ = 0;
  std::uint64_t manifest_bytes_ = 0;
  bool abandoned_ = false;
};

}  // namespace

std::unique_ptr<SectorStore> NewMemoryStore(std::uint64_t size) {
  return std::make_unique<MemoryStore>(size);
}

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

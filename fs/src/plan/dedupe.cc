// Duplicate content stored once; see dedupe.h.
#include "plan/dedupe.h"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace fs::plan {
namespace {

constexpr std::size_t kChunk = 1 << 20;

// Reads a file's content in chunks: a host file from its path, inline text from the tree.
class ContentReader {
 public:
  ContentReader(const Tree& tree, const Content& c) : tree_(tree), c_(c) {}
  ~ContentReader() {
    if (fd_ >= 0) ::close(fd_);
  }
  ContentReader(const ContentReader&) = delete;
  ContentReader& operator=(const ContentReader&) = delete;

  // The next chunk, empty at the end.
  base::Expected<std::span<const std::uint8_t>> Next() {
    if (c_.kind == ContentKind::kInline) {
      const std::string_view all = tree_.inline_bytes(c_);
      const std::string_view rest = all.substr(std::min(done_, all.size()));
      const std::size_t n = std::min(rest.size(), kChunk);
      done_ += n;
      return std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(rest.data()), n);
    }
    if (fd_ < 0) {
      fd_ = ::open(tree_.HostPath(c_).c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
      if (fd_ < 0) return base::ErrnoError(tree_.HostPath(c_), errno);
      buffer_ = std::make_unique<std::uint8_t[]>(kChunk);
    }
    ssize_t n;
    do {
      n = ::read(fd_, buffer_.get(), kChunk);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return base::ErrnoError(tree_.HostPath(c_), errno);
    return std::span<const std::uint8_t>(buffer_.get(), static_cast<std::size_t>(n));
  }

 private:
  const Tree& tree_;
  const Content& c_;
  int fd_ = -1;
  std::size_t done_ = 0;
  std::unique_ptr<std::uint8_t[]> buffer_;
};

base::Expected<std::uint64_t> Hash(const Tree& tree, const Content& c) {
  ContentReader reader(tree, c);
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  while (true) {
    auto chunk = reader.Next();
    if (!chunk) {
      XXH3_freeState(state);
      return chunk.error();
    }
    if (chunk->empty()) break;
    XXH3_64bits_update(state, chunk->data(), chunk->size());
  }
  const std::uint64_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return h;
}

// Byte for byte, chunk by chunk (regular files and inline text come in equal chunks; a
// short read only makes two equal files count as different, which is safe).
base::Expected<bool> Equal(const Tree& tree, const Content& a, const Content& b) {
  ContentReader ra(tree, a), rb(tree, b);
  while (true) {
    ASSIGN_OR_RETURN(std::span<const std::uint8_t> x, ra.Next());
    ASSIGN_OR_RETURN(std::span<const std::uint8_t> y, rb.Next());
    if (x.size() != y.size() || std::memcmp(x.data(), y.data(), x.size()) != 0) return false;
    if (x.empty()) return true;
  }
}

}  // namespace

base::Expected<DedupeSaving> ShareDuplicateContent(const Tree& tree,
                                                   const std::vector<NodeId>& order,
                                                   std::vector<NodeId>* owner) {
  struct Candidate {
    std::uint64_t size;
    std::uint64_t hash;
    std::uint32_t position;  // in `order`
    bool zeros;
  };
  std::vector<Candidate> candidates;
  for (std::uint32_t i = 0; i < order.size(); ++i) {
    if ((*owner)[i] != order[i]) continue;  // a hard link already shares
    const Content& c = tree.content(order[i]);
    if (c.size == 0) continue;
    if (c.kind == ContentKind::kHostFile || c.kind == ContentKind::kInline ||
        c.kind == ContentKind::kZeros) {
      candidates.push_back({c.size, 0, i, c.kind == ContentKind::kZeros});
    }
  }
  auto by_size = [](const Candidate& a, const Candidate& b) {
    if (a.size != b.size) return a.size < b.size;
    if (a.zeros != b.zeros) return a.zeros;
    return a.position < b.position;
  };
  std::sort(candidates.begin(), candidates.end(), by_size);
  DedupeSaving saving;
  std::unordered_map<NodeId, NodeId> moved;  // a duplicate's node -> the owner it shares
  auto share = [&](std::uint32_t from, std::uint32_t to) {
    moved.emplace(order[from], order[to]);
    ++saving.files;
    saving.bytes += tree.content(order[from]).size;
  };
  for (std::size_t i = 0; i < candidates.size();) {
    std::size_t j = i + 1;
    while (j < candidates.size() && candidates[j].size == candidates[i].size &&
           candidates[j].zeros == candidates[i].zeros) {
      ++j;
    }
    if (j - i > 1) {
      if (candidates[i].zeros) {
        for (std::size_t k = i + 1; k < j; ++k)
          share(candidates[k].position, candidates[i].position);
      } else {
        for (std::size_t k = i; k < j; ++k) {
          ASSIGN_OR_RETURN(candidates[k].hash,
                           Hash(tree, tree.content(order[candidates[k].position])));
        }
        std::sort(candidates.begin() + static_cast<std::ptrdiff_t>(i),
                  candidates.begin() + static_cast<std::ptrdiff_t>(j),
                  [](const Candidate& a, const Candidate& b) {
                    return a.hash != b.hash ? a.hash < b.hash : a.position < b.position;
                  });
        for (std::size_t a = i; a < j;) {
          std::size_t b = a + 1;
          while (b < j && candidates[b].hash == candidates[a].hash) ++b;
          // Within equal hashes: each file joins the first earlier one it equals.
          std::vector<std::uint32_t> owners;
          for (std::size_t k = a; k < b; ++k) {
            const std::uint32_t pos = candidates[k].position;
            bool joined = false;
            for (std::uint32_t o : owners) {
              ASSIGN_OR_RETURN(bool same,
                               Equal(tree, tree.content(order[o]), tree.content(order[pos])));
              if (same) {
                share(pos, o);
                joined = true;
                break;
              }
            }
            if (!joined) owners.push_back(pos);
          }
          a = b;
        }
      }
    }
    i = j;
  }
  // The duplicates and their hard links take the new owner (never itself moved).
  if (!moved.empty()) {
    for (NodeId& o : *owner) {
      auto it = moved.find(o);
      if (it != moved.end()) o = it->second;
    }
  }
  return saving;
}

}  // namespace fs::plan

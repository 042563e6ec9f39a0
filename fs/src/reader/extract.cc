// Safe extraction of a read tree into a host directory (see Extract in image_reader.h).
// Every path is resolved one component at a time from the destination's descriptor with
// openat(O_NOFOLLOW | O_DIRECTORY), names are checked to be single safe components,
// regular files are created with O_EXCL|O_NOFOLLOW after removing whatever was there,
// and symbolic links are created only after every directory and file exists, so no link
// from the image is ever followed. Runs of zeros become holes (lseek + ftruncate).
// Devices, FIFOs and sockets are made with mknodat (devices only with privilege; else
// each is reported and skipped).
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "fs/image_reader.h"
#include "reader/reader_util.h"

namespace fs {
namespace {

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

class Extractor {
 public:
  Extractor(const base::BlockDevice& device, const ImageTree& tree, int dest_fd,
            std::string dest_name, const ExtractOptions& options)
      : device_(device),
        tree_(tree),
        t_(tree.tree),
        dest_fd_(dest_fd),
        dest_(std::move(dest_name)),
        options_(options),
        root_(geteuid() == 0) {}

  base::Status Run(NodeId from) {
    buffer_.resize(1 << 20);
    std::vector<NodeId> dirs;
    std::vector<NodeId> links;
    if (t_.node(from).type != NodeType::kDirectory) {
      return base::InvalidInput(t_.Path(from), "not a directory; extract takes a directory");
    }
    RETURN_IF_ERROR(Select(from));
    total_ = SelectedBytes(from);
    base::Status status = ExtractTree(from, &dirs, &links);
    // Symbolic links last, so none can redirect a later write.
    for (std::size_t i = 0; status && i < links.size(); ++i) status = ExtractLink(from, links[i]);
    // Directory modes and times last, deepest first (writing into them changes mtime),
    // whatever happened above: an interrupted extraction leaves no folder at 0700.
    base::Status restored = RestoreDirectories(from, dirs);
    RETURN_IF_ERROR(status);
    RETURN_IF_ERROR(restored);
    if (options_.progress) options_.progress(done_, total_);
    const std::uint64_t damaged = skipped_ + removed_partial_ + kept_partial_;
    if (damaged == 0) return base::Ok();
    std::string what =
        std::to_string(damaged) + (damaged == 1 ? " damaged entry" : " damaged entries");
    if (removed_partial_ == 0 && kept_partial_ == 0) {
      what += " skipped (named above)";
    } else {
      what += " (named above)";
      std::string parts;
      auto add = [&](std::uint64_t n, const std::string& text) {
        if (n == 0) return;
        parts += (parts.empty() ? ": " : ", ") + std::to_string(n) + " " + text;
      };
      add(skipped_, "skipped");
      add(removed_partial_,
          (removed_partial_ == 1 ? "file" : "files") +
              std::string(" read in part and removed (--keep-partial keeps them)"));
      add(kept_partial_, (kept_partial_ == 1 ? "file" : "files") +
                             std::string(" read in part and kept as such (--keep-partial)"));
      what += parts;
    }
    return base::CorruptImage(dest_, what + "; everything else was extracted");
  }

 private:
  // ExtractOptions::only: the chosen entries (whole subtrees) and the directories on the
  // way to them. Empty sets: everything below `from`.
  base::Status Select(NodeId from) {
    for (NodeId n : options_.only) {
      if (n == from) {
        whole_.clear();
        on_the_way_.clear();
        return base::Ok();
      }
      whole_.insert(n);
      NodeId p = t_.node(n).parent;
      for (; p != from && p != kNoNode; p = t_.node(p).parent) on_the_way_.insert(p);
      if (p == kNoNode) return base::InvalidInput(t_.Path(n), "is not below " + t_.Path(from));
    }
    return base::Ok();
  }

  bool Selected(NodeId child) const {
    return whole_.count(child) != 0 || on_the_way_.count(child) != 0;
  }

  // The file bytes the extraction will write, for progress.
  std::uint64_t SelectedBytes(NodeId from) const {
    std::vector<NodeId> stack;
    if (whole_.empty()) {
      stack.push_back(from);
    } else {
      stack.assign(whole_.begin(), whole_.end());
    }
    std::uint64_t total = 0;
    while (!stack.empty()) {
      const NodeId n = stack.back();
      stack.pop_back();
      const Node& node = t_.node(n);
      if (node.type == NodeType::kFile) total += t_.content(n).size;
      if (node.type == NodeType::kDirectory) {
        for (NodeId c : t_.children(n)) stack.push_back(c);
      }
    }
    return total;
  }

  void Progress(std::uint64_t bytes) {
    done_ += bytes;
    if (options_.progress) options_.progress(done_, total_);
  }

  std::string Relative(NodeId from, NodeId id) const {
    std::string full = t_.Path(id);
    std::string base_path = t_.Path(from);
    if (base_path == "/") return full;
    return full.substr(base_path.size());
  }

  std::string HostPath(NodeId from, NodeId id) const {
    std::string rel = Relative(from, id);
    if (rel.empty() || rel == "/") return dest_;
    return dest_ + rel;
  }

  base::Error Errno(NodeId from, NodeId id) const {
    return base::ErrnoError(HostPath(from, id), errno);
  }

  std::uint32_t Mode(NodeId id) const {
    std::uint32_t mode = t_.node(id).mode & 07777;
    if (!root_) mode &= ~std::uint32_t{06000};  // setuid/setgid only for root (as tar does)
    return mode;
  }

  void SetOwnerAndTime(int dir_fd, const std::string& name, NodeId id, int flags) {
    const Node& n = t_.node(id);
    if (options_.restore_owner && root_) (void)fchownat(dir_fd, name.c_str(), n.uid, n.gid, flags);
    struct timespec times[2];
    times[0].tv_sec = n.mtime.seconds;
    times[0].tv_nsec = n.mtime.nanoseconds;
    times[1] = times[0];
    (void)utimensat(dir_fd, name.c_str(), times, flags);
  }

  // Directories breadth-first; each is opened from its nearest open ancestor.
  // With a selection, a directory on the way to a chosen entry holds only the chosen
  // entries and the directories on the way; a chosen directory holds everything.
  base::Status ExtractTree(NodeId from, std::vector<NodeId>* dirs, std::vector<NodeId>* links) {
    std::vector<NodeId> queue{from};
    std::unordered_set<NodeId> whole_dirs;
    if (whole_.empty()) whole_dirs.insert(from);
    for (std::size_t qi = 0; qi < queue.size(); ++qi) {
      const NodeId dir = queue[qi];
      ASSIGN_OR_RETURN(const int fd, OpenDirectory(from, dir));
      dirs->push_back(dir);
      const bool whole = whole_dirs.count(dir) != 0;
      for (NodeId child : t_.children(dir)) {
        if (!whole && !Selected(child)) continue;
        const std::size_t queued = queue.size();
        base::Status s = ExtractOne(from, child, fd, &queue, links);
        if (queue.size() > queued && (whole || whole_.count(child) != 0)) whole_dirs.insert(child);
        if (!s) RETURN_IF_ERROR(SkipOrFail(child, fd, std::move(s).error()));
      }
    }
    return base::Ok();
  }

  base::Status ExtractLink(NodeId from, NodeId link) {
    ASSIGN_OR_RETURN(const int fd, OpenDirectory(from, t_.node(link).parent));
    const std::string name(t_.name(link));
    const std::string_view target = t_.symlink_target(link);
    // A target the host cannot hold as it is recorded would make a different link than
    // `ls` shows: skipped, never truncated.
    if (target.empty() || target.find('\0') != std::string_view::npos) {
      return SkipOrFail(
          link, -1,
          base::CorruptImage(t_.Path(link), target.empty() ? "a symbolic link with no target"
                                                           : "a link target holding NUL"));
    }
    if (unlinkat(fd, name.c_str(), 0) != 0 && errno != ENOENT) return Errno(from, link);
    if (symlinkat(std::string(target).c_str(), fd, name.c_str()) != 0) {
      if (errno == ENAMETOOLONG || errno == EINVAL) {
        return SkipOrFail(link, -1, base::CorruptImage(t_.Path(link), std::strerror(errno)));
      }
      return Errno(from, link);
    }
    SetOwnerAndTime(fd, name, link, AT_SYMLINK_NOFOLLOW);
    return base::Ok();
  }

  base::Status RestoreDirectories(NodeId from, const std::vector<NodeId>& dirs) {
    base::Status first = base::Ok();
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
      const NodeId dir = *it;
      if (dir == from) continue;
      auto fd = OpenDirectory(from, t_.node(dir).parent);
      if (!fd) {
        if (first) first = std::move(fd).error();
        continue;
      }
      const std::string name(t_.name(dir));
      if (fchmodat(*fd, name.c_str(), Mode(dir), 0) != 0 && first) first = Errno(from, dir);
      SetOwnerAndTime(*fd, name, dir, 0);
    }
    return first;
  }

  // A damaged entry (kCorruptImage: data past its extents or the image, a name no host can
  // hold, a link no host can make) is reported with its image path and LBA, removed if it
  // was half written, and skipped; anything else (the host failing) stops extraction.
  // A file read in part is never left as if it were whole: it is removed, or kept when
  // --keep-partial asks (ExtractOptions::keep_partial), whatever stopped it. The LBA named
  // is the block whose read failed when the error gives one, else the file's first.
  base::Status SkipOrFail(NodeId id, int dir_fd, base::Error error) {
    const bool partial = dir_fd >= 0 && half_written_ == id;
    half_written_ = kNoNode;
    if (partial && !options_.keep_partial) {
      (void)unlinkat(dir_fd, std::string(t_.name(id)).c_str(), 0);
    }
    if (error.code() != base::ErrorCode::kCorruptImage) return error;
    std::string where = t_.Path(id);
    if (error.where().rfind("LBA ", 0) == 0) {
      where += " (" + error.where() + ")";
    } else if (t_.node(id).type == NodeType::kFile) {
      const auto extents = tree_.FileExtents(id);
      if (!extents.empty()) {
        where += " (LBA " + std::to_string(extents.front().location / base::kBlockSize) + ")";
      }
    }
    const char* outcome = "skipped";
    if (partial && options_.keep_partial) {
      ++kept_partial_;
      outcome = "kept partial (--keep-partial)";
    } else if (partial) {
      ++removed_partial_;
      outcome = "read in part, removed";
    } else {
      ++skipped_;
    }
    if (options_.warning) options_.warning(where + ": " + error.what() + "; " + outcome);
    return base::Ok();
  }

  // Opens `dir` (a descendant of `from`) without following links: from its nearest
  // ancestor among the recently opened directories (or from DEST), one component at a
  // time. The descriptor stays owned by the cache.
  base::Expected<int> OpenDirectory(NodeId from, NodeId dir) {
    std::vector<NodeId> chain;
    int fd = -1;
    for (NodeId n = dir;; n = t_.node(n).parent) {
      if (auto it = open_dirs_.find(n); it != open_dirs_.end()) {
        fd = it->second.get();
        break;
      }
      if (n == from || n == kNoNode) break;
      chain.push_back(n);
    }
    if (fd < 0) {
      Fd top(openat(dest_fd_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      if (top.get() < 0) return base::ErrnoError(dest_, errno);
      fd = Remember(from, std::move(top));
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      const std::string name(t_.name(*it));
      Fd next(openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (next.get() < 0) return base::ErrnoError(HostPath(from, *it), errno);
      fd = Remember(*it, std::move(next));
    }
    return fd;
  }

  int Remember(NodeId id, Fd fd) {
    if (open_order_.size() >= kOpenDirectories) {
      open_dirs_.erase(open_order_.front());
      open_order_.pop_front();
    }
    const int raw = fd.get();
    open_dirs_.emplace(id, std::move(fd));
    open_order_.push_back(id);
    return raw;
  }

  base::Status ExtractOne(NodeId from, NodeId id, int dir_fd, std::vector<NodeId>* queue,
                          std::vector<NodeId>* links) {
    const std::string name(t_.name(id));
    if (!reader::IsSafeName(name)) {
      return base::CorruptImage(t_.Path(id), "refusing to extract an entry named '" + name + "'");
    }
    const Node& n = t_.node(id);
    switch (n.type) {
      case NodeType::kSymlink:
        links->push_back(id);
        return base::Ok();
      case NodeType::kDirectory: {
        if (mkdirat(dir_fd, name.c_str(), 0700) != 0) {
          if (errno != EEXIST) return Errno(from, id);
          struct stat st;
          if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return Errno(from, id);
          if (!S_ISDIR(st.st_mode)) {
            // Something else is in the way (a file, or a link planted in DEST): replace it.
            if (unlinkat(dir_fd, name.c_str(), 0) != 0 ||
                mkdirat(dir_fd, name.c_str(), 0700) != 0) {
              return Errno(from, id);
            }
          }
        }
        queue->push_back(id);
        return base::Ok();
      }
      case NodeType::kFile:
        return WriteFile(from, id, dir_fd, name);
      case NodeType::kCharDevice:
      case NodeType::kBlockDevice:
      case NodeType::kFifo:
      case NodeType::kSocket:
        return MakeSpecial(from, id, dir_fd, name);
    }
    return base::Ok();
  }

  // A device, FIFO or socket, made with mknodat(2). Devices need privilege (CAP_MKNOD):
  // without it each is reported ("not created") and extraction goes on.
  base::Status MakeSpecial(NodeId from, NodeId id, int dir_fd, const std::string& name) {
    const Node& n = t_.node(id);
    struct stat st;
    if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return Errno(from, id);
      }
      if (unlinkat(dir_fd, name.c_str(), 0) != 0) return Errno(from, id);
    }
    mode_t type = S_IFIFO;
    dev_t dev = 0;
    if (n.type == NodeType::kCharDevice || n.type == NodeType::kBlockDevice) {
      type = n.type == NodeType::kCharDevice ? S_IFCHR : S_IFBLK;
      dev = makedev(t_.device_major(id), t_.device_minor(id));
    } else if (n.type == NodeType::kSocket) {
      type = S_IFSOCK;
    }
    if (mknodat(dir_fd, name.c_str(), type | 0600, dev) != 0) {
      if ((errno == EPERM || errno == EACCES) && IsDevice(n.type)) {
        ++devices_not_created_;
        if (options_.warning) {
          options_.warning(
              t_.Path(id) + ": " + (n.type == NodeType::kCharDevice ? "character" : "block") +
              " device " + std::to_string(t_.device_major(id)) + ", " +
              std::to_string(t_.device_minor(id)) + " not created (making devices needs root)");
        }
        return base::Ok();
      }
      return Errno(from, id);
    }
    if (fchmodat(dir_fd, name.c_str(), Mode(id), 0) != 0) return Errno(from, id);
    SetOwnerAndTime(dir_fd, name, id, AT_SYMLINK_NOFOLLOW);
    return base::Ok();
  }

  base::Status WriteFile(NodeId from, NodeId id, int dir_fd, const std::string& name) {
    struct stat st;
    if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return Errno(from, id);
      }
      for (const base::InputFile& in : options_.inputs) {
        if (in.device == static_cast<std::uint64_t>(st.st_dev) &&
            in.inode == static_cast<std::uint64_t>(st.st_ino)) {
          return base::InvalidInput(HostPath(from, id),
                                    "is " + in.what + "; an output never replaces its input");
        }
      }
      if (unlinkat(dir_fd, name.c_str(), 0) != 0) return Errno(from, id);
    }
    Fd fd(openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd.get() < 0) return Errno(from, id);
    half_written_ = id;
    // Extent by extent: recorded data is read and its non-zero 4 KiB granules written;
    // unrecorded (sparse) extents are skipped and stay holes, so the work is bounded by
    // what the image records, not by the length a file claims.
    const std::uint64_t size = t_.content(id).size;
    std::uint64_t pos = 0;
    for (const FileExtent& x : tree_.FileExtents(id)) {
      if (pos >= size) break;
      const std::uint64_t length = std::min(x.length, size - pos);
      if (!x.sparse) {
        for (std::uint64_t done = 0; done < length;) {
          const std::size_t n =
              static_cast<std::size_t>(std::min<std::uint64_t>(buffer_.size(), length - done));
          std::span<std::uint8_t> chunk(buffer_.data(), n);
          RETURN_IF_ERROR(device_.Read(x.location + done, chunk));
          RETURN_IF_ERROR(WriteNonZero(from, id, fd.get(), chunk, pos + done));
          done += n;
          Progress(n);
        }
      } else {
        Progress(length);
      }
      pos += length;
    }
    if (pos < size) {
      return base::CorruptImage(t_.Path(id), "read past the end of the file's extents");
    }
    // Recorded as longer than the image holds: what is there was written, the rest is
    // missing, so the file is not whole.
    if (auto it = tree_.claimed_sizes.find(id); it != tree_.claimed_sizes.end()) {
      return base::CorruptImage(base::LbaWhere(device_.size() / base::kBlockSize),
                                "the image ends after " + std::to_string(size) + " of the file's " +
                                    std::to_string(it->second) + " bytes");
    }
    if (ftruncate(fd.get(), static_cast<off_t>(size)) != 0) return Errno(from, id);
    if (fchmod(fd.get(), Mode(id)) != 0) return Errno(from, id);
    const Node& node = t_.node(id);
    if (options_.restore_owner && root_) (void)fchown(fd.get(), node.uid, node.gid);
    struct timespec times[2];
    times[0].tv_sec = node.mtime.seconds;
    times[0].tv_nsec = node.mtime.nanoseconds;
    times[1] = times[0];
    (void)futimens(fd.get(), times);
    half_written_ = kNoNode;
    return base::Ok();
  }

  // Writes the non-zero 4 KiB granules of `chunk` at `offset`; zero granules stay holes.
  base::Status WriteNonZero(NodeId from, NodeId id, int fd, std::span<const std::uint8_t> chunk,
                            std::uint64_t offset) const {
    for (std::size_t i = 0; i < chunk.size();) {
      const std::size_t g = std::min<std::size_t>(4096, chunk.size() - i);
      const auto granule = chunk.subspan(i, g);
      if (!std::all_of(granule.begin(), granule.end(), [](std::uint8_t b) { return b == 0; })) {
        std::size_t w = 0;
        while (w < g) {
          ssize_t k = pwrite(fd, granule.data() + w, g - w, static_cast<off_t>(offset + i + w));
          if (k < 0 && errno == EINTR) continue;
          if (k < 0) return Errno(from, id);
          w += static_cast<std::size_t>(k);
        }
      }
      i += g;
    }
    return base::Ok();
  }

  const base::BlockDevice& device_;
  const ImageTree& tree_;
  const Tree& t_;
  int dest_fd_;
  std::string dest_;
  const ExtractOptions& options_;
  bool root_;
  std::vector<std::uint8_t> buffer_;
  // Recently opened directories (a deep or wide tree costs one openat per directory,
  // not one per component of its path); at most kOpenDirectories descriptors.
  static constexpr std::size_t kOpenDirectories = 64;
  std::unordered_map<NodeId, Fd> open_dirs_;
  std::deque<NodeId> open_order_;
  std::uint64_t skipped_ = 0;
  std::uint64_t removed_partial_ = 0;
  std::uint64_t kept_partial_ = 0;
  std::uint64_t devices_not_created_ = 0;
  NodeId half_written_ = kNoNode;
  std::unordered_set<NodeId> whole_;
  std::unordered_set<NodeId> on_the_way_;
  std::uint64_t total_ = 0;
  std::uint64_t done_ = 0;
};

}  // namespace

base::Status Extract(const base::BlockDevice& device, const ImageTree& tree, NodeId from,
                     int dest_fd, const std::string& dest_name, const ExtractOptions& options) {
  Extractor x(device, tree, dest_fd, dest_name, options);
  return x.Run(from);
}

}  // namespace fs

// The manifest's `source` entries (specs/manifest.md "contents", "exclude"): a host file
// or folder stat()ed, and folders scanned breadth-first without recursion through POSIX
// calls — fdopendir on an O_DIRECTORY descriptor, fstatat with AT_SYMLINK_NOFOLLOW (links
// are stored, never followed; devices, FIFOs and sockets recorded, never opened),
// readlinkat — with names sorted bytewise so that readdir
// order never reaches the image, and `exclude` pruning what is not scanned.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "manifest/parser.h"

namespace fs::manifest {

Timestamp Parser::ClampHostTime(const struct timespec& ts) const {
  // Host times newer than the volume timestamp are clamped to it (reproducible-builds
  // practice: a fresh checkout's times do not leak into the image).
  Timestamp t{ts.tv_sec, static_cast<std::uint32_t>(ts.tv_nsec)};
  if (t.seconds > spec_.volume.timestamp.seconds ||
      (t.seconds == spec_.volume.timestamp.seconds &&
       t.nanoseconds > spec_.volume.timestamp.nanoseconds)) {
    t = spec_.volume.timestamp;
  }
  if (t.seconds < kMinTime) t = Timestamp{kMinTime, 0};
  return t;
}

namespace {

// Kernel pseudo file systems (statfs(2) magic numbers): their files report a size (0 on
// /proc, 4096 on /sys) that is not their contents, and reading some of them blocks or
// changes state. They are not stored: a folder's are skipped with a warning, a file
// named alone is an error (specs/manifest.md, "Host files").
const char* PseudoFileSystem(long type) {
  switch (static_cast<unsigned long>(type)) {
    case 0x9fa0:
      return "proc";
    case 0x62656572:
      return "sysfs";
    case 0x64626720:
      return "debugfs";
    case 0x74726163:
      return "tracefs";
    case 0x73636673:
      return "securityfs";
    case 0x62656570:
      return "configfs";
    case 0x6e736673:
      return "nsfs";
    case 0xcafe4a11:
      return "bpf";
    default:
      return nullptr;
  }
}

}  // namespace

void Parser::SetFromHost(NodeId id, const struct stat& st, bool owners) {
  Node& n = spec_.tree.mutable_node(id);
  n.mode = st.st_mode & 07777;
  n.mtime = ClampHostTime(st.st_mtim);
  if (owners) {
    n.uid = st.st_uid;
    n.gid = st.st_gid;
  }
}

namespace {

// The tree's type of a device, FIFO or socket; kFile for anything else.
NodeType SpecialType(mode_t mode) {
  if (S_ISCHR(mode)) return NodeType::kCharDevice;
  if (S_ISBLK(mode)) return NodeType::kBlockDevice;
  if (S_ISFIFO(mode)) return NodeType::kFifo;
  if (S_ISSOCK(mode)) return NodeType::kSocket;
  return NodeType::kFile;
}

}  // namespace

Content Parser::HostContent(const struct stat& st, std::uint32_t host_dir) {
  Content c;
  c.kind = ContentKind::kHostFile;
  c.size = static_cast<std::uint64_t>(st.st_size);
  c.maybe_sparse = static_cast<std::uint64_t>(st.st_blocks) * 512 < c.size;
  c.host_dir = host_dir;
  c.device = st.st_dev;
  c.inode = st.st_ino;
  c.change_time_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return c;
}

std::string Parser::Resolve(const std::string& source) const {
  if (!source.empty() && source[0] == '/') return source;
  std::string base = options_.base_directory.empty() ? "." : options_.base_directory;
  if (base.back() != '/') base += '/';
  return base + source;
}

base::Status Parser::PlaceSource(const JsonValue& target_v, const std::string& target_path,
                                 const JsonValue& source_v, const std::string& source_path,
                                 const std::string& source,
                                 const std::vector<std::string>& components,
                                 const std::string& image_path, const Attributes& attrs) {
  if (source.empty()) return Fail(source_v, source_path, "a source path must not be empty");
  std::string host = Resolve(source);
  struct stat st {};
  if (::stat(host.c_str(), &st) != 0) {
    return base::InvalidInput(Where(source_v, source_path) + ": " + host, std::strerror(errno));
  }
  Tree& t = spec_.tree;
  if (S_ISDIR(st.st_mode)) {
    ASSIGN_OR_RETURN(NodeId dir, PlaceDirectory(target_v, target_path, components));
    if (!components.empty()) SetFromHost(dir, st, attrs.host_owners);
    std::string absolute = host;
    if (absolute[0] != '/') {
      char cwd[4096];
      if (!::getcwd(cwd, sizeof cwd)) return base::ErrnoError("getcwd", errno);
      absolute = std::string(cwd) + "/" + absolute;
    }
    while (absolute.size() > 1 && absolute.back() == '/') absolute.pop_back();
    std::uint32_t host_dir = t.AddHostDirectory(absolute);
    RETURN_IF_ERROR(ScanFolder(host_dir, dir, image_path, attrs.host_owners));
    ApplyAttributes(dir, attrs, true);
    return base::Ok();
  }
  if (const NodeType special = SpecialType(st.st_mode); IsSpecial(special)) {
    // A device, FIFO or socket named alone is stored as itself, never read.
    ASSIGN_OR_RETURN(NodeId dir, PlaceLeaf(target_v, target_path, components));
    const bool device = IsDevice(special);
    NodeId node = t.AddSpecial(dir, components.back(), special, device ? major(st.st_rdev) : 0,
                               device ? minor(st.st_rdev) : 0);
    SetFromHost(node, st, attrs.host_owners);
    ApplyAttributes(node, attrs, false);
    return base::Ok();
  }
  if (!S_ISREG(st.st_mode)) {
    return base::InvalidInput(Where(source_v, source_path) + ": " + host,
                              "not a regular file or folder");
  }
  if (::access(host.c_str(), R_OK) != 0) {
    return base::InvalidInput(Where(source_v, source_path) + ": " + host, std::strerror(errno));
  }
  if (struct statfs sf{}; ::statfs(host.c_str(), &sf) == 0) {
    if (const char* pseudo = PseudoFileSystem(sf.f_type)) {
      return base::InvalidInput(Where(source_v, source_path) + ": " + host,
                                std::string("a file of the kernel's ") + pseudo +
                                    " file system, whose size is not its contents; copy it "
                                    "to a regular file first");
    }
  }
  ASSIGN_OR_RETURN(NodeId dir, PlaceLeaf(target_v, target_path, components));
  std::string parent = ".";
  std::string leaf = host;
  if (auto slash = host.rfind('/'); slash != std::string::npos) {
    parent = slash == 0 ? "/" : host.substr(0, slash);
    leaf = host.substr(slash + 1);
  }
  if (parent[0] != '/') {
    char cwd[4096];
    if (!::getcwd(cwd, sizeof cwd)) return base::ErrnoError("getcwd", errno);
    parent = std::string(cwd) + "/" + parent;
  }
  std::uint32_t host_dir = t.AddHostDirectory(parent);
  Content c = HostContent(st, host_dir);
  c.pool_offset = t.Intern(leaf);
  c.pool_length = static_cast<std::uint32_t>(leaf.size());
  NodeId file = t.AddFile(dir, components.back(), c);
  SetFromHost(file, st, attrs.host_owners);
  ApplyAttributes(file, attrs, false);
  return base::Ok();
}

// Scans a host folder into a tree folder, breadth-first without recursion. Names are
// sorted bytewise so that the tree (and the image) never depends on readdir order.
base::Status Parser::ScanFolder(std::uint32_t root_host_dir, NodeId root_dir,
                                const std::string& root_image_path, bool owners) {
  struct Pending {
    std::uint32_t host_dir;
    NodeId dir;
    std::string image_path;
  };
  Tree& t = spec_.tree;
  std::vector<Pending> queue{{root_host_dir, root_dir, root_image_path}};
  std::vector<std::string> names;
  for (std::size_t qi = 0; qi < queue.size(); ++qi) {
    Pending cur = queue[qi];
    std::string host_path = t.HostDirectoryPath(cur.host_dir);
    int fd = ::open(host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return base::InvalidInput(host_path, std::strerror(errno));
    DIR* d = ::fdopendir(fd);
    if (!d) {
      int e = errno;
      ::close(fd);
      return base::InvalidInput(host_path, std::strerror(e));
    }
    const char* pseudo = nullptr;
    if (struct statfs sf{}; ::fstatfs(fd, &sf) == 0) pseudo = PseudoFileSystem(sf.f_type);
    names.clear();
    errno = 0;
    while (struct dirent* de = ::readdir(d)) {
      std::string_view n(de->d_name);
      if (n == "." || n == "..") continue;
      names.emplace_back(n);
    }
    if (errno != 0) {
      int e = errno;
      ::closedir(d);
      return base::InvalidInput(host_path, std::strerror(e));
    }
    std::sort(names.begin(), names.end());
    std::string prefix = cur.image_path == "/" ? "/" : cur.image_path + "/";
    for (const std::string& name : names) {
      std::string image_path = prefix + name;
      if (Excluded(image_path)) continue;
      std::string where = host_path + "/" + name;
      std::string problem = ValidateName(name);
      if (!problem.empty()) {
        ::closedir(d);
        return base::InvalidInput(where, "cannot be stored: " + problem);
      }
      struct stat st {};
      if (::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        int e = errno;
        ::closedir(d);
        return base::InvalidInput(where, std::strerror(e));
      }
      NodeId existing = t.FindChild(cur.dir, name);
      if (S_ISDIR(st.st_mode)) {
        NodeId child = existing;
        if (child != kNoNode && t.node(child).type != NodeType::kDirectory) {
          t.Detach(child);
          child = kNoNode;
        }
        if (child == kNoNode) child = t.AddDirectory(cur.dir, name);
        SetFromHost(child, st, owners);
        queue.push_back({t.AddHostSubdirectory(cur.host_dir, name), child, image_path});
      } else if (S_ISREG(st.st_mode) && pseudo != nullptr) {
        Warn(where, std::string("skipped: a file of the kernel's ") + pseudo +
                        " file system, whose size is not its contents");
      } else if (S_ISREG(st.st_mode)) {
        if (existing != kNoNode) t.Detach(existing);
        NodeId file = t.AddFile(cur.dir, name, HostContent(st, cur.host_dir));
        Content& c = t.mutable_content(file);
        c.pool_offset = t.node(file).name_offset;
        c.pool_length = t.node(file).name_length;
        SetFromHost(file, st, owners);
      } else if (S_ISLNK(st.st_mode)) {
        char buf[4096];
        ssize_t n = ::readlinkat(fd, name.c_str(), buf, sizeof buf);
        if (n < 0 || static_cast<std::size_t>(n) >= sizeof buf) {
          int e = n < 0 ? errno : ENAMETOOLONG;
          ::closedir(d);
          return base::InvalidInput(where, std::strerror(e));
        }
        if (existing != kNoNode) t.Detach(existing);
        NodeId link =
            t.AddSymlink(cur.dir, name, std::string_view(buf, static_cast<std::size_t>(n)));
        Node& ln = t.mutable_node(link);
        ln.mtime = ClampHostTime(st.st_mtim);
        if (owners) {
          ln.uid = st.st_uid;
          ln.gid = st.st_gid;
        }
      } else if (const NodeType special = SpecialType(st.st_mode); IsSpecial(special)) {
        // Devices, FIFOs and sockets (RRIP 4.1.1 PX, 4.1.2 PN; ECMA-167 4/14.6.6 file
        // types): their number and metadata, never their "contents".
        if (!special_files_) continue;
        if (existing != kNoNode) t.Detach(existing);
        const bool device = IsDevice(special);
        NodeId node = t.AddSpecial(cur.dir, name, special, device ? major(st.st_rdev) : 0,
                                   device ? minor(st.st_rdev) : 0);
        SetFromHost(node, st, owners);
      } else {
        Warn(where, "skipped: not a file, folder, symbolic link, device, FIFO or socket");
      }
    }
    ::closedir(d);
    // The queue keeps what is still pending; release what has been scanned.
    if (qi > 4096 && qi * 2 > queue.size()) {
      queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(qi + 1));
      qi = static_cast<std::size_t>(-1);
    }
  }
  return base::Ok();
}

}  // namespace fs::manifest

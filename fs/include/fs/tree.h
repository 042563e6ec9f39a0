// The file tree every writer consumes and every reader produces: directories, files,
// symbolic links and the special files of a Unix tree (character and block devices, FIFOs,
// sockets) with POSIX metadata, per-file-system visibility, and, for files, where
// their bytes come from (a host file, inline bytes, a run of zeros, or an extent of an
// existing image). Names are UTF-8 components; the writers map them to each file system's
// rules (ISO 9660 d-characters, Joliet UCS-2, UDF CS0).
//
// The tree is built for a million files in a few hundred bytes each: nodes are plain
// structs in one vector, names and paths live in one string pool, and directories keep
// child lists that are indices. Host files are recorded as (host directory, name) so that
// the emitter can open them with openat() and a cached directory descriptor.
#ifndef MKIMG_FS_TREE_H_
#define MKIMG_FS_TREE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/block_device.h"

namespace fs {

class ContentSource;

using NodeId = std::uint32_t;
inline constexpr NodeId kNoNode = 0xFFFFFFFFu;
inline constexpr NodeId kRootNode = 0;

enum class NodeType : std::uint8_t {
  kDirectory,
  kFile,
  kSymlink,
  kCharDevice,   // a character special file, with its device number
  kBlockDevice,  // a block special file, with its device number
  kFifo,         // a named pipe
  kSocket,       // a Unix domain socket
};

// The type's name in mkimg's JSON outputs (ls --json, corpus descriptions): "directory",
// "file", "symlink", "char-device", "block-device", "fifo" or "socket".
constexpr std::string_view NodeTypeName(NodeType t) {
  switch (t) {
    case NodeType::kDirectory:
      return "directory";
    case NodeType::kFile:
      return "file";
    case NodeType::kSymlink:
      return "symlink";
    case NodeType::kCharDevice:
      return "char-device";
    case NodeType::kBlockDevice:
      return "block-device";
    case NodeType::kFifo:
      return "fifo";
    case NodeType::kSocket:
      return "socket";
  }
  return "file";
}

// Whether a node is a device, FIFO or socket: a name with metadata and no data.
constexpr bool IsSpecial(NodeType t) {
  return t == NodeType::kCharDevice || t == NodeType::kBlockDevice || t == NodeType::kFifo ||
         t == NodeType::kSocket;
}
constexpr bool IsDevice(NodeType t) {
  return t == NodeType::kCharDevice || t == NodeType::kBlockDevice;
}

// File systems a node can be hidden from (the manifest's `hidden_in`).
enum HideFlags : std::uint8_t {
  kHideIso9660 = 1,  // the ISO 9660 tree, and so its Rock Ridge view
  kHideJoliet = 2,
  kHideUdf = 4,
};

struct Timestamp {
  std::int64_t seconds = 0;  // since 1970-01-01T00:00:00Z
  std::uint32_t nanoseconds = 0;
  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

enum class ContentKind : std::uint8_t {
  kHostFile,     // bytes of a host file, read at emit time
  kInline,       // bytes held in the tree (the manifest's `text`)
  kZeros,        // `size` bytes of zeros, written as holes where the sink allows
  kImageExtent,  // bytes of an extent of an existing image (readers, multisession)
  kGenerated,    // bytes a ContentSource makes when the image is written (content_source.h)
};

// Where a regular file's bytes come from.
struct Content {
  ContentKind kind = ContentKind::kZeros;
  // kHostFile: the host allocated fewer bytes than its size when the tree was built, so
  // it may have holes (SEEK_HOLE) that UDF records as unrecorded extents (specs/udf.md).
  bool maybe_sparse = false;
  // Where the data goes among the others (mkisofs -sort): higher weights first, equal
  // weights in the default order (specs/layout.md).
  std::int32_t sort_weight = 0;
  std::uint64_t size = 0;
  // kHostFile: the host directory (index into host_dirs) and the name in it.
  // kInline:   offset/length of the bytes in the pool.
  // kImageExtent: `location` is the first byte's offset in the image; `host_dir` is the
  //   image's number from AddImageDevice(), or 0 when the tree holds no device for it
  //   (trees the readers make for listing and extraction).
  // kGenerated: `pool_offset` is the source's number from AddSource().
  std::uint32_t host_dir = 0;
  std::uint32_t pool_offset = 0;
  std::uint32_t pool_length = 0;
  std::uint64_t location = 0;
  // kHostFile: identity seen when the tree was built, to detect a source that changes
  // before it is written, and to share one copy of hard-linked files.
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::int64_t change_time_ns = 0;  // st_mtim in nanoseconds
};

struct Node {
  NodeId parent = kNoNode;
  std::uint32_t name_offset = 0;  // in the pool
  std::uint16_t name_length = 0;
  NodeType type = NodeType::kDirectory;
  std::uint8_t hide = 0;      // HideFlags
  std::uint32_t mode = 0755;  // permission bits incl. setuid/setgid/sticky (07777)
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  Timestamp mtime;
  // kDirectory: index into directories(); kFile: index into contents();
  // kSymlink: offset of the target in the pool (length in `extra`).
  // kCharDevice, kBlockDevice: the major device number in `data`, the minor in `extra`.
  std::uint32_t data = 0;
  std::uint32_t extra = 0;
};

class Tree {
 public:
  Tree();

  // The root directory always exists, with mode 0755 and the given mtime.
  NodeId root() const { return kRootNode; }
  std::size_t size() const { return nodes_.size(); }

  const Node& node(NodeId id) const { return nodes_[id]; }
  Node& mutable_node(NodeId id) { return nodes_[id]; }
  std::string_view name(NodeId id) const {
    return PoolView(nodes_[id].name_offset, nodes_[id].name_length);
  }
  std::string_view symlink_target(NodeId id) const;
  const Content& content(NodeId id) const;
  Content& mutable_content(NodeId id);
  std::string_view inline_bytes(const Content& c) const {
    return PoolView(c.pool_offset, c.pool_length);
  }
  // The children of a directory in insertion order (readers: on-disc order).
  const std::vector<NodeId>& children(NodeId dir) const;
  // The full path of a node, "/" for the root, e.g. "/a/b.txt".
  std::string Path(NodeId id) const;
  // Depth of a node: 0 for the root, 1 for its children, ...
  int Depth(NodeId id) const;

  // Looks up a child by exact name; kNoNode if absent.
  NodeId FindChild(NodeId dir, std::string_view name) const;

  // Adds a child. REQUIRES: `dir` is a directory and has no child of this name (callers
  // check with FindChild, or know it, e.g. names from one readdir()).
  NodeId AddDirectory(NodeId dir, std::string_view name);
  NodeId AddFile(NodeId dir, std::string_view name, const Content& content);
  NodeId AddSymlink(NodeId dir, std::string_view name, std::string_view target);
  // A device, FIFO or socket. REQUIRES: IsSpecial(type); major and minor are 0 unless
  // IsDevice(type).
  NodeId AddSpecial(NodeId dir, std::string_view name, NodeType type, std::uint32_t major = 0,
                    std::uint32_t minor = 0);
  std::uint32_t device_major(NodeId id) const { return nodes_[id].data; }
  std::uint32_t device_minor(NodeId id) const { return nodes_[id].extra; }
  // Removes a child from its directory (the node stays allocated but unreachable).
  void Detach(NodeId id);
  // Detaches every device, FIFO and socket reachable from the root; returns how many.
  std::size_t DetachSpecialFiles();

  // Host directories, for kHostFile contents: each is an absolute path or a name under
  // another host directory.
  std::uint32_t AddHostDirectory(std::string_view absolute_path);
  std::uint32_t AddHostSubdirectory(std::uint32_t parent, std::string_view name);
  std::string HostDirectoryPath(std::uint32_t host_dir) const;
  std::string_view HostName(const Content& c) const {
    return PoolView(c.pool_offset, c.pool_length);
  }
  std::string HostPath(const Content& c) const;

  // Open images that kImageExtent contents read from (multisession import); numbered from 1.
  std::uint32_t AddImageDevice(std::shared_ptr<const base::BlockDevice> device);
  // The device of a kImageExtent content; null if the tree holds none for it.
  const base::BlockDevice* image_device(const Content& c) const {
    return c.host_dir == 0 || c.host_dir > devices_.size() ? nullptr
                                                           : devices_[c.host_dir - 1].get();
  }
  // Generated contents; a kGenerated Content with pool_offset = the returned number.
  std::uint32_t AddSource(std::shared_ptr<const ContentSource> source);
  const ContentSource& source(const Content& c) const;
  Content GeneratedContent(std::shared_ptr<const ContentSource> source);

  // Pool storage for strings that belong to the tree.
  std::uint32_t Intern(std::string_view s);
  std::string_view PoolView(std::uint32_t offset, std::uint32_t length) const {
    return std::string_view(pool_).substr(offset, length);
  }

  std::size_t directory_count() const { return directories_.size(); }
  std::size_t content_count() const { return contents_.size(); }
  // Approximate heap bytes held by the tree (for the benchmark's memory budget).
  std::size_t MemoryUsage() const;

 private:
  struct HostDir {
    std::uint32_t parent;  // kNoNode for an absolute path
    std::uint32_t name_offset;
    std::uint32_t name_length;
  };
  struct Directory {
    std::vector<NodeId> children;
    // Built on the first lookup in a directory with many children and kept current.
    std::unique_ptr<std::unordered_multimap<std::uint64_t, NodeId>> index;  // name hash
  };
  NodeId AddNode(NodeId dir, std::string_view name, NodeType type);

  std::vector<Node> nodes_;
  std::vector<Directory> directories_;
  std::vector<Content> contents_;
  std::vector<HostDir> host_dirs_;
  std::vector<std::shared_ptr<const base::BlockDevice>> devices_;
  std::vector<std::shared_ptr<const ContentSource>> sources_;
  std::string pool_;
};

}  // namespace fs

#endif  // MKIMG_FS_TREE_H_

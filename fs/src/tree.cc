#include "fs/tree.h"

#include <functional>

#include "base/error.h"
#include "fs/content_source.h"

namespace fs {
namespace {

// Directories with more children than this get a hash index for FindChild.
constexpr std::size_t kIndexThreshold = 16;

std::uint64_t HashName(std::string_view s) { return std::hash<std::string_view>{}(s); }

}  // namespace

Tree::Tree() {
  nodes_.push_back(Node{});
  nodes_[0].type = NodeType::kDirectory;
  nodes_[0].data = 0;
  directories_.emplace_back();
}

std::string_view Tree::symlink_target(NodeId id) const {
  const Node& n = nodes_[id];
  CHECK(n.type == NodeType::kSymlink);
  return PoolView(n.data, n.extra);
}

const Content& Tree::content(NodeId id) const {
  CHECK(nodes_[id].type == NodeType::kFile);
  return contents_[nodes_[id].data];
}

Content& Tree::mutable_content(NodeId id) {
  CHECK(nodes_[id].type == NodeType::kFile);
  return contents_[nodes_[id].data];
}

const std::vector<NodeId>& Tree::children(NodeId dir) const {
  CHECK(nodes_[dir].type == NodeType::kDirectory);
  return directories_[nodes_[dir].data].children;
}

std::string Tree::Path(NodeId id) const {
  if (id == kRootNode) return "/";
  std::vector<NodeId> chain;
  for (NodeId n = id; n != kRootNode && n != kNoNode; n = nodes_[n].parent) chain.push_back(n);
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    out += '/';
    out += name(*it);
  }
  return out;
}

int Tree::Depth(NodeId id) const {
  int d = 0;
  for (NodeId n = id; n != kRootNode && n != kNoNode; n = nodes_[n].parent) ++d;
  return d;
}

NodeId Tree::FindChild(NodeId dir, std::string_view child_name) const {
  CHECK(nodes_[dir].type == NodeType::kDirectory);
  const Directory& d = directories_[nodes_[dir].data];
  if (d.children.size() > kIndexThreshold) {
    auto& self = const_cast<Directory&>(d);  // the index is a cache
    if (!self.index) {
      self.index = std::make_unique<std::unordered_multimap<std::uint64_t, NodeId>>();
      self.index->reserve(d.children.size());
      for (NodeId c : d.children) self.index->emplace(HashName(name(c)), c);
    }
    auto [lo, hi] = d.index->equal_range(HashName(child_name));
    for (auto it = lo; it != hi; ++it) {
      if (name(it->second) == child_name) return it->second;
    }
    return kNoNode;
  }
  for (NodeId c : d.children) {
    if (name(c) == child_name) return c;
  }
  return kNoNode;
}

std::uint32_t Tree::Intern(std::string_view s) {
  CHECK(pool_.size() + s.size() < 0xFFFFFFFFull);
  auto offset = static_cast<std::uint32_t>(pool_.size());
  pool_.append(s);
  return offset;
}

NodeId Tree::AddNode(NodeId dir, std::string_view child_name, NodeType type) {
  CHECK(nodes_[dir].type == NodeType::kDirectory);
  CHECK(child_name.size() <= 0xFFFF);
  CHECK(nodes_.size() < kNoNode);
  Node n;
  n.parent = dir;
  n.name_offset = Intern(child_name);
  n.name_length = static_cast<std::uint16_t>(child_name.size());
  n.type = type;
  n.mode = type == NodeType::kSymlink ? 0777 : (type == NodeType::kDirectory ? 0755 : 0644);
  n.mtime = nodes_[kRootNode].mtime;
  auto id = static_cast<NodeId>(nodes_.size());
  nodes_.push_back(n);
  Directory& d = directories_[nodes_[dir].data];
  d.children.push_back(id);
  if (d.index) d.index->emplace(HashName(child_name), id);
  return id;
}

NodeId Tree::AddDirectory(NodeId dir, std::string_view child_name) {
  NodeId id = AddNode(dir, child_name, NodeType::kDirectory);
  nodes_[id].data = static_cast<std::uint32_t>(directories_.size());
  directories_.emplace_back();
  return id;
}

NodeId Tree::AddFile(NodeId dir, std::string_view child_name, const Content& content) {
  NodeId id = AddNode(dir, child_name, NodeType::kFile);
  nodes_[id].data = static_cast<std::uint32_t>(contents_.size());
  contents_.push_back(content);
  return id;
}

NodeId Tree::AddSymlink(NodeId dir, std::string_view child_name, std::string_view target) {
  NodeId id = AddNode(dir, child_name, NodeType::kSymlink);
  nodes_[id].data = Intern(target);
  nodes_[id].extra = static_cast<std::uint32_t>(target.size());
  return id;
}

NodeId Tree::AddSpecial(NodeId dir, std::string_view child_name, NodeType type, std::uint32_t major,
                        std::uint32_t minor) {
  CHECK(IsSpecial(type) && (IsDevice(type) || (major == 0 && minor == 0)));
  NodeId id = AddNode(dir, child_name, type);
  nodes_[id].data = major;
  nodes_[id].extra = minor;
  return id;
}

void Tree::Detach(NodeId id) {
  CHECK(id != kRootNode);
  NodeId parent = nodes_[id].parent;
  Directory& d = directories_[nodes_[parent].data];
  for (auto it = d.children.begin(); it != d.children.end(); ++it) {
    if (*it == id) {
      d.children.erase(it);
      break;
    }
  }
  if (d.index) {
    auto [lo, hi] = d.index->equal_range(HashName(name(id)));
    for (auto it = lo; it != hi; ++it) {
      if (it->second == id) {
        d.index->erase(it);
        break;
      }
    }
  }
  nodes_[id].parent = kNoNode;
}

std::size_t Tree::DetachSpecialFiles() {
  std::vector<NodeId> special;
  std::vector<NodeId> stack{kRootNode};
  while (!stack.empty()) {
    const NodeId dir = stack.back();
    stack.pop_back();
    for (NodeId c : children(dir)) {
      if (nodes_[c].type == NodeType::kDirectory) stack.push_back(c);
      if (IsSpecial(nodes_[c].type)) special.push_back(c);
    }
  }
  for (NodeId id : special) Detach(id);
  return special.size();
}

std::uint32_t Tree::AddHostDirectory(std::string_view absolute_path) {
  std::uint32_t off = Intern(absolute_path);
  host_dirs_.push_back({kNoNode, off, static_cast<std::uint32_t>(absolute_path.size())});
  return static_cast<std::uint32_t>(host_dirs_.size() - 1);
}

std::uint32_t Tree::AddHostSubdirectory(std::uint32_t parent, std::string_view child_name) {
  std::uint32_t off = Intern(child_name);
  host_dirs_.push_back({parent, off, static_cast<std::uint32_t>(child_name.size())});
  return static_cast<std::uint32_t>(host_dirs_.size() - 1);
}

std::string Tree::HostDirectoryPath(std::uint32_t host_dir) const {
  std::vector<std::uint32_t> chain;
  for (std::uint32_t h = host_dir; h != kNoNode; h = host_dirs_[h].parent) chain.push_back(h);
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const HostDir& hd = host_dirs_[*it];
    if (!out.empty() && out.back() != '/') out += '/';
    out += PoolView(hd.name_offset, hd.name_length);
  }
  return out;
}

std::string Tree::HostPath(const Content& c) const {
  CHECK(c.kind == ContentKind::kHostFile);
  std::string dir = HostDirectoryPath(c.host_dir);
  if (!dir.empty() && dir.back() != '/') dir += '/';
  dir += HostName(c);
  return dir;
}

std::uint32_t Tree::AddImageDevice(std::shared_ptr<const base::BlockDevice> device) {
  devices_.push_back(std::move(device));
  return static_cast<std::uint32_t>(devices_.size());
}

std::uint32_t Tree::AddSource(std::shared_ptr<const ContentSource> source) {
  sources_.push_back(std::move(source));
  return static_cast<std::uint32_t>(sources_.size() - 1);
}

const ContentSource& Tree::source(const Content& c) const {
  CHECK(c.kind == ContentKind::kGenerated && c.pool_offset < sources_.size());
  return *sources_[c.pool_offset];
}

Content Tree::GeneratedContent(std::shared_ptr<const ContentSource> source) {
  Content c;
  c.kind = ContentKind::kGenerated;
  c.size = source->size();
  c.pool_offset = AddSource(std::move(source));
  return c;
}

std::size_t Tree::MemoryUsage() const {
  std::size_t bytes = nodes_.capacity() * sizeof(Node) + contents_.capacity() * sizeof(Content) +
                      host_dirs_.capacity() * sizeof(HostDir) + pool_.capacity() +
                      directories_.capacity() * sizeof(Directory);
  for (const Directory& d : directories_) {
    bytes += d.children.capacity() * sizeof(NodeId);
    if (d.index) bytes += d.index->size() * 32 + d.index->bucket_count() * sizeof(void*);
  }
  return bytes;
}

}  // namespace fs

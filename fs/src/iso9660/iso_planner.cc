// The ISO 9660 (+ Rock Ridge) planner; see iso_plan.h. Everything depends only on the
// spec, never on readdir order, time or host.
#include <algorithm>
#include <set>

#include "base/error.h"
#include "iso9660/iso9660_format.h"
#include "iso9660/iso_plan.h"
#include "iso9660/names.h"

namespace fs::iso9660 {

namespace {

constexpr std::string_view kRelocationDirectoryName = "rr_moved";

}  // namespace

IsoPlanner::IsoPlanner(const Iso9660Options& options)
    : options_(options), rock_ridge_(options.rock_ridge), level_(options.level) {}

base::Expected<bool> IsoPlanner::Accepts(const Tree& tree, NodeId node, std::string* why) const {
  const Node& n = tree.node(node);
  if (n.type == NodeType::kSymlink && !rock_ridge_) {
    *why = "symbolic link left out of the ISO 9660 tree (links need Rock Ridge)";
    return false;
  }
  if (IsSpecial(n.type) && !rock_ridge_) {
    *why = "device, FIFO or socket left out of the ISO 9660 tree (they need Rock Ridge)";
    return false;
  }
  if (n.type == NodeType::kFile) {
    const Content& content = tree.content(node);
    if (content.size > 0xFFFFFFFFull && level_ < 3) {
      return base::InvalidInput(
          tree.Path(node), "file of " + std::to_string(content.size) +
                               " bytes needs ISO 9660 level 3 (multi-extent files over 4 GiB)");
    }
  }
  return true;
}

void IsoPlanner::SetName(NodeId id, std::string_view name) {
  CHECK(name.size() <= 0xFF);
  if (name_.size() <= id) name_.resize(id + 1);
  name_[id].offset = static_cast<std::uint32_t>(names_.size());
  name_[id].length = static_cast<std::uint8_t>(name.size());
  names_.append(name);
}

bool IsoPlanner::IsFile(NodeId id) const {
  return plan_->tree().node(id).type != NodeType::kDirectory;
}

// Resolves collisions among `children` (whose mapped names `get` returns), passing new
// names to `set`, then sorts them in ECMA-119 9.3 order. Collisions are resolved in the
// order of (mapped name, original name), so the result does not depend on the order in
// which the host listed the files: the first keeps its name, the others get the lowest
// free number ("NAME000.EXT", "NAME001.EXT", ...).
template <typename Get, typename Set>
void IsoPlanner::Resolve(std::vector<NodeId>* children, Get get, Set set) {
  const Tree& tree = plan_->tree();
  auto less = [&](NodeId a, NodeId b) {
    int c = CompareIdentifiers(get(a), get(b));
    return c != 0 ? c < 0 : tree.name(a) < tree.name(b);
  };
  std::sort(children->begin(), children->end(), less);
  auto id_less = [](std::string_view a, std::string_view b) {
    return CompareIdentifiers(a, b) < 0;
  };
  std::set<std::string, decltype(id_less)> generated(id_less);
  std::vector<std::pair<NodeId, std::string>> renames;
  auto taken = [&](std::string_view id) {
    auto it = std::lower_bound(children->begin(), children->end(), id,
                               [&](NodeId n, std::string_view v) { return id_less(get(n), v); });
    if (it != children->end() && CompareIdentifiers(get(*it), id) == 0) return true;
    return generated.count(std::string(id)) > 0;
  };
  const auto& v = *children;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i + 1;
    while (j < v.size() && CompareIdentifiers(get(v[i]), get(v[j])) == 0) ++j;
    std::uint32_t number = 0;
    int digits = 3;
    for (std::size_t k = i + 1; k < j; ++k) {
      std::string candidate;
      do {
        if (number == Pow10(digits)) ++digits;
        candidate = NumberedIdentifier(get(v[k]), IsFile(v[k]), level_, number++, digits);
      } while (taken(candidate));
      generated.insert(candidate);
      renames.emplace_back(v[k], std::move(candidate));
    }
    i = j;
  }
  for (auto& [node, name] : renames) set(node, name);
  std::sort(children->begin(), children->end(),
            [&](NodeId a, NodeId b) { return CompareIdentifiers(get(a), get(b)) < 0; });
}

base::Status IsoPlanner::Plan(plan::ImagePlan& plan, const DiagnosticSink&) {
  plan_ = &plan;
  const Tree& tree = plan.tree();
  name_.resize(tree.size());
  const std::vector<std::uint32_t> visit =
      hierarchy_.AddVisibleDirectories(plan, plan::FileSystemId::kIso9660);
  for (std::uint32_t i : visit) BuildDirectory(i);
  RETURN_IF_ERROR(Relocate());
  RETURN_IF_ERROR(NumberDirectories());
  CountDirectoryLinks();
  AssignSerialNumbers();
  return base::Ok();
}

void IsoPlanner::BuildDirectory(std::uint32_t index) {
  const Tree& tree = plan_->tree();
  std::vector<NodeId> children;
  for (NodeId c : tree.children(hierarchy_.dirs[index].node)) {
    if (!plan_->Visible(c, plan::FileSystemId::kIso9660)) continue;
    children.push_back(c);
    SetName(c, IsFile(c) ? MapFileIdentifier(tree.name(c), level_)
                         : MapDirectoryIdentifier(tree.name(c), level_));
  }
  Resolve(
      &children, [&](NodeId n) { return name(n); },
      [&](NodeId n, std::string_view new_name) { SetName(n, new_name); });
  hierarchy_.SetChildren(index, children);
}

// ECMA-119 6.8.2.1: at most 8 directory levels, and (levels 1 and 2) paths of at most
// 255 characters. With Rock Ridge a directory that breaks either rule moves to RR_MOVED
// (as mkisofs and libisofs do); without, the image cannot be made.
base::Status IsoPlanner::Relocate() {
  const Tree& tree = plan_->tree();
  while (true) {
    std::vector<NodeId> moved;
    struct Item {
      std::uint32_t dir;
      int level;
      std::size_t path_length;
    };
    std::vector<Item> queue{{hierarchy_.index[kRootNode], 1, 0}};
    for (std::size_t qi = 0; qi < queue.size(); ++qi) {
      const Item item = queue[qi];
      for (NodeId c : hierarchy_.children_of(hierarchy_.dirs[item.dir])) {
        if (tree.node(c).type != NodeType::kDirectory) continue;
        if (item.dir == hierarchy_.index[kRootNode] && c == rr_moved_) continue;
        int depth = item.level + 1;
        std::size_t path = item.path_length + (item.path_length ? 1 : 0) + name(c).size();
        std::size_t longest = 0;
        for (NodeId g : hierarchy_.children_of(hierarchy_.dir_of(c))) {
          longest = std::max(longest, name(g).size() + (IsFile(g) ? 2 : 0));
        }
        const bool too_deep =
            depth > kMaxDirectoryLevels && (!rock_ridge_ || options_.relocate_deep_directories);
        const bool too_long = level_ < 3 && path + 1 + longest > kMaxPathLength;
        if (too_deep || too_long) {
          if (!rock_ridge_) {
            return base::InvalidInput(
                tree.Path(c), too_deep ? "directory nested deeper than the 8 levels of ISO 9660; "
                                         "enable Rock Ridge to record it"
                                       : "ISO 9660 path longer than 255 characters at level " +
                                             std::to_string(level_) +
                                             "; use level 3 or enable Rock Ridge to relocate it");
          }
          moved.push_back(c);
          depth = 3;  // root, RR_MOVED, the directory
          path = kRelocationDirectoryName.size() + 1 + name(c).size();
        }
        queue.push_back({hierarchy_.index[c], depth, path});
      }
    }
    if (moved.empty()) return base::Ok();
    if (rr_moved_ == kNoNode) {
      CreateRelocationDirectory();
      continue;  // the root's names may have changed: check again
    }
    FinishRelocation(std::move(moved));
    return base::Ok();
  }
}

void IsoPlanner::CreateRelocationDirectory() {
  Tree& tree = plan_->spec.tree;
  std::string dir_name(kRelocationDirectoryName);
  for (int i = 1; tree.FindChild(kRootNode, dir_name) != kNoNode; ++i) {
    dir_name = std::string(kRelocationDirectoryName) + "_" + std::to_string(i);
  }
  NodeId id = tree.AddDirectory(kRootNode, dir_name);
  Node& n = tree.mutable_node(id);
  n.hide = kHideJoliet | kHideUdf;
  n.mode = 0755;
  n.mtime = plan_->spec.volume.timestamp;
  plan_->nodes.resize(tree.size());
  plan_->nodes[id].visible = plan::Bit(plan::FileSystemId::kIso9660);
  name_.resize(tree.size());
  rr_moved_ = id;
  hierarchy_.AddDirectory(id, kRootNode);
  BuildDirectory(hierarchy_.index[kRootNode]);
}

void IsoPlanner::FinishRelocation(std::vector<NodeId> moved) {
  for (NodeId c : moved) {
    name_[c].relocated = true;
    hierarchy_.dir_of(c).parent = rr_moved_;
    relocated_names_[c] = name_[c];
  }
  Resolve(
      &moved, [&](NodeId n) { return relocated_name(n); },
      [&](NodeId n, std::string_view new_name) {
        CHECK(new_name.size() <= 0xFF);
        NameRef& r = relocated_names_[n];
        r.offset = static_cast<std::uint32_t>(names_.size());
        r.length = static_cast<std::uint8_t>(new_name.size());
        names_.append(new_name);
      });
  hierarchy_.SetChildren(hierarchy_.index[rr_moved_], moved);
}

base::Status IsoPlanner::NumberDirectories() {
  return hierarchy_.Number(plan_->tree(), "ISO 9660",
                           [&](NodeId dir, NodeId child) { return IsPlaceholder(dir, child); });
}

// RRIP 4.1.1: a directory has 2 + (its subdirectories) links, as in POSIX.
void IsoPlanner::CountDirectoryLinks() {
  for (Directory& d : hierarchy_.dirs) {
    std::uint32_t subdirs = 0;
    for (NodeId c : hierarchy_.children_of(d)) {
      if (plan_->tree().node(c).type == NodeType::kDirectory) ++subdirs;
    }
    d.links = 2 + subdirs;
  }
}

void IsoPlanner::AssignSerialNumbers() {
  serial_.assign(plan_->tree().size(), 0);
  std::uint32_t next = 1;
  serial_[kRootNode] = next++;
  for (std::uint32_t index : hierarchy_.order) {
    for (NodeId c : hierarchy_.children_of(hierarchy_.dirs[index])) {
      if (serial_[c] == 0) serial_[c] = next++;
    }
  }
}

void IsoPlanner::AppendFiles(const plan::ImagePlan& plan, std::vector<NodeId>* files) const {
  for (std::uint32_t index : hierarchy_.order) {
    for (NodeId c : hierarchy_.children_of(hierarchy_.dirs[index])) {
      if (plan.tree().node(c).type == NodeType::kFile) files->push_back(c);
    }
  }
}

void IsoPlanner::Finish(const plan::ImagePlan& plan) {
  // RRIP PX links of a file: the records of its hard-link set in this hierarchy.
  std::unordered_map<std::uint32_t, std::uint32_t> counts;
  for (std::uint32_t index : hierarchy_.order) {
    for (NodeId c : hierarchy_.children_of(hierarchy_.dirs[index])) {
      if (plan.tree().node(c).type == NodeType::kFile && plan.LinkedToOwner(c)) {
        ++counts[plan.nodes[c].extent];
      }
    }
  }
  for (const auto& [extent, count] : counts) {
    if (count > 1) file_links_[extent] = count;
  }
  plan_ = nullptr;
}

}  // namespace fs::iso9660

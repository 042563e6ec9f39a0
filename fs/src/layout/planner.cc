// The planner (specs/layout.md): turns an ImageSpec into an immutable ImageLayout. It
// decides which nodes each hierarchy shows, maps and de-duplicates their names (ECMA-119
// 7.5, 7.6, 9.3; Joliet 3.1), relocates directories nested deeper than ECMA-119 6.8.2.1
// allows into RR_MOVED (RRIP 4.1.5), numbers the directories for the path tables (9.4),
// groups hard links, orders file data, and then places the section writers one after
// the other. Everything depends only on the spec, never on readdir order, time or host.
#include <algorithm>
#include <set>

#include "base/error.h"
#include "base/media.h"
#include "emit/section.h"
#include "iso9660/encode.h"
#include "iso9660/iso9660_format.h"
#include "iso9660/names.h"
#include "joliet/joliet_names.h"
#include "layout/image_layout.h"

namespace fs::layout {

std::uint32_t ExtentCount(std::uint64_t size) {
  if (size <= 0xFFFFFFFFull) return 1;
  return static_cast<std::uint32_t>((size + iso9660::kMaxExtentBytes - 1) /
                                    iso9660::kMaxExtentBytes);
}

std::uint32_t ExtentLength(std::uint64_t size, std::uint32_t i) {
  if (size <= 0xFFFFFFFFull) return static_cast<std::uint32_t>(size);
  const std::uint64_t start = std::uint64_t{i} * iso9660::kMaxExtentBytes;
  return static_cast<std::uint32_t>(std::min(iso9660::kMaxExtentBytes, size - start));
}

std::vector<SectionInfo> ImageLayout::sections() const {
  std::vector<SectionInfo> out;
  for (const auto& s : sections_) out.push_back({s->name(), s->lba(), s->blocks()});
  return out;
}

namespace {

constexpr std::string_view kRelocationDirectoryName = "rr_moved";
constexpr std::uint8_t kMaxNameLength = 255;

std::uint32_t Pow10(int digits) {
  std::uint32_t p = 1;
  for (int i = 0; i < digits; ++i) p *= 10;
  return p;
}

// Compares two Joliet identifiers as recorded: the name, then ";1" for files.
int CompareRecordedJoliet(std::u16string_view a, bool a_file, std::u16string_view b, bool b_file) {
  static constexpr char16_t kVersion[] = u";1";
  const std::size_t la = a.size() + (a_file ? 2 : 0);
  const std::size_t lb = b.size() + (b_file ? 2 : 0);
  for (std::size_t i = 0; i < std::min(la, lb); ++i) {
    const char16_t ca = i < a.size() ? a[i] : kVersion[i - a.size()];
    const char16_t cb = i < b.size() ? b[i] : kVersion[i - b.size()];
    if (ca != cb) return ca < cb ? -1 : 1;
  }
  return la == lb ? 0 : (la < lb ? -1 : 1);
}

// Whether a UCS-2 name equals an ASCII name (the common case, checked without converting).
bool SameAscii(std::u16string_view ucs2, std::string_view name) {
  if (ucs2.size() != name.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (static_cast<unsigned char>(name[i]) >= 0x80 || ucs2[i] != static_cast<char16_t>(name[i])) {
      return false;
    }
  }
  return true;
}

class Planner {
 public:
  Planner(ImageSpec spec, std::uint32_t start_lba, const DiagnosticSink& diagnostics)
      : model_(std::make_unique<ImageModel>()), diagnostics_(diagnostics) {
    model_->spec = std::move(spec);
    model_->start_lba = start_lba;
  }

  base::Expected<std::unique_ptr<ImageLayout>> Run() {
    RETURN_IF_ERROR(Validate());
    ImageModel& m = *model_;
    RETURN_IF_ERROR(ComputeVisibility());
    for (std::uint32_t i = 0; i < m.dirs.size(); ++i) {
      if (m.nodes[m.dirs[i].node].flags & kInIso) BuildIsoDirectory(i);
    }
    RETURN_IF_ERROR(Relocate());
    RETURN_IF_ERROR(NumberIsoDirectories());
    if (m.joliet) {
      for (std::uint32_t i = 0; i < m.dirs.size(); ++i) {
        if (m.nodes[m.dirs[i].node].flags & kInJoliet) BuildJolietDirectory(i);
      }
      RETURN_IF_ERROR(NumberJolietDirectories());
    }
    CountDirectoryLinks();
    AssignSerialNumbers();
    RETURN_IF_ERROR(OrderFileData());

    std::vector<std::unique_ptr<emit::Section>> sections = emit::MakeSections(m);
    std::uint64_t lba = m.start_lba;
    for (auto& s : sections) {
      ASSIGN_OR_RETURN(std::uint64_t blocks, s->Place(m, lba));
      lba += blocks;
      if (lba > 0xFFFFFFFFull) {
        return base::InvalidInput("",
                                  "the image exceeds the 2^32 blocks (8 TiB) ISO 9660 can address");
      }
    }
    m.total_blocks = lba - m.start_lba;
    if (m.spec.media) {
      const base::MediaInfo& info = base::GetMediaInfo(*m.spec.media);
      if (m.start_lba + m.total_blocks > info.capacity_sectors) {
        return base::InvalidInput(
            "media", "image of " + std::to_string(m.start_lba + m.total_blocks) +
                         " sectors does not fit " + std::string(info.display_name) + " (" +
                         std::to_string(info.capacity_sectors) + " sectors)");
      }
    }
    return std::make_unique<ImageLayout>(std::move(model_), std::move(sections));
  }

 private:
  void Warn(NodeId node, std::string what) {
    if (diagnostics_) diagnostics_(Diagnostic{model_->tree().Path(node), std::move(what)});
  }

  base::Status Validate() {
    ImageModel& m = *model_;
    const ImageSpec& s = m.spec;
    if (!s.iso9660.enabled) {
      return base::Unsupported("filesystems", "images without ISO 9660 are not supported yet");
    }
    if (s.udf.enabled) return base::Unsupported("filesystems.udf", "UDF is not supported yet");
    if (s.iso9660.level < 1 || s.iso9660.level > 3) {
      return base::InvalidInput(
          "filesystems.iso9660.level",
          "ISO 9660 level must be 1, 2 or 3, not " + std::to_string(s.iso9660.level));
    }
    // The manifest parser validates the volume identifier; a spec built another way gets
    // the same rule here (ECMA-119 8.4.6: d-characters, 32 at most).
    if (s.volume.id.size() > 32 ||
        !std::all_of(s.volume.id.begin(), s.volume.id.end(), iso9660::IsDCharacter)) {
      return base::InvalidInput("volume.id", "\"" + s.volume.id +
                                                 "\" is not an ISO 9660 volume identifier "
                                                 "(at most 32 of A-Z, 0-9 and _)");
    }
    m.level = s.iso9660.level;
    m.rock_ridge = s.iso9660.rock_ridge;
    m.joliet = s.joliet.enabled;
    m.joliet_max_length = s.joliet.long_names ? joliet::kMaxLongNameLength : joliet::kMaxNameLength;
    return base::Ok();
  }

  std::uint32_t AddDirPlan(NodeId node) {
    ImageModel& m = *model_;
    DirPlan d;
    d.node = node;
    d.iso_parent = node == kRootNode ? kRootNode : m.tree().node(node).parent;
    m.dirs.push_back(d);
    m.nodes[node].extent = static_cast<std::uint32_t>(m.dirs.size() - 1);
    return m.nodes[node].extent;
  }

  base::Status ComputeVisibility() {
    ImageModel& m = *model_;
    const Tree& tree = m.tree();
    m.nodes.assign(tree.size(), NodePlan{});
    m.nodes[kRootNode].flags = static_cast<std::uint8_t>(kInIso | (m.joliet ? kInJoliet : 0));
    AddDirPlan(kRootNode);
    std::vector<NodeId> stack{kRootNode};
    while (!stack.empty()) {
      NodeId dir = stack.back();
      stack.pop_back();
      const std::uint8_t parent_flags = m.nodes[dir].flags;
      for (NodeId c : tree.children(dir)) {
        const Node& n = tree.node(c);
        if (n.name_length > kMaxNameLength) {
          return base::InvalidInput(tree.Path(c), "name longer than 255 bytes");
        }
        bool iso = (parent_flags & kInIso) && !(n.hide & kHideIso9660);
        bool jol = (parent_flags & kInJoliet) && !(n.hide & kHideJoliet);
        if (n.type == NodeType::kSymlink) {
          if (iso && !m.rock_ridge) {
            Warn(c, "symbolic link left out of the ISO 9660 tree (links need Rock Ridge)");
            iso = false;
          }
          if (jol) {
            Warn(c, "symbolic link left out of the Joliet tree (Joliet cannot record links)");
            jol = false;
          }
        }
        m.nodes[c].flags = static_cast<std::uint8_t>((iso ? kInIso : 0) | (jol ? kInJoliet : 0));
        m.nodes[c].link = c;
        if (!iso && !jol) continue;
        if (n.type == NodeType::kDirectory) {
          AddDirPlan(c);
          stack.push_back(c);
        } else if (n.type == NodeType::kFile) {
          const Content& content = tree.content(c);
          if (content.kind == ContentKind::kImageExtent) {
            return base::Unsupported(tree.Path(c),
                                     "files taken from an existing image cannot be written yet");
          }
          if (content.size > 0xFFFFFFFFull && m.level < 3) {
            return base::InvalidInput(
                tree.Path(c), "file of " + std::to_string(content.size) +
                                  " bytes needs ISO 9660 level 3 (multi-extent files over 4 GiB)");
          }
        }
      }
    }
    return base::Ok();
  }

  // --- ISO 9660 names ---------------------------------------------------------------

  std::string_view IsoName(NodeId id) const { return model_->iso_name(id); }

  void SetIsoName(NodeId id, std::string_view name) {
    ImageModel& m = *model_;
    CHECK(name.size() <= 0xFF);
    m.nodes[id].iso_name = static_cast<std::uint32_t>(m.iso_names.size());
    m.nodes[id].iso_name_length = static_cast<std::uint8_t>(name.size());
    m.iso_names.append(name);
  }

  bool IsIsoFile(NodeId id) const { return model_->tree().node(id).type != NodeType::kDirectory; }

  // Resolves collisions among `children` (whose mapped names `get` returns), passing new
  // names to `set`, then sorts them in ECMA-119 9.3 order. Collisions are resolved in the
  // order of (mapped name, original name), so the result does not depend on the order in
  // which the host listed the files: the first keeps its name, the others get the lowest
  // free number ("NAME000.EXT", "NAME001.EXT", ...).
  template <typename Get, typename Set>
  void ResolveIso(std::vector<NodeId>* children, Get get, Set set) {
    const Tree& tree = model_->tree();
    auto less = [&](NodeId a, NodeId b) {
      int c = iso9660::CompareIdentifiers(get(a), get(b));
      return c != 0 ? c < 0 : tree.name(a) < tree.name(b);
    };
    std::sort(children->begin(), children->end(), less);
    auto id_less = [](std::string_view a, std::string_view b) {
      return iso9660::CompareIdentifiers(a, b) < 0;
    };
    std::set<std::string, decltype(id_less)> generated(id_less);
    std::vector<std::pair<NodeId, std::string>> renames;
    auto taken = [&](std::string_view id) {
      auto it = std::lower_bound(children->begin(), children->end(), id,
                                 [&](NodeId n, std::string_view v) { return id_less(get(n), v); });
      if (it != children->end() && iso9660::CompareIdentifiers(get(*it), id) == 0) return true;
      return generated.count(std::string(id)) > 0;
    };
    const auto& v = *children;
    for (std::size_t i = 0; i < v.size();) {
      std::size_t j = i + 1;
      while (j < v.size() && iso9660::CompareIdentifiers(get(v[i]), get(v[j])) == 0) ++j;
      std::uint32_t number = 0;
      int digits = 3;
      for (std::size_t k = i + 1; k < j; ++k) {
        std::string candidate;
        do {
          if (number == Pow10(digits)) ++digits;
          candidate = iso9660::NumberedIdentifier(get(v[k]), IsIsoFile(v[k]), model_->level,
                                                  number++, digits);
        } while (taken(candidate));
        generated.insert(candidate);
        renames.emplace_back(v[k], std::move(candidate));
      }
      i = j;
    }
    for (auto& [node, name] : renames) set(node, name);
    std::sort(children->begin(), children->end(),
              [&](NodeId a, NodeId b) { return iso9660::CompareIdentifiers(get(a), get(b)) < 0; });
  }

  void BuildIsoDirectory(std::uint32_t index) {
    ImageModel& m = *model_;
    const Tree& tree = m.tree();
    std::vector<NodeId> children;
    for (NodeId c : tree.children(m.dirs[index].node)) {
      if (!(m.nodes[c].flags & kInIso)) continue;
      children.push_back(c);
      SetIsoName(c, IsIsoFile(c) ? iso9660::MapFileIdentifier(tree.name(c), m.level)
                                 : iso9660::MapDirectoryIdentifier(tree.name(c), m.level));
    }
    ResolveIso(
        &children, [&](NodeId n) { return IsoName(n); },
        [&](NodeId n, std::string_view name) { SetIsoName(n, name); });
    m.dirs[index].iso_first = static_cast<std::uint32_t>(m.iso_children.size());
    m.dirs[index].iso_count = static_cast<std::uint32_t>(children.size());
    m.iso_children.insert(m.iso_children.end(), children.begin(), children.end());
  }

  std::span<const NodeId> IsoChildren(const DirPlan& d) const {
    return std::span<const NodeId>(model_->iso_children).subspan(d.iso_first, d.iso_count);
  }

  // ECMA-119 6.8.2.1: at most 8 directory levels, and (levels 1 and 2) paths of at most
  // 255 characters. With Rock Ridge a directory that breaks either rule moves to RR_MOVED
  // (as mkisofs and libisofs do); without, the image cannot be made.
  base::Status Relocate() {
    ImageModel& m = *model_;
    const Tree& tree = m.tree();
    while (true) {
      std::vector<NodeId> moved;
      struct Item {
        std::uint32_t dir;
        int level;
        std::size_t path_length;
      };
      std::vector<Item> queue{{m.nodes[kRootNode].extent, 1, 0}};
      for (std::size_t qi = 0; qi < queue.size(); ++qi) {
        const Item item = queue[qi];
        for (NodeId c : IsoChildren(m.dirs[item.dir])) {
          if (tree.node(c).type != NodeType::kDirectory) continue;
          if (item.dir == m.nodes[kRootNode].extent && c == m.rr_moved) continue;
          int level = item.level + 1;
          std::size_t path = item.path_length + (item.path_length ? 1 : 0) + IsoName(c).size();
          std::size_t longest = 0;
          for (NodeId g : IsoChildren(m.dir_of(c))) {
            longest = std::max(longest, IsoName(g).size() + (IsIsoFile(g) ? 2 : 0));
          }
          const bool too_deep = level > iso9660::kMaxDirectoryLevels &&
                                (!m.rock_ridge || m.spec.iso9660.relocate_deep_directories);
          const bool too_long = m.level < 3 && path + 1 + longest > iso9660::kMaxPathLength;
          if (too_deep || too_long) {
            if (!m.rock_ridge) {
              return base::InvalidInput(
                  tree.Path(c),
                  too_deep ? "directory nested deeper than the 8 levels of ISO 9660; enable "
                             "Rock Ridge to record it"
                           : "ISO 9660 path longer than 255 characters at level " +
                                 std::to_string(m.level) +
                                 "; use level 3 or enable Rock Ridge to relocate it");
            }
            moved.push_back(c);
            level = 3;  // root, RR_MOVED, the directory
            path = kRelocationDirectoryName.size() + 1 + IsoName(c).size();
          }
          queue.push_back({m.nodes[c].extent, level, path});
        }
      }
      if (moved.empty()) return base::Ok();
      if (m.rr_moved == kNoNode) {
        CreateRelocationDirectory();
        continue;  // the root's names may have changed: check again
      }
      FinishRelocation(std::move(moved));
      return base::Ok();
    }
  }

  void CreateRelocationDirectory() {
    ImageModel& m = *model_;
    Tree& tree = m.spec.tree;
    std::string name(kRelocationDirectoryName);
    for (int i = 1; tree.FindChild(kRootNode, name) != kNoNode; ++i) {
      name = std::string(kRelocationDirectoryName) + "_" + std::to_string(i);
    }
    NodeId id = tree.AddDirectory(kRootNode, name);
    Node& n = tree.mutable_node(id);
    n.hide = kHideJoliet | kHideUdf;
    n.mode = 0755;
    n.mtime = m.spec.volume.timestamp;
    m.nodes.resize(tree.size());
    m.nodes[id].flags = kInIso;
    m.nodes[id].link = id;
    m.rr_moved = id;
    AddDirPlan(id);
    BuildIsoDirectory(m.nodes[kRootNode].extent);
  }

  void FinishRelocation(std::vector<NodeId> moved) {
    ImageModel& m = *model_;
    for (NodeId c : moved) {
      m.nodes[c].flags = static_cast<std::uint8_t>(m.nodes[c].flags | kRelocated);
      m.dirs[m.nodes[c].extent].iso_parent = m.rr_moved;
      m.relocated_names[c] = {m.nodes[c].iso_name, m.nodes[c].iso_name_length};
    }
    ResolveIso(
        &moved, [&](NodeId n) { return m.relocated_name(n); },
        [&](NodeId n, std::string_view name) {
          CHECK(name.size() <= 0xFF);
          m.relocated_names[n] = {static_cast<std::uint32_t>(m.iso_names.size()),
                                  static_cast<std::uint8_t>(name.size())};
          m.iso_names.append(name);
        });
    DirPlan& d = m.dirs[m.nodes[m.rr_moved].extent];
    d.iso_first = static_cast<std::uint32_t>(m.iso_children.size());
    d.iso_count = static_cast<std::uint32_t>(moved.size());
    m.iso_children.insert(m.iso_children.end(), moved.begin(), moved.end());
  }

  base::Status NumberIsoDirectories() {
    ImageModel& m = *model_;
    m.iso_order.assign(1, m.nodes[kRootNode].extent);
    for (std::size_t qi = 0; qi < m.iso_order.size(); ++qi) {
      DirPlan& d = m.dirs[m.iso_order[qi]];
      if (qi >= iso9660::kMaxDirectories) {
        return base::InvalidInput(m.tree().Path(d.node),
                                  "more than 65535 directories: ISO 9660 path tables cannot "
                                  "number them");
      }
      d.iso_number = static_cast<std::uint16_t>(qi + 1);
      for (NodeId c : IsoChildren(d)) {
        if (m.tree().node(c).type == NodeType::kDirectory && !m.IsPlaceholder(d.node, c)) {
          m.iso_order.push_back(m.nodes[c].extent);
        }
      }
    }
    return base::Ok();
  }

  // --- Joliet -----------------------------------------------------------------------

  void SetJolietName(NodeId id, std::u16string_view name) {
    ImageModel& m = *model_;
    CHECK(name.size() <= 0xFF);
    m.nodes[id].joliet_name = static_cast<std::uint32_t>(m.joliet_names.size());
    m.nodes[id].joliet_name_length = static_cast<std::uint8_t>(name.size());
    m.joliet_names.append(name);
  }

  void BuildJolietDirectory(std::uint32_t index) {
    ImageModel& m = *model_;
    const Tree& tree = m.tree();
    std::vector<NodeId> v;
    for (NodeId c : tree.children(m.dirs[index].node)) {
      if (!(m.nodes[c].flags & kInJoliet)) continue;
      v.push_back(c);
      SetJolietName(c, joliet::MapName(tree.name(c), IsIsoFile(c), m.joliet_max_length));
    }
    auto get = [&](NodeId n) { return m.joliet_name(n); };
    std::sort(v.begin(), v.end(), [&](NodeId a, NodeId b) {
      const int c = get(a).compare(get(b));
      return c != 0 ? c < 0 : tree.name(a) < tree.name(b);
    });
    std::set<std::u16string, std::less<>> generated;
    auto taken = [&](std::u16string_view id) {
      auto it = std::lower_bound(v.begin(), v.end(), id,
                                 [&](NodeId n, std::u16string_view x) { return get(n) < x; });
      return (it != v.end() && get(*it) == id) || generated.count(id) > 0;
    };
    std::vector<std::pair<NodeId, std::u16string>> renames;
    for (std::size_t i = 0; i < v.size();) {
      std::size_t j = i + 1;
      while (j < v.size() && get(v[i]) == get(v[j])) ++j;
      std::uint32_t number = 0;
      int digits = 1;
      for (std::size_t k = i + 1; k < j; ++k) {
        std::u16string candidate;
        do {
          if (number == Pow10(digits)) ++digits;
          candidate = joliet::NumberedName(get(v[k]), IsIsoFile(v[k]), m.joliet_max_length,
                                           number++, digits);
        } while (taken(candidate));
        generated.insert(candidate);
        renames.emplace_back(v[k], std::move(candidate));
      }
      i = j;
    }
    for (auto& [node, name] : renames) SetJolietName(node, name);
    // Final order: by the recorded identifier, version included (the binary search of
    // pycdlib and others compares "NAME;1" byte for byte).
    std::sort(v.begin(), v.end(), [&](NodeId a, NodeId b) {
      return CompareRecordedJoliet(get(a), IsIsoFile(a), get(b), IsIsoFile(b)) < 0;
    });
    for (NodeId c : v) {
      if (SameAscii(get(c), tree.name(c))) continue;
      std::string utf8 = joliet::ToUtf8(get(c));
      if (utf8 != tree.name(c)) Warn(c, "joliet name mapped to \"" + utf8 + "\"");
    }
    m.dirs[index].joliet_first = static_cast<std::uint32_t>(m.joliet_children.size());
    m.dirs[index].joliet_count = static_cast<std::uint32_t>(v.size());
    m.joliet_children.insert(m.joliet_children.end(), v.begin(), v.end());
  }

  std::span<const NodeId> JolietChildren(const DirPlan& d) const {
    return std::span<const NodeId>(model_->joliet_children).subspan(d.joliet_first, d.joliet_count);
  }

  base::Status NumberJolietDirectories() {
    ImageModel& m = *model_;
    m.joliet_order.assign(1, m.nodes[kRootNode].extent);
    for (std::size_t qi = 0; qi < m.joliet_order.size(); ++qi) {
      DirPlan& d = m.dirs[m.joliet_order[qi]];
      if (qi >= iso9660::kMaxDirectories) {
        return base::InvalidInput(m.tree().Path(d.node),
                                  "more than 65535 directories: Joliet path tables cannot "
                                  "number them");
      }
      d.joliet_number = static_cast<std::uint16_t>(qi + 1);
      for (NodeId c : JolietChildren(d)) {
        if (m.tree().node(c).type == NodeType::kDirectory)
          m.joliet_order.push_back(m.nodes[c].extent);
      }
    }
    return base::Ok();
  }

  // --- links and data ---------------------------------------------------------------

  // RRIP 4.1.1: a directory has 2 + (its subdirectories) links, as in POSIX.
  void CountDirectoryLinks() {
    ImageModel& m = *model_;
    for (DirPlan& d : m.dirs) {
      std::uint32_t subdirs = 0;
      for (NodeId c : IsoChildren(d)) {
        if (m.tree().node(c).type == NodeType::kDirectory) ++subdirs;
      }
      d.links = 2 + subdirs;
    }
  }

  void AssignSerialNumbers() {
    ImageModel& m = *model_;
    std::uint32_t next = 1;
    m.nodes[kRootNode].serial = next++;
    for (std::uint32_t index : m.iso_order) {
      for (NodeId c : IsoChildren(m.dirs[index])) {
        if (m.nodes[c].serial == 0) m.nodes[c].serial = next++;
      }
    }
  }

  // File data follows the ISO hierarchy's path table order and, inside a directory, the
  // 9.3 order of its records; files only Joliet shows follow. Host files with the same
  // device and inode (hard links) share the extent of the first of them.
  base::Status OrderFileData() {
    ImageModel& m = *model_;
    const Tree& tree = m.tree();
    std::vector<NodeId>& order = m.data_order;
    for (std::uint32_t index : m.iso_order) {
      for (NodeId c : IsoChildren(m.dirs[index])) {
        if (tree.node(c).type == NodeType::kFile) order.push_back(c);
      }
    }
    for (std::uint32_t index : m.joliet_order) {
      for (NodeId c : JolietChildren(m.dirs[index])) {
        if (tree.node(c).type == NodeType::kFile && !(m.nodes[c].flags & kInIso)) {
          order.push_back(c);
        }
      }
    }
    struct Key {
      std::uint64_t device;
      std::uint64_t inode;
      std::uint32_t position;
    };
    std::vector<Key> keys;
    for (std::uint32_t i = 0; i < order.size(); ++i) {
      const Content& c = tree.content(order[i]);
      if (c.kind == ContentKind::kHostFile && c.inode != 0) keys.push_back({c.device, c.inode, i});
    }
    std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
      if (a.device != b.device) return a.device < b.device;
      if (a.inode != b.inode) return a.inode < b.inode;
      return a.position < b.position;
    });
    for (std::size_t i = 0; i < keys.size();) {
      std::size_t j = i + 1;
      while (j < keys.size() && keys[j].device == keys[i].device && keys[j].inode == keys[i].inode)
        ++j;
      if (j - i > 1) {
        const NodeId owner = order[keys[i].position];
        std::uint32_t links = 0;
        for (std::size_t k = i; k < j; ++k) {
          const NodeId n = order[keys[k].position];
          if (tree.content(n).size == tree.content(owner).size) m.nodes[n].link = owner;
          if (m.nodes[n].link == owner && (m.nodes[n].flags & kInIso)) ++links;
        }
        m.file_links[owner] = std::max<std::uint32_t>(links, 1);
      }
      i = j;
    }
    std::erase_if(order,
                  [&](NodeId n) { return m.nodes[n].link != n || tree.content(n).size == 0; });
    order.shrink_to_fit();
    return base::Ok();
  }

  std::unique_ptr<ImageModel> model_;
  const DiagnosticSink& diagnostics_;
};

}  // namespace

base::Expected<std::unique_ptr<ImageLayout>> PlanImage(ImageSpec spec, std::uint32_t start_lba,
                                                       const DiagnosticSink& diagnostics) {
  Planner planner(std::move(spec), start_lba, diagnostics);
  return planner.Run();
}

}  // namespace fs::layout

namespace fs {

base::Expected<std::unique_ptr<Layout>> Plan(ImageSpec spec, const DiagnosticSink& diagnostics) {
  ASSIGN_OR_RETURN(auto layout, layout::PlanImage(std::move(spec), 0, diagnostics));
  return std::unique_ptr<Layout>(std::move(layout));
}

}  // namespace fs

// The Joliet planner, its directory section and records; see joliet_plan.h.
#include <algorithm>
#include <set>

#include "base/block_sink.h"
#include "base/error.h"
#include "fs/limits.h"
#include "iso9660/iso9660_format.h"
#include "iso9660/names.h"
#include "joliet/joliet_names.h"
#include "joliet/joliet_plan.h"

namespace fs::joliet {
namespace {

using iso9660::Directory;
using plan::EmitContext;
using plan::ImagePlan;
using plan::Region;

constexpr std::uint8_t kSelfIdentifier[] = {0x00};    // ECMA-119 6.8.2.2
constexpr std::uint8_t kParentIdentifier[] = {0x01};  // ECMA-119 6.8.2.2

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

// A UCS-2 big-endian identifier of at most `max_chars` characters (Joliet 2.2, 4).
std::string Ucs2Identifier(std::string_view utf8, std::size_t max_chars) {
  std::u16string s;
  for (char32_t c : iso9660::DecodeNameLenient(utf8)) {
    if (s.size() == max_chars) break;
    s.push_back(c > 0xFFFF || c == 0xFFFD ? u'_' : static_cast<char16_t>(c));
  }
  return EncodeUcs2Be(s, false);
}

bool IsFile(const Tree& tree, NodeId id) { return tree.node(id).type != NodeType::kDirectory; }

// Every record of Joliet directory `dir`: '.', '..', then the children in order.
template <typename Fn>
void EncodeDirectory(const ImagePlan& plan, const JolietPlanner& joliet, const Directory& dir,
                     Fn on_record) {
  const Tree& tree = plan.tree();
  const iso9660::Hierarchy& h = joliet.hierarchy();
  std::vector<std::uint8_t> record;
  iso9660::DirectoryRecordFields f;
  f.extent_location = dir.lba;
  f.data_length = dir.blocks * base::kBlockSize;
  f.recording_date = tree.node(dir.node).mtime;
  f.file_flags = iso9660::kFlagDirectory;
  iso9660::AppendDirectoryRecord(f, kSelfIdentifier, {}, &record);
  on_record(record);

  const Directory& parent = dir.node == kRootNode ? dir : h.dir_of(dir.parent);
  f.extent_location = parent.lba;
  f.data_length = parent.blocks * base::kBlockSize;
  f.recording_date = tree.node(parent.node).mtime;
  record.clear();
  iso9660::AppendDirectoryRecord(f, kParentIdentifier, {}, &record);
  on_record(record);

  std::vector<std::uint8_t> id;
  for (NodeId child : h.children_of(dir)) {
    const Node& n = tree.node(child);
    const bool is_dir = n.type == NodeType::kDirectory;
    // No ";1": readers that take a Joliet name for an ISO 9660 one read "name.;1" as "name"
    // (ECMA-119 7.5.1), and isoinfo and pycdlib show the version (specs/joliet.md).
    const std::string encoded = EncodeUcs2Be(joliet.name(child), false);
    id.assign(encoded.begin(), encoded.end());
    if (is_dir) {
      const Directory& d = h.dir_of(child);
      f.extent_location = d.lba;
      f.data_length = d.blocks * base::kBlockSize;
      f.recording_date = n.mtime;
      f.file_flags = iso9660::kFlagDirectory;
      record.clear();
      iso9660::AppendDirectoryRecord(f, id, {}, &record);
      on_record(record);
      continue;
    }
    iso9660::ForEachFileSection(plan, child, [&](const iso9660::DirectoryRecordFields& section) {
      record.clear();
      iso9660::AppendDirectoryRecord(section, id, {}, &record);
      on_record(record);
    });
  }
}

class JolietDirectorySection final : public plan::Section {
 public:
  explicit JolietDirectorySection(JolietPlanner& joliet)
      : Section("joliet directories", Region::kDirectories), joliet_(joliet) {}

  base::Status Write(const ImagePlan& plan, EmitContext& context) const override {
    const iso9660::Hierarchy& h = joliet_.hierarchy();
    for (std::uint32_t index : h.order) {
      const Directory& d = h.dirs[index];
      plan::SectorStream stream(context.sink());
      EncodeDirectory(plan, joliet_, d, [&](std::span<const std::uint8_t> r) { stream.Add(r); });
      ASSIGN_OR_RETURN(std::uint64_t bytes, stream.Finish());
      CHECK(bytes == std::uint64_t{d.blocks} * base::kBlockSize);
    }
    return base::Ok();
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImagePlan& plan, std::uint64_t lba) override {
    iso9660::Hierarchy& h = joliet_.mutable_hierarchy();
    std::uint64_t next = lba;
    for (std::uint32_t index : h.order) {
      plan::SectorCounter counter;
      EncodeDirectory(plan, joliet_, h.dirs[index],
                      [&](std::span<const std::uint8_t> r) { counter.Add(r.size()); });
      Directory& d = h.dirs[index];
      d.lba = static_cast<std::uint32_t>(next);
      if (counter.blocks() * base::kBlockSize > kMaxDirectoryBytes) {
        return base::InvalidInput(plan.tree().Path(d.node),
                                  "a folder of " +
                                      std::to_string(counter.blocks() * base::kBlockSize) +
                                      " bytes of records, more than the " +
                                      std::to_string(kMaxDirectoryBytes) + " mkimg reads");
      }
      d.blocks = static_cast<std::uint32_t>(counter.blocks());
      next += d.blocks;
    }
    return next - lba;
  }

 private:
  JolietPlanner& joliet_;
};

}  // namespace

JolietPlanner::JolietPlanner(const JolietOptions& options)
    : max_length_(options.long_names ? kMaxLongNameLength : kMaxNameLength),
      fold_case_(options.case_insensitive) {}

base::Expected<bool> JolietPlanner::Accepts(const Tree& tree, NodeId node, std::string* why) const {
  if (tree.node(node).type == NodeType::kSymlink) {
    *why = "symbolic link left out of the Joliet tree (Joliet cannot record links)";
    return false;
  }
  if (IsSpecial(tree.node(node).type)) {
    *why = "device, FIFO or socket left out of the Joliet tree (Joliet records files only)";
    return false;
  }
  return true;
}

void JolietPlanner::SetName(NodeId id, std::u16string_view name) {
  CHECK(name.size() <= 0xFF);
  name_[id].offset = static_cast<std::uint32_t>(names_.size());
  name_[id].length = static_cast<std::uint8_t>(name.size());
  names_.append(name);
}

base::Status JolietPlanner::Plan(plan::ImagePlan& plan, const DiagnosticSink& diagnostics) {
  const Tree& tree = plan.tree();
  name_.resize(tree.size());
  const std::vector<std::uint32_t> visit =
      hierarchy_.AddVisibleDirectories(plan, plan::FileSystemId::kJoliet);
  for (std::uint32_t i : visit) BuildDirectory(i, plan, diagnostics);
  return NumberDirectories(tree);
}

void JolietPlanner::BuildDirectory(std::uint32_t index, const plan::ImagePlan& plan,
                                   const DiagnosticSink& diagnostics) {
  const Tree& tree = plan.tree();
  std::vector<NodeId> v;
  for (NodeId c : tree.children(hierarchy_.dirs[index].node)) {
    if (!plan.Visible(c, plan::FileSystemId::kJoliet)) continue;
    v.push_back(c);
    SetName(c, MapName(tree.name(c), IsFile(tree, c), max_length_));
  }
  auto get = [&](NodeId n) { return name(n); };
  // Names are unique as readers compare them (CollisionKey): ordered by that key, then
  // names kept as given before mapped ones ("a_b" keeps its name beside "a:b"), then by
  // the real name; the first of a run keeps its name.
  struct Keyed {
    std::u16string first;
    bool mapped;
    NodeId second;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(v.size());
  for (NodeId c : v) {
    const bool mapped = !SameAscii(get(c), tree.name(c)) && ToUtf8(get(c)) != tree.name(c);
    keyed.push_back(Keyed{CollisionKey(get(c), fold_case_), mapped, c});
  }
  std::sort(keyed.begin(), keyed.end(), [&](const Keyed& a, const Keyed& b) {
    const int c = a.first.compare(b.first);
    if (c != 0) return c < 0;
    if (a.mapped != b.mapped) return b.mapped;
    return tree.name(a.second) < tree.name(b.second);
  });
  for (std::size_t i = 0; i < keyed.size(); ++i) v[i] = keyed[i].second;
  std::set<std::u16string, std::less<>> generated;  // keys of the names given here
  auto taken = [&](std::u16string_view candidate) {
    const std::u16string k = CollisionKey(candidate, fold_case_);
    auto it = std::lower_bound(keyed.begin(), keyed.end(), k,
                               [](const Keyed& e, const std::u16string& x) { return e.first < x; });
    return (it != keyed.end() && it->first == k) || generated.count(k) > 0;
  };
  std::vector<std::pair<NodeId, std::u16string>> renames;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i + 1;
    while (j < v.size() && keyed[i].first == keyed[j].first) ++j;
    std::uint32_t number = 0;
    int digits = 1;
    for (std::size_t k = i + 1; k < j; ++k) {
      // "apache." beside "apache" becomes "apache_" (its trailing dots as '_', like the
      // characters Joliet forbids), else a numbered name.
      std::u16string base(get(v[k]));
      const std::size_t kept = CollisionKey(base, false).size();
      std::u16string candidate = base.substr(0, kept) + std::u16string(base.size() - kept, u'_');
      if (candidate != base && !taken(candidate)) {
        generated.insert(CollisionKey(candidate, fold_case_));
        renames.emplace_back(v[k], std::move(candidate));
        continue;
      }
      base = std::move(candidate);
      do {
        if (number == iso9660::Pow10(digits)) ++digits;
        candidate = NumberedName(base, IsFile(tree, v[k]), max_length_, number++, digits);
      } while (taken(candidate));
      generated.insert(CollisionKey(candidate, fold_case_));
      renames.emplace_back(v[k], std::move(candidate));
    }
    i = j;
  }
  for (auto& [node, new_name] : renames) SetName(node, new_name);
  // Final order: by the recorded identifier (the binary search of pycdlib and others
  // compares identifiers code unit by code unit).
  std::sort(v.begin(), v.end(), [&](NodeId a, NodeId b) { return get(a) < get(b); });
  for (NodeId c : v) {
    if (!diagnostics) break;
    if (get(c).back() == u'.') {
      diagnostics(Diagnostic{tree.Path(c),
                             "joliet name ends in '.': Linux, Windows and 7-Zip "
                             "read it without its trailing dots"});
    }
    if (SameAscii(get(c), tree.name(c))) continue;
    std::string utf8 = ToUtf8(get(c));
    if (utf8 != tree.name(c)) {
      diagnostics(Diagnostic{tree.Path(c), "joliet name mapped to \"" + utf8 + "\""});
    }
  }
  hierarchy_.SetChildren(index, v);
}

base::Status JolietPlanner::NumberDirectories(const Tree& tree) {
  return hierarchy_.Number(tree, "Joliet", [](NodeId, NodeId) { return false; });
}

void JolietPlanner::AppendFiles(const plan::ImagePlan& plan, std::vector<NodeId>* files) const {
  for (std::uint32_t index : hierarchy_.order) {
    for (NodeId c : hierarchy_.children_of(hierarchy_.dirs[index])) {
      if (plan.tree().node(c).type == NodeType::kFile) files->push_back(c);
    }
  }
}

void JolietPlanner::PathTableIdentifier(const Directory& d, std::vector<std::uint8_t>* id) const {
  if (d.node == kRootNode) {
    id->assign(1, 0);
    return;
  }
  const std::string encoded = EncodeUcs2Be(name(d.node), false);
  id->assign(encoded.begin(), encoded.end());
}

std::uint16_t JolietPlanner::PathTableParent(const Directory& d) const {
  return d.node == kRootNode ? 1 : hierarchy_.dir_of(d.parent).number;
}

void JolietPlanner::DescribeVolume(const plan::ImagePlan& plan,
                                   iso9660::VolumeDescriptorFields* f) const {
  const VolumeInfo& v = plan.spec.volume;
  f->type = iso9660::VolumeDescriptorType::kSupplementary;
  f->ucs2 = true;
  f->escape_sequences = kEscapeSequenceLevel3;
  f->system_identifier = Ucs2Identifier(v.system, 16);
  f->volume_identifier = Ucs2Identifier(v.label.empty() ? v.id : v.label, 16);
  f->volume_set_identifier = Ucs2Identifier(v.volume_set, 64);
  f->publisher_identifier = Ucs2Identifier(v.publisher, 64);
  f->data_preparer_identifier = Ucs2Identifier(v.preparer, 64);
  f->application_identifier = Ucs2Identifier(v.application, 64);
}

void JolietPlanner::AddSections(const plan::ImagePlan&, plan::Placement& placement) {
  placement.Append(
      iso9660::MakeVolumeDescriptorSection(*this, "joliet supplementary volume descriptor"));
  placement.Append(
      iso9660::MakePathTableSection(*this, iso9660::PathTableType::kL, "joliet type L path table"));
  placement.Append(
      iso9660::MakePathTableSection(*this, iso9660::PathTableType::kM, "joliet type M path table"));
  placement.Append(std::make_unique<JolietDirectorySection>(*this));
}

}  // namespace fs::joliet

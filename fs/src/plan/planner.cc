// The neutral planner (specs/layout.md, specs/architecture.md): validates the spec, asks
// each file system which nodes it shows, lets each name and arrange its hierarchy, lays
// down one data extent per piece of content (hard links share one), orders the data, and
// places every file system's sections around the system area. Everything depends only on
// the spec, never on readdir order, time or host.
#include <algorithm>

#include "base/error.h"
#include "base/media.h"
#include "eltorito/eltorito_writer.h"
#include "fs/limits.h"
#include "iso9660/iso9660_format.h"
#include "iso9660/iso_plan.h"
#include "iso9660/names.h"
#include "joliet/joliet_plan.h"
#include "partition/hybrid_writer.h"
#include "plan/dedupe.h"
#include "plan/image_layout.h"
#include "udf/udf_plan.h"

namespace fs::plan {

std::vector<SectionInfo> ImageLayout::sections() const {
  std::vector<SectionInfo> out;
  for (const auto& s : sections_) out.push_back({s->name(), s->lba(), s->blocks()});
  return out;
}

namespace {

std::uint8_t HideBit(FileSystemId id) {
  switch (id) {
    case FileSystemId::kIso9660:
      return kHideIso9660;
    case FileSystemId::kJoliet:
      return kHideJoliet;
    case FileSystemId::kUdf:
      return kHideUdf;
  }
  return 0;
}

// ECMA-119 6.2.1: the first 16 blocks of a session. Zeros today; a hybrid MBR/GPT and
// other system-area contents take this section's place (specs/architecture.md).
class SystemAreaSection final : public Section {
 public:
  SystemAreaSection() : Section("system area", Region::kVolumeDescriptors) {}
  base::Status Write(const ImagePlan&, EmitContext& context) const override {
    return context.sink().WriteZeros(std::uint64_t{iso9660::kSystemAreaBlocks} * base::kBlockSize);
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImagePlan&, std::uint64_t) override {
    return std::uint64_t{iso9660::kSystemAreaBlocks};
  }
};

class Planner {
 public:
  Planner(ImageSpec spec, std::uint32_t start_lba,
          std::vector<std::unique_ptr<FileSystemPlanner>> file_systems,
          const DiagnosticSink& diagnostics)
      : plan_(std::make_unique<ImagePlan>()),
        file_systems_(std::move(file_systems)),
        diagnostics_(diagnostics) {
    plan_->spec = std::move(spec);
    plan_->start_lba = start_lba;
  }

  base::Expected<std::unique_ptr<ImageLayout>> Run() {
    if (file_systems_.empty()) return base::InvalidInput("filesystems", "no file system to write");
    ImagePlan& p = *plan_;
    // El Torito (specs/eltorito.md): patched boot images and the catalog's content go into
    // the tree before visibility.
    std::shared_ptr<eltorito::BootWriter> boot;
    if (p.spec.boot.enabled) {
      ASSIGN_OR_RETURN(boot, eltorito::BootWriter::Prepare(p));
      if (p.spec.boot.hybrid) RETURN_IF_ERROR(partition::CheckHybrid(p, *boot));
    }
    RETURN_IF_ERROR(ComputeVisibility());
    for (auto& fs : file_systems_) RETURN_IF_ERROR(fs->Plan(p, diagnostics_));
    RETURN_IF_ERROR(OrderData());
    for (auto& fs : file_systems_) fs->Finish(p);

    Placement placement;
    const bool hybrid = boot && p.spec.boot.hybrid;
    if (!hybrid) placement.AddFixed(std::make_unique<SystemAreaSection>(), 0);
    for (auto& fs : file_systems_) {
      fs->AddSections(p, placement);
      // The boot record follows the primary volume descriptor (El Torito 1.0 2.0).
      if (boot && fs->id() == FileSystemId::kIso9660) {
        boot->AddSections(p, placement, hybrid && p.spec.boot.hybrid->gpt);
      }
    }
    placement.Append(MakeFileDataSection());
    // The MBR/GPT system area, and padding with the backup GPT after everything else.
    if (hybrid) partition::AddHybridSections(boot, placement);
    ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Section>> sections, placement.Place(p));
    if (p.spec.media) {
      const base::MediaInfo& info = base::GetMediaInfo(*p.spec.media);
      if (p.end_lba() > info.capacity_sectors) {
        return base::InvalidInput("media", "image of " + std::to_string(p.end_lba()) +
                                               " sectors does not fit " +
                                               std::string(info.display_name) + " (" +
                                               std::to_string(info.capacity_sectors) + " sectors)");
      }
    }
    return std::make_unique<ImageLayout>(std::move(plan_), std::move(file_systems_),
                                         std::move(sections));
  }

 private:
  void Warn(NodeId node, std::string what) {
    if (diagnostics_) diagnostics_(Diagnostic{plan_->tree().Path(node), std::move(what)});
  }

  // Which file systems show each node: those its parent is in, less those the manifest
  // hides it from and those that cannot record it.
  base::Status ComputeVisibility() {
    ImagePlan& p = *plan_;
    const Tree& tree = p.tree();
    p.nodes.assign(tree.size(), NodeState{});
    std::uint8_t all = 0;
    for (const auto& fs : file_systems_) all = static_cast<std::uint8_t>(all | Bit(fs->id()));
    p.nodes[kRootNode].visible = all;
    // The readers' limits (fs/limits.h): nothing is written that mkimg would not read.
    if (tree.size() > kMaxTreeEntries) {
      return base::InvalidInput("/", "the tree holds " + std::to_string(tree.size()) +
                                         " entries, more than the " +
                                         std::to_string(kMaxTreeEntries) + " mkimg reads");
    }
    std::vector<std::pair<NodeId, int>> stack{{kRootNode, 0}};
    std::string why;
    while (!stack.empty()) {
      const auto [dir, depth] = stack.back();
      stack.pop_back();
      const std::uint8_t parent = p.nodes[dir].visible;
      for (NodeId c : tree.children(dir)) {
        const Node& n = tree.node(c);
        if (n.name_length > kMaxNameBytes) {
          return base::InvalidInput(tree.Path(c), "name longer than 255 bytes");
        }
        std::uint8_t visible = 0;
        for (const auto& fs : file_systems_) {
          const std::uint8_t bit = Bit(fs->id());
          if (!(parent & bit) || (n.hide & HideBit(fs->id()))) continue;
          why.clear();
          ASSIGN_OR_RETURN(bool accepted, fs->Accepts(tree, c, &why));
          if (accepted) {
            visible = static_cast<std::uint8_t>(visible | bit);
          } else {
            Warn(c, why);
          }
        }
        p.nodes[c].visible = visible;
        if (visible == 0) continue;
        if (n.type == NodeType::kDirectory) {
          if (depth + 1 > kMaxTreeDepth) {
            return base::InvalidInput(tree.Path(c), "folder nested deeper than the " +
                                                        std::to_string(kMaxTreeDepth) +
                                                        " levels mkimg reads");
          }
          stack.push_back({c, depth + 1});
        } else if (n.type == NodeType::kFile) {
          const Content& content = tree.content(c);
          if (content.kind == ContentKind::kImageExtent && tree.image_device(content) == nullptr) {
            return base::Unsupported(tree.Path(c),
                                     "its bytes are in an image that is not open for writing");
          }
        }
      }
    }
    return base::Ok();
  }

  // One data extent per piece of content. The default order is each file system's own
  // (ISO 9660's path table order, then files only Joliet shows, ...); a sort weight moves
  // data ahead of or behind the rest (mkisofs -sort). Host files with the same device and
  // inode (hard links) and the same size share the extent of the first of them.
  base::Status OrderData() {
    ImagePlan& p = *plan_;
    const Tree& tree = p.tree();
    std::vector<NodeId> order;
    std::uint8_t earlier = 0;
    for (const auto& fs : file_systems_) {
      std::vector<NodeId> files;
      fs->AppendFiles(p, &files);
      for (NodeId f : files) {
        if (!(p.nodes[f].visible & earlier)) order.push_back(f);
      }
      earlier = static_cast<std::uint8_t>(earlier | Bit(fs->id()));
    }
    if (std::any_of(order.begin(), order.end(),
                    [&](NodeId f) { return tree.content(f).sort_weight != 0; })) {
      std::stable_sort(order.begin(), order.end(), [&](NodeId a, NodeId b) {
        return tree.content(a).sort_weight > tree.content(b).sort_weight;
      });
    }
    std::vector<NodeId> owner(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) owner[i] = order[i];
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
      const NodeId first = order[keys[i].position];
      for (std::size_t k = i + 1; k < j; ++k) {
        const std::uint32_t at = keys[k].position;
        if (tree.content(order[at]).size == tree.content(first).size) owner[at] = first;
      }
      i = j;
    }
    if (p.spec.dedupe) {
      ASSIGN_OR_RETURN(DedupeSaving saving, ShareDuplicateContent(tree, order, &owner));
      if (saving.files > 0 && diagnostics_) {
        diagnostics_(Diagnostic{"/", "dedupe: " + std::to_string(saving.files) +
                                         " files share the data of an identical file, " +
                                         std::to_string(saving.bytes) + " bytes saved"});
      }
    }
    p.extents.reserve(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      const NodeId f = order[i];
      if (owner[i] == f) {
        p.nodes[f].extent = static_cast<std::uint32_t>(p.extents.size());
        p.extents.push_back(DataExtent{f, 0});
        if (tree.content(f).size > 0) p.data_order.push_back(p.nodes[f].extent);
      }
    }
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (owner[i] != order[i]) p.nodes[order[i]].extent = p.nodes[owner[i]].extent;
    }
    return base::Ok();
  }

  std::unique_ptr<ImagePlan> plan_;
  std::vector<std::unique_ptr<FileSystemPlanner>> file_systems_;
  const DiagnosticSink& diagnostics_;
};

}  // namespace

base::Expected<std::vector<std::unique_ptr<FileSystemPlanner>>> MakeFileSystems(
    const ImageSpec& s) {
  if (s.joliet.enabled && !s.iso9660.enabled) {
    return base::InvalidInput("filesystems.joliet",
                              "Joliet extends the ISO 9660 volume descriptor set (its "
                              "supplementary descriptor); enable iso9660 too");
  }
  std::vector<std::unique_ptr<FileSystemPlanner>> file_systems;
  if (s.iso9660.enabled) {
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
    file_systems.push_back(std::make_unique<iso9660::IsoPlanner>(s.iso9660));
  }
  if (s.joliet.enabled) file_systems.push_back(std::make_unique<joliet::JolietPlanner>(s.joliet));
  if (s.udf.enabled) {
    ASSIGN_OR_RETURN(udf::UdfRevision revision, udf::ParseUdfRevision(s.udf.revision));
    if (s.udf.redundant_metadata && !revision.metadata_partition) {
      return base::InvalidInput(
          "filesystems.udf.redundant_metadata",
          "the metadata mirror needs UDF 2.50 or later (revision is " + s.udf.revision + ")");
    }
    file_systems.push_back(std::make_unique<udf::UdfPlanner>(s.udf, revision));
  }
  return file_systems;
}

base::Expected<std::unique_ptr<ImageLayout>> PlanWith(
    ImageSpec spec, std::uint32_t start_lba,
    std::vector<std::unique_ptr<FileSystemPlanner>> file_systems,
    const DiagnosticSink& diagnostics) {
  Planner planner(std::move(spec), start_lba, std::move(file_systems), diagnostics);
  return planner.Run();
}

base::Expected<std::unique_ptr<ImageLayout>> PlanImage(ImageSpec spec, std::uint32_t start_lba,
                                                       const DiagnosticSink& diagnostics) {
  ASSIGN_OR_RETURN(auto file_systems, MakeFileSystems(spec));
  return PlanWith(std::move(spec), start_lba, std::move(file_systems), diagnostics);
}

}  // namespace fs::plan

namespace fs {

base::Expected<std::unique_ptr<Layout>> Plan(ImageSpec spec, const DiagnosticSink& diagnostics) {
  ASSIGN_OR_RETURN(auto layout, plan::PlanImage(std::move(spec), 0, diagnostics));
  return std::unique_ptr<Layout>(std::move(layout));
}

}  // namespace fs

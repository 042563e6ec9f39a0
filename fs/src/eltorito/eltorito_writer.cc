// The El Torito writer; see eltorito_writer.h and specs/eltorito.md "The writer".
#include "eltorito/eltorito_writer.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "base/block_sink.h"
#include "base/bytes.h"
#include "eltorito/eltorito_format.h"
#include "plan/section.h"

namespace fs::eltorito {
namespace {

// El Torito 1.0 2.2: the image sizes of the emulated floppies (1.2, 1.44, 2.88 MB).
std::uint64_t FloppyBytes(BootEmulation e) {
  switch (e) {
    case BootEmulation::kFloppy12:
      return 1228800;
    case BootEmulation::kFloppy144:
      return 1474560;
    case BootEmulation::kFloppy288:
      return 2949120;
    default:
      return 0;
  }
}

std::uint8_t MediaType(BootEmulation e) {
  switch (e) {
    case BootEmulation::kNone:
      return kNoEmulation;
    case BootEmulation::kFloppy12:
      return kFloppy12;
    case BootEmulation::kFloppy144:
      return kFloppy144;
    case BootEmulation::kFloppy288:
      return kFloppy288;
    case BootEmulation::kHardDisk:
      return kHardDisk;
  }
  return kNoEmulation;
}

// A content source with patches applied to a copy of its bytes (boot images are small).
class PatchedContent final : public ContentSource {
 public:
  PatchedContent(std::shared_ptr<const ContentSource> inner, std::vector<Patch> patches)
      : inner_(std::move(inner)), patches_(std::move(patches)) {}
  std::uint64_t size() const override { return inner_->size(); }
  std::string where() const override { return inner_->where(); }
  base::Status WriteTo(const PlacedImage& image, std::uint32_t lba,
                       base::BlockSink& sink) const override {
    std::vector<std::uint8_t> bytes;
    base::MemorySink memory(&bytes);
    RETURN_IF_ERROR(inner_->WriteTo(image, lba, memory));
    for (const Patch& patch : patches_) {
      base::Status s = patch(image, lba, bytes);
      if (!s) return base::InvalidInput(where(), s.error().what());
    }
    return sink.Write(bytes);
  }

 private:
  std::shared_ptr<const ContentSource> inner_;
  std::vector<Patch> patches_;
};

std::uint8_t EnabledHideMask(const ImageSpec& spec) {
  std::uint8_t mask = 0;
  if (spec.iso9660.enabled) mask |= kHideIso9660;
  if (spec.joliet.enabled) mask |= kHideJoliet;
  if (spec.udf.enabled) mask |= kHideUdf;
  return mask;
}

// The hide bits of a node and of every folder above it.
std::uint8_t EffectiveHide(const Tree& tree, NodeId node) {
  std::uint8_t hide = 0;
  for (NodeId n = node; n != kNoNode; n = tree.node(n).parent) hide |= tree.node(n).hide;
  return hide;
}

// The bytes of a tree file as a content source (for a patched or hidden copy).
base::Expected<std::shared_ptr<const ContentSource>> SourceOfNode(const Tree& tree, NodeId node,
                                                                  std::vector<Patch> patches) {
  const Content& c = tree.content(node);
  switch (c.kind) {
    case ContentKind::kHostFile:
      return PatchedHostFile(tree.HostPath(c), c.size, std::move(patches));
    case ContentKind::kInline: {
      const std::string_view b = tree.inline_bytes(c);
      return PatchedBytes(std::vector<std::uint8_t>(b.begin(), b.end()), tree.Path(node),
                          std::move(patches));
    }
    case ContentKind::kZeros:
      if (c.size > (std::uint64_t{64} << 20)) break;
      return PatchedBytes(std::vector<std::uint8_t>(c.size), tree.Path(node), std::move(patches));
    default:
      break;
  }
  return base::Unsupported(tree.Path(node),
                           "a boot image that is patched or hidden from every file system must "
                           "come from a host file or a manifest entry's text");
}

}  // namespace

std::optional<std::uint32_t> PlanPlacedImage::DataLba(NodeId file) const {
  if (file >= plan_.nodes.size() || plan_.nodes[file].extent == plan::kNoExtent) {
    return std::nullopt;
  }
  const plan::DataExtent& e = plan_.extent_of(file);
  if (plan_.content_of(e).size == 0) return std::nullopt;
  return e.lba;
}

std::uint16_t DefaultLoadSize(const BootEntrySpec& entry, std::uint64_t image_size) {
  if (entry.emulation != BootEmulation::kNone) return 1;
  if (entry.platform == kPlatformEfi) {
    const std::uint64_t sectors = (image_size + 511) / 512;
    return sectors > 0xFFFF ? 0 : static_cast<std::uint16_t>(sectors);
  }
  const std::uint64_t sectors = (image_size + 2047) / 2048 * 4;
  return static_cast<std::uint16_t>(std::min<std::uint64_t>(sectors, 0xFFFF));
}

Patch Grub2BootInfo() {
  return [](const PlacedImage&, std::uint32_t lba, std::span<std::uint8_t> bytes) {
    if (bytes.size() < 2556) {
      return base::Status(
          base::InvalidInput("", "GRUB's boot info goes at bytes 2548-2555; the image has " +
                                     std::to_string(bytes.size()) + " bytes"));
    }
    base::StoreLe64(bytes.data() + 2548, std::uint64_t{lba} * 4 + 5);
    return base::Ok();
  };
}

// ---- sections ------------------------------------------------------------------------------

// Content no file system names: a boot image or the catalog, in blocks of its own.
class HiddenSection final : public plan::Section {
 public:
  HiddenSection(std::string name, plan::Region region, std::shared_ptr<const ContentSource> source,
                std::uint32_t* lba_out, std::shared_ptr<const BootWriter> owner)
      : Section(std::move(name), region),
        source_(std::move(source)),
        lba_out_(lba_out),
        owner_(std::move(owner)) {}
  base::Status Write(const plan::ImagePlan& plan, plan::EmitContext& context) const override {
    PlanPlacedImage placed(plan);
    const std::uint64_t before = context.sink().position();
    RETURN_IF_ERROR(source_->WriteTo(placed, static_cast<std::uint32_t>(lba()), context.sink()));
    const std::uint64_t written = context.sink().position() - before;
    if (written != source_->size()) {
      return base::InvalidInput(source_->where(),
                                "wrote " + std::to_string(written) + " bytes where " +
                                    std::to_string(source_->size()) + " were planned");
    }
    return context.sink().WriteZeros(blocks() * base::kBlockSize - written);
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(plan::ImagePlan&, std::uint64_t lba) override {
    *lba_out_ = static_cast<std::uint32_t>(lba);
    return base::BlocksFor(source_->size());
  }

 private:
  std::shared_ptr<const ContentSource> source_;
  std::uint32_t* lba_out_;                   // in owner_
  std::shared_ptr<const BootWriter> owner_;  // keeps lba_out_ alive
};

// The catalog's bytes, written where the catalog was placed (a tree file or a section).
class CatalogSource final : public ContentSource {
 public:
  explicit CatalogSource(const BootWriter* writer) : writer_(writer) {}
  std::uint64_t size() const override { return writer_->CatalogBytes(); }
  std::string where() const override { return "El Torito boot catalog"; }
  base::Status WriteTo(const PlacedImage& image, std::uint32_t,
                       base::BlockSink& sink) const override {
    return sink.Write(writer_->Catalog(image));
  }

 private:
  const BootWriter* writer_;  // the layout's sections keep it alive
};

// El Torito 1.0 2.0: the boot record volume descriptor, after the primary one.
class BootRecordSection final : public plan::Section {
 public:
  explicit BootRecordSection(std::shared_ptr<BootWriter> writer)
      : Section("El Torito boot record", plan::Region::kVolumeDescriptors),
        writer_(std::move(writer)) {}
  base::Status Write(const plan::ImagePlan& plan, plan::EmitContext& context) const override {
    return context.sink().Write(
        codec::Encode(BootRecordVolumeDescriptor::Make(writer_->CatalogLba(plan))));
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(plan::ImagePlan& plan, std::uint64_t) override {
    // Boot images in the tree must have data in the image: a file system shows them.
    const BootSpec& b = writer_->spec();
    for (std::size_t i = 0; i < writer_->images_.size(); ++i) {
      const NodeId node = writer_->images_[i].node;
      if (node != kNoNode && plan.nodes[node].extent == plan::kNoExtent) {
        return base::InvalidInput(b.entries[i].where, "the boot image " + plan.tree().Path(node) +
                                                          " is in no file system of the image");
      }
    }
    if (writer_->catalog_node_ != kNoNode &&
        plan.nodes[writer_->catalog_node_].extent == plan::kNoExtent) {
      return base::InvalidInput(b.where, "the boot catalog is in no file system of the image");
    }
    return std::uint64_t{1};
  }

 private:
  std::shared_ptr<BootWriter> writer_;
};

// ---- the writer ----------------------------------------------------------------------------

base::Expected<std::shared_ptr<BootWriter>> BootWriter::Prepare(plan::ImagePlan& plan) {
  auto w = std::shared_ptr<BootWriter>(new BootWriter());
  const BootSpec& b = plan.spec.boot;
  Tree& tree = plan.spec.tree;
  w->spec_ = &b;
  if (b.entries.empty()) return base::InvalidInput(b.where, "a boot catalog needs an entry");
  if (!plan.spec.iso9660.enabled) {
    return base::InvalidInput(b.where,
                              "El Torito is found through the ISO 9660 volume descriptors: "
                              "enable iso9660");
  }
  const std::uint8_t all = EnabledHideMask(plan.spec);
  std::vector<NodeId> patched;
  for (const BootEntrySpec& e : b.entries) {
    Image img;
    std::vector<Patch> patches;
    // GRUB's patch first: the boot information table's checksum covers it.
    if (e.grub2_boot_info) patches.push_back(Grub2BootInfo());
    if (e.boot_info_table) patches.push_back(BootInfoTable());
    if (e.node != kNoNode) {
      if (e.node >= tree.size() || tree.node(e.node).type != NodeType::kFile) {
        return base::InvalidInput(e.where, "the boot image is not a file");
      }
      img.size = tree.content(e.node).size;
      const bool hidden = (EffectiveHide(tree, e.node) & all) == all;
      const bool done = std::find(patched.begin(), patched.end(), e.node) != patched.end();
      if (hidden) {
        ASSIGN_OR_RETURN(img.source, SourceOfNode(tree, e.node, std::move(patches)));
      } else if (!patches.empty() && !done) {
        ASSIGN_OR_RETURN(auto source, SourceOfNode(tree, e.node, std::move(patches)));
        const std::int32_t weight = tree.content(e.node).sort_weight;
        Content c = tree.GeneratedContent(std::move(source));
        c.sort_weight = weight;
        tree.mutable_content(e.node) = c;
        patched.push_back(e.node);
        img.node = e.node;
      } else {
        img.node = e.node;
      }
    } else if (e.source) {
      img.size = e.source->size();
      img.source = patches.empty() ? e.source
                                   : std::make_shared<PatchedContent>(e.source, std::move(patches));
    } else {
      return base::InvalidInput(e.where, "the entry has no boot image");
    }
    if (img.size == 0) return base::InvalidInput(e.where, "the boot image is empty");
    if (img.size > 0xFFFFFFFFull) {
      return base::InvalidInput(e.where, "the boot image is larger than 4 GiB");
    }
    if (const std::uint64_t floppy = FloppyBytes(e.emulation); floppy != 0 && img.size != floppy) {
      return base::InvalidInput(
          e.where, "a " +
                       std::string(e.emulation == BootEmulation::kFloppy12    ? "1.2"
                                   : e.emulation == BootEmulation::kFloppy144 ? "1.44"
                                                                              : "2.88") +
                       " MB floppy image has exactly " + std::to_string(floppy) + " bytes, not " +
                       std::to_string(img.size));
    }
    if (e.emulation == BootEmulation::kHardDisk && e.system_type == 0) {
      return base::InvalidInput(e.where, "a hard-disk boot image needs an MBR with one partition");
    }
    if (e.boot_info_table && img.size < 64) {
      return base::InvalidInput(e.where,
                                "a boot information table needs a boot image of 64 "
                                "bytes or more");
    }
    if (e.grub2_boot_info && img.size < 2556) {
      return base::InvalidInput(e.where,
                                "GRUB's boot info needs a boot image of 2556 bytes or "
                                "more (it patches bytes 2548-2555)");
    }
    w->images_.push_back(std::move(img));
  }

  // The initial/default entry (2.2): the one that asks for it, else the first.
  std::optional<std::size_t> chosen;
  for (std::size_t i = 0; i < b.entries.size(); ++i) {
    if (!b.entries[i].is_default) continue;
    if (chosen) {
      return base::InvalidInput(b.entries[i].where,
                                "two entries on the initial/default catalog slot (the other is " +
                                    b.entries[*chosen].where + ")");
    }
    chosen = i;
  }
  w->default_entry_ = chosen.value_or(0);
  const BootEntrySpec& d = b.entries[w->default_entry_];
  if (d.id.size() > 24) {
    return base::InvalidInput(d.where, "the validation entry's ID string holds 24 bytes, not " +
                                           std::to_string(d.id.size()));
  }
  if (!d.selection_criteria.empty() || d.selection_criteria_type != 0) {
    return base::InvalidInput(d.where,
                              "the initial/default entry has no selection criteria "
                              "(El Torito 1.0 2.2)");
  }
  // Section headers (2.3): consecutive entries of one platform and ID string share one.
  for (std::size_t i = 0; i < b.entries.size(); ++i) {
    if (i == w->default_entry_) continue;
    const BootEntrySpec& e = b.entries[i];
    if (e.id.size() > 28) {
      return base::InvalidInput(e.where, "a section header's ID string holds 28 bytes, not " +
                                             std::to_string(e.id.size()));
    }
    if (w->sections_.empty() || w->sections_.back().platform != e.platform ||
        w->sections_.back().id != e.id || w->sections_.back().entries.size() == 0xFFFF) {
      w->sections_.push_back({e.platform, e.id, {}});
    }
    w->sections_.back().entries.push_back(i);
  }

  if (b.catalog != kNoNode) {
    if (b.catalog >= tree.size() || tree.node(b.catalog).type != NodeType::kFile) {
      return base::InvalidInput(b.where, "the boot catalog's path is not a file");
    }
    auto source = std::make_shared<CatalogSource>(w.get());
    w->catalog_source_ = source;
    if ((EffectiveHide(tree, b.catalog) & all) != all) {
      const std::int32_t weight = tree.content(b.catalog).sort_weight;
      Content c = tree.GeneratedContent(source);
      c.sort_weight = weight;
      tree.mutable_content(b.catalog) = c;
      w->catalog_node_ = b.catalog;
    } else {
      tree.mutable_content(b.catalog) = tree.GeneratedContent(source);
    }
  } else {
    w->catalog_source_ = std::make_shared<CatalogSource>(w.get());
  }
  return w;
}

std::size_t BootWriter::CatalogBytes() const {
  std::size_t entries = 2;  // validation, initial/default
  for (const CatalogSection& s : sections_) {
    entries += 1;
    for (std::size_t i : s.entries) {
      const std::size_t criteria = spec_->entries[i].selection_criteria.size();
      entries += 1 + (criteria > 19 ? (criteria - 19 + 29) / 30 : 0);
    }
  }
  return base::BlocksFor(entries * kEntrySize) * base::kBlockSize;
}

void BootWriter::AddSections(const plan::ImagePlan&, plan::Placement& placement, bool esp_last) {
  std::shared_ptr<BootWriter> self = shared_from_this();
  placement.Append(std::make_unique<BootRecordSection>(self));
  if (catalog_node_ == kNoNode) {
    placement.Append(std::make_unique<HiddenSection>("El Torito boot catalog",
                                                     plan::Region::kFileSystemDescriptors,
                                                     catalog_source_, &hidden_catalog_lba_, self));
  }
  const std::optional<std::size_t> esp = FirstOf(kPlatformEfi);
  for (std::size_t i = 0; i < images_.size(); ++i) {
    if (!images_[i].source) continue;
    const plan::Region region =
        esp_last && esp == i ? plan::Region::kTrailer : plan::Region::kFileSystemDescriptors;
    placement.Append(std::make_unique<HiddenSection>("boot image " + std::to_string(i), region,
                                                     images_[i].source, &images_[i].hidden_lba,
                                                     self));
  }
}

std::optional<std::size_t> BootWriter::FirstOf(std::uint8_t platform) const {
  for (std::size_t i = 0; i < spec_->entries.size(); ++i) {
    if (spec_->entries[i].platform == platform) return i;
  }
  return std::nullopt;
}

std::uint32_t BootWriter::EntryLba(const PlacedImage& image, std::size_t entry) const {
  const Image& img = images_[entry];
  if (img.node != kNoNode) return image.DataLba(img.node).value_or(0);
  return img.hidden_lba;
}

std::uint32_t BootWriter::ImageLba(const plan::ImagePlan& plan, std::size_t entry) const {
  return EntryLba(PlanPlacedImage(plan), entry);
}

std::uint32_t BootWriter::CatalogLba(const plan::ImagePlan& plan) const {
  if (catalog_node_ != kNoNode) return PlanPlacedImage(plan).DataLba(catalog_node_).value_or(0);
  return hidden_catalog_lba_;
}

std::vector<std::uint8_t> BootWriter::Catalog(const PlacedImage& image) const {
  std::vector<std::uint8_t> out;
  out.reserve(CatalogBytes());
  auto append = [&](const auto& entry) {
    const auto bytes = codec::AsBytes(entry);
    out.insert(out.end(), bytes.begin(), bytes.end());
  };
  const BootEntrySpec& d = spec_->entries[default_entry_];
  append(ValidationEntry::Make(d.platform, d.id));  // 2.1
  auto initial = codec::Zeroed<InitialEntry>();     // 2.2
  initial.boot_indicator = d.bootable ? kBootable : kNotBootable;
  initial.boot_media_type = MediaType(d.emulation);
  initial.load_segment.set(d.load_segment);
  initial.system_type = d.system_type;
  initial.sector_count.set(d.load_size.value_or(DefaultLoadSize(d, images_[default_entry_].size)));
  initial.load_rba.set(EntryLba(image, default_entry_));
  append(initial);
  for (std::size_t s = 0; s < sections_.size(); ++s) {
    const CatalogSection& section = sections_[s];
    auto header = codec::Zeroed<SectionHeader>();  // 2.3
    header.header_indicator = s + 1 == sections_.size() ? kSectionHeaderFinal : kSectionHeaderMore;
    header.platform_id = section.platform;
    header.number_of_section_entries.set(static_cast<std::uint16_t>(section.entries.size()));
    std::memcpy(header.id_string.b, section.id.data(), section.id.size());
    append(header);
    for (std::size_t i : section.entries) {
      const BootEntrySpec& e = spec_->entries[i];
      const std::vector<std::uint8_t>& criteria = e.selection_criteria;
      auto entry = codec::Zeroed<SectionEntry>();  // 2.4
      entry.boot_indicator = e.bootable ? kBootable : kNotBootable;
      entry.boot_media_type = MediaType(e.emulation);
      // 2.4 offset 01 bit 5: an extension entry (2.5) follows.
      if (criteria.size() > sizeof entry.selection_criteria) {
        entry.boot_media_type |= kExtensionMoreFollows;
      }
      entry.load_segment.set(e.load_segment);
      entry.system_type = e.system_type;
      entry.sector_count.set(e.load_size.value_or(DefaultLoadSize(e, images_[i].size)));
      entry.load_rba.set(EntryLba(image, i));
      entry.selection_criteria_type = e.selection_criteria_type;
      const std::size_t first = std::min(criteria.size(), sizeof entry.selection_criteria);
      std::copy_n(criteria.begin(), first, entry.selection_criteria.b);
      append(entry);
      for (std::size_t at = first; at < criteria.size();) {
        auto x = codec::Zeroed<SectionEntryExtension>();  // 2.5
        x.extension_indicator = kExtensionIndicator;
        const std::size_t n = std::min(criteria.size() - at, sizeof x.selection_criteria);
        std::copy_n(criteria.begin() + static_cast<std::ptrdiff_t>(at), n, x.selection_criteria.b);
        at += n;
        if (at < criteria.size()) x.flags = kExtensionMoreFollows;
        append(x);
      }
    }
  }
  out.resize(CatalogBytes(), 0);
  return out;
}

}  // namespace fs::eltorito

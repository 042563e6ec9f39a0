// ImageReader: opens an image, describes its volume (ECMA-119 descriptors, El Torito
// catalog, MBR/GPT, UDF) and reads any of its namespaces into a Tree; see image_reader.h.
#include "fs/image_reader.h"

#include <algorithm>

#include "eltorito/boot_catalog_reader.h"
#include "iso9660/iso9660_reader.h"
#include "partition/partition_reader.h"
#include "reader/reader_util.h"
#include "udf/udf_reader.h"

namespace fs {

std::string_view NamespaceName(Namespace ns) {
  switch (ns) {
    case Namespace::kIso9660:
      return "iso9660";
    case Namespace::kRockRidge:
      return "rockridge";
    case Namespace::kJoliet:
      return "joliet";
    case Namespace::kUdf:
      return "udf";
  }
  return "?";
}

std::optional<Namespace> ParseNamespace(std::string_view name) {
  for (Namespace ns :
       {Namespace::kIso9660, Namespace::kRockRidge, Namespace::kJoliet, Namespace::kUdf}) {
    if (name == NamespaceName(ns)) return ns;
  }
  return std::nullopt;
}

void AppendListingTime(const Timestamp& t, std::string* out) { reader::AppendListingTime(t, out); }

std::vector<FileExtent> ImageTree::FileExtents(NodeId file) const {
  auto it = extent_ranges.find(file);
  if (it != extent_ranges.end()) {
    return std::vector<FileExtent>(extents.begin() + it->second.first,
                                   extents.begin() + it->second.first + it->second.second);
  }
  const Content& c = tree.content(file);
  return {FileExtent{c.location, c.size, false}};
}

std::uint32_t ImageTree::LinkCount(NodeId id) const { return id < links.size() ? links[id] : 0; }

struct ImageReader::State {
  std::unique_ptr<base::BlockDevice> device;
  ReadOptions options;
  ImageInfo volume;
  reader::IsoVolume iso;
  std::shared_ptr<const reader::UdfVolume> udf;
};

ImageReader::ImageReader(std::unique_ptr<State> state) : state_(std::move(state)) {}
ImageReader::~ImageReader() = default;

const ImageInfo& ImageReader::volume() const { return state_->volume; }
const base::BlockDevice& ImageReader::device() const { return *state_->device; }

bool ImageReader::Has(Namespace ns) const {
  const auto& n = state_->volume.namespaces;
  return std::find(n.begin(), n.end(), ns) != n.end();
}

Namespace ImageReader::BestNamespace() const {
  for (Namespace ns :
       {Namespace::kRockRidge, Namespace::kJoliet, Namespace::kUdf, Namespace::kIso9660}) {
    if (Has(ns)) return ns;
  }
  return Namespace::kIso9660;
}

base::Expected<std::unique_ptr<ImageReader>> ImageReader::Open(
    std::unique_ptr<base::BlockDevice> device, const ReadOptions& options) {
  auto state = std::make_unique<State>();
  state->device = std::move(device);
  state->options = options;
  const base::BlockDevice& dev = *state->device;
  ImageInfo& info = state->volume;
  info.image_size = dev.size();

  // The system area (ECMA-119 6.2.1, 16 sectors) holds the MBR and GPT of hybrid images.
  {
    std::vector<std::uint8_t> head(std::min<std::uint64_t>(dev.size(), 16 * base::kBlockSize));
    RETURN_IF_ERROR(dev.Read(0, head));
    reader::ParsePartitionTables(head, dev.size(), &info);
    reader::CheckBackupGpt(dev, &info);
  }
  RETURN_IF_ERROR(reader::ScanVolumeDescriptors(dev, &info, &state->iso));
  if (state->iso.primary_root) {
    RETURN_IF_ERROR(reader::DetectRockRidge(dev, state->iso, &info));
    info.namespaces.push_back(Namespace::kIso9660);
    if (info.rock_ridge) info.namespaces.push_back(Namespace::kRockRidge);
    if (state->iso.joliet_root) info.namespaces.push_back(Namespace::kJoliet);
  }
  if (state->iso.boot_catalog_lba) {
    const std::uint32_t lba = *state->iso.boot_catalog_lba;
    std::vector<std::uint8_t> buf;
    const std::uint64_t offset = std::uint64_t{lba} * base::kBlockSize;
    if (offset >= dev.size()) {
      return base::CorruptImage(base::LbaWhere(lba),
                                "El Torito boot catalog beyond the end of the image");
    }
    // The catalog is usually one sector; read up to 16 for images with many entries.
    const std::uint64_t length =
        std::min<std::uint64_t>(dev.size() - offset, 16 * base::kBlockSize);
    ASSIGN_OR_RETURN(std::span<const std::uint8_t> cat,
                     reader::Bytes(dev, offset, length, "boot catalog", &buf));
    ASSIGN_OR_RETURN(BootCatalogInfo catalog, reader::ParseBootCatalog(cat, lba));
    reader::CheckBootImages(dev, &catalog);
    info.boot_catalog = std::move(catalog);
  }
  {
    UdfInfo udf;
    auto volume = reader::OpenUdfVolume(dev, &udf, &info.warnings);
    if (!volume) {
      if (state->iso.primary_root && volume.error().code() != base::ErrorCode::kIo) {
        // A bridge image whose UDF side is broken still has its ISO 9660 side.
        info.warnings.push_back("UDF: " + volume.error().ToString());
      } else {
        return std::move(volume).error();
      }
    } else if (*volume) {
      state->udf = *volume;
      info.udf = udf;
      info.namespaces.push_back(Namespace::kUdf);
    } else if (state->iso.udf_recognition) {
      info.warnings.push_back(
          "UDF: NSR descriptor present but no anchor volume descriptor pointer found");
    }
  }
  if (info.namespaces.empty()) {
    return base::CorruptImage("LBA 16", "no ISO 9660 or UDF file system found (image of " +
                                            std::to_string(dev.size()) + " bytes)");
  }
  return std::unique_ptr<ImageReader>(new ImageReader(std::move(state)));
}

namespace {

// Builds an ImageTree from a walk of the whole namespace.
class TreeBuilder final : public WalkVisitor {
 public:
  explicit TreeBuilder(ImageTree* out) : out_(out) {}

  base::Status Visit(const WalkEntry& e) override {
    Tree& t = out_->tree;
    NodeId id = kRootNode;
    if (e.depth == 0) {
      parents_.assign(1, kRootNode);
      out_->links.assign(1, e.links);
    } else {
      const NodeId parent = parents_[static_cast<std::size_t>(e.depth) - 1];
      switch (e.type) {
        case NodeType::kDirectory:
          id = t.AddDirectory(parent, e.name);
          break;
        case NodeType::kSymlink:
          id = t.AddSymlink(parent, e.name, e.symlink_target);
          break;
        case NodeType::kCharDevice:
        case NodeType::kBlockDevice:
        case NodeType::kFifo:
        case NodeType::kSocket:
          id = t.AddSpecial(parent, e.name, e.type, e.device_major, e.device_minor);
          break;
        case NodeType::kFile: {
          Content c;
          c.kind = ContentKind::kImageExtent;
          c.size = e.size;
          c.location = e.extents.empty() ? 0 : e.extents.front().location;
          id = t.AddFile(parent, e.name, c);
          if (e.claimed_size != 0) out_->claimed_sizes.emplace(id, e.claimed_size);
          if (e.extents.size() > 1) {
            out_->extent_ranges.emplace(
                id, std::make_pair(static_cast<std::uint32_t>(out_->extents.size()),
                                   static_cast<std::uint32_t>(e.extents.size())));
            out_->extents.insert(out_->extents.end(), e.extents.begin(), e.extents.end());
          }
          break;
        }
      }
      out_->links.push_back(e.links);
    }
    if (e.type == NodeType::kDirectory) {
      parents_.resize(static_cast<std::size_t>(e.depth) + 1);
      parents_.back() = id;
      out_->directory_extents.insert(out_->directory_extents.end(), e.extents.begin(),
                                     e.extents.end());
    }
    Node& n = t.mutable_node(id);
    n.mode = e.mode;
    n.uid = e.uid;
    n.gid = e.gid;
    n.mtime = e.mtime;
    return base::Ok();
  }

  void Warning(std::string warning) override { out_->warnings.push_back(std::move(warning)); }

 private:
  ImageTree* out_;
  std::vector<NodeId> parents_;
};

// Walks a namespace already read into a tree (UDF).
base::Status WalkTree(const ImageTree& t, std::string_view path, WalkVisitor& visitor) {
  for (const std::string& w : t.warnings) visitor.Warning(w);
  const Tree& tree = t.tree;
  NodeId start = tree.root();
  for (std::string_view part : reader::SplitImagePath(path)) {
    if (tree.node(start).type != NodeType::kDirectory) {
      return base::InvalidInput(std::string(path), "not a directory: " + tree.Path(start));
    }
    const NodeId next = tree.FindChild(start, part);
    if (next == kNoNode) {
      return base::InvalidInput(std::string(path), "no such file or directory in the image");
    }
    start = next;
  }
  std::string p = tree.Path(start);
  std::vector<FileExtent> extents;
  auto visit = [&](NodeId id, int depth) {
    const Node& n = tree.node(id);
    WalkEntry w;
    w.path = p;
    w.name = id == kRootNode ? std::string_view() : tree.name(id);
    w.depth = depth;
    w.type = n.type;
    w.mode = n.mode;
    w.uid = n.uid;
    w.gid = n.gid;
    w.mtime = n.mtime;
    w.links = t.LinkCount(id);
    extents.clear();
    switch (n.type) {
      case NodeType::kDirectory:
        for (NodeId c : tree.children(id))
          w.subdirectories += tree.node(c).type == NodeType::kDirectory;
        break;
      case NodeType::kSymlink:
        w.symlink_target = tree.symlink_target(id);
        w.size = w.symlink_target.size();
        break;
      case NodeType::kCharDevice:
      case NodeType::kBlockDevice:
        w.device_major = tree.device_major(id);
        w.device_minor = tree.device_minor(id);
        break;
      case NodeType::kFifo:
      case NodeType::kSocket:
        break;
      case NodeType::kFile:
        w.size = tree.content(id).size;
        extents = t.FileExtents(id);
        w.extents = extents;
        break;
    }
    return visitor.Visit(w);
  };
  RETURN_IF_ERROR(visit(start, 0));
  if (tree.node(start).type != NodeType::kDirectory) return base::Ok();
  struct Frame {
    NodeId dir;
    std::size_t next;
    std::size_t path_length;
  };
  if (p == "/") p.clear();
  std::vector<Frame> stack{{start, 0, p.size()}};
  while (!stack.empty()) {
    Frame& f = stack.back();
    const auto& children = tree.children(f.dir);
    if (f.next == children.size()) {
      stack.pop_back();
      continue;
    }
    const NodeId c = children[f.next++];
    p.resize(f.path_length);
    p.push_back('/');
    p.append(tree.name(c));
    const int depth = static_cast<int>(stack.size());
    RETURN_IF_ERROR(visit(c, depth));
    if (tree.node(c).type == NodeType::kDirectory) stack.push_back({c, 0, p.size()});
  }
  return base::Ok();
}

}  // namespace

base::Expected<ImageTree> ImageReader::ReadTree(Namespace ns) const {
  if (!Has(ns)) {
    return base::Unsupported(std::string(NamespaceName(ns)),
                             "the image has no " + std::string(NamespaceName(ns)) + " file system");
  }
  if (ns == Namespace::kUdf)
    return reader::ReadUdfTree(*state_->device, *state_->udf, state_->options);
  ImageTree out;
  out.ns = ns;
  TreeBuilder builder(&out);
  RETURN_IF_ERROR(reader::WalkIso(*state_->device, state_->iso, ns, state_->options, "/", builder));
  return out;
}

base::Status ImageReader::Walk(Namespace ns, std::string_view path, WalkVisitor& visitor) const {
  if (!Has(ns)) {
    return base::Unsupported(std::string(NamespaceName(ns)),
                             "the image has no " + std::string(NamespaceName(ns)) + " file system");
  }
  if (ns == Namespace::kUdf) {
    ASSIGN_OR_RETURN(ImageTree tree,
                     reader::ReadUdfTree(*state_->device, *state_->udf, state_->options));
    return WalkTree(tree, path, visitor);
  }
  return reader::WalkIso(*state_->device, state_->iso, ns, state_->options, path, visitor);
}

base::Status ReadFileData(const base::BlockDevice& device, const ImageTree& tree, NodeId file,
                          std::uint64_t offset, std::span<std::uint8_t> out) {
  std::uint64_t pos = 0;
  std::size_t done = 0;
  for (const FileExtent& e : tree.FileExtents(file)) {
    if (done == out.size()) break;
    if (offset + done >= pos + e.length) {
      pos += e.length;
      continue;
    }
    const std::uint64_t within = offset + done - pos;
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(e.length - within, out.size() - done));
    if (e.sparse) {
      std::fill_n(out.data() + done, n, 0);
    } else {
      RETURN_IF_ERROR(device.Read(e.location + within, out.subspan(done, n)));
    }
    done += n;
    pos += e.length;
  }
  if (done != out.size()) {
    return base::CorruptImage(tree.tree.Path(file), "read past the end of the file's extents");
  }
  return base::Ok();
}

}  // namespace fs

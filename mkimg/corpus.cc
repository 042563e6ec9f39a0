// mkimg corpus: the generator (specs/fuzzing.md "The corpus generator"). One image is a
// configuration drawn from the seed and its index (one "focus" feature from a permutation
// of the focus list, so that every focus appears once per round, plus a random mix), a
// manifest written from it, host files staged for what only host sources express (hard
// links, the hybrid MBR's boot code, an EFI folder), devices, FIFOs and sockets added to
// the parsed tree, then fs::Plan and fs::Emit. The configuration and the manifest are
// corpus_compose.cc's; the description, read off the tree that was planned (so it states
// what the image holds, not what was meant), and the files are this file's.
#include "mkimg/corpus.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/block_sink.h"
#include "fs/image_builder.h"
#include "fs/manifest.h"
#include "mkimg/corpus_model.h"
#include "mkimg/json_writer.h"
#include "mkimg/sha256.h"

namespace mkimg {
namespace {

namespace stdfs = std::filesystem;
using corpus::Built;
using corpus::Compose;
using corpus::Config;
using corpus::DrawConfig;
using corpus::FocusFeatures;
using corpus::Mix;
using corpus::ModeString;
using corpus::Rng;
using corpus::Special;
using corpus::ToJson;
using corpus::Value;

// ---------------------------------------------------------------------------------------
// Features.

const std::vector<std::string_view> kFeatures = {
    "iso9660-level1",
    "iso9660-level2",
    "iso9660-level3",
    "rock-ridge",
    "rr-px",
    "rr-tf",
    "rr-nm",
    "rr-long-names",
    "rr-continuation",
    "rr-symlinks",
    "rr-device-numbers",
    "rr-deep-directories",
    "rr-relocation",
    "joliet",
    "joliet-long-names",
    "udf-1.02",
    "udf-1.50",
    "udf-2.01",
    "udf-2.50",
    "udf-2.60",
    "udf-metadata",
    "udf-metadata-mirror",
    "udf-bridge",
    "udf-only",
    "udf-unrecorded-extents",
    "eltorito-bios",
    "eltorito-uefi",
    "eltorito-efi-fat",
    "eltorito-several",
    "eltorito-boot-info-table",
    "eltorito-hidden-image",
    "mbr-hybrid",
    "gpt-hybrid",
    "multi-extent",
    "sparse",
    "hard-links",
    "device-nodes",
    "fifos",
    "sockets",
    "symlinks",
    "empty-files",
    "empty-directories",
    "non-ascii-names",
    "hidden-entries",
};

// One per image, in a permutation per round (specs/fuzzing.md).
base::Status WriteTextAtomically(const std::string& path, const std::string& text) {
  const std::string temp = path + ".part";
  FILE* f = std::fopen(temp.c_str(), "wb");
  if (f == nullptr) return base::ErrnoError(temp, errno);
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) {
    std::remove(temp.c_str());
    return base::ErrnoError(path, errno);
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    std::remove(temp.c_str());
    return base::ErrnoError(path, e);
  }
  return base::Ok();
}

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char ch) { return (static_cast<unsigned char>(ch) & 0x80) == 0; });
}

// The file list of the description and the features the tree shows, read off the tree.
base::Expected<Value> DescribeTree(const fs::ImageSpec& spec, const Config& c, const Built& b,
                                   std::set<std::string>* features) {
  const fs::Tree& tree = spec.tree;
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::vector<fs::NodeId>> inodes;
  std::vector<fs::NodeId> order;
  std::vector<fs::NodeId> stack = {tree.root()};
  while (!stack.empty()) {
    const fs::NodeId id = stack.back();
    stack.pop_back();
    order.push_back(id);
    if (tree.node(id).type == fs::NodeType::kDirectory) {
      const auto& kids = tree.children(id);
      for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.push_back(*it);
    }
  }
  for (fs::NodeId id : order) {
    const fs::Node& n = tree.node(id);
    if (n.type == fs::NodeType::kFile) {
      const fs::Content& ct = tree.content(id);
      if (ct.kind == fs::ContentKind::kHostFile && ct.inode != 0) {
        inodes[{ct.device, ct.inode}].push_back(id);
      }
    }
  }
  std::map<fs::NodeId, std::size_t> link_group;
  std::size_t groups = 0;
  for (const auto& [key, ids] : inodes) {
    if (ids.size() < 2) continue;
    for (fs::NodeId id : ids) link_group[id] = groups;
    ++groups;
  }
  if (groups > 0) features->insert("hard-links");

  Value files = Value::Arr();
  int max_depth = 0;
  for (fs::NodeId id : order) {
    const fs::Node& n = tree.node(id);
    const std::string path = tree.Path(id);
    const std::string_view name = tree.name(id);
    Value f = Value::Obj();
    f.Set("path", Value::Str(path));
    f.Set("type", Value::Str(std::string(fs::NodeTypeName(n.type))));
    f.Set("mode", Value::Str(ModeString(n.mode)));
    f.Set("uid", Value::Int(n.uid));
    f.Set("gid", Value::Int(n.gid));
    f.Set("mtime", Value::Int(n.mtime.seconds));
    if (!IsAscii(name)) features->insert("non-ascii-names");
    if (name.size() >= 150 && c.rr) features->insert("rr-long-names");
    if (n.type == fs::NodeType::kDirectory) {
      const int depth = tree.Depth(id);
      max_depth = std::max(max_depth, depth);
      if (id != tree.root() && tree.children(id).empty()) features->insert("empty-directories");
    } else if (n.type == fs::NodeType::kFile && path == b.catalog_path) {
      // The boot catalog's file: its bytes are the catalog (El Torito 2.0), not the tree's.
      f.Set("boot_catalog", Value::Bool(true));
    } else if (n.type == fs::NodeType::kFile) {
      const fs::Content& ct = tree.content(id);
      f.Set("size", Value::Int(static_cast<std::int64_t>(ct.size)));
      if (ct.size == 0) features->insert("empty-files");
      Sha256 h;
      switch (ct.kind) {
        case fs::ContentKind::kInline: {
          const std::string_view bytes = tree.inline_bytes(ct);
          h.Update(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
          f.Set("sha256", Value::Str(h.FinishHex()));
          break;
        }
        case fs::ContentKind::kZeros:
          f.Set("zeros", Value::Bool(true));
          if (ct.size <= (16u << 20)) {
            h.UpdateZeros(ct.size);
            f.Set("sha256", Value::Str(h.FinishHex()));
          }
          if (ct.size > 0xFFFFF800ull) features->insert("multi-extent");
          if (ct.size >= (16u << 10)) features->insert("sparse");
          if (ct.size > 0 && !c.udf.empty() && (n.hide & fs::kHideUdf) == 0 &&
              ((n.hide & fs::kHideIso9660) != 0 || !c.iso) &&
              ((n.hide & fs::kHideJoliet) != 0 || !c.joliet)) {
            features->insert("udf-unrecorded-extents");
          }
          break;
        case fs::ContentKind::kHostFile: {
          const std::string host = tree.HostPath(ct);
          FILE* in = std::fopen(host.c_str(), "rb");
          if (in == nullptr) return base::ErrnoError(host, errno);
          std::vector<std::uint8_t> buf(1 << 16);
          std::size_t got;
          while ((got = std::fread(buf.data(), 1, buf.size(), in)) > 0) {
            h.Update(std::span(buf.data(), got));
          }
          std::fclose(in);
          f.Set("sha256", Value::Str(h.FinishHex()));
          break;
        }
        default:
          break;
      }
      if (path == b.patched_boot_image) {
        // The image holds the copy with the boot information table (El Torito; specs/eltorito.md).
        f.Set("patched", Value::Str("boot_info_table"));
      }
      if (auto it = link_group.find(id); it != link_group.end()) {
        f.Set("link_group", Value::Int(static_cast<std::int64_t>(it->second)));
        f.Set("links", Value::Int(static_cast<std::int64_t>(inodes[{ct.device, ct.inode}].size())));
      }
    } else if (n.type == fs::NodeType::kSymlink) {
      f.Set("target", Value::Str(std::string(tree.symlink_target(id))));
      features->insert("symlinks");
      if (c.rr) features->insert("rr-symlinks");
      if (c.rr && tree.symlink_target(id).size() >= 200) features->insert("rr-continuation");
    } else {
      if (fs::IsDevice(n.type)) {
        f.Set("major", Value::Int(tree.device_major(id)));
        f.Set("minor", Value::Int(tree.device_minor(id)));
        features->insert("device-nodes");
        if (c.rr) features->insert("rr-device-numbers");
      } else if (n.type == fs::NodeType::kFifo) {
        features->insert("fifos");
      } else {
        features->insert("sockets");
      }
    }
    if (name.size() >= 150 && c.rr) features->insert("rr-continuation");
    if (n.hide != 0) {
      Value hidden = Value::Arr();
      if (n.hide & fs::kHideIso9660) hidden.Push(Value::Str("iso9660"));
      if (n.hide & fs::kHideJoliet) hidden.Push(Value::Str("joliet"));
      if (n.hide & fs::kHideUdf) hidden.Push(Value::Str("udf"));
      f.Set("hidden_in", std::move(hidden));
      features->insert("hidden-entries");
    }
    files.Push(std::move(f));
  }
  // ECMA-119 6.8.2.1: eight levels; a file in a folder at depth 8 or deeper sits past it.
  if (c.rr && max_depth >= 8) {
    features->insert("rr-deep-directories");
    if (c.relocate) features->insert("rr-relocation");
  }
  return files;
}

void ConfigFeatures(const Config& c, std::set<std::string>* f) {
  if (c.iso) {
    f->insert("iso9660-level" + std::to_string(c.level));
    if (c.rr) {
      for (const char* x : {"rock-ridge", "rr-px", "rr-tf", "rr-nm"}) f->insert(x);
    }
  }
  if (c.joliet) {
    f->insert("joliet");
    if (c.joliet_long) f->insert("joliet-long-names");
  }
  if (!c.udf.empty()) {
    f->insert("udf-" + c.udf);
    if (c.udf == "2.50" || c.udf == "2.60") f->insert("udf-metadata");
    if (c.mirror) f->insert("udf-metadata-mirror");
    f->insert(c.iso ? "udf-bridge" : "udf-only");
  }
  if (c.bios) f->insert("eltorito-bios");
  if (c.uefi) f->insert("eltorito-uefi");
  if (c.efi_fat) f->insert("eltorito-efi-fat");
  if (c.several) f->insert("eltorito-several");
  if (c.info_table) f->insert("eltorito-boot-info-table");
  if (c.hidden_image && c.bios) f->insert("eltorito-hidden-image");
  if (c.mbr) f->insert("mbr-hybrid");
  if (c.gpt) f->insert("gpt-hybrid");
}

struct ImageResult {
  std::string image_name;
  std::string description_name;
  std::uint64_t bytes = 0;
  std::set<std::string> features;
};

base::Expected<ImageResult> BuildOne(const CorpusOptions& o, std::uint32_t index,
                                     const std::string& focus, const std::string& stage_root,
                                     std::vector<std::string>* written) {
  Rng r(Mix(o.seed, index + 1));
  const Config c = DrawConfig(r, focus, o.no_multi_extent);
  // 2000-01-01 to 2024-12-31.
  const std::int64_t timestamp = 946684800 + static_cast<std::int64_t>(r.Below(788918400));
  char base[32];
  std::snprintf(base, sizeof base, "%04u", index);
  const std::string stage = stage_root + "/" + base;
  std::error_code ec;
  stdfs::create_directories(stage, ec);
  if (ec) return base::InvalidInput(stage, ec.message());
  ASSIGN_OR_RETURN(Built b, Compose(r, c, index, timestamp, stage));
  const std::string manifest_text = ToJson(b.manifest);

  const std::string image_name = std::string(base) + ".iso";
  const std::string image_path = (stdfs::path(o.directory) / image_name).string();
  fs::ManifestOptions mo;
  mo.base_directory = stage;
  mo.display_name = image_name + " manifest";
  mo.now = timestamp;
  Value warnings = Value::Arr();
  fs::DiagnosticSink diagnostics = [&warnings](const fs::Diagnostic& d) {
    warnings.Push(Value::Obj().Set("where", Value::Str(d.where)).Set("what", Value::Str(d.what)));
  };
  ASSIGN_OR_RETURN(fs::ImageSpec spec, fs::ParseManifest(manifest_text, mo, diagnostics));
  Value added = Value::Arr();
  if (!b.specials.empty()) {
    const fs::NodeId dev = spec.tree.FindChild(spec.tree.root(), "dev");
    if (dev == fs::kNoNode) return base::InvalidInput(image_name, "the manifest has no /dev");
    for (const Special& s : b.specials) {
      const fs::NodeId id = spec.tree.AddSpecial(dev, s.name, s.type, s.major, s.minor);
      fs::Node& n = spec.tree.mutable_node(id);
      n.mode = s.mode;
      n.mtime = fs::Timestamp{timestamp, 0};
      Value a = Value::Obj();
      a.Set("target", Value::Str("/dev/" + s.name));
      a.Set("type", Value::Str(std::string(fs::NodeTypeName(s.type))));
      if (fs::IsDevice(s.type)) {
        a.Set("major", Value::Int(s.major));
        a.Set("minor", Value::Int(s.minor));
      }
      a.Set("mode", Value::Str(ModeString(s.mode)));
      added.Push(std::move(a));
    }
  }
  std::set<std::string> features;
  ConfigFeatures(c, &features);
  ASSIGN_OR_RETURN(Value files, DescribeTree(spec, c, b, &features));

  ASSIGN_OR_RETURN(std::unique_ptr<fs::Layout> layout, fs::Plan(std::move(spec), diagnostics));
  ASSIGN_OR_RETURN(std::unique_ptr<base::BlockSink> sink,
                   base::OpenFileSink(image_path, layout->total_bytes()));
  RETURN_IF_ERROR(fs::Emit(*layout, *sink));
  RETURN_IF_ERROR(sink->Commit());
  written->push_back(image_path);
  std::error_code rm;
  stdfs::remove_all(stage, rm);

  Value d = Value::Obj();
  d.Set("mkimg_corpus", Value::Int(1));
  d.Set("image", Value::Str(image_name));
  d.Set("bytes", Value::Int(static_cast<std::int64_t>(layout->total_bytes())));
  if (layout->total_bytes() <= (64u << 20)) {
    FILE* in = std::fopen(image_path.c_str(), "rb");
    if (in == nullptr) return base::ErrnoError(image_path, errno);
    Sha256 h;
    std::vector<std::uint8_t> buf(1 << 16);
    std::size_t got;
    while ((got = std::fread(buf.data(), 1, buf.size(), in)) > 0)
      h.Update(std::span(buf.data(), got));
    std::fclose(in);
    d.Set("sha256", Value::Str(h.FinishHex()));
  }
  d.Set("seed", Value::Str(std::to_string(o.seed)));
  d.Set("index", Value::Int(index));
  d.Set("focus", Value::Str(focus));
  Value fv = Value::Arr();
  for (std::string_view name : kFeatures) {
    if (features.count(std::string(name)) != 0) fv.Push(Value::Str(std::string(name)));
  }
  d.Set("features", std::move(fv));
  d.Set("files", std::move(files));
  d.Set("manifest", std::move(b.manifest));
  d.Set("host_files", std::move(b.host_files));
  d.Set("added_to_tree", std::move(added));
  d.Set("warnings", std::move(warnings));
  const std::string description_name = std::string(base) + ".json";
  const std::string description_path = (stdfs::path(o.directory) / description_name).string();
  RETURN_IF_ERROR(WriteTextAtomically(description_path, ToJson(d) + "\n"));
  written->push_back(description_path);
  return ImageResult{image_name, description_name, layout->total_bytes(), std::move(features)};
}

// Removes a folder tree on every way out.
class ScopedFolder {
 public:
  explicit ScopedFolder(std::string path) : path_(std::move(path)) {}
  ~ScopedFolder() {
    std::error_code ec;
    stdfs::remove_all(path_, ec);
  }
  ScopedFolder(const ScopedFolder&) = delete;
  ScopedFolder& operator=(const ScopedFolder&) = delete;

 private:
  std::string path_;
};

}  // namespace

const std::vector<std::string_view>& CorpusFeatureNames() { return kFeatures; }

base::Expected<CorpusStats> WriteCorpus(const CorpusOptions& o) {
  if (o.count == 0) return base::InvalidInput("--count", "must be at least 1");
  struct stat st;
  if (stat(o.directory.c_str(), &st) != 0) {
    if (errno != ENOENT || mkdir(o.directory.c_str(), 0777) != 0) {
      return base::InvalidInput(o.directory, std::strerror(errno));
    }
  } else if (!S_ISDIR(st.st_mode)) {
    return base::InvalidInput(o.directory, "is not a folder");
  }
  std::string stage_template = (stdfs::path(o.directory) / ".mkimg-corpus-stage.XXXXXX").string();
  if (mkdtemp(stage_template.data()) == nullptr) {
    return base::InvalidInput(o.directory,
                              std::string("cannot write here: ") + std::strerror(errno));
  }
  ScopedFolder stage(stage_template);
  std::vector<std::string> focus_list;
  for (const std::string& f : FocusFeatures()) {
    if (!(o.no_multi_extent && f == "multi-extent")) focus_list.push_back(f);
  }
  std::vector<std::string> written;
  auto fail = [&written](base::Error e) -> base::Error {
    for (const std::string& p : written) std::remove(p.c_str());
    return e;
  };
  CorpusStats stats;
  std::map<std::string, std::uint32_t> counts;
  Value images = Value::Arr();
  std::vector<std::string> permutation;
  for (std::uint32_t i = 0; i < o.count; ++i) {
    const std::uint32_t round = i / static_cast<std::uint32_t>(focus_list.size());
    if (i % focus_list.size() == 0) {
      permutation = focus_list;
      Rng pr(Mix(o.seed, 0xC0FFEE0000ull + round));
      for (std::size_t k = permutation.size() - 1; k > 0; --k) {
        std::swap(permutation[k], permutation[pr.Below(k + 1)]);
      }
    }
    auto result = BuildOne(o, i, permutation[i % focus_list.size()], stage_template, &written);
    if (!result) return fail(result.error());
    ++stats.images;
    stats.bytes += result->bytes;
    Value fv = Value::Arr();
    for (std::string_view name : kFeatures) {
      if (result->features.count(std::string(name)) != 0) {
        fv.Push(Value::Str(std::string(name)));
        ++counts[std::string(name)];
      }
    }
    images.Push(Value::Obj()
                    .Set("image", Value::Str(result->image_name))
                    .Set("description", Value::Str(result->description_name))
                    .Set("bytes", Value::Int(static_cast<std::int64_t>(result->bytes)))
                    .Set("features", std::move(fv)));
  }
  Value index = Value::Obj();
  index.Set("mkimg_corpus", Value::Int(1));
  index.Set("seed", Value::Str(std::to_string(o.seed)));
  index.Set("count", Value::Int(o.count));
  index.Set("no_multi_extent", Value::Bool(o.no_multi_extent));
  Value feature_counts = Value::Obj();
  for (std::string_view name : kFeatures) {
    auto it = counts.find(std::string(name));
    if (it != counts.end()) {
      feature_counts.Set(std::string(name), Value::Int(it->second));
      stats.features.emplace_back(name);
    }
  }
  index.Set("features", std::move(feature_counts));
  index.Set("images", std::move(images));
  if (auto st2 = WriteTextAtomically((stdfs::path(o.directory) / "index.json").string(),
                                     ToJson(index) + "\n");
      !st2) {
    return fail(st2.error());
  }
  return stats;
}

}  // namespace mkimg
// libFuzzer round-trip target: a fuzzed manifest (host access forbidden) is parsed,
// planned and emitted into memory, the image is read back with the Rock Ridge reader,
// and the tree read must equal the tree built: the same paths, types, file sizes and
// bytes (inline text, zero runs), symbolic link targets, and permission bits. A
// difference aborts: it is a bug in the writer or in the reader. Images over 64 MiB are
// skipped to keep each run fast.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/block_sink.h"
#include "fs/image_builder.h"
#include "fs/image_reader.h"
#include "fs/manifest.h"

namespace {

[[noreturn]] void Mismatch(const std::string& path, const char* what) {
  std::fprintf(stderr, "roundtrip: %s: %s differs between the built and the read tree\n",
               path.c_str(), what);
  std::abort();
}

void Compare(const fs::Tree& built, const fs::ImageTree& read, const base::BlockDevice& device) {
  const fs::Tree& got = read.tree;
  std::vector<std::pair<fs::NodeId, fs::NodeId>> stack{{built.root(), got.root()}};
  std::vector<std::uint8_t> data;
  while (!stack.empty()) {
    auto [b, g] = stack.back();
    stack.pop_back();
    std::size_t visible = 0;
    for (fs::NodeId c : built.children(b)) {
      if (built.node(c).hide & fs::kHideIso9660) continue;
      ++visible;
      const std::string path = built.Path(c);
      const fs::NodeId r = got.FindChild(g, built.name(c));
      if (r == fs::kNoNode) Mismatch(path, "presence");
      const fs::Node& bn = built.node(c);
      const fs::Node& rn = got.node(r);
      if (bn.type != rn.type) Mismatch(path, "type");
      if (bn.type != fs::NodeType::kSymlink && (bn.mode & 07777) != (rn.mode & 07777))
        Mismatch(path, "mode");
      switch (bn.type) {
        case fs::NodeType::kDirectory:
          stack.emplace_back(c, r);
          break;
        case fs::NodeType::kSymlink:
          if (built.symlink_target(c) != got.symlink_target(r)) Mismatch(path, "symlink target");
          break;
        case fs::NodeType::kCharDevice:
        case fs::NodeType::kBlockDevice:
          if (built.device_major(c) != got.device_major(r) ||
              built.device_minor(c) != got.device_minor(r)) {
            Mismatch(path, "device number");
          }
          break;
        case fs::NodeType::kFifo:
        case fs::NodeType::kSocket:
          break;
        case fs::NodeType::kFile: {
          const fs::Content& bc = built.content(c);
          if (bc.size != got.content(r).size) Mismatch(path, "size");
          if (bc.size > (16u << 20)) break;
          data.resize(bc.size);
          if (!fs::ReadFileData(device, read, r, 0, data)) Mismatch(path, "readability");
          if (bc.kind == fs::ContentKind::kInline) {
            const std::string_view want = built.inline_bytes(bc);
            if (std::string_view(reinterpret_cast<const char*>(data.data()), data.size()) !=
                want) {  // NOLINT
              Mismatch(path, "content");
            }
          } else if (bc.kind == fs::ContentKind::kZeros) {
            for (std::uint8_t byte : data) {
              if (byte != 0) Mismatch(path, "content");
            }
          }
          break;
        }
      }
    }
    if (visible != got.children(g).size()) Mismatch(built.Path(b), "number of entries");
  }
}

// MKIMG_FUZZ_VERBOSE=1 says why an input was skipped (for seed curation).
int Skip(const char* why, const base::Error* error = nullptr) {
  if (std::getenv("MKIMG_FUZZ_VERBOSE") != nullptr) {
    std::fprintf(stderr, "roundtrip: skipped: %s%s%s\n", why, error ? ": " : "",
                 error ? error->ToString().c_str() : "");
  }
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fs::ManifestOptions options;
  options.forbid_host_access = true;
  options.now = 1767225600;                                                // 2026-01-01T00:00:00Z
  const std::string_view json(reinterpret_cast<const char*>(data), size);  // NOLINT
  auto spec = fs::ParseManifest(json, options, [](const fs::Diagnostic&) {});
  if (!spec) return Skip("manifest", &spec.error());
  if (!spec->iso9660.enabled || !spec->iso9660.rock_ridge) return Skip("no Rock Ridge");
  // Tree is move-only: parse again (deterministic without host access) to keep a copy.
  auto expected = fs::ParseManifest(json, options, [](const fs::Diagnostic&) {});
  if (!expected) std::abort();
  const fs::Tree& built = expected->tree;
  auto layout = fs::Plan(std::move(*spec), [](const fs::Diagnostic&) {});
  if (!layout) {
    // A manifest the planner refuses (names, depth, size, what is not written yet) is
    // input the user must change; any other kind of error here is a bug.
    const base::ErrorCode code = layout.error().code();
    if (code != base::ErrorCode::kInvalidInput && code != base::ErrorCode::kUnsupported) {
      std::fprintf(stderr, "roundtrip: planning failed unexpectedly: %s\n",
                   layout.error().ToString().c_str());
      std::abort();
    }
    return Skip("plan", &layout.error());
  }
  if ((*layout)->total_bytes() > (64u << 20)) return Skip("larger than 64 MiB");
  std::vector<std::uint8_t> image;
  image.reserve((*layout)->total_bytes());
  base::MemorySink sink(&image);
  auto emitted = fs::Emit(**layout, sink);
  if (!emitted) {
    // Without host access every content is inline or zeros and the sink is memory:
    // nothing can fail once planning succeeded.
    std::fprintf(stderr, "roundtrip: a planned image failed to emit: %s\n",
                 emitted.error().ToString().c_str());
    std::abort();
  }
  auto reader = fs::ImageReader::Open(base::MemoryBlockDevice(image));
  if (!reader) {
    std::fprintf(stderr, "roundtrip: the built image does not open: %s\n",
                 reader.error().ToString().c_str());
    std::abort();
  }
  auto tree = (*reader)->ReadTree(fs::Namespace::kRockRidge);
  if (!tree) {
    std::fprintf(stderr, "roundtrip: the Rock Ridge tree does not read: %s\n",
                 tree.error().ToString().c_str());
    std::abort();
  }
  Compare(built, *tree, (*reader)->device());
  return 0;
}

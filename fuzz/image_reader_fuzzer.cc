// libFuzzer target for the whole image reader: the input is an image. It opens it
// (volume descriptors, El Torito catalog, MBR/GPT, UDF anchors and descriptor
// sequences), reads every namespace it finds into a tree, reads every recorded byte of
// every file through its extents to the end (fuzz/read_all.h: what extract reads), walks the
// namespace from the root and from its first entry (the streaming walk `mkimg ls` uses must visit
// exactly what the tree holds), and runs the structural verifier. Any crash, hang, sanitizer report
// or abort is a bug; errors are expected and discarded.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "fs/image_reader.h"
#include "fuzz/read_all.h"

namespace {

class Counter final : public fs::WalkVisitor {
 public:
  base::Status Visit(const fs::WalkEntry&) override {
    ++entries;
    return base::Ok();
  }
  void Warning(std::string) override {}
  std::size_t entries = 0;
};

// Nodes reachable from the root (readers detach nothing today, but count as a walk does).
std::size_t Reachable(const fs::Tree& t) {
  std::size_t n = 0;
  std::vector<fs::NodeId> stack{t.root()};
  while (!stack.empty()) {
    const fs::NodeId id = stack.back();
    stack.pop_back();
    ++n;
    if (t.node(id).type != fs::NodeType::kDirectory) continue;
    for (fs::NodeId c : t.children(id)) stack.push_back(c);
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fs::ReadOptions options;
  options.max_entries = 100000;
  options.max_directory_bytes = 1u << 20;
  auto reader = fs::ImageReader::Open(base::MemoryBlockDevice(std::span(data, size)), options);
  if (!reader) return 0;
  std::vector<std::uint8_t> buffer(4096);
  for (fs::Namespace ns : (*reader)->volume().namespaces) {
    auto tree = (*reader)->ReadTree(ns);
    Counter walked;
    const bool walk_ok = static_cast<bool>((*reader)->Walk(ns, "/", walked));
    if (walk_ok != static_cast<bool>(tree) || (tree && walked.entries != Reachable(tree->tree))) {
      std::fprintf(stderr, "image_reader: Walk and ReadTree disagree on %s\n",
                   std::string(fs::NamespaceName(ns)).c_str());
      std::abort();
    }
    if (!tree) continue;
    if (!tree->tree.children(fs::kRootNode).empty()) {
      Counter below;
      (void)(*reader)->Walk(ns, tree->tree.Path(tree->tree.children(fs::kRootNode).front()), below);
    }
    for (fs::NodeId id = 0; id < tree->tree.size(); ++id) {
      if (tree->tree.node(id).type != fs::NodeType::kFile) continue;
      const std::uint64_t n = std::min<std::uint64_t>(tree->tree.content(id).size, buffer.size());
      (void)fs::ReadFileData((*reader)->device(), *tree, id, 0, std::span(buffer.data(), n));
    }
    fuzz::ReadEveryRecordedByte((*reader)->device(), *tree);
  }
  (void)fs::VerifyImage(**reader);
  return 0;
}

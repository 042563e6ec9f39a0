// libFuzzer target for the whole image reader: the input is an image. It opens it
// (volume descriptors, El Torito catalog, MBR/GPT, UDF anchors and descriptor
// sequences), reads every namespace it finds into a tree, reads the first bytes of every
// file through its extents, and runs the structural verifier. Any crash, hang, sanitizer
// report or CHECK failure is a bug; errors are expected and discarded.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fs/image_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fs::ReadOptions options;
  options.max_entries = 100000;
  options.max_directory_bytes = 1u << 20;
  auto reader = fs::ImageReader::Open(fs::MemoryBlockDevice(std::span(data, size)), options);
  if (!reader) return 0;
  std::vector<std::uint8_t> buffer(4096);
  for (fs::Namespace ns : (*reader)->volume().namespaces) {
    auto tree = (*reader)->ReadTree(ns);
    if (!tree) continue;
    for (fs::NodeId id = 0; id < tree->tree.size(); ++id) {
      if (tree->tree.node(id).type != fs::NodeType::kFile) continue;
      const std::uint64_t n = std::min<std::uint64_t>(tree->tree.content(id).size, buffer.size());
      (void)fs::ReadFileData((*reader)->device(), *tree, id, 0, std::span(buffer.data(), n));
    }
  }
  (void)fs::VerifyImage(**reader);
  return 0;
}

// A libFuzzer harness for libudfread 1.1.2 (Debian libudfread-dev, VideoLAN), a peer's
// UDF reader (specs/fuzzing-peers.md). Each input is an image of 2048-byte blocks, served
// from memory through libudfread's block input interface: anchors (ECMA-167 3/10.2), the
// volume descriptor sequence, partition and metadata maps (UDF 2.2.10), the file set,
// then every directory (4/14.4 FIDs) and the first bytes of every file (4/14.9 file
// entries, 4/14.14 allocation descriptors) are read.
#include <udfread/blockinput.h>
#include <udfread/udfread.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

namespace {

constexpr std::size_t kBlock = 2048;
constexpr int kMaxDepth = 32;
constexpr int kMaxEntries = 20000;
constexpr std::size_t kMaxFileBytes = 64 * 1024;

// The input being read: libudfread calls back with only its block input.
std::span<const std::uint8_t> current_input;

int ReadBlocks(udfread_block_input* /*input*/, std::uint32_t lba, void* buffer,
               std::uint32_t blocks, int /*flags*/) {
  const std::size_t total = current_input.size() / kBlock;
  if (lba >= total) return 0;
  const std::size_t count = std::min<std::size_t>(blocks, total - lba);
  std::memcpy(buffer, current_input.data() + lba * kBlock, count * kBlock);
  return static_cast<int>(count);
}

std::uint32_t SizeInBlocks(udfread_block_input* /*input*/) {
  return static_cast<std::uint32_t>(current_input.size() / kBlock);
}

struct Walk {
  udfread* udf;
  int entries = 0;
};

void ReadFile(UDFDIR* dir, const char* name) {
  UDFFILE* file = udfread_file_openat(dir, name);
  if (file == nullptr) return;
  (void)udfread_file_size(file);
  (void)udfread_file_lba(file, 0);
  std::vector<std::uint8_t> buffer(kMaxFileBytes);
  (void)udfread_file_read(file, buffer.data(), buffer.size());
  (void)udfread_file_seek(file, 0, UDF_SEEK_SET);
  (void)udfread_read_blocks(file, buffer.data(), 1, 1, 0);
  udfread_file_close(file);
}

void ListDirectory(Walk& walk, UDFDIR* dir, int depth) {
  if (depth > kMaxDepth) return;
  udfread_dirent entry;
  std::vector<std::string> subdirectories;
  while (walk.entries < kMaxEntries && udfread_readdir(dir, &entry) != nullptr) {
    ++walk.entries;
    if (std::strcmp(entry.d_name, ".") == 0 || std::strcmp(entry.d_name, "..") == 0) continue;
    if (entry.d_type == UDF_DT_DIR) {
      subdirectories.emplace_back(entry.d_name);
    } else {
      ReadFile(dir, entry.d_name);
    }
  }
  for (const std::string& name : subdirectories) {
    if (UDFDIR* sub = udfread_opendir_at(dir, name.c_str())) {
      ListDirectory(walk, sub, depth + 1);
      udfread_closedir(sub);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  current_input = std::span<const std::uint8_t>(data, size);
  udfread_block_input input{nullptr, ReadBlocks, SizeInBlocks};
  udfread* udf = udfread_init();
  if (udf == nullptr) return 0;
  if (udfread_open_input(udf, &input) >= 0) {
    (void)udfread_get_volume_id(udf);
    char set_id[128];
    (void)udfread_get_volume_set_id(udf, set_id, sizeof set_id);
    if (UDFDIR* root = udfread_opendir(udf, "/")) {
      Walk walk{udf};
      ListDirectory(walk, root, 0);
      udfread_closedir(root);
    }
  }
  udfread_close(udf);
  return 0;
}

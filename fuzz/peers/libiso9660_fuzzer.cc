// A libFuzzer harness for libcdio's libiso9660 (Debian libiso9660-dev, libcdio 2.1.0), a
// peer's ISO 9660 / Joliet / Rock Ridge reader (specs/fuzzing-peers.md). Each input is
// an image: the volume descriptors (ECMA-119 8), then every directory reachable from the
// root is listed (ECMA-119 9.1, Rock Ridge through libiso9660's own SUSP code), every path
// is looked up again with its translated name, and the first blocks of every file are
// read. libiso9660 opens images by path only, so the input is written to a memory file
// that is opened through /proc/self/fd.
#include <cdio/iso9660.h>
#include <cdio/logging.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

namespace {

// Bounds that keep one input fast: a hostile image may hold directory loops and
// millions of records.
constexpr int kMaxDepth = 32;
constexpr int kMaxEntries = 20000;
constexpr std::uint32_t kMaxFileBlocks = 16;

struct Walk {
  iso9660_t* iso;
  std::set<lsn_t> directories_seen;
  int entries = 0;
};

void FreeString(char* s) { std::free(s); }

void ReadVolumeFields(iso9660_t* iso) {
  char* s = nullptr;
  if (iso9660_ifs_get_volume_id(iso, &s)) FreeString(s);
  s = nullptr;
  if (iso9660_ifs_get_application_id(iso, &s)) FreeString(s);
  s = nullptr;
  if (iso9660_ifs_get_preparer_id(iso, &s)) FreeString(s);
  s = nullptr;
  if (iso9660_ifs_get_publisher_id(iso, &s)) FreeString(s);
  s = nullptr;
  if (iso9660_ifs_get_system_id(iso, &s)) FreeString(s);
  s = nullptr;
  if (iso9660_ifs_get_volumeset_id(iso, &s)) FreeString(s);
  (void)iso9660_ifs_get_joliet_level(iso);
  (void)iso9660_ifs_is_xa(iso);
}

void ReadFile(iso9660_t* iso, const iso9660_stat_t& st) {
  const std::uint32_t blocks = st.secsize < kMaxFileBlocks ? st.secsize : kMaxFileBlocks;
  if (blocks == 0) return;
  std::vector<std::uint8_t> buffer(static_cast<std::size_t>(blocks) * ISO_BLOCKSIZE);
  (void)iso9660_iso_seek_read(iso, buffer.data(), st.lsn, blocks);
}

void ListDirectory(Walk& walk, const std::string& path, int depth) {
  if (depth > kMaxDepth || walk.entries > kMaxEntries) return;
  CdioISO9660FileList_t* list = iso9660_ifs_readdir(walk.iso, path.c_str());
  if (list == nullptr) return;
  std::vector<std::string> subdirectories;
  CdioListNode_t* node;
  _CDIO_LIST_FOREACH(node, list) {
    if (++walk.entries > kMaxEntries) break;
    auto* st = static_cast<iso9660_stat_t*>(_cdio_list_node_data(node));
    if (st == nullptr) continue;
    const std::string name = st->filename;
    if (name == "." || name == ".." || name.empty()) continue;
    (void)iso9660_get_posix_filemode(st);
    const std::string child = path == "/" ? "/" + name : path + "/" + name;
    if (st->type == iso9660_stat_s::_STAT_DIR) {
      if (walk.directories_seen.insert(st->lsn).second) subdirectories.push_back(child);
    } else {
      ReadFile(walk.iso, *st);
    }
    if (iso9660_stat_t* again = iso9660_ifs_stat_translate(walk.iso, child.c_str())) {
      iso9660_stat_free(again);
    }
  }
  iso9660_filelist_free(list);
  for (const std::string& sub : subdirectories) ListDirectory(walk, sub, depth + 1);
}

int MemoryFile() {
  static const int fd = memfd_create("libiso9660_fuzzer", 0);
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // libcdio's warnings about malformed images would flood the campaign's log.
  cdio_loglevel_default = CDIO_LOG_ASSERT;
  const int fd = MemoryFile();
  if (fd < 0) std::abort();
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) {
    std::abort();
  }
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  iso9660_t* iso = iso9660_open_ext(path, ISO_EXTENSION_ALL);
  if (iso == nullptr) return 0;
  ReadVolumeFields(iso);
  (void)iso9660_have_rr(iso, 1000);
  if (iso9660_stat_t* root = iso9660_ifs_stat(iso, "/")) {
    Walk walk{iso, {root->lsn}};
    iso9660_stat_free(root);
    ListDirectory(walk, "/", 0);
  }
  iso9660_close(iso);
  return 0;
}

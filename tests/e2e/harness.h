// End-to-end test harness: builds host source trees in a scratch folder, writes a manifest
// (specs/manifest.md) and the matching expected-tree JSON (tests/tools/check_image.py), runs
// the built `mkimg` binary and the independent-reader checker, and captures exit codes and
// output. Also runs `xorriso -as mkisofs` on the same trees, so the checker is proven on a
// peer's images before it judges mkimg's.
#ifndef MKIMG_TESTS_E2E_HARNESS_H_
#define MKIMG_TESTS_E2E_HARNESS_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace e2e {

struct RunResult {
  int exit_code = -1;  // the exit status, or 128 + signal number
  std::string out;
  std::string err;
};

// Runs argv[0] (looked up in PATH) with `env` added to the environment, in `cwd` when not
// empty. Returns its exit status and everything it wrote.
RunResult Run(const std::vector<std::string>& argv,
              const std::map<std::string, std::string>& env = {},
              const std::filesystem::path& cwd = {});

// True when `tool` is an executable in PATH.
bool HaveTool(const std::string& tool);

// The readers and peers the checks need that are missing, comma-separated ("" when all are
// there): xorriso, isoinfo, 7zz, /usr/bin/python3 with pycdlib.
std::string MissingTools();

// The built binary: ${MKIMG_BINARY_DIR}/mkimg/mkimg.
std::string MkimgPath();

// Whether this mkimg has the `build` command (it arrives with issue 2).
bool MkimgCanBuild();

// JSON string literal for `s` (quotes and escapes included).
std::string JsonQuote(const std::string& s);

// A scratch folder removed with everything in it on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The fixed volume timestamp every case uses (2026-01-01T00:00:00Z) and an older host
// mtime that survives the clamp to it (2020-02-02T02:02:02Z).
inline constexpr std::int64_t kVolumeTime = 1767225600;
inline constexpr std::int64_t kHostTime = 1580608922;

// One end-to-end case: a host tree under `src/`, a manifest whose first entry imports it
// at `/`, further manifest entries, and the expected tree.
class Case {
 public:
  explicit Case(const std::string& name);

  const std::filesystem::path& dir() const { return tmp_.path(); }
  std::filesystem::path src() const { return tmp_.path() / "src"; }
  std::filesystem::path image() const { return tmp_.path() / "out.iso"; }

  // Host tree (paths relative to src/; parents are created with mode 0755).
  void HostFile(const std::string& rel, const std::string& content, unsigned mode = 0644);
  void HostDir(const std::string& rel, unsigned mode = 0755);
  void HostSymlink(const std::string& rel, const std::string& target);
  // A sparse file of `size` bytes holding `data` at each given offset.
  void HostSparse(const std::string& rel, std::uint64_t size,
                  const std::vector<std::pair<std::uint64_t, std::string>>& data);
  void HostHardLink(const std::string& existing, const std::string& rel);

  // Extra manifest: raw JSON for an item of `contents`, a top-level key, `filesystems`.
  void Entry(const std::string& json_object) { entries_.push_back(json_object); }
  void ManifestKey(const std::string& key, const std::string& json_value) {
    keys_[key] = json_value;
  }
  void set_import_source(bool on) { import_source_ = on; }

  // Expected tree: raw JSON for an item of `entries`, and the top-level options.
  void Expect(const std::string& json_object) { expect_.push_back(json_object); }
  void ExpectOption(const std::string& key, const std::string& json_value) {
    expect_keys_[key] = json_value;
  }
  // Sets every host folder's mtime to kHostTime (folders change as they fill).
  void PinFolderTimes();
  // Describes the host tree under src/ as mkimg records it (specs/manifest.md): host
  // permission bits, mtime clamped to the volume time, uid/gid 0; or as a peer records it
  // (`host_owners`: host uid/gid and unclamped mtime).
  void ExpectHostTree(bool host_owners = false);

  std::string ManifestJson() const;
  std::filesystem::path WriteManifest() const;
  std::filesystem::path WriteExpected() const;

  // `mkimg build manifest.json -o out.iso` (plus `extra` arguments).
  RunResult Build(const std::vector<std::string>& extra = {},
                  const std::map<std::string, std::string>& env = {}) const;
  // `xorriso -as mkisofs -iso-level 3 -R -J -o ref.iso src/`; returns the image path.
  std::optional<std::filesystem::path> BuildReference() const;
  // The checker on `image` against the expected tree.
  RunResult Check(const std::filesystem::path& image, const std::string& writer = "mkimg",
                  const std::vector<std::string>& extra = {}) const;

 private:
  TempDir tmp_;
  std::vector<std::string> entries_;
  std::map<std::string, std::string> keys_;
  std::vector<std::string> expect_;
  std::map<std::string, std::string> expect_keys_;
  bool import_source_ = true;
};

// Every regular file, folder and symlink under `root`, relative, sorted.
std::vector<std::string> ListTree(const std::filesystem::path& root);

}  // namespace e2e

#endif  // MKIMG_TESTS_E2E_HARNESS_H_

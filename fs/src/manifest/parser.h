// The manifest parser's shared state (private to fs/src/manifest/). One Parser turns one
// manifest's JSON text into an ImageSpec; its members are defined by seam
// (specs/manifest.md "Where the code lives"):
//   parser.cc     errors, unknown-key hints and the typed getters every part uses
//   options.cc    the top level: mkimg, volume, filesystems, media, exclude
//   boot.cc       `boot`: El Torito entries, the EFI system partition, the hybrid MBR/GPT
//   contents.cc   `contents` entries, their attributes and placement in the tree
//   host_scan.cc  `source` entries: stat, and the folder scan (POSIX calls only)
//   time.cc       RFC 3339 / integer times and the default volume timestamp
//   cd.cc         `cd`: the tracks of a raw CD (specs/rawcd.md)
#ifndef MKIMG_FS_MANIFEST_PARSER_H_
#define MKIMG_FS_MANIFEST_PARSER_H_

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "fs/image_builder.h"
#include "fs/image_spec.h"
#include "fs/manifest.h"
#include "manifest/json_dom.h"

namespace fs::manifest {

// 1900-01-01T00:00:00Z and 2155-12-31T23:59:59Z: the range an ISO 9660 directory record
// (ECMA-119 9.1.5, years since 1900 in one byte) can hold, and so every time we record.
inline constexpr std::int64_t kMinTime = -2208988800;
inline constexpr std::int64_t kMaxTime = 5869583999;

// Levenshtein distance, for "did you mean" hints.
std::size_t EditDistance(std::string_view a, std::string_view b);

// An RFC 3339 date-time ("2026-01-01T00:00:00Z", "t" or " " as separator, fractions kept
// to nanoseconds, offsets allowed, a leap second read as :59); nullopt if malformed.
std::optional<Timestamp> ParseRfc3339(std::string_view s);

class Parser {
 public:
  Parser(std::string_view text, const ManifestOptions& options, const DiagnosticSink& diagnostics)
      : text_(text), options_(options), diagnostics_(diagnostics) {}

  base::Expected<ImageSpec> Run();

 private:
  // The object `root` as a manifest. A nested one (a data track's) reports its errors
  // under `prefix` instead of "$", needs no "mkimg" key and may not hold a `cd`.
  base::Expected<ImageSpec> RunOn(const JsonValue& root, bool nested);
  using Type = JsonValue::Type;

  // Attributes an entry may set on the nodes it creates.
  struct Attributes {
    std::optional<std::uint32_t> mode, uid, gid;
    std::optional<Timestamp> mtime;
    std::optional<std::int32_t> sort_weight;  // files' data order (specs/layout.md)
    std::uint8_t hide = 0;
    bool host_owners = false;  // "owners": "host" (a `source` entry only)
  };

  // ---- errors and getters (parser.cc) --------------------------------------------------
  std::string WhereOffset(std::size_t offset, const std::string& path) const;
  std::string Where(const JsonValue& v, const std::string& path) const;
  base::Error Fail(const JsonValue& v, const std::string& path, std::string what) const;
  void Warn(const std::string& where, std::string what) const;
  // Unknown keys are errors, with the closest allowed key as a hint.
  base::Status CheckKeys(const JsonValue& obj, const std::string& path,
                         std::initializer_list<std::string_view> allowed) const;
  base::Expected<const JsonValue*> Expect(const JsonValue& v, const std::string& path,
                                          Type t) const;
  // A string that names something (a path, a link target, an identifier): NUL refused.
  base::Expected<std::string> GetString(const JsonValue& v, const std::string& path) const;
  // File contents ("text"): any bytes, NUL included.
  base::Expected<std::string> GetText(const JsonValue& v, const std::string& path) const;
  base::Expected<bool> GetBool(const JsonValue& v, const std::string& path) const;
  base::Expected<std::uint64_t> GetUnsigned(const JsonValue& v, const std::string& path,
                                            std::uint64_t min, std::uint64_t max) const;

  // ---- times (time.cc) -----------------------------------------------------------------
  // RFC 3339 date-time or seconds since 1970, within [kMinTime, kMaxTime].
  base::Expected<Timestamp> GetTime(const JsonValue& v, const std::string& path) const;
  // SOURCE_DATE_EPOCH, else "now", clamped to what ISO 9660 records.
  Timestamp DefaultTimestamp() const;

  // ---- top-level keys (options.cc) -----------------------------------------------------
  base::Status ParseVolume(const JsonValue& v);
  base::Status CheckDCharacters(const JsonValue& v, const std::string& path, const std::string& s,
                                std::size_t max, const char* what) const;
  base::Status ParseFilesystems(const JsonValue& v);
  base::Status ParseMedia(const JsonValue& v);
  base::Status ParseExclude(const JsonValue& v);
  bool Excluded(std::string_view image_path) const;

  // ---- boot (boot.cc) ------------------------------------------------------------------
  base::Status ParseBoot(const JsonValue& v);
  base::Status ParseBootEntry(const JsonValue& e, const std::string& path);
  // ---- raw CD (cd.cc) ------------------------------------------------------------------
  base::Status ParseCd(const JsonValue& v);
  base::Expected<CdTrack> ParseCdTrack(const JsonValue& v, const std::string& path);
  base::Status ParseCdText(const JsonValue& v, const std::string& path, bool album,
                           std::uint8_t charset, CdText* text) const;
  // A time as sectors: "MM:SS:FF" (75 frames a second) or an integer number of sectors.
  base::Expected<std::uint32_t> GetCdTime(const JsonValue& v, const std::string& path) const;

  // ---- contents (contents.cc) ----------------------------------------------------------
  base::Status ParseContents(const JsonValue& v);
  base::Status ParseEntry(const JsonValue& e, const std::string& path);
  base::Status ParseAttributes(const JsonValue& e, const std::string& path, Attributes* a) const;
  // Applies attributes to a node; with `subtree`, uid/gid/mtime/hide reach every node
  // below it too (a folder imported from the host), while mode stays on the node itself.
  void ApplyAttributes(NodeId id, const Attributes& a, bool subtree);
  // "" if `name` may be stored, else why not.
  static std::string ValidateName(std::string_view name);
  base::Expected<std::vector<std::string>> SplitTarget(const JsonValue& v, const std::string& path,
                                                       std::string_view target) const;
  // Walks to the parent of `components`, creating folders as needed. A file or symlink in
  // the way is an error: an entry cannot place something inside a file.
  base::Expected<NodeId> WalkParents(const JsonValue& v, const std::string& path,
                                     const std::vector<std::string>& components);
  // The parent folder for a new file or symlink; an earlier node of that name is replaced.
  base::Expected<NodeId> PlaceLeaf(const JsonValue& v, const std::string& path,
                                   const std::vector<std::string>& components);
  // A folder at `components`: an existing folder is kept (merged), anything else replaced.
  base::Expected<NodeId> PlaceDirectory(const JsonValue& v, const std::string& path,
                                        const std::vector<std::string>& components);

  // ---- host sources (host_scan.cc) -----------------------------------------------------
  Timestamp ClampHostTime(const struct timespec& ts) const;
  // Mode and mtime of a host node, and with `owners` its uid and gid.
  void SetFromHost(NodeId id, const struct stat& st, bool owners);
  static Content HostContent(const struct stat& st, std::uint32_t host_dir);
  // A `source` resolved against the manifest's folder.
  std::string Resolve(const std::string& source) const;
  base::Status PlaceSource(const JsonValue& target_v, const std::string& target_path,
                           const JsonValue& source_v, const std::string& source_path,
                           const std::string& source, const std::vector<std::string>& components,
                           const std::string& image_path, const Attributes& attrs);
  // Scans a host folder into a tree folder, breadth-first without recursion.
  base::Status ScanFolder(std::uint32_t root_host_dir, NodeId root_dir,
                          const std::string& root_image_path, bool owners);

  std::string_view text_;
  const ManifestOptions& options_;
  const DiagnosticSink& diagnostics_;
  ImageSpec spec_;
  std::vector<std::string> excludes_;
  // "special_files": devices, FIFOs and sockets under a `source` folder are stored.
  bool special_files_ = true;
  std::uint8_t cd_charset_ = 0x00;  // the CD-TEXT's character code ($.cd.text.charset)
  std::string prefix_ = "$";        // the JSON path of this manifest's root (nested: a data track)
};

}  // namespace fs::manifest

#endif  // MKIMG_FS_MANIFEST_PARSER_H_

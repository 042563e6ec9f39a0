// The manifest, version 1 (CONTRACT.md §1; schema in specs/manifest.schema.json): JSON
// text → validated ImageSpec with its Tree. Every error names the manifest, the line and
// column, and the JSON path of the offending value ("manifest.json:7:18: $.volume.id: ..."),
// or the host path for source problems. Host folders are scanned without recursion, in
// sorted order (so readdir order never shows in the image), and `exclude` prunes them.
#include "fs/manifest.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <limits>

#include "base/civil_time.h"
#include "base/unicode.h"
#include "manifest/glob.h"
#include "manifest/json_dom.h"

namespace fs {
namespace {

using manifest::JsonValue;
using Type = JsonValue::Type;

// 1900-01-01T00:00:00Z and 2155-12-31T23:59:59Z: the range an ISO 9660 directory record
// (ECMA-119 9.1.5, years since 1900 in one byte) can hold, and so every time we record.
constexpr std::int64_t kMinTime = -2208988800;
constexpr std::int64_t kMaxTime = 5869583999;

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

bool IsDCharacter(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

class Parser {
 public:
  Parser(std::string_view text, const ManifestOptions& options, const DiagnosticSink& diagnostics)
      : text_(text), options_(options), diagnostics_(diagnostics) {}

  base::Expected<ImageSpec> Run() {
    ASSIGN_OR_RETURN(JsonValue root, manifest::ParseJson(text_, options_.display_name));
    if (root.type != Type::kObject) return Fail(root, "$", "a manifest must be a JSON object");
    RETURN_IF_ERROR(CheckKeys(
        root, "$",
        {"mkimg", "volume", "filesystems", "media", "contents", "exclude", "boot", "cd"}));
    const JsonValue* version = root.Find("mkimg");
    if (!version) return Fail(root, "$", "missing required key \"mkimg\" (the format version, 1)");
    ASSIGN_OR_RETURN(std::uint64_t v, GetUnsigned(*version, "$.mkimg", 1, 1000));
    if (v != 1) {
      return Fail(*version, "$.mkimg",
                  "manifest version " + std::to_string(v) +
                      " is not supported (this mkimg reads version 1)");
    }
    if (const JsonValue* boot = root.Find("boot")) {
      return base::Unsupported(Where(*boot, "$.boot"),
                               "El Torito boot is not supported by this version of mkimg");
    }
    if (const JsonValue* cd = root.Find("cd")) {
      return base::Unsupported(
          Where(*cd, "$.cd"),
          "raw CD (Disc-at-Once) manifests are not supported by this version of mkimg");
    }
    // The timestamp comes first: every node created below takes it as its default mtime.
    if (const JsonValue* volume = root.Find("volume")) {
      RETURN_IF_ERROR(ParseVolume(*volume));
    } else {
      spec_.volume.timestamp = DefaultTimestamp();
    }
    spec_.tree.mutable_node(kRootNode).mtime = spec_.volume.timestamp;
    if (const JsonValue* f = root.Find("filesystems")) RETURN_IF_ERROR(ParseFilesystems(*f));
    if (const JsonValue* m = root.Find("media")) RETURN_IF_ERROR(ParseMedia(*m));
    if (const JsonValue* e = root.Find("exclude")) RETURN_IF_ERROR(ParseExclude(*e));
    if (const JsonValue* c = root.Find("contents")) RETURN_IF_ERROR(ParseContents(*c));
    return std::move(spec_);
  }

 private:
  // ---- errors -------------------------------------------------------------------------
  std::string WhereOffset(std::size_t offset, const std::string& path) const {
    auto [line, column] = manifest::LineColumn(text_, offset);
    return options_.display_name + ":" + std::to_string(line) + ":" + std::to_string(column) +
           ": " + path;
  }
  std::string Where(const JsonValue& v, const std::string& path) const {
    return WhereOffset(v.offset, path);
  }
  base::Error Fail(const JsonValue& v, const std::string& path, std::string what) const {
    return base::InvalidInput(Where(v, path), std::move(what));
  }
  void Warn(const std::string& where, std::string what) const {
    if (diagnostics_) diagnostics_({where, std::move(what)});
  }

  // Unknown keys are errors, with the closest allowed key as a hint.
  base::Status CheckKeys(const JsonValue& obj, const std::string& path,
                         std::initializer_list<std::string_view> allowed) const {
    for (const auto& m : obj.object) {
      if (std::find(allowed.begin(), allowed.end(), m.key) != allowed.end()) continue;
      std::string_view best;
      std::size_t best_distance = std::numeric_limits<std::size_t>::max();
      for (std::string_view a : allowed) {
        std::size_t d = EditDistance(m.key, a);
        if (d < best_distance) {
          best_distance = d;
          best = a;
        }
      }
      std::string what = "unknown key \"" + m.key + "\"";
      if (best_distance <= std::max<std::size_t>(2, best.size() / 3)) {
        what += " (did you mean \"" + std::string(best) + "\"?)";
      } else {
        what += " (allowed here:";
        for (std::string_view a : allowed) what += " " + std::string(a);
        what += ")";
      }
      return base::InvalidInput(WhereOffset(m.key_offset, path), what);
    }
    return base::Ok();
  }

  // ---- typed getters ------------------------------------------------------------------
  base::Expected<const JsonValue*> Expect(const JsonValue& v, const std::string& path,
                                          Type t) const {
    if (v.type != t) {
      return Fail(v, path,
                  std::string("expected ") + JsonValue::TypeName(t) + ", got " +
                      JsonValue::TypeName(v.type));
    }
    return &v;
  }
  base::Expected<std::string> GetString(const JsonValue& v, const std::string& path) const {
    RETURN_IF_ERROR(Expect(v, path, Type::kString));
    return v.string;
  }
  base::Expected<bool> GetBool(const JsonValue& v, const std::string& path) const {
    RETURN_IF_ERROR(Expect(v, path, Type::kBool));
    return v.boolean;
  }
  base::Expected<std::uint64_t> GetUnsigned(const JsonValue& v, const std::string& path,
                                            std::uint64_t min, std::uint64_t max) const {
    if (v.type == Type::kInteger) {
      return Fail(v, path, "must not be negative (got " + std::to_string(v.integer) + ")");
    }
    if (v.type == Type::kDouble)
      return Fail(v, path, "expected an integer, got a fractional number");
    RETURN_IF_ERROR(Expect(v, path, Type::kUnsigned));
    if (v.unsigned_ < min || v.unsigned_ > max) {
      return Fail(v, path,
                  "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                      " (got " + std::to_string(v.unsigned_) + ")");
    }
    return v.unsigned_;
  }

  // RFC 3339 date-time ("2026-01-01T00:00:00Z", offsets allowed) or seconds since 1970.
  base::Expected<Timestamp> GetTime(const JsonValue& v, const std::string& path) const {
    Timestamp t;
    if (v.type == Type::kUnsigned || v.type == Type::kInteger) {
      t.seconds =
          v.type == Type::kUnsigned
              ? static_cast<std::int64_t>(std::min<std::uint64_t>(v.unsigned_, kMaxTime + 1ull))
              : v.integer;
    } else if (v.type == Type::kString) {
      auto parsed = ParseRfc3339(v.string);
      if (!parsed) {
        return Fail(
            v, path,
            "\"" + v.string + "\" is not an RFC 3339 date-time like \"2026-01-01T00:00:00Z\"");
      }
      t = *parsed;
    } else {
      return Fail(v, path,
                  std::string("expected a date-time string or an integer, got ") +
                      JsonValue::TypeName(v.type));
    }
    if (t.seconds < kMinTime || t.seconds > kMaxTime) {
      return Fail(v, path, "must be between 1900-01-01 and 2155-12-31 (what ISO 9660 can record)");
    }
    return t;
  }

  static std::optional<Timestamp> ParseRfc3339(std::string_view s) {
    auto digits = [&](std::size_t pos, std::size_t n, int* out) {
      if (pos + n > s.size()) return false;
      int v = 0;
      for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
      }
      *out = v;
      return true;
    };
    int year, month, day, hour, minute, second;
    if (!digits(0, 4, &year) || s.size() < 20 || s[4] != '-' || !digits(5, 2, &month) ||
        s[7] != '-' || !digits(8, 2, &day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        !digits(11, 2, &hour) || s[13] != ':' || !digits(14, 2, &minute) || s[16] != ':' ||
        !digits(17, 2, &second)) {
      return std::nullopt;
    }
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] || hour > 23 || minute > 59 ||
        second > 60) {
      return std::nullopt;
    }
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && day == 29 && !leap) return std::nullopt;
    std::size_t pos = 19;
    std::uint32_t nanos = 0;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int ndig = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (ndig < 9) nanos = nanos * 10 + static_cast<std::uint32_t>(s[pos] - '0');
        ++ndig;
        ++pos;
      }
      if (ndig == 0) return std::nullopt;
      for (int k = ndig; k < 9; ++k) nanos *= 10;
    }
    std::int64_t offset = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
      ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      int oh, om;
      if (!digits(pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
          !digits(pos + 4, 2, &om) || oh > 23 || om > 59) {
        return std::nullopt;
      }
      offset = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
      pos += 6;
    } else {
      return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    Timestamp t;
    t.seconds =
        base::DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
        hour * 3600 + minute * 60 + std::min(second, 59) - offset;
    t.nanoseconds = nanos;
    return t;
  }

  Timestamp DefaultTimestamp() const {
    Timestamp t;
    t.seconds = options_.source_date_epoch ? *options_.source_date_epoch : options_.now;
    t.seconds = std::clamp(t.seconds, kMinTime, kMaxTime);
    return t;
  }

  // ---- volume -------------------------------------------------------------------------
  base::Status ParseVolume(const JsonValue& v) {
    RETURN_IF_ERROR(Expect(v, "$.volume", Type::kObject));
    RETURN_IF_ERROR(CheckKeys(v, "$.volume",
                              {"id", "label", "publisher", "preparer", "application", "system",
                               "volume_set", "timestamp"}));
    VolumeInfo& vol = spec_.volume;
    if (const JsonValue* id = v.Find("id")) {
      ASSIGN_OR_RETURN(vol.id, GetString(*id, "$.volume.id"));
      RETURN_IF_ERROR(CheckDCharacters(*id, "$.volume.id", vol.id, 32, "volume identifier"));
    }
    struct TextField {
      const char* key;
      std::string* out;
      std::size_t max_bytes;
    };
    for (const TextField& f :
         {TextField{"label", &vol.label, 255}, TextField{"publisher", &vol.publisher, 128},
          TextField{"preparer", &vol.preparer, 128},
          TextField{"application", &vol.application, 128}, TextField{"system", &vol.system, 32}}) {
      const JsonValue* fv = v.Find(f.key);
      if (!fv) continue;
      std::string path = std::string("$.volume.") + f.key;
      ASSIGN_OR_RETURN(*f.out, GetString(*fv, path));
      if (f.out->size() > f.max_bytes) {
        return Fail(*fv, path,
                    "is " + std::to_string(f.out->size()) + " bytes long; at most " +
                        std::to_string(f.max_bytes) + " fit");
      }
      for (char c : *f.out) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          return Fail(*fv, path, "must not contain control characters");
        }
      }
    }
    if (const JsonValue* set = v.Find("volume_set")) {
      ASSIGN_OR_RETURN(vol.volume_set, GetString(*set, "$.volume.volume_set"));
      RETURN_IF_ERROR(CheckDCharacters(*set, "$.volume.volume_set", vol.volume_set, 128,
                                       "volume set identifier"));
    }
    if (const JsonValue* ts = v.Find("timestamp")) {
      ASSIGN_OR_RETURN(vol.timestamp, GetTime(*ts, "$.volume.timestamp"));
    } else {
      vol.timestamp = DefaultTimestamp();
    }
    return base::Ok();
  }

  base::Status CheckDCharacters(const JsonValue& v, const std::string& path, const std::string& s,
                                std::size_t max, const char* what) const {
    if (s.empty()) return Fail(v, path, std::string("the ") + what + " must not be empty");
    for (char c : s) {
      if (!IsDCharacter(c)) {
        return Fail(v, path,
                    "\"" + s + "\" is not a valid ISO 9660 " + what +
                        ": only A-Z, 0-9 and _ (d-characters) are allowed; use volume.label for "
                        "a free-form name");
      }
    }
    if (s.size() > max) {
      return Fail(v, path,
                  "\"" + s + "\" is " + std::to_string(s.size()) +
                      " characters long; an ISO 9660 " + what + " holds at most " +
                      std::to_string(max));
    }
    return base::Ok();
  }

  // ---- filesystems, media, exclude ----------------------------------------------------
  base::Status ParseFilesystems(const JsonValue& v) {
    RETURN_IF_ERROR(Expect(v, "$.filesystems", Type::kObject));
    RETURN_IF_ERROR(CheckKeys(v, "$.filesystems", {"iso9660", "joliet", "udf"}));
    spec_.iso9660.enabled = false;
    spec_.joliet.enabled = false;
    spec_.udf.enabled = false;
    if (const JsonValue* iso = v.Find("iso9660")) {
      RETURN_IF_ERROR(Expect(*iso, "$.filesystems.iso9660", Type::kObject));
      RETURN_IF_ERROR(CheckKeys(*iso, "$.filesystems.iso9660",
                                {"level", "rock_ridge", "relocate_deep_directories"}));
      spec_.iso9660.enabled = true;
      if (const JsonValue* level = iso->Find("level")) {
        if (level->type == Type::kUnsigned && (level->unsigned_ < 1 || level->unsigned_ > 3)) {
          return Fail(*level, "$.filesystems.iso9660.level",
                      "must be 1, 2 or 3 (got " + std::to_string(level->unsigned_) + ")");
        }
        ASSIGN_OR_RETURN(std::uint64_t l, GetUnsigned(*level, "$.filesystems.iso9660.level", 1, 3));
        spec_.iso9660.level = static_cast<int>(l);
      }
      if (const JsonValue* rr = iso->Find("rock_ridge")) {
        ASSIGN_OR_RETURN(spec_.iso9660.rock_ridge,
                         GetBool(*rr, "$.filesystems.iso9660.rock_ridge"));
      }
    }
    if (const JsonValue* joliet = v.Find("joliet")) {
      RETURN_IF_ERROR(Expect(*joliet, "$.filesystems.joliet", Type::kObject));
      RETURN_IF_ERROR(CheckKeys(*joliet, "$.filesystems.joliet", {"long_names"}));
      spec_.joliet.enabled = true;
      if (const JsonValue* ln = joliet->Find("long_names")) {
        ASSIGN_OR_RETURN(spec_.joliet.long_names, GetBool(*ln, "$.filesystems.joliet.long_names"));
      }
      if (!spec_.iso9660.enabled) {
        return Fail(*joliet, "$.filesystems.joliet",
                    "Joliet is an extension of ISO 9660: add \"iso9660\" to filesystems");
      }
    }
    if (const JsonValue* udf = v.Find("udf")) {
      RETURN_IF_ERROR(Expect(*udf, "$.filesystems.udf", Type::kObject));
      RETURN_IF_ERROR(CheckKeys(*udf, "$.filesystems.udf", {"revision", "redundant_metadata"}));
      if (const JsonValue* rev = udf->Find("revision")) {
        ASSIGN_OR_RETURN(std::string r, GetString(*rev, "$.filesystems.udf.revision"));
        if (r != "1.02" && r != "1.50" && r != "2.01" && r != "2.50" && r != "2.60") {
          return Fail(
              *rev, "$.filesystems.udf.revision",
              "\"" + r + "\" is not one of \"1.02\", \"1.50\", \"2.01\", \"2.50\", \"2.60\"");
        }
      }
      return base::Unsupported(Where(*udf, "$.filesystems.udf"),
                               "UDF is not supported by this version of mkimg");
    }
    if (!spec_.iso9660.enabled) {
      return Fail(v, "$.filesystems", "no file system selected: add \"iso9660\"");
    }
    return base::Ok();
  }

  base::Status ParseMedia(const JsonValue& v) {
    ASSIGN_OR_RETURN(std::string name, GetString(v, "$.media"));
    auto media = base::ParseMediaName(name);
    if (!media) {
      std::string what = "unknown medium \"" + name + "\" (one of:";
      std::string_view best;
      std::size_t best_distance = std::numeric_limits<std::size_t>::max();
      for (const base::MediaInfo& m : base::AllMedia()) {
        what += " " + std::string(m.name);
        std::size_t d = EditDistance(name, m.name);
        if (d < best_distance) {
          best_distance = d;
          best = m.name;
        }
      }
      what += ")";
      if (best_distance <= 2)
        what = "unknown medium \"" + name + "\" (did you mean \"" + std::string(best) + "\"?)";
      return Fail(v, "$.media", what);
    }
    spec_.media = *media;
    return base::Ok();
  }

  base::Status ParseExclude(const JsonValue& v) {
    RETURN_IF_ERROR(Expect(v, "$.exclude", Type::kArray));
    for (std::size_t i = 0; i < v.array.size(); ++i) {
      std::string path = "$.exclude[" + std::to_string(i) + "]";
      ASSIGN_OR_RETURN(std::string pattern, GetString(v.array[i], path));
      std::string problem = manifest::CheckGlob(pattern);
      if (!problem.empty()) return Fail(v.array[i], path, "invalid pattern: " + problem);
      excludes_.push_back(std::move(pattern));
    }
    return base::Ok();
  }

  bool Excluded(std::string_view image_path) const {
    for (const std::string& p : excludes_) {
      if (manifest::GlobMatch(p, image_path)) return true;
    }
    return false;
  }

  // ---- contents -----------------------------------------------------------------------
  struct Attributes {
    std::optional<std::uint32_t> mode, uid, gid;
    std::optional<Timestamp> mtime;
    std::uint8_t hide = 0;
  };

  base::Status ParseContents(const JsonValue& v) {
    RETURN_IF_ERROR(Expect(v, "$.contents", Type::kArray));
    for (std::size_t i = 0; i < v.array.size(); ++i) {
      RETURN_IF_ERROR(ParseEntry(v.array[i], "$.contents[" + std::to_string(i) + "]"));
    }
    return base::Ok();
  }

  base::Status ParseEntry(const JsonValue& e, const std::string& path) {
    RETURN_IF_ERROR(Expect(e, path, Type::kObject));
    RETURN_IF_ERROR(CheckKeys(e, path,
                              {"target", "source", "directory", "text", "size", "symlink", "mode",
                               "uid", "gid", "mtime", "hidden_in"}));
    const JsonValue* target_v = e.Find("target");
    if (!target_v) return Fail(e, path, "missing required key \"target\" (a path in the image)");
    ASSIGN_OR_RETURN(std::string target, GetString(*target_v, path + ".target"));
    ASSIGN_OR_RETURN(std::vector<std::string> components,
                     SplitTarget(*target_v, path + ".target", target));

    const char* kinds[] = {"source", "directory", "text", "size", "symlink"};
    const char* kind = nullptr;
    for (const char* k : kinds) {
      if (const JsonValue* kv = e.Find(k)) {
        if (kind) {
          return Fail(
              *kv, path + "." + k,
              std::string("an entry has exactly one of source, directory, text, size, symlink; "
                          "this one has both \"") +
                  kind + "\" and \"" + k + "\"");
        }
        kind = k;
      }
    }
    if (!kind) {
      return Fail(
          e, path,
          "an entry needs one of \"source\", \"directory\", \"text\", \"size\" or \"symlink\"");
    }

    Attributes attrs;
    RETURN_IF_ERROR(ParseAttributes(e, path, &attrs));

    std::string image_path = "/";
    for (std::size_t i = 0; i < components.size(); ++i) {
      if (i) image_path += '/';
      image_path += components[i];
    }
    if (!components.empty() && Excluded(image_path)) return base::Ok();

    const JsonValue& kv = *e.Find(kind);
    std::string kpath = path + "." + kind;
    std::string_view k(kind);
    if (k == "directory") {
      ASSIGN_OR_RETURN(bool is_dir, GetBool(kv, kpath));
      if (!is_dir) return Fail(kv, kpath, "must be true (omit it for other kinds of entry)");
      ASSIGN_OR_RETURN(NodeId id, PlaceDirectory(*target_v, path + ".target", components));
      ApplyAttributes(id, attrs, false);
    } else if (k == "text") {
      ASSIGN_OR_RETURN(std::string text, GetString(kv, kpath));
      Content c;
      c.kind = ContentKind::kInline;
      c.size = text.size();
      c.pool_offset = spec_.tree.Intern(text);
      c.pool_length = static_cast<std::uint32_t>(text.size());
      ASSIGN_OR_RETURN(NodeId id, PlaceLeaf(*target_v, path + ".target", components));
      NodeId file = spec_.tree.AddFile(id, components.back(), c);
      ApplyAttributes(file, attrs, false);
    } else if (k == "size") {
      if (kv.type == Type::kInteger) {
        return Fail(kv, kpath,
                    "a size must not be negative (got " + std::to_string(kv.integer) + ")");
      }
      ASSIGN_OR_RETURN(std::uint64_t size,
                       GetUnsigned(kv, kpath, 0, std::uint64_t{1} << 50));  // 1 PiB
      Content c;
      c.kind = ContentKind::kZeros;
      c.size = size;
      ASSIGN_OR_RETURN(NodeId id, PlaceLeaf(*target_v, path + ".target", components));
      NodeId file = spec_.tree.AddFile(id, components.back(), c);
      ApplyAttributes(file, attrs, false);
    } else if (k == "symlink") {
      ASSIGN_OR_RETURN(std::string link, GetString(kv, kpath));
      if (link.empty()) return Fail(kv, kpath, "a symlink target must not be empty");
      if (link.size() > 4095) return Fail(kv, kpath, "a symlink target holds at most 4095 bytes");
      ASSIGN_OR_RETURN(NodeId id, PlaceLeaf(*target_v, path + ".target", components));
      NodeId node = spec_.tree.AddSymlink(id, components.back(), link);
      ApplyAttributes(node, attrs, false);
    } else {
      ASSIGN_OR_RETURN(std::string source, GetString(kv, kpath));
      if (options_.forbid_host_access) {
        return Fail(kv, kpath, "host sources are not allowed here");
      }
      RETURN_IF_ERROR(PlaceSource(*target_v, path + ".target", kv, kpath, source, components,
                                  image_path, attrs));
    }
    return base::Ok();
  }

  base::Status ParseAttributes(const JsonValue& e, const std::string& path, Attributes* a) const {
    if (const JsonValue* m = e.Find("mode")) {
      ASSIGN_OR_RETURN(std::string s, GetString(*m, path + ".mode"));
      bool ok = !s.empty() && s.size() <= 5;
      std::uint32_t mode = 0;
      for (char c : s) {
        if (c < '0' || c > '7') ok = false;
        mode = mode * 8 + static_cast<std::uint32_t>(c - '0');
      }
      if (!ok || mode > 07777) {
        return Fail(*m, path + ".mode",
                    "\"" + s + "\" is not an octal mode like \"0644\" (digits 0-7, at most 07777)");
      }
      a->mode = mode;
    }
    if (const JsonValue* u = e.Find("uid")) {
      ASSIGN_OR_RETURN(std::uint64_t uid, GetUnsigned(*u, path + ".uid", 0, 0xFFFFFFFEu));
      a->uid = static_cast<std::uint32_t>(uid);
    }
    if (const JsonValue* g = e.Find("gid")) {
      ASSIGN_OR_RETURN(std::uint64_t gid, GetUnsigned(*g, path + ".gid", 0, 0xFFFFFFFEu));
      a->gid = static_cast<std::uint32_t>(gid);
    }
    if (const JsonValue* t = e.Find("mtime")) {
      ASSIGN_OR_RETURN(Timestamp ts, GetTime(*t, path + ".mtime"));
      a->mtime = ts;
    }
    if (const JsonValue* h = e.Find("hidden_in")) {
      RETURN_IF_ERROR(Expect(*h, path + ".hidden_in", Type::kArray));
      for (std::size_t i = 0; i < h->array.size(); ++i) {
        std::string ip = path + ".hidden_in[" + std::to_string(i) + "]";
        ASSIGN_OR_RETURN(std::string fs_name, GetString(h->array[i], ip));
        if (fs_name == "iso9660") {
          a->hide |= kHideIso9660;
        } else if (fs_name == "joliet") {
          a->hide |= kHideJoliet;
        } else if (fs_name == "udf") {
          a->hide |= kHideUdf;
        } else {
          return Fail(h->array[i], ip,
                      "\"" + fs_name + "\" is not one of \"iso9660\", \"joliet\", \"udf\"" +
                          (fs_name == "rockridge" || fs_name == "rock_ridge"
                               ? " (Rock Ridge is part of the iso9660 tree: use \"iso9660\")"
                               : ""));
        }
      }
    }
    return base::Ok();
  }

  // Applies attributes to a node; with `subtree`, uid/gid/mtime/hide reach every node
  // below it too (a folder imported from the host), while mode stays on the node itself.
  void ApplyAttributes(NodeId id, const Attributes& a, bool subtree) {
    Tree& t = spec_.tree;
    if (a.mode) t.mutable_node(id).mode = *a.mode;
    std::vector<NodeId> stack{id};
    while (!stack.empty()) {
      NodeId n = stack.back();
      stack.pop_back();
      Node& node = t.mutable_node(n);
      if (a.uid) node.uid = *a.uid;
      if (a.gid) node.gid = *a.gid;
      if (a.mtime) node.mtime = *a.mtime;
      node.hide |= a.hide;
      if (subtree && node.type == NodeType::kDirectory) {
        for (NodeId c : t.children(n)) stack.push_back(c);
      }
    }
  }

  static std::string ValidateName(std::string_view name) {
    if (name == "." || name == "..") return "\".\" and \"..\" are not names";
    if (name.size() > 255) return "a name holds at most 255 bytes";
    if (name.find('\0') != std::string_view::npos) return "a name must not contain NUL";
    if (!base::IsValidUtf8(name)) return "not valid UTF-8";
    return "";
  }

  base::Expected<std::vector<std::string>> SplitTarget(const JsonValue& v, const std::string& path,
                                                       std::string_view target) const {
    if (target.empty() || target[0] != '/') {
      return Fail(
          v, path,
          "\"" + std::string(target) + "\" must be an absolute image path, starting with /");
    }
    std::vector<std::string> parts;
    std::size_t pos = 1;
    while (pos <= target.size()) {
      std::size_t slash = target.find('/', pos);
      if (slash == std::string_view::npos) slash = target.size();
      std::string_view part = target.substr(pos, slash - pos);
      if (!part.empty()) {
        std::string problem = ValidateName(part);
        if (!problem.empty()) {
          return Fail(v, path,
                      "\"" + std::string(target) + "\": component \"" + std::string(part) +
                          "\": " + problem);
        }
        parts.emplace_back(part);
      }
      pos = slash + 1;
    }
    return parts;
  }

  // Walks to the parent of `components`, creating folders as needed. A file or symlink in
  // the way is an error: an entry cannot place something inside a file.
  base::Expected<NodeId> WalkParents(const JsonValue& v, const std::string& path,
                                     const std::vector<std::string>& components) {
    Tree& t = spec_.tree;
    NodeId dir = t.root();
    for (std::size_t i = 0; i + 1 < components.size(); ++i) {
      NodeId c = t.FindChild(dir, components[i]);
      if (c == kNoNode) {
        c = t.AddDirectory(dir, components[i]);
      } else if (t.node(c).type != NodeType::kDirectory) {
        return Fail(v, path,
                    t.Path(c) + " is a file or symlink placed by an earlier entry, not a folder");
      }
      dir = c;
    }
    return dir;
  }

  // The parent folder for a new file or symlink; an earlier node of that name is replaced.
  base::Expected<NodeId> PlaceLeaf(const JsonValue& v, const std::string& path,
                                   const std::vector<std::string>& components) {
    if (components.empty())
      return Fail(v, path, "\"/\" is the root folder; a file cannot replace it");
    ASSIGN_OR_RETURN(NodeId dir, WalkParents(v, path, components));
    NodeId old = spec_.tree.FindChild(dir, components.back());
    if (old != kNoNode) spec_.tree.Detach(old);
    return dir;
  }

  // A folder at `components`: an existing folder is kept (merged), anything else replaced.
  base::Expected<NodeId> PlaceDirectory(const JsonValue& v, const std::string& path,
                                        const std::vector<std::string>& components) {
    if (components.empty()) return spec_.tree.root();
    ASSIGN_OR_RETURN(NodeId dir, WalkParents(v, path, components));
    NodeId old = spec_.tree.FindChild(dir, components.back());
    if (old != kNoNode) {
      if (spec_.tree.node(old).type == NodeType::kDirectory) return old;
      spec_.tree.Detach(old);
    }
    return spec_.tree.AddDirectory(dir, components.back());
  }

  Timestamp ClampHostTime(const struct timespec& ts) const {
    // Host times newer than the volume timestamp are clamped to it (reproducible-builds
    // practice: a fresh checkout's times do not leak into the image).
    Timestamp t{ts.tv_sec, static_cast<std::uint32_t>(ts.tv_nsec)};
    if (t.seconds > spec_.volume.timestamp.seconds ||
        (t.seconds == spec_.volume.timestamp.seconds &&
         t.nanoseconds > spec_.volume.timestamp.nanoseconds)) {
      t = spec_.volume.timestamp;
    }
    if (t.seconds < kMinTime) t = Timestamp{kMinTime, 0};
    return t;
  }

  void SetFromHost(NodeId id, const struct stat& st) {
    Node& n = spec_.tree.mutable_node(id);
    n.mode = st.st_mode & 07777;
    n.mtime = ClampHostTime(st.st_mtim);
  }

  static Content HostContent(const struct stat& st, std::uint32_t host_dir) {
    Content c;
    c.kind = ContentKind::kHostFile;
    c.size = static_cast<std::uint64_t>(st.st_size);
    c.host_dir = host_dir;
    c.device = st.st_dev;
    c.inode = st.st_ino;
    c.change_time_ns =
        static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    return c;
  }

  std::string Resolve(const std::string& source) const {
    if (!source.empty() && source[0] == '/') return source;
    std::string base = options_.base_directory.empty() ? "." : options_.base_directory;
    if (base.back() != '/') base += '/';
    return base + source;
  }

  base::Status PlaceSource(const JsonValue& target_v, const std::string& target_path,
                           const JsonValue& source_v, const std::string& source_path,
                           const std::string& source, const std::vector<std::string>& components,
                           const std::string& image_path, const Attributes& attrs) {
    if (source.empty()) return Fail(source_v, source_path, "a source path must not be empty");
    std::string host = Resolve(source);
    struct stat st {};
    if (::stat(host.c_str(), &st) != 0) {
      return base::InvalidInput(Where(source_v, source_path) + ": " + host, std::strerror(errno));
    }
    Tree& t = spec_.tree;
    if (S_ISDIR(st.st_mode)) {
      ASSIGN_OR_RETURN(NodeId dir, PlaceDirectory(target_v, target_path, components));
      if (!components.empty()) SetFromHost(dir, st);
      std::string absolute = host;
      if (absolute[0] != '/') {
        char cwd[4096];
        if (!::getcwd(cwd, sizeof cwd)) return base::ErrnoError("getcwd", errno);
        absolute = std::string(cwd) + "/" + absolute;
      }
      while (absolute.size() > 1 && absolute.back() == '/') absolute.pop_back();
      std::uint32_t host_dir = t.AddHostDirectory(absolute);
      RETURN_IF_ERROR(ScanFolder(host_dir, dir, image_path));
      ApplyAttributes(dir, attrs, true);
      return base::Ok();
    }
    if (!S_ISREG(st.st_mode)) {
      return base::InvalidInput(Where(source_v, source_path) + ": " + host,
                                "not a regular file or folder");
    }
    if (::access(host.c_str(), R_OK) != 0) {
      return base::InvalidInput(Where(source_v, source_path) + ": " + host, std::strerror(errno));
    }
    ASSIGN_OR_RETURN(NodeId dir, PlaceLeaf(target_v, target_path, components));
    std::string parent = ".";
    std::string leaf = host;
    if (auto slash = host.rfind('/'); slash != std::string::npos) {
      parent = slash == 0 ? "/" : host.substr(0, slash);
      leaf = host.substr(slash + 1);
    }
    if (parent[0] != '/') {
      char cwd[4096];
      if (!::getcwd(cwd, sizeof cwd)) return base::ErrnoError("getcwd", errno);
      parent = std::string(cwd) + "/" + parent;
    }
    std::uint32_t host_dir = t.AddHostDirectory(parent);
    Content c = HostContent(st, host_dir);
    c.pool_offset = t.Intern(leaf);
    c.pool_length = static_cast<std::uint32_t>(leaf.size());
    NodeId file = t.AddFile(dir, components.back(), c);
    SetFromHost(file, st);
    ApplyAttributes(file, attrs, false);
    return base::Ok();
  }

  // Scans a host folder into a tree folder, breadth-first without recursion. Names are
  // sorted bytewise so that the tree (and the image) never depends on readdir order.
  base::Status ScanFolder(std::uint32_t root_host_dir, NodeId root_dir,
                          const std::string& root_image_path) {
    struct Pending {
      std::uint32_t host_dir;
      NodeId dir;
      std::string image_path;
    };
    Tree& t = spec_.tree;
    std::vector<Pending> queue{{root_host_dir, root_dir, root_image_path}};
    std::vector<std::string> names;
    for (std::size_t qi = 0; qi < queue.size(); ++qi) {
      Pending cur = queue[qi];
      std::string host_path = t.HostDirectoryPath(cur.host_dir);
      int fd = ::open(host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0) return base::InvalidInput(host_path, std::strerror(errno));
      DIR* d = ::fdopendir(fd);
      if (!d) {
        int e = errno;
        ::close(fd);
        return base::InvalidInput(host_path, std::strerror(e));
      }
      names.clear();
      errno = 0;
      while (struct dirent* de = ::readdir(d)) {
        std::string_view n(de->d_name);
        if (n == "." || n == "..") continue;
        names.emplace_back(n);
      }
      if (errno != 0) {
        int e = errno;
        ::closedir(d);
        return base::InvalidInput(host_path, std::strerror(e));
      }
      std::sort(names.begin(), names.end());
      std::string prefix = cur.image_path == "/" ? "/" : cur.image_path + "/";
      for (const std::string& name : names) {
        std::string image_path = prefix + name;
        if (Excluded(image_path)) continue;
        std::string where = host_path + "/" + name;
        std::string problem = ValidateName(name);
        if (!problem.empty()) {
          ::closedir(d);
          return base::InvalidInput(where, "cannot be stored: " + problem);
        }
        struct stat st {};
        if (::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
          int e = errno;
          ::closedir(d);
          return base::InvalidInput(where, std::strerror(e));
        }
        NodeId existing = t.FindChild(cur.dir, name);
        if (S_ISDIR(st.st_mode)) {
          NodeId child = existing;
          if (child != kNoNode && t.node(child).type != NodeType::kDirectory) {
            t.Detach(child);
            child = kNoNode;
          }
          if (child == kNoNode) child = t.AddDirectory(cur.dir, name);
          SetFromHost(child, st);
          queue.push_back({t.AddHostSubdirectory(cur.host_dir, name), child, image_path});
        } else if (S_ISREG(st.st_mode)) {
          if (existing != kNoNode) t.Detach(existing);
          NodeId file = t.AddFile(cur.dir, name, HostContent(st, cur.host_dir));
          Content& c = t.mutable_content(file);
          c.pool_offset = t.node(file).name_offset;
          c.pool_length = t.node(file).name_length;
          SetFromHost(file, st);
        } else if (S_ISLNK(st.st_mode)) {
          char buf[4096];
          ssize_t n = ::readlinkat(fd, name.c_str(), buf, sizeof buf);
          if (n < 0 || static_cast<std::size_t>(n) >= sizeof buf) {
            int e = n < 0 ? errno : ENAMETOOLONG;
            ::closedir(d);
            return base::InvalidInput(where, std::strerror(e));
          }
          if (existing != kNoNode) t.Detach(existing);
          NodeId link =
              t.AddSymlink(cur.dir, name, std::string_view(buf, static_cast<std::size_t>(n)));
          t.mutable_node(link).mtime = ClampHostTime(st.st_mtim);
        } else {
          Warn(where, "skipped: only files, folders and symbolic links are stored (this is a " +
                          std::string(S_ISFIFO(st.st_mode)   ? "FIFO"
                                      : S_ISSOCK(st.st_mode) ? "socket"
                                                             : "device") +
                          ")");
        }
      }
      ::closedir(d);
      // The queue keeps what is still pending; release what has been scanned.
      if (qi > 4096 && qi * 2 > queue.size()) {
        queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(qi + 1));
        qi = static_cast<std::size_t>(-1);
      }
    }
    return base::Ok();
  }

  std::string_view text_;
  const ManifestOptions& options_;
  const DiagnosticSink& diagnostics_;
  ImageSpec spec_;
  std::vector<std::string> excludes_;
};

}  // namespace

base::Expected<ImageSpec> ParseManifest(std::string_view json, const ManifestOptions& options,
                                        const DiagnosticSink& diagnostics) {
  return Parser(json, options, diagnostics).Run();
}

}  // namespace fs

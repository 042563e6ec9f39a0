// The manifest's top level (specs/manifest.md "Parsing", "volume", "filesystems",
// "media", "exclude"): the format version, refused features, and the options that apply
// to the whole image. `contents` is parsed last, by contents.cc, once the volume
// timestamp and the exclusions are known.
#include <limits>
#include <string>
#include <string_view>

#include "base/media.h"
#include "manifest/glob.h"
#include "manifest/parser.h"

namespace fs::manifest {
namespace {

bool IsDCharacter(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

}  // namespace

base::Expected<ImageSpec> Parser::Run() {
  ASSIGN_OR_RETURN(JsonValue root, manifest::ParseJson(text_, options_.display_name));
  return RunOn(root, false);
}

base::Expected<ImageSpec> Parser::RunOn(const JsonValue& root, bool nested) {
  if (root.type != Type::kObject) return Fail(root, "$", "a manifest must be a JSON object");
  if (nested) {
    RETURN_IF_ERROR(CheckKeys(root, "$",
                              {"mkimg", "volume", "filesystems", "media", "contents", "exclude",
                               "boot", "image", "mode", "align_data", "dedupe", "special_files"}));
  } else {
    RETURN_IF_ERROR(CheckKeys(root, "$",
                              {"$schema", "mkimg", "volume", "filesystems", "media", "contents",
                               "exclude", "boot", "cd", "align_data", "dedupe", "special_files"}));
  }
  // "$schema" names the schema for editors; mkimg only checks that it is a string.
  if (const JsonValue* schema = root.Find("$schema")) {
    RETURN_IF_ERROR(Expect(*schema, "$.$schema", Type::kString));
  }
  const JsonValue* version = root.Find("mkimg");
  if (!version && !nested) {
    return Fail(root, "$", "missing required key \"mkimg\" (the format version, 1)");
  }
  std::uint64_t v = 1;
  if (version) {
    ASSIGN_OR_RETURN(v, GetUnsigned(*version, "$.mkimg", 1, 1000));
  }
  if (v != 1) {
    return Fail(
        *version, "$.mkimg",
        "manifest version " + std::to_string(v) + " is not supported (this mkimg reads version 1)");
  }
  if (const JsonValue* cd = root.Find("cd")) {
    for (const char* key : {"filesystems", "contents", "exclude"}) {
      if (const JsonValue* other = root.Find(key)) {
        return Fail(*other, std::string("$.") + key,
                    "a raw CD manifest (\"cd\") puts file systems in its data tracks: move this "
                    "into a track's \"data\"");
      }
    }
    if (const JsonValue* m = root.Find("media")) RETURN_IF_ERROR(ParseMedia(*m));
    RETURN_IF_ERROR(ParseCd(*cd));
    return std::move(spec_);
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
  if (const JsonValue* a = root.Find("align_data")) {
    ASSIGN_OR_RETURN(const std::uint64_t align, GetUnsigned(*a, "$.align_data", 0, kMaxAlignData));
    if (align != 0 && (align < 2048 || (align & (align - 1)) != 0)) {
      return Fail(
          *a, "$.align_data",
          "must be 0 or a power of two from 2048 to 1048576 bytes, not " + std::to_string(align));
    }
    spec_.align_data = static_cast<std::uint32_t>(align);
  }
  if (!root.Find("filesystems") && spec_.media) {
    // Defaults by medium, as IMAPI2's ChooseImageDefaultsForMediaType (specs/udf.md): DVD
    // adds UDF 1.02 to ISO 9660 + Joliet, Blu-ray UDF 2.50; CD keeps ISO 9660 + Joliet.
    const base::MediaFamily family = base::GetMediaInfo(*spec_.media).family;
    if (family != base::MediaFamily::kCd) {
      spec_.udf.enabled = true;
      spec_.udf.revision = family == base::MediaFamily::kBd ? "2.50" : "1.02";
    }
  }
  if (const JsonValue* d = root.Find("dedupe")) {
    ASSIGN_OR_RETURN(spec_.dedupe, GetBool(*d, "$.dedupe"));
  }
  if (const JsonValue* sf = root.Find("special_files")) {
    ASSIGN_OR_RETURN(special_files_, GetBool(*sf, "$.special_files"));
  }
  if (const JsonValue* e = root.Find("exclude")) RETURN_IF_ERROR(ParseExclude(*e));
  if (const JsonValue* c = root.Find("contents")) RETURN_IF_ERROR(ParseContents(*c));
  if (const JsonValue* boot = root.Find("boot")) RETURN_IF_ERROR(ParseBoot(*boot));
  return std::move(spec_);
}

base::Status Parser::ParseVolume(const JsonValue& v) {
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
        TextField{"preparer", &vol.preparer, 128}, TextField{"application", &vol.application, 128},
        TextField{"system", &vol.system, 32}}) {
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

base::Status Parser::CheckDCharacters(const JsonValue& v, const std::string& path,
                                      const std::string& s, std::size_t max,
                                      const char* what) const {
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
                "\"" + s + "\" is " + std::to_string(s.size()) + " characters long; an ISO 9660 " +
                    what + " holds at most " + std::to_string(max));
  }
  return base::Ok();
}

base::Status Parser::ParseFilesystems(const JsonValue& v) {
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
      ASSIGN_OR_RETURN(spec_.iso9660.rock_ridge, GetBool(*rr, "$.filesystems.iso9660.rock_ridge"));
    }
    if (const JsonValue* reloc = iso->Find("relocate_deep_directories")) {
      ASSIGN_OR_RETURN(spec_.iso9660.relocate_deep_directories,
                       GetBool(*reloc, "$.filesystems.iso9660.relocate_deep_directories"));
    }
  }
  if (const JsonValue* joliet = v.Find("joliet")) {
    RETURN_IF_ERROR(Expect(*joliet, "$.filesystems.joliet", Type::kObject));
    RETURN_IF_ERROR(CheckKeys(*joliet, "$.filesystems.joliet", {"long_names", "case_insensitive"}));
    spec_.joliet.enabled = true;
    if (const JsonValue* ln = joliet->Find("long_names")) {
      ASSIGN_OR_RETURN(spec_.joliet.long_names, GetBool(*ln, "$.filesystems.joliet.long_names"));
    }
    if (const JsonValue* ci = joliet->Find("case_insensitive")) {
      ASSIGN_OR_RETURN(spec_.joliet.case_insensitive,
                       GetBool(*ci, "$.filesystems.joliet.case_insensitive"));
    }
    if (!spec_.iso9660.enabled) {
      return Fail(*joliet, "$.filesystems.joliet",
                  "Joliet is an extension of ISO 9660: add \"iso9660\" to filesystems");
    }
  }
  if (const JsonValue* udf = v.Find("udf")) {
    RETURN_IF_ERROR(Expect(*udf, "$.filesystems.udf", Type::kObject));
    RETURN_IF_ERROR(CheckKeys(*udf, "$.filesystems.udf", {"revision", "redundant_metadata"}));
    spec_.udf.enabled = true;
    if (const JsonValue* rev = udf->Find("revision")) {
      ASSIGN_OR_RETURN(std::string r, GetString(*rev, "$.filesystems.udf.revision"));
      if (r != "1.02" && r != "1.50" && r != "2.01" && r != "2.50" && r != "2.60") {
        return Fail(*rev, "$.filesystems.udf.revision",
                    "\"" + r + "\" is not one of \"1.02\", \"1.50\", \"2.01\", \"2.50\", \"2.60\"");
      }
      spec_.udf.revision = r;
    }
    if (const JsonValue* rm = udf->Find("redundant_metadata")) {
      ASSIGN_OR_RETURN(spec_.udf.redundant_metadata,
                       GetBool(*rm, "$.filesystems.udf.redundant_metadata"));
      // OSTA UDF 2.2.10, 2.2.13: the metadata partition and its mirror exist from 2.50 on.
      if (spec_.udf.redundant_metadata && spec_.udf.revision < "2.50") {
        return Fail(
            *rm, "$.filesystems.udf.redundant_metadata",
            "the metadata mirror needs UDF 2.50 or later (revision is " + spec_.udf.revision + ")");
      }
    }
  }
  if (!spec_.iso9660.enabled && !spec_.udf.enabled) {
    return Fail(v, "$.filesystems", "no file system selected: add \"iso9660\" or \"udf\"");
  }
  return base::Ok();
}

base::Status Parser::ParseMedia(const JsonValue& v) {
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

base::Status Parser::ParseExclude(const JsonValue& v) {
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

bool Parser::Excluded(std::string_view image_path) const {
  for (const std::string& p : excludes_) {
    if (manifest::GlobMatch(p, image_path)) return true;
  }
  return false;
}

}  // namespace fs::manifest

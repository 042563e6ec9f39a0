// The JSON manifest, version 1 (specs/manifest.md; schema in specs/manifest.schema.json): parsed
// into an ImageSpec whose tree holds every entry, with host folders scanned and `exclude` applied.
// Errors name the JSON path and line:column, or the host path. LoadManifestFile is the one call
// from a manifest file to an ImageSpec; ParseManifest works on text already in memory (tests,
// fuzzers).
#ifndef MKIMG_FS_MANIFEST_H_
#define MKIMG_FS_MANIFEST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "fs/image_builder.h"
#include "fs/image_spec.h"

namespace fs {

struct ManifestOptions {
  // The folder relative host paths resolve against (the manifest's own folder).
  std::string base_directory = ".";
  // The name shown in error messages for the manifest itself, e.g. "manifest.json".
  std::string display_name = "manifest";
  // SOURCE_DATE_EPOCH, if set; used when the manifest has no volume.timestamp.
  std::optional<std::int64_t> source_date_epoch;
  // Fallback when neither is set (the current time; tests pass a fixed value).
  std::int64_t now = 0;
  // Do not touch the host at all (fuzzing): `source` entries become errors.
  bool forbid_host_access = false;
};

// Parses a manifest and builds its tree. Returns kInvalidInput with
// "NAME:LINE:COLUMN: $.json.path: message" for JSON and schema errors, or a host path for
// missing or unreadable sources.
base::Expected<ImageSpec> ParseManifest(std::string_view json, const ManifestOptions& options,
                                        const DiagnosticSink& diagnostics);

// What LoadManifestFile needs besides the file. The library never reads the environment
// or the clock itself: the caller passes both, so that tests can fix them.
struct LoadOptions {
  // SOURCE_DATE_EPOCH exactly as the environment holds it; empty means unset. Used when the
  // manifest has no volume.timestamp; anything but a decimal integer is an error.
  std::string source_date_epoch;
  // Fallback when neither is set (the current time; tests pass a fixed value).
  std::int64_t now = 0;
};

// Reads the manifest file at `path` (a regular file of at most 64 MiB) and parses it,
// with relative `source` paths resolved against the file's folder and `path` as the name
// in error messages. Errors: the file's own problems name `path`; a malformed
// SOURCE_DATE_EPOCH names "SOURCE_DATE_EPOCH" (checked after the file is read); then
// everything ParseManifest reports.
base::Expected<ImageSpec> LoadManifestFile(const std::string& path, const LoadOptions& options,
                                           const DiagnosticSink& diagnostics);

// SOURCE_DATE_EPOCH's value, seconds since 1970 (specs/manifest.md "volume"): empty is
// unset (nullopt); otherwise a decimal integer or kInvalidInput.
base::Expected<std::optional<std::int64_t>> ParseSourceDateEpoch(std::string_view value);

// The manifest's JSON Schema (draft 2020-12), as `mkimg schema` prints it.
std::string_view ManifestJsonSchema();

}  // namespace fs

#endif  // MKIMG_FS_MANIFEST_H_

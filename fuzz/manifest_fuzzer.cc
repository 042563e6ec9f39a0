// libFuzzer target for the JSON manifest parser (specs/manifest.md) with host access
// forbidden, so `source` entries become errors and the fuzzer never touches files.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fs/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fs::ManifestOptions options;
  options.forbid_host_access = true;
  options.now = 1767225600;                                                // 2026-01-01T00:00:00Z
  const std::string_view json(reinterpret_cast<const char*>(data), size);  // NOLINT
  (void)fs::ParseManifest(json, options, [](const fs::Diagnostic&) {});
  return 0;
}

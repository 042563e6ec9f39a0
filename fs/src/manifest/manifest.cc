// The manifest's entry point (specs/manifest.md): ParseManifest runs the parser of
// parser.h over JSON text.
#include "fs/manifest.h"

#include "manifest/parser.h"

namespace fs {

base::Expected<ImageSpec> ParseManifest(std::string_view json, const ManifestOptions& options,
                                        const DiagnosticSink& diagnostics) {
  return manifest::Parser(json, options, diagnostics).Run();
}

}  // namespace fs

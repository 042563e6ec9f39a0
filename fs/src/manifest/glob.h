// Glob patterns over image paths, for the manifest's `exclude`: `*` matches within one
// path component, `?` one character, `[...]` a character class (`[!...]` negated), and
// `**` any number of whole components (so `**/.git` matches `.git` at every depth).
// Paths and patterns are compared without their leading '/'.
#ifndef MKIMG_FS_MANIFEST_GLOB_H_
#define MKIMG_FS_MANIFEST_GLOB_H_

#include <string>
#include <string_view>

namespace fs::manifest {

// Returns an empty string if `pattern` is valid, else what is wrong with it.
std::string CheckGlob(std::string_view pattern);

// REQUIRES: CheckGlob(pattern) is empty. `path` is like "/a/b" or "a/b".
bool GlobMatch(std::string_view pattern, std::string_view path);

}  // namespace fs::manifest

#endif  // MKIMG_FS_MANIFEST_GLOB_H_

// The manifest's entry points (specs/manifest.md): ParseManifest runs the parser of
// parser.h over JSON text; LoadManifestFile reads a manifest file first, the way
// `mkimg build` does, and resolves its sources against the manifest's own folder.
#include "fs/manifest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "manifest/parser.h"

namespace fs {
namespace {

// A manifest larger than this is refused before it is read.
constexpr off_t kMaxManifestBytes = 64 << 20;

base::Expected<std::string> ReadManifestText(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return base::InvalidInput(path, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return base::InvalidInput(path, "not a regular file");
  }
  if (st.st_size > kMaxManifestBytes) {
    ::close(fd);
    return base::InvalidInput(path, "a manifest larger than 64 MiB is not accepted");
  }
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t r = ::read(fd, text.data() + done, text.size() - done);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      int e = r < 0 ? errno : EIO;
      ::close(fd);
      return base::InvalidInput(path, std::strerror(e));
    }
    done += static_cast<std::size_t>(r);
  }
  ::close(fd);
  return text;
}

}  // namespace

base::Expected<ImageSpec> ParseManifest(std::string_view json, const ManifestOptions& options,
                                        const DiagnosticSink& diagnostics) {
  return manifest::Parser(json, options, diagnostics).Run();
}

base::Expected<std::optional<std::int64_t>> ParseSourceDateEpoch(std::string_view value) {
  if (value.empty()) return std::optional<std::int64_t>();
  std::string text(value);
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') {
    return base::InvalidInput("SOURCE_DATE_EPOCH", "\"" + text + "\" is not an integer");
  }
  return std::optional<std::int64_t>(v);
}

base::Expected<ImageSpec> LoadManifestFile(const std::string& path, const LoadOptions& options,
                                           const DiagnosticSink& diagnostics) {
  ASSIGN_OR_RETURN(std::string text, ReadManifestText(path));
  ManifestOptions parse;
  parse.display_name = path;
  auto slash = path.rfind('/');
  parse.base_directory = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  ASSIGN_OR_RETURN(parse.source_date_epoch, ParseSourceDateEpoch(options.source_date_epoch));
  parse.now = options.now;
  return ParseManifest(text, parse, diagnostics);
}

}  // namespace fs

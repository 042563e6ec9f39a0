// A main() for fuzz targets where libFuzzer is unavailable (GCC builds): runs
// LLVMFuzzerTestOneInput once on every file named on the command line, and on every
// regular file of every directory named (sorted, not recursive). This is how ctest
// replays the seed corpora and the committed crash regressions in every configuration
// (the LINKMAIN approach of simdjson and fmt). Exits 1 when an input cannot be read.
// Like libFuzzer, `-timeout=N` makes an input that runs longer than N seconds a failure
// (a hang is a finding), and `-rss_limit_mb=M` caps the address space at 2×M MiB so that
// a blow-up fails instead of swapping; other flags are ignored.
#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

unsigned g_timeout_seconds = 0;
const char* g_current = "";

void OnTimeout(int) {
  static const char kPrefix[] = "replay: timeout on ";
  (void)!write(2, kPrefix, sizeof kPrefix - 1);
  (void)!write(2, g_current, std::char_traits<char>::length(g_current));
  (void)!write(2, "\n", 1);
  _exit(1);
}

bool RunFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: %s: cannot open\n", path.c_str());
    return false;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
  g_current = path.c_str();
  if (g_timeout_seconds > 0) alarm(g_timeout_seconds);
  LLVMFuzzerTestOneInput(data.data(), data.size());
  alarm(0);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 0;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("-timeout=", 0) == 0) {
      g_timeout_seconds = static_cast<unsigned>(std::stoul(arg.substr(9)));
      signal(SIGALRM, OnTimeout);
    } else if (arg.rfind("-rss_limit_mb=", 0) == 0) {
      const rlim_t bytes = static_cast<rlim_t>(std::stoull(arg.substr(14))) * 2 * 1024 * 1024;
      const struct rlimit limit = {bytes, bytes};
      setrlimit(RLIMIT_AS, &limit);
    }
  }
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!arg.empty() && arg[0] == '-') continue;  // libFuzzer flags, handled above or ignored
    struct stat st;
    if (stat(arg.c_str(), &st) != 0) {
      std::fprintf(stderr, "replay: %s: no such file or directory\n", arg.c_str());
      ok = false;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      std::vector<std::string> files;
      if (DIR* d = opendir(arg.c_str())) {
        while (dirent* e = readdir(d)) {
          const std::string path = arg + "/" + e->d_name;
          struct stat fst;
          if (e->d_name[0] != '.' && stat(path.c_str(), &fst) == 0 && S_ISREG(fst.st_mode))
            files.push_back(path);
        }
        closedir(d);
      }
      std::sort(files.begin(), files.end());
      for (const std::string& f : files) {
        ok = RunFile(f) && ok;
        ++runs;
      }
    } else {
      ok = RunFile(arg) && ok;
      ++runs;
    }
  }
  std::printf("replay: %d inputs run\n", runs);
  return ok ? 0 : 1;
}

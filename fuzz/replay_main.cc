// A main() for fuzz targets where libFuzzer is unavailable (GCC builds): runs
// LLVMFuzzerTestOneInput once on every file named on the command line, and on every
// regular file of every directory named (sorted, not recursive). This is how ctest
// replays the seed corpora and the committed crash regressions in every configuration
// (the LINKMAIN approach of simdjson and fmt). Exits 1 when an input cannot be read.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool RunFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: %s: cannot open\n", path.c_str());
    return false;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
  LLVMFuzzerTestOneInput(data.data(), data.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 0;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!arg.empty() && arg[0] == '-') continue;  // libFuzzer flags are accepted and ignored
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

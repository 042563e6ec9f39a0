#include "mkimg/output_path.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace mkimg {

base::Status CheckOutputFolder(const std::string& path) {
  std::string folder = path;
  while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
  const std::size_t slash = folder.rfind('/');
  if (slash == std::string::npos) return base::Ok();  // the current folder
  folder = slash == 0 ? "/" : folder.substr(0, slash);
  struct stat st;
  if (::stat(folder.c_str(), &st) != 0) {
    return base::InvalidInput(path, "cannot be created: " + folder + ": " + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) {
    return base::InvalidInput(path, "cannot be created: " + folder + " is not a folder");
  }
  return base::Ok();
}

}  // namespace mkimg

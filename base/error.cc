#include "base/error.h"

#include <cstdio>
#include <cstring>

namespace base {

Error ErrnoError(std::string where, int errnum) {
  return Error(ErrorCode::kIo, std::move(where), std::strerror(errnum));
}

void CheckFailed(const char* cond, const char* file, int line) {
  std::fprintf(stderr, "mkimg: internal error: CHECK(%s) failed at %s:%d\n", cond, file, line);
  std::abort();
}

}  // namespace base

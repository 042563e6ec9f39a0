#include "manifest/glob.h"

#include <vector>

namespace fs::manifest {
namespace {

std::string_view StripSlash(std::string_view s) {
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s) {
  std::vector<std::string_view> parts;
  while (!s.empty()) {
    auto slash = s.find('/');
    if (slash == std::string_view::npos) {
      parts.push_back(s);
      break;
    }
    if (slash > 0) parts.push_back(s.substr(0, slash));
    s.remove_prefix(slash + 1);
  }
  return parts;
}

// Matches one component against one pattern component (no '/'). Iterative with one
// backtrack point for '*', so it runs in O(n*m) at worst and never recurses.
bool MatchComponent(std::string_view p, std::string_view s) {
  std::size_t pi = 0, si = 0, star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star_p = pi++;
      star_s = si;
      continue;
    }
    if (pi < p.size()) {
      if (p[pi] == '?') {
        ++pi;
        ++si;
        continue;
      }
      if (p[pi] == '[') {
        std::size_t end = p.find(']', pi + 2);
        if (end != std::string_view::npos) {
          std::string_view cls = p.substr(pi + 1, end - pi - 1);
          bool negate = !cls.empty() && (cls[0] == '!' || cls[0] == '^');
          if (negate) cls.remove_prefix(1);
          bool found = false;
          for (std::size_t k = 0; k < cls.size(); ++k) {
            if (k + 2 < cls.size() && cls[k + 1] == '-') {
              if (s[si] >= cls[k] && s[si] <= cls[k + 2]) found = true;
              k += 2;
            } else if (cls[k] == s[si]) {
              found = true;
            }
          }
          if (found != negate) {
            pi = end + 1;
            ++si;
            continue;
          }
        } else if (s[si] == '[') {
          ++pi;
          ++si;
          continue;
        }
      } else if (p[pi] == '\\' && pi + 1 < p.size() && p[pi + 1] == s[si]) {
        pi += 2;
        ++si;
        continue;
      } else if (p[pi] == s[si]) {
        ++pi;
        ++si;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace

std::string CheckGlob(std::string_view pattern) {
  if (StripSlash(pattern).empty()) return "empty pattern";
  for (std::string_view part : Split(StripSlash(pattern))) {
    if (part.find("**") != std::string_view::npos && part != "**") {
      return "'**' must be a whole path component, as in \"**/name\"";
    }
  }
  return "";
}

bool GlobMatch(std::string_view pattern, std::string_view path) {
  std::vector<std::string_view> p = Split(StripSlash(pattern));
  std::vector<std::string_view> s = Split(StripSlash(path));
  // Dynamic programming over components: can[i][j] = p[i:] matches s[j:].
  const std::size_t n = p.size(), m = s.size();
  std::vector<char> next(m + 1, 0), cur(m + 1, 0);
  next[m] = 1;  // empty pattern matches empty path
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m + 1; j-- > 0;) {
      if (p[i] == "**") {
        cur[j] = next[j] || (j < m && cur[j + 1]);
      } else {
        cur[j] = j < m && MatchComponent(p[i], s[j]) && next[j + 1];
      }
    }
    std::swap(cur, next);
  }
  return next[0] != 0;
}

}  // namespace fs::manifest

// End-to-end test harness (see harness.h): scratch trees, manifests, expected-tree JSON,
// and child processes run with posix_spawn, their output captured in files.
#include "tests/e2e/harness.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace e2e {
namespace stdfs = std::filesystem;

namespace {

std::string ReadAll(const stdfs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteAll(const stdfs::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << data;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

void SetMtime(const stdfs::path& p, std::int64_t t, bool symlink) {
  struct timespec times[2];
  times[0].tv_sec = static_cast<time_t>(t);
  times[0].tv_nsec = 0;
  times[1] = times[0];
  if (utimensat(AT_FDCWD, p.c_str(), times, symlink ? AT_SYMLINK_NOFOLLOW : 0) != 0) {
    throw std::runtime_error("utimensat " + p.string() + ": " + std::strerror(errno));
  }
}

std::string Octal(unsigned mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", mode);
  return buf;
}

}  // namespace

RunResult Run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
              const stdfs::path& cwd) {
  RunResult result;
  TempDir io("run");
  stdfs::path out_path = io.path() / "out";
  stdfs::path err_path = io.path() / "err";

  // Peers (xorriso, isoinfo, 7zz, Python) print non-ASCII names according to the locale, so
  // every child runs in UTF-8 whatever the caller's environment; `env` may override it.
  std::map<std::string, std::string> child_env = {{"LC_ALL", "C.UTF-8"}};
  for (const auto& [k, v] : env) child_env[k] = v;
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    std::string key = kv.substr(0, kv.find('='));
    if (child_env.count(key) == 0) env_strings.push_back(kv);
  }
  for (const auto& [k, v] : child_env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& s : args) argp.push_back(s.data());
  argp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    result.exit_code = 127;
    result.err = std::string("cannot run ") + argv[0] + ": " + std::strerror(rc);
    return result;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  result.out = ReadAll(out_path);
  result.err = ReadAll(err_path);
  return result;
}

bool HaveTool(const std::string& tool) {
  if (tool.find('/') != std::string::npos) return access(tool.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::stringstream ss(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (!dir.empty() && access((dir + "/" + tool).c_str(), X_OK) == 0) return true;
  }
  return false;
}

std::string MissingTools() {
  std::vector<std::string> missing;
  for (const char* tool : {"xorriso", "isoinfo", "7zz"}) {
    if (!HaveTool(tool)) missing.push_back(tool);
  }
  if (!HaveTool("/usr/bin/python3")) {
    missing.push_back("/usr/bin/python3");
  } else if (Run({"/usr/bin/python3", "-c", "import pycdlib"}).exit_code != 0) {
    missing.push_back("python3-pycdlib");
  }
  std::string joined;
  for (const auto& m : missing) joined += (joined.empty() ? "" : ", ") + m;
  return joined;
}

std::string MkimgPath() { return std::string(MKIMG_BINARY_DIR) + "/mkimg/mkimg"; }

bool MkimgCanBuild() {
  static const bool can = Run({MkimgPath(), "build", "--help"}).exit_code == 0;
  return can;
}

std::string JsonQuote(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

TempDir::TempDir(const std::string& tag) {
  const char* base = std::getenv("TMPDIR");
  std::string templ =
      std::string(base != nullptr ? base : "/tmp") + "/mkimg-e2e-" + tag + ".XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + templ + ": " + std::strerror(errno));
  }
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  stdfs::remove_all(path_, ec);
}

Case::Case(const std::string& name) : tmp_(name) { stdfs::create_directory(src()); }

void Case::HostDir(const std::string& rel, unsigned mode) {
  stdfs::path p = src() / rel;
  stdfs::create_directories(p);
  chmod(p.c_str(), mode);
}

void Case::HostFile(const std::string& rel, const std::string& content, unsigned mode) {
  stdfs::path p = src() / rel;
  stdfs::create_directories(p.parent_path());
  WriteAll(p, content);
  chmod(p.c_str(), mode);
  SetMtime(p, kHostTime, false);
}

void Case::HostSymlink(const std::string& rel, const std::string& target) {
  stdfs::path p = src() / rel;
  stdfs::create_directories(p.parent_path());
  stdfs::create_symlink(target, p);
  SetMtime(p, kHostTime, true);
}

void Case::HostSparse(const std::string& rel, std::uint64_t size,
                      const std::vector<std::pair<std::uint64_t, std::string>>& data) {
  stdfs::path p = src() / rel;
  stdfs::create_directories(p.parent_path());
  int fd = open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("open " + p.string());
  for (const auto& [offset, bytes] : data) {
    if (pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset)) !=
        static_cast<ssize_t>(bytes.size())) {
      close(fd);
      throw std::runtime_error("pwrite " + p.string());
    }
  }
  if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
    close(fd);
    throw std::runtime_error("ftruncate " + p.string());
  }
  close(fd);
  SetMtime(p, kHostTime, false);
}

void Case::HostHardLink(const std::string& existing, const std::string& rel) {
  stdfs::create_hard_link(src() / existing, src() / rel);
}

void Case::PinFolderTimes() {
  std::vector<stdfs::path> dirs;
  for (auto it = stdfs::recursive_directory_iterator(src()); it != stdfs::end(it); ++it) {
    if (it->is_directory() && !it->is_symlink()) dirs.push_back(it->path());
  }
  for (const auto& d : dirs) SetMtime(d, kHostTime, false);
}

void Case::ExpectHostTree(bool host_owners) {
  PinFolderTimes();
  for (const std::string& rel : ListTree(src())) {
    stdfs::path host = src() / rel;
    struct stat st;
    if (lstat(host.c_str(), &st) != 0) throw std::runtime_error("lstat " + host.string());
    std::string e = "{\"path\": " + JsonQuote("/" + rel);
    if (S_ISLNK(st.st_mode)) {
      e += ", \"type\": \"symlink\", \"target\": " + JsonQuote(stdfs::read_symlink(host));
    } else if (S_ISDIR(st.st_mode)) {
      e += ", \"type\": \"dir\", \"mode\": \"" + Octal(st.st_mode & 07777) + "\"";
    } else {
      e += ", \"type\": \"file\", \"size\": " + std::to_string(st.st_size) +
           ", \"content_from\": " + JsonQuote(host.string()) + ", \"mode\": \"" +
           Octal(st.st_mode & 07777) + "\"";
    }
    std::int64_t mtime = st.st_mtim.tv_sec;
    if (!host_owners) mtime = std::min<std::int64_t>(mtime, kVolumeTime);
    // xorriso records a symlink's mtime as the time it was added, not the host's.
    if (S_ISREG(st.st_mode) || (S_ISLNK(st.st_mode) && !host_owners)) {
      e += ", \"mtime\": " + std::to_string(mtime);
    }
    e += ", \"uid\": " + std::to_string(host_owners ? st.st_uid : 0) +
         ", \"gid\": " + std::to_string(host_owners ? st.st_gid : 0) + "}";
    expect_.push_back(e);
  }
}

std::string Case::ManifestJson() const {
  std::string m = "{\n  \"mkimg\": 1,\n";
  std::map<std::string, std::string> keys = keys_;
  if (keys.count("volume") == 0) {
    keys["volume"] = "{\"id\": \"E2E_TEST\", \"timestamp\": \"2026-01-01T00:00:00Z\"}";
  }
  for (const auto& [k, v] : keys) m += "  " + JsonQuote(k) + ": " + v + ",\n";
  m += "  \"contents\": [\n";
  std::vector<std::string> items;
  if (import_source_) items.push_back("{\"source\": \"src/\", \"target\": \"/\"}");
  items.insert(items.end(), entries_.begin(), entries_.end());
  for (size_t i = 0; i < items.size(); ++i) {
    m += "    " + items[i] + (i + 1 < items.size() ? ",\n" : "\n");
  }
  m += "  ]\n}\n";
  return m;
}

stdfs::path Case::WriteManifest() const {
  stdfs::path p = dir() / "manifest.json";
  WriteAll(p, ManifestJson());
  return p;
}

stdfs::path Case::WriteExpected() const {
  std::string j = "{\n";
  std::map<std::string, std::string> keys = expect_keys_;
  if (keys.count("filesystems") == 0) {
    keys["filesystems"] = "{\"rockridge\": true, \"joliet\": true}";
  }
  for (const auto& [k, v] : keys) j += "  " + JsonQuote(k) + ": " + v + ",\n";
  j += "  \"entries\": [\n";
  for (size_t i = 0; i < expect_.size(); ++i) {
    j += "    " + expect_[i] + (i + 1 < expect_.size() ? ",\n" : "\n");
  }
  j += "  ]\n}\n";
  stdfs::path p = dir() / "expected.json";
  WriteAll(p, j);
  return p;
}

RunResult Case::Build(const std::vector<std::string>& extra,
                      const std::map<std::string, std::string>& env) const {
  std::vector<std::string> argv = {MkimgPath(), "build", WriteManifest().string(), "-o",
                                   image().string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return Run(argv, env);
}

std::optional<stdfs::path> Case::BuildReference() const {
  stdfs::path ref = dir() / "ref.iso";
  RunResult r = Run({"xorriso", "-as", "mkisofs", "-quiet", "-iso-level", "3", "-R", "-J", "-o",
                     ref.string(), src().string()});
  if (r.exit_code != 0) return std::nullopt;
  return ref;
}

RunResult Case::Check(const stdfs::path& image, const std::string& writer,
                      const std::vector<std::string>& extra) const {
  std::vector<std::string> argv = {"/usr/bin/python3",
                                   std::string(MKIMG_SOURCE_DIR) + "/tests/tools/check_image.py",
                                   "--writer", writer};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(image.string());
  argv.push_back(WriteExpected().string());
  return Run(argv);
}

std::vector<std::string> ListTree(const stdfs::path& root) {
  std::vector<std::string> out;
  if (!stdfs::exists(root)) return out;
  for (auto it = stdfs::recursive_directory_iterator(root); it != stdfs::end(it); ++it) {
    out.push_back(it->path().lexically_relative(root).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace e2e

// `mkimg ls` (README.md, "Using mkimg") on images mastered by independent writers (xorriso,
// genisoimage with UDF) from one host tree. Every `ls -l` line must describe the host
// entry at its path: type, permission bits, owner, size or link target, and mtime to the
// minute in UTC; nothing may be missing or extra; the listing is depth first with each
// directory right before its contents; a PATH lists a subtree or one file; a PATH that is
// not there is exit 2 with one line. The Rock Ridge and Joliet listings stream; the UDF
// one walks a tree, so both paths of the command are covered.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/harness.h"
#include "tests/missing_tool.h"

namespace e2e {
namespace {

namespace stdfs = std::filesystem;

struct Line {
  std::string mode, uid, gid, size, time, path, target;
};

std::vector<Line> ParseLong(const std::string& out) {
  std::vector<Line> lines;
  std::istringstream in(out);
  std::string text;
  while (std::getline(in, text)) {
    std::istringstream f(text);
    Line l;
    std::string links, date, clock;
    f >> l.mode >> links >> l.uid >> l.gid >> l.size >> date >> clock;
    l.time = date + " " + clock;
    std::string rest;
    std::getline(f, rest);
    EXPECT_FALSE(rest.empty()) << text;
    if (!rest.empty()) rest.erase(0, 1);
    const auto arrow = rest.find(" -> ");
    if (l.mode[0] == 'l' && arrow != std::string::npos) {
      l.target = rest.substr(arrow + 4);
      rest.resize(arrow);
    }
    l.path = rest;
    lines.push_back(l);
  }
  return lines;
}

std::string ModeString(const struct stat& st) {
  std::string m = S_ISDIR(st.st_mode) ? "d" : S_ISLNK(st.st_mode) ? "l" : "-";
  const char* rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i) m.push_back((st.st_mode & (0400u >> i)) ? rwx[i] : '-');
  return m;
}

std::string MinuteUtc(std::time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

class Ls : public ::testing::Test {
 protected:
  void SetUp() override {
    c_.HostFile("a.txt", "alpha\n", 0640);
    c_.HostFile("sub/with space.txt", "two words\n");
    c_.HostFile("sub/deeper/caf\xC3\xA9.txt", "z", 0600);
    c_.HostFile("sub/deeper/run.sh", "#!/bin/sh\n", 0755);
    c_.HostFile("z/last.bin", std::string(70000, 'q'));
    c_.HostSymlink("sub/link", "../a.txt");
    c_.HostDir("empty", 0700);
    c_.PinFolderTimes();
    // Owners that differ from each other and from the user, where the test may set them.
    if (geteuid() == 0) {
      for (const char* p : {"sub", "sub/link", "sub/deeper/run.sh"}) {
        ASSERT_EQ(lchown((c_.src() / p).c_str(), 1234, 5678), 0) << p;
      }
    }
  }

  // The host tree, path -> lstat.
  std::map<std::string, struct stat> Host() const {
    std::map<std::string, struct stat> out;
    for (auto it = stdfs::recursive_directory_iterator(c_.src());
         it != stdfs::recursive_directory_iterator(); ++it) {
      struct stat st;
      EXPECT_EQ(lstat(it->path().c_str(), &st), 0);
      out["/" + it->path().lexically_relative(c_.src()).string()] = st;
    }
    return out;
  }

  // The paths a listing shows, in listing order, against the host tree's: empty when the
  // listing names every host entry exactly once (compared as sorted lists, so a line listed
  // twice cannot stand in for a missing one), else what differs.
  static std::string PathDifference(const std::vector<Line>& lines,
                                    const std::map<std::string, struct stat>& host) {
    std::vector<std::string> listed;
    for (const Line& l : lines) listed.push_back(l.path);
    std::sort(listed.begin(), listed.end());
    std::vector<std::string> want;
    for (const auto& [path, st] : host) want.push_back(path);
    if (listed == want) return "";
    std::string diff;
    std::vector<std::string> extra, missing;
    std::set_difference(listed.begin(), listed.end(), want.begin(), want.end(),
                        std::back_inserter(extra));
    std::set_difference(want.begin(), want.end(), listed.begin(), listed.end(),
                        std::back_inserter(missing));
    for (const std::string& p : extra) diff += "listed but not on the host (or twice): " + p + "\n";
    for (const std::string& p : missing) diff += "on the host but not listed: " + p + "\n";
    return diff;
  }

  // `mkimg ls -l` must list exactly the host tree, each line matching its entry.
  // `udf_from_genisoimage`: genisoimage's UDF records fixed r-x modes, owner 0 and
  // symlinks as empty files (its documented limits), so only names, sizes and times count.
  void ExpectListsHost(const stdfs::path& image, const std::string& ns,
                       bool udf_from_genisoimage = false) {
    RunResult r = e2e::Run({MkimgPath(), "ls", image.string(), "-l", "--fs", ns});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto host = Host();
    std::vector<Line> lines = ParseLong(r.out);
    ASSERT_EQ(PathDifference(lines, host), "") << r.out;
    std::vector<std::string> open_dirs{""};  // the directories the listing is inside
    for (const Line& l : lines) {
      SCOPED_TRACE(ns + " " + l.path);
      auto it = host.find(l.path);
      ASSERT_NE(it, host.end());
      const struct stat& st = it->second;
      // Depth first: each entry's parent is the innermost open directory or an ancestor.
      const std::string parent = l.path.substr(0, l.path.rfind('/'));
      while (!open_dirs.empty() && open_dirs.back() != parent) open_dirs.pop_back();
      ASSERT_FALSE(open_dirs.empty()) << "listed outside its parent";
      if (S_ISDIR(st.st_mode)) open_dirs.push_back(l.path);
      EXPECT_EQ(l.time, MinuteUtc(st.st_mtim.tv_sec));
      if (udf_from_genisoimage) {
        EXPECT_EQ(l.mode[0], S_ISDIR(st.st_mode) ? 'd' : '-');
        if (S_ISREG(st.st_mode)) {
          EXPECT_EQ(l.size, std::to_string(st.st_size));
        }
        continue;
      }
      EXPECT_EQ(l.mode, ModeString(st));
      EXPECT_EQ(l.uid, std::to_string(st.st_uid));
      EXPECT_EQ(l.gid, std::to_string(st.st_gid));
      if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
        EXPECT_EQ(l.size, std::to_string(st.st_size));
      }
      if (S_ISLNK(st.st_mode)) {
        EXPECT_EQ(l.target, stdfs::read_symlink(c_.src() / l.path.substr(1)).string());
      }
    }
  }

  Case c_{"ls"};
};

TEST_F(Ls, XorrisoRockRidgeAndJoliet) {
  if (!HaveTool("xorriso")) MKIMG_MISSING_TOOL() << "needs xorriso";
  auto image = c_.BuildReference();
  ASSERT_TRUE(image);
  ExpectListsHost(*image, "rockridge");
  // Joliet has no owners, modes or symlinks (xorriso leaves links out): names and sizes.
  RunResult j = e2e::Run({MkimgPath(), "ls", image->string(), "--fs", "joliet"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  std::string want;
  for (const char* p : {"/a.txt", "/empty", "/sub", "/sub/deeper", "/sub/deeper/caf\xC3\xA9.txt",
                        "/sub/deeper/run.sh", "/sub/with space.txt", "/z", "/z/last.bin"}) {
    want += std::string(p) + "\n";
  }
  EXPECT_EQ(j.out, want);
}

// The comparison itself: a real listing passes; the same listing with one line replaced
// by a copy of another (same line count, every line a host entry) must not.
TEST_F(Ls, PathComparisonRejectsADuplicatedLineInPlaceOfAMissingOne) {
  if (!HaveTool("xorriso")) MKIMG_MISSING_TOOL() << "needs xorriso";
  auto image = c_.BuildReference();
  ASSERT_TRUE(image);
  RunResult r = e2e::Run({MkimgPath(), "ls", image->string(), "-l", "--fs", "rockridge"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<Line> lines = ParseLong(r.out);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(PathDifference(lines, Host()), "");
  const std::string dropped = lines.back().path;
  lines.back() = lines.front();
  ASSERT_EQ(lines.size(), Host().size());
  std::string diff = PathDifference(lines, Host());
  EXPECT_NE(diff.find("on the host but not listed: " + dropped), std::string::npos) << diff;
  EXPECT_NE(diff.find("(or twice): " + lines.front().path), std::string::npos) << diff;
}

TEST_F(Ls, GenisoimageRockRidgeAndUdf) {
  if (!HaveTool("genisoimage")) MKIMG_MISSING_TOOL() << "needs genisoimage";
  const stdfs::path image = c_.dir() / "g.iso";
  RunResult g = e2e::Run(
      {"genisoimage", "-quiet", "-R", "-J", "-udf", "-o", image.string(), c_.src().string()});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  ExpectListsHost(image, "rockridge");
  ExpectListsHost(image, "udf", /*udf_from_genisoimage=*/true);
}

TEST_F(Ls, PathListsASubtreeOrOneFile) {
  if (!HaveTool("xorriso")) MKIMG_MISSING_TOOL() << "needs xorriso";
  auto image = c_.BuildReference();
  ASSERT_TRUE(image);
  RunResult sub = e2e::Run({MkimgPath(), "ls", image->string(), "/sub/"});
  ASSERT_EQ(sub.exit_code, 0) << sub.err;
  EXPECT_EQ(sub.out,
            "/sub/deeper\n/sub/deeper/caf\xC3\xA9.txt\n/sub/deeper/run.sh\n/sub/link\n"
            "/sub/with space.txt\n");
  RunResult file = e2e::Run({MkimgPath(), "ls", image->string(), "sub/deeper/run.sh", "-l"});
  ASSERT_EQ(file.exit_code, 0) << file.err;
  ASSERT_EQ(ParseLong(file.out).size(), 1u) << file.out;
  EXPECT_EQ(ParseLong(file.out)[0].mode, "-rwxr-xr-x");
  EXPECT_EQ(ParseLong(file.out)[0].path, "/sub/deeper/run.sh");
  for (const char* missing : {"/nope", "/a.txt/x"}) {
    RunResult m = e2e::Run({MkimgPath(), "ls", image->string(), missing});
    EXPECT_EQ(m.exit_code, 2) << missing;
    EXPECT_EQ(m.out, "");
    EXPECT_EQ(std::count(m.err.begin(), m.err.end(), '\n'), 1) << m.err;
    EXPECT_EQ(m.err.rfind("mkimg: ", 0), 0u) << m.err;
  }
}

}  // namespace
}  // namespace e2e

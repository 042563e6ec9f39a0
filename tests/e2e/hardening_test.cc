// Hardening (issue "Hardening"): special files given as IMAGE are refused at once, every
// error is exactly one line whatever the names in it hold, NUL is refused in names and
// link targets, and no output ever replaces one of the command's inputs.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/harness.h"

namespace e2e {
namespace {

namespace stdfs = std::filesystem;

void WriteAll(const stdfs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// Exit status 2 and exactly one stderr line "mkimg: ..." holding `text`.
void ExpectOneLine(const RunResult& r, const std::string& text) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.back(), '\n') << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "more than one line:\n" << r.err;
  EXPECT_EQ(r.err.rfind("mkimg: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
}

TEST(Hardening, FifoAsImageIsRefusedAtOnce) {
  TempDir dir("fifo-image");
  const std::string fifo = (dir.path() / "pipe").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  // `timeout` turns a blocked open() into exit 124 instead of a hung test.
  for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
           {"info", fifo}, {"ls", "-l", fifo}, {"verify", fifo}}) {
    std::vector<std::string> argv{"timeout", "10", MkimgPath()};
    argv.insert(argv.end(), cmd.begin(), cmd.end());
    RunResult r = e2e::Run(argv);
    ExpectOneLine(r, fifo + ": not a regular file or block device");
  }
}

struct ForgeryCase {
  const char* name;
  const char* entries;  // items of "contents", JSON
  const char* expect;   // in the one line
};

const ForgeryCase kForgeries[] = {
    {"NewlineInSource", R"({"source": "nope\nmkimg: fake: injected", "target": "/a"})",
     "nope\\nmkimg: fake: injected"},
    // A newline is a legal name; the error naming it (an entry inside a file) must not
    // become two lines.
    {"NewlineInTarget", R"({"text": "x", "target": "/a\nmkimg: fake: injected"},
                           {"text": "y", "target": "/a\nmkimg: fake: injected/b"})",
     "/a\\nmkimg: fake: injected"},
    {"NulInKey", R"({"text": "x", "target": "/a", "mo\u0000de": "0644"})", "mo\\x00de"},
    {"NulInTarget", R"({"text": "x", "target": "/a\u0000mkimg: fake: injected"})",
     "target: must not contain NUL"},
    {"NulInSource", R"({"source": "nope\u0000mkimg: fake: injected", "target": "/a"})",
     "source: must not contain NUL"},
    {"NulInSymlinkTarget", R"({"symlink": "etc\u0000passwd", "target": "/l"})",
     "symlink: must not contain NUL"},
};

class Forgery : public ::testing::TestWithParam<ForgeryCase> {};

TEST_P(Forgery, ErrorIsOneLineAndExitsTwo) {
  TempDir dir("forgery");
  const stdfs::path manifest = dir.path() / "m.json";
  WriteAll(manifest, std::string(R"({"mkimg": 1, "contents": [)") + GetParam().entries + "]}");
  RunResult r =
      e2e::Run({MkimgPath(), "build", manifest.string(), "-o", (dir.path() / "out.iso").string()});
  ExpectOneLine(r, "m.json:");
  // The name is shown escaped, whole: neither a second line nor cut at a NUL.
  EXPECT_NE(r.err.find(GetParam().expect), std::string::npos) << r.err;
  EXPECT_FALSE(stdfs::exists(dir.path() / "out.iso"));
}

INSTANTIATE_TEST_SUITE_P(Manifest, Forgery, ::testing::ValuesIn(kForgeries),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace e2e

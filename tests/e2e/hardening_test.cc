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

}  // namespace
}  // namespace e2e

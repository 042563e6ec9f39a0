// Every example in README.md and in `mkimg help CMD` runs as written. The README's ```sh
// blocks run in order in one scratch folder holding the README's ```json manifest as
// manifest.json and a small rootfs/; the help examples (lines starting "  $ ") run in a
// folder holding the same files plus notes.txt. `mkimg` is the built binary, first in
// PATH. The two ```sh blocks that run scripts/ (setup, full build, every test) are what
// CI itself runs (.ci/run and the main job), so they are not run again from inside ctest.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/harness.h"
#include "tests/missing_tool.h"

namespace e2e {
namespace {

namespace stdfs = std::filesystem;

std::string ReadFile(const stdfs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const stdfs::path& p, const std::string& data) {
  stdfs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << data;
}

struct Block {
  std::string language;
  std::string text;
};

// The fenced blocks of a Markdown text.
std::vector<Block> FencedBlocks(const std::string& markdown) {
  std::vector<Block> blocks;
  std::istringstream in(markdown);
  std::string line;
  Block* open = nullptr;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      if (open == nullptr) {
        blocks.push_back({line.substr(3), ""});
        open = &blocks.back();
      } else {
        open = nullptr;
      }
    } else if (open != nullptr) {
      open->text += line + "\n";
    }
  }
  return blocks;
}

// A scratch folder with `mkimg` first in PATH, the README's manifest and a rootfs/.
class Examples : public ::testing::Test {
 protected:
  void SetUp() override {
    stdfs::create_directory(tmp_.path() / "bin");
    stdfs::create_symlink(MkimgPath(), tmp_.path() / "bin" / "mkimg");
    work_ = tmp_.path() / "work";
    for (const Block& b : FencedBlocks(ReadFile(std::string(MKIMG_SOURCE_DIR) + "/README.md"))) {
      if (b.language == "json") WriteFile(work_ / "manifest.json", b.text);
    }
    ASSERT_TRUE(stdfs::exists(work_ / "manifest.json")) << "README.md has no ```json manifest";
    WriteFile(work_ / "rootfs" / "docs" / "README.txt", "read me\n");
    WriteFile(work_ / "rootfs" / "bin" / "tool", "#!/bin/sh\n");
    stdfs::create_directory(work_ / "rootfs" / "releases");
    WriteFile(work_ / "notes.txt", "notes\n");
  }

  RunResult Shell(const std::string& script) {
    const char* path = std::getenv("PATH");
    return e2e::Run(
        {"/bin/bash", "-euo", "pipefail", "-c", script},
        {{"PATH", (tmp_.path() / "bin").string() + ":" + (path ? path : "/usr/bin:/bin")},
         {"SOURCE_DATE_EPOCH", std::to_string(kVolumeTime)}},
        work_);
  }

  TempDir tmp_{"examples"};
  stdfs::path work_;
};

TEST_F(Examples, ReadmeShellBlocksRunAsWritten) {
  if (!HaveTool("xorriso")) MKIMG_MISSING_TOOL() << "the emu run example needs xorriso";
  const auto blocks = FencedBlocks(ReadFile(std::string(MKIMG_SOURCE_DIR) + "/README.md"));
  int run = 0;
  for (const Block& b : blocks) {
    if (b.language != "sh") continue;
    if (b.text.rfind("scripts/", 0) == 0) continue;  // CI's own commands, see the top
    RunResult r = Shell(b.text);
    EXPECT_EQ(r.exit_code, 0) << b.text << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err;
    ++run;
  }
  EXPECT_GE(run, 3) << "README.md should show mkimg in ```sh blocks";
}

TEST_F(Examples, HelpExamplesRunAsWritten) {
  if (!HaveTool("xorriso")) MKIMG_MISSING_TOOL() << "the emu example needs xorriso";
  int run = 0;
  for (const char* command : {"build", "schema", "info", "ls", "extract", "verify", "emu"}) {
    RunResult help = e2e::Run({MkimgPath(), "help", command});
    ASSERT_EQ(help.exit_code, 0) << command << ": " << help.err;
    EXPECT_NE(help.out.find("Exit status:"), std::string::npos) << help.out;
    std::istringstream in(help.out);
    std::string line;
    int here = 0;
    while (std::getline(in, line)) {
      if (line.rfind("  $ ", 0) != 0) continue;
      RunResult r = Shell(line.substr(4));
      EXPECT_EQ(r.exit_code, 0) << line << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err;
      ++here;
    }
    EXPECT_GE(here, 1) << "`mkimg help " << command << "` shows no example";
    run += here;
  }
  EXPECT_GE(run, 10);
}

}  // namespace
}  // namespace e2e

// The command line's first contact (issue 17): the image alone on stdout with `-o -`,
// verify's size checks, builds from folders and from stdin, help, version and "did you
// mean", warnings summarised per kind, escaped names, and output that does not depend on
// the locale or time zone.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
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

void Append(const stdfs::path& p, std::size_t n) {
  std::ofstream(p, std::ios::binary | std::ios::app) << std::string(n, 'x');
}

int Lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

RunResult Mkimg(const std::vector<std::string>& args, const stdfs::path& cwd = {},
                const std::map<std::string, std::string>& env = {}) {
  std::vector<std::string> argv = {MkimgPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv, env, cwd);
}

RunResult Shell(const std::string& script, const stdfs::path& cwd) {
  return e2e::Run({"/bin/bash", "-euo", "pipefail", "-c", script},
                  {{"MKIMG", MkimgPath()}, {"SOURCE_DATE_EPOCH", std::to_string(kVolumeTime)}},
                  cwd);
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    c_.HostFile("a.txt", "alpha\n");
    c_.HostFile("docs/b.txt", std::string(5000, 'b'));
  }
  Case c_{"cli"};
};

TEST_F(Cli, StdoutCarriesTheImageAloneAndTheSummaryGoesToStderr) {
  c_.WriteManifest();
  ASSERT_EQ(c_.Build().exit_code, 0);
  RunResult r =
      Shell("\"$MKIMG\" build manifest.json -o - --json > piped.iso 2> summary.json", c_.dir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(c_.dir() / "piped.iso"), ReadFile(c_.image()));
  const std::string summary = ReadFile(c_.dir() / "summary.json");
  EXPECT_NE(summary.find("\"bytes\": " + std::to_string(stdfs::file_size(c_.image()))),
            std::string::npos)
      << summary;
  EXPECT_EQ(Mkimg({"verify", (c_.dir() / "piped.iso").string()}).exit_code, 0);
}

TEST_F(Cli, VerifyReportsPartialSectorsAndTrailingBytes) {
  ASSERT_EQ(c_.Build().exit_code, 0);
  const stdfs::path image = c_.image();
  RunResult ok = Mkimg({"verify", image.string()});
  ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;

  Append(image, 100);
  RunResult partial = Mkimg({"verify", image.string()});
  EXPECT_EQ(partial.exit_code, 1);
  EXPECT_NE(partial.out.find("not a whole number of 2048-byte sectors"), std::string::npos)
      << partial.out;
  EXPECT_EQ(partial.out.find("trailing bytes"), std::string::npos) << partial.out;
  EXPECT_NE(partial.out.find("1 problem found"), std::string::npos) << partial.out;

  Append(image, 2048 - 100);
  RunResult trailing = Mkimg({"verify", image.string()});
  EXPECT_EQ(trailing.exit_code, 1);
  EXPECT_NE(trailing.out.find("2048 trailing bytes after the end of the volume"), std::string::npos)
      << trailing.out;
  EXPECT_NE(trailing.out.find("1 problem found"), std::string::npos) << trailing.out;

  Append(image, 7);
  RunResult both = Mkimg({"verify", image.string()});
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_NE(both.out.find("2 problems found"), std::string::npos) << both.out;
}

TEST_F(Cli, BuildsFromFoldersWithoutAManifest) {
  const stdfs::path image = c_.dir() / "folders.iso";
  RunResult r = Mkimg(
      {"build", "-o", image.string(), "--volume-id", "FOLDERS", "src", "src/a.txt=/extra/copy.txt"},
      c_.dir(), {{"SOURCE_DATE_EPOCH", std::to_string(kVolumeTime)}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RunResult ls = Mkimg({"ls", image.string()});
  EXPECT_EQ(ls.out, "/a.txt\n/docs\n/docs/b.txt\n/extra\n/extra/copy.txt\n");
  RunResult info = Mkimg({"info", image.string()});
  EXPECT_NE(info.out.find("FOLDERS"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("joliet"), std::string::npos) << info.out;
  EXPECT_EQ(Mkimg({"verify", image.string()}).exit_code, 0);

  RunResult plain = Mkimg({"build", "-o", image.string(), "--no-joliet", "--no-rock-ridge",
                           "--level", "2", (c_.dir() / "src").string()});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  RunResult info2 = Mkimg({"info", image.string()});
  EXPECT_NE(info2.out.find("file systems: iso9660\n"), std::string::npos) << info2.out;
  // The default volume identifier is the one the schema documents.
  EXPECT_NE(info2.out.find("CDROM"), std::string::npos) << info2.out;
  EXPECT_NE(ReadFile(std::string(MKIMG_SOURCE_DIR) + "/specs/manifest.schema.json")
                .find("Default CDROM."),
            std::string::npos);
}

TEST_F(Cli, FolderInputsAndSwitchesAreChecked) {
  RunResult file = Mkimg({"build", "-o", "x.iso", "src/a.txt", "src"}, c_.dir());
  EXPECT_EQ(file.exit_code, 2);
  EXPECT_EQ(Lines(file.err), 1) << file.err;
  EXPECT_NE(file.err.find("mkimg: src/a.txt: not a folder"), std::string::npos) << file.err;
  RunResult no_output = Mkimg({"build", "src"}, c_.dir());
  EXPECT_EQ(no_output.exit_code, 2);
  EXPECT_NE(no_output.err.find("mkimg: -o: "), std::string::npos) << no_output.err;
  c_.WriteManifest();
  RunResult switches = Mkimg({"build", "manifest.json", "--no-joliet"}, c_.dir());
  EXPECT_EQ(switches.exit_code, 2);
  EXPECT_NE(switches.err.find("mkimg: --no-joliet: applies when building from folders"),
            std::string::npos)
      << switches.err;
}

TEST_F(Cli, ReadsTheManifestFromStdinWithPathsAgainstTheCurrentFolder) {
  c_.ManifestKey("$schema", "\"https://mkimg.invalid/schema/manifest-1.json\"");
  c_.WriteManifest();
  ASSERT_EQ(c_.Build().exit_code, 0);
  RunResult r = Shell("\"$MKIMG\" build - -o stdin.iso < manifest.json", c_.dir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(c_.dir() / "stdin.iso"), ReadFile(c_.image()));
  RunResult schema = Mkimg({"schema"});
  EXPECT_NE(schema.out.find("\"$id\": "), std::string::npos);
  EXPECT_NE(schema.out.find("\"$schema\": { \"type\": \"string\""), std::string::npos);
}

TEST(CliHelp, SuggestsCommandsAndOptions) {
  RunResult r = Mkimg({"buld"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "mkimg: unknown command \"buld\"; did you mean \"build\"?\n");
  RunResult o = Mkimg({"build", "--jsn", "m.json"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err, "mkimg: unknown option \"--jsn\"; did you mean \"--json\"?\n");
  RunResult e = Mkimg({"emu", "nwe", "dvd+r", "x.emu"});
  EXPECT_EQ(e.exit_code, 2);
  EXPECT_EQ(e.err, "mkimg: unknown command \"nwe\"; did you mean \"new\"?\n");
  RunResult far = Mkimg({"zzzzzzzz"});
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_EQ(far.err, "mkimg: unknown command \"zzzzzzzz\" (see mkimg --help)\n");
}

TEST(CliHelp, HelpAndVersion) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"version"}, std::vector<std::string>{"--version"}}) {
    RunResult v = Mkimg(args);
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_EQ(v.out, "mkimg 0.1.0\n");
  }
  RunResult top = Mkimg({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("Exit status:"), std::string::npos);
  EXPECT_EQ(top.out.find("MMC burning"), std::string::npos) << top.out;
  RunResult build = Mkimg({"help", "build"});
  EXPECT_EQ(build.exit_code, 0);
  EXPECT_EQ(build.out, Mkimg({"build", "--help"}).out);
  EXPECT_NE(build.out.find("Examples:"), std::string::npos);
  EXPECT_EQ(build.out.find("bin-cue"), std::string::npos) << build.out;
  // Raw CDs (specs/rawcd.md) are written: --cue-mode is offered; --format bin-cue is not.
  EXPECT_NE(build.out.find("--cue-mode"), std::string::npos) << build.out;
  EXPECT_EQ(build.out.find("--udf"), std::string::npos) << build.out;
  EXPECT_NE(build.out.find("UDF"), std::string::npos) << build.out;
  RunResult run = Mkimg({"help", "emu", "run"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("--drive"), std::string::npos);
  EXPECT_EQ(Mkimg({"help", "bulid"}).err,
            "mkimg: unknown command \"bulid\"; did you mean \"build\"?\n");
  EXPECT_EQ(Mkimg({"build", "--format", "bin-cue", "x.json"}).exit_code, 2);
}

TEST_F(Cli, WarningsOfOneKindAreSummarised) {
  for (int i = 0; i < 12; ++i) c_.HostSymlink("links/l" + std::to_string(i), "../a.txt");
  c_.HostSymlink("one", "a.txt");
  RunResult r = c_.Build();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Lines(r.err), 2) << r.err;  // the summary and the "wrote" line
  EXPECT_NE(r.err.find("mkimg: warning: 13 entries: symbolic link left out of the Joliet tree"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("--verbose lists them"), std::string::npos) << r.err;

  RunResult verbose = c_.Build({"--verbose"});
  EXPECT_EQ(Lines(verbose.err), 14) << verbose.err;
  EXPECT_NE(verbose.err.find("mkimg: /links/l7: warning: symbolic link left out"),
            std::string::npos)
      << verbose.err;

  RunResult quiet = c_.Build({"--quiet"});
  EXPECT_EQ(quiet.err, "mkimg: warning: 13 warnings (run without --quiet to see them)\n");

  RunResult json = c_.Build({"--json", "--quiet"});
  std::size_t listed = 0;
  for (std::size_t at = 0; (at = json.out.find("\"where\": ", at)) != std::string::npos; ++at) {
    ++listed;
  }
  EXPECT_EQ(listed, 13u) << json.out;
}

TEST_F(Cli, FewWarningsAreListed) {
  c_.HostSymlink("one", "a.txt");
  RunResult r = c_.Build();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("mkimg: /one: warning: symbolic link left out of the Joliet tree"),
            std::string::npos)
      << r.err;
}

TEST_F(Cli, SameBytesAndOutputInAnyLocaleAndTimeZone) {
  c_.HostFile("caf\xC3\xA9/na\xC3\xAFve \xE2\x82\xAC.txt", "euro\n");
  c_.WriteManifest();
  std::string image, listing;
  for (const auto& env : std::vector<std::map<std::string, std::string>>{
           {{"LC_ALL", "C"}, {"TZ", "UTC"}},
           {{"LC_ALL", "C.UTF-8"}, {"TZ", "Pacific/Chatham"}},
           {{"LC_ALL", "POSIX"}, {"TZ", "America/St_Johns"}, {"LANG", "de_DE.UTF-8"}}}) {
    RunResult b = c_.Build({}, env);
    ASSERT_EQ(b.exit_code, 0) << b.err;
    RunResult ls = Mkimg({"ls", "-l", c_.image().string()}, {}, env);
    ASSERT_EQ(ls.exit_code, 0) << ls.err;
    if (image.empty()) {
      image = ReadFile(c_.image());
      listing = ls.out;
      EXPECT_NE(listing.find("/caf\xC3\xA9/na\xC3\xAFve \xE2\x82\xAC.txt"), std::string::npos)
          << listing;
    } else {
      EXPECT_EQ(ReadFile(c_.image()), image);
      EXPECT_EQ(ls.out, listing);
    }
  }
}

TEST(CliNames, NamesThatAreNotUtf8AreEscapedInListings) {
  if (!HaveTool("xorriso")) MKIMG_MISSING_TOOL() << "needs xorriso";
  Case c("badname");
  c.HostFile("ok.txt", "ok\n");
  c.HostFile("bad\xFF\nname", "bad\n");
  const stdfs::path image = c.dir() / "ref.iso";
  // In the C locale xorriso records the name's bytes as they are.
  RunResult x = e2e::Run(
      {"xorriso", "-as", "mkisofs", "-quiet", "-R", "-o", image.string(), c.src().string()},
      {{"LC_ALL", "C"}});
  ASSERT_EQ(x.exit_code, 0) << x.err;
  RunResult ls = Mkimg({"ls", image.string(), "--fs", "rockridge"});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_EQ(ls.out, "/bad\\xFF\\nname\n/ok.txt\n");
  RunResult l = Mkimg({"ls", "-l", image.string(), "--fs", "rockridge"});
  EXPECT_EQ(Lines(l.out), 2) << l.out;
  EXPECT_EQ(l.out.find('\xFF'), std::string::npos);
}

}  // namespace
}  // namespace e2e

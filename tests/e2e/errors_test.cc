// The CLI's contract for bad input (README.md, "Using mkimg", issue 2 item 6): `mkimg build` on an
// invalid manifest exits 2, prints exactly one stderr line `mkimg: WHERE: WHAT` whose WHERE
// is a JSON path with line:column or a host path, and leaves nothing in the output folder
// (no image, no temporary file).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <regex>
#include <string>
#include <vector>

#include "tests/e2e/harness.h"

namespace e2e {
namespace {

namespace stdfs = std::filesystem;

struct ErrorCase {
  const char* name;
  const char* manifest;  // the whole manifest text
  const char* pattern;   // an ECMAScript regex the stderr line must match
};

// Each manifest is written as manifest.json next to an empty out/ folder.
const ErrorCase kErrors[] = {
    {"BadJsonWithLineAndColumn", "{\n  \"mkimg\": 1,\n  \"contents\": [,]\n}\n",
     R"(manifest\.json:3:\d+)"},
    {"UnknownKeyWithHint", "{\"mkimg\": 1, \"contens\": []}", R"(did you mean.*contents)"},
    {"UnknownNestedKey", "{\"mkimg\": 1, \"volume\": {\"idd\": \"X\"}, \"contents\": []}",
     R"(\$\.volume.*did you mean.*\bid\b)"},
    {"IsoLevel7",
     "{\"mkimg\": 1, \"filesystems\": {\"iso9660\": {\"level\": 7}}, \"contents\": []}",
     R"(\$\.filesystems\.iso9660\.level)"},
    {"NegativeSize", "{\"mkimg\": 1, \"contents\": [{\"target\": \"/z\", \"size\": -1}]}",
     R"(\$\.contents\[0\]\.size)"},
    {"Mode0999",
     "{\"mkimg\": 1, \"contents\": [{\"target\": \"/t\", \"text\": \"x\", \"mode\": \"0999\"}]}",
     R"(\$\.contents\[0\]\.mode)"},
    {"TwoKindsInOneEntry",
     "{\"mkimg\": 1, \"contents\": [{\"target\": \"/t\", \"text\": \"x\", \"size\": 3}]}",
     R"(\$\.contents\[0\])"},
    {"MissingSource",
     "{\"mkimg\": 1, \"contents\": [{\"source\": \"no-such-folder/\", \"target\": \"/\"}]}",
     R"(no-such-folder)"},
    {"BadVolumeId", "{\"mkimg\": 1, \"volume\": {\"id\": \"not a d-string!\"}, \"contents\": []}",
     R"(\$\.volume\.id)"},
    {"TooBigForMedia",
     "{\"mkimg\": 1, \"media\": \"cd-r\", "
     "\"contents\": [{\"target\": \"/big\", \"size\": 1073741824}]}",
     R"(cd-r|capacity|fit)"},
    {"EntryInsideAFile",
     "{\"mkimg\": 1, \"contents\": [{\"target\": \"/a\", \"text\": \"file\"}, "
     "{\"target\": \"/a/b\", \"text\": \"inside a file\"}]}",
     R"(/a)"},
    {"DotDotComponent",
     "{\"mkimg\": 1, \"contents\": [{\"target\": \"/x/../y\", \"text\": \"z\"}]}",
     R"(\$\.contents\[0\]\.target)"},
    {"VersionTwo", "{\"mkimg\": 2, \"contents\": []}", R"(\$\.mkimg)"},
    {"NotAnObject", "[1, 2, 3]", R"(manifest\.json:1:1)"},
};

class ErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ErrorTest, ExitsTwoWithOneLineAndLeavesNothing) {
  ASSERT_TRUE(MkimgCanBuild()) << MkimgPath() << " build --help failed";
  const ErrorCase& ec = GetParam();
  TempDir dir("error");
  stdfs::create_directory(dir.path() / "out");
  {
    std::FILE* f = std::fopen((dir.path() / "manifest.json").c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs(ec.manifest, f);
    std::fclose(f);
  }
  RunResult r = e2e::Run({MkimgPath(), "build", (dir.path() / "manifest.json").string(), "-o",
                          (dir.path() / "out" / "image.iso").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.back(), '\n');
  std::string line = r.err.substr(0, r.err.size() - 1);
  EXPECT_EQ(line.find('\n'), std::string::npos) << "more than one line:\n" << r.err;
  EXPECT_EQ(line.rfind("mkimg: ", 0), 0u) << line;
  EXPECT_TRUE(std::regex_search(line, std::regex(ec.pattern)))
      << line << "\n  should match " << ec.pattern;
  EXPECT_EQ(ListTree(dir.path() / "out"), std::vector<std::string>{})
      << "a failed build left files behind";
}

std::string ErrorName(const ::testing::TestParamInfo<ErrorCase>& param_info) {
  return param_info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Manifest, ErrorTest, ::testing::ValuesIn(kErrors), ErrorName);

TEST(CliErrors, MissingManifestFile) {
  ASSERT_TRUE(MkimgCanBuild()) << MkimgPath() << " build --help failed";
  TempDir dir("error");
  RunResult r = e2e::Run({MkimgPath(), "build", (dir.path() / "absent.json").string(), "-o",
                          (dir.path() / "x.iso").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(std::regex_match(r.err, std::regex("mkimg: [^\n]*absent\\.json[^\n]*\n"))) << r.err;
  EXPECT_EQ(ListTree(dir.path()), std::vector<std::string>{});
}

TEST(CliWarnings, FifoInSourceFolderIsStoredAndJolietNamesWhatItLeavesOut) {
  // specs/manifest.md: FIFOs, sockets and devices in a source folder are stored (Rock
  // Ridge); Joliet cannot hold them and says so with a warning naming them.
  ASSERT_TRUE(MkimgCanBuild()) << MkimgPath() << " build --help failed";
  Case c("fifo");
  c.HostFile("plain.txt", "plain\n");
  ASSERT_EQ(mkfifo((c.src() / "pipe").c_str(), 0644), 0);
  RunResult r = c.Build();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("pipe"), std::string::npos) << "no warning naming the FIFO: " << r.err;
  EXPECT_NE(r.err.find("Joliet"), std::string::npos) << r.err;
  EXPECT_TRUE(stdfs::exists(c.image()));
}

}  // namespace
}  // namespace e2e

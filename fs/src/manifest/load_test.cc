// LoadManifestFile: a manifest file read from disk, its relative sources resolved against
// its own folder (not the working directory), SOURCE_DATE_EPOCH and "now" passed in, and
// every error naming the manifest file or the variable.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "fs/manifest.h"

namespace fs {
namespace {

namespace stdfs = std::filesystem;

class LoadManifestFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = stdfs::temp_directory_path() / ("mkimg-load-test-" + std::to_string(::getpid()));
    stdfs::remove_all(dir_);
    stdfs::create_directories(dir_ / "project/src");
    Write("project/src/alpha.txt", "aa");
  }
  void TearDown() override { stdfs::remove_all(dir_); }
  void Write(const std::string& rel, const std::string& data) { std::ofstream(dir_ / rel) << data; }
  std::string Path(const std::string& rel) const { return (dir_ / rel).string(); }
  stdfs::path dir_;
};

TEST_F(LoadManifestFileTest, RelativeSourcesResolveAgainstTheManifestsFolder) {
  Write("project/m.json",
        R"({"mkimg": 1, "contents": [{"source": "src/alpha.txt", "target": "/a.txt"},
                                      {"source": "src", "target": "/copy"}]})");
  LoadOptions options;
  options.now = 2000000000;
  auto r = LoadManifestFile(Path("project/m.json"), options, {});
  ASSERT_TRUE(r) << r.error().ToString();
  const Tree& t = r->tree;
  NodeId a = t.FindChild(t.root(), "a.txt");
  ASSERT_NE(a, kNoNode);
  EXPECT_EQ(t.HostPath(t.content(a)), Path("project/src/alpha.txt"));
  EXPECT_EQ(t.content(a).size, 2u);
  NodeId copy = t.FindChild(t.root(), "copy");
  ASSERT_NE(copy, kNoNode);
  NodeId inner = t.FindChild(copy, "alpha.txt");
  ASSERT_NE(inner, kNoNode);
  EXPECT_EQ(t.HostPath(t.content(inner)), Path("project/src/alpha.txt"));
  EXPECT_EQ(r->volume.timestamp.seconds, 2000000000);
}

TEST_F(LoadManifestFileTest, SourceDateEpochComesFromTheOptions) {
  Write("project/m.json", R"({"mkimg": 1})");
  LoadOptions options;
  options.now = 5;
  options.source_date_epoch = "1234";
  auto r = LoadManifestFile(Path("project/m.json"), options, {});
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->volume.timestamp.seconds, 1234);

  options.source_date_epoch = "12x";
  r = LoadManifestFile(Path("project/m.json"), options, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), base::ErrorCode::kInvalidInput);
  EXPECT_EQ(r.error().ToString(), "SOURCE_DATE_EPOCH: \"12x\" is not an integer");
}

TEST_F(LoadManifestFileTest, ErrorsNameTheManifestFile) {
  auto r = LoadManifestFile(Path("project/absent.json"), {}, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().ToString(), Path("project/absent.json") + ": No such file or directory");
  EXPECT_EQ(r.error().ExitStatus(), 2);

  r = LoadManifestFile(Path("project/src"), {}, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().ToString(), Path("project/src") + ": not a regular file");

  // The file is read before SOURCE_DATE_EPOCH is looked at.
  LoadOptions bad_epoch;
  bad_epoch.source_date_epoch = "x";
  r = LoadManifestFile(Path("project/absent.json"), bad_epoch, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().where(), Path("project/absent.json"));

  Write("project/bad.json", "[1]");
  r = LoadManifestFile(Path("project/bad.json"), {}, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().ToString(),
            Path("project/bad.json") + ":1:1: $: a manifest must be a JSON object");
}

TEST(SourceDateEpochTest, Values) {
  auto unset = ParseSourceDateEpoch("");
  ASSERT_TRUE(unset);
  EXPECT_FALSE(unset->has_value());
  auto negative = ParseSourceDateEpoch("-86400");
  ASSERT_TRUE(negative);
  EXPECT_EQ(**negative, -86400);
  EXPECT_FALSE(ParseSourceDateEpoch("1e9"));
  EXPECT_FALSE(ParseSourceDateEpoch("99999999999999999999"));
}

}  // namespace
}  // namespace fs

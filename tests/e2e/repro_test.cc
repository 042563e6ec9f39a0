// Reproducible builds (specs/manifest.md `volume.timestamp`): the same manifest and sources
// give a byte-identical image whatever the host folder's path, the time zone, the order the
// host folder's entries were created in (and so readdir order), the time of the build, and
// SOURCE_DATE_EPOCH when the manifest sets the timestamp itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/e2e/harness.h"

namespace e2e {
namespace {

namespace stdfs = std::filesystem;

std::string Slurp(const stdfs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The same tree, created in the given order of names.
void Populate(Case& c, bool reversed) {
  std::vector<std::string> names;
  for (int i = 0; i < 40; ++i) names.push_back("file-" + std::to_string(i * 7919 % 40));
  names.push_back("日本語.txt");
  names.push_back("Zebra");
  names.push_back("apple");
  names.push_back("a/b/c/d/e/f/g/h/i/deep");
  if (reversed) std::reverse(names.begin(), names.end());
  for (const auto& n : names) c.HostFile("tree/" + n, "content of " + n + "\n");
  if (reversed) {
    c.HostSymlink("tree/link2", "Zebra");
    c.HostSymlink("tree/link1", "apple");
  } else {
    c.HostSymlink("tree/link1", "apple");
    c.HostSymlink("tree/link2", "Zebra");
  }
  c.HostFile("tree/empty", "");
  c.Entry("{\"target\": \"/text.txt\", \"text\": \"inline\\n\"}");
  c.Entry("{\"target\": \"/zeros.bin\", \"size\": 100000}");
  c.PinFolderTimes();
}

TEST(Reproducible, SameManifestSameBytes) {
  ASSERT_TRUE(MkimgCanBuild()) << MkimgPath() << " build --help failed";
  Case first("repro-a");
  Case second("repro-b-in-another-folder");
  Populate(first, false);
  Populate(second, true);
  RunResult a = first.Build({}, {{"TZ", "UTC"}, {"LC_ALL", "C"}});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  RunResult b = second.Build(
      {}, {{"TZ", "Asia/Tokyo"}, {"LC_ALL", "C.UTF-8"}, {"SOURCE_DATE_EPOCH", "12345"}});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  std::string image_a = Slurp(first.image());
  std::string image_b = Slurp(second.image());
  ASSERT_FALSE(image_a.empty());
  EXPECT_EQ(image_a.size(), image_b.size());
  EXPECT_TRUE(image_a == image_b) << "images differ between host folders, TZ or readdir order";
  // And again in the first folder: a rebuild is identical too.
  RunResult c = first.Build({}, {{"TZ", "America/Los_Angeles"}});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_TRUE(Slurp(first.image()) == image_a) << "a rebuild of the same folder differs";
}

TEST(Reproducible, SourceDateEpochSetsTheTimestamp) {
  ASSERT_TRUE(MkimgCanBuild()) << MkimgPath() << " build --help failed";
  Case first("epoch-a");
  Case second("epoch-b");
  for (Case* c : {&first, &second}) {
    c->ManifestKey("volume", "{\"id\": \"EPOCH\"}");
    c->HostFile("f.txt", "same\n");
    c->PinFolderTimes();
  }
  RunResult a = first.Build({}, {{"SOURCE_DATE_EPOCH", "1700000000"}});
  RunResult b = second.Build({}, {{"SOURCE_DATE_EPOCH", "1700000000"}, {"TZ", "Europe/Paris"}});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_TRUE(Slurp(first.image()) == Slurp(second.image()));
  RunResult c = second.Build({}, {{"SOURCE_DATE_EPOCH", "1700000001"}});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_FALSE(Slurp(first.image()) == Slurp(second.image()))
      << "SOURCE_DATE_EPOCH does not reach the image";
}

}  // namespace
}  // namespace e2e

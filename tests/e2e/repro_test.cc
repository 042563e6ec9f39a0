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
    // Modified after the epoch: its time is clamped to it (specs/manifest.md).
    c->HostFile("new.txt", "newer than the epoch\n");
    stdfs::last_write_time(c->src() / "new.txt", stdfs::file_time_type::clock::now());
    c->PinFolderTimes();
  }
  RunResult a = first.Build({}, {{"SOURCE_DATE_EPOCH", "1700000000"}});
  RunResult b = second.Build({}, {{"SOURCE_DATE_EPOCH", "1700000000"}, {"TZ", "Europe/Paris"}});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_TRUE(Slurp(first.image()) == Slurp(second.image()));
  // The recorded times are the epoch, 1700000000 = 2023-11-14T22:13:20Z: the PVD's
  // creation and modification dates (ECMA-119 8.4.26.1, offsets 813 and 830), the root's
  // record date (offset 156 + 18, ECMA-119 9.1.5) and the clamped file's record date.
  const std::string image = Slurp(first.image());
  ASSERT_GT(image.size(), 17u * 2048);
  const std::string pvd = image.substr(16 * 2048, 2048);
  ASSERT_EQ(pvd.substr(0, 6), std::string("\x01"
                                          "CD001"));
  EXPECT_EQ(pvd.substr(813, 17), std::string("2023111422132000") + '\0');
  EXPECT_EQ(pvd.substr(830, 17), std::string("2023111422132000") + '\0');
  const std::string short_form("\x7b\x0b\x0e\x16\x0d\x14\x00", 7);
  EXPECT_EQ(pvd.substr(156 + 18, 7), short_form);
  const size_t name = image.find("NEW.TXT;1");
  ASSERT_NE(name, std::string::npos);
  ASSERT_GE(name, 33u);
  EXPECT_EQ(image.substr(name - 33 + 18, 7), short_form) << "the clamped file's record date";
  RunResult c = second.Build({}, {{"SOURCE_DATE_EPOCH", "1700000001"}});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_FALSE(Slurp(first.image()) == Slurp(second.image()))
      << "SOURCE_DATE_EPOCH does not reach the image";
}

}  // namespace
}  // namespace e2e

// Manifest parsing: every error names line:column and the JSON path; host folders are
// scanned in sorted order with exclusions; later entries replace earlier ones.
#include "fs/manifest.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <tuple>

#include "manifest/glob.h"

namespace fs {
namespace {

namespace stdfs = std::filesystem;

base::Expected<ImageSpec> Parse(std::string_view json, const std::string& base = ".") {
  ManifestOptions o;
  o.display_name = "m.json";
  o.base_directory = base;
  o.now = 1700000000;
  return ParseManifest(json, o, {});
}

std::string ErrorOf(std::string_view json) {
  auto r = Parse(json);
  EXPECT_FALSE(r.has_value()) << json;
  return r ? "" : r.error().ToString();
}

TEST(ManifestTest, MinimalManifestHasDefaults) {
  auto r = Parse(R"({"mkimg": 1})");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_TRUE(r->iso9660.enabled);
  EXPECT_EQ(r->iso9660.level, 3);
  EXPECT_TRUE(r->iso9660.rock_ridge);
  EXPECT_TRUE(r->joliet.enabled);
  EXPECT_FALSE(r->udf.enabled);
  EXPECT_EQ(r->volume.timestamp.seconds, 1700000000);
  EXPECT_EQ(r->tree.size(), 1u);
}

// The key was accepted and then ignored, so deep folders were never relocated (found by
// `mkimg corpus`, whose readers test compares the plain ISO 9660 tree with RR_MOVED).
TEST(ManifestTest, RelocateDeepDirectoriesIsRead) {
  auto off = Parse(R"({"mkimg": 1})");
  ASSERT_TRUE(off) << off.error().ToString();
  EXPECT_FALSE(off->iso9660.relocate_deep_directories);
  auto on =
      Parse(R"({"mkimg": 1, "filesystems": {"iso9660": {"relocate_deep_directories": true}}})");
  ASSERT_TRUE(on) << on.error().ToString();
  EXPECT_TRUE(on->iso9660.relocate_deep_directories);
  EXPECT_EQ(
      ErrorOf(R"({"mkimg": 1, "filesystems": {"iso9660": {"relocate_deep_directories": 1}}})"),
      "m.json:1:71: $.filesystems.iso9660.relocate_deep_directories: expected a boolean, got "
      "an integer");
}

TEST(ManifestTest, UdfOptionsAndDefaultsByMedium) {
  auto r = Parse(R"({"mkimg": 1, "filesystems": {"udf": {"revision": "2.50",
                   "redundant_metadata": true}}})");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_TRUE(r->udf.enabled);
  EXPECT_FALSE(r->iso9660.enabled);
  EXPECT_EQ(r->udf.revision, "2.50");
  EXPECT_TRUE(r->udf.redundant_metadata);
  EXPECT_EQ(ErrorOf(R"({"mkimg": 1, "filesystems": {"udf": {"revision": "2.01",
                        "redundant_metadata": true}}})"),
            "m.json:2:47: $.filesystems.udf.redundant_metadata: the metadata mirror needs UDF "
            "2.50 or later (revision is 2.01)");
  // IMAPI2's defaults: Blu-ray UDF 2.50, DVD UDF 1.02, CD none, each with ISO 9660 + Joliet.
  for (auto [media, udf, revision] :
       {std::tuple{"bd-r", true, "2.50"}, std::tuple{"bd-re-dl", true, "2.50"},
        std::tuple{"dvd+r", true, "1.02"}, std::tuple{"dvd-ram", true, "1.02"},
        std::tuple{"cd-rw", false, "2.60"}}) {
    auto m = Parse(std::string(R"({"mkimg": 1, "media": ")") + media + R"("})");
    ASSERT_TRUE(m) << m.error().ToString();
    EXPECT_EQ(m->udf.enabled, udf) << media;
    EXPECT_EQ(m->udf.revision, revision) << media;
    EXPECT_TRUE(m->iso9660.enabled && m->joliet.enabled) << media;
  }
  // Named file systems win over the medium.
  auto named = Parse(R"({"mkimg": 1, "media": "bd-r", "filesystems": {"iso9660": {}}})");
  ASSERT_TRUE(named);
  EXPECT_FALSE(named->udf.enabled);
}

TEST(ManifestTest, SourceDateEpochWinsOverNowAndManifestOverBoth) {
  ManifestOptions o;
  o.now = 5;
  o.source_date_epoch = 1234;
  auto r = ParseManifest(R"({"mkimg": 1})", o, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->volume.timestamp.seconds, 1234);
  r = ParseManifest(R"({"mkimg":1,"volume":{"timestamp":"2026-01-01T00:00:00Z"}})", o, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->volume.timestamp.seconds, 1767225600);
  r = ParseManifest(R"({"mkimg":1,"volume":{"timestamp":"2026-01-01T01:30:00+01:30"}})", o, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->volume.timestamp.seconds, 1767225600);
}

TEST(ManifestTest, SyntaxErrorHasLineAndColumn) {
  EXPECT_EQ(ErrorOf("{\n  \"mkimg\": 1,\n  \"volume\": {\"id\": }\n}"),
            "m.json:3:20: JSON syntax error: Invalid value.");
  EXPECT_EQ(ErrorOf("{\"mkimg\": 1, \"mkimg\": 1}"), "m.json:1:14: duplicate key \"mkimg\"");
}

TEST(ManifestTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep =
      "{\"mkimg\": 1, \"x\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_NE(ErrorOf(deep).find("nesting deeper than"), std::string::npos);
}

// Found by manifest_fuzzer (fuzz/regressions/manifest_fuzzer/crash-3b78...): a UTF-8 lead
// byte at the very end of the text made RapidJSON's validator read past the buffer.
TEST(ManifestTest, TruncatedUtf8AtTheEndIsAnErrorNotAnOverread) {
  for (const char* lead : {"\xc3", "\xe2\x82", "\xf4", "\xf4\x8f\xbf"}) {
    std::string json = std::string("{\"mkimg\": 1, \"volume\": {\"id\": \"A") + lead;
    EXPECT_NE(ErrorOf(json).find("JSON syntax error"), std::string::npos) << json;
  }
}

TEST(ManifestTest, UnknownKeySuggestsTheClosest) {
  EXPECT_EQ(ErrorOf("{\"mkimg\": 1, \"volum\": {}}"),
            "m.json:1:14: $: unknown key \"volum\" (did you mean \"volume\"?)");
  EXPECT_EQ(ErrorOf(R"({"mkimg": 1, "filesystems": {"iso9660": {"levle": 2}}})"),
            "m.json:1:42: $.filesystems.iso9660: unknown key \"levle\" (did you mean \"level\"?)");
}

TEST(ManifestTest, OutOfRangeAndWrongTypes) {
  EXPECT_EQ(ErrorOf(R"({"mkimg": 1, "filesystems": {"iso9660": {"level": 7}}})"),
            "m.json:1:51: $.filesystems.iso9660.level: must be 1, 2 or 3 (got 7)");
  EXPECT_EQ(ErrorOf(R"({"mkimg": 1, "filesystems": {"iso9660": {"rock_ridge": "yes"}}})"),
            "m.json:1:56: $.filesystems.iso9660.rock_ridge: expected a boolean, got a string");
  EXPECT_EQ(ErrorOf(R"({"mkimg": 1, "contents": [{"target": "/z", "size": -1}]})"),
            "m.json:1:52: $.contents[0].size: a size must not be negative (got -1)");
  EXPECT_EQ(
      ErrorOf(R"({"mkimg": 1, "contents": [{"target": "/t", "text": "x", "mode": "0999"}]})"),
      "m.json:1:65: $.contents[0].mode: \"0999\" is not an octal mode like \"0644\" (digits 0-7, "
      "at most 07777)");
  EXPECT_EQ(
      ErrorOf(R"({"mkimg": 2})"),
      "m.json:1:11: $.mkimg: manifest version 2 is not supported (this mkimg reads version 1)");
  EXPECT_EQ(ErrorOf(R"({"mkimg": 1, "media": "dvd+rr"})"),
            "m.json:1:23: $.media: unknown medium \"dvd+rr\" (did you mean \"dvd+r\"?)");
}

TEST(ManifestTest, EntryWithTwoKindsOrNone) {
  EXPECT_EQ(ErrorOf(R"({"mkimg": 1, "contents": [{"target": "/t", "text": "x", "size": 3}]})"),
            "m.json:1:65: $.contents[0].size: an entry has exactly one of source, directory, text, "
            "size, symlink; this one has both \"text\" and \"size\"");
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, "contents": [{"target": "/t"}]})").find("needs one of"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, "contents": [{"text": "x"}]})")
                .find("missing required key \"target\""),
            std::string::npos);
}

TEST(ManifestTest, VolumeIdMustBeDCharactersThatFit) {
  EXPECT_NE(
      ErrorOf(R"({"mkimg": 1, "volume": {"id": "My Disc"}})")
          .find("m.json:1:31: $.volume.id: \"My Disc\" is not a valid ISO 9660 volume identifier"),
      std::string::npos);
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, "volume": {"id": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"}})")
                .find("is 33 characters long; an ISO 9660 volume identifier holds at most 32"),
            std::string::npos);
}

TEST(ManifestTest, BadTargets) {
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, "contents": [{"target": "rel", "text": ""}]})")
                .find("must be an absolute"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, "contents": [{"target": "/a/../b", "text": ""}]})")
                .find("are not names"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, "contents": [{"target": "/f", "text": ""},
                                                 {"target": "/f/g", "text": ""}]})")
                .find("/f is a file or symlink placed by an earlier entry"),
            std::string::npos);
}

TEST(ManifestTest, ACdWithoutTracksIsInvalid) {
  auto r = Parse(R"({"mkimg": 1, "cd": {"tracks": []}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), base::ErrorCode::kInvalidInput);
}

TEST(ManifestTest, BootErrorsNameTheJsonPath) {
  EXPECT_EQ(ErrorOf(R"({"mkimg": 1, "boot": {"entries": []}})"),
            "m.json:1:34: $.boot.entries: a boot catalog needs at least one entry");
  EXPECT_EQ(ErrorOf(R"({"mkimg": 1, "boot": {"entries": [{"image": "/missing.bin"}]}})"),
            "m.json:1:45: $.boot.entries[0].image: no boot image /missing.bin in the image (add "
            "it to contents, or give {\"source\": HOST_FILE})");
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, "boot": {"entries": [{"imag": "/b"}]}})")
                .find("unknown key \"imag\" (did you mean \"image\"?)"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, "contents": [{"target": "/b", "text": "x"}],
                        "boot": {"entries": [{"image": "/b", "load_size": 65536}]}})")
                .find("$.boot.entries[0].load_size: must be between 0 and 65535 (got 65536)"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, "boot": {"entries": [{"platform": "efi"}]}})")
                .find("$.boot.entries[0]: an efi entry needs \"image\" or \"efi_directory\""),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, "boot": {"entries": [{"platform": "arm", "image": "/b"}]}})")
                .find("is not one of \"x86\", \"efi\", \"ppc\", \"mac\""),
            std::string::npos);
}

TEST(ManifestTest, EntriesBuildTheTreeAndLaterOnesReplace) {
  auto r = Parse(R"({"mkimg": 1, "contents": [
    {"target": "/a/b.txt", "text": "one"},
    {"target": "/a/b.txt", "text": "two!", "mode": "0600", "uid": 7, "gid": 8,
     "mtime": 86400, "hidden_in": ["joliet"]},
    {"target": "/z", "size": 5368709120},
    {"target": "/l", "symlink": "a/b.txt"},
    {"target": "/d/e", "directory": true}]})");
  ASSERT_TRUE(r) << r.error().ToString();
  const Tree& t = r->tree;
  NodeId a = t.FindChild(t.root(), "a");
  ASSERT_NE(a, kNoNode);
  ASSERT_EQ(t.children(a).size(), 1u);
  NodeId b = t.children(a)[0];
  EXPECT_EQ(t.inline_bytes(t.content(b)), "two!");
  EXPECT_EQ(t.node(b).mode, 0600u);
  EXPECT_EQ(t.node(b).uid, 7u);
  EXPECT_EQ(t.node(b).gid, 8u);
  EXPECT_EQ(t.node(b).mtime.seconds, 86400);
  EXPECT_EQ(t.node(b).hide, kHideJoliet);
  NodeId z = t.FindChild(t.root(), "z");
  EXPECT_EQ(t.content(z).kind, ContentKind::kZeros);
  EXPECT_EQ(t.content(z).size, 5368709120u);
  EXPECT_EQ(t.symlink_target(t.FindChild(t.root(), "l")), "a/b.txt");
  EXPECT_EQ(t.Path(t.FindChild(t.FindChild(t.root(), "d"), "e")), "/d/e");
}

class HostTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = stdfs::temp_directory_path() / ("mkimg-manifest-test-" + std::to_string(::getpid()));
    stdfs::remove_all(dir_);
    stdfs::create_directories(dir_ / "src/sub/.git");
    Write("src/zeta.txt", "z");
    Write("src/alpha.txt", "aa");
    Write("src/sub/x.tmp", "tmp");
    Write("src/sub/keep", "keep");
    Write("src/sub/.git/config", "cfg");
    stdfs::create_symlink("alpha.txt", dir_ / "src/link");
    ::mkfifo((dir_ / "src/fifo").c_str(), 0644);
  }
  void TearDown() override { stdfs::remove_all(dir_); }
  void Write(const std::string& rel, const std::string& data) { std::ofstream(dir_ / rel) << data; }
  stdfs::path dir_;
};

TEST_F(HostTreeTest, FolderSourceIsScannedSortedWithExcludes) {
  std::vector<Diagnostic> warnings;
  ManifestOptions o;
  o.display_name = "m.json";
  o.base_directory = dir_.string();
  o.now = 2000000000;
  auto r = ParseManifest(R"({"mkimg": 1, "exclude": ["**/.git", "**/*.tmp"],
      "contents": [{"source": "src/", "target": "/", "uid": 1000}]})",
                         o, [&](const Diagnostic& d) { warnings.push_back(d); });
  ASSERT_TRUE(r) << r.error().ToString();
  const Tree& t = r->tree;
  std::vector<std::string> names;
  for (NodeId c : t.children(t.root())) names.emplace_back(t.name(c));
  EXPECT_EQ(names, (std::vector<std::string>{"alpha.txt", "fifo", "link", "sub", "zeta.txt"}));
  NodeId sub = t.FindChild(t.root(), "sub");
  ASSERT_EQ(t.children(sub).size(), 1u);
  NodeId keep = t.children(sub)[0];
  EXPECT_EQ(t.name(keep), "keep");
  EXPECT_EQ(t.HostPath(t.content(keep)), (dir_ / "src/sub/keep").string());
  EXPECT_EQ(t.content(keep).size, 4u);
  EXPECT_EQ(t.node(keep).uid, 1000u);
  EXPECT_EQ(t.symlink_target(t.FindChild(t.root(), "link")), "alpha.txt");
  // A FIFO is stored as itself (specs/manifest.md "contents"), owned as the entry says.
  const NodeId fifo = t.FindChild(t.root(), "fifo");
  EXPECT_EQ(t.node(fifo).type, NodeType::kFifo);
  EXPECT_EQ(t.node(fifo).uid, 1000u);
  struct stat st {};
  ASSERT_EQ(::lstat((dir_ / "src/fifo").c_str(), &st), 0);
  EXPECT_EQ(t.node(fifo).mode, st.st_mode & 07777) << "mode from the host";
  EXPECT_TRUE(warnings.empty());
}

TEST_F(HostTreeTest, SpecialFilesFalseLeavesThemOutAndOwnersHostKeepsUids) {
  auto r = Parse(R"({"mkimg": 1, "special_files": false,
      "contents": [{"source": "src/", "target": "/", "owners": "host"}]})",
                 dir_.string());
  ASSERT_TRUE(r) << r.error().ToString();
  const Tree& t = r->tree;
  EXPECT_EQ(t.FindChild(t.root(), "fifo"), kNoNode);
  const NodeId alpha = t.FindChild(t.root(), "alpha.txt");
  EXPECT_EQ(t.node(alpha).uid, static_cast<std::uint32_t>(::getuid()));
  EXPECT_EQ(t.node(alpha).gid, static_cast<std::uint32_t>(::getgid()));
  auto bad = Parse(R"({"mkimg": 1, "contents": [{"text": "x", "target": "/x", "owners": "host"}]})",
                   dir_.string());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().ToString().find("$.contents[0].owners"), std::string::npos);
}

TEST_F(HostTreeTest, MissingSourceNamesTheHostPath) {
  auto r =
      Parse(R"({"mkimg": 1, "contents": [{"source": "nope.bin", "target": "/n"}]})", dir_.string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().ToString(), "m.json:1:38: $.contents[0].source: " + dir_.string() +
                                      "/nope.bin: No such file or directory");
}

TEST_F(HostTreeTest, HostTimesAreClampedToTheVolumeTimestamp) {
  auto r = Parse(R"({"mkimg": 1, "volume": {"timestamp": 1000},
                     "contents": [{"source": "src/alpha.txt", "target": "/a"}]})",
                 dir_.string());
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->tree.node(r->tree.FindChild(r->tree.root(), "a")).mtime.seconds, 1000);
}

TEST(GlobTest, Patterns) {
  using manifest::GlobMatch;
  EXPECT_TRUE(GlobMatch("**/.git", "/.git"));
  EXPECT_TRUE(GlobMatch("**/.git", "/a/b/.git"));
  EXPECT_FALSE(GlobMatch("**/.git", "/a/.gitx"));
  EXPECT_TRUE(GlobMatch("**/*.tmp", "/x.tmp"));
  EXPECT_TRUE(GlobMatch("**/*.tmp", "/a/b/c.tmp"));
  EXPECT_FALSE(GlobMatch("*.tmp", "/a/c.tmp"));
  EXPECT_TRUE(GlobMatch("/a/**/z", "/a/z"));
  EXPECT_TRUE(GlobMatch("/a/**/z", "/a/b/c/z"));
  EXPECT_TRUE(GlobMatch("file?.[ch]", "/file1.c"));
  EXPECT_FALSE(GlobMatch("file?.[!ch]", "/file1.c"));
  EXPECT_TRUE(GlobMatch("[a-c]*", "/beta"));
  EXPECT_FALSE(manifest::CheckGlob("a**b").empty());
}

}  // namespace
}  // namespace fs

namespace fs {
namespace {

TEST(ManifestSortWeight, AppliesToTheEntrysFilesAndIsRangeChecked) {
  ManifestOptions o;
  o.base_directory = ".";
  auto r = ParseManifest(R"({"mkimg": 1, "contents": [
      {"target": "/a", "text": "a", "sort_weight": -5},
      {"target": "/b", "text": "b", "sort_weight": 2147483647},
      {"target": "/c", "text": "c"}]})",
                         o, {});
  ASSERT_TRUE(r) << r.error().ToString();
  const Tree& t = r->tree;
  EXPECT_EQ(t.content(t.FindChild(kRootNode, "a")).sort_weight, -5);
  EXPECT_EQ(t.content(t.FindChild(kRootNode, "b")).sort_weight, 2147483647);
  EXPECT_EQ(t.content(t.FindChild(kRootNode, "c")).sort_weight, 0);
  for (const char* bad : {"2147483648", "-2147483649", "1.5", "\"1\""}) {
    auto e = ParseManifest(
        std::string(R"({"mkimg": 1, "contents": [{"target": "/a", "text": "a", "sort_weight": )") +
            bad + "}]}",
        o, {});
    ASSERT_FALSE(e) << bad;
    EXPECT_NE(e.error().where().find("$.contents[0].sort_weight"), std::string::npos)
        << e.error().where();
  }
}

}  // namespace
}  // namespace fs

namespace fs {
namespace {

TEST(ManifestCdTest, TracksTimesAndNestedData) {
  auto r = Parse(R"({"mkimg": 1, "cd": {"catalog": "0123456789012", "first_track": 2,
    "text": {"title": "Album"},
    "tracks": [
      {"data": {"volume": {"id": "X"}, "contents": [{"target": "/a", "text": "a"}]},
       "mode": "mode2-form1"},
      {"audio": "a.wav", "pregap": "00:01:30", "indexes": ["00:00:10", 75],
       "isrc": "USABC2600001", "copy": true, "text": {"title": "One"}},
      {"audio": "/x/b.wav", "pregap": 0}
    ]}})");
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_TRUE(r->cd);
  const CdSpec& cd = *r->cd;
  EXPECT_EQ(cd.catalog, "0123456789012");
  EXPECT_EQ(cd.first_track, 2);
  EXPECT_EQ(cd.text.title, "Album");
  ASSERT_EQ(cd.tracks.size(), 3u);
  EXPECT_EQ(cd.tracks[0].kind, CdTrack::Kind::kData);
  EXPECT_EQ(cd.tracks[0].mode, CdTrack::DataMode::kMode2Form1);
  ASSERT_TRUE(cd.tracks[0].data);
  EXPECT_EQ(cd.tracks[0].data->volume.id, "X");
  EXPECT_EQ(cd.tracks[1].audio, "./a.wav");
  EXPECT_EQ(cd.tracks[1].pregap, 105u);
  EXPECT_EQ(cd.tracks[1].indexes, (std::vector<std::uint32_t>{10, 75}));
  EXPECT_EQ(cd.tracks[1].text.upc_isrc, "USABC2600001");
  EXPECT_TRUE(cd.tracks[1].copy_permitted);
  EXPECT_EQ(cd.tracks[2].audio, "/x/b.wav");
  EXPECT_EQ(cd.tracks[2].pregap, 0u);
}

TEST(ManifestCdTest, ErrorsNameTheNestedPathAndPosition) {
  // The nested manifest's errors carry the outer path and the line:column of the value.
  EXPECT_EQ(ErrorOf("{\"mkimg\": 1, \"cd\": {\"tracks\": [\n"
                    "  {\"data\": {\"volume\": {\"id\": \"bad id\"}}}]}}"),
            "m.json:2:30: $.cd.tracks[0].data.volume.id: \"bad id\" is not a valid ISO 9660 "
            "volume identifier: only A-Z, 0-9 and _ (d-characters) are allowed; use "
            "volume.label for a free-form name");
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, "cd": {"tracks": [{"audio": "a.wav", "isrc": "US-ABC"}]}})")
                .find("$.cd.tracks[0].isrc: \"US-ABC\" is not an ISRC"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, "cd": {"tracks": [{"audio": "a.wav", "pregap": "0:2:0"}]}})")
                .find("is not a CD time"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, "cd": {"tracks": [{"audo": "a.wav"}]}})")
                .find("did you mean \"audio\""),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, "contents": [], "cd": {"tracks": [{"audio": "a"}]}})")
                .find("$.contents: a raw CD manifest"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, "cd": {"tracks": []}})").find("at least one track"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, "cd": {"tracks": [{"data": {"cd": {}}}]}})")
                .find("$.cd.tracks[0].data: unknown key \"cd\""),
            std::string::npos);
}

}  // namespace
}  // namespace fs

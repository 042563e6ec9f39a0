// The checker itself (tests/tools/check_image.py) must fail when it should: on images made
// by xorriso, damaged data, a wrong expectation, a changed mode, a missing or an extra
// entry each give FAIL lines from every reader that can see them, and exit status 1; on
// mkimg's images a wrong Rock Ridge TF MODIFY time fails and a changed ACCESS time does not.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <regex>
#include <string>

#include "tests/e2e/harness.h"
#include "tests/missing_tool.h"

namespace e2e {
namespace {

namespace stdfs = std::filesystem;

const char kMarker[] = "MARKER-the-checker-must-notice-this-0123456789\n";

class CheckerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string missing = MissingTools();
    if (!missing.empty()) MKIMG_MISSING_TOOL() << "needs " << missing << " (scripts/setup.sh)";
    c_.HostFile("marked.txt", kMarker);
    c_.HostFile("folder/other.txt", "other\n", 0640);
    c_.HostFile("folder/日本語.txt", "japanese\n");
    c_.HostSymlink("link", "folder/other.txt");
  }

  stdfs::path Reference() {
    auto ref = c_.BuildReference();
    if (!ref) ADD_FAILURE() << "xorriso -as mkisofs failed";
    return ref.value_or(stdfs::path());
  }

  static bool HasLine(const std::string& out, const std::string& pattern) {
    return std::regex_search(out, std::regex(pattern, std::regex::multiline));
  }

  Case c_{"checker"};
};

TEST_F(CheckerTest, PassesOnAnIntactImage) {
  c_.ExpectHostTree(/*host_owners=*/true);
  RunResult r = c_.Check(Reference(), "xorriso");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(HasLine(r.out, "^summary: [0-9]+ PASS, 0 FAIL")) << r.out;
}

TEST_F(CheckerTest, FailsOnDamagedFileData) {
  c_.ExpectHostTree(true);
  stdfs::path image = Reference();
  {
    std::fstream f(image, std::ios::in | std::ios::out | std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    size_t at = bytes.find(kMarker);
    ASSERT_NE(at, std::string::npos);
    f.seekp(static_cast<std::streamoff>(at + 7));
    f.put('#');
  }
  RunResult r = c_.Check(image, "xorriso");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  for (const char* reader : {"xorriso", "isoinfo", "7zz", "pycdlib"}) {
    EXPECT_TRUE(HasLine(r.out, std::string("^FAIL  ") + reader + "/\\w+ +contents"))
        << reader << " did not see the damage:\n"
        << r.out;
  }
}

TEST_F(CheckerTest, FailsOnWrongExpectations) {
  c_.ExpectHostTree(true);
  c_.Expect("{\"path\": \"/not-there.txt\", \"type\": \"file\", \"text\": \"absent\\n\"}");
  c_.Expect(
      "{\"path\": \"/folder/other.txt\", \"type\": \"file\", \"text\": \"other\\n\", "
      "\"mode\": \"0644\"}");
  c_.Expect("{\"path\": \"/link\", \"type\": \"symlink\", \"target\": \"elsewhere\"}");
  RunResult r = c_.Check(Reference(), "xorriso");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  for (const char* reader : {"xorriso", "isoinfo", "pycdlib"}) {
    std::string view = std::string("^FAIL  ") + reader + "/rr +";
    EXPECT_TRUE(HasLine(r.out, view + "tree")) << reader << "\n" << r.out;
    EXPECT_TRUE(HasLine(r.out, view + "modes")) << reader << "\n" << r.out;
    EXPECT_TRUE(HasLine(r.out, view + "symlinks")) << reader << "\n" << r.out;
  }
  EXPECT_TRUE(HasLine(r.out, "missing: /not-there.txt")) << r.out;
}

TEST_F(CheckerTest, FailsOnAnUnexpectedEntryAndAMissingJolietTree) {
  c_.ExpectHostTree(true);
  stdfs::path image = Reference();
  c_.HostFile("added-later.txt", "not expected\n");
  RunResult r0 = e2e::Run({"xorriso", "-as", "mkisofs", "-quiet", "-R", "-o",
                           (c_.dir() / "no-joliet.iso").string(), c_.src().string()});
  ASSERT_EQ(r0.exit_code, 0) << r0.err;
  RunResult r = c_.Check(c_.dir() / "no-joliet.iso", "xorriso");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(HasLine(r.out, "^FAIL  image +joliet +absent")) << r.out;
  EXPECT_TRUE(HasLine(r.out, "unexpected: /added-later.txt")) << r.out;
}

// Rock Ridge TF (RRIP 4.1.6) records its times in the order CREATION, MODIFY, ACCESS, ...;
// mkimg writes MODIFY, ACCESS and ATTRIBUTES in the 7-byte form (specs/rrip.md). Bumps the
// year of the `field`-th recorded time (0 MODIFY, 1 ACCESS) of marked.txt's ISO 9660 record
// in `image`.
void BumpTfYear(const stdfs::path& image, int field) {
  std::fstream f(image, std::ios::in | std::ios::out | std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t name = bytes.find("MARKED.TXT;1");
  ASSERT_NE(name, std::string::npos);
  ASSERT_EQ(bytes.find("MARKED.TXT;1", name + 1), std::string::npos);
  const std::string tf("TF\x1a\x01\x0e", 5);  // 5 + 3 * 7 bytes: MODIFY, ACCESS, ATTRIBUTES
  size_t at = bytes.find(tf, name);
  ASSERT_NE(at, std::string::npos);
  ASSERT_LT(at - name, 255u) << "the TF entry is not in marked.txt's record";
  size_t year = at + 5 + 7 * static_cast<size_t>(field);
  f.seekp(static_cast<std::streamoff>(year));
  f.put(static_cast<char>(bytes[year] + 1));
}

TEST_F(CheckerTest, FailsOnAWrongRockRidgeModifyTime) {
  ASSERT_TRUE(MkimgCanBuild()) << MkimgPath() << " build --help failed";
  c_.ExpectHostTree();
  RunResult b = c_.Build();
  ASSERT_EQ(b.exit_code, 0) << b.err;
  BumpTfYear(c_.image(), 0);
  RunResult r = c_.Check(c_.image(), "mkimg", {"--readers", "pycdlib"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(HasLine(r.out, "^FAIL  pycdlib/rr +mtimes")) << r.out;
  EXPECT_TRUE(HasLine(r.out, "/marked.txt")) << r.out;
}

TEST_F(CheckerTest, IgnoresTheRockRidgeAccessTime) {
  ASSERT_TRUE(MkimgCanBuild()) << MkimgPath() << " build --help failed";
  c_.ExpectHostTree();
  RunResult b = c_.Build();
  ASSERT_EQ(b.exit_code, 0) << b.err;
  BumpTfYear(c_.image(), 1);
  RunResult r = c_.Check(c_.image(), "mkimg", {"--readers", "pycdlib"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(HasLine(r.out, "^PASS  pycdlib/rr +mtimes +[1-9]")) << r.out;
}

// RRIP PX link counts (specs/rrip.md "Values"): a file with two names in the tree has 2,
// a folder 2 + its subfolders; read by pycdlib and `isoinfo -R -l` (xorriso's lsdl shows 1).
TEST_F(CheckerTest, ChecksRockRidgeLinkCountsOfHardLinksAndFolders) {
  ASSERT_TRUE(MkimgCanBuild()) << MkimgPath() << " build --help failed";
  c_.HostHardLink("marked.txt", "marked-again.txt");
  c_.HostDir("folder/a");
  c_.HostDir("folder/b");
  c_.HostFile("folder/b/inner.txt", "inner\n");
  c_.ExpectHostTree();
  const std::string marked = ", \"type\": \"file\", \"text\": " + JsonQuote(kMarker);
  c_.Expect("{\"path\": \"/marked.txt\"" + marked + ", \"nlink\": 2}");
  c_.Expect("{\"path\": \"/marked-again.txt\"" + marked + ", \"nlink\": 2}");
  c_.Expect(
      "{\"path\": \"/folder/b/inner.txt\", \"type\": \"file\", \"text\": \"inner\\n\", "
      "\"nlink\": 1}");
  c_.Expect("{\"path\": \"/folder\", \"type\": \"dir\", \"nlink\": 4}");
  c_.Expect("{\"path\": \"/folder/a\", \"type\": \"dir\", \"nlink\": 2}");
  RunResult b = c_.Build();
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const std::vector<std::string> readers = {"--readers", "pycdlib,isoinfo", "--namespaces", "rr"};
  RunResult r = c_.Check(c_.image(), "mkimg", readers);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  for (const char* reader : {"pycdlib", "isoinfo"}) {
    EXPECT_TRUE(HasLine(r.out, std::string("^PASS  ") + reader + "/rr +links +5 ")) << r.out;
  }
  // Mutations: a wrong count for a folder and for a hard-linked file.
  c_.Expect("{\"path\": \"/folder\", \"type\": \"dir\", \"nlink\": 3}");
  c_.Expect("{\"path\": \"/marked-again.txt\"" + marked + ", \"nlink\": 1}");
  r = c_.Check(c_.image(), "mkimg", readers);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  for (const char* reader : {"pycdlib", "isoinfo"}) {
    EXPECT_TRUE(HasLine(r.out, std::string("^FAIL  ") + reader + "/rr +links")) << r.out;
  }
  EXPECT_TRUE(HasLine(r.out, "/folder: ")) << r.out;
  EXPECT_TRUE(HasLine(r.out, "/marked-again.txt: ")) << r.out;
}

}  // namespace
}  // namespace e2e

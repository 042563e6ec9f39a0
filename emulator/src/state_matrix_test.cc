// The command matrix of issue 4 item 5: every medium is brought to each of its states
// (blank, appendable, complete; unformatted and formatted for rewritables) by the CDB
// sequences burn programs use, and every read-side command is checked there: its status,
// and that its length fields agree with the bytes it returns.
#include <gtest/gtest.h>

#include "emulator/drive.h"
#include "test_util.h"

namespace emulator {
namespace {

using testing::In;
using testing::InCdb;
using testing::None;
using testing::Out;
using testing::OutCdb;
using testing::Page05;
using testing::Pattern;
using testing::Read10;
using testing::Reply;
using testing::S;
using testing::Write10;

enum class Target { kBlank, kAppendable, kComplete, kFormatted };

bool IsRewritableRandom(base::MediaType m) {
  return m == base::MediaType::kDvdPlusRw || m == base::MediaType::kDvdRam ||
         m == base::MediaType::kBdRe || m == base::MediaType::kBdReDl;
}

// Drives a fresh medium to `target`; returns false if the medium has no such state.
bool Prepare(Drive& d, base::MediaType m, Target target) {
  const base::MediaInfo& info = base::GetMediaInfo(m);
  const bool cd = info.family == base::MediaFamily::kCd;
  if (IsRewritableRandom(m)) {
    if (target == Target::kBlank) return m != base::MediaType::kDvdRam;
    if (target != Target::kFormatted) return false;
    if (m != base::MediaType::kDvdRam) {
      const char* type = m == base::MediaType::kDvdPlusRw ? "98" : "00";
      EXPECT_TRUE(Out(d, "04 11 00 00 00 00",
                      testing::Hex(std::string("00 02 00 08 00 00 00 00 ") + type + " 00 00 00"))
                      .good());
    }
    EXPECT_TRUE(OutCdb(d, Write10(0, 32), Pattern(0, 32)).good());
    return true;
  }
  if (target == Target::kFormatted) {
    if (m != base::MediaType::kDvdMinusRw) return false;
    EXPECT_TRUE(
        Out(d, "04 11 00 00 00 00", testing::Hex("00 02 00 08 00 23 12 40 54 00 00 10")).good());
    EXPECT_TRUE(OutCdb(d, Write10(0, 32), Pattern(0, 32)).good());
    return true;
  }
  if (target == Target::kBlank) return true;
  const bool finalize = target == Target::kComplete;
  const bool page05 = cd || m == base::MediaType::kDvdMinusR || m == base::MediaType::kDvdMinusRw ||
                      m == base::MediaType::kDvdMinusRDl;
  if (page05) {
    EXPECT_TRUE(
        Out(d, "55 10 00 00 00 00 00 00 3c 00", Page05(cd ? 1 : 0, cd ? 4 : 5, 8, finalize ? 0 : 3))
            .good());
  }
  EXPECT_TRUE(OutCdb(d, Write10(0, 32), Pattern(0, 32)).good());
  EXPECT_TRUE(None(d, "35 00 00 00 00 00 00 00 00 00").good());
  EXPECT_TRUE(None(d, "5b 00 01 00 00 01 00 00 00 00").good());
  if (finalize && !page05) {
    EXPECT_TRUE(None(d, "5b 00 06 00 00 00 00 00 00 00").good());
  } else {
    EXPECT_TRUE(None(d, "5b 00 02 00 00 00 00 00 00 00").good());
  }
  return true;
}

// The returned length field covers exactly the bytes of a reply that was not truncated.
void ExpectLength(const Reply& r, std::size_t header, std::size_t field_bytes, const char* what) {
  if (!r.good() || r.data.size() < field_bytes) return;
  const std::size_t declared = field_bytes == 2 ? r.be16(0) : r.be32(0);
  EXPECT_EQ(declared + header, r.data.size()) << what;
}

TEST(StateMatrixTest, ReadCommandsInEveryState) {
  int states = 0;
  for (const base::MediaInfo& m : base::AllMedia()) {
    for (Target target :
         {Target::kBlank, Target::kAppendable, Target::kComplete, Target::kFormatted}) {
      Drive d(VirtualDisc::CreateInMemory(m.type));
      if (!Prepare(d, m.type, target)) continue;
      SCOPED_TRACE(std::string(m.name) + " state " + std::to_string(static_cast<int>(target)));
      ++states;
      const bool cd = m.family == base::MediaFamily::kCd;

      Reply rdi = In(d, "51 00 00 00 00 00 00 00 ff 00", 255);
      ASSERT_TRUE(rdi.good());
      ExpectLength(rdi, 2, 2, "disc information");
      const int status = rdi.data[2] & 0x03;
      switch (target) {
        case Target::kBlank:
          EXPECT_EQ(status, 0);
          break;
        case Target::kAppendable:
          EXPECT_EQ(status, 1);
          break;
        case Target::kComplete:
          EXPECT_EQ(status, 2);
          break;
        case Target::kFormatted:
          EXPECT_GE(status, 2);
          break;
      }

      Reply cfg = In(d, "46 00 00 00 00 00 00 10 00 00", 4096);
      ASSERT_TRUE(cfg.good());
      ExpectLength(cfg, 4, 4, "configuration");
      for (const char* page : {"01", "05", "2a", "3f"}) {
        Reply ms = In(d, std::string("5a 00 ") + page + " 00 00 00 00 01 00 00", 256);
        ASSERT_TRUE(ms.good()) << page;
        ExpectLength(ms, 2, 2, "mode sense");
      }

      Reply cap = In(d, "25 00 00 00 00 00 00 00 00 00", 8);
      ASSERT_TRUE(cap.good());
      Reply rfc = In(d, "23 00 00 00 00 00 00 00 fc 00", 252);
      ASSERT_TRUE(rfc.good());
      EXPECT_EQ(rfc.data[3] + 4u, rfc.data.size());

      Reply rti = In(d, "52 01 00 00 00 01 00 00 30 00", 48);
      ASSERT_TRUE(rti.good());
      ExpectLength(rti, 2, 2, "track information");
      Reply invisible = In(d, "52 01 00 00 00 ff 00 00 30 00", 48);
      const bool writable_end = target == Target::kBlank || target == Target::kAppendable;
      const bool random = target == Target::kFormatted;
      if (!random && !(target == Target::kBlank && IsRewritableRandom(m.type))) {
        EXPECT_EQ(invisible.good(), writable_end);
      }

      // A TOC exists once something is recorded; full TOC and ATIP only on CD.
      Reply toc = In(d, "43 00 00 00 00 00 00 01 00 00", 256);
      const bool recorded = target != Target::kBlank || m.type == base::MediaType::kDvdRam;
      if (cd) {
        EXPECT_EQ(toc.good(), target != Target::kBlank);
      } else {
        EXPECT_EQ(toc.good(), recorded || (random && target == Target::kFormatted));
      }
      ExpectLength(toc, 2, 2, "toc");
      EXPECT_EQ(In(d, "43 02 04 00 00 00 00 00 1c 00", 28).good(), cd);
      Reply full = In(d, "43 02 02 00 00 00 00 04 00 00", 1024);
      EXPECT_EQ(full.good(), cd && target != Target::kBlank);
      ExpectLength(full, 2, 2, "full toc");

      Reply perf = In(d, "ac 00 00 00 00 00 00 00 00 08 03 00", 8 + 16 * 8);
      ASSERT_TRUE(perf.good());
      ExpectLength(perf, 4, 4, "performance");
      Reply dvd = In(d, "ad 00 00 00 00 00 00 00 08 04 00 00", 2052);
      EXPECT_EQ(dvd.good(), m.family == base::MediaFamily::kDvd);

      Reply read = InCdb(d, Read10(0, 32), 32 * 2048);
      if (target == Target::kBlank && m.type != base::MediaType::kDvdRam) {
        EXPECT_EQ(read.sense(), S(5, 0x21, 0));
      } else {
        ASSERT_TRUE(read.good());
        EXPECT_EQ(read.data, Pattern(0, 32));
      }
      // Writing: only where the state allows, and only at the NWA on sequential media.
      Reply w = OutCdb(d, Write10(4096, 16), Pattern(4096, 16));
      if (target == Target::kFormatted) {
        EXPECT_TRUE(w.good());
      } else if (target == Target::kComplete) {
        EXPECT_EQ(w.sense(), S(5, 0x21, 0x02));
      }
    }
  }
  EXPECT_EQ(states, 35);  // 9 sequential media x 3 states, 4 rewritables x 2, DVD-RAM, DVD-RW RO
}

}  // namespace
}  // namespace emulator

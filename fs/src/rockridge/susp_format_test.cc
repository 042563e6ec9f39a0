// The SUSP/RRIP entry structs the reader uses (susp_format.h) read exactly the fields the
// writer's encoders (system_use.h) put in, and round-trip.
#include "rockridge/susp_format.h"

#include <gtest/gtest.h>

#include <vector>

#include "rockridge/system_use.h"

namespace fs::rockridge {
namespace {

template <typename T>
T ParseEntry(const SystemUseArea& a, std::size_t i) {
  auto parsed = T::Parse(a.entry(i));
  EXPECT_TRUE(parsed) << T::kName;
  EXPECT_EQ(codec::Encode(*parsed),
            std::vector<std::uint8_t>(a.entry(i).begin(), a.entry(i).end()));
  return *parsed;
}

TEST(SuspFormat, StructsReadTheWritersEntries) {
  SystemUseArea a;
  a.AddSp();
  a.AddPx(0100644, 2, 1000, 100, 7);
  a.AddCl(0x1234);
  a.AddPl(0x20);
  a.AddEr();
  const auto sp = ParseEntry<SpEntry>(a, 0);
  EXPECT_EQ(sp.check_bytes[0], kSpCheck1);
  EXPECT_EQ(sp.check_bytes[1], kSpCheck2);
  EXPECT_EQ(sp.len_skp, 0);
  const auto px = ParseEntry<PxEntry>(a, 1);
  EXPECT_EQ(px.header.length, kPxLength);
  EXPECT_EQ(px.mode.le(), 0100644u);
  EXPECT_TRUE(px.mode.consistent());
  EXPECT_EQ(px.links.le(), 2u);
  EXPECT_EQ(px.uid.le(), 1000u);
  EXPECT_EQ(px.gid.le(), 100u);
  EXPECT_EQ(px.serial_number.le(), 7u);
  EXPECT_EQ(ParseEntry<LocationEntry>(a, 2).location.le(), 0x1234u);
  EXPECT_EQ(ParseEntry<LocationEntry>(a, 3).location.le(), 0x20u);
  auto er = ErEntry::Parse(a.entry(4));
  ASSERT_TRUE(er);
  EXPECT_EQ(er->len_id, kErIdentifier.size());
  std::vector<std::uint8_t> ce;
  SystemUseArea::AppendCe({33, 100}, 60, &ce);
  auto parsed = CeEntry::Parse(ce);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->block.le(), 33u);
  EXPECT_EQ(parsed->offset.le(), 100u);
  EXPECT_EQ(parsed->length.le(), 60u);
  EXPECT_FALSE(CeEntry::Parse(std::span(ce).first(27)));
}

}  // namespace
}  // namespace fs::rockridge

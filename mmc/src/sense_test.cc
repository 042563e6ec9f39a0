// Tests for sense.h: golden fixed and descriptor sense records laid out by hand from SPC-4
// 4.5.2/4.5.3, truncation by short sense buffers, encode/parse round trips, and robustness
// over every prefix and over random bytes.
#include "mmc/sense.h"

#include <gtest/gtest.h>

#include <random>

namespace mmc {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(SenseTest, ParsesFixedInvalidFieldInCdbWithFieldPointer) {
  // 05/24/00, SKSV, C/D = 1 (error in the CDB), field pointer = byte 2.
  const Bytes raw = {0x70, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x0A, 0x00,
                     0x00, 0x00, 0x00, 0x24, 0x00, 0x00, 0xC0, 0x00, 0x02};
  auto s = SenseData::Parse(raw);
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_TRUE(s->Is(SenseKey::kIllegalRequest, 0x24, 0x00));
  EXPECT_FALSE(s->deferred);
  EXPECT_FALSE(s->information.has_value());
  ASSERT_TRUE(s->sense_key_specific.has_value());
  EXPECT_EQ(*s->sense_key_specific, 0x400002u);
  EXPECT_FALSE(s->progress().has_value());
  EXPECT_EQ(s->ToString(), "05/24/00 invalid field in CDB");
  EXPECT_EQ(s->EncodeFixed(), raw);
}

TEST(SenseTest, ParsesFixedProgressIndication) {
  // 02/04/07 with progress 4000h (25 %), as libburn and growisofs poll after IMMED.
  const Bytes raw = {0x70, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0A, 0x00,
                     0x00, 0x00, 0x00, 0x04, 0x07, 0x00, 0x80, 0x40, 0x00};
  auto s = SenseData::Parse(raw);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->ToString(), "02/04/07 logical unit not ready, operation in progress");
  ASSERT_TRUE(s->progress().has_value());
  EXPECT_EQ(*s->progress(), 0x4000);
  SenseData built = SenseData::Make(SenseKey::kNotReady, 0x04, 0x07);
  built.set_progress(0x4000);
  EXPECT_EQ(built.EncodeFixed(), raw);
}

TEST(SenseTest, ParsesFixedWithInformationAndFlags) {
  // 03/11/00 at LBA 12345h, VALID, deferred (71h), ILI.
  const Bytes raw = {0xF1, 0x00, 0x23, 0x00, 0x01, 0x23, 0x45, 0x0A, 0xDE,
                     0xAD, 0xBE, 0xEF, 0x11, 0x00, 0x07, 0x00, 0x00, 0x00};
  auto s = SenseData::Parse(raw);
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(s->deferred);
  EXPECT_TRUE(s->incorrect_length);
  EXPECT_FALSE(s->filemark);
  EXPECT_EQ(s->key, SenseKey::kMediumError);
  ASSERT_TRUE(s->information.has_value());
  EXPECT_EQ(*s->information, 0x12345u);
  EXPECT_EQ(s->command_specific, 0xDEADBEEFu);
  EXPECT_EQ(s->field_replaceable_unit, 0x07);
  EXPECT_EQ(s->ToString(), "03/11/00 unrecovered read error");
  EXPECT_EQ(s->EncodeFixed(), raw);
}

TEST(SenseTest, ShortSenseBufferCutsOffSenseKeySpecific) {
  // wodim and cdrdao pass mx_sb_len = 16: bytes 16-17 are lost, SKSV byte 15 survives.
  const Bytes raw = {0x70, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0A,
                     0x00, 0x00, 0x00, 0x00, 0x3A, 0x00, 0x00, 0x00};
  auto s = SenseData::Parse(raw);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->ToString(), "02/3A/00 medium not present");
  EXPECT_FALSE(s->sense_key_specific.has_value());
  // An additional sense length of 0 hides everything after byte 7.
  const Bytes minimal = {0x70, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00,
                         0x00, 0x00, 0x00, 0x00, 0x00, 0x28, 0x00};
  auto m = SenseData::Parse(minimal);
  ASSERT_TRUE(m.has_value());
  EXPECT_TRUE(m->Is(SenseKey::kUnitAttention, 0, 0));
}

TEST(SenseTest, ParsesDescriptorFormat) {
  const Bytes ua = {0x72, 0x06, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00};
  auto s = SenseData::Parse(ua);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->ToString(), "06/28/00 not ready to ready change, medium may have changed");
  EXPECT_EQ(s->EncodeDescriptor(), ua);

  // 05/21/02 with a 64-bit information descriptor and a field pointer descriptor.
  const Bytes rich = {0x72, 0x05, 0x21, 0x02, 0x00, 0x00, 0x00, 0x14, 0x00, 0x0A,
                      0x80, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x20,
                      0x02, 0x06, 0x00, 0x00, 0xC0, 0x00, 0x02, 0x00};
  auto r = SenseData::Parse(rich);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->ToString(), "05/21/02 invalid address for write");
  ASSERT_TRUE(r->information.has_value());
  EXPECT_EQ(*r->information, 0x100000020u);
  EXPECT_EQ(*r->sense_key_specific, 0x400002u);
  EXPECT_EQ(r->EncodeDescriptor(), rich);
  // Information above 2^32 cannot go into fixed format: VALID stays 0.
  Bytes fixed = r->EncodeFixed();
  EXPECT_EQ(fixed[0], 0x70);
  EXPECT_EQ(fixed[12], 0x21);
}

TEST(SenseTest, DescriptorProgressIndication) {
  // 02/04/04 format in progress, progress in a progress indication descriptor (0Ah).
  const Bytes raw = {0x72, 0x02, 0x04, 0x04, 0x00, 0x00, 0x00, 0x08,
                     0x0A, 0x06, 0x02, 0x04, 0x04, 0x00, 0x80, 0x00};
  auto s = SenseData::Parse(raw);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->ToString(), "02/04/04 logical unit not ready, format in progress");
  ASSERT_TRUE(s->progress().has_value());
  EXPECT_EQ(*s->progress(), 0x8000);
}

TEST(SenseTest, NamesTheTriplesRecordersReport) {
  EXPECT_EQ(SenseData::Make(SenseKey::kNotReady, 0x04, 0x08).ToString(),
            "02/04/08 logical unit not ready, long write in progress");
  EXPECT_EQ(SenseData::Make(SenseKey::kIllegalRequest, 0x2C, 0x00).ToString(),
            "05/2C/00 command sequence error");
  EXPECT_EQ(SenseData::Make(SenseKey::kIllegalRequest, 0x30, 0x05).ToString(),
            "05/30/05 cannot write medium, incompatible format");
  EXPECT_EQ(SenseData::Make(SenseKey::kIllegalRequest, 0x64, 0x00).ToString(),
            "05/64/00 illegal mode for this track");
  EXPECT_EQ(SenseData::Make(SenseKey::kDataProtect, 0x27, 0x00).ToString(),
            "07/27/00 write protected");
  EXPECT_EQ(SenseData::Make(SenseKey::kIllegalRequest, 0x72, 0x03).ToString(),
            "05/72/03 session fixation error, incomplete track in session");
  // Unknown pair: the sense key name stands in.
  EXPECT_EQ(SenseData::Make(SenseKey::kHardwareError, 0xEE, 0x01).ToString(),
            "04/EE/01 HARDWARE ERROR");
  EXPECT_EQ(AdditionalSenseName(0x40, 0x81), "diagnostic failure on component");
}

TEST(SenseTest, RejectsGarbage) {
  EXPECT_FALSE(SenseData::Parse(Bytes{}).has_value());
  EXPECT_FALSE(SenseData::Parse(Bytes{0x70, 0x00, 0x05}).has_value());
  auto bad = SenseData::Parse(Bytes{0x7F, 0, 0, 0, 0, 0, 0, 0});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), base::ErrorCode::kDevice);
  EXPECT_EQ(bad.error().ToString(), "sense data: unknown response code 7Fh at byte 0");
}

TEST(SenseTest, RoundTripsBothFormats) {
  SenseData s = SenseData::Make(SenseKey::kBlankCheck, 0x00, 0x00);
  s.information = 0x4321;
  s.deferred = true;
  s.sense_key_specific = 0x1234;
  auto f = SenseData::Parse(s.EncodeFixed());
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(*f, s);
  auto d = SenseData::Parse(s.EncodeDescriptor());
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, s);
}

TEST(SenseTest, EveryPrefixAndRandomBytesAreSafe) {
  SenseData s = SenseData::Make(SenseKey::kNotReady, 0x04, 0x07);
  s.information = 7;
  s.set_progress(0x1234);
  for (const Bytes& full : {s.EncodeFixed(), s.EncodeDescriptor()}) {
    for (std::size_t n = 0; n <= full.size(); ++n) {
      auto r = SenseData::Parse(std::span<const std::uint8_t>(full.data(), n));
      EXPECT_EQ(r.has_value(), n >= 8) << n;
    }
  }
  std::mt19937 rng(4);
  for (int i = 0; i < 20000; ++i) {
    Bytes junk(rng() % 64);
    for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
    if (!junk.empty() && (i & 1)) junk[0] = static_cast<std::uint8_t>(0x70 + (rng() % 4));
    auto r = SenseData::Parse(junk);
    if (r.has_value()) (void)r->ToString();
  }
}

}  // namespace
}  // namespace mmc

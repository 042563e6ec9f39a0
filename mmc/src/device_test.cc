// Tests for Device over a scripted fake transport (LevelDB-style fault injection): the
// CDBs it sends (two-step allocation-length reads as the traced tools do), the parsing of
// answers, and the errors it makes of CHECK CONDITION, BUSY and transport failures.
#include "mmc/device.h"

#include <gtest/gtest.h>

#include <deque>

namespace mmc {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct Reply {
  ScsiStatus status = ScsiStatus::kGood;
  Bytes data;  // data-in answer (the whole response; cut to the allocation length)
  Bytes sense;
  bool transport_error = false;
};

class FakeTransport : public Transport {
 public:
  CommandResult Execute(std::span<const std::uint8_t> cdb, DataDirection direction,
                        std::span<std::uint8_t> data, std::uint32_t timeout_ms) override {
    cdbs.push_back(CdbToHex(cdb));
    directions.push_back(direction);
    timeouts.push_back(timeout_ms);
    if (direction == DataDirection::kToDevice) data_out.emplace_back(data.begin(), data.end());
    CommandResult r;
    if (replies.empty()) {
      r.transport_error = true;
      return r;
    }
    Reply reply = replies.front();
    replies.pop_front();
    r.status = reply.status;
    r.sense = reply.sense;
    r.transport_error = reply.transport_error;
    if (direction == DataDirection::kFromDevice) {
      std::size_t n = std::min(reply.data.size(), data.size());
      std::copy_n(reply.data.begin(), n, data.begin());
      r.transferred = static_cast<std::uint32_t>(n);
    } else if (direction == DataDirection::kToDevice) {
      r.transferred = static_cast<std::uint32_t>(data.size());
    }
    return r;
  }

  std::deque<Reply> replies;
  std::vector<std::string> cdbs;
  std::vector<DataDirection> directions;
  std::vector<std::uint32_t> timeouts;
  std::vector<Bytes> data_out;
};

Reply Good(Bytes data = {}) { return Reply{ScsiStatus::kGood, std::move(data), {}, false}; }
Reply Check(SenseKey key, std::uint8_t asc, std::uint8_t ascq) {
  return Reply{
      ScsiStatus::kCheckCondition, {}, SenseData::Make(key, asc, ascq).EncodeFixed(), false};
}

TEST(DeviceTest, InquiryParsesAndSendsTheBuilderCdb) {
  FakeTransport t;
  InquiryData inq;
  inq.vendor = "EMU";
  inq.product = "VirtualRecorder";
  inq.revision = "0001";
  t.replies.push_back(Good(Encode(inq)));
  Device d(t);
  auto r = d.Inquiry();
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->product, "VirtualRecorder");
  ASSERT_EQ(t.cdbs.size(), 1u);
  EXPECT_EQ(t.cdbs[0], "12 00 00 00 60 00");
  EXPECT_EQ(t.directions[0], DataDirection::kFromDevice);
}

TEST(DeviceTest, GetConfigurationProbesEightBytesThenReadsAll) {
  Configuration c;
  c.current_profile = 0x0009;
  ProfileListFeature profiles;
  profiles.persistent = true;
  profiles.profiles = {{0x000A, false}, {0x0009, true}};
  c.features.push_back(profiles.ToDescriptor());
  CoreFeature core;
  core.physical_interface = 2;
  c.features.push_back(core.ToDescriptor());
  Bytes answer = Encode(c);
  FakeTransport t;
  t.replies.push_back(Good(answer));
  t.replies.push_back(Good(answer));
  Device d(t);
  auto r = d.GetConfiguration();
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(*r, c);
  ASSERT_EQ(t.cdbs.size(), 2u);
  EXPECT_EQ(t.cdbs[0], "46 00 00 00 00 00 00 00 08 00");
  EXPECT_EQ(t.cdbs[1], "46 00 00 00 00 00 00 00 20 00");
  EXPECT_EQ(answer.size(), 0x20u);
}

TEST(DeviceTest, CheckConditionBecomesADeviceErrorWithSense) {
  FakeTransport t;
  t.replies.push_back(Check(SenseKey::kIllegalRequest, 0x24, 0x00));
  Device d(t);
  auto r = d.ReadTrackInformation(TrackAddressType::kTrackNumber, 1);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kDevice);
  EXPECT_EQ(r.error().ToString(), "READ TRACK INFORMATION: 05/24/00 invalid field in CDB");
  ASSERT_TRUE(d.last_sense().has_value());
  EXPECT_TRUE(d.last_sense()->Is(SenseKey::kIllegalRequest, 0x24, 0x00));
  EXPECT_EQ(t.cdbs[0], "52 01 00 00 00 01 00 00 30 00");
  // The next good command clears the sense.
  t.replies.push_back(Good());
  ASSERT_TRUE(d.TestUnitReady().has_value());
  EXPECT_FALSE(d.last_sense().has_value());
}

TEST(DeviceTest, TransportBusyAndGarbageSense) {
  FakeTransport t;
  Device d(t);
  Reply broken;
  broken.transport_error = true;
  t.replies.push_back(broken);
  auto a = d.TestUnitReady();
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().code(), base::ErrorCode::kIo);
  EXPECT_EQ(a.error().where(), "TEST UNIT READY");
  t.replies.push_back(Reply{ScsiStatus::kBusy, {}, {}, false});
  auto b = d.SynchronizeCache(true);
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error().ToString(), "SYNCHRONIZE CACHE: status BUSY");
  t.replies.push_back(Reply{ScsiStatus::kCheckCondition, {}, {0x12, 0x34}, false});
  auto c = d.PreventAllowMediumRemoval(true);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code(), base::ErrorCode::kDevice);
  EXPECT_NE(c.error().what().find("unreadable sense"), std::string::npos);
  EXPECT_FALSE(d.last_sense().has_value());
}

TEST(DeviceTest, MediumQueriesUseTracedAllocationLengths) {
  FakeTransport t;
  DiscInformation di;
  di.status = DiscStatus::kEmpty;
  di.erasable = true;
  t.replies.push_back(Good(Encode(di)));
  ReadCapacityData cap{0x0023053F, 2048};
  t.replies.push_back(Good(Encode(cap)));
  FormatCapacities fc;
  fc.current = {0x00231260, CapacityType::kUnformatted, 2048};
  fc.formattable.push_back({0x00231260, 0x26, 0});
  t.replies.push_back(Good(Encode(fc)));
  t.replies.push_back(Good(Encode(fc)));
  Device d(t);
  auto r1 = d.ReadDiscInformation();
  ASSERT_TRUE(r1.has_value());
  EXPECT_TRUE(r1->erasable);
  auto r2 = d.ReadCapacity();
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(r2->last_lba, 0x0023053Fu);
  auto r3 = d.ReadFormatCapacities();
  ASSERT_TRUE(r3.has_value()) << r3.error().ToString();
  EXPECT_EQ(*r3, fc);
  EXPECT_EQ(t.cdbs[0], "51 00 00 00 00 00 00 00 22 00");  // libburn: 34
  EXPECT_EQ(t.cdbs[1], "25 00 00 00 00 00 00 00 00 00");
  EXPECT_EQ(t.cdbs[2], "23 00 00 00 00 00 00 00 04 00");  // libburn: 4, then 20
  EXPECT_EQ(t.cdbs[3], "23 00 00 00 00 00 00 00 14 00");
}

TEST(DeviceTest, ModeSenseAndSelectWriteParameters) {
  FakeTransport t;
  WriteParametersPage wp;
  wp.write_type = WriteType::kSessionAtOnce;
  wp.track_mode = 5;
  ModeParameterList list;
  list.pages.push_back(wp.ToPage());
  Bytes sense;
  base::ByteWriter w(&sense);
  list.Encode10To(w);
  t.replies.push_back(Good(sense));
  t.replies.push_back(Good(sense));
  t.replies.push_back(Good());
  Device d(t);
  auto got = d.ModeSense(WriteParametersPage::kCode);
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  auto page = WriteParametersPage::FromPage(*got->Find(WriteParametersPage::kCode));
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->write_type, WriteType::kSessionAtOnce);
  EXPECT_EQ(t.cdbs[0], "5a 08 05 00 00 00 00 00 08 00");
  EXPECT_EQ(t.cdbs[1], "5a 08 05 00 00 00 00 00 3c 00");
  ASSERT_TRUE(d.ModeSelect(*got).has_value());
  EXPECT_EQ(t.cdbs[2], "55 10 00 00 00 00 00 00 3c 00");
  ASSERT_EQ(t.data_out.size(), 1u);
  EXPECT_EQ(t.data_out[0].size(), 60u);
  EXPECT_EQ(t.data_out[0][0], 0);  // mode data length is reserved in MODE SELECT
  EXPECT_EQ(t.data_out[0][1], 0);
  EXPECT_EQ(t.data_out[0][8], 0x05);
}

TEST(DeviceTest, RecordingCommandsSendTheirParameterLists) {
  FakeTransport t;
  for (int i = 0; i < 6; ++i) t.replies.push_back(Good());
  Device d(t);
  FormatUnitParameters f;
  f.format_options_valid = true;
  f.number_of_blocks = 0xFFFFFFFF;
  f.type = FormatType::kDvdPlusRwFull;
  ASSERT_TRUE(d.FormatUnit(f).has_value());
  CueSheet sheet;
  sheet.entries.push_back({4, 1, 0, 0, 0x14, 0, {0, 0, 0}});
  sheet.entries.push_back({4, 1, 1, 1, 0x10, 0, {0, 2, 0}});
  ASSERT_TRUE(d.SendCueSheet(sheet).has_value());
  StreamingDescriptor sd;
  sd.end_lba = 1000;
  ASSERT_TRUE(d.SetStreaming(sd).has_value());
  Bytes block(2048 * 16, 0xAB);
  ASSERT_TRUE(d.Write10(32, 16, block).has_value());
  ASSERT_TRUE(d.CloseTrackSession(CloseFunction::kCloseSession, 0, true).has_value());
  ASSERT_TRUE(d.Blank(BlankType::kMinimal, false).has_value());
  EXPECT_EQ(t.cdbs[0], "04 11 00 00 00 00");
  EXPECT_EQ(CdbToHex(t.data_out[0]), "00 82 00 08 ff ff ff ff 98 00 00 00");
  EXPECT_EQ(t.cdbs[1], "5d 00 00 00 00 00 00 00 10 00");
  EXPECT_EQ(t.data_out[1].size(), 16u);
  EXPECT_EQ(t.cdbs[2], "b6 00 00 00 00 00 00 00 00 00 1c 00");
  EXPECT_EQ(t.data_out[2].size(), 28u);
  EXPECT_EQ(t.cdbs[3], "2a 00 00 00 00 20 00 00 10 00");
  EXPECT_EQ(t.data_out[3], block);
  EXPECT_EQ(t.cdbs[4], "5b 01 02 00 00 00 00 00 00 00");
  EXPECT_EQ(t.cdbs[5], "a1 01 00 00 00 00 00 00 00 00 00 00");
  EXPECT_EQ(t.timeouts[4], 0u);           // IMMED: the default
  EXPECT_GE(t.timeouts[5], 600u * 1000);  // a full minimal blank without IMMED
}

TEST(DeviceTest, ShortReadIsAnError) {
  FakeTransport t;
  t.replies.push_back(Good(Bytes(2048, 1)));
  Device d(t);
  Bytes out(4096);
  auto r = d.Read10(0, 2, out);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().ToString(), "READ(10): transferred 2048 of 4096 bytes");
}

TEST(DeviceTest, WaitUntilReadyPollsAndReportsProgress) {
  FakeTransport t;
  Reply busy = Check(SenseKey::kNotReady, 0x04, 0x07);
  SenseData with_progress = SenseData::Make(SenseKey::kNotReady, 0x04, 0x07);
  with_progress.set_progress(0x8000);
  t.replies.push_back(busy);                               // TUR: busy, no progress
  t.replies.push_back(Good(with_progress.EncodeFixed()));  // REQUEST SENSE
  t.replies.push_back(Reply{ScsiStatus::kCheckCondition, {}, with_progress.EncodeFixed(), false});
  t.replies.push_back(Good());  // ready
  Device d(t);
  std::vector<std::uint16_t> seen;
  std::vector<std::chrono::milliseconds> sleeps;
  auto s = d.WaitUntilReady(
      std::chrono::milliseconds(500), 10, [&](std::uint16_t p) { seen.push_back(p); },
      [&](std::chrono::milliseconds ms) { sleeps.push_back(ms); });
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_EQ(seen, (std::vector<std::uint16_t>{0x8000, 0x8000}));
  // Short waits first, doubling up to the interval.
  EXPECT_EQ(sleeps, (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(10),
                                                            std::chrono::milliseconds(20)}));
  EXPECT_EQ(t.cdbs[1], "03 00 00 00 fc 00");

  // A medium error is not "busy": it ends the wait at once.
  t.replies.push_back(Check(SenseKey::kNotReady, 0x3A, 0x00));
  auto m = d.WaitUntilReady(std::chrono::milliseconds(1), 10, {}, [](std::chrono::milliseconds) {});
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().ToString(), "TEST UNIT READY: 02/3A/00 medium not present");

  // Busy for longer than the caller allows.
  for (int i = 0; i < 3; ++i) t.replies.push_back(Check(SenseKey::kNotReady, 0x04, 0x08));
  auto l = d.WaitUntilReady(std::chrono::milliseconds(1), 3, {}, [](std::chrono::milliseconds) {});
  ASSERT_FALSE(l.has_value());
  EXPECT_EQ(l.error().ToString(), "TEST UNIT READY: still busy after 3 polls");
}

TEST(DeviceTest, TocAndAtipReads) {
  FakeTransport t;
  Toc toc;
  toc.tracks = {{1, 4, 1, 0}, {1, 4, kLeadOutTrack, 1000}};
  t.replies.push_back(Good(Encode(toc)));
  t.replies.push_back(Good(Encode(toc)));
  Atip atip;
  atip.lead_in_start = Msf{97, 26, 66};
  atip.last_lead_out_start = Msf{79, 59, 74};
  t.replies.push_back(Good(Encode(atip)));
  Device d(t);
  auto r = d.ReadToc();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, toc);
  EXPECT_EQ(t.cdbs[0], "43 00 00 00 00 00 00 00 04 00");
  EXPECT_EQ(t.cdbs[1], "43 00 00 00 00 00 00 00 14 00");
  auto a = d.ReadAtip();
  ASSERT_TRUE(a.has_value()) << a.error().ToString();
  EXPECT_EQ(MsfToLba(a->lead_in_start), -11634);
  EXPECT_EQ(t.cdbs[2], "43 00 04 00 00 00 00 00 20 00");
}

}  // namespace
}  // namespace mmc

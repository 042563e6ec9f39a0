// Tests for the response and parameter data codecs: golden byte vectors laid out by hand
// from the MMC-5/SPC-4 field tables (each parsed, checked field by field, re-encoded and
// compared), truncation by short allocation lengths, and robustness: every parser runs over
// every prefix of a valid answer, over single-byte mutations of it and over random bytes.
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "base/media.h"
#include "mmc/configuration.h"
#include "mmc/cue_sheet.h"
#include "mmc/disc_info.h"
#include "mmc/disc_structure.h"
#include "mmc/inquiry.h"
#include "mmc/mode_pages.h"
#include "mmc/performance.h"
#include "mmc/toc.h"

namespace mmc {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes Ascii(std::string_view s) { return Bytes(s.begin(), s.end()); }

// Parses `golden`, expects success, re-encodes and compares byte for byte.
template <typename T>
T RoundTrip(const Bytes& golden) {
  auto parsed = T::Parse(golden);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().ToString();
  if (!parsed.has_value()) return T{};
  EXPECT_EQ(Encode(*parsed), golden);
  return *parsed;
}

// The same for mode parameter lists, in the 6- or 10-byte header form.
ModeParameterList RoundTripMode(const Bytes& golden, bool ten) {
  auto parsed = ten ? ModeParameterList::Parse10(golden) : ModeParameterList::Parse6(golden);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().ToString();
  if (!parsed.has_value()) return ModeParameterList{};
  Bytes out;
  base::ByteWriter w(&out);
  if (ten) {
    parsed->Encode10To(w);
  } else {
    parsed->Encode6To(w);
  }
  EXPECT_EQ(out, golden);
  return *parsed;
}

// Runs `parse` over every prefix, every single-byte mutation (three values per byte) and
// random buffers. Nothing may crash, hang or trip a sanitizer.
void Hammer(const Bytes& valid, const std::function<bool(std::span<const std::uint8_t>)>& parse) {
  for (std::size_t n = 0; n <= valid.size(); ++n) {
    (void)parse(std::span<const std::uint8_t>(valid.data(), n));
  }
  for (std::size_t i = 0; i < valid.size(); ++i) {
    for (std::uint8_t v : {std::uint8_t{0x00}, std::uint8_t{0x7F}, std::uint8_t{0xFF}}) {
      Bytes m = valid;
      m[i] = v;
      (void)parse(m);
    }
  }
  std::mt19937 rng(static_cast<unsigned>(valid.size()));
  for (int i = 0; i < 2000; ++i) {
    Bytes junk(rng() % 96);
    for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
    (void)parse(junk);
  }
}

template <typename T>
void HammerType(const Bytes& valid) {
  Hammer(valid, [](std::span<const std::uint8_t> d) { return T::Parse(d).has_value(); });
}

const Bytes kInquiry = Cat({{0x05, 0x80, 0x00, 0x12, 0x1F, 0x00, 0x00, 0x00},
                            Ascii("EMU     "),
                            Ascii("VirtualRecorder "),
                            Ascii("0001")});

TEST(InquiryTest, GoldenRoundTrip) {
  InquiryData d = RoundTrip<InquiryData>(kInquiry);
  EXPECT_EQ(d.device_type, 5);
  EXPECT_TRUE(d.removable);
  EXPECT_EQ(d.response_data_format, 2);
  EXPECT_EQ(d.byte3_flags, 0x10);  // HISUP
  EXPECT_EQ(d.vendor, "EMU");
  EXPECT_EQ(d.product, "VirtualRecorder");
  EXPECT_EQ(d.revision, "0001");
  EXPECT_TRUE(d.extra.empty());
  // cdrdao asks for 44 bytes: the drive's extra bytes are kept.
  Bytes longer = kInquiry;
  longer[4] = 0x27;
  longer.insert(longer.end(), {1, 2, 3, 4, 5, 6, 7, 8});
  EXPECT_EQ(RoundTrip<InquiryData>(longer).extra.size(), 8u);
  EXPECT_FALSE(InquiryData::Parse(Bytes(kInquiry.begin(), kInquiry.begin() + 35)).has_value());
  HammerType<InquiryData>(longer);
}

const Bytes kDiscInfoDvdPlusRw = {0x00, 0x20, 0x1F, 0x01, 0x01, 0x01, 0x01, 0x23, 0x00,
                                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF,
                                  0xFF, 0xFF, 0x00, 0x23, 0x05, 0x3F, 0x00, 0x00, 0x00,
                                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

TEST(DiscInformationTest, GoldenDvdPlusRw) {
  DiscInformation d = RoundTrip<DiscInformation>(kDiscInfoDvdPlusRw);
  EXPECT_TRUE(d.erasable);
  EXPECT_EQ(d.last_session_state, SessionState::kComplete);
  EXPECT_EQ(d.status, DiscStatus::kOther);
  EXPECT_EQ(d.sessions, 1);
  EXPECT_TRUE(d.unrestricted_use);
  EXPECT_EQ(d.background_format, BackgroundFormat::kComplete);
  EXPECT_EQ(d.last_session_lead_in_start, 0xFFFFFFFFu);
  EXPECT_EQ(d.last_possible_lead_out_start, 0x0023053Fu);
  // growisofs reads 32 bytes: the rest reads as zero.
  auto cut =
      DiscInformation::Parse(Bytes(kDiscInfoDvdPlusRw.begin(), kDiscInfoDvdPlusRw.begin() + 32));
  ASSERT_TRUE(cut.has_value());
  EXPECT_EQ(cut->status, DiscStatus::kOther);
  EXPECT_EQ(cut->application_code, 0);
}

TEST(DiscInformationTest, HighBytesOpcTableAndErrors) {
  DiscInformation d;
  d.status = DiscStatus::kIncomplete;
  d.last_session_state = SessionState::kEmpty;
  d.sessions = 0x0102;
  d.first_track_in_last_session = 0x0203;
  d.last_track_in_last_session = 0x0304;
  d.disc_type = 0x20;
  d.opc_table.push_back({1385, {1, 2, 3, 4, 5, 6}});
  Bytes b = Encode(d);
  ASSERT_EQ(b.size(), 42u);
  EXPECT_EQ(b[0], 0x00);
  EXPECT_EQ(b[1], 0x28);
  EXPECT_EQ(b[4], 0x02);
  EXPECT_EQ(b[9], 0x01);
  EXPECT_EQ(b[33], 1);
  EXPECT_EQ(RoundTrip<DiscInformation>(b), d);
  Bytes track_resources = kDiscInfoDvdPlusRw;
  track_resources[2] = 0x20;  // data type 001b
  auto bad = DiscInformation::Parse(track_resources);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), base::ErrorCode::kDevice);
  HammerType<DiscInformation>(b);
}

const Bytes kTrackInfoBlankCdR = {
    0x00, 0x2E, 0x01, 0x01, 0x00, 0x04, 0x41, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x05, 0x7D, 0xA7, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x7D, 0xA7, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

TEST(TrackInformationTest, GoldenBlankCdR) {
  TrackInformation t = RoundTrip<TrackInformation>(kTrackInfoBlankCdR);
  EXPECT_EQ(t.track, 1);
  EXPECT_EQ(t.session, 1);
  EXPECT_EQ(t.track_mode, 4);
  EXPECT_TRUE(t.blank);
  EXPECT_EQ(t.data_mode, 1);
  EXPECT_TRUE(t.next_writable_address_valid);
  EXPECT_FALSE(t.last_recorded_address_valid);
  EXPECT_EQ(t.free_blocks, 359847u);
  EXPECT_EQ(t.size, 359847u);
  // An MMC-3 drive answers 36 bytes (data length 34).
  Bytes mmc3(kTrackInfoBlankCdR.begin(), kTrackInfoBlankCdR.begin() + 36);
  mmc3[1] = 34;
  auto old = TrackInformation::Parse(mmc3);
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->free_blocks, 359847u);
  HammerType<TrackInformation>(kTrackInfoBlankCdR);
}

TEST(TrackInformationTest, WideTrackAndSessionNumbers) {
  TrackInformation t;
  t.track = 0x0123;
  t.session = 0x0045;
  t.reserved_track = true;
  t.packet = true;
  t.fixed_packet = true;
  t.fixed_packet_size = 16;
  t.layer_jump_state = 2;
  t.last_layer_jump_address = 0xABCDEF01;
  Bytes b = Encode(t);
  EXPECT_EQ(b[2], 0x23);
  EXPECT_EQ(b[32], 0x01);
  EXPECT_EQ(b[6], 0xB0);
  EXPECT_EQ(b[5], 0x80);
  EXPECT_EQ(RoundTrip<TrackInformation>(b), t);
}

TEST(CapacityTest, ReadCapacityAndBufferCapacity) {
  const Bytes cap = {0x00, 0x23, 0x05, 0x3F, 0x00, 0x00, 0x08, 0x00};
  ReadCapacityData c = RoundTrip<ReadCapacityData>(cap);
  EXPECT_EQ(c.last_lba, 0x0023053Fu);
  EXPECT_EQ(c.block_length, 2048u);
  HammerType<ReadCapacityData>(cap);

  const Bytes buf = {0x00, 0x0A, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x1F, 0x80, 0x00};
  BufferCapacity b = RoundTrip<BufferCapacity>(buf);
  EXPECT_FALSE(b.block_format);
  EXPECT_EQ(b.buffer_length, 2u * 1024 * 1024);
  EXPECT_EQ(b.available, 0x1F8000u);
  const Bytes blocks = {0x00, 0x0A, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xF0};
  BufferCapacity k = RoundTrip<BufferCapacity>(blocks);
  EXPECT_TRUE(k.block_format);
  EXPECT_EQ(k.available, 1008u);
  HammerType<BufferCapacity>(buf);
}

TEST(FormatCapacitiesTest, GoldenBlankDvdPlusRw) {
  // growisofs: the list length must be a multiple of 8 and at least 16.
  const Bytes golden = {0x00, 0x00, 0x00, 0x10, 0x00, 0x23, 0x12, 0x60, 0x01, 0x00,
                        0x08, 0x00, 0x00, 0x23, 0x12, 0x60, 0x98, 0x00, 0x00, 0x00};
  FormatCapacities f = RoundTrip<FormatCapacities>(golden);
  EXPECT_EQ(f.current.blocks, 0x00231260u);
  EXPECT_EQ(f.current.type, CapacityType::kUnformatted);
  EXPECT_EQ(f.current.block_length, 2048u);
  ASSERT_EQ(f.formattable.size(), 1u);
  EXPECT_EQ(f.formattable[0].format_type, 0x26);
  // growisofs' first probe uses 12 bytes: only the current descriptor arrives.
  auto probe = FormatCapacities::Parse(Bytes(golden.begin(), golden.begin() + 12));
  ASSERT_TRUE(probe.has_value());
  EXPECT_TRUE(probe->formattable.empty());
  Bytes odd = golden;
  odd[3] = 0x0C;
  EXPECT_FALSE(FormatCapacities::Parse(odd).has_value());
  HammerType<FormatCapacities>(golden);
}

TEST(EventStatusTest, MediaClass) {
  const Bytes golden = {0x00, 0x06, 0x04, 0x10, 0x02, 0x02, 0x00, 0x00};
  EventStatus e = RoundTrip<EventStatus>(golden);
  EXPECT_FALSE(e.no_event_available);
  EXPECT_EQ(e.notification_class, EventStatus::kMediaClass);
  ASSERT_TRUE(e.media.has_value());
  EXPECT_EQ(e.media->event_code, 2);
  EXPECT_TRUE(e.media->media_present);
  EXPECT_FALSE(e.media->tray_open);
  const Bytes none = {0x00, 0x02, 0x80, 0x10};
  EventStatus n = RoundTrip<EventStatus>(none);
  EXPECT_TRUE(n.no_event_available);
  EXPECT_FALSE(n.media.has_value());
  HammerType<EventStatus>(golden);
}

TEST(TocTest, MsfArithmetic) {
  EXPECT_EQ(LbaToMsf(0), (Msf{0, 2, 0}));
  EXPECT_EQ(LbaToMsf(-150), (Msf{0, 0, 0}));
  EXPECT_EQ(LbaToMsf(1000), (Msf{0, 15, 25}));
  EXPECT_EQ(LbaToMsf(-45150), (Msf{90, 0, 0}));
  EXPECT_EQ(LbaToMsf(-151), (Msf{99, 59, 74}));
  EXPECT_EQ(LbaToMsf(404849), (Msf{89, 59, 74}));
  for (std::int32_t lba = -45150; lba < 404850; lba += 997) {
    EXPECT_EQ(MsfToLba(LbaToMsf(lba)), lba);
  }
  EXPECT_EQ(MsfToLba(Msf{97, 26, 66}), -11634);  // cdrecord: "ATIP start of lead in: -11634"
}

TEST(TocTest, Format0Toc) {
  const Bytes golden = {0x00, 0x12, 0x01, 0x01, 0x00, 0x14, 0x01, 0x00, 0x00, 0x00,
                        0x00, 0x00, 0x00, 0x14, 0xAA, 0x00, 0x00, 0x00, 0x03, 0xE8};
  Toc t = RoundTrip<Toc>(golden);
  ASSERT_EQ(t.tracks.size(), 2u);
  EXPECT_EQ(t.tracks[0].adr, 1);
  EXPECT_EQ(t.tracks[0].control, 4);
  EXPECT_EQ(t.tracks[1].track, kLeadOutTrack);
  EXPECT_EQ(t.tracks[1].address, 1000u);
  // Allocation length 4: header only.
  auto head = Toc::Parse(Bytes(golden.begin(), golden.begin() + 4));
  ASSERT_TRUE(head.has_value());
  EXPECT_TRUE(head->tracks.empty());
  Bytes bad = golden;
  bad[1] = 0x13;
  EXPECT_FALSE(Toc::Parse(bad).has_value());
  HammerType<Toc>(golden);
}

TEST(TocTest, Format1SessionInfo) {
  const Bytes golden = {0x00, 0x0A, 0x01, 0x02, 0x00, 0x14, 0x02, 0x00, 0x00, 0x00, 0x2E, 0xE0};
  SessionInfo s = RoundTrip<SessionInfo>(golden);
  EXPECT_EQ(s.last_session, 2);
  EXPECT_EQ(s.first_track_in_last_session.track, 2);
  EXPECT_EQ(s.first_track_in_last_session.address, 12000u);
  HammerType<SessionInfo>(golden);
}

TEST(TocTest, Format2FullTocAndPma) {
  const Bytes golden = {
      0x00, 0x2E, 0x01, 0x01,                                            // header
      0x01, 0x14, 0x00, 0xA0, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,  // first track 1
      0x01, 0x14, 0x00, 0xA1, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,  // last track 1
      0x01, 0x14, 0x00, 0xA2, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0F, 0x19,  // lead-out 1000
      0x01, 0x14, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,  // track 1 at 0
  };
  RawToc t = RoundTrip<RawToc>(golden);
  ASSERT_EQ(t.entries.size(), 4u);
  EXPECT_EQ(t.entries[2].point, 0xA2);
  EXPECT_EQ(MsfToLba(t.entries[2].ptime), 1000);
  EXPECT_EQ(MsfToLba(t.entries[3].ptime), 0);
  HammerType<RawToc>(golden);
}

TEST(TocTest, Format4Atip) {
  const Bytes golden = {0x00, 0x1A, 0x00, 0x00, 0xD1, 0x40, 0xD4, 0x00, 0x61, 0x1A,
                        0x41, 0x00, 0x4F, 0x3B, 0x4A, 0x00, 0x0E, 0x1C, 0x2A, 0x00,
                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  Atip a = RoundTrip<Atip>(golden);
  EXPECT_EQ(a.writing_power, 5);
  EXPECT_EQ(a.reference_speed, 1);
  EXPECT_TRUE(a.unrestricted_use);
  EXPECT_TRUE(a.rewritable);
  EXPECT_EQ(a.disc_subtype, 2);
  EXPECT_TRUE(a.a1_valid);
  EXPECT_FALSE(a.a2_valid);
  EXPECT_EQ(a.lead_in_start, (Msf{97, 26, 65}));
  EXPECT_EQ(a.last_lead_out_start, (Msf{79, 59, 74}));
  EXPECT_FALSE(a.s4.has_value());
  HammerType<Atip>(golden);
}

TEST(TocTest, Format5CdText) {
  Bytes golden = {0x00, 0x26, 0x00, 0x00};
  Bytes pack1 = Cat({{0x80, 0x00, 0x00, 0x00}, Ascii("Hello World!"), {0x12, 0x34}});
  Bytes pack2 =
      Cat({{0x80, 0x01, 0x01, 0x0C}, Ascii(std::string_view("Track One\0\0\0", 12)), {0xAB, 0xCD}});
  golden = Cat({golden, pack1, pack2});
  CdText t = RoundTrip<CdText>(golden);
  ASSERT_EQ(t.packs.size(), 2u);
  EXPECT_EQ(t.packs[1].track, 1);
  EXPECT_EQ(t.packs[1].block_and_position, 0x0C);
  EXPECT_EQ(t.packs[1].crc, 0xABCD);
  HammerType<CdText>(golden);
}

TEST(ModePagesTest, CapabilitiesPageInModeSense10) {
  // libburn reads page 2Ah with allocation length 40: header 8 + page 2 + 30.
  Bytes golden = {0x00, 0x26, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2A, 0x1E,
                  0x3F, 0x37, 0xF1, 0x77, 0x29, 0x23, 0x21, 0x20, 0x01, 0x00,
                  0x08, 0x00, 0x21, 0x20, 0x00, 0x00, 0x15, 0xA0, 0x15, 0xA0,
                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x15, 0xA0, 0x00, 0x00};
  ModeParameterList m = RoundTripMode(golden, /*ten=*/true);
  ASSERT_EQ(m.pages.size(), 1u);
  const ModePage* p = m.Find(0x2A);
  ASSERT_NE(p, nullptr);
  auto caps = CapabilitiesPage::FromPage(*p);
  ASSERT_TRUE(caps.has_value()) << caps.error().ToString();
  EXPECT_TRUE(caps->dvd_r_read);
  EXPECT_TRUE(caps->cd_r_write);
  EXPECT_TRUE(caps->cd_rw_write);
  EXPECT_TRUE(caps->test_write);
  EXPECT_TRUE(caps->dvd_r_write);
  EXPECT_TRUE(caps->buffer_underrun_protection);
  EXPECT_TRUE(caps->multi_session);
  EXPECT_EQ(caps->loading_mechanism, 1);
  EXPECT_TRUE(caps->eject);
  EXPECT_TRUE(caps->lock);
  EXPECT_EQ(caps->buffer_size_kb, 0x0800);
  EXPECT_EQ(caps->max_write_speed, 0x15A0);
  EXPECT_EQ(caps->current_write_speed_selected, 0x15A0);
  EXPECT_TRUE(caps->write_speeds.empty());
  EXPECT_EQ(caps->ToPage(), *p);
  // wodim probes with allocation length 2 and then 8.
  auto probe = ModeParameterList::Parse10(Bytes(golden.begin(), golden.begin() + 8));
  ASSERT_TRUE(probe.has_value());
  EXPECT_TRUE(probe->pages.empty());
  Hammer(golden, [](std::span<const std::uint8_t> d) {
    auto r = ModeParameterList::Parse10(d);
    if (!r) return false;
    for (const ModePage& page : r->pages) (void)CapabilitiesPage::FromPage(page);
    return true;
  });
}

TEST(ModePagesTest, CapabilitiesWriteSpeedDescriptors) {
  CapabilitiesPage c;
  c.write_speeds = {{0, 11080}, {1, 5540}};
  ModePage p = c.ToPage();
  EXPECT_EQ(p.data.size(), 38u);
  EXPECT_EQ(p.data[28], 0);
  EXPECT_EQ(p.data[29], 2);
  EXPECT_EQ(p.data[35], 0x01);
  auto back = CapabilitiesPage::FromPage(p);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, c);
}

TEST(ModePagesTest, WriteParametersPageDvdMinusRIncremental) {
  // libburn's DVD-R incremental setup: LS_V, write type 0, multi-session 11b, FP, track
  // mode 5, data block type 8, link size 16, packet size 16; MODE SELECT(10) form.
  Bytes golden = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x32, 0x60, 0xE5,
                  0x08, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x96};
  golden.resize(golden.size() + 36, 0);
  auto list = ModeParameterList::Parse10(golden);
  ASSERT_TRUE(list.has_value()) << list.error().ToString();
  ASSERT_EQ(list->pages.size(), 1u);
  auto wp = WriteParametersPage::FromPage(list->pages[0]);
  ASSERT_TRUE(wp.has_value()) << wp.error().ToString();
  EXPECT_TRUE(wp->buffer_underrun_free);
  EXPECT_TRUE(wp->link_size_valid);
  EXPECT_FALSE(wp->test_write);
  EXPECT_EQ(wp->write_type, WriteType::kPacketIncremental);
  EXPECT_EQ(wp->multi_session, MultiSession::kNextSessionAllowed);
  EXPECT_TRUE(wp->fixed_packet);
  EXPECT_EQ(wp->track_mode, 5);
  EXPECT_EQ(wp->data_block_type, 8);
  EXPECT_EQ(DataBlockSize(wp->data_block_type), 2048u);
  EXPECT_EQ(wp->link_size, 16);
  EXPECT_EQ(wp->packet_size, 16u);
  EXPECT_EQ(wp->audio_pause_length, 150);
  ModeParameterList out;
  out.pages.push_back(wp->ToPage());
  std::vector<std::uint8_t> encoded;
  base::ByteWriter w(&encoded);
  out.Encode10To(w, /*for_select=*/true);
  EXPECT_EQ(encoded, golden);
}

TEST(ModePagesTest, WriteParametersPageCdSaoRaw) {
  WriteParametersPage p;
  p.write_type = WriteType::kRaw;
  p.test_write = true;
  p.data_block_type = static_cast<std::uint8_t>(DataBlockType::kRawPwRaw2448);
  p.session_format = 0x20;
  p.media_catalog_number[0] = 0x80;
  p.isrc[15] = 0x01;
  p.vendor_specific = {9, 8, 7, 6};
  ModePage page = p.ToPage();
  EXPECT_EQ(page.data.size(), 0x36u);
  EXPECT_EQ(page.data[0], 0x13);
  EXPECT_EQ(page.data[2], 0x03);
  EXPECT_EQ(DataBlockSize(page.data[2]), 2448u);
  auto back = WriteParametersPage::FromPage(page);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, p);
  ModePage wrong = page;
  wrong.code = 0x2A;
  EXPECT_FALSE(WriteParametersPage::FromPage(wrong).has_value());
  wrong = page;
  wrong.data.resize(20);
  EXPECT_FALSE(WriteParametersPage::FromPage(wrong).has_value());
}

TEST(ModePagesTest, ErrorRecoveryAndPowerConditionInModeSense6) {
  const Bytes golden = {0x1B, 0x00, 0x00, 0x00,                          // header (6)
                        0x01, 0x0A, 0xC0, 0x05, 0x00, 0x00, 0x00, 0x00,  // page 01h
                        0x03, 0x00, 0x00, 0x64,                          //
                        0x9A, 0x0A, 0x00, 0x03, 0x00, 0x00, 0x00, 0x32,  // page 1Ah, PS
                        0x00, 0x00, 0x0B, 0xB8};
  ModeParameterList m = RoundTripMode(golden, /*ten=*/false);
  ASSERT_EQ(m.pages.size(), 2u);
  auto er = ErrorRecoveryPage::FromPage(m.pages[0]);
  ASSERT_TRUE(er.has_value());
  EXPECT_EQ(er->parameters, 0xC0);
  EXPECT_EQ(er->read_retry_count, 5);
  EXPECT_EQ(er->write_retry_count, 3);
  EXPECT_EQ(er->recovery_time_limit, 100);
  EXPECT_EQ(er->ToPage().data, m.pages[0].data);
  EXPECT_TRUE(m.pages[1].parameters_savable);
  auto pc = PowerConditionPage::FromPage(m.pages[1]);
  ASSERT_TRUE(pc.has_value());
  EXPECT_TRUE(pc->idle);
  EXPECT_TRUE(pc->standby);
  EXPECT_EQ(pc->idle_timer, 50u);
  EXPECT_EQ(pc->standby_timer, 3000u);
  EXPECT_EQ(pc->ToPage().data, m.pages[1].data);
  // A page that runs past the announced mode data length.
  Bytes bad = golden;
  bad[5] = 0x30;
  EXPECT_FALSE(ModeParameterList::Parse6(bad).has_value());
  // The same page cut by a short allocation length is not an error.
  auto cut = ModeParameterList::Parse6(Bytes(golden.begin(), golden.begin() + 20));
  ASSERT_TRUE(cut.has_value());
  EXPECT_EQ(cut->pages.size(), 1u);
  Hammer(golden,
         [](std::span<const std::uint8_t> d) { return ModeParameterList::Parse6(d).has_value(); });
}

// Configuration of a DVD+RW recorder with a formatted DVD+RW loaded.
const Bytes kConfiguration = {
    0x00, 0x00, 0x00, 0x24, 0x00, 0x00, 0x00, 0x1A,                          // header
    0x00, 0x00, 0x03, 0x08, 0x00, 0x1A, 0x01, 0x00, 0x00, 0x1B, 0x00, 0x00,  // 0000h
    0x00, 0x01, 0x0B, 0x08, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00,  // 0001h
    0x01, 0x07, 0x07, 0x04, 0x1F, 0x00, 0x00, 0x00,                          // 0107h
};

TEST(ConfigurationTest, GoldenHeaderAndFeatures) {
  Configuration c = RoundTrip<Configuration>(kConfiguration);
  EXPECT_EQ(c.current_profile, static_cast<std::uint16_t>(Profile::kDvdPlusRw));
  ASSERT_EQ(c.features.size(), 3u);
  auto profiles = ProfileListFeature::FromDescriptor(*c.Find(FeatureCode::kProfileList));
  ASSERT_TRUE(profiles.has_value());
  EXPECT_TRUE(profiles->persistent);
  EXPECT_TRUE(profiles->current);
  ASSERT_EQ(profiles->profiles.size(), 2u);
  EXPECT_EQ(profiles->profiles[0].profile, 0x001A);
  EXPECT_TRUE(profiles->profiles[0].current);
  EXPECT_FALSE(profiles->profiles[1].current);
  auto core = CoreFeature::FromDescriptor(*c.Find(FeatureCode::kCore));
  ASSERT_TRUE(core.has_value());
  EXPECT_EQ(core->version, 2);
  EXPECT_EQ(core->physical_interface, 2u);
  EXPECT_TRUE(core->inq2);
  auto rts = RealTimeStreamingFeature::FromDescriptor(*c.Find(FeatureCode::kRealTimeStreaming));
  ASSERT_TRUE(rts.has_value());
  EXPECT_EQ(rts->version, 1);
  EXPECT_TRUE(rts->write_speed_performance);
  EXPECT_TRUE(rts->stream_writing);
  EXPECT_EQ(rts->ToDescriptor(), *c.Find(FeatureCode::kRealTimeStreaming));
  EXPECT_EQ(profiles->ToDescriptor(), *c.Find(FeatureCode::kProfileList));
  EXPECT_EQ(core->ToDescriptor(), *c.Find(FeatureCode::kCore));
  EXPECT_EQ(c.Find(FeatureCode::kBdRead), nullptr);
  EXPECT_FALSE(CoreFeature::FromDescriptor(*c.Find(FeatureCode::kProfileList)).has_value());
  // Every tool probes with allocation length 8 first.
  auto probe = Configuration::Parse(Bytes(kConfiguration.begin(), kConfiguration.begin() + 8));
  ASSERT_TRUE(probe.has_value());
  EXPECT_TRUE(probe->features.empty());
  EXPECT_EQ(probe->current_profile, 0x001A);
  // A descriptor that runs past the data length the drive announced.
  Bytes bad = kConfiguration;
  bad[3] = 0x20;
  EXPECT_FALSE(Configuration::Parse(bad).has_value());
  Hammer(kConfiguration, [](std::span<const std::uint8_t> d) {
    auto r = Configuration::Parse(d);
    if (!r) return false;
    for (const FeatureDescriptor& f : r->features) {
      (void)ProfileListFeature::FromDescriptor(f);
      (void)CoreFeature::FromDescriptor(f);
      (void)RealTimeStreamingFeature::FromDescriptor(f);
      (void)IncrementalStreamingFeature::FromDescriptor(f);
    }
    return true;
  });
}

// Round trip of a typed feature through a descriptor, checking the additional length.
template <typename F>
void FeatureRoundTrip(const F& f, std::size_t additional_length) {
  FeatureDescriptor d = f.ToDescriptor();
  EXPECT_EQ(d.data.size(), additional_length) << d.code;
  auto back = F::FromDescriptor(d);
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
  EXPECT_EQ(*back, f);
  // Too short: every required byte matters.
  if (additional_length > 0) {
    FeatureDescriptor cut = d;
    cut.data.clear();
    (void)F::FromDescriptor(cut);
  }
}

TEST(ConfigurationTest, TypedFeaturesRoundTrip) {
  MorphingFeature morphing;
  morphing.operational_change_event = true;
  FeatureRoundTrip(morphing, 4);
  RemovableMediumFeature removable;
  removable.prevent_jumper = true;
  FeatureRoundTrip(removable, 4);
  EXPECT_EQ(removable.ToDescriptor().data[0], 0x3D);
  RandomReadableFeature rr;
  rr.page_present = true;
  FeatureRoundTrip(rr, 8);
  EXPECT_EQ(rr.ToDescriptor().data, (Bytes{0, 0, 8, 0, 0, 0x10, 1, 0}));
  CdReadFeature cd;
  cd.cd_text = true;
  cd.c2_flags = true;
  FeatureRoundTrip(cd, 4);
  DvdReadFeature dvd;
  dvd.dual_r = true;
  dvd.multi110 = true;
  FeatureRoundTrip(dvd, 4);
  RandomWritableFeature rw;
  rw.last_lba = 0x0023053F;
  FeatureRoundTrip(rw, 12);
  IncrementalStreamingFeature inc;
  inc.data_block_types = 0x0100;
  inc.buf = true;
  inc.arsv = true;
  inc.link_sizes = {16};
  FeatureRoundTrip(inc, 8);
  EXPECT_EQ(inc.ToDescriptor().data, (Bytes{0x01, 0x00, 0x03, 0x01, 0x10, 0, 0, 0}));
  FormattableFeature fmt;
  fmt.version = 1;
  fmt.rrm = true;
  fmt.cert = true;
  FeatureRoundTrip(fmt, 8);
  DefectManagementFeature dm;
  dm.spare_area_information = true;
  FeatureRoundTrip(dm, 4);
  DvdPlusRwFeature prw;
  prw.write = true;
  prw.close_only = true;
  FeatureRoundTrip(prw, 4);
  DvdPlusRFeature pr;
  pr.write = true;
  FeatureRoundTrip(pr, 4);
  DvdPlusRFeature prdl;
  prdl.dual_layer = true;
  prdl.write = true;
  FeatureRoundTrip(prdl, 4);
  EXPECT_EQ(prdl.ToDescriptor().code, 0x003B);
  RigidRestrictedOverwriteFeature rro;
  rro.blank = true;
  rro.intermediate = true;
  FeatureRoundTrip(rro, 4);
  CdTrackAtOnceFeature tao;
  tao.buf = true;
  tao.test_write = true;
  tao.cd_rw = true;
  tao.data_types = 0x3FFF;
  FeatureRoundTrip(tao, 4);
  EXPECT_EQ(tao.ToDescriptor().data, (Bytes{0x46, 0x00, 0x3F, 0xFF}));
  CdMasteringFeature sao;
  sao.buf = true;
  sao.sao = true;
  sao.raw = true;
  sao.raw_ms = true;
  sao.max_cue_sheet_length = 0x000F00;
  FeatureRoundTrip(sao, 4);
  EXPECT_EQ(sao.ToDescriptor().data, (Bytes{0x78, 0x00, 0x0F, 0x00}));
  DvdMinusRWriteFeature dmr;
  dmr.buf = true;
  dmr.dvd_rw = true;
  dmr.rdl = true;
  FeatureRoundTrip(dmr, 4);
  LayerJumpRecordingFeature lj;
  lj.link_sizes = {16, 32};
  FeatureRoundTrip(lj, 8);
  CdRwMediaWriteSupportFeature cdrw;
  cdrw.subtypes = 0x06;
  FeatureRoundTrip(cdrw, 4);
  BdReadFeature bdr;
  bdr.bd_re_read[1] = 0x0006;
  bdr.bd_rom_read[0] = 0x0001;
  FeatureRoundTrip(bdr, 28);
  BdWriteFeature bdw;
  bdw.svnr = true;
  bdw.bd_r_write[3] = 0x0002;
  FeatureRoundTrip(bdw, 20);
  TimeoutFeature timeout;
  timeout.version = 1;
  timeout.group3 = true;
  timeout.unit_length = 512;
  FeatureRoundTrip(timeout, 4);
  EXPECT_EQ(EmptyFeature(FeatureCode::kMultiRead, true).data.size(), 0u);
}

TEST(ConfigurationTest, ProfileAndFeatureNames) {
  EXPECT_EQ(ProfileName(0x001A), "DVD+RW");
  EXPECT_EQ(ProfileName(0x0041), "BD-R sequential recording");
  EXPECT_EQ(ProfileName(0x0014), "DVD-RW sequential recording");
  EXPECT_EQ(ProfileName(0x0099), "");
  EXPECT_EQ(FeatureName(0x002E), "CD Mastering");
  EXPECT_EQ(FeatureName(0x0107), "Real Time Streaming");
  EXPECT_EQ(FeatureName(0x0999), "");
  // Every medium mkimg knows maps onto a named MMC profile.
  for (const base::MediaInfo& m : base::AllMedia()) {
    EXPECT_FALSE(ProfileName(m.mmc_profile).empty()) << m.name;
  }
}

TEST(PerformanceTest, WriteSpeedDescriptors) {
  const Bytes golden = {0x00, 0x00, 0x00, 0x24, 0x00, 0x00, 0x00, 0x00,  // header
                        0x02, 0x00, 0x00, 0x00, 0x00, 0x23, 0x05, 0x3F,  // exact
                        0x00, 0x00, 0x2B, 0x48, 0x00, 0x00, 0x2B, 0x48,  // 8x
                        0x18, 0x00, 0x00, 0x00, 0x00, 0x23, 0x05, 0x3F,  // CAV
                        0x00, 0x00, 0x15, 0xA4, 0x00, 0x00, 0x15, 0xA4};
  WriteSpeedData s = RoundTrip<WriteSpeedData>(golden);
  ASSERT_EQ(s.descriptors.size(), 2u);
  EXPECT_TRUE(s.descriptors[0].exact);
  EXPECT_EQ(s.descriptors[0].write_speed, 11080u);
  EXPECT_EQ(s.descriptors[1].write_rotation_control, 3);
  // The answer growisofs called "insane": a data length that is not 4 + 16n.
  Bytes insane = golden;
  insane[3] = 0x20;
  EXPECT_FALSE(WriteSpeedData::Parse(insane).has_value());
  HammerType<WriteSpeedData>(golden);
}

TEST(PerformanceTest, NominalAndExceptions) {
  PerformanceData nominal;
  nominal.write = true;
  nominal.nominal.push_back({0, 5540, 0x0023053F, 11080});
  Bytes b = Encode(nominal);
  EXPECT_EQ(b.size(), 24u);
  EXPECT_EQ(b[3], 0x14);
  EXPECT_EQ(b[4], 0x02);
  EXPECT_EQ(RoundTrip<PerformanceData>(b), nominal);
  PerformanceData ex;
  ex.except = true;
  ex.exceptions = {{0x1000, 25}, {0x2000, 30}};
  Bytes e = Encode(ex);
  EXPECT_EQ(e.size(), 20u);
  EXPECT_EQ(RoundTrip<PerformanceData>(e), ex);
  HammerType<PerformanceData>(b);
  HammerType<PerformanceData>(e);
}

TEST(PerformanceTest, StreamingDescriptorFromLibburn) {
  // SET STREAMING b6 ... 1c: 28 bytes, RDD clear, start 0, end = last LBA, 1 s windows.
  const Bytes golden = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x23,
                        0x05, 0x3F, 0x00, 0x00, 0x2B, 0x48, 0x00, 0x00, 0x03, 0xE8,
                        0x00, 0x00, 0x2B, 0x48, 0x00, 0x00, 0x03, 0xE8};
  StreamingDescriptor d = RoundTrip<StreamingDescriptor>(golden);
  EXPECT_EQ(d.end_lba, 0x0023053Fu);
  EXPECT_EQ(d.write_size, 11080u);
  EXPECT_EQ(d.write_time, 1000u);
  HammerType<StreamingDescriptor>(golden);
}

TEST(DiscStructureTest, DvdPhysicalFormat) {
  Bytes golden(2052, 0);
  golden[0] = 0x08;
  golden[1] = 0x02;
  golden[4] = 0xA1;  // DVD+R, part version 1
  golden[5] = 0x0F;  // 120 mm, not specified rate
  golden[6] = 0x02;  // one layer, PTP, recordable
  golden[7] = 0x10;
  golden[9] = 0x03;  // data area from 030000h
  golden[13] = 0x26;
  golden[14] = 0x05;
  golden[15] = 0x3F;  // to 26053Fh
  golden[20] = 0x80;  // BCA
  golden[21] = 0x5A;
  DvdPhysicalFormat p = RoundTrip<DvdPhysicalFormat>(golden);
  EXPECT_EQ(p.book_type, 0x0A);
  EXPECT_EQ(p.part_version, 1);
  EXPECT_EQ(p.layers, 1);
  EXPECT_EQ(p.layer_type, 2);
  EXPECT_EQ(p.data_start_psn, 0x030000u);
  EXPECT_EQ(p.data_end_psn, 0x26053Fu);
  EXPECT_TRUE(p.bca);
  EXPECT_EQ(p.media_specific[0], 0x5A);
  HammerType<DvdPhysicalFormat>(Bytes(golden.begin(), golden.begin() + 64));
}

TEST(DiscStructureTest, DvdRmdPreRecordedAndBd) {
  DvdRecordingManagementData r;
  r.last_recorded_rma_sector = 7;
  r.rmd = {1, 2, 3, 4};
  Bytes rb = Encode(r);
  EXPECT_EQ(rb, (Bytes{0x00, 0x08, 0x00, 0x00, 0x00, 0x07, 1, 2, 3, 4}));
  EXPECT_EQ(RoundTrip<DvdRecordingManagementData>(rb), r);
  HammerType<DvdRecordingManagementData>(rb);

  const Bytes lpp = {0x00, 0x2A, 0x00, 0x00,                          //
                     0x01, 0x00, 0x10, 0x22, 0x6B, 0x7F, 0x05, 0x00,  // field 1
                     0x02, 0x41, 0x06, 0x11, 0x22, 0x33, 0x44, 0x00,  // field 2
                     0x03, 'M',  'C',  'C',  ' ',  '0',  '3',  0x00,  // field 3
                     0x04, 'R',  'G',  '2',  '0',  ' ',  ' ',  0x00,  // field 4
                     0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  DvdPreRecordedLeadIn p = RoundTrip<DvdPreRecordedLeadIn>(lpp);
  EXPECT_EQ(p.physical_code, 0x10);
  EXPECT_EQ(p.last_recordable_address, 0x226B7Fu);
  EXPECT_EQ(p.part_version, 5);
  EXPECT_EQ(p.wavelength_code, 0x06);
  EXPECT_EQ(p.manufacturer_id[0], 'M');
  EXPECT_EQ(p.manufacturer_id[6], 'R');
  EXPECT_TRUE(p.has_field5);
  // DVD-R 1.0 media: four fields only.
  Bytes four(lpp.begin(), lpp.begin() + 36);
  four[1] = 0x22;
  DvdPreRecordedLeadIn q = RoundTrip<DvdPreRecordedLeadIn>(four);
  EXPECT_FALSE(q.has_field5);
  EXPECT_EQ(q.manufacturer_id, p.manufacturer_id);
  Bytes bad = lpp;
  bad[12] = 0x07;
  EXPECT_FALSE(DvdPreRecordedLeadIn::Parse(bad).has_value());
  HammerType<DvdPreRecordedLeadIn>(lpp);

  BdDiscInformation bd;
  bd.units = Cat({Ascii("DI"), {0x01, 0x08, 0, 0, 0, 0}, Ascii("BDW"), {0x01}});
  Bytes bb = Encode(bd);
  EXPECT_EQ(bb[1], 14);
  BdDiscInformation back = RoundTrip<BdDiscInformation>(bb);
  EXPECT_EQ(back.DiscTypeIdentifier(), "BDW");
  EXPECT_EQ(BdDiscInformation{}.DiscTypeIdentifier(), "");
  HammerType<BdDiscInformation>(bb);
}

TEST(CueSheetTest, SaoDataTrack) {
  // cdrdao-style cue sheet for one mode 1 data track: lead-in, pre-gap index 0 at 00:00:00,
  // index 1 at 00:02:00, lead-out at 00:15:25 + 2 s.
  const Bytes golden = {0x41, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00,  //
                        0x41, 0x01, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00,  //
                        0x41, 0x01, 0x01, 0x10, 0x00, 0x00, 0x02, 0x00,  //
                        0x41, 0xAA, 0x01, 0x14, 0x00, 0x00, 0x11, 0x19};
  CueSheet c = RoundTrip<CueSheet>(golden);
  ASSERT_EQ(c.entries.size(), 4u);
  EXPECT_EQ(c.entries[0].control, 4);
  EXPECT_EQ(c.entries[0].adr, 1);
  EXPECT_EQ(c.entries[2].index, 1);
  EXPECT_EQ(MsfToLba(c.entries[2].absolute_time), 0);
  EXPECT_EQ(c.entries[3].track, kLeadOutTrack);
  EXPECT_FALSE(CueSheet::Parse(Bytes(golden.begin(), golden.begin() + 12)).has_value());
  EXPECT_FALSE(CueSheet::Parse(Bytes{}).has_value());
  HammerType<CueSheet>(golden);
}

}  // namespace
}  // namespace mmc

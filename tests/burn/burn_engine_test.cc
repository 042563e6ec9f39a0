// The burn engine (burn/) against the in-process virtual recorder: emulator::Drive is the
// mmc::Transport, so every command the engine sends goes through the same CDB decoding a
// real program's would (specs/burn.md, "Tests"). Each case checks the disc's own record
// (emulator::VirtualDisc::Summary and ReadUserData) rather than the engine's word.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

#include "base/media.h"
#include "burn/audio_writer.h"
#include "burn/data_writer.h"
#include "burn/erase.h"
#include "burn/fan_out.h"
#include "burn/medium.h"
#include "burn/raw_writer.h"
#include "burn/verify.h"
#include "emulator/drive.h"
#include "emulator/virtual_disc.h"
#include "mmc/device.h"

namespace {

using base::MediaType;

// Block `lba` of a test image: its number and a byte pattern, so a misplaced block shows.
std::vector<std::uint8_t> Image(std::uint32_t blocks, std::uint32_t seed = 1) {
  std::vector<std::uint8_t> out(std::size_t{blocks} * base::kBlockSize);
  for (std::uint32_t b = 0; b < blocks; ++b) {
    std::uint8_t* p = &out[std::size_t{b} * base::kBlockSize];
    for (std::uint32_t i = 0; i < base::kBlockSize; ++i) {
      p[i] = static_cast<std::uint8_t>((b * 7 + i * 13 + seed) & 0xFF);
    }
    std::memcpy(p, &b, sizeof b);
  }
  return out;
}

struct Rig {
  explicit Rig(MediaType m, emulator::Faults faults = {}) {
    auto disc = emulator::VirtualDisc::CreateInMemory(m);
    disc->set_faults(faults);
    drive = std::make_unique<emulator::Drive>(std::move(disc));
    device = std::make_unique<mmc::Device>(*drive);
  }
  emulator::DiscSummary Summary() const {
    return drive->WithDisc([](const emulator::VirtualDisc* d) { return d->Summary(); });
  }
  std::vector<std::uint8_t> ReadBack(std::int32_t lba, std::uint32_t blocks) const {
    std::vector<std::uint8_t> out(std::size_t{blocks} * base::kBlockSize);
    drive->WithDisc([&](const emulator::VirtualDisc* d) {
      EXPECT_TRUE(d->ReadUserData(lba, blocks, out));
      return 0;
    });
    return out;
  }
  std::unique_ptr<emulator::Drive> drive;
  std::unique_ptr<mmc::Device> device;
};

// Opens, streams `image` in uneven pieces (as fs::Emit does), commits.
base::Expected<std::unique_ptr<burn::DataWriter>> Burn(Rig& rig, const std::vector<std::uint8_t>& image,
                                                       const burn::DataBurnOptions& o) {
  const auto blocks = static_cast<std::uint32_t>(image.size() / base::kBlockSize);
  ASSIGN_OR_RETURN(auto w, burn::DataWriter::Open(*rig.device, blocks, o));
  w->set_limit(image.size());
  std::size_t pos = 0;
  std::size_t step = 5000;
  while (pos < image.size()) {
    const std::size_t n = std::min(step, image.size() - pos);
    RETURN_IF_ERROR(w->Write(std::span<const std::uint8_t>(image.data() + pos, n)));
    pos += n;
    step = step * 3 % 200000 + 1;
  }
  RETURN_IF_ERROR(w->Commit());
  return w;
}

base::Status FullVerify(Rig& rig, const burn::DataWriter& w, const std::vector<std::uint8_t>& image) {
  burn::VerifySink sink(*rig.device, w.start_lba(),
                        static_cast<std::uint32_t>(image.size() / base::kBlockSize), "test");
  RETURN_IF_ERROR(sink.Write(image));
  return sink.Commit();
}

struct Case {
  MediaType media;
  burn::WriteMode mode;
  bool close;
};

// Every medium the emulator models, in every write mode the engine offers, closed and
// left appendable: the data reads back, both verifications pass, and the disc state is
// the one asked for.
TEST(BurnEngine, EveryMediumEveryMode) {
  std::vector<Case> cases;
  for (const base::MediaInfo& m : base::AllMedia()) {
    for (bool close : {false, true}) {
      cases.push_back({m.type, burn::WriteMode::kAuto, close});
    }
  }
  for (MediaType m : {MediaType::kCdR, MediaType::kCdRw}) {
    cases.push_back({m, burn::WriteMode::kSao, false});
    cases.push_back({m, burn::WriteMode::kSao, true});
  }
  for (MediaType m : {MediaType::kDvdMinusR, MediaType::kDvdMinusRw, MediaType::kDvdMinusRDl}) {
    cases.push_back({m, burn::WriteMode::kSao, true});
  }
  const std::vector<std::uint8_t> image = Image(777);
  for (const Case& c : cases) {
    const base::MediaInfo& info = base::GetMediaInfo(c.media);
    SCOPED_TRACE(std::string(info.name) + " " + burn::WriteModeName(c.mode) +
                 (c.close ? " close" : " append"));
    Rig rig(c.media);
    burn::DataBurnOptions o;
    o.close = c.close;
    o.mode = c.mode;
    o.where = "test";
    std::vector<burn::Action> actions;
    o.progress = [&](const burn::Progress& p) {
      if (actions.empty() || actions.back() != p.action) actions.push_back(p.action);
    };
    auto w = Burn(rig, image, o);
    ASSERT_TRUE(w) << w.error().ToString();
    EXPECT_EQ((*w)->start_lba(), 0u);
    EXPECT_EQ(rig.ReadBack(0, 777), image);
    EXPECT_TRUE(burn::VerifyQuick(*rig.device, 0, (*w)->track_blocks(), (*w)->chunk_hashes(), "t"));
    auto full = FullVerify(rig, **w, image);
    EXPECT_TRUE(full) << full.error().ToString();
    ASSERT_GE(actions.size(), 4u);
    EXPECT_EQ(actions.front(), burn::Action::kValidating);
    EXPECT_EQ(actions.back(), burn::Action::kDone);
    const emulator::DiscSummary s = rig.Summary();
    const bool sequential = s.state != emulator::DiscState::kFormatted;
    if (sequential) {
      // DVD-R DAO always closes; otherwise the disc is as asked (IMAPI2's
      // ForceMediaToBeClosed).
      EXPECT_EQ(s.state, c.close ? emulator::DiscState::kComplete : emulator::DiscState::kAppendable);
      ASSERT_FALSE(s.tracks.empty());
      EXPECT_EQ(s.tracks.front().start_lba, 0);
      EXPECT_GE(s.tracks.front().recorded, 777u);
    }
  }
}

TEST(BurnEngine, CdTrackIsPaddedToFourSeconds) {
  Rig rig(MediaType::kCdR);
  burn::DataBurnOptions o;
  auto w = Burn(rig, Image(20), o);
  ASSERT_TRUE(w) << w.error().ToString();
  EXPECT_EQ((*w)->track_blocks(), 300u);
  EXPECT_EQ(rig.Summary().tracks.front().recorded, 300u);
}

TEST(BurnEngine, DvdPlusRDlLayerBreakSetAndCrossed) {
  const base::MediaInfo& info = base::GetMediaInfo(MediaType::kDvdPlusRDl);
  // More than 1/8 of the disc, so the break moves to the middle of the image (the
  // drive accepts 1/16 .. 1/2 of the capacity).
  const std::uint32_t blocks = info.capacity_sectors / 8 + 1000;
  std::vector<std::uint8_t> image(std::size_t{blocks} * base::kBlockSize, 0);
  const std::uint32_t expected_break = (blocks + 1) / 2 / 16 * 16 + ((blocks + 1) / 2 % 16 ? 16 : 0);
  for (std::uint32_t lba : {0u, expected_break - 1, expected_break, blocks - 1}) {
    std::memset(&image[std::size_t{lba} * base::kBlockSize], static_cast<int>(lba % 251 + 1), 2048);
  }
  Rig rig(MediaType::kDvdPlusRDl);
  burn::DataBurnOptions o;
  o.close = true;
  auto w = Burn(rig, image, o);
  ASSERT_TRUE(w) << w.error().ToString();
  const emulator::DiscSummary s = rig.Summary();
  ASSERT_TRUE(s.layer_break);
  EXPECT_EQ(*s.layer_break, expected_break);
  EXPECT_LT(*s.layer_break, blocks);  // the track crosses it
  for (std::uint32_t lba : {expected_break - 1, expected_break, blocks - 1}) {
    EXPECT_EQ(rig.ReadBack(static_cast<std::int32_t>(lba), 1),
              std::vector<std::uint8_t>(image.begin() + std::ptrdiff_t{lba} * 2048,
                                        image.begin() + std::ptrdiff_t{lba + 1} * 2048));
  }
  EXPECT_EQ(s.state, emulator::DiscState::kComplete);
}

TEST(BurnEngine, SimulationRecordsNothing) {
  for (MediaType m : {MediaType::kCdR, MediaType::kDvdMinusR}) {
    Rig rig(m);
    burn::DataBurnOptions o;
    o.simulate = true;
    auto w = Burn(rig, Image(400), o);
    ASSERT_TRUE(w) << w.error().ToString();
    EXPECT_EQ(rig.Summary().state, emulator::DiscState::kBlank);
  }
  Rig plus(MediaType::kDvdPlusR);
  burn::DataBurnOptions o;
  o.simulate = true;
  auto w = burn::DataWriter::Open(*plus.device, 100, o);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code(), base::ErrorCode::kUnsupported);
  EXPECT_NE(w.error().what().find("no test write"), std::string::npos);
}

TEST(BurnEngine, MediumChecks) {
  burn::DataBurnOptions o;
  o.where = "emu:x";
  {  // too big
    Rig rig(MediaType::kCdR);
    auto w = burn::DataWriter::Open(*rig.device, base::GetMediaInfo(MediaType::kCdR).capacity_sectors + 1, o);
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().code(), base::ErrorCode::kInvalidInput);
    EXPECT_NE(w.error().ToString().find("blocks free"), std::string::npos) << w.error().ToString();
    EXPECT_EQ(rig.Summary().state, emulator::DiscState::kBlank);
  }
  {  // appendable, then closed
    Rig rig(MediaType::kDvdPlusR);
    ASSERT_TRUE(Burn(rig, Image(64), o));
    auto again = burn::DataWriter::Open(*rig.device, 64, o);
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().what().find("appendable"), std::string::npos) << again.error().ToString();
    Rig closed(MediaType::kCdR);
    burn::DataBurnOptions c = o;
    c.close = true;
    ASSERT_TRUE(Burn(closed, Image(300), c));
    auto refused = burn::DataWriter::Open(*closed.device, 64, o);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().what().find("is closed"), std::string::npos) << refused.error().ToString();
  }
  {  // DVD-R DAO without --close
    Rig rig(MediaType::kDvdMinusR);
    burn::DataBurnOptions d = o;
    d.mode = burn::WriteMode::kSao;
    EXPECT_FALSE(burn::DataWriter::Open(*rig.device, 64, d));
  }
  {  // no medium
    emulator::Drive empty;
    mmc::Device device(empty);
    auto w = burn::DataWriter::Open(device, 64, o);
    ASSERT_FALSE(w);
    EXPECT_NE(w.error().what().find("no medium"), std::string::npos);
  }
}

// Injected faults end in a clear error, never a false success.
TEST(BurnEngine, FaultsAreReported) {
  const std::vector<std::uint8_t> image = Image(2000);
  burn::DataBurnOptions o;
  o.where = "emu:f";
  {
    emulator::Faults f;
    f.write_error_lba = 1000;
    Rig rig(MediaType::kDvdPlusR, f);
    auto w = Burn(rig, image, o);
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().code(), base::ErrorCode::kDevice);
    EXPECT_NE(w.error().ToString().find("03/0C/00"), std::string::npos) << w.error().ToString();
    EXPECT_NE(w.error().ToString().find("unfinished track"), std::string::npos);
    EXPECT_NE(w.error().ToString().find("LBA 992"), std::string::npos) << w.error().ToString();
  }
  {
    emulator::Faults f;
    f.power_loss_after_writes = 10;
    Rig rig(MediaType::kBdR, f);
    auto w = Burn(rig, image, o);
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().code(), base::ErrorCode::kIo);
    EXPECT_NE(w.error().ToString().find("transport failure"), std::string::npos) << w.error().ToString();
  }
  {
    emulator::Faults f;
    f.remove_after_writes = 5;
    Rig rig(MediaType::kCdRw, f);
    auto w = Burn(rig, image, o);
    ASSERT_FALSE(w);
    EXPECT_NE(w.error().ToString().find("06/28/00"), std::string::npos) << w.error().ToString();
  }
  {
    emulator::Faults f;
    f.wrong_medium = true;
    Rig rig(MediaType::kDvdMinusR, f);
    auto w = Burn(rig, image, o);
    ASSERT_FALSE(w);
    EXPECT_NE(w.error().ToString().find("05/30/05"), std::string::npos) << w.error().ToString();
  }
  {  // a slow medium is slow, and still right
    emulator::Faults f;
    f.slow_ms_per_command = 20;
    Rig rig(MediaType::kDvdRam, f);
    const auto start = std::chrono::steady_clock::now();
    auto w = Burn(rig, Image(320), o);
    ASSERT_TRUE(w) << w.error().ToString();
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
    EXPECT_TRUE(FullVerify(rig, **w, Image(320)));
  }
}

TEST(BurnEngine, FullVerifyNamesTheFirstCorruptedBlock) {
  Rig rig(MediaType::kDvdRam);
  const std::vector<std::uint8_t> image = Image(500);
  burn::DataBurnOptions o;
  auto w = Burn(rig, image, o);
  ASSERT_TRUE(w);
  ASSERT_TRUE(FullVerify(rig, **w, image));
  // One sector changed on the medium behind the engine's back.
  std::vector<std::uint8_t> bad(image.begin() + 321 * 2048, image.begin() + 322 * 2048);
  bad[100] ^= 1;
  ASSERT_TRUE(rig.device->Write10(321, 1, bad));
  auto st = FullVerify(rig, **w, image);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), base::ErrorCode::kMismatch);
  EXPECT_NE(st.error().where().find("LBA 321"), std::string::npos) << st.error().ToString();
  // The quick verification samples LBA 320..351 (chunk 10 of 16 spread ones) or not; the
  // sampled chunks of an intact region pass, so corrupt a sampled one too.
  auto quick = burn::VerifyQuick(*rig.device, 0, (*w)->track_blocks(), (*w)->chunk_hashes(), "t");
  std::vector<std::uint8_t> first(image.begin(), image.begin() + 2048);
  first[7] ^= 0x80;
  ASSERT_TRUE(rig.device->Write10(0, 1, first));
  auto quick2 = burn::VerifyQuick(*rig.device, 0, (*w)->track_blocks(), (*w)->chunk_hashes(), "t");
  ASSERT_FALSE(quick2);
  EXPECT_NE(quick2.error().where().find("LBA 0"), std::string::npos);
  (void)quick;
}

TEST(BurnEngine, EraseAndReburn) {
  for (MediaType m : {MediaType::kCdRw, MediaType::kDvdMinusRw, MediaType::kDvdPlusRw,
                      MediaType::kBdRe, MediaType::kDvdRam}) {
    SCOPED_TRACE(std::string(base::GetMediaInfo(m).name));
    Rig rig(m);
    burn::DataBurnOptions o;
    o.close = true;
    ASSERT_TRUE(Burn(rig, Image(400, 1), o));
    for (bool full : {false, true}) {
      burn::EraseOptions e;
      e.full = full;
      std::vector<burn::Action> actions;
      e.progress = [&](const burn::Progress& p) { actions.push_back(p.action); };
      auto st = burn::Erase(*rig.device, e);
      ASSERT_TRUE(st) << st.error().ToString();
      EXPECT_EQ(actions.back(), burn::Action::kDone);
      EXPECT_TRUE(std::find(actions.begin(), actions.end(), burn::Action::kFormatting) != actions.end());
      const emulator::DiscSummary s = rig.Summary();
      if (m == MediaType::kCdRw || m == MediaType::kDvdMinusRw) {
        EXPECT_EQ(s.state, emulator::DiscState::kBlank);
      }
      EXPECT_EQ(rig.ReadBack(0, 1), std::vector<std::uint8_t>(2048, 0));
    }
    auto w = Burn(rig, Image(400, 2), o);
    ASSERT_TRUE(w) << w.error().ToString();
    EXPECT_EQ(rig.ReadBack(0, 400), Image(400, 2));
  }
  Rig once(MediaType::kDvdPlusR);
  auto st = burn::Erase(*once.device, {});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().what().find("write-once"), std::string::npos);
}

TEST(BurnEngine, CancelLeavesADefinedState) {
  Rig rig(MediaType::kDvdMinusR);
  std::atomic<bool> cancel{false};
  burn::DataBurnOptions o;
  o.cancel = &cancel;
  o.progress = [&](const burn::Progress& p) {
    if (p.action == burn::Action::kWriting) cancel = true;  // Ctrl-C at the first report
  };
  auto w = Burn(rig, Image(2000), o);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code(), base::ErrorCode::kCancelled);
  EXPECT_NE(w.error().what().find("unfinished track"), std::string::npos) << w.error().ToString();
  const emulator::DiscSummary s = rig.Summary();
  ASSERT_FALSE(s.tracks.empty());
  EXPECT_LT(s.tracks.front().recorded, 2000u);
  EXPECT_GE(s.tracks.front().recorded, 32u);
}

TEST(BurnEngine, TwoDrivesFromOneStream) {
  Rig a(MediaType::kDvdPlusR);
  Rig b(MediaType::kBdRe);
  const std::vector<std::uint8_t> image = Image(3000);
  burn::DataBurnOptions o;
  auto wa = burn::DataWriter::Open(*a.device, 3000, o);
  auto wb = burn::DataWriter::Open(*b.device, 3000, o);
  ASSERT_TRUE(wa && wb);
  burn::FanOutSink fan({wa->get(), wb->get()});
  ASSERT_TRUE(fan.Write(image));
  ASSERT_TRUE(fan.Commit());
  EXPECT_FALSE(fan.error(0));
  EXPECT_FALSE(fan.error(1));
  ASSERT_TRUE((*wa)->Commit());
  ASSERT_TRUE((*wb)->Commit());
  EXPECT_EQ(a.ReadBack(0, 3000), image);
  EXPECT_EQ(b.ReadBack(0, 3000), image);
}

TEST(BurnEngine, OneFailingDriveDoesNotStopTheOther) {
  emulator::Faults f;
  f.write_error_lba = 100;
  Rig bad(MediaType::kCdR, f);
  Rig good(MediaType::kCdR);
  const std::vector<std::uint8_t> image = Image(3000);
  burn::DataBurnOptions o;
  auto wa = burn::DataWriter::Open(*bad.device, 3000, o);
  auto wb = burn::DataWriter::Open(*good.device, 3000, o);
  ASSERT_TRUE(wa && wb);
  burn::FanOutSink fan({wa->get(), wb->get()});
  ASSERT_TRUE(fan.Write(image));
  ASSERT_TRUE(fan.Commit());
  ASSERT_TRUE(fan.error(0));
  EXPECT_NE(fan.error(0)->ToString().find("write error"), std::string::npos);
  EXPECT_FALSE(fan.error(1));
  ASSERT_TRUE((*wb)->Commit());
  EXPECT_EQ(good.ReadBack(0, 3000), image);
}

TEST(BurnEngine, DescribeDrive) {
  Rig rig(MediaType::kBdR);
  auto d = burn::DescribeDrive(*rig.device);
  ASSERT_TRUE(d) << d.error().ToString();
  EXPECT_EQ(d->vendor, "MKIMG");
  EXPECT_EQ(d->medium.kind, burn::MediumKind::kBdR);
  EXPECT_EQ(d->medium.state, burn::MediumState::kBlank);
  EXPECT_EQ(d->medium.free_blocks, base::GetMediaInfo(MediaType::kBdR).capacity_sectors);
  EXPECT_FALSE(d->medium.speeds.empty());
  EXPECT_GT(d->profiles.size(), 10u);
}

}  // namespace

namespace {

// Two CD-DA tracks Track-at-Once: the TOC lists them as audio with the TAO gap between,
// and READ CD returns the samples as sent (padded with silence to 4 s).
TEST(BurnEngine, AudioTrackAtOnce) {
  Rig rig(MediaType::kCdRw);
  std::vector<std::vector<std::uint8_t>> pcm = {std::vector<std::uint8_t>(400 * 2352 + 1000),
                                                std::vector<std::uint8_t>(100 * 2352)};
  for (std::size_t t = 0; t < pcm.size(); ++t) {
    for (std::size_t i = 0; i < pcm[t].size(); ++i) pcm[t][i] = static_cast<std::uint8_t>(i * (t + 3));
  }
  burn::AudioBurnOptions o;
  o.mcn = "0123456789012";
  std::vector<burn::AudioTrack> tracks = {{pcm[0].size(), "USABC2600001"}, {pcm[1].size(), ""}};
  auto w = burn::AudioWriter::Open(*rig.device, tracks, o);
  ASSERT_TRUE(w) << w.error().ToString();
  for (std::size_t t = 0; t < 2; ++t) {
    ASSERT_TRUE((*w)->BeginTrack(t));
    ASSERT_TRUE((*w)->Write(pcm[t]));
    ASSERT_TRUE((*w)->EndTrack());
  }
  auto st = (*w)->Commit();
  ASSERT_TRUE(st) << st.error().ToString();
  const emulator::DiscSummary s = rig.Summary();
  EXPECT_EQ(s.state, emulator::DiscState::kComplete);
  ASSERT_EQ(s.tracks.size(), 2u);
  EXPECT_EQ(s.tracks[0].mode, emulator::TrackMode::kAudio);
  EXPECT_EQ(s.tracks[0].recorded, 401u);
  EXPECT_EQ(s.tracks[1].start_lba, 401 + 152);  // 2 run-out blocks + 2 s pre-gap
  EXPECT_EQ(s.tracks[1].recorded, 300u);        // padded to 4 s
  EXPECT_EQ((*w)->track_starts(), (std::vector<std::uint32_t>{0, 553}));
  // READ CD (MMC-5 6.20), expected sector type CD-DA, user data only.
  for (std::uint32_t t = 0; t < 2; ++t) {
    const std::uint32_t lba = (*w)->track_starts()[t];
    std::vector<std::uint8_t> got(2352);
    const std::uint8_t cdb[12] = {0xBE, 0x04, static_cast<std::uint8_t>(lba >> 24),
                                  static_cast<std::uint8_t>(lba >> 16), static_cast<std::uint8_t>(lba >> 8),
                                  static_cast<std::uint8_t>(lba), 0, 0, 1, 0x10, 0, 0};
    ASSERT_TRUE(rig.device->Run(cdb, mmc::DataDirection::kFromDevice, got));
    EXPECT_EQ(got, std::vector<std::uint8_t>(pcm[t].begin(), pcm[t].begin() + 2352));
  }
  // Not blank any more: a second audio burn is refused.
  auto again = burn::AudioWriter::Open(*rig.device, tracks, o);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().what().find("not blank"), std::string::npos);
  // Bad ISRC and DVD media are refused.
  Rig dvd(MediaType::kDvdPlusR);
  EXPECT_FALSE(burn::AudioWriter::Open(*dvd.device, {{1000, ""}}, {}));
  Rig cd(MediaType::kCdR);
  EXPECT_FALSE(burn::AudioWriter::Open(*cd.device, {{1000, "BAD"}}, {}));
}

}  // namespace

namespace {

TEST(BurnEngine, ParseCue) {
  auto ok = burn::ParseCue(
      "REM made by a test\r\nCATALOG 0123456789012\nFILE \"a b.bin\" BINARY\n"
      "  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    ISRC USABC2600001\n"
      "    INDEX 00 01:00:00\n    INDEX 01 01:02:00\n",
      "x.cue", "/d");
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->bin, "/d/a b.bin");
  EXPECT_EQ(ok->catalog, "0123456789012");
  ASSERT_EQ(ok->tracks.size(), 2u);
  EXPECT_FALSE(ok->tracks[0].audio);
  EXPECT_TRUE(ok->tracks[1].audio);
  EXPECT_EQ(*ok->tracks[1].index0, 4500u);
  EXPECT_EQ(ok->tracks[1].index1, 4650u);
  EXPECT_EQ(ok->tracks[1].isrc, "USABC2600001");
  for (const char* bad :
       {"TRACK 01 AUDIO\nINDEX 01 00:00:00\n",                                 // no FILE
        "FILE \"a\" WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n",                // not BINARY
        "FILE \"a\" BINARY\nTRACK 01 MODE2/2352\nINDEX 01 00:00:00\n",         // mode
        "FILE \"a\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nTRACK 03 AUDIO\nINDEX 01 00:09:00\n",
        "FILE \"a\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nTRACK 02 AUDIO\n",  // no INDEX 01
        "FILE \"a\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:61:00\n",                  // seconds
        "FILE \"a\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:05:00\nTRACK 02 AUDIO\nINDEX 01 00:02:00\n",
        "FILE \"a\" BINARY\nTRACK 01 AUDIO\nPREGAP 00:02:00\nINDEX 01 00:00:00\n"}) {
    auto r = burn::ParseCue(bad, "x.cue", ".");
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code(), base::ErrorCode::kInvalidInput);
    }
  }
}

}  // namespace

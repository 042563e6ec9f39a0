// Persistent virtual discs and injected faults: reloads give back what was committed, a
// blank disc costs kilobytes, power loss at any point reloads the last consistent state,
// torn headers and damaged chunks are detected, and every fault of virtual_disc.h
// behaves as documented.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>

#include "cd/sector.h"
#include "disc_impl.h"
#include "emulator/drive.h"
#include "sector_store.h"
#include "test_util.h"

namespace emulator {
namespace {

using testing::In;
using testing::InCdb;
using testing::None;
using testing::OutCdb;
using testing::Pattern;
using testing::Read10;
using testing::Reply;
using testing::S;
using testing::Write10;

class PersistenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mkimg_emu_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

std::unique_ptr<VirtualDisc> MustOpen(const std::string& path) {
  auto d = VirtualDisc::Open(path);
  EXPECT_TRUE(d.has_value()) << (d ? "" : d.error().ToString());
  return d ? std::move(d).value() : nullptr;
}

TEST_F(PersistenceTest, BlankDiscsCostKilobytesForEveryMedium) {
  for (const base::MediaInfo& m : base::AllMedia()) {
    const std::string p = Path(std::string(m.name) + ".vd");
    {
      auto d = VirtualDisc::Create(m.type, p);
      ASSERT_TRUE(d.has_value()) << m.name;
      EXPECT_LT(std::filesystem::file_size(p), 64u * 1024) << m.name;
    }
    auto again = MustOpen(p);
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(again->media(), m.type);
    EXPECT_EQ(again->Summary().capacity_sectors, m.capacity_sectors);
  }
  EXPECT_FALSE(VirtualDisc::Create(base::MediaType::kCdR, Path("cd-r.vd")).has_value());  // exists
}

TEST_F(PersistenceTest, WrittenDataAndStateSurviveReload) {
  const std::string p = Path("d.vd");
  {
    auto disc = VirtualDisc::Create(base::MediaType::kDvdPlusR, p);
    ASSERT_TRUE(disc.has_value());
    Drive drive(std::move(disc).value());
    for (std::int32_t lba = 0; lba < 4096; lba += 16) {
      ASSERT_TRUE(OutCdb(drive, Write10(lba, 16), Pattern(lba, 16)).good());
    }
    ASSERT_TRUE(None(drive, "35 00 00 00 00 00 00 00 00 00").good());
    ASSERT_TRUE(None(drive, "5b 00 01 00 00 01 00 00 00 00").good());
    ASSERT_TRUE(None(drive, "5b 00 02 00 00 00 00 00 00 00").good());
  }
  auto disc = MustOpen(p);
  ASSERT_NE(disc, nullptr);
  DiscSummary s = disc->Summary();
  EXPECT_EQ(s.state, DiscState::kAppendable);
  ASSERT_EQ(s.tracks.size(), 2u);
  EXPECT_EQ(s.tracks[0].recorded, 4096u);
  EXPECT_EQ(s.tracks[0].state, TrackState::kComplete);
  EXPECT_EQ(disc->ReadableSectors(), 4096u);
  std::vector<std::uint8_t> buf(4096 * 2048);
  ASSERT_TRUE(disc->ReadUserData(0, 4096, buf));
  EXPECT_EQ(buf, Pattern(0, 4096));
  EXPECT_LT(disc->StorageBytes(), 4096u * 2048);  // compressed
  Drive drive(std::move(disc));
  Reply nwa = In(drive, "52 01 00 00 00 ff 00 00 30 00", 48);
  ASSERT_TRUE(nwa.good());
  EXPECT_GT(nwa.be32(12), 4096u);
}

// The main channel of an LBA written cooked: what a drive that frames on the fly records
// (ECMA-130 14, Annex A), computed here by cd/ rather than by the drive.
std::vector<std::uint8_t> FramedByHand(std::int32_t lba, std::uint8_t dbt) {
  std::vector<std::uint8_t> s(2352, 0);
  std::vector<std::uint8_t> user = Pattern(lba, 1);
  if (dbt == 8) {
    std::copy(user.begin(), user.end(), s.begin() + 16);
    cd::FrameMode1(lba, s.data());
  } else {
    std::copy(user.begin(), user.end(), s.begin() + 24);
    cd::FrameMode2Form1(lba, s.data());
  }
  return s;
}

// READ CD of one sector at `lba`: sync, headers, user data, EDC/ECC and raw P-W.
Reply ReadWhole(Drive& drive, std::int32_t lba) {
  std::vector<std::uint8_t> cdb = testing::Hex("be 00 00 00 00 00 00 00 01 f8 01 00");
  cdb[2] = static_cast<std::uint8_t>(lba >> 24);
  cdb[3] = static_cast<std::uint8_t>(lba >> 16);
  cdb[4] = static_cast<std::uint8_t>(lba >> 8);
  cdb[5] = static_cast<std::uint8_t>(lba);
  return InCdb(drive, cdb, 2448);
}

// Cooked CD sectors are stored as user data and framed when read whole: READ CD returns
// complete sectors and their sub-channel before and after a reload, for mode 1 and mode 2
// form 1; a blanked CD-RW rewritten with audio returns the audio as sent.
TEST_F(PersistenceTest, CdCookedSectorsReadWholeBeforeAndAfterReload) {
  for (std::uint8_t dbt : {std::uint8_t{8}, std::uint8_t{10}}) {
    SCOPED_TRACE(int{dbt});
    const std::string p = Path("cd" + std::to_string(dbt) + ".vd");
    std::vector<std::uint8_t> sub;  // P-W of LBA 299, the same after the reload
    auto expect_framed = [&](Drive& drive) {
      for (std::int32_t lba : {0, 1, 150, 299}) {
        Reply r = ReadWhole(drive, lba);
        ASSERT_TRUE(r.good()) << std::hex << r.sense();
        ASSERT_EQ(r.data.size(), 2448u);
        if (lba == 299) {
          std::vector<std::uint8_t> now(r.data.begin() + 2352, r.data.end());
          if (sub.empty()) sub = now;
          EXPECT_EQ(now, sub);
        }
        r.data.resize(2352);
        EXPECT_EQ(r.data, FramedByHand(lba, dbt)) << "LBA " << lba;
      }
      Reply user = InCdb(drive, Read10(0, 300), 300 * 2048);
      ASSERT_TRUE(user.good());
      EXPECT_EQ(user.data, Pattern(0, 300));
    };
    std::vector<std::uint8_t> audio(2352 * 300);
    for (std::size_t k = 0; k < audio.size(); ++k) audio[k] = static_cast<std::uint8_t>(k * 7);
    {
      Drive drive(VirtualDisc::Create(base::MediaType::kCdRw, p).value());
      ASSERT_TRUE(
          testing::Out(drive, "55 10 00 00 00 00 00 00 3c 00", testing::Page05(1, 4, dbt, 3))
              .good());
      ASSERT_TRUE(OutCdb(drive, Write10(0, 300), Pattern(0, 300)).good());
      ASSERT_TRUE(None(drive, "5b 00 02 00 00 00 00 00 00 00").good());
      expect_framed(drive);
    }
    {
      Drive drive(MustOpen(p));
      expect_framed(drive);
      ASSERT_TRUE(None(drive, "a1 00 00 00 00 00 00 00 00 00 00 00").good());  // BLANK disc
      ASSERT_TRUE(
          testing::Out(drive, "55 10 00 00 00 00 00 00 3c 00", testing::Page05(1, 0, 0, 3)).good());
      ASSERT_TRUE(OutCdb(drive, Write10(0, 300), audio).good());
      ASSERT_TRUE(None(drive, "5b 00 02 00 00 00 00 00 00 00").good());
    }
    Drive drive(MustOpen(p));
    for (std::int32_t lba : {0, 299}) {
      Reply r = ReadWhole(drive, lba);
      ASSERT_TRUE(r.good()) << std::hex << r.sense();
      ASSERT_EQ(r.data.size(), 2448u);
      const auto at = audio.begin() + std::ptrdiff_t{lba} * 2352;
      EXPECT_TRUE(std::equal(at, at + 2352, r.data.begin())) << "LBA " << lba;
    }
  }
}

// Version 1 of the disc state (before the framing runs) still loads; framing runs that
// do not fit the medium are refused.
TEST_F(PersistenceTest, DiscStateVersionsAndFramingRunsAreChecked) {
  const std::string p = Path("cd.vd");
  {
    Drive drive(VirtualDisc::Create(base::MediaType::kCdR, p).value());
    ASSERT_TRUE(
        testing::Out(drive, "55 10 00 00 00 00 00 00 3c 00", testing::Page05(1, 4, 8, 3)).good());
    ASSERT_TRUE(OutCdb(drive, Write10(0, 300), Pattern(0, 300)).good());
    ASSERT_TRUE(None(drive, "5b 00 02 00 00 00 00 00 00 00").good());
  }
  std::vector<std::uint8_t> meta;
  ASSERT_TRUE(OpenFileStore(p, &meta).has_value());
  // The runs: kept as stored up to LBA 0 (the lead-in, pre-gap), then 300 mode 1 sectors.
  ASSERT_GE(meta.size(), 4u + 2 * 5);
  const std::size_t runs_at = meta.size() - 4 - 2 * 5;
  EXPECT_EQ(meta[runs_at], 2);
  EXPECT_EQ(meta[runs_at + 4 + 5], 1);
  EXPECT_EQ(meta[runs_at + 4 + 5 + 1], 300 & 0xFF);
  auto remade = [&](const std::string& name, std::vector<std::uint8_t> blob) {
    const std::string q = Path(name);
    EXPECT_TRUE(CreateFileStore(q, DiscImpl::StoreBytes(base::MediaType::kCdR), blob).has_value());
    return VirtualDisc::Open(q);
  };
  std::vector<std::uint8_t> v1(meta.begin(), meta.begin() + static_cast<std::ptrdiff_t>(runs_at));
  v1[4] = 1;
  auto old = remade("v1.vd", v1);
  ASSERT_TRUE(old.has_value()) << old.error().ToString();
  EXPECT_EQ((*old)->Summary().tracks[0].recorded, 300u);
  for (auto [at, value] : {std::pair<std::size_t, std::uint8_t>{runs_at + 4, 3},  // kind 3
                           {runs_at + 4 + 5 + 4, 0x40},  // past the end of the medium
                           {runs_at, 9}}) {              // more runs than bytes
    std::vector<std::uint8_t> bad = meta;
    bad[at] = value;
    auto refused = remade("bad" + std::to_string(at) + ".vd", bad);
    ASSERT_FALSE(refused.has_value()) << at;
    EXPECT_NE(refused.error().ToString().find("framing run"), std::string::npos)
        << refused.error().ToString();
  }
}

// Power loss after N writes: the drive stops, and the file reloads as the last commit.
TEST_F(PersistenceTest, PowerLossReloadsLastCommit) {
  const std::string p = Path("p.vd");
  {
    auto disc = VirtualDisc::Create(base::MediaType::kDvdMinusR, p).value();
    Faults f;
    f.power_loss_after_writes = 5;
    disc->set_faults(f);
    ASSERT_TRUE(disc->Commit());
    Drive drive(std::move(disc));
    ASSERT_TRUE(OutCdb(drive, Write10(0, 16), Pattern(0, 16)).good());
    ASSERT_TRUE(OutCdb(drive, Write10(16, 16), Pattern(16, 16)).good());
    ASSERT_TRUE(None(drive, "35 00 00 00 00 00 00 00 00 00").good());  // commit: 32 sectors
    ASSERT_TRUE(OutCdb(drive, Write10(32, 16), Pattern(32, 16)).good());
    ASSERT_TRUE(OutCdb(drive, Write10(48, 16), Pattern(48, 16)).good());
    mmc::CommandResult last = OutCdb(drive, Write10(64, 16), Pattern(64, 16)).result;
    EXPECT_TRUE(last.transport_error);  // the fifth write never completes
    EXPECT_TRUE(drive.powered_off());
    EXPECT_TRUE(None(drive, "00 00 00 00 00 00").result.transport_error);
  }
  auto disc = MustOpen(p);
  ASSERT_NE(disc, nullptr);
  DiscSummary s = disc->Summary();
  ASSERT_FALSE(s.tracks.empty());
  EXPECT_EQ(s.tracks[0].recorded, 32u);
  EXPECT_EQ(s.tracks[0].next_writable, 32);
  std::vector<std::uint8_t> buf(32 * 2048);
  ASSERT_TRUE(disc->ReadUserData(0, 32, buf));
  EXPECT_EQ(buf, Pattern(0, 32));
  // The reloaded disc accepts writing again at its committed NWA.
  Faults none;
  disc->set_faults(none);
  Drive drive(std::move(disc));
  EXPECT_TRUE(OutCdb(drive, Write10(32, 16), Pattern(32, 16)).good());
}

// A crash part-way through a commit: every prefix of the bytes a commit appends, and a
// torn header, must reload as one of the two commits — never a mix.
TEST_F(PersistenceTest, InterruptedCommitAtEveryPointIsConsistent) {
  const std::string p = Path("c.vd");
  std::uintmax_t committed_size = 0;
  std::vector<std::uint8_t> before;
  {
    auto disc = VirtualDisc::Create(base::MediaType::kDvdPlusRw, p).value();
    Drive drive(std::move(disc));
    ASSERT_TRUE(testing::Out(drive, "04 11 00 00 00 00",
                             testing::Hex("00 82 00 08 00 23 05 40 98 00 00 00"))
                    .good());
    ASSERT_TRUE(OutCdb(drive, Write10(0, 64), Pattern(0, 64)).good());
    ASSERT_TRUE(drive.Commit());
  }
  committed_size = std::filesystem::file_size(p);
  {
    std::ifstream in(p, std::ios::binary);
    before.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::vector<std::uint8_t> after;
  {
    Drive drive(MustOpen(p));
    ASSERT_TRUE(OutCdb(drive, Write10(0, 64), Pattern(1000, 64)).good());
    ASSERT_TRUE(OutCdb(drive, Write10(640, 16), Pattern(640, 16)).good());
    ASSERT_TRUE(drive.Commit());
    std::ifstream in(p, std::ios::binary);  // exactly one commit after `before`
    after.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(after.size(), committed_size);
  // Simulate a crash: the appended bytes reached the disk up to `cut` — every byte
  // boundary of the commit — and the new header either did not (old header intact) or did
  // only when everything before it had (specs/emulator.md §3.2: data, fdatasync, header).
  const std::size_t appended = after.size() - committed_size;
  const std::string q = Path("crash.vd");
  auto reload = [&](const std::vector<std::uint8_t>& img) {
    {
      std::ofstream out(q, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(img.data()),
                static_cast<std::streamsize>(img.size()));
    }
    return MustOpen(q);
  };
  // Which commit a reloaded disc holds: 1 new, 0 old, -1 neither or a mix.
  auto which = [&](VirtualDisc& disc) {
    std::vector<std::uint8_t> buf(64 * 2048);
    if (!disc.ReadUserData(0, 64, buf)) return -1;
    const bool is_new = buf == Pattern(1000, 64);
    const bool is_old = buf == Pattern(0, 64);
    if (is_new != disc.HasData(640, 16)) return -1;  // state and data from different commits
    return is_new ? 1 : is_old ? 0 : -1;
  };
  for (std::size_t cut = 0; cut <= appended; ++cut) {
    for (bool new_header : {false, true}) {
      if (new_header && cut < appended) continue;  // the header follows the synced data
      std::vector<std::uint8_t> img(
          after.begin(), after.begin() + static_cast<std::ptrdiff_t>(committed_size + cut));
      if (!new_header) std::copy(before.begin(), before.begin() + 8192, img.begin());
      auto disc = reload(img);
      ASSERT_NE(disc, nullptr) << cut << " " << new_header;
      ASSERT_EQ(which(*disc), new_header ? 1 : 0) << "cut after " << cut << " of " << appended;
    }
  }
  // The new header written into the older slot, torn after every byte of its 64: the
  // reload is the old commit until the header is whole, then the new one; a header
  // garbled in either slot falls back to the other copy's commit.
  std::size_t new_slot = 0;
  if (std::equal(after.begin(), after.begin() + 64, before.begin())) new_slot = 4096;
  ASSERT_FALSE(std::equal(after.begin() + static_cast<std::ptrdiff_t>(new_slot),
                          after.begin() + static_cast<std::ptrdiff_t>(new_slot + 64),
                          before.begin() + static_cast<std::ptrdiff_t>(new_slot)));
  for (std::size_t k = 0; k <= 64; ++k) {
    std::vector<std::uint8_t> img = after;
    std::copy(before.begin() + static_cast<std::ptrdiff_t>(new_slot + k),
              before.begin() + static_cast<std::ptrdiff_t>(new_slot + 4096),
              img.begin() + static_cast<std::ptrdiff_t>(new_slot + k));
    auto disc = reload(img);
    ASSERT_NE(disc, nullptr) << k;
    // Bytes equal in both headers make some shorter tears whole already.
    const bool whole = std::equal(img.begin() + static_cast<std::ptrdiff_t>(new_slot),
                                  img.begin() + static_cast<std::ptrdiff_t>(new_slot + 64),
                                  after.begin() + static_cast<std::ptrdiff_t>(new_slot));
    EXPECT_EQ(which(*disc), whole ? 1 : 0) << "header torn after byte " << k;
  }
  for (std::size_t slot : {std::size_t{0}, std::size_t{4096}}) {
    std::vector<std::uint8_t> img = after;
    img[slot + 20] ^= 0x5A;
    auto disc = reload(img);
    ASSERT_NE(disc, nullptr) << slot;
    EXPECT_EQ(which(*disc), slot == new_slot ? 0 : 1) << "garbled header in slot " << slot;
  }
}

TEST_F(PersistenceTest, RewritesAreCompacted) {
  const std::string p = Path("rw.vd");
  std::vector<std::uint8_t> data(1024 * 2048);
  std::uint32_t seed = 1;
  {
    Drive drive(VirtualDisc::Create(base::MediaType::kDvdRam, p).value());
    for (int round = 0; round < 12; ++round) {
      for (auto& b : data) {
        seed = seed * 1103515245u + 12345u;
        b = static_cast<std::uint8_t>(seed >> 24);
      }
      ASSERT_TRUE(OutCdb(drive, Write10(0, 1024), data).good());
      ASSERT_TRUE(drive.Commit());
      EXPECT_LT(std::filesystem::file_size(p), 8u * data.size()) << round;
    }
    // The compacted file took the old one's name locked: nobody else can open it.
    EXPECT_FALSE(VirtualDisc::Open(p).has_value());
  }
  EXPECT_FALSE(std::filesystem::exists(p + ".compact"));
  auto disc = MustOpen(p);
  ASSERT_NE(disc, nullptr);
  std::vector<std::uint8_t> back(data.size());
  ASSERT_TRUE(disc->ReadUserData(0, 1024, back));
  EXPECT_EQ(back, data);
}

// One user at a time (specs/emulator.md §3.4): a second open, from this process or
// another, is refused naming the holder; a holder that dies frees the disc at once.
TEST_F(PersistenceTest, OneUserAtATime) {
  const std::string p = Path("lock.vd");
  {
    auto first = VirtualDisc::Create(base::MediaType::kDvdPlusR, p);
    ASSERT_TRUE(first.has_value());
    auto second = VirtualDisc::Open(p);
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().code(), base::ErrorCode::kDevice);
    EXPECT_NE(second.error().what().find("in use"), std::string::npos) << second.error().ToString();
  }
  int ready[2], release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto held = VirtualDisc::Open(p);
    const char ok = held.has_value() ? 'y' : 'n';
    (void)!::write(ready[1], &ok, 1);
    char c;
    (void)!::read(release[0], &c, 1);  // holds the disc until killed
    ::_exit(0);
  }
  char ok = 0;
  ASSERT_EQ(::read(ready[0], &ok, 1), 1);
  ASSERT_EQ(ok, 'y');
  auto refused = VirtualDisc::Open(p);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().what().find("pid " + std::to_string(child)), std::string::npos)
      << refused.error().ToString();
  EXPECT_NE(refused.error().what().find("emulator_tests"), std::string::npos)  // its command
      << refused.error().ToString();
  ::kill(child, SIGKILL);  // a crashed holder
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  auto freed = VirtualDisc::Open(p);
  EXPECT_TRUE(freed.has_value()) << (freed ? "" : freed.error().ToString());
  for (int fd : {ready[0], ready[1], release[0], release[1]}) ::close(fd);
}

TEST_F(PersistenceTest, DamageIsReportedNotHidden) {
  const std::string p = Path("x.vd");
  {
    std::ofstream out(p, std::ios::binary);
    out << std::string(10000, 'x');
  }
  auto bad = VirtualDisc::Open(p);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), base::ErrorCode::kCorruptImage);
  EXPECT_FALSE(VirtualDisc::Open(Path("missing.vd")).has_value());

  const std::string q = Path("y.vd");
  std::uintmax_t chunk_at = 0;
  {
    Drive drive(VirtualDisc::Create(base::MediaType::kDvdRam, q).value());
    chunk_at = std::filesystem::file_size(q);  // the first chunk is appended here
    ASSERT_TRUE(OutCdb(drive, Write10(0, 16), Pattern(0, 16)).good());
  }
  // Flip a byte inside the first chunk record.
  {
    std::fstream f(q, std::ios::binary | std::ios::in | std::ios::out);
    const auto at = static_cast<std::streamoff>(chunk_at + 40);
    f.seekg(at);
    char c;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x01);
    f.seekp(at);
    f.write(&c, 1);
  }
  Drive drive(MustOpen(q));
  EXPECT_EQ(InCdb(drive, Read10(0, 1), 2048).sense(), S(3, 0x11, 0));
}

TEST_F(PersistenceTest, WriteErrorFault) {
  auto disc = VirtualDisc::CreateInMemory(base::MediaType::kDvdPlusR);
  Faults f;
  f.write_error_lba = 40;
  disc->set_faults(f);
  Drive drive(std::move(disc));
  ASSERT_TRUE(OutCdb(drive, Write10(0, 32), Pattern(0, 32)).good());
  EXPECT_EQ(OutCdb(drive, Write10(32, 16), Pattern(32, 16)).sense(), S(3, 0x0C, 0));
  EXPECT_EQ(In(drive, "52 01 00 00 00 ff 00 00 30 00", 48).be32(12), 32u);  // nothing recorded
}

TEST_F(PersistenceTest, MediumRemovedMidBurn) {
  const std::string p = Path("r.vd");
  auto disc = VirtualDisc::Create(base::MediaType::kBdR, p).value();
  Faults f;
  f.remove_after_writes = 2;
  disc->set_faults(f);
  Drive drive(std::move(disc));
  ASSERT_TRUE(OutCdb(drive, Write10(0, 32), Pattern(0, 32)).good());
  ASSERT_TRUE(OutCdb(drive, Write10(32, 32), Pattern(32, 32)).good());
  EXPECT_EQ(OutCdb(drive, Write10(64, 32), Pattern(64, 32)).sense(), S(6, 0x28, 0));
  EXPECT_EQ(OutCdb(drive, Write10(64, 32), Pattern(64, 32)).sense(), S(2, 0x3A, 0));
  EXPECT_FALSE(drive.has_medium());
  auto out = drive.Eject();
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->Summary().tracks[0].recorded, 64u);  // what was written is on the disc
  out.reset();
  EXPECT_EQ(MustOpen(p)->Summary().tracks[0].recorded, 64u);
}

TEST_F(PersistenceTest, SlowAndWrongMedium) {
  auto slow = VirtualDisc::CreateInMemory(base::MediaType::kDvdRam);
  Faults f;
  f.slow_ms_per_command = 20;
  slow->set_faults(f);
  Drive drive(std::move(slow));
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(OutCdb(drive, Write10(0, 1), Pattern(0, 1)).good());
  ASSERT_TRUE(InCdb(drive, Read10(0, 1), 2048).good());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(40));

  auto wrong = VirtualDisc::CreateInMemory(base::MediaType::kCdRw);
  Faults w;
  w.wrong_medium = true;
  wrong->set_faults(w);
  Drive d2(std::move(wrong));
  EXPECT_TRUE(In(d2, "51 00 00 00 00 00 00 00 22 00", 34).good());  // reported and readable
  EXPECT_EQ(OutCdb(d2, Write10(0, 1), Pattern(0, 1)).sense(), S(5, 0x30, 0x05));
  EXPECT_EQ(None(d2, "a1 00 00 00 00 00 00 00 00 00 00 00").sense(), S(5, 0x30, 0x05));
  EXPECT_EQ(None(d2, "53 00 00 00 00 00 00 01 00 00").sense(), S(5, 0x30, 0x05));
}

TEST_F(PersistenceTest, FaultsPersistWithTheDisc) {
  const std::string p = Path("f.vd");
  {
    auto disc = VirtualDisc::Create(base::MediaType::kCdR, p).value();
    Faults f;
    f.write_error_lba = 1234;
    f.power_loss_after_writes = 77;
    f.remove_after_writes = 88;
    f.slow_ms_per_command = 5;
    f.wrong_medium = true;
    disc->set_faults(f);
    ASSERT_TRUE(disc->Commit());
  }
  Faults g = MustOpen(p)->faults();
  EXPECT_EQ(g.write_error_lba, 1234);
  EXPECT_EQ(g.power_loss_after_writes, 77u);
  EXPECT_EQ(g.remove_after_writes, 88u);
  EXPECT_EQ(g.slow_ms_per_command, 5u);
  EXPECT_TRUE(g.wrong_medium);
}

}  // namespace
}  // namespace emulator

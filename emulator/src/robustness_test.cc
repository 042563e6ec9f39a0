// Hostile input never crashes or hangs the drive: random CDBs of every length, with
// random parameter data, on every medium and state, must each end in GOOD or CHECK
// CONDITION with well-formed sense. (fuzz/drive_command_fuzzer.cc does the same with
// sequences of commands, without bounds.)
#include <gtest/gtest.h>

#include <random>

#include "emulator/drive.h"
#include "test_util.h"

namespace emulator {
namespace {

TEST(RobustnessTest, RandomCommandsOnEveryMedium) {
  static constexpr std::uint8_t kOpcodes[] = {
      0x00, 0x01, 0x03, 0x04, 0x12, 0x15, 0x1A, 0x1B, 0x1E, 0x23, 0x25, 0x28, 0x2A, 0x2B,
      0x2E, 0x35, 0x3C, 0x43, 0x46, 0x4A, 0x51, 0x52, 0x53, 0x54, 0x55, 0x5A, 0x5B, 0x5C,
      0x5D, 0xA0, 0xA1, 0xA8, 0xAA, 0xAC, 0xAD, 0xB6, 0xB9, 0xBB, 0xBD, 0xBE, 0xBF};
  std::mt19937 rng(20261124);
  for (const base::MediaInfo& m : base::AllMedia()) {
    Drive drive(VirtualDisc::CreateInMemory(m.type));
    for (int i = 0; i < 1000; ++i) {
      std::vector<std::uint8_t> cdb(std::uniform_int_distribution<std::size_t>(0, 16)(rng));
      for (auto& b : cdb) b = static_cast<std::uint8_t>(rng());
      if (!cdb.empty()) cdb[0] = kOpcodes[rng() % sizeof(kOpcodes)];
      // Small LBAs and lengths most of the time, so commands reach deep code paths.
      if (cdb.size() >= 10 && rng() % 2 == 0) {
        cdb[2] = cdb[3] = 0;
        cdb[4] = static_cast<std::uint8_t>(rng() % 2);
        cdb[7] = 0;
        cdb[8] = static_cast<std::uint8_t>(rng() % 40);
      }
      const std::size_t len =
          std::uniform_int_distribution<std::size_t>(0, 70000)(rng) % (rng() % 2 ? 100 : 70000);
      std::vector<std::uint8_t> data(len);
      for (auto& b : data) b = static_cast<std::uint8_t>(rng());
      const auto dir = static_cast<mmc::DataDirection>(rng() % 3);
      mmc::CommandResult r = drive.Execute(cdb, dir, data, 0);
      ASSERT_FALSE(r.transport_error);
      if (r.status == mmc::ScsiStatus::kCheckCondition) {
        ASSERT_EQ(r.sense.size(), 18u);
        ASSERT_EQ(r.sense[0], 0x70);
      } else {
        ASSERT_EQ(r.status, mmc::ScsiStatus::kGood);
        ASSERT_LE(r.transferred, data.size());
      }
    }
  }
}

}  // namespace
}  // namespace emulator

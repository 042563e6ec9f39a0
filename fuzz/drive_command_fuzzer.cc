// libFuzzer target for the virtual recorder (emulator/): random sequences of MMC commands
// with random parameter data, on a blank in-memory disc of any medium. The input is
//   byte 0            the medium (an index into base::AllMedia())
//   then, per command: cdb length (0-16, mod 17), the CDB, direction (mod 3: none, in,
//                      out), a 16-bit little-endian data length (at most 64 KiB), and for
//                      data-out commands that many parameter bytes (zero-filled when the
//                      input ends).
// Property (the drive's contract, emulator/drive.h): every command ends in GOOD or CHECK
// CONDITION with 18 bytes of fixed-format sense (response code 70h, a sense key below
// 10h), never a transport error (no faults are injected), never more bytes moved than the
// buffer holds; the disc's reported state stays consistent (tracks in order, recorded
// sectors within each track). Anything else aborts. Target name: drive_command_fuzzer.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "base/media.h"
#include "emulator/drive.h"
#include "emulator/virtual_disc.h"
#include "fuzz/drive_contract.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto media = base::AllMedia();
  const base::MediaInfo& m = media[data[0] % media.size()];
  emulator::Drive drive(emulator::VirtualDisc::CreateInMemory(m.type));
  std::size_t pos = 1;
  auto next = [&]() -> std::uint8_t { return pos < size ? data[pos++] : 0; };
  std::vector<std::uint8_t> buffer;
  for (std::size_t command = 0; pos < size && command < 256; ++command) {
    std::vector<std::uint8_t> cdb(next() % 17);
    for (auto& b : cdb) b = next();
    static constexpr mmc::DataDirection kDirections[] = {
        mmc::DataDirection::kNone, mmc::DataDirection::kFromDevice, mmc::DataDirection::kToDevice};
    const mmc::DataDirection direction = kDirections[next() % 3];
    std::size_t length = next();
    length |= std::size_t{next()} << 8;
    buffer.assign(length, 0);
    if (direction == mmc::DataDirection::kToDevice) {
      for (auto& b : buffer) b = next();
    }
    fuzz::CheckDriveAnswer("drive_command_fuzzer", command,
                           drive.Execute(cdb, direction, buffer, 0), buffer.size());
  }
  drive.WithDisc([&](const emulator::VirtualDisc* disc) {
    if (disc == nullptr) return;
    const emulator::DiscSummary s = disc->Summary();
    std::int64_t end = -1;
    for (const emulator::TrackSummary& t : s.tracks) {
      if (t.start_lba < end)
        fuzz::DriveContractBroken("drive_command_fuzzer", 0, "tracks out of order");
      if (t.recorded > t.size && t.state != emulator::TrackState::kInvisible) {
        fuzz::DriveContractBroken("drive_command_fuzzer", 0,
                                  "a track records more sectors than it holds");
      }
      end = t.start_lba;
    }
  });
  return 0;
}

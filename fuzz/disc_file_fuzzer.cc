// libFuzzer target for virtual disc files (emulator/, specs/emulator.md §3): the input is a
// whole disc file — header copies, appended chunk records, manifest with its chunk table
// and the disc state (§3.3, with the CD framing runs) — opened with VirtualDisc::Open, as
// `mkimg emu run --drive` and `mkimg emu export` open a file they are given. So that the
// fuzzer gets past the checksums to the parsers behind them, the harness first makes them
// agree with the bytes: the xxh3 of each chunk record a manifest names, of each manifest a
// header copy names, and of both header copies. A disc that opens is then put in a drive and
// asked what any program asks (identity, configuration, capacity, disc and track
// information, every TOC format, formats, sub-channel, whole CD sectors, user data).
// Property: opening fails with a status or succeeds; every command ends in GOOD or CHECK
// CONDITION with fixed-format sense, never a transport error, never more bytes than the
// buffer holds; nothing crashes, hangs or grows without bound. Target name:
// disc_file_fuzzer.
#include <sys/mman.h>
#include <unistd.h>
#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "emulator/drive.h"
#include "emulator/virtual_disc.h"
#include "fuzz/drive_contract.h"

namespace {

constexpr std::size_t kDataStart = 8192;
constexpr std::size_t kEntryBytes = 28;  // chunk u64, file offset u64, length u32, xxh3 u64

std::uint64_t Le(const std::vector<std::uint8_t>& f, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | f[at + static_cast<std::size_t>(i)];
  return v;
}

void PutLe64(std::vector<std::uint8_t>* f, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i)
    (*f)[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}

// Makes the checksums of both header copies, of the manifests they name and of the chunk
// records those manifests name agree with the bytes (specs/emulator.md §3.1): records
// first, then manifests, then headers, as a commit writes them.
void FixChecksums(std::vector<std::uint8_t>* file) {
  std::vector<std::uint8_t>& f = *file;
  if (f.size() < kDataStart) return;
  struct Manifest {
    std::size_t header, at, length;
  };
  std::vector<Manifest> manifests;
  for (std::size_t header : {std::size_t{0}, std::size_t{4096}}) {
    const std::uint64_t offset = Le(f, header + 32, 8), length = Le(f, header + 40, 8);
    if (offset >= kDataStart && offset < f.size() && length <= f.size() - offset) {
      manifests.push_back(
          {header, static_cast<std::size_t>(offset), static_cast<std::size_t>(length)});
    }
  }
  for (const Manifest& m : manifests) {
    if (m.length < 8) continue;
    const std::uint64_t entries = Le(f, m.at + 4, 4);
    for (std::uint64_t i = 0; i < entries && 8 + (i + 1) * kEntryBytes <= m.length; ++i) {
      const std::size_t e = m.at + 8 + static_cast<std::size_t>(i) * kEntryBytes;
      const std::uint64_t at = Le(f, e + 8, 8), n = Le(f, e + 16, 4);
      if (at < f.size() && n <= f.size() - at) {
        PutLe64(&f, e + 20, XXH3_64bits(f.data() + at, static_cast<std::size_t>(n)));
      }
    }
  }
  for (const Manifest& m : manifests) {
    PutLe64(&f, m.header + 48, XXH3_64bits(f.data() + m.at, m.length));
  }
  for (std::size_t header : {std::size_t{0}, std::size_t{4096}}) {
    PutLe64(&f, header + 56, XXH3_64bits(f.data() + header, 56));
  }
}

// One command; checks the drive's contract (emulator/drive.h).
void Ask(emulator::Drive& drive, std::vector<std::uint8_t> cdb, std::size_t length,
         std::size_t command) {
  std::vector<std::uint8_t> buffer(length);
  fuzz::CheckDriveAnswer("disc_file_fuzzer", command,
                         drive.Execute(cdb, mmc::DataDirection::kFromDevice, buffer, 0),
                         buffer.size());
}

std::vector<std::uint8_t> Cdb10(std::uint8_t op, std::uint8_t b1, std::uint32_t lba,
                                std::uint8_t b6, std::uint16_t length) {
  return {op,
          b1,
          static_cast<std::uint8_t>(lba >> 24),
          static_cast<std::uint8_t>(lba >> 16),
          static_cast<std::uint8_t>(lba >> 8),
          static_cast<std::uint8_t>(lba),
          b6,
          static_cast<std::uint8_t>(length >> 8),
          static_cast<std::uint8_t>(length),
          0};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > (std::size_t{4} << 20)) return 0;
  std::vector<std::uint8_t> file(data, data + size);
  FixChecksums(&file);
  const int fd = memfd_create("disc_file_fuzzer", MFD_CLOEXEC);
  if (fd < 0) return 0;
  std::size_t done = 0;
  while (done < file.size()) {
    const ssize_t n = write(fd, file.data() + done, file.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  auto disc = emulator::VirtualDisc::Open("/proc/self/fd/" + std::to_string(fd));
  if (disc) {
    // The file's own faults stay, but no command may wait: slowness is not under test.
    emulator::Faults faults = (*disc)->faults();
    faults.slow_ms_per_command = 0;
    (*disc)->set_faults(faults);
    emulator::Drive drive(std::move(disc).value());
    std::size_t command = 0;
    Ask(drive, {0x00, 0, 0, 0, 0, 0}, 0, command++);                        // TEST UNIT READY
    Ask(drive, {0x12, 0, 0, 0, 96, 0}, 96, command++);                      // INQUIRY
    Ask(drive, {0x46, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0}, 65535, command++);  // GET CONFIGURATION
    Ask(drive, Cdb10(0x25, 0, 0, 0, 0), 8, command++);                      // READ CAPACITY
    Ask(drive, Cdb10(0x51, 0, 0, 0, 4096), 4096, command++);                // READ DISC INFORMATION
    Ask(drive, Cdb10(0x23, 0, 0, 0, 4096), 4096, command++);  // READ FORMAT CAPACITIES
    for (std::uint32_t format : {0u, 1u, 2u, 3u, 4u, 5u}) {   // READ TOC/PMA/ATIP, LBA and MSF
      for (int msf : {0x00, 0x02}) {
        Ask(drive, Cdb10(0x43, static_cast<std::uint8_t>(msf), format << 24, 1, 0xFFFF), 65535,
            command++);
      }
    }
    for (std::uint32_t track : {0u, 1u, 2u, 3u, 99u, 0xFFu}) {  // READ TRACK INFORMATION
      Ask(drive, Cdb10(0x52, 0x01, track, 0, 48), 48, command++);
    }
    for (std::uint8_t media = 0; media < 2; ++media) {  // READ DISC STRUCTURE, DVD and BD
      for (std::uint8_t format : {std::uint8_t{0x00}, std::uint8_t{0x0A}, std::uint8_t{0x20}}) {
        Ask(drive, {0xAD, media, 0, 0, 0, 0, 0, format, 0x10, 0x00, 0, 0}, 4096, command++);
      }
    }
    for (std::uint32_t format : {1u, 2u, 3u}) {  // READ SUB-CHANNEL: SubQ, MSF, track 1
      Ask(drive, Cdb10(0x42, 0x02, 0x40u << 24 | format << 16, 1, 48), 48, command++);
    }
    for (std::uint32_t lba : {0u, 1u, 16u, 300u}) {
      Ask(drive, Cdb10(0x28, 0, lba, 0, 2), 4096, command++);  // READ(10)
      std::vector<std::uint8_t> cd = {0xBE, 0, 0, 0, 0, 0, 0, 0, 2, 0xF8, 0x01, 0};
      cd[2] = static_cast<std::uint8_t>(lba >> 24);
      cd[3] = static_cast<std::uint8_t>(lba >> 16);
      cd[4] = static_cast<std::uint8_t>(lba >> 8);
      cd[5] = static_cast<std::uint8_t>(lba);
      Ask(drive, cd, 2 * 2448, command++);  // READ CD: whole sectors and raw P-W
    }
    Ask(drive, {0x5A, 0, 0x2A, 0, 0, 0, 0, 0x01, 0x00, 0}, 256, command++);  // MODE SENSE
    Ask(drive, {0x4A, 0x01, 0, 0, 0x7E, 0, 0, 0, 0xFF, 0}, 255, command++);  // GET EVENT
  }
  close(fd);
  return 0;
}

// Helpers for the emulator's unit tests: CDBs written as hex strings (as MMC-5 and the
// traces in emulator/testdata/traces/ print them), executed through Drive::Execute, with the
// sense triple of the answer.
#ifndef MKIMG_EMULATOR_TEST_UTIL_H_
#define MKIMG_EMULATOR_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "emulator/drive.h"

namespace emulator::testing {

// CDBs the tests share (MMC-5 and SPC-3, written as the traces print them).
inline constexpr const char* kRdi = "51 00 00 00 00 00 00 00 22 00";  // READ DISC INFORMATION
inline constexpr const char* kModeSelect = "55 10 00 00 00 00 00 00 3c 00";  // page 05h follows
inline constexpr const char* kSync = "35 00 00 00 00 00 00 00 00 00";        // SYNCHRONIZE CACHE

inline std::vector<std::uint8_t> Hex(const std::string& s) {
  std::vector<std::uint8_t> out;
  int nibbles = 0;
  std::uint8_t cur = 0;
  for (char c : s) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) continue;
    cur = static_cast<std::uint8_t>((cur << 4) | v);
    if (++nibbles == 2) {
      out.push_back(cur);
      nibbles = 0;
      cur = 0;
    }
  }
  return out;
}

struct Reply {
  mmc::CommandResult result;
  std::vector<std::uint8_t> data;  // data-in bytes actually transferred
  bool good() const { return result.status == mmc::ScsiStatus::kGood && !result.transport_error; }
  // key << 16 | asc << 8 | ascq, or 0 when GOOD.
  std::uint32_t sense() const {
    if (result.sense.size() < 14) return 0;
    return (std::uint32_t{result.sense[2] & 0x0Fu} << 16) | (std::uint32_t{result.sense[12]} << 8) |
           result.sense[13];
  }
  std::uint32_t be32(std::size_t at) const {
    return (std::uint32_t{data.at(at)} << 24) | (std::uint32_t{data.at(at + 1)} << 16) |
           (std::uint32_t{data.at(at + 2)} << 8) | data.at(at + 3);
  }
  std::uint16_t be16(std::size_t at) const {
    return static_cast<std::uint16_t>((data.at(at) << 8) | data.at(at + 1));
  }
};

// Data-in command with a host buffer of `alloc` bytes.
inline Reply In(mmc::Transport& t, const std::string& cdb, std::size_t alloc) {
  Reply r;
  std::vector<std::uint8_t> c = Hex(cdb);
  std::vector<std::uint8_t> buf(alloc);
  r.result = t.Execute(c, mmc::DataDirection::kFromDevice, buf, 0);
  buf.resize(r.result.transferred);
  r.data = std::move(buf);
  return r;
}
inline Reply None(mmc::Transport& t, const std::string& cdb) {
  Reply r;
  std::vector<std::uint8_t> c = Hex(cdb);
  r.result = t.Execute(c, mmc::DataDirection::kNone, {}, 0);
  return r;
}
inline Reply Out(mmc::Transport& t, const std::string& cdb, std::vector<std::uint8_t> data) {
  Reply r;
  std::vector<std::uint8_t> c = Hex(cdb);
  r.result = t.Execute(c, mmc::DataDirection::kToDevice, data, 0);
  return r;
}
inline Reply OutCdb(mmc::Transport& t, std::vector<std::uint8_t> c,
                    std::vector<std::uint8_t> data) {
  Reply r;
  r.result = t.Execute(c, mmc::DataDirection::kToDevice, data, 0);
  return r;
}
inline Reply InCdb(mmc::Transport& t, std::vector<std::uint8_t> c, std::size_t alloc) {
  Reply r;
  std::vector<std::uint8_t> buf(alloc);
  r.result = t.Execute(c, mmc::DataDirection::kFromDevice, buf, 0);
  buf.resize(r.result.transferred);
  r.data = std::move(buf);
  return r;
}

inline std::vector<std::uint8_t> Write10(std::int32_t lba, std::uint16_t count) {
  auto u = static_cast<std::uint32_t>(lba);
  return {0x2A,
          0,
          static_cast<std::uint8_t>(u >> 24),
          static_cast<std::uint8_t>(u >> 16),
          static_cast<std::uint8_t>(u >> 8),
          static_cast<std::uint8_t>(u),
          0,
          static_cast<std::uint8_t>(count >> 8),
          static_cast<std::uint8_t>(count),
          0};
}
inline std::vector<std::uint8_t> Read10(std::int32_t lba, std::uint16_t count) {
  auto c = Write10(lba, count);
  c[0] = 0x28;
  return c;
}
// `count` sectors of `size` bytes from `lba` on; each byte is a function of its sector's
// LBA and its offset, so any range of a written run can be checked on its own.
inline std::vector<std::uint8_t> Pattern(std::int32_t lba, std::uint32_t count,
                                         std::uint32_t size = 2048) {
  std::vector<std::uint8_t> v(std::size_t{count} * size);
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::size_t sector =
        static_cast<std::size_t>(static_cast<std::int64_t>(lba) + 20000) + i / size;
    v[i] = static_cast<std::uint8_t>((sector * 31 + (i % size) * 13 + 1) & 0xFF);
  }
  return v;
}

// Page 05h in a MODE SELECT(10) parameter list.
inline std::vector<std::uint8_t> Page05(std::uint8_t write_type, std::uint8_t track_mode,
                                        std::uint8_t dbt, std::uint8_t multisession,
                                        bool test_write = false) {
  std::vector<std::uint8_t> v(8 + 52, 0);
  v[8] = 0x05;
  v[9] = 0x32;
  v[10] = static_cast<std::uint8_t>((test_write ? 0x10 : 0) | write_type);
  v[11] = static_cast<std::uint8_t>((multisession << 6) | track_mode);
  v[12] = dbt;
  v[13] = write_type == 0 ? 16 : 0;
  v[18 + 3] = write_type == 0 ? 16 : 0;
  return v;
}
inline constexpr std::uint32_t S(std::uint8_t key, std::uint8_t asc, std::uint8_t ascq) {
  return (std::uint32_t{key} << 16) | (std::uint32_t{asc} << 8) | ascq;
}

}  // namespace emulator::testing

#endif  // MKIMG_EMULATOR_TEST_UTIL_H_

// GET PERFORMANCE and SET STREAMING data codecs (MMC-5 r03c 6.8.3, 6.39.3).
#include "mmc/performance.h"

#include <algorithm>

#include "parse_util.h"

namespace mmc {
namespace {

using internal::Bit;
using internal::Flag;
using internal::Malformed;

// Returns the end of the descriptors that are announced and present, after checking that
// the PERFORMANCE DATA LENGTH (bytes 0-3, n - 4) leaves a whole number of `unit`s.
base::Expected<std::size_t> DescriptorsEnd(std::span<const std::uint8_t> data, const char* where,
                                           std::size_t unit) {
  if (data.size() < 8) {
    return Malformed(where, std::to_string(data.size()) + " bytes, need at least 8");
  }
  std::uint64_t announced = 4u + static_cast<std::uint64_t>(base::LoadBe32(data.data()));
  if (announced < 8 || (announced - 8) % unit != 0) {
    return Malformed(where, "performance data length " + std::to_string(announced - 4) +
                                " at byte 0 is not 4 + " + std::to_string(unit) + "n");
  }
  return static_cast<std::size_t>(std::min<std::uint64_t>(data.size(), announced));
}

std::uint8_t SpeedFlags(std::uint8_t wrc, bool rdd, bool exact, bool bit0) {
  return static_cast<std::uint8_t>(((wrc & 3) << 3) | Flag(rdd, 2) | Flag(exact, 1) |
                                   Flag(bit0, 0));
}

}  // namespace

base::Expected<PerformanceData> PerformanceData::Parse(std::span<const std::uint8_t> data) {
  const char* kWhere = "GET PERFORMANCE data";
  if (data.size() < 8) {
    return Malformed(kWhere, std::to_string(data.size()) + " bytes, need at least 8");
  }
  PerformanceData p;
  p.write = Bit(data[4], 1);
  p.except = Bit(data[4], 0);
  ASSIGN_OR_RETURN(std::size_t end, DescriptorsEnd(data, kWhere, p.except ? 6 : 16));
  if (p.except) {
    for (std::size_t off = 8; off + 6 <= end; off += 6) {
      p.exceptions.push_back({base::LoadBe32(&data[off]), base::LoadBe16(&data[off + 4])});
    }
  } else {
    for (std::size_t off = 8; off + 16 <= end; off += 16) {
      p.nominal.push_back({base::LoadBe32(&data[off]), base::LoadBe32(&data[off + 4]),
                           base::LoadBe32(&data[off + 8]), base::LoadBe32(&data[off + 12])});
    }
  }
  return p;
}

void PerformanceData::EncodeTo(base::ByteWriter& w) const {
  std::size_t body = except ? 6 * exceptions.size() : 16 * nominal.size();
  w.Be32(static_cast<std::uint32_t>(4 + body));
  w.U8(static_cast<std::uint8_t>(Flag(write, 1) | Flag(except, 0)));
  w.Fill(0, 3);
  if (except) {
    for (const PerformanceException& e : exceptions) {
      w.Be32(e.lba);
      w.Be16(e.time);
    }
  } else {
    for (const NominalPerformance& n : nominal) {
      w.Be32(n.start_lba);
      w.Be32(n.start_performance);
      w.Be32(n.end_lba);
      w.Be32(n.end_performance);
    }
  }
}

base::Expected<WriteSpeedData> WriteSpeedData::Parse(std::span<const std::uint8_t> data) {
  ASSIGN_OR_RETURN(std::size_t end, DescriptorsEnd(data, "GET PERFORMANCE write speed data", 16));
  WriteSpeedData s;
  for (std::size_t off = 8; off + 16 <= end; off += 16) {
    WriteSpeedDescriptor d;
    d.write_rotation_control = static_cast<std::uint8_t>((data[off] >> 3) & 3);
    d.restore_defaults = Bit(data[off], 2);
    d.exact = Bit(data[off], 1);
    d.mixed_read_write = Bit(data[off], 0);
    d.end_lba = base::LoadBe32(&data[off + 4]);
    d.read_speed = base::LoadBe32(&data[off + 8]);
    d.write_speed = base::LoadBe32(&data[off + 12]);
    s.descriptors.push_back(d);
  }
  return s;
}

void WriteSpeedData::EncodeTo(base::ByteWriter& w) const {
  w.Be32(static_cast<std::uint32_t>(4 + 16 * descriptors.size()));
  w.Fill(0, 4);
  for (const WriteSpeedDescriptor& d : descriptors) {
    w.U8(SpeedFlags(d.write_rotation_control, d.restore_defaults, d.exact, d.mixed_read_write));
    w.Fill(0, 3);
    w.Be32(d.end_lba);
    w.Be32(d.read_speed);
    w.Be32(d.write_speed);
  }
}

base::Expected<StreamingDescriptor> StreamingDescriptor::Parse(std::span<const std::uint8_t> data) {
  if (data.size() < kLength) {
    return Malformed("SET STREAMING performance descriptor",
                     std::to_string(data.size()) + " bytes, need 28");
  }
  StreamingDescriptor d;
  d.write_rotation_control = static_cast<std::uint8_t>((data[0] >> 3) & 3);
  d.restore_defaults = Bit(data[0], 2);
  d.exact = Bit(data[0], 1);
  d.random_access = Bit(data[0], 0);
  d.start_lba = base::LoadBe32(&data[4]);
  d.end_lba = base::LoadBe32(&data[8]);
  d.read_size = base::LoadBe32(&data[12]);
  d.read_time = base::LoadBe32(&data[16]);
  d.write_size = base::LoadBe32(&data[20]);
  d.write_time = base::LoadBe32(&data[24]);
  return d;
}

void StreamingDescriptor::EncodeTo(base::ByteWriter& w) const {
  w.U8(SpeedFlags(write_rotation_control, restore_defaults, exact, random_access));
  w.Fill(0, 3);
  w.Be32(start_lba);
  w.Be32(end_lba);
  w.Be32(read_size);
  w.Be32(read_time);
  w.Be32(write_size);
  w.Be32(write_time);
}

}  // namespace mmc

// Speed-related data (MMC-6 clause 6; MMC-5 r03c numbering): GET PERFORMANCE responses for
// type 00h performance data (6.8.3.2: nominal performance descriptors, 6.8.3.3 exception
// descriptors) and type 03h write speed descriptors (6.8.3.5), and the SET STREAMING
// performance descriptor (6.39.3.1) that hosts send. Conventions as in codec.h.
#ifndef MKIMG_MMC_PERFORMANCE_H_
#define MKIMG_MMC_PERFORMANCE_H_

#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "mmc/codec.h"

namespace mmc {

// MMC-5 6.8.3.2.2: 16 bytes.
struct NominalPerformance {
  std::uint32_t start_lba = 0;
  std::uint32_t start_performance = 0;  // kB/s
  std::uint32_t end_lba = 0;
  std::uint32_t end_performance = 0;
  friend bool operator==(const NominalPerformance&, const NominalPerformance&) = default;
};

// MMC-5 6.8.3.3: 6 bytes.
struct PerformanceException {
  std::uint32_t lba = 0;
  std::uint16_t time = 0;  // tens of milliseconds
  friend bool operator==(const PerformanceException&, const PerformanceException&) = default;
};

// Type 00h answer: header (8 bytes: bytes 0-3 PERFORMANCE DATA LENGTH = n - 4, byte 4
// bit 1 WRITE, bit 0 EXCEPT) and nominal or exception descriptors, as EXCEPT says.
struct PerformanceData {
  bool write = false;
  bool except = false;
  std::vector<NominalPerformance> nominal;       // when except is false
  std::vector<PerformanceException> exceptions;  // when except is true

  // Errors: fewer than 8 bytes, a length that is not 4 + 16n (or 4 + 6n).
  static base::Expected<PerformanceData> Parse(std::span<const std::uint8_t> data);
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const PerformanceData&, const PerformanceData&) = default;
};

// MMC-5 6.8.3.5: write speed descriptor, 16 bytes.
struct WriteSpeedDescriptor {
  std::uint8_t write_rotation_control = 0;  // byte 0 bits 4-3 WRC
  bool restore_defaults = false;            // bit 2 RDD
  bool exact = false;                       // bit 1
  bool mixed_read_write = false;            // bit 0 MRW
  std::uint32_t end_lba = 0;                // bytes 4-7
  std::uint32_t read_speed = 0;             // bytes 8-11, kB/s
  std::uint32_t write_speed = 0;            // bytes 12-15, kB/s
  friend bool operator==(const WriteSpeedDescriptor&, const WriteSpeedDescriptor&) = default;
};

// Type 03h answer: the 8-byte header and write speed descriptors. growisofs rejects a
// PERFORMANCE DATA LENGTH that is not 4 + 16n ("insane Performance Data Length").
struct WriteSpeedData {
  std::vector<WriteSpeedDescriptor> descriptors;

  // Errors: fewer than 8 bytes, a length that is not 4 + 16n.
  static base::Expected<WriteSpeedData> Parse(std::span<const std::uint8_t> data);
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const WriteSpeedData&, const WriteSpeedData&) = default;
};

// MMC-5 6.39.3.1: SET STREAMING performance descriptor, 28 bytes.
struct StreamingDescriptor {
  static constexpr std::size_t kLength = 28;
  std::uint8_t write_rotation_control = 0;  // byte 0 bits 4-3 WRC
  bool restore_defaults = false;            // bit 2 RDD
  bool exact = false;                       // bit 1
  bool random_access = false;               // bit 0 RA
  std::uint32_t start_lba = 0;              // bytes 4-7
  std::uint32_t end_lba = 0;                // bytes 8-11
  std::uint32_t read_size = 0;              // bytes 12-15, kilobytes
  std::uint32_t read_time = 0;              // bytes 16-19, milliseconds
  std::uint32_t write_size = 0;             // bytes 20-23
  std::uint32_t write_time = 0;             // bytes 24-27

  // Errors: fewer than 28 bytes.
  static base::Expected<StreamingDescriptor> Parse(std::span<const std::uint8_t> data);
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const StreamingDescriptor&, const StreamingDescriptor&) = default;
};

}  // namespace mmc

#endif  // MKIMG_MMC_PERFORMANCE_H_

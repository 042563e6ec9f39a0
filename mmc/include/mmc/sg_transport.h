// A Transport over the Linux SCSI generic SG_IO ioctl (sg_io_hdr version 3, Linux
// Documentation/scsi/scsi-generic.rst; the interface every burn program uses, see
// specs/compatibility.md §1). It opens /dev/srN or /dev/sgN with O_RDWR | O_NONBLOCK | O_EXCL as
// libburn, wodim and cdrdao do, and maps host and driver status to transport_error.
#ifndef MKIMG_MMC_SG_TRANSPORT_H_
#define MKIMG_MMC_SG_TRANSPORT_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "base/error.h"
#include "mmc/transport.h"

namespace mmc {

class SgTransport : public Transport {
 public:
  static constexpr std::uint32_t kDefaultTimeoutMs = 30000;
  static constexpr std::size_t kMaxSenseLength = 64;

  // Opens `path` exclusively and checks that it answers SG_GET_VERSION_NUM with an sg
  // version of at least 3.0 (30000). Errors (kIo): "PATH: <strerror>" when open fails
  // (EBUSY when another program holds the drive), "PATH: not an SG_IO device (...)".
  static base::Expected<std::unique_ptr<SgTransport>> Open(
      const std::string& path, std::uint32_t default_timeout_ms = kDefaultTimeoutMs);

  ~SgTransport() override;
  SgTransport(const SgTransport&) = delete;
  SgTransport& operator=(const SgTransport&) = delete;

  // REQUIRES: 6 <= cdb.size() <= 16. A failed ioctl, a non-zero host status or a driver
  // status other than DRIVER_SENSE sets transport_error; last_error() then says why.
  CommandResult Execute(std::span<const std::uint8_t> cdb, DataDirection direction,
                        std::span<std::uint8_t> data, std::uint32_t timeout_ms) override;

  const std::string& path() const { return path_; }
  // Why the last Execute set transport_error ("" after a command that reached the drive).
  const std::string& last_error() const { return last_error_; }

 private:
  SgTransport(std::string path, int fd, std::uint32_t default_timeout_ms)
      : path_(std::move(path)), fd_(fd), default_timeout_ms_(default_timeout_ms) {}

  std::string path_;
  int fd_;
  std::uint32_t default_timeout_ms_;
  std::string last_error_;
};

}  // namespace mmc

#endif  // MKIMG_MMC_SG_TRANSPORT_H_

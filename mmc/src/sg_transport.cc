// Linux SG_IO transport (sg_io_hdr v3, <scsi/sg.h>). The status plumbing follows the sg
// driver: `status` is the SCSI status byte (SAM-5 5.3), `host_status` reports transport
// (HBA) failures, `driver_status` carries DRIVER_SENSE (08h) alongside CHECK CONDITION.
#include "mmc/sg_transport.h"

#include <fcntl.h>
#include <scsi/sg.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "mmc/cdb.h"

namespace mmc {
namespace {

// <scsi/scsi.h> is not always installed; the driver's DRIVER_SENSE bit (Linux
// include/scsi/scsi.h): sense data was returned with the status.
constexpr unsigned kDriverSense = 0x08;

std::string Hex2(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%02Xh", v & 0xFFu);
  return buf;
}

}  // namespace

base::Expected<std::unique_ptr<SgTransport>> SgTransport::Open(const std::string& path,
                                                               std::uint32_t default_timeout_ms) {
  int fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_EXCL | O_CLOEXEC);
  if (fd < 0) return base::ErrnoError(path, errno);
  int version = 0;
  if (::ioctl(fd, SG_GET_VERSION_NUM, &version) < 0) {
    int err = errno;
    ::close(fd);
    return base::IoError(
        path, std::string("not an SG_IO device (SG_GET_VERSION_NUM: ") + std::strerror(err) + ")");
  }
  if (version < 30000) {
    ::close(fd);
    return base::IoError(
        path, "sg driver version " + std::to_string(version) + " is older than 3.0 (no SG_IO)");
  }
  return std::unique_ptr<SgTransport>(new SgTransport(path, fd, default_timeout_ms));
}

SgTransport::~SgTransport() { ::close(fd_); }

CommandResult SgTransport::Execute(std::span<const std::uint8_t> cdb, DataDirection direction,
                                   std::span<std::uint8_t> data, std::uint32_t timeout_ms) {
  CommandResult result;
  last_error_.clear();
  if (cdb.size() < 6 || cdb.size() > 16) {
    result.transport_error = true;
    last_error_ = "CDB of " + std::to_string(cdb.size()) + " bytes";
    return result;
  }
  // sg_io_hdr takes non-const pointers; the driver only reads the CDB.
  std::array<std::uint8_t, 16> command{};
  std::copy(cdb.begin(), cdb.end(), command.begin());
  std::array<std::uint8_t, kMaxSenseLength> sense{};

  sg_io_hdr_t h;
  std::memset(&h, 0, sizeof(h));
  h.interface_id = 'S';
  h.cmd_len = static_cast<unsigned char>(cdb.size());
  h.cmdp = command.data();
  h.mx_sb_len = static_cast<unsigned char>(sense.size());
  h.sbp = sense.data();
  h.timeout = timeout_ms != 0 ? timeout_ms : default_timeout_ms_;
  if (data.empty() || direction == DataDirection::kNone) {
    h.dxfer_direction = SG_DXFER_NONE;
  } else {
    h.dxfer_direction = direction == DataDirection::kToDevice ? SG_DXFER_TO_DEV : SG_DXFER_FROM_DEV;
    h.dxferp = data.data();
    h.dxfer_len = static_cast<unsigned>(data.size());
  }

  int rc;
  do {
    rc = ::ioctl(fd_, SG_IO, &h);
  } while (rc < 0 && errno == EINTR);
  std::string command_name(OpcodeName(cdb[0]));
  if (command_name.empty()) command_name = "opcode " + Hex2(cdb[0]);
  if (rc < 0) {
    result.transport_error = true;
    last_error_ = path_ + ": SG_IO " + command_name + ": " + std::strerror(errno);
    return result;
  }
  if (h.host_status != 0 || (h.driver_status & ~kDriverSense) != 0) {
    result.transport_error = true;
    last_error_ = path_ + ": SG_IO " + command_name + ": host status " + Hex2(h.host_status) +
                  ", driver status " + Hex2(h.driver_status);
    return result;
  }
  result.status = static_cast<ScsiStatus>(h.status & 0xFE);
  int resid = h.resid < 0 ? 0 : h.resid;
  result.transferred =
      h.dxfer_len > static_cast<unsigned>(resid) ? h.dxfer_len - static_cast<unsigned>(resid) : 0;
  if (h.sb_len_wr > 0) {
    std::size_t n = std::min<std::size_t>(h.sb_len_wr, sense.size());
    result.sense.assign(sense.begin(), sense.begin() + static_cast<std::ptrdiff_t>(n));
  }
  return result;
}

}  // namespace mmc

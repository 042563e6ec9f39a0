// Opening --drive recorders (mkimg/drive_open.h).
#include "mkimg/drive_open.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "emulator/drive.h"
#include "emulator/virtual_disc.h"
#include "mmc/sg_transport.h"

namespace mkimg {

std::string VirtualDiscLockKey(const std::string& file) {
  std::error_code ec;
  const std::string canonical = std::filesystem::weakly_canonical(file, ec).string();
  return "emu:" + (ec ? file : canonical);
}

base::Status OpenedDrive::Close() {
  if (!virtual_disc || !transport) return base::Ok();
  auto* drive = static_cast<emulator::Drive*>(transport.get());
  if (drive->powered_off()) return base::Ok();
  if (auto st = drive->Commit(); !st) return st.error().WithWhere(name);
  return base::Ok();
}

OpenedDrive::~OpenedDrive() {
  device.reset();
  transport.reset();  // an emulator::Drive commits its disc when destroyed
  lock.reset();
}

base::Expected<std::unique_ptr<OpenedDrive>> OpenDrive(const std::string& spec, bool exclusive) {
  auto d = std::make_unique<OpenedDrive>();
  d->name = spec;
  if (spec.rfind("emu:", 0) == 0) {
    const std::string file = spec.substr(4);
    if (file.empty()) return base::InvalidInput("--drive " + spec, "expected emu:FILE");
    if (::access(file.c_str(), F_OK) != 0) {
      return base::InvalidInput(spec, "no such virtual disc (create one with mkimg emu new)");
    }
    if (exclusive) {
      ASSIGN_OR_RETURN(d->lock, burn::DriveLock::Acquire(VirtualDiscLockKey(file), spec));
    }
    auto disc = emulator::VirtualDisc::Open(file);
    if (!disc) return disc.error().WithWhere(spec);
    d->transport = std::make_unique<emulator::Drive>(std::move(disc).value());
    d->virtual_disc = true;
  } else if (spec.rfind("/dev/", 0) == 0) {
    if (exclusive) {
      // Under `mkimg emu run` every run has its own /dev/sr0: the server's socket tells
      // them apart.
      std::string key = spec;
      if (const char* socket = std::getenv("MKIMG_EMU_SOCKET")) key += std::string("@") + socket;
      ASSIGN_OR_RETURN(d->lock, burn::DriveLock::Acquire(key, spec));
    }
    auto sg = mmc::SgTransport::Open(spec);
    if (!sg) {
      if (sg.error().what().find("busy") != std::string::npos) {
        return base::Error(base::ErrorCode::kDevice, spec,
                           "the drive is in use by another program (it holds the device open "
                           "exclusively)");
      }
      return sg.error();
    }
    d->transport = std::move(sg).value();
  } else {
    return base::InvalidInput(
        "--drive " + spec, "expected a device (/dev/sr0, /dev/sg1) or emu:FILE (a virtual disc)");
  }
  d->device = std::make_unique<mmc::Device>(*d->transport);
  return d;
}

}  // namespace mkimg

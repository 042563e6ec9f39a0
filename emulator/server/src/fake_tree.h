// The fake /sys and /proc files that burn programs read to find SCSI CD-ROM drives, written
// as real files under <run dir>/root so that the preload library only has to rewrite path
// prefixes. Layouts follow Linux 6.x sysfs (Documentation/ABI/testing/sysfs-bus-scsi,
// drivers/scsi/sg.c /proc/scsi/sg, drivers/cdrom/cdrom.c /proc/sys/dev/cdrom/info).
#ifndef MKIMG_EMULATOR_SERVER_FAKE_TREE_H_
#define MKIMG_EMULATOR_SERVER_FAKE_TREE_H_

#include <string>
#include <vector>

#include "base/error.h"
#include "emulator/server/server.h"

namespace emulator {

// Writes root/... for `drives` and the lock files dir/locks/drive<K>. Returns kIo naming
// the host path that could not be created.
base::Status WriteFakeTree(const std::string& dir, const std::vector<ServedDrive>& drives);

}  // namespace emulator

#endif  // MKIMG_EMULATOR_SERVER_FAKE_TREE_H_

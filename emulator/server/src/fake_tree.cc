// Writes the fake sysfs and /proc tree of the emulator server (see fake_tree.h).
#include "fake_tree.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

namespace emulator {
namespace {

base::Status MakeDirs(const std::string& path) {
  std::string partial;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    partial = path.substr(0, pos);
    if (partial.empty()) continue;
    if (mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
      return base::ErrnoError(partial, errno);
    }
  }
  return base::Ok();
}

base::Status WriteText(const std::string& path, const std::string& text) {
  const std::size_t slash = path.rfind('/');
  RETURN_IF_ERROR(MakeDirs(path.substr(0, slash)));
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return base::ErrnoError(path, errno);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      close(fd);
      return base::ErrnoError(path, err);
    }
    done += static_cast<std::size_t>(n);
  }
  if (close(fd) != 0) return base::ErrnoError(path, errno);
  return base::Ok();
}

base::Status Symlink(const std::string& target, const std::string& path) {
  const std::size_t slash = path.rfind('/');
  RETURN_IF_ERROR(MakeDirs(path.substr(0, slash)));
  if (symlink(target.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    return base::ErrnoError(path, errno);
  }
  return base::Ok();
}

// INQUIRY-style fixed-width field: padded with spaces, then a newline (as sysfs shows it).
std::string Padded(const std::string& value, std::size_t width) {
  std::string out = value.substr(0, std::min(value.size(), width));
  out.resize(width, ' ');
  return out + "\n";
}

std::string AddressName(std::uint32_t index) {
  const ScsiAddress a = ScsiAddressOf(index);
  return std::to_string(a.host) + ":" + std::to_string(a.channel) + ":" + std::to_string(a.target) +
         ":" + std::to_string(a.lun);
}

// drivers/cdrom/cdrom.c cdrom_sysctl_info(): one column per drive, newest first.
std::string CdromInfo(const std::vector<ServedDrive>& drives) {
  std::vector<const ServedDrive*> order;
  for (const ServedDrive& d : drives) order.push_back(&d);
  std::sort(order.begin(), order.end(),
            [](const ServedDrive* a, const ServedDrive* b) { return a->index > b->index; });
  auto row = [&](const std::string& name, const std::string& tabs, auto value) {
    std::string line = name + tabs;
    for (const ServedDrive* d : order) line += "\t" + value(*d);
    return line + "\n";
  };
  auto one = [](const ServedDrive&) { return std::string("1"); };
  std::string text = "CD-ROM information, Id: cdrom.c 3.20 2003/12/17\n\n";
  text +=
      row("drive name:", "\t", [](const ServedDrive& d) { return "sr" + std::to_string(d.index); });
  text += row("drive speed:", "\t", [](const ServedDrive&) { return std::string("48"); });
  text += row("drive # of slots:", "", one);
  for (const char* cap :
       {"Can close tray:", "Can open tray:", "Can lock tray:", "Can change speed:"}) {
    text += row(cap, "\t", one);
  }
  text += row("Can select disk:", "\t", [](const ServedDrive&) { return std::string("0"); });
  for (const char* cap :
       {"Can read multisession:", "Can read MCN:", "Reports media changed:", "Can play audio:",
        "Can write CD-R:", "Can write CD-RW:", "Can read DVD:", "Can write DVD-R:",
        "Can write DVD-RAM:", "Can read MRW:", "Can write MRW:", "Can write RAM:"}) {
    text += row(cap, std::string(cap).size() < 16 ? "\t\t" : "\t", one);
  }
  return text + "\n\n";
}

}  // namespace

base::Status WriteFakeTree(const std::string& dir, const std::vector<ServedDrive>& drives) {
  const std::string root = dir + "/root";
  RETURN_IF_ERROR(MakeDirs(root + "/sys/bus/scsi/devices"));
  RETURN_IF_ERROR(MakeDirs(root + "/sys/class/scsi_generic"));
  RETURN_IF_ERROR(MakeDirs(root + "/sys/block"));
  RETURN_IF_ERROR(MakeDirs(root + "/sys/dev/block"));
  RETURN_IF_ERROR(MakeDirs(root + "/sys/dev/char"));
  RETURN_IF_ERROR(MakeDirs(dir + "/locks"));
  std::vector<std::string> sg_lines(drives.empty() ? 0 : 1);
  std::string sg_device_strs;
  std::string scsi = "Attached devices:\n";
  std::vector<const ServedDrive*> by_index;
  for (const ServedDrive& d : drives) by_index.push_back(&d);
  std::sort(by_index.begin(), by_index.end(),
            [](const ServedDrive* a, const ServedDrive* b) { return a->index < b->index; });
  for (const ServedDrive* drive : by_index) {
    const ServedDrive& d = *drive;
    const std::string k = std::to_string(d.index);
    const std::string sr = "sr" + k;
    const std::string sg = "sg" + k;
    const std::string addr = AddressName(d.index);
    const std::string dev = root + "/sys/bus/scsi/devices/" + addr;
    const ScsiAddress a = ScsiAddressOf(d.index);
    // Documentation/ABI/testing/sysfs-bus-scsi; drivers/scsi/scsi_sysfs.c.
    RETURN_IF_ERROR(WriteText(dev + "/type", "5\n"));
    RETURN_IF_ERROR(WriteText(dev + "/vendor", Padded(d.vendor, 8)));
    RETURN_IF_ERROR(WriteText(dev + "/model", Padded(d.model, 16)));
    RETURN_IF_ERROR(WriteText(dev + "/rev", Padded(d.revision, 4)));
    RETURN_IF_ERROR(WriteText(dev + "/state", "running\n"));
    RETURN_IF_ERROR(WriteText(dev + "/block/" + sr + "/dev", "11:" + k + "\n"));
    RETURN_IF_ERROR(WriteText(dev + "/scsi_generic/" + sg + "/dev", "21:" + k + "\n"));
    // /sys/block/srK and /sys/class/scsi_generic/sgK (block/genhd.c, scsi/sg.c).
    const std::string block = root + "/sys/block/" + sr;
    RETURN_IF_ERROR(WriteText(block + "/dev", "11:" + k + "\n"));
    RETURN_IF_ERROR(WriteText(block + "/removable", "1\n"));
    RETURN_IF_ERROR(WriteText(block + "/ro", "0\n"));
    RETURN_IF_ERROR(WriteText(block + "/queue/max_sectors_kb", "1024\n"));
    RETURN_IF_ERROR(WriteText(block + "/queue/logical_block_size", "2048\n"));
    RETURN_IF_ERROR(Symlink("../../bus/scsi/devices/" + addr, block + "/device"));
    const std::string generic = root + "/sys/class/scsi_generic/" + sg;
    RETURN_IF_ERROR(WriteText(generic + "/dev", "21:" + k + "\n"));
    RETURN_IF_ERROR(Symlink("../../../bus/scsi/devices/" + addr, generic + "/device"));
    RETURN_IF_ERROR(Symlink("../../block/" + sr, root + "/sys/dev/block/11:" + k));
    RETURN_IF_ERROR(Symlink("../../class/scsi_generic/" + sg, root + "/sys/dev/char/21:" + k));
    // drivers/scsi/sg.c sg_proc_seq_show_dev(): host chan id lun type opens qdepth busy
    // online, one line per sg device in sg order.
    if (sg_lines.size() <= d.index) sg_lines.resize(d.index + 1);
    sg_lines[d.index] = std::to_string(a.host) + "\t" + std::to_string(a.channel) + "\t" +
                        std::to_string(a.target) + "\t" + std::to_string(a.lun) +
                        "\t5\t1\t1\t0\t1\n";
    sg_device_strs += Padded(d.vendor, 8).substr(0, 8) + "\t" + Padded(d.model, 16).substr(0, 16) +
                      "\t" + Padded(d.revision, 4).substr(0, 4) + "\n";
    scsi += "Host: scsi" + std::to_string(a.host) +
            " Channel: 00 Id: " + (a.target < 10 ? "0" : "") + std::to_string(a.target) +
            " Lun: 00\n  Vendor: " + Padded(d.vendor, 8).substr(0, 8) +
            " Model: " + Padded(d.model, 16).substr(0, 16) +
            " Rev: " + Padded(d.revision, 4).substr(0, 4) +
            "\n  Type:   CD-ROM                           ANSI  SCSI revision: 05\n";
    RETURN_IF_ERROR(WriteText(dir + "/locks/drive" + k, ""));
  }
  // Indices without a drive show as removed devices, the way sg.c prints them.
  std::string sg_devices;
  for (const std::string& line : sg_lines) {
    sg_devices += line.empty() ? "-1\t-1\t-1\t-1\t-1\t-1\t-1\t-1\t-1\n" : line;
  }
  RETURN_IF_ERROR(WriteText(root + "/proc/scsi/sg/devices", sg_devices));
  RETURN_IF_ERROR(WriteText(root + "/proc/scsi/sg/device_strs", sg_device_strs));
  RETURN_IF_ERROR(WriteText(root + "/proc/scsi/sg/version", "30536\t3.5.36 [20140603]\n"));
  RETURN_IF_ERROR(WriteText(root + "/proc/scsi/scsi", scsi));
  RETURN_IF_ERROR(WriteText(root + "/proc/sys/dev/cdrom/info", CdromInfo(drives)));
  return base::Ok();
}

}  // namespace emulator

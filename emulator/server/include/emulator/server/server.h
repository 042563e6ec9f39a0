// The emulator server: one process-local service that owns virtual recorders (any
// mmc::Transport, normally emulator::Drive) and serves them to unmodified Linux burn
// programs through libmkimg_preload.so, over a Unix socket in a per-run folder. The wire
// format is wire.h; the kernel behaviour it reproduces (sr/sg open semantics, O_EXCL,
// flock, block-device reads and writes, the sysfs and /proc files the programs read) is
// described in specs/compatibility.md §1 and §4.
//
// Thread safety: Start returns a running server (an accept thread plus one thread per
// connection); Stop and the destructor may be called from any one thread. Commands to
// one drive are serialized by a per-drive mutex; different drives run in parallel.
#ifndef MKIMG_EMULATOR_SERVER_SERVER_H_
#define MKIMG_EMULATOR_SERVER_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "mmc/transport.h"

namespace emulator {

// The SCSI address of drive K (/dev/srK): host 7 + K/16, channel 0, target K%16, lun 0.
// The same formula is in the preload library (wodim needs target < 16 and lun < 8).
struct ScsiAddress {
  int host = 0;
  int channel = 0;
  int target = 0;
  int lun = 0;
};
ScsiAddress ScsiAddressOf(std::uint32_t drive_index);

struct ServedDrive {
  std::uint32_t index = 0;  // K: /dev/srK, /dev/scdK (block 11:K) and /dev/sgK (char 21:K)
  std::shared_ptr<mmc::Transport> transport;
  // What sysfs shows (vendor, model and rev files), normally the INQUIRY strings.
  std::string vendor = "MKIMG";
  std::string model = "VirtualRecorder";
  std::string revision = "0100";
};

class ServerState;

class Server {
 public:
  // Prepares `dir` (an existing, private, empty folder): the socket dir/server.sock, the
  // fake tree dir/root (/sys/bus/scsi, /sys/class/scsi_generic, /sys/block, /sys/dev,
  // /proc/sys/dev/cdrom/info, /proc/scsi) and the lock files dir/locks/drive<K>; then
  // starts serving. With MKIMG_EMU_TRACE=FILE in the environment, every command a program
  // sends is appended to FILE as one line (drive, CDB, lengths, sense). Returns kInvalidInput for
  // duplicate or out-of-range (>= 32) drive indices, kIo when the folder or socket cannot be set
  // up.
  static base::Expected<std::unique_ptr<Server>> Start(const std::string& dir,
                                                       std::vector<ServedDrive> drives);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Stops accepting, ends every connection and joins the threads. Idempotent.
  void Stop();

  const std::string& socket_path() const { return socket_path_; }
  // The variables a program needs, besides LD_PRELOAD, as "NAME=VALUE":
  // MKIMG_EMU_SOCKET and MKIMG_EMU_DRIVES (the indices, comma separated).
  std::vector<std::string> Environment() const;

 private:
  Server(std::string socket_path, std::unique_ptr<ServerState> state);
  std::string socket_path_;
  std::unique_ptr<ServerState> state_;
};

}  // namespace emulator

#endif  // MKIMG_EMULATOR_SERVER_SERVER_H_

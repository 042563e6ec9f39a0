// The emulator server (server.h): accepts placeholder and transaction connections from
// libmkimg_preload.so and executes them against each drive's mmc::Transport. Open
// semantics follow Linux drivers/cdrom/cdrom.c cdrom_open() (ENOMEDIUM without a medium,
// EROFS for a write open of a medium that is not random-writable, both only without
// O_NONBLOCK), block/bdev.c (one O_EXCL holder per block device) and drivers/scsi/sg.c
// sg_open() (O_EXCL excludes every other open of the sg node). The data path (block I/O,
// the shared data area, the command transactions) is in server_io.cc.
#include "emulator/server/server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <thread>

#include "base/block_sink.h"
#include "emulator/server/wire.h"
#include "fake_tree.h"
#include "server_state.h"

namespace emulator {

ScsiAddress ScsiAddressOf(std::uint32_t drive_index) {
  ScsiAddress a;
  a.host = 7 + static_cast<int>(drive_index / 16);
  a.channel = 0;
  a.target = static_cast<int>(drive_index % 16);
  a.lun = 0;
  return a;
}

void ServerState::Trace(std::uint32_t drive, std::span<const std::uint8_t> cdb,
                        std::uint32_t length, const mmc::CommandResult& r) {
  if (trace == nullptr) return;
  std::string line = "sr" + std::to_string(drive) + ":";
  char hex[4];
  for (std::uint8_t b : cdb) {
    std::snprintf(hex, sizeof(hex), " %02x", b);
    line += hex;
  }
  line += " len=" + std::to_string(length) + " moved=" + std::to_string(r.transferred);
  if (r.transport_error) {
    line += " transport-error";
  } else if (r.status != mmc::ScsiStatus::kGood) {
    const Sense s = DecodeSense(r.sense);
    std::snprintf(hex, sizeof(hex), "%x", s.key);
    line += std::string(" CHECK ") + hex;
    std::snprintf(hex, sizeof(hex), "%02x", s.asc);
    line += std::string("/") + hex;
    std::snprintf(hex, sizeof(hex), "%02x", s.ascq);
    line += std::string("/") + hex;
  }
  std::lock_guard<std::mutex> lock(trace_mutex);
  std::fprintf(trace, "%s\n", line.c_str());
  std::fflush(trace);
}

mmc::CommandResult ServerState::Internal(DriveSlot& slot, std::span<const std::uint8_t> cdb,
                                         mmc::DataDirection direction,
                                         std::span<std::uint8_t> data) {
  mmc::CommandResult result;
  for (int attempt = 0; attempt < 4; ++attempt) {
    {
      std::lock_guard<std::mutex> lock(slot.command_mutex);
      result = slot.drive.transport->Execute(cdb, direction, data, kInternalTimeoutMs);
    }
    if (result.transport_error || result.status != mmc::ScsiStatus::kCheckCondition) break;
    if (DecodeSense(result.sense).key != 0x06) break;  // UNIT ATTENTION: repeat
  }
  return result;
}

int ServerState::CheckMediumForOpen(DriveSlot& slot, int flags) {
  // cdrom.c open_for_data(): no medium -> ENOMEDIUM.
  const std::uint8_t tur[6] = {0x00, 0, 0, 0, 0, 0};
  mmc::CommandResult r = Internal(slot, tur, mmc::DataDirection::kNone, {});
  if (r.transport_error) return EIO;
  if (r.status == mmc::ScsiStatus::kCheckCondition) {
    const Sense s = DecodeSense(r.sense);
    if (s.key == 0x02 && s.asc == 0x3a) return ENOMEDIUM;
  }
  if (!IsWritable(flags)) return 0;
  // cdrom.c cdrom_open_write(): only random-writable media (GET CONFIGURATION feature
  // 0020h, MMC-5 5.3.13, current) may be opened for writing.
  std::uint8_t config[16] = {};
  const std::uint8_t get_configuration[10] = {0x46, 0x02, 0x00, 0x20, 0, 0, 0, 0, 16, 0};
  r = Internal(slot, get_configuration, mmc::DataDirection::kFromDevice, config);
  if (r.transport_error || r.status != mmc::ScsiStatus::kGood || r.transferred < 12) {
    return EROFS;
  }
  const bool listed = config[8] == 0x00 && config[9] == 0x20;
  const bool current = (config[10] & 0x01) != 0;
  return listed && current ? 0 : EROFS;
}

bool ServerState::HolderAlive(const OpenFile& file) {
  pollfd p{file.placeholder_fd, POLLIN | POLLRDHUP, 0};
  if (poll(&p, 1, 0) < 0) return true;
  return (p.revents & (POLLHUP | POLLRDHUP | POLLERR)) == 0;
}

void ServerState::ReapLocked(const DriveSlot* slot) {
  for (auto it = files.begin(); it != files.end();) {
    if (it->second.slot == slot && !HolderAlive(it->second)) {
      it = files.erase(it);
    } else {
      ++it;
    }
  }
}

bool ServerState::LookUp(std::uint64_t token, OpenFile* copy) {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = files.find(token);
  if (it == files.end()) return false;
  *copy = it->second;
  return true;
}

void ServerState::ServePlaceholder(Connection* connection, const MkimgEmuRequest& request) {
  MkimgEmuResponse response = NewResponse(kMkimgEmuOpen);
  response.drive = request.drive;
  response.node = request.node;
  response.open_flags = request.open_flags;
  auto slot_it = drives.find(request.drive);
  int err = 0;
  if (slot_it == drives.end() || request.node > kMkimgEmuNodeGeneric) {
    err = ENXIO;
  } else if (request.node == kMkimgEmuNodeBlock && (request.open_flags & O_NONBLOCK) == 0) {
    err = CheckMediumForOpen(*slot_it->second, request.open_flags);
  }
  if (err == 0) {
    DriveSlot* slot = slot_it->second.get();
    std::lock_guard<std::mutex> lock(mutex);
    ReapLocked(slot);
    const bool exclusive = (request.open_flags & O_EXCL) != 0;
    for (const auto& [token, file] : files) {
      if (file.slot != slot || file.node != request.node) continue;
      if (request.node == kMkimgEmuNodeBlock) {
        if (exclusive && (file.flags & O_EXCL) != 0) err = EBUSY;
      } else if (exclusive || (file.flags & O_EXCL) != 0) {
        err = EBUSY;
      }
    }
    if (err == 0) {
      OpenFile file;
      file.token = next_token++;
      file.slot = slot;
      file.node = request.node;
      file.flags = request.open_flags;
      file.placeholder_fd = connection->fd;
      files[file.token] = file;
      response.token = file.token;
    }
  }
  response.error = err;
  if (!WriteFull(connection->fd, &response, sizeof(response)) || err != 0) {
    if (err == 0) {
      std::lock_guard<std::mutex> lock(mutex);
      files.erase(response.token);
    }
    return;
  }
  // The placeholder carries nothing more: its end is the release of the open file.
  std::uint8_t discard[256];
  while (true) {
    const ssize_t n = recv(connection->fd, discard, sizeof(discard), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
  }
  std::lock_guard<std::mutex> lock(mutex);
  files.erase(response.token);
}

void ServerState::Serve(Connection* connection) {
  MkimgEmuRequest request;
  bool first = true;
  while (ReadFull(connection->fd, &request, sizeof(request))) {
    if (request.magic != MKIMG_EMU_MAGIC) break;
    if (request.op == kMkimgEmuOpen) {
      if (first) ServePlaceholder(connection, request);
      break;
    }
    if (request.op == kMkimgEmuAttach) {
      if (!first || !ServeAttach(*connection)) break;
      first = false;
      continue;
    }
    first = false;
    if (!ServeTransaction(*connection, request)) break;
  }
  if (connection->shared != nullptr) munmap(connection->shared, connection->shared_size);
  connection->shared = nullptr;
  // The client sees the end at once; the accept loop closes the descriptor later.
  shutdown(connection->fd, SHUT_RDWR);
  connection->done = true;
}

void ServerState::AcceptLoop() {
  while (true) {
    pollfd fds[2] = {{listen_fd, POLLIN, 0}, {stop_pipe[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    const int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    std::lock_guard<std::mutex> lock(mutex);
    // Join connections that have ended.
    for (auto it = connections.begin(); it != connections.end();) {
      if ((*it)->done) {
        (*it)->thread.join();
        close((*it)->fd);
        it = connections.erase(it);
      } else {
        ++it;
      }
    }
    if (fd < 0) continue;
    if (stopping) {
      close(fd);
      return;
    }
    auto connection = std::make_unique<Connection>();
    connection->fd = fd;
    Connection* raw = connection.get();
    connection->thread = std::thread([this, raw] { Serve(raw); });
    connections.push_back(std::move(connection));
  }
}

void ServerState::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (stopping) return;
    stopping = true;
  }
  const char byte = 1;
  while (write(stop_pipe[1], &byte, 1) < 0 && errno == EINTR) {
  }
  if (accept_thread.joinable()) accept_thread.join();
  std::list<std::unique_ptr<Connection>> ending;
  {
    std::lock_guard<std::mutex> lock(mutex);
    ending.swap(connections);
    for (auto& c : ending) shutdown(c->fd, SHUT_RDWR);
  }
  for (auto& c : ending) {
    c->thread.join();
    close(c->fd);
  }
  if (trace != nullptr) std::fclose(trace);
  trace = nullptr;
  close(listen_fd);
  close(stop_pipe[0]);
  close(stop_pipe[1]);
  listen_fd = -1;
}

Server::Server(std::string socket_path, std::unique_ptr<ServerState> state)
    : socket_path_(std::move(socket_path)), state_(std::move(state)) {}

Server::~Server() { Stop(); }

void Server::Stop() {
  if (state_) state_->Stop();
}

base::Expected<std::unique_ptr<Server>> Server::Start(const std::string& dir,
                                                      std::vector<ServedDrive> drives) {
  auto state = std::make_unique<ServerState>();
  state->dir = dir;
  for (ServedDrive& d : drives) {
    const std::string where = "drive /dev/sr" + std::to_string(d.index);
    if (d.index >= MKIMG_EMU_MAX_DRIVES) {
      return base::InvalidInput(where, "drive index out of range (0..31)");
    }
    if (!d.transport) return base::InvalidInput(where, "no transport");
    if (state->drives.count(d.index) != 0) {
      return base::InvalidInput(where, "drive given twice");
    }
    auto slot = std::make_unique<DriveSlot>();
    slot->drive = std::move(d);
    state->drives[slot->drive.index] = std::move(slot);
  }
  std::vector<ServedDrive> described;
  for (const auto& [index, slot] : state->drives) described.push_back(slot->drive);
  RETURN_IF_ERROR(WriteFakeTree(dir, described));

  const std::string path = dir + "/server.sock";
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) {
    return base::InvalidInput(path, "socket path too long for AF_UNIX");
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  state->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (state->listen_fd < 0) return base::ErrnoError(path, errno);
  if (bind(state->listen_fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(state->listen_fd, 128) != 0) {
    const int err = errno;
    close(state->listen_fd);
    return base::ErrnoError(path, err);
  }
  if (pipe2(state->stop_pipe, O_CLOEXEC) != 0) {
    const int err = errno;
    close(state->listen_fd);
    return base::ErrnoError(path, err);
  }
  if (const char* trace = std::getenv("MKIMG_EMU_TRACE"); trace != nullptr && *trace != '\0') {
    state->trace = std::fopen(trace, "ae");
    if (state->trace == nullptr) {
      const int err = errno;
      close(state->listen_fd);
      close(state->stop_pipe[0]);
      close(state->stop_pipe[1]);
      return base::ErrnoError(trace, err);
    }
  }
  ServerState* raw = state.get();
  state->accept_thread = std::thread([raw] { raw->AcceptLoop(); });
  return std::unique_ptr<Server>(new Server(path, std::move(state)));
}

std::vector<std::string> Server::Environment() const {
  std::string indices;
  for (const auto& [index, slot] : state_->drives) {
    if (!indices.empty()) indices += ",";
    indices += std::to_string(index);
  }
  return {std::string(MKIMG_EMU_SOCKET_ENV) + "=" + socket_path_,
          std::string(MKIMG_EMU_DRIVES_ENV) + "=" + indices};
}

}  // namespace emulator

// The emulator server (server.h): accepts placeholder and transaction connections from
// libmkimg_preload.so and executes them against each drive's mmc::Transport. Open
// semantics follow Linux drivers/cdrom/cdrom.c cdrom_open() (ENOMEDIUM without a medium,
// EROFS for a write open of a medium that is not random-writable, both only without
// O_NONBLOCK), block/bdev.c (one O_EXCL holder per block device) and drivers/scsi/sg.c
// sg_open() (O_EXCL excludes every other open of the sg node). Block-device reads and
// writes become READ(10)/WRITE(10) (MMC-5 6.16, 6.44) of 2048-byte sectors.
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

namespace emulator {

ScsiAddress ScsiAddressOf(std::uint32_t drive_index) {
  ScsiAddress a;
  a.host = 7 + static_cast<int>(drive_index / 16);
  a.channel = 0;
  a.target = static_cast<int>(drive_index % 16);
  a.lun = 0;
  return a;
}

namespace {

constexpr std::uint32_t kSectorsPerCommand = 32;
constexpr std::uint32_t kInternalTimeoutMs = 60000;

struct DriveSlot {
  ServedDrive drive;
  std::mutex command_mutex;  // a real drive executes one command at a time
};

struct OpenFile {
  std::uint64_t token = 0;
  DriveSlot* slot = nullptr;
  std::uint32_t node = kMkimgEmuNodeBlock;
  int flags = 0;
  std::int64_t offset = 0;  // the open file description's position (block node)
  int flock_mode = 0;       // 0, LOCK_SH or LOCK_EX
  int placeholder_fd = -1;  // valid while the file is in the table
};

// A byte buffer reused from command to command: it grows to the largest transfer seen and
// is never zero-filled (every byte a response carries was written by the drive first), so
// a command costs neither an allocation nor fresh pages to fault in.
class Scratch {
 public:
  std::span<std::uint8_t> Get(std::size_t size) {
    if (size > capacity_) {
      bytes_ = std::make_unique_for_overwrite<std::uint8_t[]>(size);
      capacity_ = size;
    }
    return {bytes_.get(), size};
  }
  // Gives back a buffer grown past `keep` bytes by an unusually large transfer.
  void Trim(std::size_t keep) {
    if (capacity_ > keep) {
      bytes_.reset();
      capacity_ = 0;
    }
  }

 private:
  std::unique_ptr<std::uint8_t[]> bytes_;
  std::size_t capacity_ = 0;
};

struct Connection {
  int fd = -1;
  std::thread thread;
  std::atomic<bool> done{false};
  // The data area shared with the client (wire.h kMkimgEmuAttach), mapped by this
  // connection's thread only; nullptr until attached.
  std::uint8_t* shared = nullptr;
  std::size_t shared_size = 0;
  Scratch payload;  // a socket payload, or the one copy of the area's data-out bytes
  Scratch data;     // data-in bytes sent as a socket payload
  Scratch chunk;    // partial sectors of block reads and writes
};

struct Sense {
  int key = 0;
  int asc = 0;
  int ascq = 0;
};

// SPC-4 4.5.2 (descriptor format, 72h/73h) and 4.5.3 (fixed format, 70h/71h).
Sense DecodeSense(const std::vector<std::uint8_t>& s) {
  Sense out;
  if (s.empty()) return out;
  const int code = s[0] & 0x7f;
  if ((code == 0x72 || code == 0x73) && s.size() >= 4) {
    out.key = s[1] & 0x0f;
    out.asc = s[2];
    out.ascq = s[3];
  } else if (s.size() >= 14) {
    out.key = s[2] & 0x0f;
    out.asc = s[12];
    out.ascq = s[13];
  } else if (s.size() >= 3) {
    out.key = s[2] & 0x0f;
  }
  return out;
}

void StoreBe32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

std::uint32_t LoadBe32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

bool ReadFull(int fd, void* buffer, std::size_t size) {
  auto* p = static_cast<std::uint8_t*>(buffer);
  while (size > 0) {
    const ssize_t n = recv(fd, p, size, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool WriteFull(int fd, const void* buffer, std::size_t size) {
  const auto* p = static_cast<const std::uint8_t*>(buffer);
  while (size > 0) {
    const ssize_t n = send(fd, p, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Sends the response header and its payload in one call where the socket takes it.
bool SendResponse(int fd, const MkimgEmuResponse& response, std::span<const std::uint8_t> payload) {
  iovec parts[2] = {{const_cast<MkimgEmuResponse*>(&response), sizeof(response)},
                    {const_cast<std::uint8_t*>(payload.data()), payload.size()}};
  msghdr message{};
  message.msg_iov = parts;
  message.msg_iovlen = payload.empty() ? 1 : 2;
  while (message.msg_iovlen > 0) {
    const ssize_t n = sendmsg(fd, &message, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    auto left = static_cast<std::size_t>(n);
    while (message.msg_iovlen > 0 && left >= message.msg_iov[0].iov_len) {
      left -= message.msg_iov[0].iov_len;
      ++message.msg_iov;
      --message.msg_iovlen;
    }
    if (message.msg_iovlen > 0) {
      message.msg_iov[0].iov_base = static_cast<std::uint8_t*>(message.msg_iov[0].iov_base) + left;
      message.msg_iov[0].iov_len -= left;
    }
  }
  return true;
}

MkimgEmuResponse NewResponse(std::uint32_t op) {
  MkimgEmuResponse r;
  std::memset(&r, 0, sizeof(r));
  r.magic = MKIMG_EMU_MAGIC;
  r.op = op;
  return r;
}

bool IsReadable(int flags) {
  return (flags & O_ACCMODE) == O_RDONLY || (flags & O_ACCMODE) == O_RDWR;
}
bool IsWritable(int flags) {
  return (flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR;
}

}  // namespace

class ServerState {
 public:
  std::string dir;
  std::map<std::uint32_t, std::unique_ptr<DriveSlot>> drives;
  int listen_fd = -1;
  int stop_pipe[2] = {-1, -1};
  std::thread accept_thread;
  std::mutex mutex;  // guards everything below
  bool stopping = false;
  std::uint64_t next_token = 1;
  std::map<std::uint64_t, OpenFile> files;
  std::list<std::unique_ptr<Connection>> connections;
  std::FILE* trace = nullptr;  // MKIMG_EMU_TRACE: one line per program command
  std::mutex trace_mutex;

  void AcceptLoop();
  void Trace(std::uint32_t drive, std::span<const std::uint8_t> cdb, std::uint32_t length,
             const mmc::CommandResult& r);
  void Serve(Connection* connection);
  void ServePlaceholder(Connection* connection, const MkimgEmuRequest& request);
  // Creates, maps and sends the connection's data area (wire.h kMkimgEmuAttach), its
  // first request only. Returns false when the connection must end.
  bool ServeAttach(Connection& connection);
  bool ServeTransaction(Connection& connection, const MkimgEmuRequest& request);
  void Stop();

 private:
  // Executes an internal command (the kernel driver's own, not the program's), retrying
  // through unit attentions as the sr driver does.
  mmc::CommandResult Internal(DriveSlot& slot, std::span<const std::uint8_t> cdb,
                              mmc::DataDirection direction, std::span<std::uint8_t> data);
  int CheckMediumForOpen(DriveSlot& slot, int flags);
  bool HolderAlive(const OpenFile& file);
  // REQUIRES: mutex held. Forgets the open files of `slot` whose every descriptor is
  // closed (close(), kill -9), even if their connection thread has not yet seen the end
  // of file: the kernel releases O_EXCL claims and flock locks synchronously.
  void ReapLocked(const DriveSlot* slot);
  int Capacity(DriveSlot& slot, std::int64_t* bytes);
  // Reads up to out.size() bytes at `offset` into `out` (whole sectors straight from the
  // drive, partial ones through `chunk`); *got counts them.
  int BlockRead(DriveSlot& slot, std::int64_t offset, std::span<std::uint8_t> out, Scratch& chunk,
                std::size_t* got);
  // Writes `data` at `offset` (whole sectors straight to the drive, partial ones read,
  // patched and written through `chunk`); *written counts the bytes.
  int BlockWrite(DriveSlot& slot, std::int64_t offset, std::span<std::uint8_t> data, Scratch& chunk,
                 std::int64_t* written);
  bool LookUp(std::uint64_t token, OpenFile* copy);
};

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

int ServerState::Capacity(DriveSlot& slot, std::int64_t* bytes) {
  std::uint8_t data[8] = {};
  const std::uint8_t read_capacity[10] = {0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  const mmc::CommandResult r = Internal(slot, read_capacity, mmc::DataDirection::kFromDevice, data);
  if (r.transport_error) return EIO;
  if (r.status != mmc::ScsiStatus::kGood) {
    const Sense s = DecodeSense(r.sense);
    return s.key == 0x02 && s.asc == 0x3a ? ENOMEDIUM : EIO;
  }
  if (r.transferred < 8) return EIO;
  *bytes = (static_cast<std::int64_t>(LoadBe32(data)) + 1) * base::kBlockSize;
  return 0;
}

int ServerState::BlockRead(DriveSlot& slot, std::int64_t offset, std::span<std::uint8_t> out,
                           Scratch& chunk, std::size_t* got) {
  *got = 0;
  std::int64_t capacity = 0;
  if (const int err = Capacity(slot, &capacity)) return err;
  if (offset >= capacity || out.empty()) return 0;
  const std::int64_t end =
      std::min<std::int64_t>(capacity, offset + static_cast<std::int64_t>(out.size()));
  std::int64_t position = offset;
  while (position < end) {
    const auto lba = static_cast<std::uint32_t>(position / base::kBlockSize);
    const auto last = static_cast<std::uint32_t>((end - 1) / base::kBlockSize);
    const std::uint32_t count = std::min(kSectorsPerCommand, last - lba + 1);
    const std::int64_t chunk_start = std::int64_t{lba} * base::kBlockSize;
    const std::int64_t chunk_bytes = std::int64_t{count} * base::kBlockSize;
    const std::int64_t chunk_end = std::min(end, chunk_start + chunk_bytes);
    const bool whole = position == chunk_start && chunk_end == chunk_start + chunk_bytes;
    const std::span<std::uint8_t> target =
        whole ? out.subspan(static_cast<std::size_t>(position - offset),
                            static_cast<std::size_t>(chunk_bytes))
              : chunk.Get(static_cast<std::size_t>(chunk_bytes));
    std::uint8_t cdb[10] = {0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0};  // READ(10), MMC-5 6.16
    StoreBe32(cdb + 2, lba);
    cdb[7] = static_cast<std::uint8_t>(count >> 8);
    cdb[8] = static_cast<std::uint8_t>(count);
    const mmc::CommandResult r = Internal(slot, cdb, mmc::DataDirection::kFromDevice, target);
    if (r.transport_error || r.status != mmc::ScsiStatus::kGood ||
        r.transferred != static_cast<std::uint32_t>(chunk_bytes)) {
      return *got == 0 ? EIO : 0;
    }
    if (!whole) {
      std::memcpy(out.data() + (position - offset), target.data() + (position - chunk_start),
                  static_cast<std::size_t>(chunk_end - position));
    }
    *got += static_cast<std::size_t>(chunk_end - position);
    position = chunk_end;
  }
  return 0;
}

int ServerState::BlockWrite(DriveSlot& slot, std::int64_t offset, std::span<std::uint8_t> data,
                            Scratch& chunk, std::int64_t* written) {
  *written = 0;
  std::int64_t capacity = 0;
  if (const int err = Capacity(slot, &capacity)) return err;
  if (data.empty()) return 0;
  if (offset >= capacity) return ENOSPC;
  const std::int64_t end =
      std::min<std::int64_t>(capacity, offset + static_cast<std::int64_t>(data.size()));
  std::int64_t position = offset;
  while (position < end) {
    const auto lba = static_cast<std::uint32_t>(position / base::kBlockSize);
    const auto last = static_cast<std::uint32_t>((end - 1) / base::kBlockSize);
    const std::uint32_t count = std::min(kSectorsPerCommand, last - lba + 1);
    const std::int64_t chunk_start = std::int64_t{lba} * base::kBlockSize;
    const std::int64_t chunk_bytes = std::int64_t{count} * base::kBlockSize;
    const std::int64_t chunk_end = std::min(end, chunk_start + chunk_bytes);
    std::span<std::uint8_t> source;
    if (position == chunk_start && chunk_end == chunk_start + chunk_bytes) {
      source = data.subspan(static_cast<std::size_t>(position - offset),
                            static_cast<std::size_t>(chunk_bytes));
    } else {
      // A partial sector: read it first, as the page cache would (whole sectors: READ
      // straight into the chunk).
      source = chunk.Get(static_cast<std::size_t>(chunk_bytes));
      Scratch spare;  // used only if the capacity changed meanwhile
      std::size_t got = 0;
      if (BlockRead(slot, chunk_start, source, spare, &got) != 0 ||
          got != static_cast<std::size_t>(chunk_bytes)) {
        return *written == 0 ? EIO : 0;
      }
      std::memcpy(source.data() + (position - chunk_start), data.data() + (position - offset),
                  static_cast<std::size_t>(chunk_end - position));
    }
    std::uint8_t cdb[10] = {0x2a, 0, 0, 0, 0, 0, 0, 0, 0, 0};  // WRITE(10), MMC-5 6.44
    StoreBe32(cdb + 2, lba);
    cdb[7] = static_cast<std::uint8_t>(count >> 8);
    cdb[8] = static_cast<std::uint8_t>(count);
    const mmc::CommandResult r = Internal(slot, cdb, mmc::DataDirection::kToDevice, source);
    if (r.transport_error || r.status != mmc::ScsiStatus::kGood) {
      return *written == 0 ? EIO : 0;
    }
    *written += chunk_end - position;
    position = chunk_end;
  }
  return 0;
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

bool ServerState::ServeAttach(Connection& connection) {
  MkimgEmuResponse response = NewResponse(kMkimgEmuAttach);
  // Sealed against shrinking and growing (memfd_create(2), fcntl(2) F_ADD_SEALS): the
  // client cannot truncate the area under the server's mapping (no SIGBUS here).
  int memfd = memfd_create("mkimg-emu-data", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  void* area = MAP_FAILED;
  if (memfd >= 0 && ftruncate(memfd, MKIMG_EMU_SHARED_BYTES) == 0 &&
      fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) == 0) {
    area = mmap(nullptr, MKIMG_EMU_SHARED_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
  }
  if (area == MAP_FAILED) {
    response.error = ENOSYS;  // the client falls back to socket payloads
    if (memfd >= 0) close(memfd);
    memfd = -1;
  } else {
    connection.shared = static_cast<std::uint8_t*>(area);
    connection.shared_size = MKIMG_EMU_SHARED_BYTES;
    response.value = MKIMG_EMU_SHARED_BYTES;
  }
  iovec part = {&response, sizeof(response)};
  msghdr message{};
  message.msg_iov = &part;
  message.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (memfd >= 0) {
    message.msg_control = control;
    message.msg_controllen = sizeof(control);
    cmsghdr* c = CMSG_FIRSTHDR(&message);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &memfd, sizeof(int));
  }
  ssize_t n;
  do {
    n = sendmsg(connection.fd, &message, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (memfd >= 0) close(memfd);  // the mapping stays
  if (n <= 0) return false;
  const auto sent = static_cast<std::size_t>(n);
  return sent == sizeof(response) ||
         WriteFull(connection.fd, reinterpret_cast<const std::uint8_t*>(&response) + sent,
                   sizeof(response) - sent);
}

bool ServerState::ServeTransaction(Connection& connection, const MkimgEmuRequest& request) {
  if (request.payload_length > MKIMG_EMU_MAX_PAYLOAD) return false;
  const std::span<std::uint8_t> payload = connection.payload.Get(request.payload_length);
  if (!payload.empty() && !ReadFull(connection.fd, payload.data(), payload.size())) return false;
  // The data area's bytes are the client's to change at any time: a data-out transfer is
  // copied out of it once, before the drive parses it; data-in is only ever written there.
  const bool shared = (request.flags & MKIMG_EMU_FLAG_SHARED) != 0;
  const bool shared_ok = connection.shared != nullptr && request.payload_length == 0 &&
                         request.transfer_length <= connection.shared_size;
  MkimgEmuResponse response = NewResponse(request.op);
  std::span<const std::uint8_t> out;
  OpenFile file;
  if (request.flags & ~MKIMG_EMU_FLAG_SHARED || (shared && !shared_ok)) {
    response.error = EINVAL;
  } else if (!LookUp(request.token, &file)) {
    response.error = EBADF;
  } else {
    DriveSlot& slot = *file.slot;
    response.token = file.token;
    response.drive = slot.drive.index;
    response.node = file.node;
    response.open_flags = file.flags;
    switch (request.op) {
      case kMkimgEmuSgIo: {
        if (request.cdb_length == 0 || request.cdb_length > 16 ||
            request.transfer_length > MKIMG_EMU_MAX_PAYLOAD ||
            request.direction > kMkimgEmuFromDevice ||
            (request.direction == kMkimgEmuToDevice && !shared &&
             request.payload_length != request.transfer_length)) {
          response.error = EINVAL;
          break;
        }
        mmc::DataDirection direction = mmc::DataDirection::kNone;
        std::span<std::uint8_t> data;
        if (request.direction == kMkimgEmuToDevice) {
          direction = mmc::DataDirection::kToDevice;
          if (shared) {
            data = connection.payload.Get(request.transfer_length);
            std::memcpy(data.data(), connection.shared, data.size());
          } else {
            data = payload;
          }
        } else if (request.direction == kMkimgEmuFromDevice) {
          direction = mmc::DataDirection::kFromDevice;
          data = shared ? std::span<std::uint8_t>(connection.shared, request.transfer_length)
                        : connection.data.Get(request.transfer_length);
        }
        // The CDB is copied out of the request too: the drive keeps a view of it.
        std::uint8_t cdb[16];
        std::memcpy(cdb, request.cdb, sizeof(cdb));
        const std::span<const std::uint8_t> command(cdb, request.cdb_length);
        mmc::CommandResult r;
        {
          std::lock_guard<std::mutex> lock(slot.command_mutex);
          r = slot.drive.transport->Execute(command, direction, data, request.timeout_ms);
        }
        Trace(slot.drive.index, command, request.transfer_length, r);
        response.scsi_status = static_cast<std::uint8_t>(r.status);
        response.transport_error = r.transport_error ? 1 : 0;
        response.sense_length =
            static_cast<std::uint8_t>(std::min<std::size_t>(r.sense.size(), MKIMG_EMU_MAX_SENSE));
        std::copy_n(r.sense.begin(), response.sense_length, response.sense);
        const std::uint32_t moved =
            std::min<std::uint32_t>(r.transferred, static_cast<std::uint32_t>(data.size()));
        response.value = moved;
        if (direction == mmc::DataDirection::kFromDevice) {
          if (shared) {
            response.shared = 1;
          } else {
            out = data.first(moved);
          }
        }
        break;
      }
      case kMkimgEmuRead:
      case kMkimgEmuWrite: {
        const bool read = request.op == kMkimgEmuRead;
        if (file.node != kMkimgEmuNodeBlock ||
            !(read ? IsReadable(file.flags) : IsWritable(file.flags))) {
          response.error = EBADF;
          break;
        }
        if (request.transfer_length > MKIMG_EMU_MAX_PAYLOAD) {
          response.error = EINVAL;
          break;
        }
        const bool at_position = request.offset < 0;
        std::int64_t offset = request.offset;
        if (at_position) {
          std::lock_guard<std::mutex> lock(mutex);
          auto it = files.find(file.token);
          offset = it == files.end() ? 0 : it->second.offset;
        }
        std::int64_t moved = 0;
        if (read) {
          const std::span<std::uint8_t> target =
              shared ? std::span<std::uint8_t>(connection.shared, request.transfer_length)
                     : connection.data.Get(request.transfer_length);
          std::size_t got = 0;
          response.error = BlockRead(slot, offset, target, connection.chunk, &got);
          moved = static_cast<std::int64_t>(got);
          if (shared) {
            response.shared = 1;
          } else {
            out = target.first(got);
          }
        } else {
          std::span<std::uint8_t> data = payload;
          if (shared) {
            data = connection.payload.Get(request.transfer_length);
            std::memcpy(data.data(), connection.shared, data.size());
          }
          response.error = BlockWrite(slot, offset, data, connection.chunk, &moved);
        }
        response.value = moved;
        if (at_position && response.error == 0) {
          std::lock_guard<std::mutex> lock(mutex);
          auto it = files.find(file.token);
          if (it != files.end()) it->second.offset = offset + moved;
        }
        break;
      }
      case kMkimgEmuSeek: {
        std::int64_t base = 0;
        if (request.whence == SEEK_CUR) {
          base = file.offset;
        } else if (request.whence == SEEK_END) {
          response.error = Capacity(slot, &base);
          if (response.error == ENOMEDIUM) {
            response.error = 0;
            base = 0;
          }
        } else if (request.whence != SEEK_SET) {
          response.error = EINVAL;
        }
        if (response.error != 0) break;
        const std::int64_t target = base + request.offset;
        if (target < 0) {
          response.error = EINVAL;
          break;
        }
        std::lock_guard<std::mutex> lock(mutex);
        auto it = files.find(file.token);
        if (it != files.end()) it->second.offset = target;
        response.value = target;
        break;
      }
      case kMkimgEmuFlock: {
        const int operation = request.flock_operation & ~LOCK_NB;
        std::lock_guard<std::mutex> lock(mutex);
        ReapLocked(file.slot);
        auto self = files.find(file.token);
        if (self == files.end()) {
          response.error = EBADF;
          break;
        }
        if (operation == LOCK_UN) {
          self->second.flock_mode = 0;
          break;
        }
        if (operation != LOCK_SH && operation != LOCK_EX) {
          response.error = EINVAL;
          break;
        }
        for (const auto& [token, other] : files) {
          if (token == file.token || other.slot != file.slot || other.node != file.node) continue;
          if (other.flock_mode == LOCK_EX || (operation == LOCK_EX && other.flock_mode != 0)) {
            response.error = EWOULDBLOCK;
          }
        }
        if (response.error == 0) self->second.flock_mode = operation;
        break;
      }
      case kMkimgEmuCapacity: {
        std::int64_t bytes = 0;
        response.error = Capacity(slot, &bytes);
        response.value = bytes;
        break;
      }
      default:
        response.error = EINVAL;
        break;
    }
  }
  response.payload_length = static_cast<std::uint32_t>(out.size());
  const bool sent = SendResponse(connection.fd, response, out);
  // A transfer beyond the data area grew the buffers; they are not kept for the next.
  connection.payload.Trim(MKIMG_EMU_SHARED_BYTES);
  connection.data.Trim(MKIMG_EMU_SHARED_BYTES);
  return sent;
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

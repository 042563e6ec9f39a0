// The emulator server's private parts (server.h): its state, a connection and its reused
// buffers, and the wire helpers shared by server.cc (connections, opens, placeholders) and
// server_io.cc (block I/O, the data area and the command transactions).
#ifndef MKIMG_EMULATOR_SERVER_SERVER_STATE_H_
#define MKIMG_EMULATOR_SERVER_SERVER_STATE_H_

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "emulator/server/server.h"
#include "emulator/server/wire.h"

namespace emulator {

inline constexpr std::uint32_t kSectorsPerCommand = 32;
inline constexpr std::uint32_t kInternalTimeoutMs = 60000;

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
inline Sense DecodeSense(const std::vector<std::uint8_t>& s) {
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

inline bool ReadFull(int fd, void* buffer, std::size_t size) {
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

inline bool WriteFull(int fd, const void* buffer, std::size_t size) {
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
inline bool SendResponse(int fd, const MkimgEmuResponse& response,
                         std::span<const std::uint8_t> payload) {
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

inline MkimgEmuResponse NewResponse(std::uint32_t op) {
  MkimgEmuResponse r;
  std::memset(&r, 0, sizeof(r));
  r.magic = MKIMG_EMU_MAGIC;
  r.op = op;
  return r;
}

inline bool IsReadable(int flags) {
  return (flags & O_ACCMODE) == O_RDONLY || (flags & O_ACCMODE) == O_RDWR;
}
inline bool IsWritable(int flags) {
  return (flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR;
}

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

}  // namespace emulator

#endif  // MKIMG_EMULATOR_SERVER_SERVER_STATE_H_

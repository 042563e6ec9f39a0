// The emulator server's data path (server_state.h): block-device reads and writes as
// READ(10)/WRITE(10) of 2048-byte sectors (MMC-5 6.16, 6.44), the connection's shared data
// area (specs/emulator.md §6) and each command transaction.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>

#include "base/block_sink.h"
#include "base/bytes.h"
#include "server_state.h"

namespace emulator {

using base::LoadBe32;
using base::StoreBe32;

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

namespace {

// One command's worth of the sectors behind the bytes [offset, end) of a block device:
// sectors [lba, lba + count), which hold bytes [start, start + count * kBlockSize), of which
// [from, to) are asked for.
struct BlockPiece {
  std::uint32_t lba = 0;
  std::uint32_t count = 0;
  std::int64_t start = 0;
  std::int64_t from = 0;
  std::int64_t to = 0;
  std::int64_t bytes() const { return std::int64_t{count} * base::kBlockSize; }
  // Whole sectors: no partial sector to read first or to cut out.
  bool whole() const { return from == start && to == start + bytes(); }
};

// Walks [offset, end) in commands of at most kSectorsPerCommand sectors, in order, until
// `step` returns false.
template <typename Step>
void WalkBlocks(std::int64_t offset, std::int64_t end, Step&& step) {
  for (std::int64_t position = offset; position < end;) {
    BlockPiece p;
    p.lba = static_cast<std::uint32_t>(position / base::kBlockSize);
    const auto last = static_cast<std::uint32_t>((end - 1) / base::kBlockSize);
    p.count = std::min(kSectorsPerCommand, last - p.lba + 1);
    p.start = std::int64_t{p.lba} * base::kBlockSize;
    p.from = position;
    p.to = std::min(end, p.start + p.bytes());
    if (!step(p)) return;
    position = p.to;
  }
}

// READ(10) (MMC-5 6.16) or WRITE(10) (6.44) of a piece.
std::array<std::uint8_t, 10> BlockCdb(std::uint8_t opcode, const BlockPiece& p) {
  std::array<std::uint8_t, 10> cdb = {opcode, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  StoreBe32(cdb.data() + 2, p.lba);
  cdb[7] = static_cast<std::uint8_t>(p.count >> 8);
  cdb[8] = static_cast<std::uint8_t>(p.count);
  return cdb;
}

}  // namespace

int ServerState::BlockRead(DriveSlot& slot, std::int64_t offset, std::span<std::uint8_t> out,
                           Scratch& chunk, std::size_t* got) {
  *got = 0;
  std::int64_t capacity = 0;
  if (const int err = Capacity(slot, &capacity)) return err;
  if (offset >= capacity || out.empty()) return 0;
  const std::int64_t end =
      std::min<std::int64_t>(capacity, offset + static_cast<std::int64_t>(out.size()));
  int err = 0;
  WalkBlocks(offset, end, [&](const BlockPiece& p) {
    const auto bytes = static_cast<std::size_t>(p.bytes());
    const std::span<std::uint8_t> target =
        p.whole() ? out.subspan(static_cast<std::size_t>(p.from - offset), bytes)
                  : chunk.Get(bytes);
    const mmc::CommandResult r =
        Internal(slot, BlockCdb(0x28, p), mmc::DataDirection::kFromDevice, target);
    if (r.transport_error || r.status != mmc::ScsiStatus::kGood || r.transferred != bytes) {
      if (*got == 0) err = EIO;
      return false;
    }
    if (!p.whole()) {
      std::memcpy(out.data() + (p.from - offset), target.data() + (p.from - p.start),
                  static_cast<std::size_t>(p.to - p.from));
    }
    *got += static_cast<std::size_t>(p.to - p.from);
    return true;
  });
  return err;
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
  int err = 0;
  WalkBlocks(offset, end, [&](const BlockPiece& p) {
    const auto bytes = static_cast<std::size_t>(p.bytes());
    std::span<std::uint8_t> source;
    if (p.whole()) {
      source = data.subspan(static_cast<std::size_t>(p.from - offset), bytes);
    } else {
      // A partial sector: read it first, as the page cache would (whole sectors: READ
      // straight into the chunk).
      source = chunk.Get(bytes);
      Scratch spare;  // used only if the capacity changed meanwhile
      std::size_t got = 0;
      if (BlockRead(slot, p.start, source, spare, &got) != 0 || got != bytes) {
        if (*written == 0) err = EIO;
        return false;
      }
      std::memcpy(source.data() + (p.from - p.start), data.data() + (p.from - offset),
                  static_cast<std::size_t>(p.to - p.from));
    }
    const mmc::CommandResult r =
        Internal(slot, BlockCdb(0x2a, p), mmc::DataDirection::kToDevice, source);
    if (r.transport_error || r.status != mmc::ScsiStatus::kGood) {
      if (*written == 0) err = EIO;
      return false;
    }
    *written += p.to - p.from;
    return true;
  });
  return err;
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

}  // namespace emulator

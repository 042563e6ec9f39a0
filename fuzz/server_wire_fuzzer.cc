// libFuzzer target for the emulator server's wire protocol (emulator/server/wire.h,
// specs/emulator.md §6): a hostile client on a transaction connection, with or without the
// shared data area, sending arbitrary request headers, area contents and socket payloads
// to a server that serves a blank in-memory disc. The input is
//   byte 0            the medium (an index into base::AllMedia())
//   byte 1            bit 0: attach the data area first
//   then, per request: a control byte (bit 0: keep the fuzzed magic, else MKIMG_EMU_MAGIC;
//                      bit 1: keep the fuzzed token, else the open file's), the 88-byte
//                      request header, a 16-bit little-endian count and that many bytes
//                      written to the start of the area (when attached), then the
//                      request's payload_length bytes of payload (zero-filled when the
//                      input ends; lengths over 256 KiB are cut to their low 18 bits).
// Property: every request is answered within 10 s by a well-formed response (the
// request's op, a payload within MKIMG_EMU_MAX_PAYLOAD, data in the area only when it was
// asked for there and within the transfer length) or the connection is ended (a kOpen as
// the first request makes the connection a placeholder, which answers nothing more); the server
// never crashes or hangs, and afterwards still answers INQUIRY on a new connection.
// Anything else aborts. Target name: server_wire_fuzzer.
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/media.h"
#include "emulator/drive.h"
#include "emulator/server/server.h"
#include "emulator/server/wire.h"
#include "emulator/virtual_disc.h"

namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "server_wire_fuzzer: %s\n", what);
  std::abort();
}

int Connect(const std::string& path) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  if (fd < 0 || connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    Fail("cannot connect to the server");
  }
  return fd;
}

// Reads exactly `size` bytes within 10 s. Returns false on the server's hang-up.
bool ReadWithin(int fd, void* buffer, std::size_t size) {
  auto* p = static_cast<std::uint8_t*>(buffer);
  while (size > 0) {
    pollfd waiting{fd, POLLIN, 0};
    const int ready = poll(&waiting, 1, 10000);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) Fail("the server did not answer within 10 s");
    const ssize_t n = recv(fd, p, size, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool WriteAll(int fd, const void* buffer, std::size_t size) {
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

MkimgEmuRequest NewRequest(std::uint32_t op) {
  MkimgEmuRequest r;
  std::memset(&r, 0, sizeof(r));
  r.magic = MKIMG_EMU_MAGIC;
  r.op = op;
  return r;
}

// Receives the attach response and its memfd; maps the area (nullptr: none).
std::uint8_t* Attach(int fd) {
  const MkimgEmuRequest attach = NewRequest(kMkimgEmuAttach);
  if (!WriteAll(fd, &attach, sizeof(attach))) Fail("attach not sent");
  MkimgEmuResponse response{};
  iovec part = {&response, sizeof(response)};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr message{};
  message.msg_iov = &part;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof(control);
  // libFuzzer's timeout alarm (SIGALRM, no SA_RESTART) interrupts blocking calls: retried.
  ssize_t got;
  do {
    got = recvmsg(fd, &message, MSG_WAITALL | MSG_CMSG_CLOEXEC);
  } while (got < 0 && errno == EINTR);
  if (got != ssize_t{sizeof(response)}) Fail("no attach response");
  cmsghdr* c = CMSG_FIRSTHDR(&message);
  if (c == nullptr || c->cmsg_type != SCM_RIGHTS) return nullptr;
  int memfd = -1;
  std::memcpy(&memfd, CMSG_DATA(c), sizeof(int));
  void* area = mmap(nullptr, MKIMG_EMU_SHARED_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
  close(memfd);
  return area == MAP_FAILED ? nullptr : static_cast<std::uint8_t*>(area);
}

// A fresh server per input, so that inputs do not depend on each other.
class Session {
 public:
  explicit Session(base::MediaType media) {
    char pattern[] = "/tmp/mkimg-wire-fuzz-XXXXXX";
    if (mkdtemp(pattern) == nullptr) Fail("mkdtemp");
    dir_ = pattern;
    std::vector<emulator::ServedDrive> drives(1);
    drives[0].transport =
        std::make_shared<emulator::Drive>(emulator::VirtualDisc::CreateInMemory(media));
    auto server = emulator::Server::Start(dir_, std::move(drives));
    if (!server) Fail("the server did not start");
    server_ = std::move(server).value();
  }
  ~Session() {
    server_->Stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  const std::string& socket_path() const { return server_->socket_path(); }

 private:
  std::string dir_;
  std::unique_ptr<emulator::Server> server_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto media = base::AllMedia();
  Session session(media[data[0] % media.size()].type);
  std::size_t pos = 2;
  auto next = [&]() -> std::uint8_t { return pos < size ? data[pos++] : 0; };

  const int placeholder = Connect(session.socket_path());
  MkimgEmuRequest open_request = NewRequest(kMkimgEmuOpen);
  open_request.open_flags = O_RDWR | O_NONBLOCK;
  MkimgEmuResponse record{};
  if (!WriteAll(placeholder, &open_request, sizeof(open_request))) Fail("the open was not sent");
  ssize_t got;
  do {  // retried when libFuzzer's timeout alarm interrupts it (see Attach)
    got = recv(placeholder, &record, sizeof(record), MSG_PEEK | MSG_WAITALL);
  } while (got < 0 && errno == EINTR);
  if (got != ssize_t{sizeof(record)} || record.error != 0) Fail("the open was refused");
  const int fd = Connect(session.socket_path());
  std::uint8_t* area = (data[1] & 1) != 0 ? Attach(fd) : nullptr;
  if ((data[1] & 1) != 0 && area == nullptr) Fail("no data area");

  std::vector<std::uint8_t> payload;
  for (int command = 0; pos < size && command < 64; ++command) {
    const std::uint8_t control = next();
    std::uint8_t header[sizeof(MkimgEmuRequest)];
    for (auto& b : header) b = next();
    MkimgEmuRequest request;
    std::memcpy(&request, header, sizeof(request));
    if ((control & 1) == 0) request.magic = MKIMG_EMU_MAGIC;
    if ((control & 2) == 0) request.token = record.token;
    std::size_t fill = next();
    fill |= std::size_t{next()} << 8;
    for (std::size_t i = 0; i < fill; ++i) {
      const std::uint8_t b = next();
      if (area != nullptr) area[i] = b;
    }
    if (request.payload_length <= MKIMG_EMU_MAX_PAYLOAD && request.payload_length > (256u << 10)) {
      request.payload_length &= 0x3ffff;
    }
    const bool sends_payload = request.payload_length <= MKIMG_EMU_MAX_PAYLOAD;
    payload.assign(sends_payload ? request.payload_length : 0, 0);
    for (auto& b : payload) b = next();
    if (!WriteAll(fd, &request, sizeof(request))) break;
    if (!payload.empty() && !WriteAll(fd, payload.data(), payload.size())) break;
    MkimgEmuResponse response;
    if (!ReadWithin(fd, &response, sizeof(response))) break;  // the server ended it
    if (response.magic != MKIMG_EMU_MAGIC) Fail("a response without the magic");
    if (response.op != request.op) Fail("a response to another op");
    if (response.payload_length > MKIMG_EMU_MAX_PAYLOAD) Fail("an oversized payload");
    if (response.shared != 0) {
      if (area == nullptr || (request.flags & MKIMG_EMU_FLAG_SHARED) == 0) {
        Fail("data in an area that was not asked for");
      }
      if (response.value < 0 ||
          static_cast<std::uint64_t>(response.value) > request.transfer_length ||
          response.payload_length != 0) {
        Fail("more data in the area than asked for");
      }
    }
    payload.resize(response.payload_length);
    if (!payload.empty() && !ReadWithin(fd, payload.data(), payload.size())) break;
    // A first request kOpen made the connection a placeholder: it answers nothing more.
    if (request.op == kMkimgEmuOpen) break;
  }
  close(fd);
  if (area != nullptr) munmap(area, MKIMG_EMU_SHARED_BYTES);

  // The server still serves: INQUIRY on a new connection (with the area, as clients do).
  const int again = Connect(session.socket_path());
  std::uint8_t* fresh = Attach(again);
  if (fresh == nullptr) Fail("no data area on a new connection");
  MkimgEmuRequest inquiry = NewRequest(kMkimgEmuSgIo);
  inquiry.token = record.token;
  inquiry.cdb[0] = 0x12;
  inquiry.cdb[4] = 36;
  inquiry.cdb_length = 6;
  inquiry.direction = kMkimgEmuFromDevice;
  inquiry.transfer_length = 36;
  inquiry.flags = MKIMG_EMU_FLAG_SHARED;
  MkimgEmuResponse answer{};
  if (!WriteAll(again, &inquiry, sizeof(inquiry)) || !ReadWithin(again, &answer, sizeof(answer)) ||
      answer.error != 0 || answer.shared != 1 || answer.value != 36 || fresh[0] != 0x05) {
    Fail("the server stopped serving");
  }
  munmap(fresh, MKIMG_EMU_SHARED_BYTES);
  close(again);
  close(placeholder);
  return 0;
}

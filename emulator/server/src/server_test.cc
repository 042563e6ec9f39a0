// Tests of the emulator server's protocol (wire.h) and of libmkimg_preload.so against it,
// using a fake recorder: the probe program (emulator/preload/preload_probe.c) runs under
// the library and checks what the Linux sr/sg drivers would answer.
#include "emulator/server/server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "emulator/server/wire.h"
#include "gtest/gtest.h"

namespace emulator {
namespace {

// A recorder with 100 readable sectors (byte i of LBA n is (n * 7 + i) & 0xff), writable
// in place when `random_writable` (GET CONFIGURATION feature 0020h current).
class FakeRecorder : public mmc::Transport {
 public:
  explicit FakeRecorder(bool random_writable) : random_writable_(random_writable) {}

  mmc::CommandResult Execute(std::span<const std::uint8_t> cdb, mmc::DataDirection direction,
                             std::span<std::uint8_t> data, std::uint32_t) override {
    std::lock_guard<std::mutex> lock(mutex_);
    ++commands_;
    mmc::CommandResult r;
    switch (cdb[0]) {
      case 0x00:  // TEST UNIT READY
      case 0x35:  // SYNCHRONIZE CACHE
        return r;
      case 0x12: {  // INQUIRY
        std::array<std::uint8_t, 36> inquiry{};
        inquiry[0] = 0x05;
        inquiry[1] = 0x80;
        inquiry[4] = 31;
        std::memcpy(&inquiry[8], "MKIMG   FakeRecorder    0100", 28);
        r.transferred = static_cast<std::uint32_t>(std::min(data.size(), inquiry.size()));
        std::copy_n(inquiry.begin(), r.transferred, data.begin());
        return r;
      }
      case 0x25: {  // READ CAPACITY
        const std::uint8_t capacity[8] = {0, 0, 0, 99, 0, 0, 0x08, 0};
        r.transferred = 8;
        std::copy_n(capacity, 8, data.begin());
        return r;
      }
      case 0x46: {  // GET CONFIGURATION, feature 0020h
        std::fill(data.begin(), data.end(), 0);
        data[3] = 12;
        data[9] = 0x20;
        data[10] = random_writable_ ? 1 : 0;
        r.transferred = static_cast<std::uint32_t>(std::min<std::size_t>(16, data.size()));
        return r;
      }
      case 0x28:    // READ(10)
      case 0x2a: {  // WRITE(10)
        const std::uint32_t lba = (std::uint32_t{cdb[2]} << 24) | (std::uint32_t{cdb[3]} << 16) |
                                  (std::uint32_t{cdb[4]} << 8) | cdb[5];
        const std::uint32_t count = (std::uint32_t{cdb[7]} << 8) | cdb[8];
        if (lba + count > 100 || data.size() < count * 2048u) return Check(0x05, 0x21);
        if (cdb[0] == 0x2a) {
          if (!random_writable_ || direction != mmc::DataDirection::kToDevice) {
            return Check(0x07, 0x27);
          }
          if (check_stable_) {
            // The bytes must not change while the drive holds them (the data area is the
            // client's to change at any time: the server copies it out first).
            const std::vector<std::uint8_t> before(data.begin(), data.end());
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            if (!std::equal(before.begin(), before.end(), data.begin())) ++unstable_;
          }
          for (std::uint32_t s = 0; s < count; ++s) {
            written_[lba + s].assign(data.begin() + s * 2048, data.begin() + (s + 1) * 2048);
          }
        } else {
          for (std::uint32_t s = 0; s < count; ++s) {
            auto it = written_.find(lba + s);
            for (std::uint32_t i = 0; i < 2048; ++i) {
              data[s * 2048 + i] = it != written_.end()
                                       ? it->second[i]
                                       : static_cast<std::uint8_t>((lba + s) * 7 + i);
            }
          }
        }
        r.transferred = count * 2048;
        return r;
      }
      default:
        return Check(0x05, 0x20);
    }
  }

  int commands() {
    std::lock_guard<std::mutex> lock(mutex_);
    return commands_;
  }
  void set_check_stable(bool on) { check_stable_ = on; }
  int unstable() const { return unstable_; }

 private:
  static mmc::CommandResult Check(std::uint8_t key, std::uint8_t asc) {
    mmc::CommandResult r;
    r.status = mmc::ScsiStatus::kCheckCondition;
    r.sense.assign(18, 0);
    r.sense[0] = 0x70;
    r.sense[2] = key;
    r.sense[7] = 10;
    r.sense[12] = asc;
    return r;
  }
  std::mutex mutex_;
  bool random_writable_;
  std::atomic<bool> check_stable_{false};
  std::atomic<int> unstable_{0};
  int commands_ = 0;
  std::map<std::uint32_t, std::vector<std::uint8_t>> written_;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/mkimg-server-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    recorder0_ = std::make_shared<FakeRecorder>(false);
    recorder1_ = std::make_shared<FakeRecorder>(true);
    std::vector<ServedDrive> drives(2);
    drives[0].index = 0;
    drives[0].transport = recorder0_;
    drives[1].index = 1;
    drives[1].transport = recorder1_;
    auto server = Server::Start(dir_, std::move(drives));
    ASSERT_TRUE(server) << server.error().ToString();
    server_ = std::move(server).value();
  }
  void TearDown() override {
    if (server_) server_->Stop();
    std::filesystem::remove_all(dir_);
  }

  // Runs the probe under the preload library; returns its exit status and stdout.
  std::pair<int, std::string> Probe(const std::vector<std::string>& args, bool configured = true,
                                    const std::vector<std::string>& extra_env = {}) {
    int out[2];
    if (pipe(out) != 0) return {-1, ""};
    const pid_t pid = fork();
    if (pid == 0) {
      dup2(out[1], 1);
      close(out[0]);
      setenv("LD_PRELOAD", MKIMG_PRELOAD_LIBRARY, 1);
      if (configured) {
        for (const std::string& e : server_->Environment()) putenv(strdup(e.c_str()));
      } else {
        unsetenv(MKIMG_EMU_SOCKET_ENV);
        unsetenv(MKIMG_EMU_DRIVES_ENV);
      }
      unsetenv(MKIMG_EMU_REAL_TIME_ENV);
      for (const std::string& e : extra_env) putenv(strdup(e.c_str()));
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(MKIMG_PRELOAD_PROBE));
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(MKIMG_PRELOAD_PROBE, argv.data());
      _exit(127);
    }
    close(out[1]);
    std::string text;
    char buffer[256];
    ssize_t n;
    while ((n = read(out[0], buffer, sizeof(buffer))) > 0)
      text.append(buffer, static_cast<std::size_t>(n));
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), text};
  }

  int Connect() {
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, server_->socket_path().c_str());
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    return fd;
  }

  // Opens drive K's block node on a new placeholder; returns {placeholder, token}.
  std::pair<int, std::uint64_t> OpenDrive(std::uint32_t drive) {
    const int placeholder = Connect();
    MkimgEmuRequest open_request = NewRequest(kMkimgEmuOpen);
    open_request.drive = drive;
    open_request.node = kMkimgEmuNodeBlock;
    open_request.open_flags = O_RDWR | O_NONBLOCK;
    EXPECT_EQ(write(placeholder, &open_request, sizeof(open_request)),
              ssize_t{sizeof(open_request)});
    MkimgEmuResponse record{};
    EXPECT_EQ(recv(placeholder, &record, sizeof(record), MSG_PEEK | MSG_WAITALL),
              ssize_t{sizeof(record)});
    return {placeholder, record.token};
  }

  // Sends kAttach on `fd`; returns the memfd received (-1: none) and the response.
  static int Attach(int fd, MkimgEmuResponse* response) {
    MkimgEmuRequest attach = NewRequest(kMkimgEmuAttach);
    if (write(fd, &attach, sizeof(attach)) != ssize_t{sizeof(attach)}) return -1;
    iovec part = {response, sizeof(*response)};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr message{};
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof(control);
    if (recvmsg(fd, &message, MSG_WAITALL | MSG_CMSG_CLOEXEC) != ssize_t{sizeof(*response)}) {
      return -1;
    }
    cmsghdr* c = CMSG_FIRSTHDR(&message);
    if (c == nullptr || c->cmsg_type != SCM_RIGHTS) return -1;
    int memfd = -1;
    std::memcpy(&memfd, CMSG_DATA(c), sizeof(int));
    return memfd;
  }

  // One request and its response (any socket payload is read into *payload).
  static MkimgEmuResponse Exchange(int fd, const MkimgEmuRequest& request,
                                   std::vector<std::uint8_t>* payload = nullptr,
                                   std::span<const std::uint8_t> out = {}) {
    MkimgEmuResponse response{};
    response.magic = 0;
    if (write(fd, &request, sizeof(request)) != ssize_t{sizeof(request)}) return response;
    if (!out.empty() && write(fd, out.data(), out.size()) != static_cast<ssize_t>(out.size())) {
      return response;
    }
    if (recv(fd, &response, sizeof(response), MSG_WAITALL) != ssize_t{sizeof(response)}) {
      response.magic = 0;
      return response;
    }
    std::vector<std::uint8_t> bytes(response.payload_length);
    if (!bytes.empty() &&
        recv(fd, bytes.data(), bytes.size(), MSG_WAITALL) != static_cast<ssize_t>(bytes.size())) {
      response.magic = 0;
    }
    if (payload != nullptr) *payload = std::move(bytes);
    return response;
  }

  static MkimgEmuRequest Rw10(std::uint64_t token, bool write, std::uint32_t lba,
                              std::uint32_t count) {
    MkimgEmuRequest r = NewRequest(kMkimgEmuSgIo);
    r.token = token;
    r.cdb[0] = write ? 0x2a : 0x28;
    r.cdb[5] = static_cast<std::uint8_t>(lba);
    r.cdb[8] = static_cast<std::uint8_t>(count);
    r.cdb_length = 10;
    r.direction = write ? kMkimgEmuToDevice : kMkimgEmuFromDevice;
    r.transfer_length = count * 2048;
    return r;
  }

  // Whether the server has hung up on `fd` (within a second).
  static bool HungUp(int fd) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 1000) != 1) return false;
    char byte;
    return recv(fd, &byte, 1, MSG_DONTWAIT) == 0;
  }

  static MkimgEmuRequest NewRequest(std::uint32_t op) {
    MkimgEmuRequest r;
    std::memset(&r, 0, sizeof(r));
    r.magic = MKIMG_EMU_MAGIC;
    r.op = op;
    return r;
  }

  std::string dir_;
  std::shared_ptr<FakeRecorder> recorder0_;
  std::shared_ptr<FakeRecorder> recorder1_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, WritesFakeSysfsAndProcTree) {
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/root/sys/bus/scsi/devices/7:0:1:0/block/sr1"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/root/sys/class/scsi_generic/sg0/device/type"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/root/proc/sys/dev/cdrom/info"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/locks/drive1"));
  ASSERT_EQ(server_->Environment().size(), 2u);
  EXPECT_EQ(server_->Environment()[1], "MKIMG_EMU_DRIVES=0,1");
}

TEST_F(ServerTest, RejectsDuplicateAndOutOfRangeDrives) {
  std::vector<ServedDrive> twice(2);
  twice[0].transport = twice[1].transport = recorder0_;
  auto a = Server::Start(dir_, std::move(twice));
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().ToString().find("given twice"), std::string::npos);
  std::vector<ServedDrive> far(1);
  far[0].index = 32;
  far[0].transport = recorder0_;
  EXPECT_FALSE(Server::Start(dir_, std::move(far)));
}

TEST_F(ServerTest, OpenLeavesTokenRecordAndSgIoReachesTheDrive) {
  const int placeholder = Connect();
  MkimgEmuRequest open_request = NewRequest(kMkimgEmuOpen);
  open_request.drive = 1;
  open_request.node = kMkimgEmuNodeBlock;
  open_request.open_flags = O_RDWR | O_NONBLOCK;
  ASSERT_EQ(write(placeholder, &open_request, sizeof(open_request)), ssize_t{sizeof(open_request)});
  MkimgEmuResponse record;
  ASSERT_EQ(recv(placeholder, &record, sizeof(record), MSG_PEEK | MSG_WAITALL),
            ssize_t{sizeof(record)});
  EXPECT_EQ(record.error, 0);
  EXPECT_NE(record.token, 0u);
  // Peeking again sees the same record: it is never consumed.
  MkimgEmuResponse again;
  ASSERT_EQ(recv(placeholder, &again, sizeof(again), MSG_PEEK), ssize_t{sizeof(again)});
  EXPECT_EQ(again.token, record.token);

  const int transaction = Connect();
  MkimgEmuRequest inquiry = NewRequest(kMkimgEmuSgIo);
  inquiry.token = record.token;
  inquiry.cdb[0] = 0x12;
  inquiry.cdb[4] = 36;
  inquiry.cdb_length = 6;
  inquiry.direction = kMkimgEmuFromDevice;
  inquiry.transfer_length = 36;
  ASSERT_EQ(write(transaction, &inquiry, sizeof(inquiry)), ssize_t{sizeof(inquiry)});
  MkimgEmuResponse response;
  ASSERT_EQ(recv(transaction, &response, sizeof(response), MSG_WAITALL), ssize_t{sizeof(response)});
  EXPECT_EQ(response.error, 0);
  EXPECT_EQ(response.scsi_status, 0);
  ASSERT_EQ(response.payload_length, 36u);
  std::array<std::uint8_t, 36> data{};
  ASSERT_EQ(recv(transaction, data.data(), data.size(), MSG_WAITALL), 36);
  EXPECT_EQ(data[0], 0x05);

  // After the placeholder closes the token is gone.
  close(placeholder);
  MkimgEmuResponse stale;
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(write(transaction, &inquiry, sizeof(inquiry)), ssize_t{sizeof(inquiry)});
    ASSERT_EQ(recv(transaction, &stale, sizeof(stale), MSG_WAITALL), ssize_t{sizeof(stale)});
    std::vector<std::uint8_t> skip(stale.payload_length);
    if (!skip.empty()) {
      ASSERT_EQ(recv(transaction, skip.data(), skip.size(), MSG_WAITALL),
                static_cast<ssize_t>(skip.size()));
    }
    if (stale.error == EBADF) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(stale.error, EBADF);
  close(transaction);
}

TEST_F(ServerTest, GarbageAndTruncatedRequestsOnlyEndTheirConnection) {
  const int fd = Connect();
  const char junk[7] = {1, 2, 3, 4, 5, 6, 7};
  ASSERT_EQ(write(fd, junk, sizeof(junk)), 7);
  close(fd);
  const int huge = Connect();
  MkimgEmuRequest r = NewRequest(kMkimgEmuSgIo);
  r.payload_length = 0xffffffffu;
  ASSERT_EQ(write(huge, &r, sizeof(r)), ssize_t{sizeof(r)});
  char byte;
  EXPECT_EQ(recv(huge, &byte, 1, 0), 0);  // the server hung up
  close(huge);
  EXPECT_EQ(Probe({"basic"}).first, 0);
}

TEST_F(ServerTest, AttachGivesASealedAreaThatCarriesSgIoData) {
  auto [placeholder, token] = OpenDrive(1);
  const int fd = Connect();
  MkimgEmuResponse attached{};
  const int memfd = Attach(fd, &attached);
  ASSERT_GE(memfd, 0);
  EXPECT_EQ(attached.error, 0);
  EXPECT_EQ(attached.value, MKIMG_EMU_SHARED_BYTES);
  struct stat st {};
  ASSERT_EQ(fstat(memfd, &st), 0);
  EXPECT_EQ(st.st_size, off_t{MKIMG_EMU_SHARED_BYTES});
  // The client cannot shrink (SIGBUS in the server), grow or unseal the area.
  const int seals = fcntl(memfd, F_GET_SEALS);
  EXPECT_EQ(seals & (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL),
            F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
  EXPECT_EQ(ftruncate(memfd, 0), -1);
  EXPECT_EQ(ftruncate(memfd, off_t{MKIMG_EMU_SHARED_BYTES} * 2), -1);
  auto* area = static_cast<std::uint8_t*>(
      mmap(nullptr, MKIMG_EMU_SHARED_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0));
  ASSERT_NE(area, MAP_FAILED);
  close(memfd);

  // WRITE(10) of 3 sectors from the area, nothing on the socket but the header.
  for (std::uint32_t i = 0; i < 3 * 2048; ++i) area[i] = static_cast<std::uint8_t>(i * 13 + 1);
  MkimgEmuRequest write10 = Rw10(token, true, 10, 3);
  write10.flags = MKIMG_EMU_FLAG_SHARED;
  MkimgEmuResponse r = Exchange(fd, write10);
  ASSERT_EQ(r.magic, MKIMG_EMU_MAGIC);
  EXPECT_EQ(r.error, 0);
  EXPECT_EQ(r.scsi_status, 0);
  EXPECT_EQ(r.value, 3 * 2048);
  std::memset(area, 0, 3 * 2048);
  // READ(10) into the area: `shared` set, `value` bytes there, no socket payload.
  MkimgEmuRequest read10 = Rw10(token, false, 10, 3);
  read10.flags = MKIMG_EMU_FLAG_SHARED;
  r = Exchange(fd, read10);
  ASSERT_EQ(r.magic, MKIMG_EMU_MAGIC);
  EXPECT_EQ(r.shared, 1);
  EXPECT_EQ(r.payload_length, 0u);
  EXPECT_EQ(r.value, 3 * 2048);
  bool same = true;
  for (std::uint32_t i = 0; i < 3 * 2048; ++i) {
    same = same && area[i] == static_cast<std::uint8_t>(i * 13 + 1);
  }
  EXPECT_TRUE(same);
  // The same connection still takes socket payloads (transfers larger than the area).
  std::vector<std::uint8_t> payload;
  r = Exchange(fd, Rw10(token, false, 10, 1), &payload);
  EXPECT_EQ(r.shared, 0);
  ASSERT_EQ(payload.size(), 2048u);
  EXPECT_EQ(payload[5], static_cast<std::uint8_t>(5 * 13 + 1));
  // Block read() and write() through the area.
  MkimgEmuRequest block_write = NewRequest(kMkimgEmuWrite);
  block_write.token = token;
  block_write.offset = 20 * 2048 + 100;
  block_write.transfer_length = 5000;
  block_write.flags = MKIMG_EMU_FLAG_SHARED;
  std::memset(area, 0xc3, 5000);
  r = Exchange(fd, block_write);
  EXPECT_EQ(r.error, 0);
  EXPECT_EQ(r.value, 5000);
  MkimgEmuRequest block_read = NewRequest(kMkimgEmuRead);
  block_read.token = token;
  block_read.offset = 20 * 2048;
  block_read.transfer_length = 6000;
  block_read.flags = MKIMG_EMU_FLAG_SHARED;
  std::memset(area, 0, 6000);
  r = Exchange(fd, block_read);
  EXPECT_EQ(r.shared, 1);
  ASSERT_EQ(r.value, 6000);
  EXPECT_NE(area[99], 0xc3);
  EXPECT_EQ(area[100], 0xc3);
  EXPECT_EQ(area[5099], 0xc3);
  EXPECT_NE(area[5100], 0xc3);
  munmap(area, MKIMG_EMU_SHARED_BYTES);
  close(fd);
  close(placeholder);
}

TEST_F(ServerTest, SharedTransfersThatDoNotFitAreRefused) {
  auto [placeholder, token] = OpenDrive(1);
  // The flag without an area.
  const int plain = Connect();
  MkimgEmuRequest read10 = Rw10(token, false, 0, 1);
  read10.flags = MKIMG_EMU_FLAG_SHARED;
  EXPECT_EQ(Exchange(plain, read10).error, EINVAL);
  EXPECT_EQ(Exchange(plain, Rw10(token, false, 0, 1)).error, 0);  // the connection goes on
  // An attach that is not the first request ends the connection.
  MkimgEmuResponse ignored{};
  EXPECT_EQ(Attach(plain, &ignored), -1);
  EXPECT_TRUE(HungUp(plain));
  close(plain);

  const int fd = Connect();
  MkimgEmuResponse attached{};
  const int memfd = Attach(fd, &attached);
  ASSERT_GE(memfd, 0);
  close(memfd);
  // Longer than the area; a payload as well as the flag; an unknown flag.
  MkimgEmuRequest too_long = Rw10(token, false, 0, 1);
  too_long.flags = MKIMG_EMU_FLAG_SHARED;
  too_long.transfer_length = MKIMG_EMU_SHARED_BYTES + 1;
  EXPECT_EQ(Exchange(fd, too_long).error, EINVAL);
  MkimgEmuRequest block_write = NewRequest(kMkimgEmuWrite);
  block_write.token = token;
  block_write.transfer_length = 0xffffffffu;
  block_write.flags = MKIMG_EMU_FLAG_SHARED;
  EXPECT_EQ(Exchange(fd, block_write).error, EINVAL);
  MkimgEmuRequest both = Rw10(token, true, 0, 1);
  both.flags = MKIMG_EMU_FLAG_SHARED;
  both.payload_length = 2048;
  const std::vector<std::uint8_t> sector(2048, 7);
  EXPECT_EQ(Exchange(fd, both, nullptr, sector).error, EINVAL);
  MkimgEmuRequest unknown = Rw10(token, false, 0, 1);
  unknown.flags = 2;
  EXPECT_EQ(Exchange(fd, unknown).error, EINVAL);
  MkimgEmuRequest fits = Rw10(token, false, 0, 1);
  fits.flags = MKIMG_EMU_FLAG_SHARED;
  const MkimgEmuResponse r = Exchange(fd, fits);
  EXPECT_EQ(r.error, 0);
  EXPECT_EQ(r.value, 2048);
  // An open on a transaction connection ends it.
  MkimgEmuRequest open_request = NewRequest(kMkimgEmuOpen);
  ASSERT_EQ(write(fd, &open_request, sizeof(open_request)), ssize_t{sizeof(open_request)});
  EXPECT_TRUE(HungUp(fd));
  close(fd);

  // A client killed mid-command, its area mapped, leaves the server serving.
  const pid_t pid = fork();
  if (pid == 0) {
    const int mine = Connect();
    MkimgEmuResponse a{};
    const int area_fd = Attach(mine, &a);
    void* area =
        mmap(nullptr, MKIMG_EMU_SHARED_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, area_fd, 0);
    MkimgEmuRequest w = Rw10(token, true, 0, 32);
    w.flags = MKIMG_EMU_FLAG_SHARED;
    (void)!write(mine, &w, sizeof(w));
    (void)area;
    raise(SIGKILL);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status));
  close(placeholder);
  EXPECT_EQ(Probe({"basic"}).first, 0);
}

TEST_F(ServerTest, DataOutIsCopiedOutOfTheAreaBeforeTheDriveReadsIt) {
  auto [placeholder, token] = OpenDrive(1);
  const int fd = Connect();
  MkimgEmuResponse attached{};
  const int memfd = Attach(fd, &attached);
  ASSERT_GE(memfd, 0);
  auto* area = static_cast<std::uint8_t*>(
      mmap(nullptr, MKIMG_EMU_SHARED_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0));
  ASSERT_NE(area, MAP_FAILED);
  close(memfd);
  recorder1_->set_check_stable(true);
  // A hostile client keeps changing the bytes while the drive works on them.
  std::atomic<bool> stop{false};
  std::thread scribbler([&] {
    std::uint8_t v = 0;
    while (!stop) {
      std::memset(area, v++, 4 * 2048);
      std::this_thread::yield();
    }
  });
  for (int i = 0; i < 20; ++i) {
    MkimgEmuRequest w = Rw10(token, true, 30, 4);
    w.flags = MKIMG_EMU_FLAG_SHARED;
    EXPECT_EQ(Exchange(fd, w).error, 0);
  }
  stop = true;
  scribbler.join();
  EXPECT_EQ(recorder1_->unstable(), 0);
  munmap(area, MKIMG_EMU_SHARED_BYTES);
  close(fd);
  close(placeholder);
}

TEST_F(ServerTest, PreloadMovesDataThroughTheAreaAcrossForkAndThreads) {
  auto [status, out] = Probe({"area"});
  EXPECT_EQ(status, 0) << out;
}

TEST_F(ServerTest, PreloadPresentsNodesSgIoSysfsAndProc) {
  auto [status, out] = Probe({"basic"});
  EXPECT_EQ(status, 0) << out;
  EXPECT_GT(recorder0_->commands(), 0);
}

TEST_F(ServerTest, PreloadExclusiveOpensAndFlockFollowTheKernel) {
  auto [status, out] = Probe({"exclusive"});
  EXPECT_EQ(status, 0) << out;
}

TEST_F(ServerTest, PreloadDescriptorsSurviveForkAndExec) {
  auto [status, out] = Probe({"exec"});
  EXPECT_EQ(status, 0) << out;
}

TEST_F(ServerTest, PreloadBlockDeviceReadsWritesAndOpenSemantics) {
  auto [status, out] = Probe({"block"});
  EXPECT_EQ(status, 0) << out;
}

TEST_F(ServerTest, PreloadPassesThroughWhenUnconfigured) {
  auto [status, out] = Probe({"passthrough"}, /*configured=*/false);
  EXPECT_EQ(status, 0) << out;
  EXPECT_EQ(recorder0_->commands(), 0);
}

// A burn program's long sleeps last 1/20 under the library (specs/emulator.md §7), short ones
// and sleeps until a deadline are whole; MKIMG_EMU_REAL_TIME, or no server, keeps them all.
TEST_F(ServerTest, PreloadShortensLongSleepsUnlessRealTime) {
  auto [status, out] = Probe({"sleeps", "short"});
  EXPECT_EQ(status, 0) << out;
  auto [real_status, real_out] =
      Probe({"sleeps", "whole"}, true, {std::string(MKIMG_EMU_REAL_TIME_ENV) + "=1"});
  EXPECT_EQ(real_status, 0) << real_out;
  auto [off_status, off_out] = Probe({"sleeps", "whole"}, /*configured=*/false);
  EXPECT_EQ(off_status, 0) << off_out;
}

TEST_F(ServerTest, KillNineReleasesTheExclusiveClaimAtOnce) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  const pid_t holder = fork();
  if (holder == 0) {
    dup2(out[1], 1);
    setenv("LD_PRELOAD", MKIMG_PRELOAD_LIBRARY, 1);
    for (const std::string& e : server_->Environment()) putenv(strdup(e.c_str()));
    execl(MKIMG_PRELOAD_PROBE, MKIMG_PRELOAD_PROBE, "hold", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  char line[16] = {};
  ASSERT_GT(read(out[0], line, sizeof(line) - 1), 0);
  EXPECT_STREQ(line, "held\n");
  auto [busy_status, busy] = Probe({"try-open"});
  EXPECT_EQ(busy, "busy\n");
  kill(holder, SIGKILL);
  int status = 0;
  waitpid(holder, &status, 0);
  close(out[0]);
  auto [free_status, free_text] = Probe({"try-open"});
  EXPECT_EQ(free_status, 0);
  EXPECT_EQ(free_text, "free\n");
}

}  // namespace
}  // namespace emulator

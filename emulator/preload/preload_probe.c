/* mkimg_preload_probe: a small program that the preload library's unit tests
 * (emulator/server/src/preload_test.cc) run under libmkimg_preload.so against a server
 * with a fake recorder. Each mode exercises one group of kernel behaviours the library
 * imitates (Linux sr/sg drivers, SG_IO v3, sysfs) and exits 0 only if every check holds;
 * a failed check prints "FAIL <line>: <what>" on stderr. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <linux/cdrom.h>
#include <linux/fs.h>
#include <poll.h>
#include <pthread.h>
#include <scsi/scsi.h>
#include <scsi/scsi_ioctl.h>
#include <scsi/sg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int g_failures;

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "FAIL %d: %s (errno %d)\n", __LINE__, #cond, errno); \
      ++g_failures;                                                        \
    }                                                                      \
  } while (0)

static int inquiry(int fd, unsigned char* out, unsigned char* sense, struct sg_io_hdr* h) {
  unsigned char cdb[6] = {0x12, 0, 0, 0, 36, 0};
  memset(h, 0, sizeof(*h));
  h->interface_id = 'S';
  h->dxfer_direction = SG_DXFER_FROM_DEV;
  h->cmd_len = 6;
  h->cmdp = cdb;
  h->dxfer_len = 36;
  h->dxferp = out;
  h->mx_sb_len = 32;
  h->sbp = sense;
  h->timeout = 5000;
  h->flags = SG_FLAG_DIRECT_IO;
  return ioctl(fd, SG_IO, h);
}

static int basic(void) {
  struct stat st;
  CHECK(stat("/dev/sr0", &st) == 0 && S_ISBLK(st.st_mode) && major(st.st_rdev) == 11 &&
        minor(st.st_rdev) == 0);
  CHECK(stat("/dev/scd0", &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == makedev(11, 0));
  CHECK(stat("/dev/sg0", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(21, 0));
  CHECK(stat("/dev/sr1", &st) == 0 && st.st_rdev == makedev(11, 1));
  CHECK(stat("/dev/sr2", &st) != 0 && errno == ENOENT);
  CHECK(lstat("/dev/cdrom", &st) == 0 && S_ISLNK(st.st_mode));
  char link[64] = {0};
  CHECK(readlink("/dev/cdrom", link, sizeof(link)) == 3 && strcmp(link, "sr0") == 0);
  struct statx sx;
  CHECK(statx(AT_FDCWD, "/dev/sg1", 0, STATX_BASIC_STATS, &sx) == 0 && sx.stx_rdev_major == 21 &&
        sx.stx_rdev_minor == 1);

  const int fd = open("/dev/sr0", O_RDWR | O_EXCL | O_NONBLOCK);
  CHECK(fd >= 0);
  CHECK(fstat(fd, &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == makedev(11, 0));
  unsigned char data[36] = {0}, sense[32] = {0};
  struct sg_io_hdr h;
  CHECK(inquiry(fd, data, sense, &h) == 0);
  CHECK(h.status == 0 && h.masked_status == 0 && h.host_status == 0 && h.driver_status == 0);
  CHECK((h.info & SG_INFO_OK_MASK) == SG_INFO_OK && h.resid == 0 && h.sb_len_wr == 0);
  CHECK(data[0] == 0x05 && memcmp(data + 8, "MKIMG   ", 8) == 0);

  /* An unknown opcode: CHECK CONDITION with sense, reported in every field. */
  unsigned char bad[10] = {0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  memset(&h, 0, sizeof(h));
  h.interface_id = 'S';
  h.dxfer_direction = SG_DXFER_NONE;
  h.cmd_len = 10;
  h.cmdp = bad;
  h.mx_sb_len = 16;
  h.sbp = sense;
  CHECK(ioctl(fd, SG_IO, &h) == 0);
  CHECK(h.status == 2 && h.masked_status == 1 && h.driver_status == 0x08 &&
        (h.info & SG_INFO_CHECK) && h.sb_len_wr == 16);
  CHECK(sense[0] == 0x70 && (sense[2] & 0x0f) == 5 && sense[12] == 0x20);
  /* No data: the direction is not looked at (cdrdao leaves it 0). */
  unsigned char tur[6] = {0, 0, 0, 0, 0, 0};
  memset(&h, 0, sizeof(h));
  h.interface_id = 'S';
  h.cmd_len = 6;
  h.cmdp = tur;
  CHECK(ioctl(fd, SG_IO, &h) == 0 && h.status == 0 && h.info == 0);
  memset(&h, 0, sizeof(h));
  h.interface_id = 'Q';
  CHECK(ioctl(fd, SG_IO, &h) == -1 && errno == EINVAL);

  int idlun[2] = {0, 0};
  CHECK(ioctl(fd, SCSI_IOCTL_GET_IDLUN, idlun) == 0 && idlun[0] == (7 << 24) && idlun[1] == 7);
  int bus = -1;
  CHECK(ioctl(fd, SCSI_IOCTL_GET_BUS_NUMBER, &bus) == 0 && bus == 7);
  int version = 0;
  CHECK(ioctl(fd, SG_GET_VERSION_NUM, &version) == 0 && version >= 30000);
  int reserved = 65536;
  CHECK(ioctl(fd, SG_SET_RESERVED_SIZE, &reserved) == 0);
  reserved = 0;
  CHECK(ioctl(fd, SG_GET_RESERVED_SIZE, &reserved) == 0 && reserved == 65536);
  int timeout = 4000;
  CHECK(ioctl(fd, SG_SET_TIMEOUT, &timeout) == 0 && ioctl(fd, SG_GET_TIMEOUT, 0) == 4000);
  CHECK(ioctl(fd, 0x030d /* HDIO_GET_IDENTITY */, data) == -1 && errno == ENOTTY);
  CHECK(ioctl(fd, CDROM_MEDIA_CHANGED, 0) == 0);
  CHECK(fcntl(fd, F_SETLK, &(struct flock){.l_type = F_WRLCK, .l_whence = SEEK_SET}) == 0);
  CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
  CHECK(close(fd) == 0);

  const int sg = open("/dev/sg1", O_RDWR | O_NONBLOCK);
  CHECK(sg >= 0);
  struct sg_scsi_id id;
  CHECK(ioctl(sg, SG_GET_SCSI_ID, &id) == 0 && id.scsi_type == 5 && id.host_no == 7 &&
        id.scsi_id == 1);
  char drain[64];
  CHECK(read(sg, drain, sizeof(drain)) == -1 && errno == EAGAIN);
  CHECK(fstat(sg, &st) == 0 && S_ISCHR(st.st_mode));
  close(sg);

  FILE* info = fopen("/proc/sys/dev/cdrom/info", "r");
  CHECK(info != NULL);
  if (info != NULL) {
    char line[256];
    int found = 0;
    while (fgets(line, sizeof(line), info) != NULL) {
      if (strncmp(line, "drive name:", 11) == 0 && strstr(line, "sr1\tsr0") != NULL) found = 1;
    }
    fclose(info);
    CHECK(found);
  }
  glob_t g;
  CHECK(glob("/sys/bus/scsi/devices/*", 0, NULL, &g) == 0 && g.gl_pathc == 2 &&
        strcmp(g.gl_pathv[0], "/sys/bus/scsi/devices/7:0:0:0") == 0);
  if (g.gl_pathc > 0) {
    char path[512];
    snprintf(path, sizeof(path), "%s/type", g.gl_pathv[0]);
    FILE* type = fopen(path, "r");
    CHECK(type != NULL && fgetc(type) == '5');
    if (type != NULL) fclose(type);
    globfree(&g);
  }
  CHECK(stat("/sys/bus/scsi/devices", &st) == 0 && S_ISDIR(st.st_mode));
  CHECK(stat("/sys/kernel", &st) == 0);
  return g_failures == 0 ? 0 : 1;
}

static int exclusive(void) {
  const int a = open("/dev/sr0", O_RDWR | O_EXCL | O_NONBLOCK);
  CHECK(a >= 0);
  CHECK(open("/dev/sr0", O_RDWR | O_EXCL | O_NONBLOCK) == -1 && errno == EBUSY);
  CHECK(open("/dev/scd0", O_RDONLY | O_EXCL | O_NONBLOCK) == -1 && errno == EBUSY);
  const int shared = open("/dev/sr0", O_RDONLY | O_NONBLOCK);
  CHECK(shared >= 0);
  const int other = open("/dev/sr1", O_RDWR | O_EXCL | O_NONBLOCK);
  CHECK(other >= 0);
  /* sg exclusivity is independent of sr's (growisofs' grab_sg relies on it). */
  const int sg = open("/dev/sg0", O_RDWR | O_EXCL | O_NONBLOCK);
  CHECK(sg >= 0);
  CHECK(open("/dev/sg0", O_RDWR | O_NONBLOCK) == -1 && errno == EBUSY);
  close(sg);
  const int sg2 = open("/dev/sg0", O_RDWR | O_NONBLOCK);
  CHECK(sg2 >= 0);
  CHECK(open("/dev/sg0", O_RDWR | O_EXCL | O_NONBLOCK) == -1 && errno == EBUSY);
  close(sg2);
  /* A dup keeps the claim; only the last close releases it. */
  const int copy = dup(a);
  CHECK(copy >= 0);
  close(a);
  CHECK(open("/dev/sr0", O_RDWR | O_EXCL | O_NONBLOCK) == -1 && errno == EBUSY);
  close(copy);
  const int again = open("/dev/sr0", O_RDWR | O_EXCL | O_NONBLOCK);
  CHECK(again >= 0);
  close(again);
  close(shared);
  close(other);
  /* flock is per open file and released at its close. */
  const int f1 = open("/dev/sr0", O_RDONLY | O_NONBLOCK);
  const int f2 = open("/dev/sr0", O_RDONLY | O_NONBLOCK);
  CHECK(flock(f1, LOCK_EX | LOCK_NB) == 0);
  CHECK(flock(f2, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK);
  close(f1);
  CHECK(flock(f2, LOCK_EX | LOCK_NB) == 0);
  close(f2);
  return g_failures == 0 ? 0 : 1;
}

static int hold(void) {
  const int fd = open("/dev/sr0", O_RDWR | O_EXCL | O_NONBLOCK);
  if (fd < 0) return 2;
  printf("held\n");
  fflush(stdout);
  for (;;) pause();
}

static int try_open(void) {
  const int fd = open("/dev/sr0", O_RDWR | O_EXCL | O_NONBLOCK);
  if (fd < 0) {
    printf("%s\n", errno == EBUSY ? "busy" : strerror(errno));
    return 1;
  }
  printf("free\n");
  return 0;
}

static int child(const char* self, const char* fd_text) {
  (void)self;
  const int fd = atoi(fd_text);
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == makedev(11, 1));
  unsigned char data[36] = {0}, sense[32];
  struct sg_io_hdr h;
  CHECK(inquiry(fd, data, sense, &h) == 0 && h.status == 0 && data[0] == 0x05);
  char path[64], link[64] = {0};
  snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
  CHECK(readlink(path, link, sizeof(link)) > 0 && strcmp(link, "/dev/sr1") == 0);
  snprintf(path, sizeof(path), "/dev/fd/%d", fd);
  const int reopened = open(path, O_RDONLY | O_NONBLOCK);
  CHECK(reopened >= 0 && fstat(reopened, &st) == 0 && st.st_rdev == makedev(11, 1));
  /* The exec'd child still shares the parent's exclusive claim. */
  CHECK(open("/dev/sr1", O_RDONLY | O_EXCL | O_NONBLOCK) == -1 && errno == EBUSY);
  return g_failures == 0 ? 0 : 1;
}

static int exec_test(const char* self) {
  const int fd = open("/dev/sr1", O_RDONLY | O_EXCL | O_NONBLOCK | O_CLOEXEC);
  CHECK(fd >= 0);
  CHECK(fcntl(fd, F_SETFD, 0) == 0);
  const int high = fcntl(fd, F_DUPFD, 40);
  CHECK(high >= 40);
  close(fd);
  const pid_t pid = fork();
  if (pid == 0) {
    char text[16];
    snprintf(text, sizeof(text), "%d", high);
    execl(self, self, "child", text, (char*)NULL);
    _exit(99);
  }
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  /* A forked child without exec uses the inherited table. */
  const pid_t pid2 = fork();
  if (pid2 == 0) {
    unsigned char data[36] = {0}, sense[32];
    struct sg_io_hdr h;
    _exit(inquiry(high, data, sense, &h) == 0 && data[0] == 5 ? 0 : 1);
  }
  CHECK(waitpid(pid2, &status, 0) == pid2 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(high);
  const int again = open("/dev/sr1", O_RDONLY | O_EXCL | O_NONBLOCK);
  CHECK(again >= 0);
  close(again);
  return g_failures == 0 ? 0 : 1;
}

static int block(void) {
  /* The fake recorder holds 100 sectors whose byte i of LBA n is (n * 7 + i) & 0xff. */
  const int fd = open("/dev/sr0", O_RDONLY);
  CHECK(fd >= 0);
  unsigned long long size = 0;
  CHECK(ioctl(fd, BLKGETSIZE64, &size) == 0 && size == 100 * 2048ull);
  CHECK(lseek(fd, 0, SEEK_END) == 100 * 2048);
  unsigned char buffer[5000];
  CHECK(pread(fd, buffer, sizeof(buffer), 3000) == (ssize_t)sizeof(buffer));
  int same = 1;
  for (int i = 0; i < (int)sizeof(buffer); ++i) {
    const int offset = 3000 + i;
    if (buffer[i] != (unsigned char)((offset / 2048) * 7 + offset % 2048)) same = 0;
  }
  CHECK(same);
  CHECK(lseek(fd, 2048 * 99, SEEK_SET) == 2048 * 99);
  CHECK(read(fd, buffer, sizeof(buffer)) == 2048);
  CHECK(read(fd, buffer, sizeof(buffer)) == 0);
  CHECK(write(fd, buffer, 10) == -1 && errno == EBADF);
  close(fd);
  CHECK(open("/dev/sr0", O_RDWR) == -1 && errno == EROFS);
  const int rw = open("/dev/sr1", O_RDWR);
  CHECK(rw >= 0);
  memset(buffer, 0xab, sizeof(buffer));
  CHECK(pwrite(rw, buffer, 100, 2048 * 3 + 10) == 100);
  unsigned char back[2048];
  CHECK(pread(rw, back, sizeof(back), 2048 * 3) == 2048);
  CHECK(back[9] != 0xab && back[10] == 0xab && back[109] == 0xab && back[110] != 0xab);
  CHECK(fsync(rw) == 0);
  close(rw);
  return g_failures == 0 ? 0 : 1;
}

/* One READ(10) or WRITE(10) of `count` sectors at `lba` with a buffer of `length` bytes;
 * returns the bytes moved, or -1. */
static long rw10(int fd, int write, unsigned lba, unsigned count, unsigned char* buffer,
                 unsigned length) {
  unsigned char cdb[10] = {write ? 0x2a : 0x28,
                           0,
                           (unsigned char)(lba >> 24),
                           (unsigned char)(lba >> 16),
                           (unsigned char)(lba >> 8),
                           (unsigned char)lba,
                           0,
                           (unsigned char)(count >> 8),
                           (unsigned char)count,
                           0};
  unsigned char sense[32];
  struct sg_io_hdr h;
  memset(&h, 0, sizeof(h));
  h.interface_id = 'S';
  h.dxfer_direction = write ? SG_DXFER_TO_DEV : SG_DXFER_FROM_DEV;
  h.cmd_len = 10;
  h.cmdp = cdb;
  h.dxfer_len = length;
  h.dxferp = buffer;
  h.mx_sb_len = sizeof(sense);
  h.sbp = sense;
  h.timeout = 5000;
  if (ioctl(fd, SG_IO, &h) != 0 || h.status != 0 || h.host_status != 0) return -1;
  return (long)length - h.resid;
}

static unsigned char pattern(unsigned lba, unsigned i, unsigned seed) {
  return (unsigned char)((lba * 31 + i * 7 + seed) & 0xff);
}

static int holds(const unsigned char* p, unsigned lba, unsigned count, unsigned seed) {
  for (unsigned s = 0; s < count; ++s) {
    for (unsigned i = 0; i < 2048; ++i) {
      if (p[s * 2048 + i] != pattern(lba + s, i, seed)) return 0;
    }
  }
  return 1;
}

static void fill(unsigned char* p, unsigned lba, unsigned count, unsigned seed) {
  for (unsigned s = 0; s < count; ++s) {
    for (unsigned i = 0; i < 2048; ++i) p[s * 2048 + i] = pattern(lba + s, i, seed);
  }
}

static int mapped_area(void) {
  FILE* maps = fopen("/proc/self/maps", "r");
  if (maps == NULL) return -1;
  char line[512];
  int count = 0;
  while (fgets(line, sizeof(line), maps) != NULL) {
    if (strstr(line, "memfd:mkimg-emu-data") != NULL) ++count;
  }
  fclose(maps);
  return count;
}

static int g_area_fd;

static void* area_reader(void* seed_pointer) {
  const unsigned seed = (unsigned)(size_t)seed_pointer;
  static _Thread_local unsigned char buffer[4 * 2048];
  long ok = 1;
  for (int round = 0; round < 200 && ok; ++round) {
    const unsigned lba = 20 + seed * 4;
    if (round == 0) {
      fill(buffer, lba, 4, seed);
      ok = rw10(g_area_fd, 1, lba, 4, buffer, sizeof(buffer)) == (long)sizeof(buffer);
    }
    memset(buffer, 0, sizeof(buffer));
    ok = ok && rw10(g_area_fd, 0, lba, 4, buffer, sizeof(buffer)) == (long)sizeof(buffer) &&
         holds(buffer, lba, 4, seed);
  }
  return (void*)ok;
}

/* The data area (wire.h kMkimgEmuAttach): SG_IO data through it, one per thread and per
 * process (a forked child gets its own; its closing every descriptor leaves the parent's
 * alone), and transfers larger than the area through the socket. */
static int area(void) {
  const int fd = open("/dev/sr1", O_RDWR | O_NONBLOCK);
  CHECK(fd >= 0);
  static unsigned char buffer[1536 * 1024];
  fill(buffer, 5, 2, 1);
  CHECK(rw10(fd, 1, 5, 2, buffer, 2 * 2048) == 2 * 2048);
  memset(buffer, 0, 2 * 2048);
  CHECK(rw10(fd, 0, 5, 2, buffer, 2 * 2048) == 2 * 2048 && holds(buffer, 5, 2, 1));
  CHECK(mapped_area() == 1);
  const pid_t pid = fork();
  if (pid == 0) {
    static unsigned char mine[2 * 2048];
    int ok = rw10(fd, 0, 5, 2, mine, sizeof(mine)) == (long)sizeof(mine) && holds(mine, 5, 2, 1);
    fill(mine, 7, 1, 2);
    ok = ok && rw10(fd, 1, 7, 1, mine, 2048) == 2048;
    /* One area in the child: the parent's inherited copy was unmapped. */
    ok = ok && mapped_area() == 1;
    for (int k = 3; k < 1024; ++k) close(k);
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  memset(buffer, 0, 3 * 2048);
  CHECK(rw10(fd, 0, 5, 3, buffer, 3 * 2048) == 3 * 2048 && holds(buffer, 5, 2, 1) &&
        holds(buffer + 2 * 2048, 7, 1, 2));
  /* Larger than the area: the socket carries it (resid counts the rest). */
  memset(buffer, 0, sizeof(buffer));
  CHECK(rw10(fd, 0, 5, 2, buffer, sizeof(buffer)) == 2 * 2048 && holds(buffer, 5, 2, 1));
  fill(buffer, 40, 40, 3);
  CHECK(rw10(fd, 1, 40, 40, buffer, 40 * 2048) == 40 * 2048);
  static unsigned char whole[2 * 1024 * 1024];
  CHECK(pread(fd, whole, sizeof(whole), 0) == 100 * 2048);
  CHECK(holds(whole + 5 * 2048, 5, 2, 1) && holds(whole + 7 * 2048, 7, 1, 2) &&
        holds(whole + 40 * 2048, 40, 40, 3));
  /* Threads: each its own connection and area. */
  g_area_fd = fd;
  pthread_t threads[3];
  for (size_t t = 0; t < 3; ++t) {
    CHECK(pthread_create(&threads[t], NULL, area_reader, (void*)t) == 0);
  }
  for (size_t t = 0; t < 3; ++t) {
    void* ok = NULL;
    CHECK(pthread_join(threads[t], &ok) == 0 && ok == (void*)1);
  }
  /* The threads' areas ended with them. */
  CHECK(mapped_area() == 1);
  close(fd);
  return g_failures == 0 ? 0 : 1;
}

static int passthrough(void) {
  /* Without MKIMG_EMU_SOCKET nothing is faked: calls agree with the kernel. */
  struct stat st, raw;
  const int r1 = stat("/dev/sr0", &st);
  const int e1 = errno;
  const int r2 = (int)syscall(SYS_newfstatat, AT_FDCWD, "/dev/sr0", &raw, 0);
  const int e2 = errno;
  CHECK(r1 == r2 && (r1 == 0 ? st.st_rdev == raw.st_rdev : e1 == e2));
  CHECK(stat("/sys/bus/scsi/devices", &st) ==
        (int)syscall(SYS_newfstatat, AT_FDCWD, "/sys/bus/scsi/devices", &raw, 0));
  char path[] = "/tmp/mkimg-probe-XXXXXX";
  const int fd = mkstemp(path);
  CHECK(fd >= 0 && write(fd, "abc", 3) == 3 && pread(fd, path + 20, 1, 1) == 1);
  CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 3);
  CHECK(ioctl(fd, SG_IO, NULL) == -1 && errno == ENOTTY);
  close(fd);
  unlink(path);
  return g_failures == 0 ? 0 : 1;
}

/* The program's sleeps (preload_time.c): "short" expects every relative sleep of 5 ms or
 * more to last 1/20 of it, at most 10 ms up to 1 s (1 ms within 50 ms of a drive's
 * answer); "whole" expects every sleep to last at least what it asked. Sleeps under 5 ms
 * and sleeps until an absolute time are whole in both. */
static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int sleeps(const char* expect) {
  const int shortened = strcmp(expect, "short") == 0;
  /* Shortened: 1/20 of the time up to 10 ms, with room for a slow machine, far below the
   * whole. */
#define SHORTENED(asked_ms) \
  ((asked_ms) / 20.0 < 10.0 || (asked_ms) > 1000 ? (asked_ms) / 20.0 : 10.0)
#define TIMED(asked_ms, call, kept)                                      \
  do {                                                                   \
    const double start = now_ms();                                       \
    call;                                                                \
    const double took = now_ms() - start;                                \
    printf("%-44s asked %5d ms took %7.1f ms\n", #call, asked_ms, took); \
    if (shortened && !(kept)) {                                          \
      CHECK(took >= SHORTENED(asked_ms) - 1 && took < (asked_ms) / 2.0); \
    } else {                                                             \
      CHECK(took >= (asked_ms)-1);                                       \
    }                                                                    \
  } while (0)
  const struct timespec t400 = {0, 400 * 1000 * 1000};
  const struct timespec t50 = {0, 50 * 1000 * 1000};
  const struct timespec t20 = {0, 20 * 1000 * 1000};
  const struct timespec t4 = {0, 4 * 1000 * 1000};
  struct timeval tv = {0, 400 * 1000};
  TIMED(400, nanosleep(&t400, NULL), 0);
  TIMED(400, clock_nanosleep(CLOCK_MONOTONIC, 0, &t400, NULL), 0);
  TIMED(400, usleep(400 * 1000), 0);
  TIMED(1000, sleep(1), 0);
  TIMED(2000, sleep(2), 0);
  TIMED(400, poll(NULL, 0, 400), 0);
  TIMED(400, select(0, NULL, NULL, NULL, &tv), 0);
  TIMED(50, nanosleep(&t50, NULL), 0);
  TIMED(100, usleep(100 * 1000), 0);
  TIMED(20, nanosleep(&t20, NULL), 0);
  TIMED(15, usleep(15 * 1000), 0);
  TIMED(4, nanosleep(&t4, NULL), 1);
  TIMED(4, usleep(4 * 1000), 1);
  struct timespec deadline;
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_nsec += 300 * 1000 * 1000;
  if (deadline.tv_nsec >= 1000 * 1000 * 1000) {
    deadline.tv_nsec -= 1000 * 1000 * 1000;
    ++deadline.tv_sec;
  }
  TIMED(300, clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL), 1);
  if (shortened) {
    /* A poll loop on a drive: each sleep after an answer lasts at most 1 ms (20 of them
     * would take 200 ms at 10 ms each); once the drive has been quiet for 50 ms, 10 ms. */
    const int fd = open("/dev/sr0", O_RDONLY | O_NONBLOCK);
    CHECK(fd >= 0);
    unsigned char data[36], sense[32];
    struct sg_io_hdr h;
    const double polls_start = now_ms();
    for (int i = 0; i < 20; ++i) {
      CHECK(inquiry(fd, data, sense, &h) == 0 && h.status == 0);
      usleep(400 * 1000);
    }
    const double polls_took = now_ms() - polls_start;
    printf("20 x (INQUIRY, usleep(400 ms))              took %7.1f ms\n", polls_took);
    CHECK(polls_took < 100);
    close(fd);
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_nsec += 60 * 1000 * 1000;
    if (deadline.tv_nsec >= 1000 * 1000 * 1000) {
      deadline.tv_nsec -= 1000 * 1000 * 1000;
      ++deadline.tv_sec;
    }
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL);
    TIMED(400, usleep(400 * 1000), 0);
  }
#undef TIMED
#undef SHORTENED
  return g_failures == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  if (strcmp(argv[1], "basic") == 0) return basic();
  if (strcmp(argv[1], "exclusive") == 0) return exclusive();
  if (strcmp(argv[1], "hold") == 0) return hold();
  if (strcmp(argv[1], "try-open") == 0) return try_open();
  if (strcmp(argv[1], "exec") == 0) return exec_test(argv[0]);
  if (strcmp(argv[1], "child") == 0 && argc > 2) return child(argv[0], argv[2]);
  if (strcmp(argv[1], "block") == 0) return block();
  if (strcmp(argv[1], "passthrough") == 0) return passthrough();
  if (strcmp(argv[1], "area") == 0) return area();
  if (strcmp(argv[1], "sleeps") == 0 && argc > 2) return sleeps(argv[2]);
  return 2;
}

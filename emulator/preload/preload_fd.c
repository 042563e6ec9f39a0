/* libmkimg_preload.so descriptor calls: the open family (with the glibc _2 fortify entry
 * points), close, dup, fcntl, flock, read, write, pread, pwrite, lseek, fsync and
 * fdatasync on fake descriptors, everything else passed to the next definition. Kernel
 * behaviour imitated: block/fops.c and drivers/cdrom/cdrom.c for /dev/srK,
 * drivers/scsi/sg.c for /dev/sgK, fs/locks.c for record locks (see preload.c). */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "preload_internal.h"

DEFINE_REAL(int, open, (const char*, int, ...))
DEFINE_REAL(int, openat, (int, const char*, int, ...))
DEFINE_REAL(int, close, (int))
DEFINE_REAL(int, dup, (int))
DEFINE_REAL(int, dup2, (int, int))
DEFINE_REAL(int, dup3, (int, int, int))
DEFINE_REAL(int, fcntl, (int, int, ...))
DEFINE_REAL(int, flock, (int, int))
DEFINE_REAL(ssize_t, read, (int, void*, size_t))
DEFINE_REAL(ssize_t, write, (int, const void*, size_t))
DEFINE_REAL(ssize_t, pread, (int, void*, size_t, off_t))
DEFINE_REAL(ssize_t, pwrite, (int, const void*, size_t, off_t))
DEFINE_REAL(off_t, lseek, (int, off_t, int))
DEFINE_REAL(int, fsync, (int))
DEFINE_REAL(int, fdatasync, (int))

/* ---- open family -------------------------------------------------------------------- */

static int open_common(int dirfd, const char* path, int flags, mode_t mode) {
  struct PreloadPath p;
  preload_classify(path, 1, &p);
  if (p.kind == kPathNode) return preload_open_node(p.drive, p.node, flags);
  if (p.kind == kPathRewrite) path = p.rewritten;
  if (dirfd == AT_FDCWD) return real_open()(path, flags, mode);
  return real_openat()(dirfd, path, flags, mode);
}

static mode_t mode_arg(int flags, va_list ap) {
  return (flags & (O_CREAT | __O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  return open_common(AT_FDCWD, path, flags, mode);
}

int open64(const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  return open_common(AT_FDCWD, path, flags | O_LARGEFILE, mode);
}

int openat(int dirfd, const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  return open_common(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  return open_common(dirfd, path, flags | O_LARGEFILE, mode);
}

/* The fortified variants (_FORTIFY_SOURCE): called without a mode. */
int __open_2(const char* path, int flags);
int __open64_2(const char* path, int flags);
int __openat_2(int dirfd, const char* path, int flags);
int __openat64_2(int dirfd, const char* path, int flags);
ssize_t __read_chk(int fd, void* buffer, size_t count, size_t buffer_length);
int __open_2(const char* path, int flags) { return open_common(AT_FDCWD, path, flags, 0); }
int __open64_2(const char* path, int flags) {
  return open_common(AT_FDCWD, path, flags | O_LARGEFILE, 0);
}
int __openat_2(int dirfd, const char* path, int flags) {
  return open_common(dirfd, path, flags, 0);
}
int __openat64_2(int dirfd, const char* path, int flags) {
  return open_common(dirfd, path, flags | O_LARGEFILE, 0);
}

int creat(const char* path, mode_t mode) {
  return open_common(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}
int creat64(const char* path, mode_t mode) {
  return open_common(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC | O_LARGEFILE, mode);
}

/* ---- close, dup, fcntl, flock ------------------------------------------------------- */

int close(int fd) {
  struct PreloadFd f;
  if (preload_lookup(fd, &f)) {
    preload_table_clear(fd);
    preload_drop_record_locks(f.drive);
  } else if (preload_is_internal(fd)) {
    preload_table_clear(fd);
  }
  return real_close()(fd);
}

int dup(int fd) {
  const int result = real_dup()(fd);
  if (result >= 0 && preload_enabled()) preload_table_copy(fd, result);
  return result;
}

int dup2(int fd, int target) {
  const int result = real_dup2()(fd, target);
  if (result >= 0 && fd != target && preload_enabled()) preload_table_copy(fd, result);
  return result;
}

int dup3(int fd, int target, int flags) {
  const int result = real_dup3()(fd, target, flags);
  if (result >= 0 && preload_enabled()) preload_table_copy(fd, result);
  return result;
}

static int fcntl_common(int fd, int cmd, void* arg) {
  struct PreloadFd f;
  if (!preload_lookup(fd, &f)) {
    const int result = real_fcntl()(fd, cmd, arg);
    if (result >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) && preload_enabled()) {
      preload_table_copy(fd, result);
    }
    return result;
  }
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      const int result = real_fcntl()(fd, cmd, arg);
      if (result >= 0) preload_table_copy(fd, result);
      return result;
    }
    case F_GETFL: {
      /* The socket's status flags (O_NONBLOCK, shared like the device's open file
       * description) with the access mode of the device open. */
      const int result = real_fcntl()(fd, F_GETFL);
      if (result < 0) return result;
      return (result & ~(O_ACCMODE)) | (f.open_flags & (O_ACCMODE | O_LARGEFILE));
    }
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW: {
      const int lf = preload_lock_fd(f.drive);
      if (lf < 0) {
        errno = ENOLCK;
        return -1;
      }
      struct flock* lock = arg;
      if (lock != NULL && lock->l_whence == SEEK_CUR) {
        struct flock copy = *lock;
        copy.l_whence = SEEK_SET;
        const int result = real_fcntl()(lf, cmd, &copy);
        if (cmd == F_GETLK || cmd == F_OFD_GETLK) *lock = copy;
        return result;
      }
      return real_fcntl()(lf, cmd, arg);
    }
    default:
      return real_fcntl()(fd, cmd, arg);
  }
}

int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  return fcntl_common(fd, cmd, arg);
}

int fcntl64(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  return fcntl_common(fd, cmd, arg);
}

int flock(int fd, int operation) {
  struct PreloadFd f;
  if (!preload_lookup(fd, &f)) return real_flock()(fd, operation);
  struct MkimgEmuRequest request;
  memset(&request, 0, sizeof(request));
  request.magic = MKIMG_EMU_MAGIC;
  request.op = kMkimgEmuFlock;
  request.token = f.token;
  request.flock_operation = operation;
  for (;;) {
    struct MkimgEmuResponse response;
    const int err = preload_transact(&request, NULL, 0, &response, NULL, 0);
    if (err != 0) {
      errno = ENOLCK;
      return -1;
    }
    if (response.error == 0) return 0;
    if (response.error != EWOULDBLOCK || (operation & LOCK_NB)) {
      errno = response.error;
      return -1;
    }
    const struct timespec wait = {0, 20 * 1000 * 1000};
    nanosleep(&wait, NULL);
  }
}

/* ---- read, write, seek, sync -------------------------------------------------------- */

static ssize_t block_io(const struct PreloadFd* f, int op, void* buffer, size_t count,
                        int64_t offset) {
  if (f->node != kMkimgEmuNodeBlock) {
    /* sg.c: a read with no finished request on a non-blocking fd is EAGAIN; we never
     * queue requests through write(), so there is never anything to read. */
    errno = op == kMkimgEmuRead ? EAGAIN : EINVAL;
    return -1;
  }
  if (count > MKIMG_EMU_MAX_PAYLOAD) count = MKIMG_EMU_MAX_PAYLOAD;
  struct MkimgEmuRequest request;
  memset(&request, 0, sizeof(request));
  request.magic = MKIMG_EMU_MAGIC;
  request.op = (uint32_t)op;
  request.token = f->token;
  request.offset = offset;
  request.transfer_length = (uint32_t)count;
  struct MkimgEmuResponse response;
  const int err = op == kMkimgEmuRead
                      ? preload_transact(&request, NULL, 0, &response, buffer, count)
                      : preload_transact(&request, buffer, count, &response, NULL, 0);
  if (err != 0) {
    errno = EIO;
    return -1;
  }
  if (response.error != 0) {
    errno = response.error;
    return -1;
  }
  return (ssize_t)response.value;
}

static ssize_t write_payload(const struct PreloadFd* f, const void* buffer, size_t count,
                             int64_t offset) {
  struct MkimgEmuRequest request;
  if (f->node != kMkimgEmuNodeBlock) {
    errno = EINVAL;
    return -1;
  }
  if (count > MKIMG_EMU_MAX_PAYLOAD) count = MKIMG_EMU_MAX_PAYLOAD;
  memset(&request, 0, sizeof(request));
  request.magic = MKIMG_EMU_MAGIC;
  request.op = kMkimgEmuWrite;
  request.token = f->token;
  request.offset = offset;
  request.payload_length = (uint32_t)count;
  struct MkimgEmuResponse response;
  if (preload_transact(&request, buffer, count, &response, NULL, 0) != 0) {
    errno = EIO;
    return -1;
  }
  if (response.error != 0) {
    errno = response.error;
    return -1;
  }
  return (ssize_t)response.value;
}

ssize_t read(int fd, void* buffer, size_t count) {
  struct PreloadFd f;
  if (!preload_lookup(fd, &f)) return real_read()(fd, buffer, count);
  return block_io(&f, kMkimgEmuRead, buffer, count, -1);
}

ssize_t __read_chk(int fd, void* buffer, size_t count, size_t buffer_length) {
  if (count > buffer_length) abort(); /* glibc __chk_fail */
  return read(fd, buffer, count);
}

ssize_t pread(int fd, void* buffer, size_t count, off_t offset) {
  struct PreloadFd f;
  if (!preload_lookup(fd, &f)) return real_pread()(fd, buffer, count, offset);
  if (offset < 0) {
    errno = EINVAL;
    return -1;
  }
  return block_io(&f, kMkimgEmuRead, buffer, count, offset);
}

ssize_t pread64(int fd, void* buffer, size_t count, off64_t offset) {
  return pread(fd, buffer, count, (off_t)offset);
}

ssize_t write(int fd, const void* buffer, size_t count) {
  struct PreloadFd f;
  if (!preload_lookup(fd, &f)) return real_write()(fd, buffer, count);
  return write_payload(&f, buffer, count, -1);
}

ssize_t pwrite(int fd, const void* buffer, size_t count, off_t offset) {
  struct PreloadFd f;
  if (!preload_lookup(fd, &f)) return real_pwrite()(fd, buffer, count, offset);
  if (offset < 0) {
    errno = EINVAL;
    return -1;
  }
  return write_payload(&f, buffer, count, offset);
}

ssize_t pwrite64(int fd, const void* buffer, size_t count, off64_t offset) {
  return pwrite(fd, buffer, count, (off_t)offset);
}

off_t lseek(int fd, off_t offset, int whence) {
  struct PreloadFd f;
  if (!preload_lookup(fd, &f)) return real_lseek()(fd, offset, whence);
  if (f.node != kMkimgEmuNodeBlock) { /* sg.c: no_llseek */
    errno = ESPIPE;
    return -1;
  }
  struct MkimgEmuRequest request;
  memset(&request, 0, sizeof(request));
  request.magic = MKIMG_EMU_MAGIC;
  request.op = kMkimgEmuSeek;
  request.token = f.token;
  request.offset = offset;
  request.whence = whence;
  struct MkimgEmuResponse response;
  if (preload_transact(&request, NULL, 0, &response, NULL, 0) != 0) {
    errno = EIO;
    return -1;
  }
  if (response.error != 0) {
    errno = response.error;
    return -1;
  }
  return (off_t)response.value;
}

off64_t lseek64(int fd, off64_t offset, int whence) {
  return (off64_t)lseek(fd, (off_t)offset, whence);
}

/* fsync on the block device flushes the drive cache: SYNCHRONIZE CACHE (MMC-5 6.42). */
static int sync_fake(const struct PreloadFd* f) {
  struct MkimgEmuRequest request;
  memset(&request, 0, sizeof(request));
  request.magic = MKIMG_EMU_MAGIC;
  request.op = kMkimgEmuSgIo;
  request.token = f->token;
  request.cdb[0] = 0x35;
  request.cdb_length = 10;
  request.direction = kMkimgEmuNone;
  request.timeout_ms = 600000;
  struct MkimgEmuResponse response;
  if (preload_transact(&request, NULL, 0, &response, NULL, 0) != 0 || response.error != 0 ||
      response.transport_error || response.scsi_status != 0) {
    errno = EIO;
    return -1;
  }
  return 0;
}

int fsync(int fd) {
  struct PreloadFd f;
  if (!preload_lookup(fd, &f)) return real_fsync()(fd);
  return f.node == kMkimgEmuNodeBlock ? sync_fake(&f) : 0;
}

int fdatasync(int fd) {
  struct PreloadFd f;
  if (!preload_lookup(fd, &f)) return real_fdatasync()(fd);
  return f.node == kMkimgEmuNodeBlock ? sync_fake(&f) : 0;
}

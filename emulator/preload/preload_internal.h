/* Internal interface of libmkimg_preload.so, the LD_PRELOAD library that presents the
 * emulator server's virtual recorders to unmodified Linux burn programs as /dev/srK
 * (block 11:K), /dev/scdK and /dev/sgK (char 21:K). The server protocol is
 * emulator/server/include/emulator/server/wire.h; the kernel interfaces imitated are the
 * Linux sr, sg and block drivers (scsi/sg.h SG_IO v3, linux/cdrom.h, linux/fs.h BLK*).
 * Each fake descriptor is a real connected Unix socket (a "placeholder") so that dup,
 * fork, exec and close behave as the kernel makes them; the table here only maps the
 * descriptor number to the server's token. */
#ifndef MKIMG_EMULATOR_PRELOAD_PRELOAD_INTERNAL_H_
#define MKIMG_EMULATOR_PRELOAD_PRELOAD_INTERNAL_H_

#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "emulator/server/wire.h"

#define PRELOAD_MAX_FDS 65536

/* What a path names, as far as the emulator is concerned. */
enum PreloadPathKind {
  kPathPass = 0,   /* not ours: call the real function with the path unchanged */
  kPathNode = 1,   /* a virtual device node (/dev/srK, /dev/scdK, /dev/sgK) */
  kPathLink = 2,   /* a fake symlink (/dev/cdrom, /proc/self/fd/N of a fake fd) */
  kPathRewrite = 3 /* a fake /sys or /proc file: use `rewritten` instead */
};

struct PreloadPath {
  int kind;
  int drive;            /* kPathNode / kPathLink: K */
  int node;             /* kPathNode: MkimgEmuNode */
  char link_target[64]; /* kPathLink: what readlink returns */
  char rewritten[4096]; /* kPathRewrite */
};

struct PreloadFd {
  uint64_t token;
  int drive;
  int node;
  int open_flags;
};

/* Configuration and state (preload.c). */
int preload_enabled(void);
const char* preload_root(void);
size_t preload_root_length(void);
/* Classifies `path`; `follow` resolves fake symlinks to the node they point at. */
void preload_classify(const char* path, int follow, struct PreloadPath* out);
/* Copies the table entry of a fake fd into *out; returns 0 if `fd` is not fake. */
int preload_lookup(int fd, struct PreloadFd* out);
/* Fills a struct stat for a virtual node of drive K. */
void preload_fill_stat(int drive, int node, struct stat* st);
void preload_fill_link_stat(const char* target, struct stat* st);
/* Opens a virtual node: returns the new fd, or -1 with errno set. */
int preload_open_node(int drive, int node, int flags);
/* One request/response exchange with the server on this thread's transaction
 * connection. `in` receives up to `in_capacity` payload bytes. Returns 0, or an errno
 * when the server cannot be reached (ECONNREFUSED, EIO). */
int preload_transact(const struct MkimgEmuRequest* request, const void* out, size_t out_length,
                     struct MkimgEmuResponse* response, void* in, size_t in_capacity);
/* CLOCK_MONOTONIC nanoseconds when this process last had an answer from the server (0:
 * never); the sleeps of preload_time.c are shorter while the program talks to a drive. */
int64_t preload_last_answer_ns(void);
/* Fd table upkeep for the descriptor calls (preload_fd.c): forget `fd`; give `to` the
 * entry of `from` (or none); whether `fd` is one of the library's own sockets or lock
 * files. */
void preload_table_clear(int fd);
void preload_table_copy(int from, int to);
int preload_is_internal(int fd);
/* The lock file standing for drive K's device inode (POSIX record locks), opened on first
 * use; -1 when it cannot be opened. preload_drop_record_locks releases this process's
 * record locks on it, as closing any descriptor of a file does (fs/locks.c). */
int preload_lock_fd(int drive);
void preload_drop_record_locks(int drive);
/* The per-fd SG timeout (jiffies) and reserved size, kept as the sg driver keeps them. */
int* preload_sg_timeout(int fd);
int* preload_sg_reserved(int fd);

/* The real libc functions (dlsym RTLD_NEXT), resolved on first use. DEFINE_REAL(ret,
 * name, params) defines `real_name()`, which returns the next definition of `name` or
 * NULL when the C library lacks it. */
void* preload_real(const char* name);
#define DEFINE_REAL(ret, name, params)                    \
  typedef ret(*name##_fn) params;                         \
  static name##_fn real_##name(void) {                    \
    static void* cached;                                  \
    void* p = __atomic_load_n(&cached, __ATOMIC_ACQUIRE); \
    name##_fn fn;                                         \
    if (p == NULL) {                                      \
      p = preload_real(#name);                            \
      __atomic_store_n(&cached, p, __ATOMIC_RELEASE);     \
    }                                                     \
    memcpy(&fn, &p, sizeof(fn));                          \
    return fn;                                            \
  }

/* ioctl on a fake fd (preload_ioctl.c). */
int preload_fake_ioctl(int fd, const struct PreloadFd* f, unsigned long request, void* arg);

#endif /* MKIMG_EMULATOR_PRELOAD_PRELOAD_INTERNAL_H_ */

/* libmkimg_preload.so core: configuration, the fd table, the server connections, opening
 * virtual nodes (and re-adopting them after exec), path classification and the per-drive
 * lock files. The descriptor calls themselves are in preload_fd.c, the path calls in
 * preload_paths.c and ioctl in preload_ioctl.c. POSIX record locks (fcntl F_SETLK) are
 * redirected to a per-drive lock file so the kernel itself arbitrates them and drops them
 * when a process dies. With MKIMG_EMU_SOCKET unset every call goes straight to the next
 * definition (dlsym RTLD_NEXT). */
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
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "preload_internal.h"

/* ---- real functions ---------------------------------------------------------------- */

void* preload_real(const char* name) { return dlsym(RTLD_NEXT, name); }

DEFINE_REAL(int, open, (const char*, int, ...))
DEFINE_REAL(int, close, (int))
DEFINE_REAL(int, fcntl, (int, int, ...))

/* ---- configuration ------------------------------------------------------------------ */

static int g_enabled;
static char g_socket[sizeof(((struct sockaddr_un*)0)->sun_path)];
static char g_dir[4096];
static char g_root[4096];
static size_t g_root_length;
static uint32_t g_drives; /* bit K set: drive K is served */
static int g_first_drive = -1;
static time_t g_time;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static struct PreloadFd g_fds[PRELOAD_MAX_FDS];
static unsigned char g_internal[PRELOAD_MAX_FDS]; /* our own sockets and lock files */
static int g_sg_timeout[PRELOAD_MAX_FDS];
static int g_sg_reserved[PRELOAD_MAX_FDS];
static int g_lock_fd[MKIMG_EMU_MAX_DRIVES];

/* A thread's connection and area end with the thread (this key's destructor). */
static pthread_key_t g_thread_key;
static int g_have_thread_key;

static void adopt_inherited(void);
static void on_fork_child(void);
static void on_thread_exit(void* unused);

static void init_config(void) {
  const char* socket_path = getenv(MKIMG_EMU_SOCKET_ENV);
  const char* drives = getenv(MKIMG_EMU_DRIVES_ENV);
  if (socket_path == NULL || socket_path[0] != '/' || drives == NULL) return;
  if (strlen(socket_path) >= sizeof(g_socket)) return;
  strcpy(g_socket, socket_path);
  strcpy(g_dir, socket_path);
  char* slash = strrchr(g_dir, '/');
  if (slash == g_dir) return;
  *slash = '\0';
  if (snprintf(g_root, sizeof(g_root), "%s/root", g_dir) >= (int)sizeof(g_root)) return;
  g_root_length = strlen(g_root);
  for (const char* p = drives; *p != '\0';) {
    char* end = NULL;
    const long k = strtol(p, &end, 10);
    if (end == p || k < 0 || k >= MKIMG_EMU_MAX_DRIVES) return;
    g_drives |= 1u << k;
    if (g_first_drive < 0 || k < g_first_drive) g_first_drive = (int)k;
    p = *end == ',' ? end + 1 : end;
    if (*end != ',' && *end != '\0') return;
  }
  if (g_drives == 0) return;
  for (int i = 0; i < MKIMG_EMU_MAX_DRIVES; ++i) g_lock_fd[i] = -1;
  g_time = time(NULL);
  pthread_atfork(NULL, NULL, on_fork_child);
  g_have_thread_key = pthread_key_create(&g_thread_key, on_thread_exit) == 0;
  g_enabled = 1;
  adopt_inherited();
}

static void ensure_init(void) { pthread_once(&g_once, init_config); }

__attribute__((constructor)) static void preload_constructor(void) { ensure_init(); }

int preload_enabled(void) {
  ensure_init();
  return g_enabled;
}

const char* preload_root(void) { return g_root; }
size_t preload_root_length(void) { return g_root_length; }

/* ---- the fd table ------------------------------------------------------------------- */

static void table_set(int fd, uint64_t token, int drive, int node, int open_flags) {
  if (fd < 0 || fd >= PRELOAD_MAX_FDS) return;
  __atomic_store_n(&g_fds[fd].drive, drive, __ATOMIC_RELAXED);
  __atomic_store_n(&g_fds[fd].node, node, __ATOMIC_RELAXED);
  __atomic_store_n(&g_fds[fd].open_flags, open_flags, __ATOMIC_RELAXED);
  __atomic_store_n(&g_sg_timeout[fd], 6000, __ATOMIC_RELAXED); /* sg.c SG_DEFAULT_TIMEOUT */
  __atomic_store_n(&g_sg_reserved[fd], 32768, __ATOMIC_RELAXED);
  __atomic_store_n(&g_fds[fd].token, token, __ATOMIC_RELEASE);
}

void preload_table_clear(int fd) {
  if (fd < 0 || fd >= PRELOAD_MAX_FDS) return;
  __atomic_store_n(&g_fds[fd].token, 0, __ATOMIC_RELEASE);
  __atomic_store_n(&g_internal[fd], 0, __ATOMIC_RELEASE);
}

int preload_lookup(int fd, struct PreloadFd* out) {
  ensure_init();
  if (!g_enabled || fd < 0 || fd >= PRELOAD_MAX_FDS) return 0;
  const uint64_t token = __atomic_load_n(&g_fds[fd].token, __ATOMIC_ACQUIRE);
  if (token == 0) return 0;
  out->token = token;
  out->drive = __atomic_load_n(&g_fds[fd].drive, __ATOMIC_RELAXED);
  out->node = __atomic_load_n(&g_fds[fd].node, __ATOMIC_RELAXED);
  out->open_flags = __atomic_load_n(&g_fds[fd].open_flags, __ATOMIC_RELAXED);
  return 1;
}

void preload_table_copy(int from, int to) {
  struct PreloadFd f;
  if (to < 0 || to >= PRELOAD_MAX_FDS) return;
  if (!preload_lookup(from, &f)) {
    preload_table_clear(to);
    return;
  }
  table_set(to, f.token, f.drive, f.node, f.open_flags);
  __atomic_store_n(&g_sg_timeout[to], __atomic_load_n(&g_sg_timeout[from], __ATOMIC_RELAXED),
                   __ATOMIC_RELAXED);
  __atomic_store_n(&g_sg_reserved[to], __atomic_load_n(&g_sg_reserved[from], __ATOMIC_RELAXED),
                   __ATOMIC_RELAXED);
}

int* preload_sg_timeout(int fd) { return &g_sg_timeout[fd]; }
int* preload_sg_reserved(int fd) { return &g_sg_reserved[fd]; }

static void mark_internal(int fd) {
  if (fd >= 0 && fd < PRELOAD_MAX_FDS) __atomic_store_n(&g_internal[fd], 1, __ATOMIC_RELEASE);
}

int preload_is_internal(int fd) {
  return fd >= 0 && fd < PRELOAD_MAX_FDS && __atomic_load_n(&g_internal[fd], __ATOMIC_ACQUIRE);
}

/* ---- server connections ------------------------------------------------------------- */

static int connect_server(int cloexec) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | (cloexec ? SOCK_CLOEXEC : 0), 0);
  if (fd < 0) return -1;
  struct sockaddr_un address;
  memset(&address, 0, sizeof(address));
  address.sun_family = AF_UNIX;
  strcpy(address.sun_path, g_socket);
  while (connect(fd, (const struct sockaddr*)&address, sizeof(address)) != 0) {
    if (errno == EINTR) continue;
    const int err = errno;
    real_close()(fd);
    errno = err;
    return -1;
  }
  return fd;
}

static int send_all(int fd, const void* buffer, size_t size) {
  const unsigned char* p = buffer;
  while (size > 0) {
    const ssize_t n = send(fd, p, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    size -= (size_t)n;
  }
  return 0;
}

static int recv_all(int fd, void* buffer, size_t size, int flags) {
  unsigned char* p = buffer;
  while (size > 0) {
    const ssize_t n = recv(fd, p, size, flags);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    size -= (size_t)n;
  }
  return 0;
}

static _Thread_local int t_fd = -1;
static _Thread_local unsigned t_generation;
/* The connection's data area (wire.h kMkimgEmuAttach): NULL when the server gave none. */
static _Thread_local unsigned char* t_area;
static _Thread_local size_t t_area_size;
/* Incremented in every child of fork(): a connection made before belongs to the parent.
 * (Cheaper than a getpid() system call per command.) */
static unsigned g_generation;

static void on_fork_child(void) { ++g_generation; }

static void drop_area(void) {
  if (t_area != NULL) munmap(t_area, t_area_size);
  t_area = NULL;
  t_area_size = 0;
}

static void on_thread_exit(void* unused) {
  (void)unused;
  if (t_fd >= 0 && t_generation == __atomic_load_n(&g_generation, __ATOMIC_RELAXED) &&
      preload_is_internal(t_fd)) {
    preload_table_clear(t_fd);
    real_close()(t_fd);
  }
  t_fd = -1;
  drop_area();
}

/* Receives the attach response and the memfd sent with it (SCM_RIGHTS). Returns 0 and sets
 * *memfd (or -1 when none came), or -1 when the connection broke. */
static int recv_attach(int fd, struct MkimgEmuResponse* response, int* memfd) {
  *memfd = -1;
  unsigned char* p = (unsigned char*)response;
  size_t size = sizeof(*response);
  while (size > 0) {
    struct iovec part = {p, size};
    union {
      struct cmsghdr align;
      char bytes[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr message;
    memset(&message, 0, sizeof(message));
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    message.msg_control = control.bytes;
    message.msg_controllen = sizeof(control.bytes);
    const ssize_t n = recvmsg(fd, &message, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&message); c != NULL; c = CMSG_NXTHDR(&message, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t k = 0; k < count; ++k) {
        int got;
        memcpy(&got, CMSG_DATA(c) + k * sizeof(int), sizeof(int));
        if (*memfd < 0) {
          *memfd = got;
        } else {
          real_close()(got);
        }
      }
    }
    p += n;
    size -= (size_t)n;
  }
  return 0;
}

/* Asks for the data area of the new connection `fd` and maps it. Returns -1 when the
 * connection broke; 0 otherwise (with or without an area). */
static int attach_area(int fd) {
  struct MkimgEmuRequest request;
  memset(&request, 0, sizeof(request));
  request.magic = MKIMG_EMU_MAGIC;
  request.op = kMkimgEmuAttach;
  struct MkimgEmuResponse response;
  int memfd = -1;
  if (send_all(fd, &request, sizeof(request)) != 0 || recv_attach(fd, &response, &memfd) != 0) {
    if (memfd >= 0) real_close()(memfd);
    return -1;
  }
  if (response.magic != MKIMG_EMU_MAGIC || response.op != kMkimgEmuAttach) {
    if (memfd >= 0) real_close()(memfd);
    return -1;
  }
  if (response.error == 0 && memfd >= 0 && response.value == MKIMG_EMU_SHARED_BYTES) {
    void* area = mmap(NULL, MKIMG_EMU_SHARED_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
    if (area != MAP_FAILED) {
      t_area = area;
      t_area_size = MKIMG_EMU_SHARED_BYTES;
    }
  }
  if (memfd >= 0) real_close()(memfd);
  return 0;
}

/* One exchange. Returns 0, or -1 when the connection broke (the caller may retry). Data
 * that fits the area travels through it; larger transfers as socket payloads. */
static int exchange(int fd, const struct MkimgEmuRequest* request, const void* out,
                    size_t out_length, struct MkimgEmuResponse* response, void* in,
                    size_t in_capacity) {
  struct MkimgEmuRequest r = *request;
  const int shared = t_area != NULL && (out_length > 0 || in_capacity > 0) &&
                     out_length <= t_area_size && in_capacity <= t_area_size;
  if (shared) {
    r.flags |= MKIMG_EMU_FLAG_SHARED;
    r.payload_length = 0;
    if (out_length > 0) {
      memcpy(t_area, out, out_length);
      r.transfer_length = (uint32_t)out_length;
    }
  }
  if (send_all(fd, &r, sizeof(r)) != 0) return -1;
  if (!shared && out_length > 0 && send_all(fd, out, out_length) != 0) return -1;
  if (recv_all(fd, response, sizeof(*response), 0) != 0) return -1;
  if (response->magic != MKIMG_EMU_MAGIC || response->payload_length > MKIMG_EMU_MAX_PAYLOAD) {
    return -1;
  }
  if (response->shared) {
    if (!shared || response->payload_length != 0 || response->value < 0) return -1;
    size_t n = (size_t)response->value;
    if (n > in_capacity) n = in_capacity;
    if (n > 0) memcpy(in, t_area, n);
    response->payload_length = (uint32_t)n;
    return 0;
  }
  size_t remaining = response->payload_length;
  const size_t direct = remaining < in_capacity ? remaining : in_capacity;
  if (direct > 0 && recv_all(fd, in, direct, 0) != 0) return -1;
  remaining -= direct;
  unsigned char discard[4096];
  while (remaining > 0) {
    const size_t n = remaining < sizeof(discard) ? remaining : sizeof(discard);
    if (recv_all(fd, discard, n, 0) != 0) return -1;
    remaining -= n;
  }
  if (response->payload_length > in_capacity) response->payload_length = (uint32_t)in_capacity;
  return 0;
}

static int64_t g_last_answer_ns;

int64_t preload_last_answer_ns(void) {
  return __atomic_load_n(&g_last_answer_ns, __ATOMIC_RELAXED);
}

int preload_transact(const struct MkimgEmuRequest* request, const void* out, size_t out_length,
                     struct MkimgEmuResponse* response, void* in, size_t in_capacity) {
  const int saved = errno;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const unsigned generation = __atomic_load_n(&g_generation, __ATOMIC_RELAXED);
    /* A connection inherited through fork belongs to the parent (and so does its area:
     * the child unmaps its copy, which leaves the parent's alone); one closed or replaced
     * by the program (close-all loops, dup2) is no longer ours. */
    if (t_fd >= 0 && (t_generation != generation || !preload_is_internal(t_fd))) {
      if (preload_is_internal(t_fd)) { /* the child's copy of the parent's connection */
        preload_table_clear(t_fd);
        real_close()(t_fd);
      }
      t_fd = -1;
      drop_area();
    }
    if (t_fd < 0) {
      t_fd = connect_server(1);
      if (t_fd < 0) {
        errno = saved;
        return ECONNREFUSED;
      }
      t_generation = generation;
      mark_internal(t_fd);
      if (g_have_thread_key) pthread_setspecific(g_thread_key, &g_thread_key);
      if (attach_area(t_fd) != 0) {
        preload_table_clear(t_fd);
        real_close()(t_fd);
        t_fd = -1;
        continue;
      }
    }
    if (exchange(t_fd, request, out, out_length, response, in, in_capacity) == 0) {
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      __atomic_store_n(&g_last_answer_ns, (int64_t)now.tv_sec * 1000000000 + now.tv_nsec,
                       __ATOMIC_RELAXED);
      errno = saved;
      return 0;
    }
    preload_table_clear(t_fd);
    real_close()(t_fd);
    t_fd = -1;
    drop_area();
  }
  errno = saved;
  return EIO;
}

/* ---- opening nodes and re-adopting them after exec ---------------------------------- */

int preload_open_node(int drive, int node, int flags) {
  if (flags & O_DIRECTORY) {
    errno = ENOTDIR;
    return -1;
  }
  const int fd = connect_server(flags & O_CLOEXEC);
  if (fd < 0) {
    errno = ENXIO;
    return -1;
  }
  struct MkimgEmuRequest request;
  memset(&request, 0, sizeof(request));
  request.magic = MKIMG_EMU_MAGIC;
  request.op = kMkimgEmuOpen;
  request.drive = (uint32_t)drive;
  request.node = (uint32_t)node;
  request.open_flags = flags & ~(O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY);
  request.pid = (int32_t)getpid();
  struct MkimgEmuResponse response;
  /* The token record stays unread in the socket: MSG_PEEK only. */
  if (send_all(fd, &request, sizeof(request)) != 0 ||
      recv_all(fd, &response, sizeof(response), MSG_PEEK) != 0 ||
      response.magic != MKIMG_EMU_MAGIC || response.op != kMkimgEmuOpen) {
    real_close()(fd);
    errno = EIO;
    return -1;
  }
  if (response.error != 0) {
    real_close()(fd);
    errno = response.error;
    return -1;
  }
  if (fd >= PRELOAD_MAX_FDS) {
    real_close()(fd);
    errno = EMFILE;
    return -1;
  }
  if (flags & O_NONBLOCK) {
    const int fl = real_fcntl()(fd, F_GETFL);
    real_fcntl()(fd, F_SETFL, fl | O_NONBLOCK);
  }
  table_set(fd, response.token, drive, node, response.open_flags);
  return fd;
}

/* After exec, every inherited placeholder is found again: an AF_UNIX socket whose peer is
 * the server and whose unread token record says which open file it is. */
static void adopt_inherited(void) {
  const int dir = real_open()("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return;
  char buffer[4096];
  for (;;) {
    const long n = syscall(SYS_getdents64, dir, buffer, sizeof(buffer));
    if (n <= 0) break;
    for (long off = 0; off < n;) {
      /* getdents64 records are 8-byte aligned within the buffer; read their fields by
       * offset rather than through a cast pointer. */
      unsigned short record_length;
      memcpy(&record_length, buffer + off + offsetof(struct dirent64, d_reclen),
             sizeof(record_length));
      const char* name = buffer + off + offsetof(struct dirent64, d_name);
      if (record_length == 0) break;
      off += record_length;
      char* end = NULL;
      const long fd = strtol(name, &end, 10);
      if (end == name || *end != '\0' || fd == dir || fd >= PRELOAD_MAX_FDS) continue;
      struct stat st;
      if (syscall(SYS_newfstatat, (int)fd, "", &st, AT_EMPTY_PATH) != 0 || !S_ISSOCK(st.st_mode)) {
        continue;
      }
      struct sockaddr_un peer;
      socklen_t length = sizeof(peer);
      memset(&peer, 0, sizeof(peer));
      if (getpeername((int)fd, (struct sockaddr*)&peer, &length) != 0 ||
          peer.sun_family != AF_UNIX || strncmp(peer.sun_path, g_socket, sizeof(g_socket)) != 0) {
        continue;
      }
      struct MkimgEmuResponse record;
      const ssize_t got = recv((int)fd, &record, sizeof(record), MSG_PEEK | MSG_DONTWAIT);
      if (got != (ssize_t)sizeof(record) || record.magic != MKIMG_EMU_MAGIC ||
          record.op != kMkimgEmuOpen || record.error != 0 || record.drive >= MKIMG_EMU_MAX_DRIVES ||
          record.node > kMkimgEmuNodeGeneric) {
        continue;
      }
      table_set((int)fd, record.token, (int)record.drive, (int)record.node, record.open_flags);
    }
  }
  real_close()(dir);
}

/* ---- paths -------------------------------------------------------------------------- */

static int parse_index(const char* s, int* out) {
  if (*s < '0' || *s > '9') return 0;
  char* end = NULL;
  const long v = strtol(s, &end, 10);
  if (*end != '\0' || v < 0 || v >= 1000000) return 0;
  if (s[0] == '0' && s[1] != '\0') return 0;
  *out = (int)v;
  return 1;
}

static int served(int k) { return k >= 0 && k < MKIMG_EMU_MAX_DRIVES && (g_drives >> k) & 1u; }

static int has_prefix(const char* path, const char* prefix) {
  const size_t n = strlen(prefix);
  return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static void set_node(struct PreloadPath* out, int drive, int node) {
  out->kind = kPathNode;
  out->drive = drive;
  out->node = node;
}

static void set_link(struct PreloadPath* out, int follow, int drive, int node) {
  if (follow) {
    set_node(out, drive, node);
    return;
  }
  out->kind = kPathLink;
  out->drive = drive;
  out->node = node;
  snprintf(out->link_target, sizeof(out->link_target), "%s%d",
           node == kMkimgEmuNodeBlock ? "sr" : "sg", drive);
}

void preload_classify(const char* path, int follow, struct PreloadPath* out) {
  out->kind = kPathPass;
  if (!preload_enabled() || path == NULL || path[0] != '/') return;
  int k = 0;
  if (strncmp(path, "/dev/", 5) == 0) {
    const char* name = path + 5;
    if (strncmp(name, "sr", 2) == 0 && parse_index(name + 2, &k) && served(k)) {
      set_node(out, k, kMkimgEmuNodeBlock);
    } else if (strncmp(name, "scd", 3) == 0 && parse_index(name + 3, &k) && served(k)) {
      set_node(out, k, kMkimgEmuNodeBlock);
    } else if (strncmp(name, "sg", 2) == 0 && parse_index(name + 2, &k) && served(k)) {
      set_node(out, k, kMkimgEmuNodeGeneric);
    } else if (strcmp(name, "cdrom") == 0 || strcmp(name, "cdrw") == 0 ||
               strcmp(name, "dvd") == 0 || strcmp(name, "dvdrw") == 0) {
      set_link(out, follow, g_first_drive, kMkimgEmuNodeBlock);
    } else if (strncmp(name, "fd/", 3) == 0 && parse_index(name + 3, &k)) {
      struct PreloadFd f;
      if (preload_lookup(k, &f)) set_link(out, 1, f.drive, f.node);
    }
    if (out->kind == kPathLink) {
      snprintf(out->link_target, sizeof(out->link_target), "sr%d", g_first_drive);
    }
    return;
  }
  if (strncmp(path, "/proc/", 6) == 0) {
    const char* rest = path + 6;
    char self[32];
    snprintf(self, sizeof(self), "%d/", (int)getpid());
    if (strncmp(rest, "self/", 5) == 0) {
      rest += 5;
    } else if (strncmp(rest, self, strlen(self)) == 0) {
      rest += strlen(self);
    } else {
      rest = NULL;
    }
    if (rest != NULL && strncmp(rest, "fd/", 3) == 0 && parse_index(rest + 3, &k)) {
      struct PreloadFd f;
      if (preload_lookup(k, &f)) {
        set_link(out, follow, f.drive, f.node);
        if (out->kind == kPathLink) {
          snprintf(out->link_target, sizeof(out->link_target), "/dev/%s%d",
                   f.node == kMkimgEmuNodeBlock ? "sr" : "sg", f.drive);
        }
      }
      return;
    }
  }
  /* Trees the emulator owns entirely, and trees it extends with its own entries. */
  static const char* const kOwned[] = {"/sys/bus/scsi", "/sys/class/scsi_generic",
                                       "/proc/sys/dev/cdrom", "/proc/scsi"};
  static const char* const kMerged[] = {"/sys/block/", "/sys/dev/block/", "/sys/dev/char/"};
  int rewrite = 0;
  for (size_t i = 0; i < sizeof(kOwned) / sizeof(kOwned[0]); ++i) {
    if (has_prefix(path, kOwned[i])) rewrite = 1;
  }
  if (snprintf(out->rewritten, sizeof(out->rewritten), "%s%s", g_root, path) >=
      (int)sizeof(out->rewritten)) {
    return;
  }
  if (!rewrite) {
    for (size_t i = 0; i < sizeof(kMerged) / sizeof(kMerged[0]); ++i) {
      if (strncmp(path, kMerged[i], strlen(kMerged[i])) == 0) {
        struct stat st;
        if (syscall(SYS_newfstatat, AT_FDCWD, out->rewritten, &st, AT_SYMLINK_NOFOLLOW) == 0) {
          rewrite = 1;
        }
      }
    }
  }
  if (rewrite) out->kind = kPathRewrite;
}

void preload_fill_stat(int drive, int node, struct stat* st) {
  memset(st, 0, sizeof(*st));
  st->st_dev = makedev(0, 5); /* devtmpfs */
  st->st_ino = (ino_t)(100000 + drive * 4 + node);
  st->st_nlink = 1;
  st->st_uid = getuid();
  st->st_gid = getgid();
  if (node == kMkimgEmuNodeBlock) {
    st->st_mode = S_IFBLK | 0660;
    st->st_rdev = makedev(11, (unsigned)drive);
  } else {
    st->st_mode = S_IFCHR | 0660;
    st->st_rdev = makedev(21, (unsigned)drive);
  }
  st->st_blksize = 4096;
  st->st_atim.tv_sec = st->st_mtim.tv_sec = st->st_ctim.tv_sec = g_time;
}

void preload_fill_link_stat(const char* target, struct stat* st) {
  memset(st, 0, sizeof(*st));
  st->st_dev = makedev(0, 5);
  st->st_ino = 99999;
  st->st_nlink = 1;
  st->st_mode = S_IFLNK | 0777;
  st->st_size = (off_t)strlen(target);
  st->st_blksize = 4096;
  st->st_atim.tv_sec = st->st_mtim.tv_sec = st->st_ctim.tv_sec = g_time;
}

/* ---- per-drive lock files (POSIX record locks) ------------------------------------- */

/* The lock file standing for drive K's device inode (POSIX record locks). */
int preload_lock_fd(int drive) {
  int fd = __atomic_load_n(&g_lock_fd[drive], __ATOMIC_ACQUIRE);
  if (fd >= 0 && preload_is_internal(fd)) return fd;
  char path[4200];
  snprintf(path, sizeof(path), "%s/locks/drive%d", g_dir, drive);
  fd = real_open()(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return -1;
  mark_internal(fd);
  __atomic_store_n(&g_lock_fd[drive], fd, __ATOMIC_RELEASE);
  return fd;
}

/* fs/locks.c: closing any descriptor of a file drops the process's record locks on it. */
void preload_drop_record_locks(int drive) {
  const int fd = __atomic_load_n(&g_lock_fd[drive], __ATOMIC_ACQUIRE);
  if (fd < 0 || !preload_is_internal(fd)) return;
  struct flock unlock;
  memset(&unlock, 0, sizeof(unlock));
  unlock.l_type = F_UNLCK;
  unlock.l_whence = SEEK_SET;
  real_fcntl()(fd, F_SETLK, &unlock);
}

/* libmkimg_preload.so path calls: the stat family in both glibc ABIs (the old __xstat /
 * __lxstat / __fxstat entry points that binaries built before glibc 2.33 import, and the
 * stat / lstat / fstat / fstatat / statx functions of newer ones), access, readlink,
 * realpath, and the calls through which programs read the fake /sys and /proc tree
 * (fopen, opendir, scandir, glob; glibc calls opendir/open internally where LD_PRELOAD
 * cannot see it, so those entry points are interposed themselves). Virtual nodes are
 * described as devtmpfs shows them (block 11:K, char 21:K); statx follows
 * include/uapi/linux/stat.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "preload_internal.h"

DEFINE_REAL(int, fstatat, (int, const char*, struct stat*, int))
DEFINE_REAL(int, fstat, (int, struct stat*))
DEFINE_REAL(int, statx, (int, const char*, int, unsigned int, struct statx*))
DEFINE_REAL(int, faccessat, (int, const char*, int, int))
DEFINE_REAL(int, access, (const char*, int))
DEFINE_REAL(int, euidaccess, (const char*, int))
DEFINE_REAL(ssize_t, readlink, (const char*, char*, size_t))
DEFINE_REAL(ssize_t, readlinkat, (int, const char*, char*, size_t))
DEFINE_REAL(char*, realpath, (const char*, char*))
DEFINE_REAL(FILE*, fopen, (const char*, const char*))
DEFINE_REAL(FILE*, fopen64, (const char*, const char*))
DEFINE_REAL(DIR*, opendir, (const char*))
DEFINE_REAL(int, glob, (const char*, int, int (*)(const char*, int), glob_t*))
DEFINE_REAL(int, glob64, (const char*, int, int (*)(const char*, int), glob64_t*))
DEFINE_REAL(int, scandir,
            (const char*, struct dirent***, int (*)(const struct dirent*),
             int (*)(const struct dirent**, const struct dirent**)))
DEFINE_REAL(int, scandir64,
            (const char*, struct dirent64***, int (*)(const struct dirent64*),
             int (*)(const struct dirent64**, const struct dirent64**)))

/* ---- stat --------------------------------------------------------------------------- */

static int stat_fake_fd(int fd, struct stat* st) {
  struct PreloadFd f;
  if (!preload_lookup(fd, &f)) return 0;
  preload_fill_stat(f.drive, f.node, st);
  return 1;
}

static int stat_at(int dirfd, const char* path, struct stat* st, int flags) {
  if (path != NULL && path[0] == '\0' && (flags & AT_EMPTY_PATH) && stat_fake_fd(dirfd, st)) {
    return 0;
  }
  struct PreloadPath p;
  preload_classify(path, (flags & AT_SYMLINK_NOFOLLOW) == 0, &p);
  switch (p.kind) {
    case kPathNode:
      preload_fill_stat(p.drive, p.node, st);
      return 0;
    case kPathLink:
      preload_fill_link_stat(p.link_target, st);
      return 0;
    case kPathRewrite:
      return real_fstatat()(AT_FDCWD, p.rewritten, st, flags);
    default:
      return real_fstatat()(dirfd, path, st, flags);
  }
}

static int stat_fd(int fd, struct stat* st) {
  if (stat_fake_fd(fd, st)) return 0;
  return real_fstat()(fd, st);
}

int stat(const char* path, struct stat* st) { return stat_at(AT_FDCWD, path, st, 0); }
int lstat(const char* path, struct stat* st) {
  return stat_at(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}
int fstat(int fd, struct stat* st) { return stat_fd(fd, st); }
int fstatat(int dirfd, const char* path, struct stat* st, int flags) {
  return stat_at(dirfd, path, st, flags);
}

/* On LP64 Linux struct stat64 and struct stat are the same layout. */
_Static_assert(sizeof(struct stat) == sizeof(struct stat64), "stat64 layout");
int stat64(const char* path, struct stat64* st) {
  return stat_at(AT_FDCWD, path, (struct stat*)st, 0);
}
int lstat64(const char* path, struct stat64* st) {
  return stat_at(AT_FDCWD, path, (struct stat*)st, AT_SYMLINK_NOFOLLOW);
}
int fstat64(int fd, struct stat64* st) { return stat_fd(fd, (struct stat*)st); }
int fstatat64(int dirfd, const char* path, struct stat64* st, int flags) {
  return stat_at(dirfd, path, (struct stat*)st, flags);
}

/* The pre-2.33 ABI: `version` is _STAT_VER_LINUX, whose struct is struct stat on
 * x86_64 and aarch64. Implemented on fstatat rather than forwarded, since newer glibc
 * versions may keep these only as compat symbols. */
int __xstat(int version, const char* path, struct stat* st);
int __lxstat(int version, const char* path, struct stat* st);
int __fxstat(int version, int fd, struct stat* st);
int __fxstatat(int version, int dirfd, const char* path, struct stat* st, int flags);
int __xstat64(int version, const char* path, struct stat64* st);
int __lxstat64(int version, const char* path, struct stat64* st);
int __fxstat64(int version, int fd, struct stat64* st);
int __fxstatat64(int version, int dirfd, const char* path, struct stat64* st, int flags);

int __xstat(int version, const char* path, struct stat* st) {
  (void)version;
  return stat_at(AT_FDCWD, path, st, 0);
}
int __lxstat(int version, const char* path, struct stat* st) {
  (void)version;
  return stat_at(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}
int __fxstat(int version, int fd, struct stat* st) {
  (void)version;
  return stat_fd(fd, st);
}
int __fxstatat(int version, int dirfd, const char* path, struct stat* st, int flags) {
  (void)version;
  return stat_at(dirfd, path, st, flags);
}
int __xstat64(int version, const char* path, struct stat64* st) {
  (void)version;
  return stat_at(AT_FDCWD, path, (struct stat*)st, 0);
}
int __lxstat64(int version, const char* path, struct stat64* st) {
  (void)version;
  return stat_at(AT_FDCWD, path, (struct stat*)st, AT_SYMLINK_NOFOLLOW);
}
int __fxstat64(int version, int fd, struct stat64* st) {
  (void)version;
  return stat_fd(fd, (struct stat*)st);
}
int __fxstatat64(int version, int dirfd, const char* path, struct stat64* st, int flags) {
  (void)version;
  return stat_at(dirfd, path, (struct stat*)st, flags);
}

static void fill_statx(const struct stat* st, struct statx* out) {
  memset(out, 0, sizeof(*out));
  out->stx_mask = STATX_BASIC_STATS;
  out->stx_blksize = (uint32_t)st->st_blksize;
  out->stx_nlink = (uint32_t)st->st_nlink;
  out->stx_uid = st->st_uid;
  out->stx_gid = st->st_gid;
  out->stx_mode = (uint16_t)st->st_mode;
  out->stx_ino = st->st_ino;
  out->stx_size = (uint64_t)st->st_size;
  out->stx_atime.tv_sec = st->st_atim.tv_sec;
  out->stx_mtime.tv_sec = st->st_mtim.tv_sec;
  out->stx_ctime.tv_sec = st->st_ctim.tv_sec;
  out->stx_rdev_major = major(st->st_rdev);
  out->stx_rdev_minor = minor(st->st_rdev);
  out->stx_dev_major = major(st->st_dev);
  out->stx_dev_minor = minor(st->st_dev);
}

static int statx_impl(int dirfd, const char* path, int flags, unsigned int mask,
                      struct statx* out) {
  struct stat st;
  if (path != NULL && path[0] == '\0' && (flags & AT_EMPTY_PATH) && stat_fake_fd(dirfd, &st)) {
    fill_statx(&st, out);
    return 0;
  }
  struct PreloadPath p;
  preload_classify(path, (flags & AT_SYMLINK_NOFOLLOW) == 0, &p);
  if (p.kind == kPathNode || p.kind == kPathLink) {
    if (p.kind == kPathNode) {
      preload_fill_stat(p.drive, p.node, &st);
    } else {
      preload_fill_link_stat(p.link_target, &st);
    }
    fill_statx(&st, out);
    return 0;
  }
  if (real_statx() == NULL) {
    errno = ENOSYS;
    return -1;
  }
  if (p.kind == kPathRewrite) return real_statx()(AT_FDCWD, p.rewritten, flags, mask, out);
  return real_statx()(dirfd, path, flags, mask, out);
}

int statx(int dirfd, const char* path, int flags, unsigned int mask, struct statx* out) {
  return statx_impl(dirfd, path, flags, mask, out);
}

/* ---- access, readlink, realpath ----------------------------------------------------- */

int faccessat(int dirfd, const char* path, int mode, int flags) {
  struct PreloadPath p;
  preload_classify(path, (flags & AT_SYMLINK_NOFOLLOW) == 0, &p);
  if (p.kind == kPathNode || p.kind == kPathLink) return 0; /* 0660, owned by the caller */
  if (p.kind == kPathRewrite) return real_faccessat()(AT_FDCWD, p.rewritten, mode, flags);
  return real_faccessat()(dirfd, path, mode, flags);
}

int access(const char* path, int mode) {
  struct PreloadPath p;
  preload_classify(path, 1, &p);
  if (p.kind == kPathNode) return 0;
  if (p.kind == kPathRewrite) return real_access()(p.rewritten, mode);
  return real_access()(path, mode);
}

int euidaccess(const char* path, int mode) {
  struct PreloadPath p;
  preload_classify(path, 1, &p);
  if (p.kind == kPathNode) return 0;
  if (p.kind == kPathRewrite) return real_euidaccess()(p.rewritten, mode);
  return real_euidaccess()(path, mode);
}

int eaccess(const char* path, int mode) { return euidaccess(path, mode); }

static ssize_t copy_link(const char* target, char* buffer, size_t size) {
  const size_t n = strlen(target) < size ? strlen(target) : size;
  memcpy(buffer, target, n);
  return (ssize_t)n;
}

ssize_t readlink(const char* path, char* buffer, size_t size) {
  struct PreloadPath p;
  preload_classify(path, 0, &p);
  if (p.kind == kPathLink) return copy_link(p.link_target, buffer, size);
  if (p.kind == kPathNode) {
    errno = EINVAL;
    return -1;
  }
  if (p.kind == kPathRewrite) return real_readlink()(p.rewritten, buffer, size);
  return real_readlink()(path, buffer, size);
}

ssize_t readlinkat(int dirfd, const char* path, char* buffer, size_t size) {
  struct PreloadPath p;
  preload_classify(path, 0, &p);
  if (p.kind == kPathLink) return copy_link(p.link_target, buffer, size);
  if (p.kind == kPathNode) {
    errno = EINVAL;
    return -1;
  }
  if (p.kind == kPathRewrite) return real_readlinkat()(AT_FDCWD, p.rewritten, buffer, size);
  return real_readlinkat()(dirfd, path, buffer, size);
}

static char* give_path(const char* value, char* resolved) {
  if (resolved == NULL) return strdup(value);
  snprintf(resolved, PATH_MAX, "%s", value);
  return resolved;
}

static void strip_root(char* path) {
  const size_t n = preload_root_length();
  if (n > 0 && strncmp(path, preload_root(), n) == 0 && (path[n] == '/' || path[n] == '\0')) {
    memmove(path, path + n, strlen(path + n) + 1);
    if (path[0] == '\0') strcpy(path, "/");
  }
}

char* realpath(const char* path, char* resolved) {
  struct PreloadPath p;
  preload_classify(path, 0, &p);
  char name[96];
  if (p.kind == kPathNode || p.kind == kPathLink) {
    if (p.kind == kPathLink && p.link_target[0] == '/') {
      snprintf(name, sizeof(name), "%s", p.link_target);
    } else if (p.kind == kPathLink) {
      snprintf(name, sizeof(name), "/dev/%s", p.link_target);
    } else {
      snprintf(name, sizeof(name), "%s", path);
    }
    return give_path(name, resolved);
  }
  if (p.kind == kPathRewrite) {
    char* result = real_realpath()(p.rewritten, resolved);
    if (result != NULL) strip_root(result);
    return result;
  }
  return real_realpath()(path, resolved);
}

/* ---- fopen, opendir, scandir, glob -------------------------------------------------- */

static int mode_flags(const char* mode) {
  int flags = 0;
  const int plus = strchr(mode, '+') != NULL;
  switch (mode[0]) {
    case 'r':
      flags = plus ? O_RDWR : O_RDONLY;
      break;
    case 'w':
      flags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC;
      break;
    case 'a':
      flags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND;
      break;
    default:
      return -1;
  }
  if (strchr(mode, 'e') != NULL) flags |= O_CLOEXEC;
  if (strchr(mode, 'x') != NULL) flags |= O_EXCL;
  return flags;
}

static FILE* fopen_node(const struct PreloadPath* p, const char* mode) {
  const int flags = mode_flags(mode);
  if (flags < 0) {
    errno = EINVAL;
    return NULL;
  }
  const int fd = preload_open_node(p->drive, p->node, flags);
  if (fd < 0) return NULL;
  FILE* f = fdopen(fd, mode);
  if (f == NULL) {
    const int err = errno;
    close(fd);
    errno = err;
  }
  return f;
}

FILE* fopen(const char* path, const char* mode) {
  struct PreloadPath p;
  preload_classify(path, 1, &p);
  if (p.kind == kPathNode) return fopen_node(&p, mode);
  return real_fopen()(p.kind == kPathRewrite ? p.rewritten : path, mode);
}

FILE* fopen64(const char* path, const char* mode) {
  struct PreloadPath p;
  preload_classify(path, 1, &p);
  if (p.kind == kPathNode) return fopen_node(&p, mode);
  return real_fopen64()(p.kind == kPathRewrite ? p.rewritten : path, mode);
}

DIR* opendir(const char* path) {
  struct PreloadPath p;
  preload_classify(path, 1, &p);
  if (p.kind == kPathNode) {
    errno = ENOTDIR;
    return NULL;
  }
  return real_opendir()(p.kind == kPathRewrite ? p.rewritten : path);
}

int scandir(const char* path, struct dirent*** names, int (*filter)(const struct dirent*),
            int (*compare)(const struct dirent**, const struct dirent**)) {
  struct PreloadPath p;
  preload_classify(path, 1, &p);
  return real_scandir()(p.kind == kPathRewrite ? p.rewritten : path, names, filter, compare);
}

int scandir64(const char* path, struct dirent64*** names, int (*filter)(const struct dirent64*),
              int (*compare)(const struct dirent64**, const struct dirent64**)) {
  struct PreloadPath p;
  preload_classify(path, 1, &p);
  return real_scandir64()(p.kind == kPathRewrite ? p.rewritten : path, names, filter, compare);
}

/* glob runs on the rewritten pattern; the matches are reported under the original names. */
static void strip_matches(char** paths, size_t first, size_t count) {
  for (size_t i = first; i < first + count; ++i) {
    if (paths[i] != NULL) strip_root(paths[i]);
  }
}

int glob(const char* pattern, int flags, int (*errfunc)(const char*, int), glob_t* out) {
  struct PreloadPath p;
  preload_classify(pattern, 1, &p);
  if (p.kind != kPathRewrite) return real_glob()(pattern, flags, errfunc, out);
  const size_t before = (flags & GLOB_APPEND) ? out->gl_pathc : 0;
  const int result = real_glob()(p.rewritten, flags, errfunc, out);
  if (out->gl_pathv != NULL) {
    const size_t offs = (flags & GLOB_DOOFFS) ? out->gl_offs : 0;
    strip_matches(out->gl_pathv, offs + before, out->gl_pathc - before);
  }
  return result;
}

int glob64(const char* pattern, int flags, int (*errfunc)(const char*, int), glob64_t* out) {
  struct PreloadPath p;
  preload_classify(pattern, 1, &p);
  if (real_glob64() == NULL) return GLOB_ABORTED;
  if (p.kind != kPathRewrite) return real_glob64()(pattern, flags, errfunc, out);
  const size_t before = (flags & GLOB_APPEND) ? out->gl_pathc : 0;
  const int result = real_glob64()(p.rewritten, flags, errfunc, out);
  if (out->gl_pathv != NULL) {
    const size_t offs = (flags & GLOB_DOOFFS) ? out->gl_offs : 0;
    strip_matches(out->gl_pathv, offs + before, out->gl_pathc - before);
  }
  return result;
}

/* mkimg-udfread: libudfread (VideoLAN, Debian libudfread-dev) as an independent UDF reader
 * for `mkimg diff-read` (specs/diff-read.md) and for the tests that check mkimg's UDF
 * images against it (tests/udf_metadata, tests/udf_writer, tests/nodes).
 *
 *   mkimg-udfread list IMAGE        one line per entry, depth first:
 *                                   d <TAB> - <TAB> /path   or   f <TAB> SIZE <TAB> /path
 *   mkimg-udfread scan IMAGE        every file read whole, one line per entry:
 *                                   d <TAB> - <TAB> - <TAB> - <TAB> /path   or
 *                                   f <TAB> SIZE <TAB> FNV-1a-64 <TAB> HEX or - <TAB> /path
 *                                   (HEX: the whole content of files up to 512 bytes)
 *   mkimg-udfread cat IMAGE PATH    the bytes of one file on stdout
 *
 * libudfread has no symbolic-link type: a link is listed as a file (its content, which
 * scan shows, is its ECMA-167 4/14.16 path components). Exit status 0, or 1 when the
 * image cannot be opened or an entry cannot be read completely. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <udfread/udfread.h>

enum { kMaxDepth = 256, kSmall = 512 };

static int failures = 0;
static long entries = 0;
static int scan = 0; /* read every file whole (the scan command) */
static unsigned char buffer[1 << 20];

/* Reads a whole file: its FNV-1a-64 hash and, for files up to kSmall bytes, its bytes. */
static int scan_file(UDFFILE* f, const char* path) {
  const int64_t size = udfread_file_size(f);
  uint64_t hash = 0xcbf29ce484222325ull;
  unsigned char small[kSmall];
  int64_t total = 0;
  for (;;) {
    const ssize_t n = udfread_file_read(f, buffer, sizeof buffer);
    if (n < 0) {
      fprintf(stderr, "mkimg-udfread: read error in %s after %" PRId64 " bytes\n", path, total);
      return -1;
    }
    if (n == 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (total + i < kSmall) small[total + i] = buffer[i];
      hash = (hash ^ buffer[i]) * 0x100000001b3ull;
    }
    total += n;
  }
  if (total != size) {
    fprintf(stderr, "mkimg-udfread: %s: read %" PRId64 " of %" PRId64 " bytes\n", path, total,
            size);
    return -1;
  }
  printf("f\t%" PRId64 "\t%016" PRIx64 "\t", size, hash);
  if (size > 0 && size <= kSmall) {
    for (int64_t i = 0; i < size; ++i) printf("%02x", small[i]);
  } else {
    printf("-");
  }
  printf("\t%s\n", path);
  return 0;
}

static void list_file(udfread* udf, const char* path) {
  UDFFILE* f = udfread_file_open(udf, path);
  if (!f) {
    fprintf(stderr, "mkimg-udfread: cannot open %s\n", path);
    ++failures;
    return;
  }
  if (!scan) {
    printf("f\t%" PRId64 "\t%s\n", udfread_file_size(f), path);
  } else if (scan_file(f, path) != 0) {
    ++failures;
  }
  udfread_file_close(f);
}

static void list_dir(udfread* udf, const char* path, int depth) {
  if (depth > kMaxDepth) {
    fprintf(stderr, "mkimg-udfread: %s: deeper than %d levels\n", path, kMaxDepth);
    ++failures;
    return;
  }
  UDFDIR* dir = udfread_opendir(udf, path);
  if (!dir) {
    fprintf(stderr, "mkimg-udfread: cannot open directory %s\n", path);
    ++failures;
    return;
  }
  struct udfread_dirent entry;
  while (udfread_readdir(dir, &entry) && ++entries < 10000000) {
    if (!strcmp(entry.d_name, ".") || !strcmp(entry.d_name, "..")) continue;
    const size_t len = strlen(path) + strlen(entry.d_name) + 2;
    char* child = malloc(len);
    if (!child) abort();
    snprintf(child, len, "%s%s%s", path, strcmp(path, "/") ? "/" : "", entry.d_name);
    if (entry.d_type == UDF_DT_DIR) {
      printf(scan ? "d\t-\t-\t-\t%s\n" : "d\t-\t%s\n", child);
      list_dir(udf, child, depth + 1);
    } else {
      list_file(udf, child);
    }
    free(child);
  }
  udfread_closedir(dir);
}

static int cat_file(udfread* udf, const char* path) {
  UDFFILE* f = udfread_file_open(udf, path);
  if (!f) {
    fprintf(stderr, "mkimg-udfread: cannot open %s\n", path);
    return 1;
  }
  for (;;) {
    const ssize_t n = udfread_file_read(f, buffer, sizeof buffer);
    if (n < 0) {
      fprintf(stderr, "mkimg-udfread: read error in %s\n", path);
      udfread_file_close(f);
      return 1;
    }
    if (n == 0) break;
    if (fwrite(buffer, 1, (size_t)n, stdout) != (size_t)n) break;
  }
  udfread_file_close(f);
  return 0;
}

int main(int argc, char** argv) {
  const int list = argc == 3 && !strcmp(argv[1], "list");
  scan = argc == 3 && !strcmp(argv[1], "scan");
  const int cat = argc == 4 && !strcmp(argv[1], "cat");
  if (!list && !scan && !cat) {
    fprintf(stderr, "usage: mkimg-udfread list IMAGE | scan IMAGE | cat IMAGE PATH\n");
    return 2;
  }
  udfread* udf = udfread_init();
  if (!udf || udfread_open(udf, argv[2]) < 0) {
    fprintf(stderr, "mkimg-udfread: cannot open %s as UDF\n", argv[2]);
    if (udf) udfread_close(udf);
    return 1;
  }
  int status = 0;
  if (cat) {
    status = cat_file(udf, argv[3]);
  } else {
    list_dir(udf, "/", 0);
    status = failures ? 1 : 0;
  }
  udfread_close(udf);
  return status;
}

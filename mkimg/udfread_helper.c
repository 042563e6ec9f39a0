/* mkimg-udfread: libudfread (VideoLAN, Debian libudfread-dev) as a reader for
 * `mkimg diff-read` (specs/diff-read.md).
 *
 *   mkimg-udfread list IMAGE        one line per entry, depth first:
 *                                   d <TAB> - <TAB> /path   or   f <TAB> SIZE <TAB> /path
 *   mkimg-udfread cat IMAGE PATH    the bytes of one file on stdout
 *
 * libudfread has no symbolic-link type: a link is listed as a file. Exit status 0, or 1
 * when the image cannot be opened or an entry cannot be read. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <udfread/udfread.h>

enum { kMaxDepth = 256 };

static int failures = 0;
static long entries = 0;

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
      printf("d\t-\t%s\n", child);
      list_dir(udf, child, depth + 1);
    } else {
      UDFFILE* f = udfread_file_open(udf, child);
      if (f) {
        printf("f\t%" PRId64 "\t%s\n", udfread_file_size(f), child);
        udfread_file_close(f);
      } else {
        fprintf(stderr, "mkimg-udfread: cannot open %s\n", child);
        ++failures;
      }
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
  static unsigned char buf[1 << 20];
  for (;;) {
    const ssize_t n = udfread_file_read(f, buf, sizeof buf);
    if (n < 0) {
      fprintf(stderr, "mkimg-udfread: read error in %s\n", path);
      udfread_file_close(f);
      return 1;
    }
    if (n == 0) break;
    if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) break;
  }
  udfread_file_close(f);
  return 0;
}

int main(int argc, char** argv) {
  const int list = argc == 3 && !strcmp(argv[1], "list");
  const int cat = argc == 4 && !strcmp(argv[1], "cat");
  if (!list && !cat) {
    fprintf(stderr, "usage: mkimg-udfread list IMAGE | cat IMAGE PATH\n");
    return 2;
  }
  udfread* udf = udfread_init();
  if (!udf || udfread_open(udf, argv[2]) < 0) {
    fprintf(stderr, "mkimg-udfread: cannot open %s as UDF\n", argv[2]);
    if (udf) udfread_close(udf);
    return 1;
  }
  int status = 0;
  if (list) {
    list_dir(udf, "/", 0);
    status = failures ? 1 : 0;
  } else {
    status = cat_file(udf, argv[3]);
  }
  udfread_close(udf);
  return status;
}

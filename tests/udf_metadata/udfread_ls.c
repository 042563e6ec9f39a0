/* Lists a UDF image through libudfread (VideoLAN), an independent UDF reader, for
 * tests/udf_metadata/check_udf_metadata.py. One line per entry, depth first:
 *
 *   d <TAB> - <TAB> - <TAB> - <TAB> /path
 *   f <TAB> SIZE <TAB> FNV-1a-64 of the bytes read <TAB> HEX or - <TAB> /path
 *
 * HEX is the whole content of files up to 512 bytes (libudfread has no symlink type: a
 * symbolic link is listed as a file whose content is its ECMA-167 4/14.16 path
 * components, which the checker decodes). Exit status 0, or 1 when the image cannot be
 * opened or an entry cannot be read completely.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <udfread/udfread.h>

static int failures = 0;

static int list_file(udfread* udf, const char* path) {
  UDFFILE* f = udfread_file_open(udf, path);
  if (!f) {
    fprintf(stderr, "udfread_ls: cannot open %s\n", path);
    return -1;
  }
  const int64_t size = udfread_file_size(f);
  uint64_t hash = 0xcbf29ce484222325ull;
  unsigned char small[512];
  int64_t total = 0;
  unsigned char buf[65536];
  for (;;) {
    const ssize_t n = udfread_file_read(f, buf, sizeof buf);
    if (n < 0) {
      fprintf(stderr, "udfread_ls: read error in %s after %" PRId64 " bytes\n", path, total);
      udfread_file_close(f);
      return -1;
    }
    if (n == 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (total + i < (int64_t)sizeof small) small[total + i] = buf[i];
      hash = (hash ^ buf[i]) * 0x100000001b3ull;
    }
    total += n;
  }
  udfread_file_close(f);
  if (total != size) {
    fprintf(stderr, "udfread_ls: %s: read %" PRId64 " of %" PRId64 " bytes\n", path, total, size);
    return -1;
  }
  printf("f\t%" PRId64 "\t%016" PRIx64 "\t", size, hash);
  if (size <= (int64_t)sizeof small) {
    for (int64_t i = 0; i < size; ++i) printf("%02x", small[i]);
    if (size == 0) printf("-");
  } else {
    printf("-");
  }
  printf("\t%s\n", path);
  return 0;
}

static void list_dir(udfread* udf, const char* path, int depth) {
  if (depth > 64) {
    fprintf(stderr, "udfread_ls: %s: too deep\n", path);
    ++failures;
    return;
  }
  UDFDIR* dir = udfread_opendir(udf, path);
  if (!dir) {
    fprintf(stderr, "udfread_ls: cannot open directory %s\n", path);
    ++failures;
    return;
  }
  struct udfread_dirent entry;
  while (udfread_readdir(dir, &entry)) {
    if (!strcmp(entry.d_name, ".") || !strcmp(entry.d_name, "..")) continue;
    const size_t len = strlen(path) + strlen(entry.d_name) + 2;
    char* child = malloc(len);
    if (!child) abort();
    snprintf(child, len, "%s%s%s", path, strcmp(path, "/") ? "/" : "", entry.d_name);
    if (entry.d_type == UDF_DT_DIR) {
      printf("d\t-\t-\t-\t%s\n", child);
      list_dir(udf, child, depth + 1);
    } else if (list_file(udf, child) != 0) {
      ++failures;
    }
    free(child);
  }
  udfread_closedir(dir);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: udfread_ls IMAGE\n");
    return 2;
  }
  udfread* udf = udfread_init();
  if (!udf || udfread_open(udf, argv[1]) < 0) {
    fprintf(stderr, "udfread_ls: cannot open %s as UDF\n", argv[1]);
    if (udf) udfread_close(udf);
    return 1;
  }
  list_dir(udf, "/", 0);
  udfread_close(udf);
  return failures ? 1 : 0;
}

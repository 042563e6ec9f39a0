// Parser of one directory record's System Use area: the System Use Sharing Protocol
// (SUSP, IEEE P1281 draft 1.12: CE, PD, SP, ST, ER) and the Rock Ridge Interchange
// Protocol (RRIP, IEEE P1282 draft 1.12 and RRIP 1991A: PX, PN, SL, NM, CL, PL, RE, TF,
// SF, and zisofs ZF). Continuation areas (CE) are followed through a base::BlockDevice with a
// bound on their number and size, so a CE chain that loops ends with an error.
#ifndef MKIMG_FS_ROCKRIDGE_SUSP_H_
#define MKIMG_FS_ROCKRIDGE_SUSP_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/error.h"
#include "fs/image_reader.h"
#include "fs/tree.h"

namespace fs::reader {

// What one record's System Use area says. Reused between records (Clear()) so a large
// directory does not allocate per entry.
struct SystemUse {
  bool has_sp = false;
  std::uint8_t sp_skip = 0;             // SUSP 5.3 LEN_SKP
  std::vector<std::string> extensions;  // ER identifiers

  bool has_px = false;
  std::uint32_t mode = 0, links = 0, uid = 0, gid = 0;
  bool has_mtime = false;
  Timestamp mtime;
  bool has_nm = false;
  bool nm_current = false, nm_parent = false;
  std::string name;
  bool has_sl = false;
  std::string symlink;
  bool relocated = false;                    // RE
  std::optional<std::uint32_t> child_link;   // CL
  std::optional<std::uint32_t> parent_link;  // PL
  bool has_pn = false;
  std::uint32_t pn_high = 0, pn_low = 0;  // RRIP 4.1.2
  bool zisofs = false;                    // ZF: the data is compressed
  bool sparse = false;                    // SF

  // Oddities that do not stop the read (bad entry lengths, unknown forms).
  std::vector<std::string> warnings;

  void Clear();
};

struct SystemUseLimits {
  int max_continuations = 64;
  std::uint32_t max_name_bytes = 4096;
};

// Parses `area` (the System Use field after any SP LEN_SKP bytes) into *out, which the
// caller cleared. Follows CE entries through `device` when it is non-null.
// `where` names the record for messages (e.g. "LBA 23: /a/b"). Returns kCorruptImage for
// structure that cannot be read (a CE outside the image, a CE loop, overlong names).
base::Status ParseSystemUse(std::span<const std::uint8_t> area, const base::BlockDevice* device,
                            const std::string& where, const SystemUseLimits& limits,
                            SystemUse* out);

}  // namespace fs::reader

#endif  // MKIMG_FS_ROCKRIDGE_SUSP_H_

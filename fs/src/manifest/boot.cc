// The manifest's `boot` key (specs/manifest.md "boot", specs/eltorito.md, specs/partition.md):
// El Torito catalog entries, the EFI system partition built from a host folder, and the
// hybrid MBR/GPT. Parsed after `contents`, so that image paths name files of the tree.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "eltorito/eltorito_format.h"
#include "fat/fat_image.h"
#include "manifest/parser.h"
#include "partition/partition_format.h"

namespace fs::manifest {
namespace {

// Reads up to `max` bytes of a host file from its start.
base::Expected<std::vector<std::uint8_t>> ReadHead(const std::string& path, std::size_t max) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return base::InvalidInput(path, std::strerror(errno));
  std::vector<std::uint8_t> out(max);
  std::size_t done = 0;
  while (done < max) {
    const ssize_t r = ::read(fd, out.data() + done, max - done);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      const int e = errno;
      ::close(fd);
      return base::InvalidInput(path, std::strerror(e));
    }
    if (r == 0) break;
    done += static_cast<std::size_t>(r);
  }
  ::close(fd);
  out.resize(done);
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

base::Status Parser::ParseBoot(const JsonValue& v) {
  const std::string path = "$.boot";
  RETURN_IF_ERROR(Expect(v, path, Type::kObject));
  RETURN_IF_ERROR(CheckKeys(v, path, {"catalog", "entries", "hybrid"}));
  BootSpec& boot = spec_.boot;
  boot.enabled = true;
  boot.where = Where(v, path);
  if (const JsonValue* c = v.Find("catalog")) {
    std::string cpath = path + ".catalog";
    const JsonValue* target = c;
    Attributes attrs;
    if (c->type == Type::kObject) {
      RETURN_IF_ERROR(CheckKeys(*c, cpath, {"path", "hidden_in"}));
      RETURN_IF_ERROR(ParseAttributes(*c, cpath, &attrs));
      target = c->Find("path");
      if (!target) return Fail(*c, cpath, "missing required key \"path\" (the catalog's path)");
      cpath += ".path";
    }
    ASSIGN_OR_RETURN(std::string p, GetString(*target, cpath));
    ASSIGN_OR_RETURN(std::vector<std::string> components, SplitTarget(*target, cpath, p));
    ASSIGN_OR_RETURN(NodeId dir, PlaceLeaf(*target, cpath, components));
    Content zeros;  // the planner gives the catalog its content
    boot.catalog = spec_.tree.AddFile(dir, components.back(), zeros);
    spec_.tree.mutable_node(boot.catalog).mtime = spec_.volume.timestamp;
    spec_.tree.mutable_node(boot.catalog).mode = 0444;
    ApplyAttributes(boot.catalog, attrs, false);
  }
  const JsonValue* entries = v.Find("entries");
  if (!entries) return Fail(v, path, "missing required key \"entries\" (the boot catalog entries)");
  RETURN_IF_ERROR(Expect(*entries, path + ".entries", Type::kArray));
  if (entries->array.empty()) {
    return Fail(*entries, path + ".entries", "a boot catalog needs at least one entry");
  }
  for (std::size_t i = 0; i < entries->array.size(); ++i) {
    RETURN_IF_ERROR(
        ParseBootEntry(entries->array[i], path + ".entries[" + std::to_string(i) + "]"));
  }
  if (const JsonValue* h = v.Find("hybrid")) {
    const std::string hpath = path + ".hybrid";
    RETURN_IF_ERROR(Expect(*h, hpath, Type::kObject));
    RETURN_IF_ERROR(CheckKeys(*h, hpath, {"mbr", "gpt", "mbr_type"}));
    HybridSpec hybrid;
    hybrid.where = Where(*h, hpath);
    const JsonValue* mbr = h->Find("mbr");
    if (!mbr) {
      return Fail(*h, hpath, "missing required key \"mbr\" (the MBR boot code template file)");
    }
    ASSIGN_OR_RETURN(std::string mbr_path, GetString(*mbr, hpath + ".mbr"));
    if (options_.forbid_host_access) {
      return Fail(*mbr, hpath + ".mbr", "host sources are not allowed here");
    }
    hybrid.mbr_where = Resolve(mbr_path);
    struct stat st {};
    if (::stat(hybrid.mbr_where.c_str(), &st) != 0) {
      return Fail(*mbr, hpath + ".mbr", hybrid.mbr_where + ": " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode) || st.st_size > 4096) {
      return Fail(*mbr, hpath + ".mbr",
                  hybrid.mbr_where + " is not an MBR template (432, 440, 446 or 512 bytes)");
    }
    ASSIGN_OR_RETURN(hybrid.mbr, ReadHead(hybrid.mbr_where, 4096));
    if (const JsonValue* g = h->Find("gpt")) {
      ASSIGN_OR_RETURN(hybrid.gpt, GetBool(*g, hpath + ".gpt"));
    }
    if (const JsonValue* t = h->Find("mbr_type")) {
      ASSIGN_OR_RETURN(std::string type, GetString(*t, hpath + ".mbr_type"));
      if (type == "grub2") {
        hybrid.patch = HybridSpec::MbrPatch::kGrub2;
      } else if (type == "isolinux") {
        hybrid.patch = HybridSpec::MbrPatch::kIsolinux;
      } else {
        return Fail(*t, hpath + ".mbr_type", "\"" + type + "\" is not \"grub2\" or \"isolinux\"");
      }
    }
    boot.hybrid = std::move(hybrid);
  }
  return base::Ok();
}

base::Status Parser::ParseBootEntry(const JsonValue& e, const std::string& path) {
  RETURN_IF_ERROR(Expect(e, path, Type::kObject));
  RETURN_IF_ERROR(
      CheckKeys(e, path,
                {"platform", "image", "efi_directory", "efi_size", "efi_fat", "emulation",
                 "load_size", "load_segment", "boot_info_table", "grub2_boot_info", "id",
                 "bootable", "default", "selection_criteria", "selection_criteria_type"}));
  BootEntrySpec entry;
  entry.where = Where(e, path);
  if (const JsonValue* p = e.Find("platform")) {
    ASSIGN_OR_RETURN(std::string name, GetString(*p, path + ".platform"));
    if (name == "x86") {
      entry.platform = eltorito::kPlatformX86;
    } else if (name == "efi") {
      entry.platform = eltorito::kPlatformEfi;
    } else if (name == "ppc") {
      entry.platform = eltorito::kPlatformPowerPc;
    } else if (name == "mac") {
      entry.platform = eltorito::kPlatformMac;
    } else {
      std::string what = "\"" + name + "\" is not one of \"x86\", \"efi\", \"ppc\", \"mac\"";
      if (name == "uefi" || name == "EFI") what += " (did you mean \"efi\"?)";
      return Fail(*p, path + ".platform", what);
    }
  }
  if (const JsonValue* em = e.Find("emulation")) {
    ASSIGN_OR_RETURN(std::string name, GetString(*em, path + ".emulation"));
    if (name == "none") {
      entry.emulation = BootEmulation::kNone;
    } else if (name == "floppy-1.2") {
      entry.emulation = BootEmulation::kFloppy12;
    } else if (name == "floppy-1.44") {
      entry.emulation = BootEmulation::kFloppy144;
    } else if (name == "floppy-2.88") {
      entry.emulation = BootEmulation::kFloppy288;
    } else if (name == "hard-disk") {
      entry.emulation = BootEmulation::kHardDisk;
    } else {
      return Fail(*em, path + ".emulation",
                  "\"" + name +
                      "\" is not one of \"none\", \"floppy-1.2\", \"floppy-1.44\", "
                      "\"floppy-2.88\", \"hard-disk\"");
    }
  }
  if (const JsonValue* ls = e.Find("load_size")) {
    ASSIGN_OR_RETURN(std::uint64_t n, GetUnsigned(*ls, path + ".load_size", 0, 65535));
    entry.load_size = static_cast<std::uint16_t>(n);
  }
  if (const JsonValue* seg = e.Find("load_segment")) {
    ASSIGN_OR_RETURN(std::uint64_t n, GetUnsigned(*seg, path + ".load_segment", 0, 65535));
    entry.load_segment = static_cast<std::uint16_t>(n);
  }
  struct Flag {
    const char* key;
    bool* out;
  };
  for (const Flag& f : {Flag{"boot_info_table", &entry.boot_info_table},
                        Flag{"grub2_boot_info", &entry.grub2_boot_info},
                        Flag{"bootable", &entry.bootable}, Flag{"default", &entry.is_default}}) {
    if (const JsonValue* fv = e.Find(f.key)) {
      ASSIGN_OR_RETURN(*f.out, GetBool(*fv, path + "." + f.key));
    }
  }
  if (const JsonValue* id = e.Find("id")) {
    ASSIGN_OR_RETURN(entry.id, GetString(*id, path + ".id"));
    if (entry.id.size() > 28) {
      return Fail(*id, path + ".id",
                  "an El Torito ID string holds at most 28 bytes (24 in the validation entry)");
    }
  }
  if (const JsonValue* t = e.Find("selection_criteria_type")) {
    ASSIGN_OR_RETURN(std::uint64_t n, GetUnsigned(*t, path + ".selection_criteria_type", 0, 255));
    entry.selection_criteria_type = static_cast<std::uint8_t>(n);
  }
  if (const JsonValue* sc = e.Find("selection_criteria")) {
    ASSIGN_OR_RETURN(std::string hex, GetString(*sc, path + ".selection_criteria"));
    if (hex.size() % 2 != 0 || hex.size() > 2 * 19 + 2 * 30 * 64) {
      return Fail(*sc, path + ".selection_criteria",
                  "expected an even number of hexadecimal digits (at most 1939 bytes)");
    }
    for (std::size_t i = 0; i < hex.size(); i += 2) {
      const int hi = HexDigit(hex[i]);
      const int lo = HexDigit(hex[i + 1]);
      if (hi < 0 || lo < 0) {
        return Fail(*sc, path + ".selection_criteria", "expected hexadecimal digits");
      }
      entry.selection_criteria.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
    }
  }

  const JsonValue* image = e.Find("image");
  const JsonValue* efi_dir = e.Find("efi_directory");
  if (image && efi_dir) {
    return Fail(*efi_dir, path + ".efi_directory",
                "an entry has either \"image\" or \"efi_directory\", not both");
  }
  // The first bytes of the image, for a hard disk's MBR.
  std::vector<std::uint8_t> head;
  if (image) {
    const std::string ipath = path + ".image";
    if (image->type == Type::kObject) {
      RETURN_IF_ERROR(CheckKeys(*image, ipath, {"source"}));
      const JsonValue* src = image->Find("source");
      if (!src) return Fail(*image, ipath, "missing required key \"source\" (a host file)");
      ASSIGN_OR_RETURN(std::string s, GetString(*src, ipath + ".source"));
      if (options_.forbid_host_access) {
        return Fail(*src, ipath + ".source", "host sources are not allowed here");
      }
      const std::string host = Resolve(s);
      struct stat st {};
      if (::stat(host.c_str(), &st) != 0) {
        return Fail(*src, ipath + ".source", "boot image " + host + ": " + std::strerror(errno));
      }
      if (!S_ISREG(st.st_mode)) {
        return Fail(*src, ipath + ".source", "boot image " + host + " is not a regular file");
      }
      entry.source = PatchedHostFile(host, static_cast<std::uint64_t>(st.st_size), {});
      if (entry.emulation == BootEmulation::kHardDisk) {
        ASSIGN_OR_RETURN(head, ReadHead(host, 512));
      }
    } else {
      ASSIGN_OR_RETURN(std::string p, GetString(*image, ipath));
      ASSIGN_OR_RETURN(std::vector<std::string> components, SplitTarget(*image, ipath, p));
      NodeId node = kRootNode;
      for (const std::string& c : components) {
        if (spec_.tree.node(node).type != NodeType::kDirectory) {
          node = kNoNode;
          break;
        }
        node = spec_.tree.FindChild(node, c);
        if (node == kNoNode) break;
      }
      if (node == kNoNode) {
        return Fail(*image, ipath,
                    "no boot image " + p +
                        " in the image (add it to contents, or give {\"source\": HOST_FILE})");
      }
      if (spec_.tree.node(node).type != NodeType::kFile) {
        return Fail(*image, ipath, "the boot image " + p + " is not a file");
      }
      entry.node = node;
      if (entry.emulation == BootEmulation::kHardDisk) {
        const Content& c = spec_.tree.content(node);
        if (c.kind == ContentKind::kHostFile && !options_.forbid_host_access) {
          ASSIGN_OR_RETURN(head, ReadHead(spec_.tree.HostPath(c), 512));
        } else if (c.kind == ContentKind::kInline) {
          const std::string_view b = spec_.tree.inline_bytes(c).substr(0, 512);
          head.assign(b.begin(), b.end());
        }
      }
    }
  } else if (efi_dir) {
    const std::string dpath = path + ".efi_directory";
    if (entry.platform != eltorito::kPlatformEfi) {
      return Fail(*efi_dir, dpath, "efi_directory belongs to an entry with platform \"efi\"");
    }
    ASSIGN_OR_RETURN(std::string d, GetString(*efi_dir, dpath));
    if (options_.forbid_host_access)
      return Fail(*efi_dir, dpath, "host sources are not allowed here");
    fat::FatImageOptions fat;
    fat.timestamp = spec_.volume.timestamp.seconds;
    if (const JsonValue* size = e.Find("efi_size")) {
      ASSIGN_OR_RETURN(fat.size_bytes,
                       GetUnsigned(*size, path + ".efi_size", 512, fat::kMaxFatImageBytes));
      if (fat.size_bytes % 512 != 0) {
        return Fail(*size, path + ".efi_size", "must be a multiple of 512 bytes");
      }
    }
    if (const JsonValue* t = e.Find("efi_fat")) {
      ASSIGN_OR_RETURN(std::string type, GetString(*t, path + ".efi_fat"));
      if (type == "fat12") {
        fat.type = fat::FatType::kFat12;
      } else if (type == "fat16") {
        fat.type = fat::FatType::kFat16;
      } else if (type == "fat32") {
        fat.type = fat::FatType::kFat32;
      } else {
        return Fail(*t, path + ".efi_fat",
                    "\"" + type + "\" is not \"fat12\", \"fat16\", \"fat32\"");
      }
    }
    const std::string host = Resolve(d);
    auto bytes = fat::BuildFatImage(host, fat);
    if (!bytes) return Fail(*efi_dir, dpath, bytes.error().ToString());
    entry.source = PatchedBytes(std::move(*bytes), "EFI system partition from " + host, {});
  } else {
    return Fail(e, path,
                entry.platform == eltorito::kPlatformEfi
                    ? "an efi entry needs \"image\" or \"efi_directory\""
                    : "an entry needs \"image\" (a path in the image, or {\"source\": HOST_FILE})");
  }
  if (!efi_dir && (e.Find("efi_size") || e.Find("efi_fat"))) {
    return Fail(e, path, "efi_size and efi_fat go with efi_directory");
  }
  if (entry.emulation == BootEmulation::kHardDisk) {
    // El Torito 1.0 2.2 offset 04: the system type is the one partition's type in the
    // image's MBR (UEFI 2.10 5.2.1).
    const auto mbr = partition::MasterBootRecord::ParseZeroExtended(head);
    int used = 0;
    for (const auto& r : mbr.partition_record) {
      if (r.os_type != 0) {
        ++used;
        entry.system_type = r.os_type;
      }
    }
    if (head.size() < 512 || !mbr.HasSignature() || used != 1) {
      return Fail(
          *image, path + ".image",
          "a hard-disk boot image starts with an MBR holding exactly one partition "
          "(found " +
              (head.size() < 512 || !mbr.HasSignature() ? std::string("no MBR signature")
                                                        : std::to_string(used) + " partitions") +
              ")");
    }
  }
  spec_.boot.entries.push_back(std::move(entry));
  return base::Ok();
}

}  // namespace fs::manifest

// mkimg info (README.md, "Using mkimg"; specs/readers.md): what an image holds: its
// sessions, volume descriptors, file systems, boot catalog, partition tables and, for a
// BIN/CUE, the disc's tracks (cd_inspect.cc). Text or, with --json, one JSON object.
#include <cstdio>
#include <optional>
#include <string>

#include "fs/image_reader.h"
#include "fs/raw_cd.h"
#include "mkimg/commands.h"
#include "mkimg/display.h"
#include "mkimg/image_open.h"
#include "mkimg/json_writer.h"

namespace mkimg {
namespace {

void Text(const char* label, const std::string& value) {
  if (!value.empty()) std::printf("    %-14s %s\n", label, value.c_str());
}

}  // namespace

int RunImageInfo(const std::string& image, std::optional<std::uint32_t> session, bool json) {
  if (IsCueSheet(image)) {
    // The disc's tracks; then the data track's file systems, when it has any.
    if (int status = RunCdInfo(image, json); status != 0 || json) return status;
    auto sheet = fs::ReadCueSheet(image);
    bool data = false;
    for (const fs::CueTrack& t : sheet->tracks) data = data || t.data;
    if (!data) return 0;
  }
  auto opened = OpenImage(image, session);
  if (!opened) return ReportError(opened.error());
  const fs::ImageInfo& v = opened->reader->volume();
  if (json) {
    JsonWriter w;
    auto str = [&](const char* key, const std::string& value) {
      w.Key(key);
      w.String(value);
    };
    w.BeginObject();
    str("image", image);
    w.Key("size");
    w.Uint(v.image_size);
    WriteSessions(*opened, w);
    w.Key("filesystems");
    w.BeginArray();
    for (fs::Namespace ns : v.namespaces) {
      const std::string name(fs::NamespaceName(ns));
      w.String(name);
    }
    w.EndArray();
    w.Key("volume_descriptors");
    w.BeginArray();
    for (const auto& d : v.descriptors) {
      w.BeginObject();
      w.Key("lba");
      w.Uint(d.lba);
      str("type", d.kind);
      if (d.kind == "primary" || d.kind == "joliet" || d.kind == "supplementary" ||
          d.kind == "enhanced") {
        str("system_id", d.system_id);
        str("volume_id", d.volume_id);
        str("volume_set_id", d.volume_set_id);
        str("publisher_id", d.publisher_id);
        str("preparer_id", d.preparer_id);
        str("application_id", d.application_id);
        w.Key("volume_space_size");
        w.Uint(d.volume_space_size);
        w.Key("logical_block_size");
        w.Uint(d.logical_block_size);
        w.Key("path_table_size");
        w.Uint(d.path_table_size);
        str("creation_time", d.creation_time);
        str("modification_time", d.modification_time);
        if (d.joliet_level) {
          w.Key("joliet_level");
          w.Int(d.joliet_level);
        }
      }
      if (d.kind == "boot record") str("boot_system_id", d.boot_system_id);
      w.EndObject();
    }
    w.EndArray();
    w.Key("rock_ridge");
    if (v.rock_ridge) {
      w.String(v.rock_ridge_version);
    } else {
      w.Null();
    }
    w.Key("boot_catalog");
    if (v.boot_catalog) {
      w.BeginObject();
      w.Key("lba");
      w.Uint(v.boot_catalog->catalog_lba);
      str("platform", v.boot_catalog->validation_platform);
      str("id", v.boot_catalog->manufacturer_id);
      w.Key("entries");
      w.BeginArray();
      for (const auto& e : v.boot_catalog->entries) {
        w.BeginObject();
        str("platform", e.platform);
        w.Key("bootable");
        w.Bool(e.bootable);
        str("emulation", e.emulation);
        w.Key("load_segment");
        w.Uint(e.load_segment);
        w.Key("system_type");
        w.Uint(e.system_type);
        w.Key("sector_count");
        w.Uint(e.sector_count);
        w.Key("lba");
        w.Uint(e.load_lba);
        str("id", e.id);
        w.Key("selection_criteria_type");
        w.Uint(e.selection_criteria_type);
        str("selection_criteria", e.selection_criteria);
        str("boot_info_table", e.boot_info_table);
        w.Key("grub2_boot_info");
        w.Bool(e.grub2_boot_info);
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    } else {
      w.Null();
    }
    w.Key("partitions");
    w.BeginArray();
    for (const auto& p : v.partitions) {
      w.BeginObject();
      str("scheme", p.scheme);
      w.Key("index");
      w.Uint(p.index);
      str("type", p.type);
      w.Key("first_lba");
      w.Uint(p.first_lba);
      w.Key("sectors");
      w.Uint(p.sectors);
      w.Key("bootable");
      w.Bool(p.bootable);
      str("name", p.name);
      str("guid", p.guid);
      w.EndObject();
    }
    w.EndArray();
    str("mbr_disk_signature", v.mbr_disk_signature);
    str("gpt_disk_guid", v.gpt_disk_guid);
    w.Key("udf");
    if (v.udf) {
      const auto& u = *v.udf;
      w.BeginObject();
      str("revision", u.revision);
      w.Key("anchor_lba");
      w.Uint(u.anchor_lba);
      w.Key("block_size");
      w.Uint(u.block_size);
      w.Key("main_vds_lba");
      w.Uint(u.main_vds_lba);
      w.Key("reserve_vds_lba");
      w.Uint(u.reserve_vds_lba);
      w.Key("integrity_lba");
      w.Uint(u.integrity_lba);
      str("integrity", u.integrity);
      str("logical_volume_id", u.logical_volume_id);
      str("volume_set_id", u.volume_set_id);
      w.Key("partition_start");
      w.Uint(u.partition_start);
      w.Key("partition_length");
      w.Uint(u.partition_length);
      w.Key("metadata_partition");
      w.Bool(u.metadata_partition);
      w.Key("metadata_mirror");
      w.Bool(u.metadata_mirror);
      w.Key("sparable_partition");
      w.Bool(u.sparable_partition);
      w.Key("virtual_partition");
      w.Bool(u.virtual_partition);
      if (u.virtual_partition) {
        w.Key("vat_lba");
        w.Uint(u.vat_lba);
        str("vat_format", u.vat_format);
        w.Key("vat_entries");
        w.Uint(u.vat_entries);
      }
      w.Key("files");
      w.Uint(u.files);
      w.Key("directories");
      w.Uint(u.directories);
      w.EndObject();
    } else {
      w.Null();
    }
    w.Key("warnings");
    w.BeginArray();
    for (const auto& s : v.warnings) w.String(s);
    w.EndArray();
    w.EndObject();
    std::printf("%s\n", w.str().c_str());
    return 0;
  }
  std::printf("image: %s (%llu bytes, %llu blocks of 2048)\n", image.c_str(),
              static_cast<unsigned long long>(v.image_size),
              static_cast<unsigned long long>(v.image_size / base::kBlockSize));
  PrintSessions(*opened);
  std::printf("file systems:");
  for (fs::Namespace ns : v.namespaces)
    std::printf(" %s", std::string(fs::NamespaceName(ns)).c_str());
  std::printf("\n");
  if (!v.descriptors.empty()) std::printf("volume descriptors:\n");
  for (const auto& d : v.descriptors) {
    std::printf("  LBA %-6u %s", d.lba, d.kind.c_str());
    if (d.joliet_level) std::printf(" (UCS-2 level %d)", d.joliet_level);
    std::printf("\n");
    if (d.kind == "boot record") Text("boot system", d.boot_system_id);
    if (d.kind == "primary" || d.kind == "joliet" || d.kind == "supplementary" ||
        d.kind == "enhanced") {
      Text("volume", d.volume_id);
      Text("system", d.system_id);
      Text("volume set", d.volume_set_id);
      Text("publisher", d.publisher_id);
      Text("preparer", d.preparer_id);
      Text("application", d.application_id);
      Text("created", d.creation_time);
      Text("modified", d.modification_time);
      std::printf("    %-14s %u blocks of %u\n", "space", d.volume_space_size,
                  d.logical_block_size);
      std::printf("    %-14s %u bytes at LBA %u\n", "path table", d.path_table_size,
                  d.path_table_lba);
    }
  }
  if (v.rock_ridge) std::printf("rock ridge: %s\n", v.rock_ridge_version.c_str());
  if (v.boot_catalog) {
    const auto& c = *v.boot_catalog;
    std::printf("el torito: catalog at LBA %u, platform %s%s%s\n", c.catalog_lba,
                c.validation_platform.c_str(), c.manufacturer_id.empty() ? "" : ", id ",
                c.manufacturer_id.c_str());
    for (std::size_t i = 0; i < c.entries.size(); ++i) {
      const auto& e = c.entries[i];
      std::printf(
          "  entry %zu: %s %s, emulation %s, load segment 0x%04X, system type 0x%02X, %u sectors "
          "at LBA %u%s%s\n",
          i + 1, e.platform.c_str(), e.bootable ? "bootable" : "not bootable", e.emulation.c_str(),
          e.load_segment, e.system_type, e.sector_count, e.load_lba, e.id.empty() ? "" : ", id ",
          e.id.c_str());
      if (e.selection_criteria_type != 0 || !e.selection_criteria.empty()) {
        std::printf("    selection criteria type %u: %s\n", e.selection_criteria_type,
                    e.selection_criteria.c_str());
      }
      if (!e.boot_info_table.empty()) {
        std::printf("    boot information table: %s\n", e.boot_info_table.c_str());
      }
      if (e.grub2_boot_info) std::printf("    GRUB boot info: consistent\n");
    }
  }
  if (!v.partitions.empty()) {
    std::printf("partitions:");
    if (!v.mbr_disk_signature.empty())
      std::printf(" MBR signature %s", v.mbr_disk_signature.c_str());
    if (!v.gpt_disk_guid.empty()) std::printf(", GPT disk %s", v.gpt_disk_guid.c_str());
    std::printf("\n");
    for (const auto& p : v.partitions) {
      std::printf("  %s %u: %s, sectors %llu+%llu%s%s%s\n", p.scheme.c_str(), p.index,
                  p.type.c_str(), static_cast<unsigned long long>(p.first_lba),
                  static_cast<unsigned long long>(p.sectors), p.bootable ? ", bootable" : "",
                  p.name.empty() ? "" : ", name ", p.name.c_str());
    }
  }
  if (v.udf) {
    const auto& u = *v.udf;
    std::printf("udf: revision %s, logical volume \"%s\", block size %u, anchor at %u\n",
                u.revision.c_str(), u.logical_volume_id.c_str(), u.block_size, u.anchor_lba);
    std::printf("  partition at %u, %u blocks%s%s%s; %u files, %u directories\n", u.partition_start,
                u.partition_length, u.metadata_partition ? ", metadata partition" : "",
                u.metadata_mirror ? " with mirror" : "", u.sparable_partition ? ", sparable" : "",
                u.files, u.directories);
    std::printf("  descriptors: main sequence at %u, reserve at %u, integrity at %u (%s)\n",
                u.main_vds_lba, u.reserve_vds_lba, u.integrity_lba,
                u.integrity.empty() ? "unread" : u.integrity.c_str());
    if (u.virtual_partition) {
      std::printf("  virtual partition: VAT (%s format) at %u, %u entries\n", u.vat_format.c_str(),
                  u.vat_lba, u.vat_entries);
    }
  }
  for (const auto& w : v.warnings) std::printf("warning: %s\n", Printable(w).c_str());
  return 0;
}

}  // namespace mkimg

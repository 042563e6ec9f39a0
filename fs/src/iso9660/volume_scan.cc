// ECMA-119 volume descriptor set and Rock Ridge detection; see iso9660_reader.h.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>

#include "base/bytes.h"
#include "eltorito/eltorito_format.h"
#include "iso9660/iso9660_format.h"
#include "iso9660/iso9660_reader.h"
#include "reader/reader_util.h"
#include "rockridge/rrip_format.h"
#include "rockridge/susp.h"

namespace fs::reader {
namespace {

template <std::size_t N>
using Field = base::Bytes<N>;

using iso9660::kFlagAssociated;
using iso9660::kFlagDirectory;
using iso9660::kFlagMultiExtent;
using iso9660::ParseRecordHeader;
using iso9660::VolumeDescriptor;  // ECMA-119 8.4, 8.5 (iso9660_format.h)

// ECMA-119 9.1: the fixed part of a directory record (iso9660_format.h).
using RecordHeader = iso9660::DirectoryRecordHeader;
constexpr std::size_t kRecordFixed = sizeof(RecordHeader);
constexpr std::size_t kRecordNameLength = offsetof(RecordHeader, file_identifier_length);
static_assert(kRecordFixed == kRecordNameLength + 1);

std::string DescriptorTime(const iso9660::DecDateTime& f) {
  std::uint8_t bytes[sizeof f];
  std::memcpy(bytes, &f, sizeof f);
  auto t = DecodeVolumeTime(bytes);
  return t ? FormatIso8601(*t) : std::string();
}

int JolietLevel(const Field<32>& esc) {
  // Joliet specification 1995, 5.2: "%/@", "%/C", "%/E" at the start of the escapes.
  if (esc.b[0] != '%' || esc.b[1] != '/') return 0;
  switch (esc.b[2]) {
    case '@':
      return 1;
    case 'C':
      return 2;
    case 'E':
      return 3;
    default:
      return 0;
  }
}

base::Expected<DirectoryExtent> RootRecord(const Field<34>& r, std::uint32_t lba,
                                           const char* what) {
  if (r.b[0] < 34) {
    return base::CorruptImage(
        LbaWhere(lba),
        std::string(what) + " root directory record has length " + std::to_string(r.b[0]));
  }
  DirectoryExtent e;
  const RecordHeader h = ParseRecordHeader(r.b);
  e.lba = h.extent_location.le();
  e.size = h.data_length.le();
  e.descriptor_lba = lba;
  if (!(h.file_flags & kFlagDirectory)) {
    return base::CorruptImage(LbaWhere(lba),
                              std::string(what) + " root directory record is not a directory");
  }
  return e;
}

}  // namespace

base::Status ScanVolumeDescriptors(const base::BlockDevice& device, ImageInfo* info,
                                   IsoVolume* volume) {
  constexpr std::uint32_t kFirst = 16;   // ECMA-119 6.2.1: the system area is LBA 0-15
  constexpr std::uint32_t kLimit = 256;  // descriptors scanned at most
  bool terminated = false;
  for (std::uint32_t lba = kFirst; lba < kFirst + kLimit; ++lba) {
    const std::uint64_t offset = std::uint64_t{lba} * base::kBlockSize;
    if (offset + base::kBlockSize > device.size()) break;
    std::uint8_t sector[base::kBlockSize];
    RETURN_IF_ERROR(device.Read(offset, sector));
    const std::string_view id(reinterpret_cast<const char*>(sector + 1), 5);  // NOLINT
    VolumeDescriptorInfo d;
    d.lba = lba;
    if (id == "BEA01" || id == "NSR02" || id == "NSR03" || id == "TEA01" || id == "BOOT2" ||
        id == "CDW02") {
      // ECMA-167 2/9.2-9.3 volume structure descriptors of the recognition sequence.
      d.kind = std::string(id);
      if (id == "NSR02" || id == "NSR03") volume->udf_recognition = true;
      info->descriptors.push_back(std::move(d));
      if (id == "TEA01") break;
      continue;
    }
    if (id != "CD001") {
      if (lba == kFirst) return base::Ok();  // no ISO 9660 volume (pure UDF, raw disk)
      break;
    }
    if (terminated) break;
    VolumeDescriptor vd;
    std::memcpy(&vd, sector, sizeof vd);
    switch (vd.type) {
      case 0: {  // ECMA-119 8.2
        // El Torito 1.0 2.0: the boot record volume descriptor (eltorito_format.h).
        eltorito::BootRecordVolumeDescriptor br;
        std::memcpy(&br, sector, sizeof br);
        d.kind = "boot record";
        d.boot_system_id = TrimIdentifier(br.boot_system_identifier.b);
        if (d.boot_system_id == "EL TORITO SPECIFICATION" && !volume->boot_catalog_lba) {
          volume->boot_catalog_lba = br.boot_catalog_pointer.get();
        }
        break;
      }
      case 1:
      case 2: {  // ECMA-119 8.4, 8.5
        const int joliet = vd.type == 2 ? JolietLevel(vd.escape_sequences) : 0;
        d.kind = vd.type == 1      ? "primary"
                 : joliet          ? "joliet"
                 : vd.version == 2 ? "enhanced"
                                   : "supplementary";
        d.joliet_level = joliet;
        auto text = [&](std::span<const std::uint8_t> f) {
          return joliet ? Ucs2BeToUtf8(f, true) : TrimIdentifier(f);
        };
        d.system_id = text(vd.system_identifier.b);
        d.volume_id = text(vd.volume_identifier.b);
        d.volume_set_id = text(vd.volume_set_identifier.b);
        d.publisher_id = text(vd.publisher_identifier.b);
        d.preparer_id = text(vd.data_preparer_identifier.b);
        d.application_id = text(vd.application_identifier.b);
        d.volume_space_size = vd.volume_space_size.le();
        d.logical_block_size = vd.logical_block_size.le();
        d.path_table_size = vd.path_table_size.le();
        d.path_table_lba = vd.type_l_path_table.get();
        d.creation_time = DescriptorTime(vd.creation);
        d.modification_time = DescriptorTime(vd.modification);
        if (!vd.volume_space_size.consistent()) {
          // Lenient: both-byte fields that disagree are reported, the LE copy is used.
          info->warnings.push_back(LbaWhere(lba) + ": " + d.kind +
                                   " volume descriptor: volume space size copies disagree");
        }
        if (d.logical_block_size != base::kBlockSize && (vd.type == 1 || joliet)) {
          return base::Unsupported(LbaWhere(lba), d.kind +
                                                      " volume descriptor: logical block size " +
                                                      std::to_string(d.logical_block_size) +
                                                      " (only 2048 is supported)");
        }
        if (vd.type == 1 && !volume->primary_root) {
          ASSIGN_OR_RETURN(DirectoryExtent root,
                           RootRecord(vd.root_directory_record, lba, "primary"));
          volume->primary_root = root;
          volume->volume_space_size = d.volume_space_size;
        } else if (joliet && !volume->joliet_root) {
          ASSIGN_OR_RETURN(DirectoryExtent root,
                           RootRecord(vd.root_directory_record, lba, "Joliet"));
          volume->joliet_root = root;
        }
        break;
      }
      case 3:
        d.kind = "partition";
        break;
      case 255:
        d.kind = "terminator";
        terminated = true;
        break;
      default:
        d.kind = "type " + std::to_string(vd.type);
        break;
    }
    info->descriptors.push_back(std::move(d));
  }
  if (!info->descriptors.empty() && info->descriptors.front().kind != "BEA01" &&
      !volume->primary_root) {
    return base::CorruptImage(LbaWhere(kFirst),
                              "ISO 9660 volume descriptor set without a primary volume descriptor");
  }
  if (volume->primary_root && !terminated) {
    info->warnings.push_back(LbaWhere(kFirst) + ": volume descriptor set has no terminator");
  }
  return base::Ok();
}

base::Status DetectRockRidge(const base::BlockDevice& device, const IsoVolume& volume,
                             ImageInfo* info) {
  if (!volume.primary_root) return base::Ok();
  std::vector<std::uint8_t> buf;
  const DirectoryExtent& root = *volume.primary_root;
  const std::uint32_t length = std::min<std::uint32_t>(root.size, base::kBlockSize);
  ASSIGN_OR_RETURN(
      std::span<const std::uint8_t> dir,
      Bytes(device, std::uint64_t{root.lba} * base::kBlockSize, length, "root directory", &buf));
  if (dir.size() < kRecordFixed + 1 || dir[0] < kRecordFixed + 1 || dir[0] > dir.size()) {
    return base::CorruptImage(LbaWhere(root.lba), "root directory has no '.' record");
  }
  std::span<const std::uint8_t> rec = dir.subspan(0, dir[0]);
  const std::size_t name_len = ParseRecordHeader(rec).file_identifier_length;
  std::size_t su = kRecordFixed + name_len + ((name_len % 2) == 0 ? 1u : 0u);
  if (su >= rec.size()) return base::Ok();
  SystemUse parsed;
  const std::string where = LbaWhere(root.lba) + ": root '.' record";
  RETURN_IF_ERROR(ParseSystemUse(rec.subspan(su), &device, where, SystemUseLimits(), &parsed));
  if (!parsed.has_sp) return base::Ok();
  // A damaged entry in the root's System Use area can hide Rock Ridge altogether: said,
  // not silently read as plain ISO 9660.
  for (std::string& w : parsed.warnings) info->warnings.push_back(std::move(w));
  // SUSP 5.3: SP in the root's "." record announces SUSP. RRIP 1.12 5 requires an ER, but
  // RRIP 1.09 images (mkisofs before 2003) have none: PX/NM/RR entries identify them.
  for (const std::string& ext : parsed.extensions) {
    if (ext == "RRIP_1991A" || ext == "IEEE_P1282" || ext == "IEEE_1282") {
      info->rock_ridge = true;
      info->rock_ridge_version = ext;
    }
  }
  if (!info->rock_ridge && (parsed.has_px || parsed.has_mtime)) {
    info->rock_ridge = true;
    info->rock_ridge_version = "RRIP 1.09 (no ER)";
  }
  return base::Ok();
}

}  // namespace fs::reader

// The structure-aware mutator (structure_mutator.h; specs/fuzzing.md). Field offsets come
// from the shared codecs (fs/src/udf, fs/src/iso9660, fs/src/rockridge) through offsetof
// where a codec struct exists, and from the standards' BP numbers otherwise.
#include "fuzz/mutator/structure_mutator.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstring>
#include <random>
#include <set>
#include <string_view>
#include <utility>

#include "base/bytes.h"
#include "iso9660/iso9660_format.h"
#include "rockridge/susp_format.h"
#include "udf/udf_file_format.h"
#include "udf/udf_format.h"

namespace fuzz::mutator {
namespace {

namespace udf = fs::udf;
namespace rr = fs::rockridge;

constexpr std::size_t kIsoBlock = 2048;
// Bounds on the work of one parse, whatever the input claims.
constexpr std::size_t kMaxDirectories = 256;
constexpr std::size_t kMaxRecords = 8192;
constexpr std::size_t kMaxCeDepth = 16;
constexpr std::size_t kMaxPartitionMaps = 64;

class Parser {
 public:
  explicit Parser(std::span<const std::uint8_t> data) : d_(data) {}

  Layout Run() {
    if (d_.size() >= 257 * 512 && IsTag(256 * 512) &&
        base::LoadLe16(d_.data() + 256 * 512) == udf::kAnchorVolumeDescriptorPointer) {
      out_.block_size = 512;
    }
    ScanUdf();
    ParseIso();
    if (out_.records.empty() && !d_.empty()) ScanSusp();
    // A catalog on its own (the El Torito target's input): its validation entry first.
    if (out_.boot_catalogs.empty() && IsValidationEntry(0)) ParseCatalog(0);
    return std::move(out_);
  }

 private:
  bool Has(std::size_t off, std::size_t n) const {
    return off <= d_.size() && n <= d_.size() - off;
  }
  void Add(std::size_t off, std::uint8_t width, Role role, Order order = Order::kLe) {
    const std::size_t bytes = order == Order::kBoth ? 2u * width : width;
    if (Has(off, bytes)) out_.fields.push_back({off, width, order, role});
  }
  void AddRecord(std::size_t off, std::size_t len, std::size_t end, RecordKind kind) {
    if (out_.records.size() < kMaxRecords && Has(off, len) && off + len <= end) {
      out_.records.push_back({off, len, std::min(end, d_.size()), kind});
    }
  }

  // ECMA-167 3/7.2: a tag whose checksum, reserved byte, identifier and version hold.
  bool IsTag(std::size_t off) const {
    if (!Has(off, sizeof(udf::Tag))) return false;
    const std::uint8_t* p = d_.data() + off;
    const std::uint16_t id = base::LoadLe16(p);
    const std::uint16_t version = base::LoadLe16(p + 2);
    if (!((id >= 1 && id <= 9) || (id >= 256 && id <= 266))) return false;
    if ((version != 2 && version != 3) || p[5] != 0) return false;
    return udf::TagChecksum(std::span<const std::uint8_t, 16>(p, 16)) == p[4];
  }

  // Descriptors start on 512-byte boundaries (the smallest block); file identifier
  // descriptors anywhere 4-aligned in a directory (ECMA-167 4/14.4.9).
  void ScanUdf() {
    for (std::size_t off = 0; off + sizeof(udf::Tag) <= d_.size(); off += 4) {
      if (!IsTag(off)) continue;
      const std::uint16_t id = base::LoadLe16(d_.data() + off);
      if (id != udf::kFileIdentifierDescriptor && off % 512 != 0) continue;
      out_.udf_tags.push_back(off);
      const std::size_t block_end =
          std::min(d_.size(), (off / out_.block_size + 1) * out_.block_size);
      Add(off + offsetof(udf::Tag, identifier), 2, Role::kFlags);
      Add(off + offsetof(udf::Tag, crc_length), 2, Role::kLength);
      Add(off + offsetof(udf::Tag, location), 4, Role::kLocation);
      if (id == udf::kFileIdentifierDescriptor) {
        ParseFid(off, block_end);
        if (off % 512 != 0) continue;  // inside a directory; the rest is its block's
      }
      AddRecord(off, std::min(block_end - off, out_.block_size), d_.size(),
                RecordKind::kUdfDescriptor);
      ParseDescriptor(off, id, block_end);
    }
  }

  void ExtentAd(std::size_t off) {  // ECMA-167 3/7.1
    Add(off, 4, Role::kLength);
    Add(off + 4, 4, Role::kLocation);
  }
  void LongAd(std::size_t off) {  // ECMA-167 4/14.14.2
    Add(off, 4, Role::kLength);
    Add(off + 4, 4, Role::kLocation);
    Add(off + 8, 2, Role::kCount);  // partition reference number
  }

  void ParseDescriptor(std::size_t off, std::uint16_t id, std::size_t end) {
    switch (id) {
      case udf::kAnchorVolumeDescriptorPointer:
        ExtentAd(off + offsetof(udf::AnchorVolumeDescriptorPointer, main_vds));
        ExtentAd(off + offsetof(udf::AnchorVolumeDescriptorPointer, reserve_vds));
        break;
      case udf::kVolumeDescriptorPointer:
        ExtentAd(off + offsetof(udf::VolumeDescriptorPointer, next_vds));
        break;
      case udf::kPartitionDescriptor:
        Add(off + offsetof(udf::PartitionDescriptor, partition_number), 2, Role::kCount);
        Add(off + offsetof(udf::PartitionDescriptor, access_type), 4, Role::kFlags);
        Add(off + offsetof(udf::PartitionDescriptor, partition_starting_location), 4,
            Role::kLocation);
        Add(off + offsetof(udf::PartitionDescriptor, partition_length), 4, Role::kLength);
        break;
      case udf::kLogicalVolumeDescriptor:
        ParseLvd(off, end);
        break;
      case udf::kUnallocatedSpaceDescriptor: {
        const std::size_t n_off =
            off + offsetof(udf::UnallocatedSpaceDescriptor, number_of_allocation_descriptors);
        Add(n_off, 4, Role::kCount);
        for (std::size_t p = n_off + 4; p + 8 <= end && p < n_off + 4 + 8 * 16; p += 8) {
          ExtentAd(p);
        }
        break;
      }
      case udf::kLogicalVolumeIntegrityDescriptor:
        Add(off + offsetof(udf::LogicalVolumeIntegrityDescriptor, integrity_type), 4, Role::kFlags);
        ExtentAd(off + offsetof(udf::LogicalVolumeIntegrityDescriptor, next_integrity_extent));
        Add(off + offsetof(udf::LogicalVolumeIntegrityDescriptor, number_of_partitions), 4,
            Role::kCount);
        Add(off + offsetof(udf::LogicalVolumeIntegrityDescriptor, length_of_implementation_use), 4,
            Role::kLength);
        break;
      case udf::kFileSetDescriptor:
        LongAd(off + 400);  // ECMA-167 4/14.1.7: root directory ICB, BP 400
        LongAd(off + 464);  // 4/14.1.8: next extent, BP 464
        LongAd(off + 480);  // 4/14.1.9: system stream directory ICB, BP 480
        break;
      case udf::kAllocationExtentDescriptor: {
        const std::size_t l_ad =
            off + offsetof(udf::AllocationExtentDescriptor, length_of_allocation_descriptors);
        Add(l_ad, 4, Role::kLength);
        if (!Has(l_ad, 4)) break;
        const std::size_t start = off + sizeof(udf::AllocationExtentDescriptor);
        ParseAds(start, std::min<std::size_t>(end, start + base::LoadLe32(d_.data() + l_ad)),
                 udf::kShortAds);
        break;
      }
      case udf::kIndirectEntry:
        LongAd(off + 36);  // ECMA-167 4/14.7.3: indirect ICB, BP 36
        break;
      case udf::kFileEntry:
      case udf::kExtendedFileEntry:
        ParseFileEntry(off, id, end);
        break;
      default:
        break;
    }
  }

  void ParseLvd(std::size_t off, std::size_t end) {
    using Lvd = udf::LogicalVolumeDescriptor;
    Add(off + offsetof(Lvd, logical_block_size), 4, Role::kLength);
    LongAd(off + offsetof(Lvd, file_set_descriptor_location));
    Add(off + offsetof(Lvd, map_table_length), 4, Role::kLength);
    Add(off + offsetof(Lvd, number_of_partition_maps), 4, Role::kCount);
    ExtentAd(off + offsetof(Lvd, integrity_sequence_extent));
    if (!Has(off, sizeof(Lvd))) return;
    const std::uint32_t maps =
        base::LoadLe32(d_.data() + off + offsetof(Lvd, number_of_partition_maps));
    std::size_t p = off + sizeof(Lvd);  // 3/10.6.13: partition maps, BP 440
    for (std::uint32_t i = 0; i < maps && i < kMaxPartitionMaps && p + 2 <= end; ++i) {
      const std::uint8_t type = d_[p];
      const std::uint8_t len = d_[p + 1];
      Add(p, 1, Role::kFlags);
      Add(p + 1, 1, Role::kLength);
      if (type == 1) {  // 3/10.7.2
        Add(p + offsetof(udf::Type1PartitionMap, partition_number), 2, Role::kCount);
      } else if (type == 2) {  // UDF 2.2.8-2.2.10: virtual, sparable, metadata
        using Meta = udf::MetadataPartitionMap;
        Add(p + offsetof(Meta, partition_number), 2, Role::kCount);
        Add(p + offsetof(Meta, metadata_file_location), 4, Role::kLocation);
        Add(p + offsetof(Meta, metadata_mirror_file_location), 4, Role::kLocation);
        Add(p + offsetof(Meta, metadata_bitmap_file_location), 4, Role::kLocation);
        Add(p + offsetof(Meta, allocation_unit_size), 4, Role::kLength);
        Add(p + offsetof(Meta, alignment_unit_size), 2, Role::kLength);
      }
      if (len == 0) break;
      AddRecord(p, len, end, RecordKind::kUdfAllocationDescriptor);
      p += len;
    }
  }

  void ParseFileEntry(std::size_t off, std::uint16_t id, std::size_t end) {
    auto fields = udf::ParseFileEntryFields(d_.subspan(off, end - off), id);
    if (!fields) return;
    const std::size_t icb = off + offsetof(udf::FileEntry, icb_tag);
    Add(icb + offsetof(udf::IcbTag, strategy_type), 2, Role::kFlags);
    Add(icb + offsetof(udf::IcbTag, file_type), 1, Role::kFlags);
    Add(icb + offsetof(udf::IcbTag, parent_icb_location), 4, Role::kLocation);
    Add(icb + offsetof(udf::IcbTag, flags), 2, Role::kFlags);
    Add(off + offsetof(udf::FileEntry, file_link_count), 2, Role::kCount);
    Add(off + offsetof(udf::FileEntry, information_length), 8, Role::kLength);
    if (id == udf::kFileEntry) {
      Add(off + offsetof(udf::FileEntry, logical_blocks_recorded), 8, Role::kLength);
      LongAd(off + offsetof(udf::FileEntry, extended_attribute_icb));
      Add(off + offsetof(udf::FileEntry, length_of_extended_attributes), 4, Role::kLength);
      Add(off + offsetof(udf::FileEntry, length_of_allocation_descriptors), 4, Role::kLength);
    } else {
      Add(off + offsetof(udf::ExtendedFileEntry, object_size), 8, Role::kLength);
      Add(off + offsetof(udf::ExtendedFileEntry, logical_blocks_recorded), 8, Role::kLength);
      LongAd(off + offsetof(udf::ExtendedFileEntry, extended_attribute_icb));
      LongAd(off + offsetof(udf::ExtendedFileEntry, stream_directory_icb));
      Add(off + offsetof(udf::ExtendedFileEntry, length_of_extended_attributes), 4, Role::kLength);
      Add(off + offsetof(udf::ExtendedFileEntry, length_of_allocation_descriptors), 4,
          Role::kLength);
    }
    const std::size_t start = off + fields->header_length + fields->length_of_extended_attributes;
    if (start >= end) return;
    ParseAds(start, std::min<std::size_t>(end, start + fields->length_of_allocation_descriptors),
             fields->icb_tag.ad_type());
  }

  // ECMA-167 4/14.14: short, long and extended allocation descriptors.
  void ParseAds(std::size_t start, std::size_t end, udf::AdType type) {
    const std::size_t size = type == udf::kShortAds  ? sizeof(udf::ShortAd)
                             : type == udf::kLongAds ? sizeof(udf::LongAd)
                             : type == udf::kExtAds  ? sizeof(udf::ExtAd)
                                                     : 0;
    if (size == 0) return;  // embedded data: a directory's FIDs are found by the scan
    for (std::size_t p = start; p + size <= end; p += size) {
      AddRecord(p, size, end, RecordKind::kUdfAllocationDescriptor);
      Add(p, 4, Role::kLength);
      if (type == udf::kExtAds) {
        Add(p + offsetof(udf::ExtAd, recorded_length), 4, Role::kLength);
        Add(p + offsetof(udf::ExtAd, information_length), 4, Role::kLength);
        Add(p + offsetof(udf::ExtAd, extent_location), 4, Role::kLocation);
      } else {
        Add(p + 4, 4, Role::kLocation);
        if (type == udf::kLongAds) Add(p + 8, 2, Role::kCount);
      }
    }
  }

  void ParseFid(std::size_t off, std::size_t end) {
    using Fid = udf::FileIdentifierDescriptor;
    if (!Has(off, sizeof(Fid))) return;
    const Fid fid = Fid::ParseZeroExtended(d_.subspan(off));
    Add(off + offsetof(Fid, file_characteristics), 1, Role::kFlags);
    Add(off + offsetof(Fid, length_of_file_identifier), 1, Role::kLength);
    LongAd(off + offsetof(Fid, icb));
    Add(off + offsetof(Fid, length_of_implementation_use), 2, Role::kLength);
    // A directory's FIDs may cross blocks: the container is the input's end.
    AddRecord(off, std::min(fid.PaddedLength(), d_.size() - off), std::max(end, d_.size()),
              RecordKind::kUdfFileIdentifier);
  }

  // ECMA-119 8: the volume descriptor set from LBA 16; directories from each root.
  void ParseIso() {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> dirs;
    for (std::size_t lba = 16; lba < 16 + 32 && Has(lba * kIsoBlock, kIsoBlock); ++lba) {
      const std::size_t off = lba * kIsoBlock;
      if (std::memcmp(d_.data() + off + 1, "CD001", 5) != 0) break;
      const std::uint8_t type = d_[off];
      if (type == 255) break;
      using Vd = fs::iso9660::VolumeDescriptor;
      if (type == 0) {  // El Torito 2.0: the boot record's catalog pointer, BP 72
        Add(off + 71, 4, Role::kLocation);
        const std::uint32_t catalog = base::LoadLe32(d_.data() + off + 71);
        if (Has(std::size_t{catalog} * kIsoBlock, 32))
          ParseCatalog(std::size_t{catalog} * kIsoBlock);
        continue;
      }
      if (type != 1 && type != 2) continue;
      Add(off + offsetof(Vd, volume_space_size), 4, Role::kLength, Order::kBoth);
      Add(off + offsetof(Vd, logical_block_size), 2, Role::kLength, Order::kBoth);
      Add(off + offsetof(Vd, path_table_size), 4, Role::kLength, Order::kBoth);
      Add(off + offsetof(Vd, type_l_path_table), 4, Role::kLocation);
      Add(off + offsetof(Vd, type_m_path_table), 4, Role::kLocation, Order::kBe);
      const std::size_t root = off + offsetof(Vd, root_directory_record);
      DirectoryRecordFields(root);
      dirs.emplace_back(base::LoadLe32(d_.data() + root + 2),
                        base::LoadLe32(d_.data() + root + 10));
    }
    std::set<std::uint32_t> seen;
    for (std::size_t i = 0; i < dirs.size() && seen.size() < kMaxDirectories; ++i) {
      const auto [lba, length] = dirs[i];
      if (!seen.insert(lba).second) continue;
      const std::size_t start = std::size_t{lba} * kIsoBlock;
      if (start >= d_.size()) continue;
      const std::size_t end = std::min(d_.size(), start + std::min<std::size_t>(length, 1u << 20));
      for (std::size_t p = start; p < end && out_.records.size() < kMaxRecords;) {
        const std::uint8_t len = d_[p];
        if (len == 0) {  // ECMA-119 6.8.1.1: no record crosses a sector
          p = (p / kIsoBlock + 1) * kIsoBlock;
          continue;
        }
        const std::size_t sector_end = std::min(end, (p / kIsoBlock + 1) * kIsoBlock);
        if (len < sizeof(fs::iso9660::DirectoryRecordHeader) + 1 || p + len > sector_end) break;
        AddRecord(p, len, sector_end, RecordKind::kIsoDirectoryRecord);
        DirectoryRecordFields(p);
        const std::uint8_t fi_len = d_[p + 32];
        const bool dot = fi_len == 1 && d_[p + 33] <= 1;
        if ((d_[p + 25] & 0x02) != 0 && !dot) {
          dirs.emplace_back(base::LoadLe32(d_.data() + p + 2), base::LoadLe32(d_.data() + p + 10));
        }
        // ECMA-119 9.1.13: the System Use area after the identifier and its padding.
        const std::size_t su = std::size_t{33} + fi_len + (fi_len % 2 == 0 ? 1u : 0u);
        if (su < len) SuspChain(p + su, p + len, 0);
        p += len;
      }
    }
  }

  void DirectoryRecordFields(std::size_t p) {  // ECMA-119 9.1
    using Dr = fs::iso9660::DirectoryRecordHeader;
    Add(p + offsetof(Dr, length), 1, Role::kLength);
    Add(p + offsetof(Dr, extended_attribute_length), 1, Role::kLength);
    Add(p + offsetof(Dr, extent_location), 4, Role::kLocation, Order::kBoth);
    Add(p + offsetof(Dr, data_length), 4, Role::kLength, Order::kBoth);
    Add(p + offsetof(Dr, file_flags), 1, Role::kFlags);
    Add(p + offsetof(Dr, file_identifier_length), 1, Role::kLength);
  }

  static bool KnownSignature(const std::uint8_t* p) {
    static constexpr std::array<const char*, 18> kSignatures = {"CE", "SP", "ST", "ER", "ES", "PD",
                                                                "PX", "PN", "SL", "NM", "CL", "PL",
                                                                "RE", "TF", "SF", "RR", "ZF", "AA"};
    return std::any_of(kSignatures.begin(), kSignatures.end(),
                       [p](const char* s) { return p[0] == s[0] && p[1] == s[1]; });
  }
  bool IsEntry(std::size_t p, std::size_t end) const {
    if (p + 4 > end) return false;
    const std::uint8_t* e = d_.data() + p;
    return e[0] >= 'A' && e[0] <= 'Z' && e[1] >= 'A' && e[1] <= 'Z' && e[2] >= 4 && p + e[2] <= end;
  }

  // SUSP 4: a chain of entries in [p, end); CE continuation areas (SUSP 5.1) followed.
  void SuspChain(std::size_t p, std::size_t end, std::size_t depth) {
    while (IsEntry(p, end) && out_.records.size() < kMaxRecords) {
      const std::uint8_t* e = d_.data() + p;
      const std::uint8_t len = e[2];
      AddRecord(p, len, end, RecordKind::kSuspEntry);
      Add(p + offsetof(rr::EntryHeader, length), 1, Role::kLength);
      Add(p + offsetof(rr::EntryHeader, version), 1, Role::kFlags);
      const std::string_view sig(reinterpret_cast<const char*>(e), 2);  // NOLINT
      if (sig == "CE" && len >= rr::kCeLength) {
        Add(p + offsetof(rr::CeEntry, block), 4, Role::kLocation, Order::kBoth);
        Add(p + offsetof(rr::CeEntry, offset), 4, Role::kLength, Order::kBoth);
        Add(p + offsetof(rr::CeEntry, length), 4, Role::kLength, Order::kBoth);
        const std::size_t area =
            std::size_t{base::LoadLe32(e + 4)} * kIsoBlock + base::LoadLe32(e + 12);
        const std::size_t area_len = base::LoadLe32(e + 20);
        if (depth < kMaxCeDepth && area < d_.size() && ce_seen_.insert(area).second) {
          SuspChain(area, std::min(d_.size(), area + std::min<std::size_t>(area_len, kIsoBlock)),
                    depth + 1);
        }
      } else if (sig == "SP" && len >= rr::kSpLength) {
        Add(p + offsetof(rr::SpEntry, len_skp), 1, Role::kLength);
      } else if (sig == "PX" && len >= rr::kPx110Length) {
        Add(p + offsetof(rr::PxEntry, mode), 4, Role::kFlags, Order::kBoth);
        Add(p + offsetof(rr::PxEntry, links), 4, Role::kCount, Order::kBoth);
      } else if ((sig == "CL" || sig == "PL") && len >= rr::kClLength) {
        Add(p + offsetof(rr::LocationEntry, location), 4, Role::kLocation, Order::kBoth);
      } else if (sig == "NM" || sig == "TF" || sig == "ZF") {
        Add(p + 4, 1, Role::kFlags);
      } else if (sig == "SL" && len > rr::kSlHeaderLength) {
        Add(p + 4, 1, Role::kFlags);
        // RRIP 4.1.3.1: component records, each a flags byte and a length byte.
        for (std::size_t c = p + rr::kSlHeaderLength; c + 2 <= p + len;
             c += std::size_t{2} + d_[c + 1]) {
          Add(c, 1, Role::kFlags);
          Add(c + 1, 1, Role::kLength);
        }
      } else if (sig == "ER" && len >= rr::kErHeaderLength) {
        Add(p + offsetof(rr::ErEntry, len_id), 1, Role::kLength);
        Add(p + offsetof(rr::ErEntry, len_des), 1, Role::kLength);
        Add(p + offsetof(rr::ErEntry, len_src), 1, Role::kLength);
      } else if (sig == "ST") {
        break;
      }
      p += len;
    }
  }

  // A System Use area on its own (the SUSP target's input): chains found anywhere that
  // start with a known signature.
  void ScanSusp() {
    for (std::size_t p = 0; p + 4 <= d_.size() && out_.records.size() < kMaxRecords;) {
      if (KnownSignature(d_.data() + p) && IsEntry(p, d_.size())) {
        const std::size_t before = out_.records.size();
        // A byte before a bare area may be its length (as in the SUSP target's input).
        if (p > 0) Add(p - 1, 1, Role::kLength);
        SuspChain(p, d_.size(), 0);
        if (out_.records.size() > before) {
          p = out_.records.back().offset + out_.records.back().length;
          continue;
        }
      }
      ++p;
    }
  }

  // El Torito 2.1: validation entry, header ID 1 and key bytes 55 AA.
  bool IsValidationEntry(std::size_t off) const {
    return Has(off, 32) && d_[off] == 1 && d_[off + 30] == 0x55 && d_[off + 31] == 0xAA;
  }
  void ParseCatalog(std::size_t off) {
    if (!IsValidationEntry(off)) return;
    out_.boot_catalogs.push_back(off);
    Add(off + 1, 1, Role::kFlags);  // 2.1: platform ID
    const std::size_t end = std::min(d_.size(), off + kIsoBlock);
    for (std::size_t p = off + 32; p + 32 <= end; p += 32) {
      const std::uint8_t head = d_[p];
      if (head == 0x90 || head == 0x91) {  // 2.4: section header
        Add(p + 1, 1, Role::kFlags);
        Add(p + 2, 2, Role::kCount);
      } else if (head == 0x88 || head == 0x00) {  // 2.2 / 2.5: initial or section entry
        if (head == 0 && base::LoadLe32(d_.data() + p + 8) == 0) break;
        Add(p + 1, 1, Role::kFlags);  // media type
        Add(p + 2, 2, Role::kLocation);
        Add(p + 6, 2, Role::kCount);  // sector count
        Add(p + 8, 4, Role::kLocation);
      } else {
        break;
      }
      AddRecord(p, 32, end, RecordKind::kBootCatalogEntry);
    }
  }

  std::span<const std::uint8_t> d_;
  Layout out_;
  std::set<std::size_t> ce_seen_;
};

std::uint64_t Load(const std::uint8_t* p, const Field& f) {
  switch (f.width) {
    case 1:
      return *p;
    case 2:
      return f.order == Order::kBe ? base::LoadBe16(p) : base::LoadLe16(p);
    case 4:
      return f.order == Order::kBe ? base::LoadBe32(p) : base::LoadLe32(p);
    default:
      return base::LoadLe64(p);
  }
}

void Store(std::uint8_t* p, const Field& f, std::uint64_t v, bool both_halves) {
  switch (f.width) {
    case 1:
      *p = static_cast<std::uint8_t>(v);
      return;
    case 2:
      if (f.order == Order::kBe) {
        base::StoreBe16(p, static_cast<std::uint16_t>(v));
      } else {
        base::StoreLe16(p, static_cast<std::uint16_t>(v));
        if (f.order == Order::kBoth && both_halves)
          base::StoreBe16(p + 2, static_cast<std::uint16_t>(v));
      }
      return;
    case 4:
      if (f.order == Order::kBe) {
        base::StoreBe32(p, static_cast<std::uint32_t>(v));
      } else {
        base::StoreLe32(p, static_cast<std::uint32_t>(v));
        if (f.order == Order::kBoth && both_halves)
          base::StoreBe32(p + 4, static_cast<std::uint32_t>(v));
      }
      return;
    default:
      base::StoreLe64(p, v);
  }
}

class Mutator {
 public:
  Mutator(std::uint8_t* data, std::size_t size, std::size_t max_size, unsigned seed,
          const ByteMutator& bytes)
      : data_(data), size_(size), max_size_(max_size), rng_(seed), bytes_(bytes) {}

  std::size_t Run() {
    const Layout layout = Parse(std::span<const std::uint8_t>(data_, size_));
    // libFuzzer lets inputs grow step by step (-len_control) but not when a custom mutator
    // is present: unparsed inputs at most double here, as they would there.
    if (layout.empty()) {
      return bytes_(data_, size_, std::min(max_size_, std::max<std::size_t>(2 * size_, 4096)));
    }
    const unsigned choice = Below(100);
    // Without UDF tags to keep, byte mutation loses nothing: it gets a larger share.
    if (choice < (layout.udf_tags.empty() ? 30u : 20u)) {
      size_ = bytes_(data_, size_, max_size_);
    } else if (choice < 45 && HasSusp(layout)) {
      InsertSuspEntry(layout);
    } else if (choice < 60 && !layout.fields.empty()) {
      for (unsigned n = 1 + Below(3); n > 0; --n) MutateField(layout);
    } else if (choice < 78 && !layout.records.empty()) {
      MutateRecords(layout);
    } else if (choice < 93 && !layout.udf_tags.empty()) {
      MutateDescriptorBody(layout);
    } else if (choice < 96 && !layout.records.empty()) {
      Truncate(layout);
    } else if (!layout.fields.empty()) {
      MutateField(layout);
    } else {
      size_ = bytes_(data_, size_, max_size_);
    }
    // Most inputs keep their tags valid; a few keep a broken one, so the checks
    // themselves stay exercised.
    if (Below(32) != 0) Refinish(std::span(data_, size_), layout);
    return size_;
  }

 private:
  unsigned Below(unsigned n) { return static_cast<unsigned>(rng_() % n); }

  std::uint64_t Interesting(const Layout& layout, const Field& f, std::uint64_t old) {
    const std::uint64_t max =
        f.width == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * f.width)) - 1;
    const std::uint64_t blocks = size_ / layout.block_size;
    switch (Below(14)) {
      case 0:
        return 0;
      case 1:
        return 1;
      case 2:
        return max;
      case 3:
        return max / 2 + 1;  // the sign bit: 2^31, 2^63
      case 4:
        return max / 2;
      case 5:
        return old + 1 + Below(16);
      case 6:
        return old - 1 - Below(16);
      case 7:
        return old * 2;
      case 8:
        return old / 2;
      case 9: {  // another field of the same role: a location that points at another
                 // structure (loops, overlaps), a length of another record
        for (int tries = 0; tries < 8; ++tries) {
          const Field& g = layout.fields[Below(static_cast<unsigned>(layout.fields.size()))];
          if (g.role == f.role) return Load(data_ + g.offset, g);
        }
        return old ^ 1;
      }
      case 10:  // the input's end, in blocks or bytes: truncated or past-the-end extents
        return f.role == Role::kLocation ? blocks - 1 + Below(3) : size_ - Below(2) + Below(2);
      case 11:  // the field's own block or its record: a self reference
        return f.role == Role::kLocation ? f.offset / layout.block_size
                                         : f.offset % layout.block_size;
      case 12:
        return f.role == Role::kFlags ? old ^ (std::uint64_t{1} << Below(8 * f.width))
                                      : old + layout.block_size;
      default: {
        std::uint64_t v = rng_();
        return (v << 32) ^ rng_();
      }
    }
  }

  static bool HasSusp(const Layout& layout) {
    return std::any_of(layout.records.begin(), layout.records.end(),
                       [](const Record& r) { return r.kind == RecordKind::kSuspEntry; });
  }

  // A new SUSP or RRIP entry, well formed, before an existing one (its container's rest
  // moving up; an area at the input's end grows the input). A CE, CL or PL points at
  // another record, so continuation chains, loops and relocations appear.
  void InsertSuspEntry(const Layout& layout) {
    const Record* r = nullptr;
    for (int tries = 0; tries < 16 && r == nullptr; ++tries) {
      const Record& c = layout.records[Below(static_cast<unsigned>(layout.records.size()))];
      if (c.kind == RecordKind::kSuspEntry) r = &c;
    }
    if (r == nullptr) return;
    const Record& target = layout.records[Below(static_cast<unsigned>(layout.records.size()))];
    std::vector<std::uint8_t> e;
    const auto header = [&](const char* sig, std::size_t length) {
      e.assign(length, 0);
      e[0] = static_cast<std::uint8_t>(sig[0]);
      e[1] = static_cast<std::uint8_t>(sig[1]);
      e[2] = static_cast<std::uint8_t>(length);
      e[3] = 1;
    };
    const auto name = [&](std::size_t from, std::size_t n) {
      for (std::size_t i = 0; i < n; ++i) e[from + i] = static_cast<std::uint8_t>('a' + Below(26));
    };
    switch (Below(11)) {
      case 0: {  // SUSP 5.1
        header("CE", rr::kCeLength);
        base::StoreBoth32(e.data() + 4, static_cast<std::uint32_t>(target.offset / kIsoBlock));
        base::StoreBoth32(e.data() + 12, static_cast<std::uint32_t>(target.offset % kIsoBlock));
        base::StoreBoth32(e.data() + 20,
                          static_cast<std::uint32_t>(
                              Below(2) ? target.length : target.container_end - target.offset));
        break;
      }
      case 1: {  // RRIP 4.1.3: one to three components, any flags
        const std::size_t n = 1 + Below(3);
        std::vector<std::uint8_t> comps;
        for (std::size_t i = 0; i < n; ++i) {
          static constexpr std::array<std::uint8_t, 6> kFlags = {0, 1, 2, 4, 8, 32};
          const std::uint8_t len = static_cast<std::uint8_t>(Below(2) ? 0 : 1 + Below(12));
          comps.push_back(kFlags[Below(kFlags.size())]);
          comps.push_back(len);
          for (std::uint8_t k = 0; k < len; ++k)
            comps.push_back(static_cast<std::uint8_t>('a' + k));
        }
        header("SL", rr::kSlHeaderLength + comps.size());
        e[4] = static_cast<std::uint8_t>(Below(2));
        std::copy(comps.begin(), comps.end(), e.begin() + rr::kSlHeaderLength);
        break;
      }
      case 2: {  // RRIP 4.1.4
        const std::size_t n = Below(20);
        header("NM", rr::kNmHeaderLength + n);
        e[4] = static_cast<std::uint8_t>(std::array<int, 4>{0, 1, 2, 4}[Below(4)]);
        name(rr::kNmHeaderLength, n);
        break;
      }
      case 3: {  // RRIP 4.1.1
        header("PX", Below(2) ? rr::kPxLength : rr::kPx110Length);
        static constexpr std::array<std::uint32_t, 5> kModes = {0100644, 040755, 0120777, 020644,
                                                                0140755};
        base::StoreBoth32(e.data() + 4, kModes[Below(kModes.size())]);
        base::StoreBoth32(e.data() + 12, 1 + Below(3));
        break;
      }
      case 4: {  // RRIP 4.1.6: flags, then 7- or 17-byte times
        const std::uint8_t flags = static_cast<std::uint8_t>(Below(256));
        const std::size_t each = (flags & 0x80) != 0 ? 17 : 7;
        header("TF", 5 + each * static_cast<std::size_t>(std::popcount(flags & 0x7Fu)));
        e[4] = flags;
        break;
      }
      case 5:
      case 6: {  // RRIP 4.1.5.1, 4.1.5.2
        header(Below(2) ? "CL" : "PL", rr::kClLength);
        base::StoreBoth32(e.data() + 4, static_cast<std::uint32_t>(target.offset / kIsoBlock));
        break;
      }
      case 7:
        header(Below(2) ? "RE" : "ST", 4);  // RRIP 4.1.5.3, SUSP 5.4
        break;
      case 8:  // SUSP 5.3
        header("SP", rr::kSpLength);
        e[4] = 0xBE;
        e[5] = 0xEF;
        e[6] = static_cast<std::uint8_t>(Below(2) ? 0 : Below(8));
        break;
      case 9:  // RRIP 4.1.2
        header("PN", 20);
        break;
      default: {  // SUSP 5.5
        static constexpr std::string_view kId = "RRIP_1991A";
        header("ER", rr::kErHeaderLength + kId.size());
        e[4] = static_cast<std::uint8_t>(kId.size());
        e[7] = 1;
        std::copy(kId.begin(), kId.end(), e.begin() + rr::kErHeaderLength);
        break;
      }
    }
    std::size_t end = std::min(r->container_end, size_);
    if (r->offset > end) return;
    if (end == size_ && size_ + e.size() <= max_size_) {
      size_ += e.size();
      end = size_;
    }
    const std::size_t room = end - r->offset;
    const std::size_t n = std::min(e.size(), room);
    std::memmove(data_ + r->offset + n, data_ + r->offset, room - n);
    std::memcpy(data_ + r->offset, e.data(), n);
  }

  void MutateField(const Layout& layout) {
    const Field& f = layout.fields[Below(static_cast<unsigned>(layout.fields.size()))];
    const std::uint64_t old = Load(data_ + f.offset, f);
    Store(data_ + f.offset, f, Interesting(layout, f, old), Below(8) != 0);
  }

  // Records move inside their container only: deleted (the rest shifts down, zeros
  // enter at the end), duplicated (the rest shifts up, the end falls off), swapped with
  // a neighbour, or replaced by another record of the same kind.
  void MutateRecords(const Layout& layout) {
    const Record& r = layout.records[Below(static_cast<unsigned>(layout.records.size()))];
    const std::size_t end = std::min(r.container_end, size_);
    if (r.offset + r.length > end) return;
    std::uint8_t* at = data_ + r.offset;
    switch (Below(4)) {
      case 0:
        std::memmove(at, at + r.length, end - r.offset - r.length);
        std::memset(data_ + end - r.length, 0, r.length);
        break;
      case 1:
        std::memmove(at + r.length, at, end - r.offset - r.length);
        break;
      case 2: {
        const std::size_t next = r.offset + r.length;
        if (next + r.length > end) return;
        std::swap_ranges(at, at + r.length, data_ + next);
        break;
      }
      default: {
        const Record& o = layout.records[Below(static_cast<unsigned>(layout.records.size()))];
        if (o.kind != r.kind || o.offset == r.offset) return;
        const std::size_t n = std::min({o.length, r.length, size_ - o.offset});
        std::memmove(at, data_ + o.offset, n);
        break;
      }
    }
  }

  // A byte mutation inside one descriptor, whose tag is recomputed afterwards.
  void MutateDescriptorBody(const Layout& layout) {
    const std::size_t off = layout.udf_tags[Below(static_cast<unsigned>(layout.udf_tags.size()))];
    const std::size_t start = off + sizeof(udf::Tag);
    const std::size_t block_end =
        std::min(size_, (off / layout.block_size + 1) * layout.block_size);
    if (start >= block_end) return;
    std::vector<std::uint8_t> body(data_ + start, data_ + block_end);
    const std::size_t n = bytes_(body.data(), body.size(), body.size());
    std::memcpy(data_ + start, body.data(), std::min(n, body.size()));
  }

  void Truncate(const Layout& layout) {
    const Record& r = layout.records[Below(static_cast<unsigned>(layout.records.size()))];
    const std::size_t cut = r.offset + Below(static_cast<unsigned>(r.length) + 1);
    if (cut >= 1 && cut < size_) size_ = cut;
  }

  std::uint8_t* data_;
  std::size_t size_;
  std::size_t max_size_;
  std::minstd_rand rng_;
  const ByteMutator& bytes_;
};

}  // namespace

Layout Parse(std::span<const std::uint8_t> data) { return Parser(data).Run(); }

void Refinish(std::span<std::uint8_t> data, const Layout& layout) {
  for (const std::size_t off : layout.udf_tags) {
    if (off + sizeof(udf::Tag) > data.size()) continue;
    const udf::Tag tag = udf::Tag::ParseZeroExtended(data.subspan(off));
    const std::size_t crc_length = tag.crc_length.get();
    if (off + sizeof(udf::Tag) + crc_length <= data.size()) {
      udf::FinishTag(data.subspan(off), tag.identifier.get(), tag.location.get(), crc_length,
                     tag.descriptor_version.get(), tag.serial_number.get());
    } else {
      data[off + offsetof(udf::Tag, checksum)] =
          udf::TagChecksum(std::span<const std::uint8_t, 16>(data.data() + off, 16));
    }
  }
  // El Torito 2.1: the 16-bit words of the validation entry sum to zero.
  for (const std::size_t off : layout.boot_catalogs) {
    if (off + 32 > data.size()) continue;
    std::uint16_t sum = 0;
    for (std::size_t i = 0; i < 32; i += 2) {
      if (i != 28) sum = static_cast<std::uint16_t>(sum + base::LoadLe16(data.data() + off + i));
    }
    base::StoreLe16(data.data() + off + 28, static_cast<std::uint16_t>(0x10000 - sum));
  }
}

std::size_t Mutate(std::uint8_t* data, std::size_t size, std::size_t max_size, unsigned seed,
                   const ByteMutator& bytes) {
  if (size == 0 || max_size == 0) return bytes(data, size, max_size);
  return Mutator(data, std::min(size, max_size), max_size, seed, bytes).Run();
}

std::size_t CrossOver(std::span<const std::uint8_t> data1, std::span<const std::uint8_t> data2,
                      std::uint8_t* out, std::size_t max_out, unsigned seed) {
  std::minstd_rand rng(seed);
  const std::size_t size = std::min(data1.size(), max_out);
  if (size == 0) return 0;
  std::memcpy(out, data1.data(), size);
  const Layout a = Parse(data1.first(size));
  const Layout b = Parse(data2);
  if (!a.records.empty() && !b.records.empty() && rng() % 4 != 0) {
    for (int tries = 0; tries < 16; ++tries) {
      const Record& r = a.records[rng() % a.records.size()];
      const Record& o = b.records[rng() % b.records.size()];
      if (r.kind != o.kind) continue;
      const std::size_t end = std::min(r.container_end, size);
      if (r.offset + r.length > end) continue;
      // The record of data2 takes the place of r, the rest of the container moves.
      const std::size_t n = std::min(o.length, end - r.offset);
      std::vector<std::uint8_t> rest(out + r.offset + r.length, out + end);
      std::memcpy(out + r.offset, data2.data() + o.offset, n);
      const std::size_t room = end - r.offset - n;
      if (!rest.empty()) std::memcpy(out + r.offset + n, rest.data(), std::min(room, rest.size()));
      if (room > rest.size()) std::memset(out + r.offset + n + rest.size(), 0, room - rest.size());
      if (r.kind == RecordKind::kUdfDescriptor || r.kind == RecordKind::kUdfFileIdentifier) {
        // The descriptor now lives where r was: its tag location says so (3/7.2.8).
        base::StoreLe32(out + r.offset + offsetof(udf::Tag, location),
                        base::LoadLe32(data1.data() + r.offset + offsetof(udf::Tag, location)));
      }
      Refinish(std::span(out, size), a);
      return size;
    }
  }
  // Leading blocks of the first, trailing blocks of the second.
  const std::size_t block = a.block_size;
  const std::size_t cut = block * (rng() % (size / block + 1));
  if (cut >= data2.size()) return size;
  const std::size_t total = std::min(max_out, std::max(cut + (data2.size() - cut), cut));
  std::memcpy(out + cut, data2.data() + cut, total - cut);
  const Layout c = Parse(std::span<const std::uint8_t>(out, total));
  Refinish(std::span(out, total), c);
  return total;
}

}  // namespace fuzz::mutator

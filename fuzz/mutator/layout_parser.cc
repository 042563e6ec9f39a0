// The structure-aware mutator's parser (structure_mutator.h Parse; specs/fuzzing.md):
// finds the fields, records, tags and catalogs of an input. Field offsets come
// from the shared codecs (fs/src/udf, fs/src/iso9660, fs/src/rockridge) through offsetof
// where a codec struct exists, and from the standards' BP numbers otherwise.
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstring>
#include <set>
#include <string_view>
#include <utility>

#include "base/bytes.h"
#include "fuzz/mutator/structure_mutator.h"
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

}  // namespace

Layout Parse(std::span<const std::uint8_t> data) { return Parser(data).Run(); }

}  // namespace fuzz::mutator

// UDF reader, file entries (ECMA-167 4/14.9, 4/14.17) and their allocation descriptors
// (short_ad, long_ad, ext_ad: 4/14.14; continued in allocation extent descriptors: 4/14.5;
// or data embedded in the entry: 4/14.6.8); see udf_walker.h.
#include <algorithm>

#include "reader/reader_util.h"
#include "udf/udf_file_format.h"
#include "udf/udf_format.h"
#include "udf/udf_walker.h"

namespace fs::reader {

UdfWalker::UdfWalker(const base::BlockDevice& device, const UdfVolume& volume,
                     const ReadOptions& options, ImageTree* out)
    : device_(device), volume_(volume), options_(options), out_(out), tree_(out->tree) {
  // Virtual blocks are translated one at a time; a hostile volume could make every file
  // name the whole table again. An honest one names each used entry about once.
  for (const UdfVolume::Map& m : volume_.maps) {
    if (m.kind == UdfVolume::MapKind::kVirtual) virtual_budget_ += 2 * m.vat.size() + 65536;
  }
}

std::string UdfWalker::Where(std::uint16_t ref, std::uint32_t lbn) const {
  auto off = volume_.BlockOffset(ref, lbn, "");
  if (off) return LbaWhere(*off / volume_.block_size);
  return "partition " + std::to_string(ref) + " block " + std::to_string(lbn);
}

base::Status UdfWalker::ReadWholeFile(std::uint16_t ref, std::uint32_t lbn, std::string_view what,
                                      std::uint64_t max_bytes, std::uint8_t* file_type,
                                      std::vector<std::uint8_t>* data) {
  UdfEntry e;
  RETURN_IF_ERROR(ReadEntry(ref, lbn, what, &e));
  *file_type = e.file_type;
  const std::string where = Where(ref, lbn) + ": " + std::string(what);
  if (e.info_length > max_bytes) {
    return base::CorruptImage(where, std::to_string(e.info_length) + " bytes (at most " +
                                         std::to_string(max_bytes) + " expected)");
  }
  std::vector<FileExtent> extents;
  RETURN_IF_ERROR(DataExtents(e, where, &extents));
  data->clear();
  data->reserve(e.info_length);
  for (const FileExtent& x : extents) {
    if (x.sparse) {
      data->insert(data->end(), x.length, 0);
      continue;
    }
    ASSIGN_OR_RETURN(std::span<const std::uint8_t> bytes,
                     Bytes(device_, x.location, x.length, where, &buffer_));
    data->insert(data->end(), bytes.begin(), bytes.end());
  }
  return base::Ok();
}

base::Status UdfWalker::ReadEntry(std::uint16_t ref, std::uint32_t lbn, std::string_view path,
                                  UdfEntry* e) {
  const std::string what = "UDF file entry of " + std::string(path);
  ASSIGN_OR_RETURN(std::uint64_t off, volume_.BlockOffset(ref, lbn, what));
  const std::uint32_t bs = volume_.block_size;
  ASSIGN_OR_RETURN(std::span<const std::uint8_t> fe, Bytes(device_, off, bs, what, &buffer_));
  const std::string where = LbaWhere(off / bs) + ": " + what;
  ASSIGN_OR_RETURN(std::uint16_t id, udf::CheckTag(fe, lbn, where, &out_->warnings));
  if (id != udf::kFileEntry && id != udf::kExtendedFileEntry) {
    return base::CorruptImage(where,
                              "tag identifier " + std::to_string(id) + ", expected a file entry");
  }
  ASSIGN_OR_RETURN(const udf::FileEntryFields f, udf::ParseFileEntryFields(fe, id));
  e->file_type = f.icb_tag.file_type;
  e->icb_flags = f.icb_tag.flags.get();
  e->uid = f.uid;
  e->gid = f.gid;
  e->permissions = f.permissions;
  e->links = f.file_link_count;
  e->info_length = f.information_length;
  e->unique_id = f.unique_id;
  e->mtime = DecodeUdfTime(udf::AsBytes(f.modification_date_and_time));
  const std::uint32_t l_ea = f.length_of_extended_attributes;
  const std::uint32_t l_ad = f.length_of_allocation_descriptors;
  if (std::uint64_t{f.header_length} + l_ea + l_ad > bs) {
    return base::CorruptImage(where, "extended attributes (" + std::to_string(l_ea) +
                                         ") and allocation "
                                         "descriptors (" +
                                         std::to_string(l_ad) + ") exceed the block");
  }
  const std::size_t ad_start = f.header_length + l_ea;
  FindDevice(fe.subspan(f.header_length, l_ea), e);
  e->allocations.clear();
  e->embedded = false;
  const unsigned ad_type = f.icb_tag.ad_type();
  if (ad_type == udf::kEmbedded) {  // ECMA-167 4/14.6.8: data embedded in the entry
    if (e->info_length > l_ad) {
      return base::CorruptImage(where, "embedded data of " + std::to_string(e->info_length) +
                                           " bytes in a " + std::to_string(l_ad) + "-byte area");
    }
    e->embedded = true;
    e->embedded_offset = off + ad_start;
    return base::Ok();
  }
  std::vector<std::uint8_t> area(fe.begin() + static_cast<std::ptrdiff_t>(ad_start),
                                 fe.begin() + static_cast<std::ptrdiff_t>(ad_start + l_ad));
  return ParseAllocations(area, ad_type, ref, where, e);
}

// ECMA-167 4/14.10: the extended attributes space opens with its header descriptor
// (4/14.10.1); the attributes of types under 2048 follow it, each giving its own length
// (4/14.10.2). A device specification (4/14.10.7, type 12 subtype 1) gives the device
// number; a malformed space is ignored, as the Linux kernel does.
void UdfWalker::FindDevice(std::span<const std::uint8_t> ea, UdfEntry* e) {
  e->has_device = false;
  e->device_major = e->device_minor = 0;
  constexpr std::size_t kHeader = sizeof(udf::ExtendedAttributeHeaderDescriptor);
  if (ea.size() < kHeader || base::LoadLe16(ea.data()) != udf::kExtendedAttributeHeaderDescriptor) {
    return;
  }
  std::size_t end = ea.size();
  if (const std::uint32_t impl = base::LoadLe32(ea.data() + 16); impl >= kHeader && impl < end) {
    end = impl;
  }
  for (std::size_t p = kHeader; p + sizeof(udf::DeviceSpecificationAttribute) <= end;) {
    const std::uint32_t type = base::LoadLe32(ea.data() + p);
    const std::uint32_t length = base::LoadLe32(ea.data() + p + 8);
    if (length < 12 || length > end - p) return;
    if (type == udf::kDeviceSpecificationType && ea[p + 4] == 1 &&
        length >= sizeof(udf::DeviceSpecificationAttribute)) {
      e->has_device = true;
      e->device_major = base::LoadLe32(ea.data() + p + 16);
      e->device_minor = base::LoadLe32(ea.data() + p + 20);
      return;
    }
    p += length;
  }
}

base::Status UdfWalker::ParseAllocations(std::vector<std::uint8_t> area, unsigned ad_type,
                                         std::uint16_t ref, const std::string& where, UdfEntry* e) {
  if (ad_type > udf::kExtAds)
    return base::CorruptImage(where, "allocation descriptor type " + std::to_string(ad_type));
  const std::size_t size = ad_type == udf::kShortAds  ? sizeof(udf::ShortAd)
                           : ad_type == udf::kLongAds ? sizeof(udf::LongAd)
                                                      : sizeof(udf::ExtAd);
  int continuations = 0;
  for (;;) {
    bool next = false;
    std::uint16_t next_ref = 0;
    std::uint32_t next_lbn = 0;
    const std::span<const std::uint8_t> ads(area);
    for (std::size_t p = 0; p + size <= area.size(); p += size) {
      std::uint32_t raw = 0;
      UdfAllocation a;
      if (ad_type == udf::kShortAds) {
        ASSIGN_OR_RETURN(const auto ad, udf::ShortAd::Parse(ads.subspan(p)));
        raw = ad.extent_length.get();
        a.lbn = ad.extent_position.get();
        a.ref = ref;
      } else if (ad_type == udf::kLongAds) {
        ASSIGN_OR_RETURN(const auto ad, udf::LongAd::Parse(ads.subspan(p)));
        raw = ad.extent_length.get();
        a.lbn = ad.extent_location.logical_block_number.get();
        a.ref = ad.extent_location.partition_reference_number.get();
      } else {
        ASSIGN_OR_RETURN(const auto ad, udf::ExtAd::Parse(ads.subspan(p)));
        raw = ad.extent_length.get();
        a.lbn = ad.extent_location.logical_block_number.get();
        a.ref = ad.extent_location.partition_reference_number.get();
      }
      a.length = udf::ExtentLength(raw);
      a.type = udf::ExtentKind(raw);
      if (a.length == 0 && a.type == udf::kRecorded) break;  // end of descriptors
      if (a.type == udf::kNextExtent) {
        next = true;
        next_ref = a.ref;
        next_lbn = a.lbn;
        break;
      }
      if (e->allocations.size() >= 1000000)
        return base::CorruptImage(where, "more than 10^6 extents");
      e->allocations.push_back(a);
    }
    if (!next) return base::Ok();
    if (++continuations > 4096)
      return base::CorruptImage(where, "allocation extent chain too long (loop?)");
    ASSIGN_OR_RETURN(std::uint64_t off, volume_.BlockOffset(next_ref, next_lbn, where));
    const std::uint32_t bs = volume_.block_size;
    std::vector<std::uint8_t> block(bs);
    RETURN_IF_ERROR(device_.Read(off, block));
    const std::string aed_where = LbaWhere(off / bs) + ": UDF allocation extent descriptor";
    ASSIGN_OR_RETURN(std::uint16_t id, udf::CheckTag(block, next_lbn, aed_where, &out_->warnings));
    if (id != udf::kAllocationExtentDescriptor) {
      return base::CorruptImage(aed_where,
                                "tag identifier " + std::to_string(id) + ", expected 258");
    }
    ASSIGN_OR_RETURN(const auto aed, udf::AllocationExtentDescriptor::Parse(block));
    const std::uint32_t l_ad = aed.length_of_allocation_descriptors.get();
    constexpr std::size_t kHeader = sizeof(udf::AllocationExtentDescriptor);
    if (l_ad > bs - kHeader)
      return base::CorruptImage(aed_where, "allocation descriptors exceed the block");
    area.assign(block.begin() + kHeader,
                block.begin() + static_cast<std::ptrdiff_t>(kHeader + l_ad));
  }
}

base::Status UdfWalker::DataExtents(const UdfEntry& e, const std::string& where,
                                    std::vector<FileExtent>* out) {
  out->clear();
  if (e.embedded) {
    out->push_back({e.embedded_offset, e.info_length, false});
    return base::Ok();
  }
  std::uint64_t remaining = e.info_length;
  pieces_.clear();
  for (const UdfAllocation& a : e.allocations) {
    if (remaining == 0) break;
    const std::uint64_t n = std::min<std::uint64_t>(a.length, remaining);
    if (a.type != udf::kRecorded) {
      out->push_back({0, n, true});
    } else {
      pieces_.clear();
      if (a.ref < volume_.maps.size() && volume_.maps[a.ref].kind == UdfVolume::MapKind::kVirtual) {
        const std::uint64_t blocks = (n + volume_.block_size - 1) / volume_.block_size;
        if (blocks > virtual_budget_) {
          return base::CorruptImage(where,
                                    "file data names more virtual blocks than twice the "
                                    "virtual allocation table's entries");
        }
        virtual_budget_ -= blocks;
      }
      RETURN_IF_ERROR(volume_.Pieces(a.ref, a.lbn, n, where, &pieces_));
      for (const PhysicalPiece& piece : pieces_) {
        if (!out->empty() && !out->back().sparse &&
            out->back().location + out->back().length == piece.offset) {
          out->back().length += piece.length;
        } else {
          out->push_back({piece.offset, piece.length, false});
        }
      }
    }
    remaining -= n;
  }
  if (remaining > 0) {
    // The information length claims more than the descriptors record: the file is what is
    // on the disc, never a zero fill as long as the claim (which can be 2^64 - 1).
    out_->warnings.push_back(where + ": information length of " + std::to_string(e.info_length) +
                             " bytes exceeds the " + std::to_string(e.info_length - remaining) +
                             " bytes its allocation descriptors cover; cut to those");
  }
  return base::Ok();
}

}  // namespace fs::reader

// The UDF writer's file structures (ECMA-167 3rd edition part 4, OSTA UDF 1.02-2.60; the
// layout is in specs/udf.md): the file set descriptor, every file entry or extended file
// entry with its allocation descriptors (and allocation extent descriptors), the file
// identifier descriptors of every directory, and the metadata file's entries. Every
// descriptor is built from the codec's structs (udf_file_format.h) and its tag finished by
// FinishTag.
#include <algorithm>
#include <cstring>
#include <functional>

#include "base/civil_time.h"
#include "base/error.h"
#include "udf/udf_file_format.h"
#include "udf/udf_format.h"
#include "udf/udf_names.h"
#include "udf/udf_plan.h"
#include "udf/udf_write_util.h"

namespace fs::udf {

using plan::ImagePlan;

// udf_write_util.h
udf::Timestamp UdfTime(const fs::Timestamp& t) {
  std::int64_t days = t.seconds / 86400;
  std::int64_t rem = t.seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  base::CivilDate date = base::CivilFromDays(days);
  udf::Timestamp out = Zeroed<udf::Timestamp>();
  out.type_and_timezone.set(0x1000);
  if (date.year < 1 || date.year > 9999) {  // 1/7.3.2: a year the field holds
    date = date.year < 1 ? base::CivilDate{1, 1, 1} : base::CivilDate{9999, 12, 31};
    rem = date.year == 1 ? 0 : 86399;
  }
  out.year.set(static_cast<std::uint16_t>(date.year));
  out.month = static_cast<std::uint8_t>(date.month);
  out.day = static_cast<std::uint8_t>(date.day);
  out.hour = static_cast<std::uint8_t>(rem / 3600);
  out.minute = static_cast<std::uint8_t>(rem / 60 % 60);
  out.second = static_cast<std::uint8_t>(rem % 60);
  out.centiseconds = static_cast<std::uint8_t>(t.nanoseconds / 10000000u);
  out.hundreds_of_microseconds = static_cast<std::uint8_t>(t.nanoseconds / 100000u % 100);
  out.microseconds = static_cast<std::uint8_t>(t.nanoseconds / 1000u % 100);
  return out;
}

namespace {

// ECMA-167 4/14.9.5: execute 1, write 2, read 4, change attributes 8, delete 16 for other
// (bits 0-4), group (5-9) and owner (10-14); write permission brings change attributes
// and delete along, as POSIX lets the writer of a file do both (UDF 3.3.3.4).
std::uint32_t Permissions(std::uint32_t mode) {
  std::uint32_t out = 0;
  for (int who = 0; who < 3; ++who) {
    const std::uint32_t bits = (mode >> (3 * who)) & 7;
    std::uint32_t p = bits;
    if (bits & 2) p |= 8 | 16;
    out |= p << (5 * who);
  }
  return out;
}

// ECMA-167 4/14.6.8: setuid, setgid and sticky.
std::uint16_t ModeFlags(std::uint32_t mode) {
  std::uint16_t f = 0;
  if (mode & 04000) f |= kIcbFlagSetuid;
  if (mode & 02000) f |= kIcbFlagSetgid;
  if (mode & 01000) f |= kIcbFlagSticky;
  return f;
}

void AppendShortAd(std::vector<std::uint8_t>* out, std::uint32_t length, std::uint32_t type,
                   std::uint32_t position) {
  ShortAd ad = Zeroed<ShortAd>();
  ad.extent_length.set(PackExtentLength(length, type));
  ad.extent_position.set(position);
  base::ByteWriter w(out);
  ad.EncodeTo(w);
}

void AppendLongAd(std::vector<std::uint8_t>* out, std::uint32_t length, std::uint32_t type,
                  std::uint32_t lbn, std::uint16_t ref) {
  base::ByteWriter w(out);
  LongAd::Make(PackExtentLength(length, type), lbn, ref).EncodeTo(w);
}

using BlockStreamFn = std::function<std::span<std::uint8_t>()>;

// The fields every ICB this writer records shares, for a file entry (4/14.9) or an
// extended one (4/14.17).
struct EntryFields {
  std::uint8_t file_type = kFileTypeBytes;
  std::uint16_t flags = 0;  // AD type and mode flags
  std::uint32_t uid = 0, gid = 0, permissions = 0;
  std::uint16_t links = 1;
  std::uint64_t information_length = 0;
  std::uint64_t blocks_recorded = 0;
  fs::Timestamp time;
  std::uint64_t unique_id = 0;
};

// Encodes an ICB at `location` (its partition's block) into `block`: the entry, then
// `ea` (its extended attributes space), then `tail` (allocation descriptors or embedded
// data).
void EncodeEntry(const UdfPlanner& u, const EntryFields& f, std::span<const std::uint8_t> ea,
                 std::span<const std::uint8_t> tail, std::uint32_t location,
                 std::span<std::uint8_t> block) {
  auto fill = [&](auto& e) {
    e.icb_tag.strategy_type.set(4);  // 4/14.6.2: strategy 4, one direct entry
    e.icb_tag.maximum_number_of_entries.set(1);
    e.icb_tag.file_type = f.file_type;
    e.icb_tag.flags.set(f.flags);
    e.uid.set(f.uid);
    e.gid.set(f.gid);
    e.permissions.set(f.permissions);
    e.file_link_count.set(f.links);
    e.information_length.set(f.information_length);
    e.logical_blocks_recorded.set(f.blocks_recorded);
    e.access_date_and_time = UdfTime(f.time);
    e.modification_date_and_time = UdfTime(f.time);
    e.attribute_date_and_time = UdfTime(f.time);
    e.checkpoint.set(1);
    e.implementation_identifier = ImplementationId();
    e.unique_id.set(f.unique_id);
    e.length_of_extended_attributes.set(static_cast<std::uint32_t>(ea.size()));
    e.length_of_allocation_descriptors.set(static_cast<std::uint32_t>(tail.size()));
    CHECK(sizeof e + ea.size() + tail.size() <= block.size());
    Put(block, 0, e);
    if (!ea.empty()) std::memcpy(block.data() + sizeof e, ea.data(), ea.size());
    if (!tail.empty()) {
      std::memcpy(block.data() + sizeof e + ea.size(), tail.data(), tail.size());
    }
    Finish(u, block, u.revision().extended_entries ? kExtendedFileEntry : kFileEntry, location,
           sizeof e + ea.size() + tail.size());
  };
  if (u.revision().extended_entries) {
    ExtendedFileEntry e = Zeroed<ExtendedFileEntry>();
    e.object_size.set(f.information_length);  // 4/14.17.11: no streams
    e.creation_date_and_time = UdfTime(f.time);
    fill(e);
  } else {
    FileEntry e = Zeroed<FileEntry>();
    fill(e);
  }
}

// Appends one allocation descriptor of file data (the physical partition, reference 0).
void AppendDataAd(const UdfPlanner& u, std::uint32_t length, std::uint32_t type,
                  std::uint32_t block, std::vector<std::uint8_t>* ads) {
  if (u.revision().metadata_partition) {
    AppendLongAd(ads, length, type, block, 0);
  } else {
    AppendShortAd(ads, length, type, block);
  }
}

// Appends the allocation descriptors of `size` bytes of extent type `type` (4/14.14.1.1)
// starting at partition block `block` (0 for type 2, which has no location), each under
// 2^30 bytes.
void AppendExtents(const UdfPlanner& u, std::uint64_t size, std::uint32_t type, std::uint32_t block,
                   std::vector<std::uint8_t>* ads) {
  for (std::uint64_t done = 0; done < size;) {
    const auto length =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(size - done, MaxExtentBytes()));
    const auto at = type == kNotAllocated ? 0u : static_cast<std::uint32_t>(block + done / kBs);
    AppendDataAd(u, length, type, at, ads);
    done += length;
  }
}

// All the allocation descriptors of file `file` whose data is not embedded, and the
// blocks they record (4/14.9.11): zeros only UDF shows are unallocated (type 2); a host
// file with holes records its data pieces (type 0) and its holes as allocated but not
// recorded (type 1: ISO 9660 shares the blocks, which hold zeros); anything else is
// recorded where the neutral plan placed it.
std::uint64_t FileAds(const ImagePlan& plan, const UdfPlanner& u, NodeId file,
                      std::vector<std::uint8_t>* ads) {
  const Content& c = plan.tree().content(file);
  const std::uint32_t extent = plan.nodes[file].extent;
  ads->clear();
  if (extent == plan::kNoExtent) {
    CHECK(c.kind == ContentKind::kZeros);
    AppendExtents(u, c.size, kNotAllocated, 0, ads);
    return 0;
  }
  if (c.size == 0) return 0;
  const std::uint64_t lba = plan.extents[extent].lba;
  CHECK(lba >= u.partition_start() && lba < u.partition_end());
  const auto block = static_cast<std::uint32_t>(lba - u.partition_start());
  const std::vector<UdfPlanner::Piece>* pieces = u.pieces(file);
  if (!pieces) {
    AppendExtents(u, c.size, kRecorded, block, ads);
    return (c.size + kBs - 1) / kBs;
  }
  std::uint64_t recorded = 0;
  for (const UdfPlanner::Piece& p : *pieces) {
    AppendExtents(u, p.length, p.recorded ? kRecorded : kAllocatedNotRecorded,
                  static_cast<std::uint32_t>(block + p.offset / kBs), ads);
    if (p.recorded) recorded += (p.length + kBs - 1) / kBs;
  }
  return recorded;
}

// The next-extent descriptor (4/14.14.1.1 type 3) to the allocation extent descriptor at
// block `aed` of the file structure partition, a block long (UDF 2.3.11).
void AppendNextExtent(const UdfPlanner& u, std::uint32_t aed, std::vector<std::uint8_t>* out) {
  if (u.revision().metadata_partition) {
    AppendLongAd(out, kBs, kNextExtent, aed, u.structure_partition());
  } else {
    AppendShortAd(out, kBs, kNextExtent, aed);
  }
}

// The allocation extent descriptors of ICB `icb` (4/14.5, UDF 2.3.11), whose descriptors
// `ads` continue past the ICB: each a block at first_aed + i, holding what the ICB and
// the earlier ones do not and, but for the last, a next-extent descriptor to the next.
void WriteAllocationExtents(const UdfPlanner& u, const UdfPlanner::Icb& icb,
                            std::span<const std::uint8_t> ads, BlockStreamFn next_block) {
  const std::size_t size = u.ad_size();
  std::size_t at = (u.ads_in_icb() - 1) * size;
  std::vector<std::uint8_t> body;
  for (std::uint32_t i = 0; i < icb.aeds; ++i) {
    const bool last = i + 1 == icb.aeds;
    const std::size_t take = last ? ads.size() - at : (u.ads_in_aed() - 1) * size;
    CHECK(at + take <= ads.size() && take <= u.ads_in_aed() * size);
    body.assign(ads.begin() + static_cast<std::ptrdiff_t>(at),
                ads.begin() + static_cast<std::ptrdiff_t>(at + take));
    at += take;
    if (!last) AppendNextExtent(u, icb.first_aed + i + 1, &body);
    AllocationExtentDescriptor aed = Zeroed<AllocationExtentDescriptor>();
    aed.length_of_allocation_descriptors.set(static_cast<std::uint32_t>(body.size()));
    std::span<std::uint8_t> block = next_block();
    Put(block, 0, aed);
    std::memcpy(block.data() + sizeof aed, body.data(), body.size());
    Finish(u, block, kAllocationExtentDescriptor, icb.first_aed + i, sizeof aed + body.size());
  }
  CHECK(at == ads.size());
}

// ECMA-167 4/14.10.1 and 4/14.10.7 with UDF 3.3.4.1 and 3.3.4.4: the extended attributes
// space of a device's file entry at `location`: the header (no implementation or
// application use attributes, so both locations are L_EA) and the device specification.
void AppendDeviceAttributes(const UdfPlanner& u, std::uint32_t major, std::uint32_t minor,
                            std::uint32_t location, std::vector<std::uint8_t>* ea) {
  constexpr std::uint32_t kLength =
      sizeof(ExtendedAttributeHeaderDescriptor) + sizeof(DeviceSpecificationAttribute);
  ExtendedAttributeHeaderDescriptor header = Zeroed<ExtendedAttributeHeaderDescriptor>();
  header.implementation_attributes_location.set(kLength);
  header.application_attributes_location.set(kLength);
  DeviceSpecificationAttribute device = Zeroed<DeviceSpecificationAttribute>();
  device.attribute_type.set(kDeviceSpecificationType);
  device.attribute_subtype = 1;
  device.attribute_length.set(sizeof device);
  device.major_device_identification.set(major);
  device.minor_device_identification.set(minor);
  ea->assign(kLength, 0);
  std::span<std::uint8_t> bytes(*ea);
  Put(bytes, 0, header);
  Put(bytes, sizeof header, device);
  Finish(u, bytes, kExtendedAttributeHeaderDescriptor, location, sizeof header);
}

// ECMA-167 4/14.6.6: the file type of a device, FIFO or socket.
std::uint8_t SpecialFileType(NodeType type) {
  switch (type) {
    case NodeType::kCharDevice:
      return kFileTypeCharacterDevice;
    case NodeType::kBlockDevice:
      return kFileTypeBlockDevice;
    case NodeType::kFifo:
      return kFileTypeFifo;
    default:
      return kFileTypeSocket;
  }
}

// The ICB of entry `index` of the plan.
void EncodeIcb(const ImagePlan& plan, const UdfPlanner& u, std::uint32_t index,
               std::vector<std::uint8_t>* ea, std::vector<std::uint8_t>* tail,
               std::span<std::uint8_t> block) {
  const Tree& tree = plan.tree();
  const UdfPlanner::Icb& icb = u.icbs()[index];
  const Node& n = tree.node(icb.node);
  EntryFields f;
  f.uid = n.uid;
  f.gid = n.gid;
  f.permissions = Permissions(n.mode);
  f.links = icb.links;
  f.time = n.mtime;
  f.unique_id = icb.unique_id;
  const std::uint16_t ad_type = u.revision().metadata_partition ? kLongAds : kShortAds;
  tail->clear();
  ea->clear();
  if (IsSpecial(n.type)) {
    // No data: an information length of 0 and no allocation descriptors (4/14.9.20).
    f.file_type = SpecialFileType(n.type);
    f.flags = ad_type;
    if (IsDevice(n.type)) {
      AppendDeviceAttributes(u, tree.device_major(icb.node), tree.device_minor(icb.node),
                             u.icb_block(index), ea);
    }
  } else if (n.type == NodeType::kDirectory) {
    const UdfPlanner::Directory& d = u.directories()[icb.directory];
    f.file_type = kFileTypeDirectory;
    // The FIDs lie in the ICB's own partition, which a short_ad names (4/14.14.1).
    f.flags = kShortAds;
    f.information_length = d.bytes;
    f.blocks_recorded = (d.bytes + kBs - 1) / kBs;
    AppendShortAd(tail, static_cast<std::uint32_t>(d.bytes), kRecorded, d.block);
  } else if (n.type == NodeType::kSymlink) {
    f.file_type = kFileTypeSymlink;
    f.flags = kEmbedded;
    const bool ok = EncodePathComponents(tree.symlink_target(icb.node), tail);
    CHECK(ok);  // Accepts
    f.information_length = tail->size();
  } else {
    const Content& c = tree.content(icb.node);
    const std::uint32_t extent = plan.nodes[icb.node].extent;
    f.information_length = c.size;
    f.flags = ad_type;
    if (extent == plan::kNoExtent && c.kind == ContentKind::kInline) {
      f.flags = kEmbedded;  // 4/14.6.8: the data in the ICB
      const std::string_view bytes = tree.inline_bytes(c);
      tail->assign(bytes.begin(), bytes.end());
    } else {
      f.blocks_recorded = FileAds(plan, u, icb.node, tail) + icb.aeds;
      if (icb.aeds > 0) {
        // 4/14.5: all but the ICB's last slot here, then the way to the first AED.
        tail->resize((u.ads_in_icb() - 1) * u.ad_size());
        AppendNextExtent(u, icb.first_aed, tail);
      }
    }
  }
  f.flags = static_cast<std::uint16_t>(f.flags | ModeFlags(n.mode));
  EncodeEntry(u, f, *ea, *tail, u.icb_block(index), block);
}

// ECMA-167 4/14.4 with UDF 2.3.4: a FID whose ICB long_ad carries the UDF unique ID in its
// implementation use (UDF 2.3.4.3, ADImpUse: flags, then the ID's low 32 bits).
void AppendFid(const UdfPlanner& u, std::uint8_t characteristics, std::string_view cs0,
               std::uint32_t icb, std::uint32_t tag_location, std::vector<std::uint8_t>* out) {
  FileIdentifierDescriptor fid = Zeroed<FileIdentifierDescriptor>();
  fid.file_version_number.set(1);
  fid.file_characteristics = characteristics;
  fid.length_of_file_identifier = static_cast<std::uint8_t>(cs0.size());
  fid.icb = LongAd::Make(kBs, u.icb_block(icb), u.structure_partition());
  base::StoreLe32(fid.icb.implementation_use.b + 2,
                  static_cast<std::uint32_t>(u.icbs()[icb].unique_id));
  const std::size_t start = out->size();
  const std::size_t length = fid.PaddedLength();
  out->resize(start + length, 0);
  std::span<std::uint8_t> d(out->data() + start, length);
  Put(d, 0, fid);
  if (!cs0.empty()) std::memcpy(d.data() + sizeof fid, cs0.data(), cs0.size());  // parent: none
  Finish(u, d, kFileIdentifierDescriptor, tag_location, length);
}

}  // namespace

// udf_write_util.h: the file structure space.
void WriteFileStructures(const ImagePlan& plan, const UdfPlanner& u, BlockStream& out) {
  const VolumeInfo& v = plan.spec.volume;
  const std::string label = v.label.empty() ? v.id : v.label;
  FileSetDescriptor fsd = Zeroed<FileSetDescriptor>();
  fsd.recording_date_and_time = UdfTime(v.timestamp);
  fsd.interchange_level.set(3);  // UDF 2.3.2.1
  fsd.maximum_interchange_level.set(3);
  fsd.character_set_list.set(1);  // UDF 2.3.2.2: CS0 only
  fsd.maximum_character_set_list.set(1);
  fsd.logical_volume_identifier_character_set = Charspec::OstaCompressedUnicode();
  fsd.logical_volume_identifier = DstringField<128>(label);
  fsd.file_set_character_set = Charspec::OstaCompressedUnicode();
  fsd.file_set_identifier = DstringField<32>(label);
  fsd.root_directory_icb = LongAd::Make(kBs, u.icb_block(0), u.structure_partition());
  fsd.domain_identifier = DomainId(u.revision().bcd);
  std::span<std::uint8_t> block = out.NextBlock();
  Put(block, 0, fsd);
  Finish(u, block, kFileSetDescriptor, UdfPlanner::kFsdBlock, sizeof fsd);
  block = out.NextBlock();
  Put(block, 0, Zeroed<TerminatingDescriptor>());
  Finish(u, block, kTerminatingDescriptor, UdfPlanner::kFsdBlock + 1,
         sizeof(TerminatingDescriptor));

  std::vector<std::uint8_t> ea, tail;
  for (std::uint32_t i = 0; i < u.icbs().size(); ++i) {
    EncodeIcb(plan, u, i, &ea, &tail, out.NextBlock());
  }
  std::vector<std::uint8_t> fids;
  for (const UdfPlanner::Directory& d : u.directories()) {
    fids.clear();
    auto location = [&] { return d.block + static_cast<std::uint32_t>(fids.size() / kBs); };
    // UDF 2.3.4: the parent FID first (the root's names the root).
    const NodeId parent = d.node == kRootNode ? kRootNode : plan.tree().node(d.node).parent;
    AppendFid(u, kFidDirectory | kFidParent, {}, u.icb_of(parent), location(), &fids);
    for (NodeId c : u.children(d)) {
      const bool dir = plan.tree().node(c).type == NodeType::kDirectory;
      AppendFid(u, dir ? kFidDirectory : 0, u.cs0_name(c), u.icb_of(c), location(), &fids);
    }
    CHECK(fids.size() == d.bytes);
    out.Bytes(fids);
  }
  for (const UdfPlanner::Icb& icb : u.icbs()) {
    if (icb.aeds == 0) continue;
    FileAds(plan, u, icb.node, &tail);
    WriteAllocationExtents(u, icb, tail, [&] { return out.NextBlock(); });
  }
}

// udf_write_util.h: UDF 2.2.13.
void EncodeMetadataEntry(const ImagePlan& plan, const UdfPlanner& u, std::uint8_t file_type,
                         std::uint32_t location, std::uint32_t extent,
                         std::span<std::uint8_t> block) {
  EntryFields f;
  f.file_type = file_type;
  f.flags = kShortAds;
  f.information_length = std::uint64_t{u.metadata_blocks()} * kBs;
  f.blocks_recorded = u.metadata_blocks();
  f.time = plan.spec.volume.timestamp;
  std::vector<std::uint8_t> ads;
  AppendShortAd(&ads, u.metadata_blocks() * kBs, kRecorded, extent);
  EncodeEntry(u, f, {}, ads, location, block);
}

}  // namespace fs::udf

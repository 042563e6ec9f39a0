// The UDF writer's sections (ECMA-167 3rd edition parts 2-4, OSTA UDF 1.02-2.60; the
// layout is in specs/udf.md): the volume recognition sequence, the anchor volume
// descriptor pointers, the main and reserve volume descriptor sequences, the logical
// volume integrity sequence, the file structures (with, from 2.50 on, the metadata file's
// entry, and its mirror at the end of the partition). Every descriptor is built from the
// codec's structs (udf_format.h, udf_file_format.h) and its tag finished by FinishTag.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>

#include "base/civil_time.h"
#include "base/error.h"
#include "udf/udf_file_format.h"
#include "udf/udf_format.h"
#include "udf/udf_names.h"
#include "udf/udf_plan.h"

namespace fs::udf {

std::uint32_t MaxExtentBytes();  // udf_planner.cc

namespace {

using plan::EmitContext;
using plan::ImagePlan;
using plan::Region;
using plan::Section;

constexpr std::uint32_t kBs = base::kBlockSize;
constexpr std::uint16_t kSerialNumber = 1;      // ECMA-167 3/7.2.5: one value for the volume
constexpr std::uint32_t kVdsBlocks = 16;        // UDF 2.2.3.1: each sequence 16 blocks at least
constexpr std::uint64_t kAnchorBlock = 256;     // ECMA-167 3/8.4.2.1
constexpr std::uint8_t kOsClassUnix = 4;        // UDF 2.60 6.3: OS class UNIX
constexpr std::uint8_t kOsIdentifierLinux = 5;  // OS identifier Linux

// UDF 2.1.5.3: an implementation identifier, its suffix the OS class and identifier.
Regid ImplementationId() {
  Regid r = Regid::Make("*mkimg");
  r.identifier_suffix.b[0] = kOsClassUnix;
  r.identifier_suffix.b[1] = kOsIdentifierLinux;
  return r;
}

// UDF 2.1.5.3: a UDF identifier ("*UDF LV Info", "*UDF Metadata Partition"), its suffix
// the revision, OS class and identifier.
Regid UdfId(std::string_view id, std::uint16_t revision) {
  Regid r = Regid::Make(id, revision);
  r.identifier_suffix.b[2] = kOsClassUnix;
  r.identifier_suffix.b[3] = kOsIdentifierLinux;
  return r;
}

// UDF 2.1.5.2: the domain identifier; its suffix the revision and no write-protect flags.
Regid DomainId(std::uint16_t revision) { return Regid::Make("*OSTA UDF Compliant", revision); }

// ECMA-167 1/7.3 with UDF 2.1.4.1: type 1 (local time), the offset from UTC in minutes
// (0: the manifest's times are UTC).
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

std::uint16_t TagVersion(const UdfPlanner& u) { return u.revision().nsr03 ? 3 : 2; }

void Finish(const UdfPlanner& u, std::span<std::uint8_t> d, std::uint16_t id,
            std::uint32_t location, std::size_t length) {
  FinishTag(d.first(length), id, location, length - sizeof(Tag), TagVersion(u), kSerialNumber);
}

template <typename T>
void Put(std::span<std::uint8_t> block, std::size_t at, const T& value) {
  CHECK(at + sizeof value <= block.size());
  std::memcpy(block.data() + at, &value, sizeof value);
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

// Buffers whole blocks and hands them to the sink in large writes.
class BlockStream {
 public:
  explicit BlockStream(base::BlockSink& sink) : sink_(sink) {}
  std::span<std::uint8_t> NextBlock() {
    if (buffer_.size() >= kChunk) Flush();
    buffer_.resize(buffer_.size() + kBs, 0);
    return std::span<std::uint8_t>(buffer_.data() + buffer_.size() - kBs, kBs);
  }
  void Bytes(std::span<const std::uint8_t> bytes) {
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
    buffer_.resize((buffer_.size() + kBs - 1) / kBs * kBs, 0);
    if (buffer_.size() >= kChunk) Flush();
  }
  void Zeros(std::uint64_t blocks) {
    Flush();
    if (status_ && blocks > 0) status_ = sink_.WriteZeros(blocks * kBs);
  }
  base::Status Finish() {
    Flush();
    return status_;
  }

 private:
  static constexpr std::size_t kChunk = 1 << 20;
  void Flush() {
    if (status_ && !buffer_.empty()) status_ = sink_.Write(buffer_);
    buffer_.clear();
  }
  base::BlockSink& sink_;
  std::vector<std::uint8_t> buffer_;
  base::Status status_;
};

// The file structure space (udf_plan.h): the FSD (4/14.1) and its terminating descriptor
// (4/14.2), every ICB, every directory's FIDs; file_structure_blocks() blocks.
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

class VolumeRecognitionSection final : public Section {
 public:
  explicit VolumeRecognitionSection(const UdfPlanner& u)
      : Section("udf volume recognition sequence", Region::kVolumeRecognition), u_(u) {}
  base::Status Write(const ImagePlan&, EmitContext& context) const override {
    // ECMA-167 2/9.1, 2/8.3: BEA01, NSR02 (2nd edition structures, UDF 1.02 and 1.50) or
    // NSR03 (3rd edition, 2.00 and later), TEA01.
    std::vector<std::uint8_t> bytes;
    base::ByteWriter w(&bytes);
    for (std::string_view id :
         {std::string_view("BEA01"), std::string_view(u_.revision().nsr03 ? "NSR03" : "NSR02"),
          std::string_view("TEA01")}) {
      VolumeStructureDescriptor::Make(id).EncodeTo(w);
    }
    return context.sink().Write(bytes);
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImagePlan&, std::uint64_t) override { return 3; }

 private:
  const UdfPlanner& u_;
};

class AnchorSection final : public Section {
 public:
  AnchorSection(const UdfPlanner& u, std::string name)
      : Section(std::move(name), Region::kTrailer), u_(u) {}
  base::Status Write(const ImagePlan&, EmitContext& context) const override {
    // ECMA-167 3/10.2, UDF 2.2.3: the extents of both sequences.
    AnchorVolumeDescriptorPointer a = Zeroed<AnchorVolumeDescriptorPointer>();
    a.main_vds.length.set(kVdsBlocks * kBs);
    a.main_vds.location.set(static_cast<std::uint32_t>(u_.main_vds->lba()));
    a.reserve_vds.length.set(kVdsBlocks * kBs);
    a.reserve_vds.location.set(static_cast<std::uint32_t>(u_.reserve_vds->lba()));
    std::vector<std::uint8_t> block(kBs, 0);
    Put(std::span<std::uint8_t>(block), 0, a);
    Finish(u_, block, kAnchorVolumeDescriptorPointer, static_cast<std::uint32_t>(lba()), sizeof a);
    return context.sink().Write(block);
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImagePlan&, std::uint64_t) override { return 1; }

 private:
  const UdfPlanner& u_;
};

// ECMA-167 3/8.4.2: PVD, IUVD, PD, LVD, USD, TD, then zeros to 16 blocks.
class VolumeDescriptorSequenceSection final : public Section {
 public:
  VolumeDescriptorSequenceSection(const UdfPlanner& u, std::string name, Region region)
      : Section(std::move(name), region), u_(u) {}
  base::Status Write(const ImagePlan& plan, EmitContext& context) const override {
    std::vector<std::uint8_t> bytes(kVdsBlocks * kBs, 0);
    auto block = [&](std::uint32_t i) {
      return std::span<std::uint8_t>(bytes.data() + std::size_t{i} * kBs, kBs);
    };
    auto at = [&](std::uint32_t i) { return static_cast<std::uint32_t>(lba()) + i; };
    const VolumeInfo& v = plan.spec.volume;
    const std::string label = v.label.empty() ? v.id : v.label;
    const std::uint16_t rev = u_.revision().bcd;

    PrimaryVolumeDescriptor pvd = Zeroed<PrimaryVolumeDescriptor>();  // 3/10.1, UDF 2.2.2
    pvd.volume_descriptor_sequence_number.set(1);
    pvd.volume_identifier = DstringField<32>(label);
    pvd.volume_sequence_number.set(1);
    pvd.maximum_volume_sequence_number.set(1);
    pvd.interchange_level.set(2);  // UDF 2.2.2.1: one volume in the set
    pvd.maximum_interchange_level.set(2);
    pvd.character_set_list.set(1);
    pvd.maximum_character_set_list.set(1);
    // UDF 2.2.2.5: 16 hexadecimal digits unique to this volume (from its timestamp, so
    // that the same manifest gives the same bytes), then the volume set's name.
    char unique[17];
    std::snprintf(unique, sizeof unique, "%08X%08X",
                  static_cast<std::uint32_t>(static_cast<std::uint64_t>(v.timestamp.seconds)),
                  v.timestamp.nanoseconds);
    pvd.volume_set_identifier =
        DstringField<128>(std::string(unique) + (v.volume_set.empty() ? label : v.volume_set));
    pvd.descriptor_character_set = Charspec::OstaCompressedUnicode();
    pvd.explanatory_character_set = Charspec::OstaCompressedUnicode();
    pvd.application_identifier = Regid::Make(v.application);
    pvd.recording_date_and_time = UdfTime(v.timestamp);
    pvd.implementation_identifier = ImplementationId();
    Put(block(0), 0, pvd);
    Finish(u_, block(0), kPrimaryVolumeDescriptor, at(0), sizeof pvd);

    // 3/10.4, UDF 2.2.7: "*UDF LV Info".
    ImplementationUseVolumeDescriptor iuvd = Zeroed<ImplementationUseVolumeDescriptor>();
    iuvd.volume_descriptor_sequence_number.set(2);
    iuvd.implementation_identifier = UdfId("*UDF LV Info", rev);
    iuvd.implementation_use.lvi_charset = Charspec::OstaCompressedUnicode();
    iuvd.implementation_use.logical_volume_identifier = DstringField<128>(label);
    iuvd.implementation_use.lv_info1 = DstringField<36>(v.publisher);
    iuvd.implementation_use.lv_info2 = DstringField<36>(v.preparer);
    iuvd.implementation_use.implementation_id = ImplementationId();
    Put(block(1), 0, iuvd);
    Finish(u_, block(1), kImplementationUseVolumeDescriptor, at(1), sizeof iuvd);

    // 3/10.5, UDF 2.2.14: partition 0, read-only (access type 1), no space bitmap.
    PartitionDescriptor pd = Zeroed<PartitionDescriptor>();
    pd.volume_descriptor_sequence_number.set(3);
    pd.partition_flags.set(1);
    pd.partition_number.set(0);
    pd.partition_contents = Regid::Make(u_.revision().nsr03 ? "+NSR03" : "+NSR02");
    pd.access_type.set(1);
    pd.partition_starting_location.set(static_cast<std::uint32_t>(u_.partition_start()));
    pd.partition_length.set(static_cast<std::uint32_t>(u_.partition_end() - u_.partition_start()));
    pd.implementation_identifier = ImplementationId();
    Put(block(2), 0, pd);
    Finish(u_, block(2), kPartitionDescriptor, at(2), sizeof pd);

    // 3/10.6, UDF 2.2.4: the logical volume, its type 1 map (3/10.7.2) and from 2.50 on
    // the metadata partition map (UDF 2.2.10).
    LogicalVolumeDescriptor lvd = Zeroed<LogicalVolumeDescriptor>();
    lvd.volume_descriptor_sequence_number.set(4);
    lvd.descriptor_character_set = Charspec::OstaCompressedUnicode();
    lvd.logical_volume_identifier = DstringField<128>(label);
    lvd.logical_block_size.set(kBs);
    lvd.domain_identifier = DomainId(rev);
    lvd.file_set_descriptor_location =
        LongAd::Make(kBs, UdfPlanner::kFsdBlock, u_.structure_partition());
    lvd.implementation_identifier = ImplementationId();
    lvd.integrity_sequence_extent.length.set(2 * kBs);
    lvd.integrity_sequence_extent.location.set(static_cast<std::uint32_t>(u_.integrity->lba()));
    std::vector<std::uint8_t> maps = Encode(Type1PartitionMap::Make(0));
    if (u_.revision().metadata_partition) {
      MetadataPartitionMap m = Zeroed<MetadataPartitionMap>();
      m.partition_map_type = 2;
      m.partition_map_length = sizeof m;
      m.partition_type_identifier = UdfId(kMetadataPartitionId, rev);
      m.volume_sequence_number.set(1);
      m.partition_number.set(0);
      m.metadata_file_location.set(u_.metadata_entry_block);
      m.metadata_mirror_file_location.set(u_.mirror_entry_block);
      m.metadata_bitmap_file_location.set(0xFFFFFFFFu);  // none: a read-only partition
      m.allocation_unit_size.set(UdfPlanner::kMetadataUnit);
      m.alignment_unit_size.set(UdfPlanner::kMetadataUnit);
      m.flags = u_.redundant_metadata() ? 1 : 0;  // bit 0: duplicate metadata (2.2.10)
      const std::vector<std::uint8_t> encoded = Encode(m);
      maps.insert(maps.end(), encoded.begin(), encoded.end());
      lvd.number_of_partition_maps.set(2);
    } else {
      lvd.number_of_partition_maps.set(1);
    }
    lvd.map_table_length.set(static_cast<std::uint32_t>(maps.size()));
    Put(block(3), 0, lvd);
    std::memcpy(block(3).data() + kPartitionMapsOffset, maps.data(), maps.size());
    Finish(u_, block(3), kLogicalVolumeDescriptor, at(3), kPartitionMapsOffset + maps.size());

    // 3/10.8: no unallocated space.
    UnallocatedSpaceDescriptor usd = Zeroed<UnallocatedSpaceDescriptor>();
    usd.volume_descriptor_sequence_number.set(5);
    Put(block(4), 0, usd);
    Finish(u_, block(4), kUnallocatedSpaceDescriptor, at(4), sizeof usd);

    Put(block(5), 0, Zeroed<TerminatingDescriptor>());  // 3/10.9
    Finish(u_, block(5), kTerminatingDescriptor, at(5), sizeof(TerminatingDescriptor));
    return context.sink().Write(bytes);
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImagePlan&, std::uint64_t) override {
    return kVdsBlocks;
  }

 private:
  const UdfPlanner& u_;
};

// ECMA-167 3/10.10, UDF 2.2.6: the logical volume integrity descriptor, closed, and a
// terminating descriptor.
class IntegritySection final : public Section {
 public:
  explicit IntegritySection(const UdfPlanner& u)
      : Section("udf logical volume integrity sequence", Region::kFileSystemDescriptors), u_(u) {}
  base::Status Write(const ImagePlan& plan, EmitContext& context) const override {
    std::vector<std::uint8_t> bytes(2 * kBs, 0);
    std::span<std::uint8_t> block(bytes.data(), kBs);
    const bool metadata = u_.revision().metadata_partition;
    const std::uint32_t maps = metadata ? 2 : 1;
    LogicalVolumeIntegrityDescriptor lvid = Zeroed<LogicalVolumeIntegrityDescriptor>();
    lvid.recording_date_and_time = UdfTime(plan.spec.volume.timestamp);
    lvid.integrity_type.set(kIntegrityClose);
    // ECMA-167 4/14.15: the logical volume header; the next unique ID (UDF 3.2.1.1).
    base::StoreLe64(lvid.logical_volume_contents_use.b, u_.next_unique_id());
    lvid.number_of_partitions.set(maps);
    lvid.length_of_implementation_use.set(sizeof(LvidImplementationUse));
    Put(block, 0, lvid);
    std::size_t at = kLvidTablesOffset;
    for (std::uint32_t i = 0; i < maps; ++i, at += 4) {
      base::StoreLe32(block.data() + at, 0);  // free space: none (read-only)
    }
    base::StoreLe32(block.data() + at,
                    static_cast<std::uint32_t>(u_.partition_end() - u_.partition_start()));
    at += 4;
    if (metadata) {
      base::StoreLe32(block.data() + at, u_.metadata_blocks());
      at += 4;
    }
    LvidImplementationUse use = Zeroed<LvidImplementationUse>();  // UDF 2.2.6.4
    use.implementation_id = ImplementationId();
    use.number_of_files.set(u_.files());
    use.number_of_directories.set(static_cast<std::uint32_t>(u_.directories().size()));
    use.minimum_udf_read_revision.set(u_.revision().minimum_read);
    use.minimum_udf_write_revision.set(u_.revision().bcd);
    use.maximum_udf_write_revision.set(u_.revision().bcd);
    Put(block, at, use);
    at += sizeof use;
    const auto location = static_cast<std::uint32_t>(lba());
    Finish(u_, block, kLogicalVolumeIntegrityDescriptor, location, at);
    std::span<std::uint8_t> td(bytes.data() + kBs, kBs);
    Put(td, 0, Zeroed<TerminatingDescriptor>());
    Finish(u_, td, kTerminatingDescriptor, location + 1, sizeof(TerminatingDescriptor));
    return context.sink().Write(bytes);
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImagePlan&, std::uint64_t) override { return 2; }

 private:
  const UdfPlanner& u_;
};

// UDF 2.2.13: the entry of the metadata file (type 250) or its mirror (251), an extended
// file entry in the physical partition whose short_ad covers the metadata partition.
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

// The file structures. 2.01 and before: the file structure space at the partition's
// first block. 2.50 and later: the metadata file's entry (and, without a separate
// mirror, the mirror's entry naming the same extent), then the metadata file at the
// first aligned block.
class StructuresSection final : public Section {
 public:
  explicit StructuresSection(UdfPlanner& u)
      : Section("udf file structures", Region::kDirectories), u_(u) {}
  base::Status Write(const ImagePlan& plan, EmitContext& context) const override {
    BlockStream out(context.sink());
    if (!u_.revision().metadata_partition) {
      WriteFileStructures(plan, u_, out);
      return out.Finish();
    }
    EncodeMetadataEntry(plan, u_, kFileTypeMetadata, u_.metadata_entry_block,
                        u_.metadata_extent_block, out.NextBlock());
    std::uint32_t used = 1;
    if (!u_.redundant_metadata()) {
      EncodeMetadataEntry(plan, u_, kFileTypeMetadataMirror, u_.mirror_entry_block,
                          u_.metadata_extent_block, out.NextBlock());
      ++used;
    }
    out.Zeros(u_.metadata_extent_block - used);
    WriteFileStructures(plan, u_, out);
    out.Zeros(u_.metadata_blocks() - u_.file_structure_blocks());
    return out.Finish();
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImagePlan& plan, std::uint64_t lba) override {
    std::uint64_t blocks = u_.file_structure_blocks();
    if (u_.revision().metadata_partition) {
      u_.metadata_entry_block = 0;
      u_.mirror_entry_block = 1;
      u_.metadata_extent_block = UdfPlanner::kMetadataUnit;  // UDF 2.2.10: aligned
      blocks = std::uint64_t{u_.metadata_extent_block} + u_.metadata_blocks();
    }
    // The partition (from here to the trailer's end) must not hold the anchor at 256
    // (udfinfo: "Partition Space overlaps with other blocks"): below it, claim the blocks
    // up to it as well, so that the placement moves this section past the anchor.
    const std::uint64_t anchor = plan.start_lba + kAnchorBlock;
    if (lba <= anchor) return anchor + 1 - lba + blocks;
    return blocks;
  }

 private:
  UdfPlanner& u_;
};

// After the file data: the mirror of the metadata file (UDF 2.2.13.2) when asked for, its
// entry first and its extent at the next aligned block; otherwise nothing. Either way
// this section's end is the partition's end.
class TrailerSection final : public Section {
 public:
  explicit TrailerSection(UdfPlanner& u)
      : Section("udf metadata mirror", Region::kTrailer), u_(u) {}
  base::Status Write(const ImagePlan& plan, EmitContext& context) const override {
    if (blocks() == 0) return base::Ok();
    BlockStream out(context.sink());
    EncodeMetadataEntry(plan, u_, kFileTypeMetadataMirror, u_.mirror_entry_block,
                        u_.mirror_extent_block, out.NextBlock());
    out.Zeros(u_.mirror_extent_block - u_.mirror_entry_block - 1);
    WriteFileStructures(plan, u_, out);
    out.Zeros(u_.metadata_blocks() - u_.file_structure_blocks());
    return out.Finish();
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImagePlan&, std::uint64_t lba) override {
    if (!u_.revision().metadata_partition || !u_.redundant_metadata()) return std::uint64_t{0};
    const std::uint64_t start = lba - u_.partition_start();
    const std::uint64_t extent = (start + 1 + UdfPlanner::kMetadataUnit - 1) /
                                 UdfPlanner::kMetadataUnit * UdfPlanner::kMetadataUnit;
    u_.mirror_entry_block = static_cast<std::uint32_t>(start);
    u_.mirror_extent_block = static_cast<std::uint32_t>(extent);
    return extent + u_.metadata_blocks() - start;
  }

 private:
  UdfPlanner& u_;
};

}  // namespace

void UdfPlanner::AddSections(const ImagePlan& plan, plan::Placement& placement) {
  placement.Append(std::make_unique<VolumeRecognitionSection>(*this));
  auto main = std::make_unique<VolumeDescriptorSequenceSection>(
      *this, "udf main volume descriptor sequence", Region::kFileSystemDescriptors);
  main_vds = main.get();
  placement.Append(std::move(main));
  auto lvid = std::make_unique<IntegritySection>(*this);
  integrity = lvid.get();
  placement.Append(std::move(lvid));
  auto structures = std::make_unique<StructuresSection>(*this);
  structures_ = structures.get();
  placement.Append(std::move(structures));
  auto trailer = std::make_unique<TrailerSection>(*this);
  trailer_ = trailer.get();
  placement.Append(std::move(trailer));
  // ECMA-167 3/8.4.2.1, UDF 2.2.3: anchors at 256, N - 256 and N (the last block), the
  // reserve sequence just after the one at N - 256. A hybrid image's backup GPT holds the
  // last block: the anchors at 256 and N - 256 are the two of three the standard asks for
  // (specs/partition.md).
  placement.AddFixed(std::make_unique<AnchorSection>(*this, "udf anchor at 256"), kAnchorBlock);
  placement.AddAtEnd(std::make_unique<AnchorSection>(*this, "udf anchor at N-256"), 257);
  auto reserve = std::make_unique<VolumeDescriptorSequenceSection>(
      *this, "udf reserve volume descriptor sequence", Region::kTrailer);
  reserve_vds = reserve.get();
  placement.AddAtEnd(std::move(reserve), 256);
  const bool gpt_at_end = plan.spec.boot.hybrid && plan.spec.boot.hybrid->gpt;
  if (!gpt_at_end) {
    placement.AddAtEnd(std::make_unique<AnchorSection>(*this, "udf anchor at N"), 1);
  }
}

}  // namespace fs::udf

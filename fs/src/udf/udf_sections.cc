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

#include "base/error.h"
#include "udf/udf_file_format.h"
#include "udf/udf_format.h"
#include "udf/udf_names.h"
#include "udf/udf_plan.h"
#include "udf/udf_write_util.h"

namespace fs::udf {

namespace {

using plan::EmitContext;
using plan::ImagePlan;
using plan::Region;
using plan::Section;

constexpr std::uint32_t kVdsBlocks = 16;     // UDF 2.2.3.1: each sequence 16 blocks at least
constexpr std::uint64_t kAnchorBlock = 256;  // ECMA-167 3/8.4.2.1

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

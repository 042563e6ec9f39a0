// A UDF volume with a virtual partition (OSTA UDF 2.2.8, 2.2.11; UDF 1.50 2.2.10), built
// from the codec's structs (udf_format.h) the way a CD-R recorder leaves it, for tests: anchor at
// 256, a type 1 and a virtual partition map of the same partition, an integrity descriptor, the
// file set descriptor, root and file entries reached through the VAT at physical blocks that are
// not their virtual numbers, and the VAT's file entry as the last recorded block (2.00
// format: extended file entry, file type 248, header; 1.50: file entry, file type 0,
// trailing regid). The root holds hello.txt (embedded, 11 bytes, 2020-05-06 07:08:09
// UTC), big.bin (3000 bytes i % 251 in the type 1 partition through a long_ad, 2021-...)
// and split.bin (2048 'A' then 1952 'B' in two virtual blocks mapped to non-adjacent
// physical blocks, 2022-...). Test-only; used by udf_vat_test.cc and
// tests/reader_tools_test.cc (which has udfclient read it).
#ifndef MKIMG_FS_UDF_UDF_VAT_BUILDER_H_
#define MKIMG_FS_UDF_UDF_VAT_BUILDER_H_

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "udf/udf_file_format.h"
#include "udf/udf_format.h"
#include "udf/udf_reader.h"

namespace fs::testing {

constexpr std::uint32_t kBs = 2048;
constexpr std::uint32_t kPartitionStart = 260;
constexpr std::uint32_t kPartitionLength = 1000;

// Physical (partition-relative) blocks of the crafted volume, deliberately not equal to
// the virtual numbers so that reading them without the VAT fails.
constexpr std::uint32_t kFsdPhys = 5, kRootPhys = 3, kHelloPhys = 7, kBigPhys = 8;
constexpr std::uint32_t kBigDataPhys = 20;  // long_ad into the type 1 partition, 3000 bytes
constexpr std::uint32_t kSplitPhys = 9;     // short_ads in the virtual partition
constexpr std::uint32_t kSplitData0 = 30, kSplitData1 = 26;  // virtual 5, 6: not adjacent
constexpr std::uint32_t kVatPhys = 40;                       // the VAT's entry

class VatBuilder {
 public:
  // `legacy`: UDF 1.50 VAT (file entry, type 0, trailing regid); else 2.00 (EFE, 248).
  explicit VatBuilder(bool legacy, std::uint32_t padding = 0)
      : legacy_(legacy), padding_(padding), image_(std::size_t{Blocks()} * kBs, 0) {
    // VAT: virtual 0 FSD, 1 root, 2 hello, 3 big, 4 split, 5-6 split data, 7 unused.
    vat_ = {kFsdPhys,   kRootPhys,   kHelloPhys,  kBigPhys,
            kSplitPhys, kSplitData0, kSplitData1, 0xFFFFFFFFu};
    Volume();
    Files();
    WriteVat();
  }

  std::uint32_t Blocks() const { return kPartitionStart + kVatPhys + 1 + padding_; }
  std::uint8_t* Phys(std::uint32_t lbn) {
    return image_.data() + (std::size_t{kPartitionStart} + lbn) * kBs;
  }
  std::uint8_t* Sector(std::uint32_t s) { return image_.data() + std::size_t{s} * kBs; }
  std::vector<std::uint32_t>& vat() { return vat_; }
  std::vector<std::uint8_t>& bytes() { return image_; }
  static constexpr std::uint32_t VatSector() { return kPartitionStart + kVatPhys; }

  // ECMA-167 3/7.2: identifier, version, checksum, CRC over crc_length bytes, location.
  static void Tag(std::uint8_t* d, std::uint16_t id, std::uint32_t location,
                  std::size_t crc_length) {
    udf::FinishTag(std::span<std::uint8_t>(d, sizeof(udf::Tag) + crc_length), id, location,
                   crc_length);
  }

  // (Re)writes the VAT's file entry from vat(): call after changing entries.
  // `patch`, when set, changes the table bytes before they are stored.
  void WriteVat(const std::function<void(std::vector<std::uint8_t>&)>& patch = {}) {
    std::vector<std::uint8_t> data;
    base::ByteWriter w(&data);
    if (!legacy_) {  // UDF 2.2.11: the 2.00 header, no implementation use
      auto header = udf::Zeroed<udf::VatHeader>();
      header.length_of_header.set(sizeof(udf::VatHeader));
      header.logical_volume_identifier = udf::Dstring8<128>("VATTEST");
      header.previous_vat_icb_location.set(0xFFFFFFFFu);  // no previous VAT
      header.number_of_files.set(3);
      header.number_of_directories.set(1);
      header.minimum_udf_read_revision.set(0x0201);
      header.minimum_udf_write_revision.set(0x0201);
      header.maximum_udf_write_revision.set(0x0201);
      header.EncodeTo(w);
    }
    for (std::uint32_t e : vat_) w.Le32(e);
    if (legacy_) {  // UDF 1.50 2.2.10: the regid and the previous VAT after the entries
      auto trailer = udf::Zeroed<udf::Vat150Trailer>();
      trailer.vat_identifier = udf::Regid::Make(udf::kVat150Id, 0x0150);
      trailer.previous_vat_icb_location.set(0xFFFFFFFFu);
      trailer.EncodeTo(w);
    }
    if (patch) patch(data);
    std::memset(Phys(kVatPhys), 0, kBs);
    Entry(kVatPhys, kVatPhys, legacy_ ? udf::kFileTypeUnspecified : udf::kFileTypeVat,
          udf::kEmbedded, data.size(), data, 0);
  }

  // A file entry (legacy_: 4/14.9, else extended 4/14.17) at physical `phys` whose tag
  // records `tag_location`; `ads` are the allocation descriptors (or embedded data).
  void Entry(std::uint32_t phys, std::uint32_t tag_location, std::uint8_t file_type,
             std::uint16_t ad_type, std::uint64_t info_length, const std::vector<std::uint8_t>& ads,
             std::uint32_t mtime_year) {
    std::uint8_t* d = Phys(phys);
    auto fill = [&](auto& e) {
      e.icb_tag.strategy_type.set(4);  // 4/14.6: strategy type 4, one entry
      e.icb_tag.maximum_number_of_entries.set(1);
      e.icb_tag.file_type = file_type;
      e.icb_tag.flags.set(ad_type);
      e.uid.set(1000);
      e.gid.set(100);
      e.permissions.set(0x1884);  // 4/14.9.5: owner read+write, group and other read
      e.file_link_count.set(1);
      e.information_length.set(info_length);
      if (mtime_year != 0) {
        e.modification_date_and_time.type_and_timezone.set(0x1000);  // type 1, UTC
        e.modification_date_and_time.year.set(static_cast<std::uint16_t>(mtime_year));
        e.modification_date_and_time.month = 5;
        e.modification_date_and_time.day = 6;
        e.modification_date_and_time.hour = 7;
        e.modification_date_and_time.minute = 8;
        e.modification_date_and_time.second = 9;
      }
      e.length_of_extended_attributes.set(0);
      e.length_of_allocation_descriptors.set(static_cast<std::uint32_t>(ads.size()));
      std::memcpy(d, &e, sizeof e);
      std::memcpy(d + sizeof e, ads.data(), ads.size());
      Tag(d, legacy_ ? udf::kFileEntry : udf::kExtendedFileEntry, tag_location,
          sizeof e - sizeof(udf::Tag) + ads.size());
    };
    if (legacy_) {
      auto fe = udf::Zeroed<udf::FileEntry>();
      fill(fe);
    } else {
      auto efe = udf::Zeroed<udf::ExtendedFileEntry>();
      fill(efe);
    }
  }

  static void ShortAd(std::vector<std::uint8_t>* ads, std::uint32_t length, std::uint32_t lbn) {
    auto ad = udf::Zeroed<udf::ShortAd>();
    ad.extent_length.set(length);
    ad.extent_position.set(lbn);
    base::ByteWriter w(ads);
    ad.EncodeTo(w);
  }
  static void LongAd(std::vector<std::uint8_t>* ads, std::uint32_t length, std::uint32_t lbn,
                     std::uint16_t ref) {
    base::ByteWriter w(ads);
    udf::LongAd::Make(length, lbn, ref).EncodeTo(w);
  }

  // Appends a partition map to the logical volume descriptor at sector 34 (ECMA-167
  // 3/10.6.8, 3/10.6.9) and finishes its tag again.
  template <typename Map>
  void AddPartitionMap(const Map& map) {
    std::uint8_t* d = Sector(34);
    auto lvd =
        udf::LogicalVolumeDescriptor::ParseZeroExtended(std::span<const std::uint8_t>(d, kBs));
    const std::uint32_t used = lvd.map_table_length.get();
    Put(d + udf::kPartitionMapsOffset + used, map);
    lvd.map_table_length.set(used + static_cast<std::uint32_t>(sizeof map));
    lvd.number_of_partition_maps.set(lvd.number_of_partition_maps.get() + 1);
    Put(d, lvd);
    Tag(d, udf::kLogicalVolumeDescriptor, 34,
        udf::kPartitionMapsOffset + used + sizeof map - sizeof(udf::Tag));
  }

  // ECMA-167 4/14.4: a file identifier descriptor naming `name` (empty: the parent).
  static void Fid(std::vector<std::uint8_t>* dir, std::uint32_t dir_virtual,
                  const std::string& name, std::uint8_t characteristics,
                  std::uint32_t icb_virtual) {
    auto fid = udf::Zeroed<udf::FileIdentifierDescriptor>();
    fid.file_version_number.set(1);
    fid.file_characteristics = characteristics;
    fid.length_of_file_identifier = static_cast<std::uint8_t>(name.empty() ? 0 : name.size() + 1);
    // Partition reference 1: the virtual partition.
    fid.icb = udf::LongAd::Make(kBs, icb_virtual, 1);
    std::vector<std::uint8_t> f = udf::Encode(fid);
    if (!name.empty()) {
      f.push_back(8);  // OSTA UDF 2.1.2: CS0, 8 bits per character
      f.insert(f.end(), name.begin(), name.end());
    }
    f.resize(fid.PaddedLength(), 0);
    Tag(f.data(), udf::kFileIdentifierDescriptor, dir_virtual, f.size() - sizeof(udf::Tag));
    dir->insert(dir->end(), f.begin(), f.end());
  }

 private:
  template <typename T>
  static void Put(std::uint8_t* d, const T& value) {
    std::memcpy(d, &value, sizeof value);
  }
  // A 512-byte descriptor struct written at sector `s` with its tag finished.
  template <typename T>
  void PutDescriptor(std::uint32_t s, T value, std::uint16_t id,
                     std::size_t crc_length = sizeof(T) - sizeof(udf::Tag)) {
    Put(Sector(s), value);
    Tag(Sector(s), id, s, crc_length);
  }

  void Volume() {
    const std::uint16_t revision = legacy_ ? 0x0150 : 0x0201;
    // ECMA-167 2/9.1 volume recognition sequence.
    for (auto [s, id] : {std::pair{16u, "BEA01"}, {17u, "NSR03"}, {18u, "TEA01"}}) {
      Put(Sector(s), udf::VolumeStructureDescriptor::Make(id));
    }
    // 3/10.2 anchor: main VDS at 32, 4 blocks; reserve the same.
    auto avdp = udf::Zeroed<udf::AnchorVolumeDescriptorPointer>();
    avdp.main_vds.length.set(4 * kBs);
    avdp.main_vds.location.set(32);
    avdp.reserve_vds = avdp.main_vds;
    PutDescriptor(256, avdp, udf::kAnchorVolumeDescriptorPointer);
    auto pvd = udf::Zeroed<udf::PrimaryVolumeDescriptor>();  // 3/10.1
    pvd.volume_identifier = udf::Dstring8<32>("VATTEST");
    pvd.volume_sequence_number.set(1);
    pvd.maximum_volume_sequence_number.set(1);
    pvd.interchange_level.set(2);
    pvd.maximum_interchange_level.set(2);
    pvd.character_set_list.set(1);
    pvd.maximum_character_set_list.set(1);
    pvd.volume_set_identifier = udf::Dstring8<128>("VATTEST");
    pvd.descriptor_character_set = udf::Charspec::OstaCompressedUnicode();
    pvd.explanatory_character_set = udf::Charspec::OstaCompressedUnicode();
    PutDescriptor(32, pvd, udf::kPrimaryVolumeDescriptor);
    auto pd = udf::Zeroed<udf::PartitionDescriptor>();  // 3/10.5
    pd.partition_number.set(0);
    pd.partition_contents = udf::Regid::Make(legacy_ ? "+NSR02" : "+NSR03");
    pd.partition_starting_location.set(kPartitionStart);
    pd.partition_length.set(kPartitionLength);
    PutDescriptor(33, pd, udf::kPartitionDescriptor);
    // 3/10.6 logical volume descriptor with a type 1 map (3/10.7.2) of partition 0 and a
    // virtual partition map (UDF 2.2.8) of the same partition.
    auto lvd = udf::Zeroed<udf::LogicalVolumeDescriptor>();
    lvd.descriptor_character_set = udf::Charspec::OstaCompressedUnicode();
    lvd.logical_volume_identifier = udf::Dstring8<128>("VATTEST");
    lvd.logical_block_size.set(kBs);
    lvd.domain_identifier = udf::Regid::Make("*OSTA UDF Compliant", revision);
    // FSD: virtual block 0 of partition reference 1.
    lvd.file_set_descriptor_location = udf::LongAd::Make(kBs, 0, 1);
    // Integrity sequence: LVID at 64, terminator.
    lvd.integrity_sequence_extent.length.set(2 * kBs);
    lvd.integrity_sequence_extent.location.set(64);
    const auto type1 = udf::Type1PartitionMap::Make(0);
    const auto virt = udf::VirtualPartitionMap::Make(0, revision);
    lvd.map_table_length.set(sizeof type1 + sizeof virt);
    lvd.number_of_partition_maps.set(2);
    Put(Sector(34), lvd);
    Put(Sector(34) + udf::kPartitionMapsOffset, type1);
    Put(Sector(34) + udf::kPartitionMapsOffset + sizeof type1, virt);
    Tag(Sector(34), udf::kLogicalVolumeDescriptor, 34,
        udf::kPartitionMapsOffset + sizeof type1 + sizeof virt - sizeof(udf::Tag));
    PutDescriptor(35, udf::Zeroed<udf::TerminatingDescriptor>(), udf::kTerminatingDescriptor);
    // 3/10.10 logical volume integrity descriptor, closed; two partitions (sizes and free
    // space unknown for the virtual one, UDF 2.2.6.2), implementation use (UDF 2.2.6.4).
    auto lvid = udf::Zeroed<udf::LogicalVolumeIntegrityDescriptor>();
    lvid.integrity_type.set(udf::kIntegrityClose);
    lvid.number_of_partitions.set(2);
    lvid.length_of_implementation_use.set(sizeof(udf::LvidImplementationUse));
    std::vector<std::uint8_t> tail;
    base::ByteWriter w(&tail);
    w.Le32(0);  // free space table
    w.Le32(0xFFFFFFFFu);
    w.Le32(kPartitionLength);  // size table
    w.Le32(0xFFFFFFFFu);
    auto use = udf::Zeroed<udf::LvidImplementationUse>();
    use.implementation_id = udf::Regid::Make("*mkimg test");
    // Counts as formatted: on VAT media the LVID is left stale and the 2.00 VAT header's
    // counts replace it (UDF 2.2.11), so a reader that took these would say 0 files.
    use.number_of_files.set(0);
    use.number_of_directories.set(1);
    use.minimum_udf_read_revision.set(revision);
    use.minimum_udf_write_revision.set(revision);
    use.maximum_udf_write_revision.set(revision);
    use.EncodeTo(w);
    Put(Sector(64), lvid);
    std::memcpy(Sector(64) + sizeof lvid, tail.data(), tail.size());
    Tag(Sector(64), udf::kLogicalVolumeIntegrityDescriptor, 64,
        sizeof lvid + tail.size() - sizeof(udf::Tag));
    PutDescriptor(65, udf::Zeroed<udf::TerminatingDescriptor>(), udf::kTerminatingDescriptor);
  }

  void Files() {
    // 4/14.1 file set descriptor; root ICB long_ad (virtual 1).
    auto fsd = udf::Zeroed<udf::FileSetDescriptor>();
    fsd.interchange_level.set(3);
    fsd.maximum_interchange_level.set(3);
    fsd.character_set_list.set(1);
    fsd.maximum_character_set_list.set(1);
    fsd.logical_volume_identifier_character_set = udf::Charspec::OstaCompressedUnicode();
    fsd.logical_volume_identifier = udf::Dstring8<128>("VATTEST");
    fsd.file_set_character_set = udf::Charspec::OstaCompressedUnicode();
    fsd.file_set_identifier = udf::Dstring8<32>("VATTEST");
    fsd.domain_identifier = udf::Regid::Make("*OSTA UDF Compliant", legacy_ ? 0x0150 : 0x0201);
    fsd.root_directory_icb = udf::LongAd::Make(kBs, 1, 1);
    Put(Phys(kFsdPhys), fsd);
    Tag(Phys(kFsdPhys), udf::kFileSetDescriptor, 0, sizeof fsd - sizeof(udf::Tag));
    // Root: embedded FIDs for hello.txt, big.bin, split.bin.
    std::vector<std::uint8_t> root;
    Fid(&root, 1, "", udf::kFidDirectory | udf::kFidParent, 1);
    Fid(&root, 1, "hello.txt", 0, 2);
    Fid(&root, 1, "big.bin", 0, 3);
    Fid(&root, 1, "split.bin", 0, 4);
    Entry(kRootPhys, 1, udf::kFileTypeDirectory, udf::kEmbedded, root.size(), root, 2026);
    // hello.txt: data embedded in its entry.
    const std::string hello = "hello, VAT\n";
    Entry(kHelloPhys, 2, udf::kFileTypeBytes, udf::kEmbedded, hello.size(),
          {hello.begin(), hello.end()}, 2020);
    // big.bin: 3000 bytes in the type 1 partition (long_ad, reference 0), as recorders
    // place file data.
    std::vector<std::uint8_t> ads;
    LongAd(&ads, 3000, kBigDataPhys, 0);
    Entry(kBigPhys, 3, udf::kFileTypeBytes, udf::kLongAds, 3000, ads, 2021);
    for (std::uint32_t i = 0; i < 3000; ++i)
      Phys(kBigDataPhys)[i] = static_cast<std::uint8_t>(i % 251);
    // split.bin: 4000 bytes in two virtual blocks (short_ad: the entry's partition, the
    // virtual one) that the VAT puts in non-adjacent physical blocks.
    ads.clear();
    ShortAd(&ads, 4000, 5);
    Entry(kSplitPhys, 4, udf::kFileTypeBytes, udf::kShortAds, 4000, ads, 2022);
    std::memset(Phys(kSplitData0), 'A', kBs);
    std::memset(Phys(kSplitData1), 'B', 4000 - kBs);
  }

  bool legacy_;
  std::uint32_t padding_;
  std::vector<std::uint8_t> image_;
  std::vector<std::uint32_t> vat_;
};

}  // namespace fs::testing

#endif  // MKIMG_FS_UDF_UDF_VAT_BUILDER_H_

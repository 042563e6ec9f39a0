// ECMA-167 3rd edition / OSTA UDF 2.60 codec helpers; see udf_format.h.
#include "udf/udf_format.h"

#include <algorithm>

#include "base/crc.h"
#include "udf/udf_file_format.h"

namespace fs::udf {

std::uint8_t TagChecksum(std::span<const std::uint8_t, 16> tag) {
  std::uint8_t sum = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i != offsetof(Tag, checksum)) sum = static_cast<std::uint8_t>(sum + tag[i]);
  }
  return sum;
}

void FinishTag(std::span<std::uint8_t> descriptor, std::uint16_t identifier, std::uint32_t location,
               std::size_t crc_length, std::uint16_t version, std::uint16_t serial_number) {
  Tag tag = Zeroed<Tag>();
  tag.identifier.set(identifier);
  tag.descriptor_version.set(version);
  tag.serial_number.set(serial_number);
  tag.crc_length.set(static_cast<std::uint16_t>(crc_length));
  tag.crc.set(base::CrcItu(descriptor.subspan(sizeof(Tag), crc_length)));
  tag.location.set(location);
  tag.checksum = TagChecksum(AsBytes(tag));
  std::memcpy(descriptor.data(), &tag, sizeof tag);
}

base::Expected<std::uint16_t> CheckTag(std::span<const std::uint8_t> block, std::uint32_t location,
                                       const std::string& where,
                                       std::vector<std::string>* crc_warnings) {
  if (block.size() < sizeof(Tag)) return base::CorruptImage(where, "descriptor tag truncated");
  ASSIGN_OR_RETURN(const Tag tag, Tag::Parse(block));
  if (TagChecksum(block.first<16>()) != tag.checksum) {
    return base::CorruptImage(where, "descriptor tag checksum mismatch (tag identifier " +
                                         std::to_string(tag.identifier.get()) + ")");
  }
  if (tag.location.get() != location) {
    return base::CorruptImage(where, "descriptor tag " + std::to_string(tag.identifier.get()) +
                                         " records location " + std::to_string(tag.location.get()) +
                                         ", found at " + std::to_string(location));
  }
  const std::size_t crc_length = tag.crc_length.get();
  if (crc_length > block.size() - sizeof(Tag)) {
    if (crc_warnings == nullptr) {
      return base::CorruptImage(
          where, "descriptor CRC length " + std::to_string(crc_length) + " exceeds the descriptor");
    }
    crc_warnings->push_back(where + ": descriptor CRC length " + std::to_string(crc_length) +
                            " exceeds the block");
  } else if (base::CrcItu(block.subspan(sizeof(Tag), crc_length)) != tag.crc.get()) {
    if (crc_warnings == nullptr) {
      return base::CorruptImage(where, "descriptor CRC mismatch (tag identifier " +
                                           std::to_string(tag.identifier.get()) + ")");
    }
    crc_warnings->push_back(where + ": descriptor CRC mismatch (tag identifier " +
                            std::to_string(tag.identifier.get()) + ")");
  }
  return tag.identifier.get();
}

Charspec Charspec::OstaCompressedUnicode() {
  Charspec c = Zeroed<Charspec>();
  constexpr std::string_view kOsta = "OSTA Compressed Unicode";
  std::memcpy(c.character_set_information.b, kOsta.data(), kOsta.size());
  return c;
}

Regid Regid::Make(std::string_view identifier, std::uint16_t revision) {
  Regid r = Zeroed<Regid>();
  std::memcpy(r.identifier.b, identifier.data(), std::min(identifier.size(), sizeof r.identifier));
  base::StoreLe16(r.identifier_suffix.b, revision);
  return r;
}

LongAd LongAd::Make(std::uint32_t length, std::uint32_t lbn, std::uint16_t partition_ref) {
  LongAd a = Zeroed<LongAd>();
  a.extent_length.set(length);
  a.extent_location.logical_block_number.set(lbn);
  a.extent_location.partition_reference_number.set(partition_ref);
  return a;
}

VolumeStructureDescriptor VolumeStructureDescriptor::Make(std::string_view identifier) {
  VolumeStructureDescriptor d = Zeroed<VolumeStructureDescriptor>();
  std::memcpy(d.standard_identifier.b, identifier.data(),
              std::min(identifier.size(), sizeof d.standard_identifier));
  d.structure_version = 1;
  return d;
}

Type1PartitionMap Type1PartitionMap::Make(std::uint16_t partition_number) {
  Type1PartitionMap m = Zeroed<Type1PartitionMap>();
  m.partition_map_type = 1;
  m.partition_map_length = sizeof(Type1PartitionMap);
  m.volume_sequence_number.set(1);
  m.partition_number.set(partition_number);
  return m;
}

VirtualPartitionMap VirtualPartitionMap::Make(std::uint16_t partition_number,
                                              std::uint16_t udf_revision) {
  VirtualPartitionMap m = Zeroed<VirtualPartitionMap>();
  m.partition_map_type = 2;
  m.partition_map_length = sizeof(VirtualPartitionMap);
  m.partition_type_identifier = Regid::Make(kVirtualPartitionId, udf_revision);
  m.volume_sequence_number.set(1);
  m.partition_number.set(partition_number);
  return m;
}

}  // namespace fs::udf

// UDF reader, the virtual allocation table of a virtual partition (OSTA UDF 2.60 2.2.8,
// 2.2.11; UDF 1.50 2.2.10): found back from the end of the recorded area, read through the
// walker as a file; see udf_volume.h.
#include <algorithm>

#include "base/bytes.h"
#include "reader/reader_util.h"
#include "udf/udf_file_format.h"
#include "udf/udf_format.h"
#include "udf/udf_walker.h"

namespace fs::reader {

namespace {

// OSTA UDF 2.2.11 (2.00+) and UDF 1.50 2.2.10: the VAT is a file whose entry is the last
// block recorded. An image ends with the last recorded block, but a recorder may pad the
// track up to a packet, so the search goes back at most this many blocks.
constexpr std::uint32_t kVatSearchBlocks = 256;
// The largest VAT accepted: 16 Mi entries, which addresses 32 GiB of 2048-byte blocks.
constexpr std::uint64_t kMaxVatBytes = 64u << 20;
// UDF 2.2.11: the 2.00 header is 152 bytes before the implementation use area.
constexpr std::size_t kVatHeader = sizeof(udf::VatHeader);
// UDF 1.50 2.2.10: the table ends with a regid (32 bytes) and the previous VAT's location.
constexpr std::size_t kVat15Trailer = sizeof(udf::Vat150Trailer);

}  // namespace

base::Status LoadVirtualAllocationTable(const base::BlockDevice& device, UdfVolume* volume,
                                        std::size_t index, UdfInfo* info,
                                        std::vector<std::string>* warnings) {
  UdfVolume::Map& m = volume->maps[index];
  const std::uint32_t bs = volume->block_size;
  const std::uint64_t sectors = device.size() / bs;
  const std::uint64_t partition_end = std::uint64_t{m.start} + m.length;  // exclusive
  const std::uint64_t last = std::min(sectors, partition_end);
  if (last == 0 || last <= m.start) {
    return base::CorruptImage(LbaWhere(m.start), "UDF virtual partition " +
                                                     std::to_string(m.partition_number) +
                                                     " has no recorded blocks in the image");
  }
  ImageTree scratch;
  ReadOptions options;
  UdfWalker walker(device, *volume, options, &scratch);
  std::vector<std::uint8_t> block(bs);
  std::vector<std::uint8_t> data;
  for (std::uint64_t k = 1; k <= kVatSearchBlocks && k <= last - m.start; ++k) {
    const std::uint64_t sector = last - k;
    const auto lbn = static_cast<std::uint32_t>(sector - m.start);
    RETURN_IF_ERROR(device.Read(sector * bs, block));
    ASSIGN_OR_RETURN(const udf::Tag tag, udf::Tag::Parse(block));
    if (tag.identifier.get() != udf::kFileEntry && tag.identifier.get() != udf::kExtendedFileEntry)
      continue;
    // A block that only looks like an entry (bad checksum, CRC or location) is not the VAT.
    if (!udf::CheckTag(block, lbn, "", nullptr)) continue;
    // The ICB tag is at BP 16 of both kinds of file entry (4/14.9.2, 4/14.17.2).
    ASSIGN_OR_RETURN(const udf::IcbTag icb,
                     udf::IcbTag::Parse(std::span<const std::uint8_t>(block).subspan(
                         offsetof(udf::FileEntry, icb_tag))));
    const std::uint8_t type = icb.file_type;
    if (type != udf::kFileTypeVat && type != udf::kFileTypeUnspecified) continue;
    const std::string where = LbaWhere(sector) + ": UDF virtual allocation table";
    std::uint8_t file_type = 0;
    auto read = walker.ReadWholeFile(m.physical_ref, lbn, "UDF virtual allocation table",
                                     kMaxVatBytes, &file_type, &data);
    if (!read) {
      if (type == 0) continue;  // an unreadable type 0 file is not taken for a 1.50 VAT
      return read;
    }
    std::size_t first = 0, count = 0;
    if (file_type == udf::kFileTypeVat) {
      if (data.size() < kVatHeader) {
        return base::CorruptImage(
            where, "table of " + std::to_string(data.size()) + " bytes is shorter than its header");
      }
      // UDF 2.2.11: length of header (BP 0), of implementation use (BP 2), previous VAT
      // (BP 132), number of files (BP 136) and directories (BP 140), UDF revisions.
      ASSIGN_OR_RETURN(const udf::VatHeader vat, udf::VatHeader::Parse(data));
      const std::size_t header = vat.length_of_header.get();
      const std::size_t impl_use = vat.length_of_implementation_use.get();
      if (header < kVatHeader || header > data.size()) {
        return base::CorruptImage(where, "header length " + std::to_string(header) + " in a " +
                                             std::to_string(data.size()) + "-byte table");
      }
      if (header != kVatHeader + impl_use) {
        warnings->push_back(where + ": header length " + std::to_string(header) +
                            " disagrees with the implementation use length " +
                            std::to_string(impl_use));
      }
      first = header;
      count = (data.size() - header) / 4;
      info->vat_format = "2.00";
      // UDF 2.2.11: on VAT media these counts replace the integrity descriptor's.
      info->files = vat.number_of_files.get();
      info->directories = vat.number_of_directories.get();
    } else {
      // UDF 1.50 2.2.10: file type 0 and a "*UDF Virtual Alloc Tbl" regid after the entries;
      // an entry of type 0 without it is some other file.
      if (data.size() < kVat15Trailer) continue;
      const std::size_t trailer = data.size() - kVat15Trailer;
      ASSIGN_OR_RETURN(
          const udf::Vat150Trailer tail,
          udf::Vat150Trailer::Parse(std::span<const std::uint8_t>(data).subspan(trailer)));
      const std::string ident = TrimIdentifier(tail.vat_identifier.identifier.b);
      if (ident != udf::kVat150Id) continue;
      first = 0;
      count = trailer / 4;
      info->vat_format = "1.50";
    }
    m.vat.resize(count);
    // UDF 2.2.11: the table is an array of Uint32 (ECMA-167 1/7.1.5) logical block numbers.
    for (std::size_t i = 0; i < count; ++i) m.vat[i] = base::LoadLe32(data.data() + first + 4 * i);
    m.vat_lba = sector;
    info->vat_lba = static_cast<std::uint32_t>(sector);
    info->vat_entries = static_cast<std::uint32_t>(count);
    for (const std::string& w : scratch.warnings) warnings->push_back(w);
    return base::Ok();
  }
  return base::CorruptImage(LbaWhere(last - 1), "UDF virtual partition " +
                                                    std::to_string(m.partition_number) +
                                                    ": no virtual allocation table in the last " +
                                                    std::to_string(kVatSearchBlocks) + " blocks");
}

}  // namespace fs::reader

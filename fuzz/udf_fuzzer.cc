// libFuzzer target for the UDF reader alone (ECMA-167 descriptor tags, the volume
// descriptor sequence, partition maps with the metadata and virtual partitions — the VAT
// is searched back from the end of the input —, the file set descriptor, file entries,
// allocation descriptors, FIDs, symbolic links), then every recorded byte of every file
// (fuzz/read_all.h). The input is
// laid out as an image of 512-byte blocks, so a 130 KiB input reaches the anchor at
// block 256; smaller inputs exercise udf::CheckTag on every block.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fuzz/read_all.h"
#include "udf/udf_format.h"
#include "udf/udf_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  for (std::size_t off = 0; off + 512 <= size && off < 64 * 512; off += 512) {
    (void)fs::udf::CheckTag(std::span(data + off, 512), static_cast<std::uint32_t>(off / 512),
                            "fuzz", nullptr);
  }
  auto device = base::MemoryBlockDevice(std::span(data, size));
  fs::UdfInfo info;
  std::vector<std::string> warnings;
  auto volume = fs::reader::OpenUdfVolume(*device, &info, &warnings);
  if (!volume || !*volume) return 0;
  fs::ReadOptions options;
  options.max_entries = 100000;
  options.max_directory_bytes = 1u << 20;
  auto tree = fs::reader::ReadUdfTree(*device, **volume, options);
  if (tree) fuzz::ReadEveryRecordedByte(*device, *tree);
  return 0;
}

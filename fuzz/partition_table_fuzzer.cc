// libFuzzer target for the MBR and GPT parsers (UEFI 2.10 5.2-5.3). The input is the
// first sectors of an image (the ISO 9660 system area of a hybrid image).
#include <cstddef>
#include <cstdint>
#include <span>

#include "partition/partition_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fs::ImageInfo info;
  fs::reader::ParsePartitionTables(std::span(data, size), size, &info);
  return 0;
}

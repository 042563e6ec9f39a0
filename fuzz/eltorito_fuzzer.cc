// libFuzzer target for the El Torito 1.0 boot catalog parser (validation entry, default
// entry, section headers and entries, extension entries). The input is a catalog.
#include <cstddef>
#include <cstdint>
#include <span>

#include "eltorito/boot_catalog_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)fs::reader::ParseBootCatalog(std::span(data, size), 19);
  return 0;
}

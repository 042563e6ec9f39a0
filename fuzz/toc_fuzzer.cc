// libFuzzer target for the reader of cdrdao's TOC files (specs/rawcd.md "TOC files"): the
// lexer, the grammar and the mapping of tracks onto a BIN, with the named files never
// opened (their lengths are taken as unknown).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fs/raw_cd.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  (void)fs::ParseTocText(text, "fuzz.toc", /*open_files=*/false);
  return 0;
}

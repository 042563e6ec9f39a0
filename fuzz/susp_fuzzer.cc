// libFuzzer target for the SUSP / Rock Ridge System Use parser. The first input byte
// chooses how much of the rest is the System Use area; the whole input is also the
// "image" that CE continuation entries point into, so CE chains and loops are reached.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "rockridge/susp.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t area = std::min<std::size_t>(size - 1, data[0] == 0 ? 255 : data[0]);
  auto device = base::MemoryBlockDevice(std::span(data, size));
  fs::reader::SystemUse out;
  const std::string where = "LBA 0";
  (void)fs::reader::ParseSystemUse(std::span(data + 1, area), device.get(), where,
                                   fs::reader::SystemUseLimits(), &out);
  return 0;
}

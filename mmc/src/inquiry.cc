// INQUIRY standard data codec (SPC-4 6.4.2).
#include "mmc/inquiry.h"

#include <algorithm>

#include "parse_util.h"

namespace mmc {
namespace {

std::string Trimmed(std::span<const std::uint8_t> field) {
  std::string s(field.begin(), field.end());
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

}  // namespace

base::Expected<InquiryData> InquiryData::Parse(std::span<const std::uint8_t> data) {
  // SPC-4 6.4.2: byte 4 ADDITIONAL LENGTH (n - 4).
  std::size_t n = data.size() < 5 ? data.size() : std::min<std::size_t>(data.size(), 5u + data[4]);
  if (n < kStandardLength) {
    return internal::Malformed(
        "INQUIRY data", std::to_string(n) + " bytes, need " + std::to_string(kStandardLength));
  }
  InquiryData d;
  d.peripheral_qualifier = static_cast<std::uint8_t>(data[0] >> 5);
  d.device_type = static_cast<std::uint8_t>(data[0] & 0x1F);
  d.removable = internal::Bit(data[1], 7);
  d.version = data[2];
  d.response_data_format = static_cast<std::uint8_t>(data[3] & 0x0F);
  d.byte3_flags = static_cast<std::uint8_t>(data[3] & 0xF0);
  d.flags[0] = data[5];
  d.flags[1] = data[6];
  d.flags[2] = data[7];
  d.vendor = Trimmed(data.subspan(8, 8));
  d.product = Trimmed(data.subspan(16, 16));
  d.revision = Trimmed(data.subspan(32, 4));
  d.extra.assign(data.begin() + kStandardLength, data.begin() + static_cast<std::ptrdiff_t>(n));
  return d;
}

void InquiryData::EncodeTo(base::ByteWriter& w) const {
  std::size_t start = w.size();
  w.U8(static_cast<std::uint8_t>((peripheral_qualifier << 5) | (device_type & 0x1F)));
  w.U8(internal::Flag(removable, 7));
  w.U8(version);
  w.U8(static_cast<std::uint8_t>((byte3_flags & 0xF0) | (response_data_format & 0x0F)));
  std::size_t extra_len = std::min<std::size_t>(extra.size(), 255 - (kStandardLength - 5));
  w.U8(static_cast<std::uint8_t>(kStandardLength - 5 + extra_len));
  w.U8(flags[0]);
  w.U8(flags[1]);
  w.U8(flags[2]);
  w.Padded(vendor, 8);
  w.Padded(product, 16);
  w.Padded(revision, 4);
  w.Raw(std::span<const std::uint8_t>(extra.data(), extra_len));
  CHECK(w.size() - start == kStandardLength + extra_len);
}

}  // namespace mmc

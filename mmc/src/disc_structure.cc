// READ DISC STRUCTURE response codecs (MMC-5 r03c 6.23.3).
#include "mmc/disc_structure.h"

#include <algorithm>

#include "parse_util.h"

namespace mmc {
namespace {

using internal::Bit;
using internal::Flag;
using internal::Malformed;

// The body of a disc structure answer (bytes 0-1 DISC STRUCTURE DATA LENGTH = n - 2,
// bytes 2-3 reserved), cut to what is announced and present.
base::Expected<std::span<const std::uint8_t>> Body(std::span<const std::uint8_t> data,
                                                   const char* where, std::size_t min_body) {
  if (data.size() < 4) {
    return Malformed(where, std::to_string(data.size()) + " bytes, need at least 4");
  }
  std::size_t announced = 2u + base::LoadBe16(data.data());
  std::size_t end = std::min(data.size(), announced);
  if (end < 4 + min_body) {
    return Malformed(where, "only " + std::to_string(end < 4 ? 0 : end - 4) +
                                " bytes of structure data, need " + std::to_string(min_body));
  }
  return data.subspan(4, end - 4);
}

void Header(base::ByteWriter& w, std::size_t body) {
  w.Be16(static_cast<std::uint16_t>(std::min<std::size_t>(body + 2, 0xFFFF)));
  w.Fill(0, 2);
}

}  // namespace

base::Expected<DvdPhysicalFormat> DvdPhysicalFormat::Parse(std::span<const std::uint8_t> data) {
  ASSIGN_OR_RETURN(std::span<const std::uint8_t> b,
                   Body(data, "READ DISC STRUCTURE physical format information", 17));
  DvdPhysicalFormat p;
  p.book_type = static_cast<std::uint8_t>(b[0] >> 4);
  p.part_version = static_cast<std::uint8_t>(b[0] & 0x0F);
  p.disc_size = static_cast<std::uint8_t>(b[1] >> 4);
  p.maximum_rate = static_cast<std::uint8_t>(b[1] & 0x0F);
  p.layers = static_cast<std::uint8_t>(((b[2] >> 5) & 3) + 1);
  p.opposite_track_path = Bit(b[2], 4);
  p.layer_type = static_cast<std::uint8_t>(b[2] & 0x0F);
  p.linear_density = static_cast<std::uint8_t>(b[3] >> 4);
  p.track_density = static_cast<std::uint8_t>(b[3] & 0x0F);
  p.data_start_psn = base::LoadBe32(&b[4]);
  p.data_end_psn = base::LoadBe32(&b[8]);
  p.layer0_end_psn = base::LoadBe32(&b[12]);
  p.bca = Bit(b[16], 7);
  std::size_t n = std::min<std::size_t>(b.size(), kDescriptorLength);
  p.media_specific.assign(b.begin() + 17, b.begin() + static_cast<std::ptrdiff_t>(n));
  p.media_specific.resize(kDescriptorLength - 17, 0);
  return p;
}

void DvdPhysicalFormat::EncodeTo(base::ByteWriter& w) const {
  Header(w, kDescriptorLength);
  w.U8(static_cast<std::uint8_t>((book_type << 4) | (part_version & 0x0F)));
  w.U8(static_cast<std::uint8_t>((disc_size << 4) | (maximum_rate & 0x0F)));
  std::uint8_t layer_bits = static_cast<std::uint8_t>(((layers == 0 ? 0 : layers - 1) & 3) << 5);
  w.U8(static_cast<std::uint8_t>(layer_bits | Flag(opposite_track_path, 4) | (layer_type & 0x0F)));
  w.U8(static_cast<std::uint8_t>((linear_density << 4) | (track_density & 0x0F)));
  w.Be32(data_start_psn);
  w.Be32(data_end_psn);
  w.Be32(layer0_end_psn);
  w.U8(Flag(bca, 7));
  std::size_t n = std::min<std::size_t>(media_specific.size(), kDescriptorLength - 17);
  w.Raw(std::span<const std::uint8_t>(media_specific.data(), n));
  w.Fill(0, kDescriptorLength - 17 - n);
}

base::Expected<DvdRecordingManagementData> DvdRecordingManagementData::Parse(
    std::span<const std::uint8_t> data) {
  ASSIGN_OR_RETURN(std::span<const std::uint8_t> b,
                   Body(data, "READ DISC STRUCTURE recording management area data", 2));
  DvdRecordingManagementData r;
  r.last_recorded_rma_sector = base::LoadBe16(b.data());
  r.rmd.assign(b.begin() + 2, b.end());
  return r;
}

void DvdRecordingManagementData::EncodeTo(base::ByteWriter& w) const {
  std::size_t n = std::min<std::size_t>(rmd.size(), 0xFFFF - 2 - 2);
  Header(w, 2 + n);
  w.Be16(last_recorded_rma_sector);
  w.Raw(std::span<const std::uint8_t>(rmd.data(), n));
}

base::Expected<DvdPreRecordedLeadIn> DvdPreRecordedLeadIn::Parse(
    std::span<const std::uint8_t> data) {
  const char* kWhere = "READ DISC STRUCTURE pre-recorded information";
  ASSIGN_OR_RETURN(std::span<const std::uint8_t> b, Body(data, kWhere, 32));
  for (std::size_t i = 0; i < 4; ++i) {
    if (b[8 * i] != i + 1) {
      return Malformed(kWhere, "field ID " + std::to_string(b[8 * i]) + " at byte " +
                                   std::to_string(4 + 8 * i) + ", expected " +
                                   std::to_string(i + 1));
    }
  }
  DvdPreRecordedLeadIn p;
  p.application_code = b[1];
  p.physical_code = b[2];
  p.last_recordable_address = static_cast<std::uint32_t>((b[3] << 16) | (b[4] << 8) | b[5]);
  p.part_version = b[6];
  p.opc_suggested_code = b[9];
  p.wavelength_code = b[10];
  std::copy_n(&b[11], 4, p.write_strategy.begin());
  std::copy_n(&b[17], 6, p.manufacturer_id.begin());
  std::copy_n(&b[25], 6, p.manufacturer_id.begin() + 6);
  if (b.size() >= 40 && b[32] == 5) {
    p.has_field5 = true;
    std::copy_n(&b[33], 6, p.field5.begin());
  }
  return p;
}

void DvdPreRecordedLeadIn::EncodeTo(base::ByteWriter& w) const {
  Header(w, has_field5 ? 40 : 32);
  w.U8(1);
  w.U8(application_code);
  w.U8(physical_code);
  internal::WriteBe24(w, last_recordable_address & 0xFFFFFF);
  w.U8(part_version);
  w.U8(0);
  w.U8(2);
  w.U8(opc_suggested_code);
  w.U8(wavelength_code);
  w.Raw(write_strategy);
  w.U8(0);
  for (std::size_t i = 0; i < 2; ++i) {
    w.U8(static_cast<std::uint8_t>(3 + i));
    w.Raw(std::span<const std::uint8_t>(manufacturer_id.data() + 6 * i, 6));
    w.U8(0);
  }
  if (has_field5) {
    w.U8(5);
    w.Raw(field5);
    w.U8(0);
  }
}

std::string BdDiscInformation::DiscTypeIdentifier() const {
  if (units.size() < 11 || units[0] != 'D' || units[1] != 'I') return {};
  return std::string(units.begin() + 8, units.begin() + 11);
}

base::Expected<BdDiscInformation> BdDiscInformation::Parse(std::span<const std::uint8_t> data) {
  ASSIGN_OR_RETURN(std::span<const std::uint8_t> b,
                   Body(data, "READ DISC STRUCTURE BD disc information", 0));
  BdDiscInformation d;
  d.units.assign(b.begin(), b.end());
  return d;
}

void BdDiscInformation::EncodeTo(base::ByteWriter& w) const {
  std::size_t n = std::min<std::size_t>(units.size(), 0xFFFF - 2);
  Header(w, n);
  w.Raw(std::span<const std::uint8_t>(units.data(), n));
}

}  // namespace mmc

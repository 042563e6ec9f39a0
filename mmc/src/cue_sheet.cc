// SEND CUE SHEET parameter list codec (MMC-5 r03c 6.33.3).
#include "mmc/cue_sheet.h"

#include "parse_util.h"

namespace mmc {

base::Expected<CueSheet> CueSheet::Parse(std::span<const std::uint8_t> data) {
  if (data.empty() || data.size() % kEntryLength != 0) {
    return internal::Malformed(
        "cue sheet", "length " + std::to_string(data.size()) + " is not a non-zero multiple of 8");
  }
  CueSheet sheet;
  for (std::size_t off = 0; off < data.size(); off += kEntryLength) {
    const std::uint8_t* d = &data[off];
    CueSheetEntry e;
    e.control = static_cast<std::uint8_t>(d[0] >> 4);
    e.adr = static_cast<std::uint8_t>(d[0] & 0x0F);
    e.track = d[1];
    e.index = d[2];
    e.data_form = d[3];
    e.scms = d[4];
    e.absolute_time = Msf{d[5], d[6], d[7]};
    sheet.entries.push_back(e);
  }
  return sheet;
}

void CueSheet::EncodeTo(base::ByteWriter& w) const {
  for (const CueSheetEntry& e : entries) {
    w.U8(static_cast<std::uint8_t>((e.control << 4) | (e.adr & 0x0F)));
    w.U8(e.track);
    w.U8(e.index);
    w.U8(e.data_form);
    w.U8(e.scms);
    w.U8(e.absolute_time.minute);
    w.U8(e.absolute_time.second);
    w.U8(e.absolute_time.frame);
  }
}

}  // namespace mmc

// READ TOC/PMA/ATIP response codecs (MMC-5 r03c 6.26.3; unchanged in MMC-6) and CD MSF
// arithmetic (ECMA-130 14.2).
#include "mmc/toc.h"

#include <algorithm>

#include "parse_util.h"

namespace mmc {
namespace {

using internal::Bit;
using internal::Flag;
using internal::Malformed;

// Reads the 4-byte header of a TOC/PMA/ATIP answer and returns the end of the data that is
// both announced and present, or an error when `unit` does not divide the announced body.
base::Expected<std::size_t> Body(std::span<const std::uint8_t> data, const char* where,
                                 std::size_t unit) {
  if (data.size() < 4) {
    return Malformed(where, std::to_string(data.size()) + " bytes, need at least 4");
  }
  std::size_t announced = 2u + base::LoadBe16(data.data());
  if (announced < 4) {
    return Malformed(where, "data length " + std::to_string(announced - 2) + " at byte 0");
  }
  if (unit != 0 && (announced - 4) % unit != 0) {
    return Malformed(where, "data length " + std::to_string(announced - 2) +
                                " at byte 0 is not 2 + " + std::to_string(unit) + "n");
  }
  return std::min(data.size(), announced);
}

TocTrackDescriptor ReadTrackDescriptor(std::span<const std::uint8_t> d) {
  TocTrackDescriptor t;
  t.adr = static_cast<std::uint8_t>(d[1] >> 4);
  t.control = static_cast<std::uint8_t>(d[1] & 0x0F);
  t.track = d[2];
  t.address = base::LoadBe32(&d[4]);
  return t;
}

void WriteTrackDescriptor(base::ByteWriter& w, const TocTrackDescriptor& t) {
  w.U8(0);
  w.U8(static_cast<std::uint8_t>((t.adr << 4) | (t.control & 0x0F)));
  w.U8(t.track);
  w.U8(0);
  w.Be32(t.address);
}

Msf ReadMsf(const std::uint8_t* p) { return Msf{p[0], p[1], p[2]}; }
void WriteMsf(base::ByteWriter& w, const Msf& m) {
  w.U8(m.minute);
  w.U8(m.second);
  w.U8(m.frame);
}

}  // namespace

Msf LbaToMsf(std::int32_t lba) {
  CHECK(lba >= -45150 && lba < 404850);
  return cd::LbaToMsf(lba);
}

base::Expected<Toc> Toc::Parse(std::span<const std::uint8_t> data) {
  ASSIGN_OR_RETURN(std::size_t end, Body(data, "READ TOC data", 8));
  Toc t;
  t.first_track = data[2];
  t.last_track = data[3];
  for (std::size_t off = 4; off + 8 <= end; off += 8) {
    t.tracks.push_back(ReadTrackDescriptor(data.subspan(off, 8)));
  }
  return t;
}

void Toc::EncodeTo(base::ByteWriter& w) const {
  std::size_t count = std::min<std::size_t>(tracks.size(), (0xFFFF - 2) / 8);
  w.Be16(static_cast<std::uint16_t>(2 + 8 * count));
  w.U8(first_track);
  w.U8(last_track);
  for (std::size_t i = 0; i < count; ++i) WriteTrackDescriptor(w, tracks[i]);
}

base::Expected<SessionInfo> SessionInfo::Parse(std::span<const std::uint8_t> data) {
  ASSIGN_OR_RETURN(std::size_t end, Body(data, "READ TOC session information", 8));
  if (end < 12) {
    return Malformed("READ TOC session information",
                     std::to_string(end) + " bytes, need at least 12");
  }
  SessionInfo s;
  s.first_session = data[2];
  s.last_session = data[3];
  s.first_track_in_last_session = ReadTrackDescriptor(data.subspan(4, 8));
  return s;
}

void SessionInfo::EncodeTo(base::ByteWriter& w) const {
  w.Be16(10);
  w.U8(first_session);
  w.U8(last_session);
  WriteTrackDescriptor(w, first_track_in_last_session);
}

base::Expected<RawToc> RawToc::Parse(std::span<const std::uint8_t> data) {
  ASSIGN_OR_RETURN(std::size_t end, Body(data, "READ TOC full TOC/PMA data", 11));
  RawToc t;
  t.first_session = data[2];
  t.last_session = data[3];
  for (std::size_t off = 4; off + 11 <= end; off += 11) {
    const std::uint8_t* d = &data[off];
    RawTocDescriptor e;
    e.session = d[0];
    e.adr = static_cast<std::uint8_t>(d[1] >> 4);
    e.control = static_cast<std::uint8_t>(d[1] & 0x0F);
    e.tno = d[2];
    e.point = d[3];
    e.atime = ReadMsf(d + 4);
    e.zero = d[7];
    e.ptime = ReadMsf(d + 8);
    t.entries.push_back(e);
  }
  return t;
}

void RawToc::EncodeTo(base::ByteWriter& w) const {
  std::size_t count = std::min<std::size_t>(entries.size(), (0xFFFF - 2) / 11);
  w.Be16(static_cast<std::uint16_t>(2 + 11 * count));
  w.U8(first_session);
  w.U8(last_session);
  for (std::size_t i = 0; i < count; ++i) {
    const RawTocDescriptor& e = entries[i];
    w.U8(e.session);
    w.U8(static_cast<std::uint8_t>((e.adr << 4) | (e.control & 0x0F)));
    w.U8(e.tno);
    w.U8(e.point);
    WriteMsf(w, e.atime);
    w.U8(e.zero);
    WriteMsf(w, e.ptime);
  }
}

base::Expected<Atip> Atip::Parse(std::span<const std::uint8_t> data) {
  ASSIGN_OR_RETURN(std::size_t end, Body(data, "READ TOC ATIP data", 0));
  if (end < 28) return Malformed("READ TOC ATIP data", std::to_string(end) + " bytes, need 28");
  Atip a;
  a.writing_power = static_cast<std::uint8_t>((data[4] >> 4) & 7);
  a.ddcd = Bit(data[4], 3);
  a.reference_speed = static_cast<std::uint8_t>(data[4] & 7);
  a.unrestricted_use = Bit(data[5], 6);
  a.rewritable = Bit(data[6], 6);
  a.disc_subtype = static_cast<std::uint8_t>((data[6] >> 3) & 7);
  a.a1_valid = Bit(data[6], 2);
  a.a2_valid = Bit(data[6], 1);
  a.a3_valid = Bit(data[6], 0);
  a.lead_in_start = ReadMsf(&data[8]);
  a.last_lead_out_start = ReadMsf(&data[12]);
  std::copy_n(&data[16], 3, a.a1.begin());
  std::copy_n(&data[20], 3, a.a2.begin());
  std::copy_n(&data[24], 3, a.a3.begin());
  if (end >= 32) {
    std::array<std::uint8_t, 3> s4;
    std::copy_n(&data[28], 3, s4.begin());
    a.s4 = s4;
  }
  return a;
}

void Atip::EncodeTo(base::ByteWriter& w) const {
  w.Be16(s4 ? 30 : 26);
  w.Fill(0, 2);
  // Bytes 4 and 6 carry a fixed 1 in bit 7, byte 5 a fixed 0 (MMC-5 6.26.3.6).
  w.U8(static_cast<std::uint8_t>(0x80 | ((writing_power & 7) << 4) | Flag(ddcd, 3) |
                                 (reference_speed & 7)));
  w.U8(Flag(unrestricted_use, 6));
  w.U8(static_cast<std::uint8_t>(0x80 | Flag(rewritable, 6) | ((disc_subtype & 7) << 3) |
                                 Flag(a1_valid, 2) | Flag(a2_valid, 1) | Flag(a3_valid, 0)));
  w.U8(0);
  WriteMsf(w, lead_in_start);
  w.U8(0);
  WriteMsf(w, last_lead_out_start);
  w.U8(0);
  w.Raw(a1);
  w.U8(0);
  w.Raw(a2);
  w.U8(0);
  w.Raw(a3);
  w.U8(0);
  if (s4) {
    w.Raw(*s4);
    w.U8(0);
  }
}

base::Expected<CdText> CdText::Parse(std::span<const std::uint8_t> data) {
  ASSIGN_OR_RETURN(std::size_t end, Body(data, "READ TOC CD-TEXT data", 18));
  CdText t;
  for (std::size_t off = 4; off + 18 <= end; off += 18) {
    const std::uint8_t* d = &data[off];
    CdTextPack p;
    p.type = d[0];
    p.track = d[1];
    p.sequence = d[2];
    p.block_and_position = d[3];
    std::copy_n(d + 4, 12, p.text.begin());
    p.crc = base::LoadBe16(d + 16);
    t.packs.push_back(p);
  }
  return t;
}

void CdText::EncodeTo(base::ByteWriter& w) const {
  std::size_t count = std::min<std::size_t>(packs.size(), (0xFFFF - 2) / 18);
  w.Be16(static_cast<std::uint16_t>(2 + 18 * count));
  w.Fill(0, 2);
  for (std::size_t i = 0; i < count; ++i) {
    const CdTextPack& p = packs[i];
    w.U8(p.type);
    w.U8(p.track);
    w.U8(p.sequence);
    w.U8(p.block_and_position);
    w.Raw(p.text);
    w.Be16(p.crc);
  }
}

}  // namespace mmc

// GET CONFIGURATION codecs: feature header and descriptors (MMC-5 r03c 5.2) and the typed
// features of 5.3. Byte positions in comments count from the first byte after the
// 4-byte feature descriptor header, as the spec tables do from byte 4.
#include "mmc/configuration.h"

#include <algorithm>
#include <cstdio>

#include "parse_util.h"

namespace mmc {
namespace {

using internal::Bit;
using internal::Flag;
using internal::Malformed;

std::string Hex4(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%04Xh", v);
  return buf;
}

// Checks the code and the data length, copies the header fields into `base`.
base::Status Open(const FeatureDescriptor& d, FeatureCode code, std::size_t min_length,
                  FeatureBase& out) {
  std::uint16_t want = static_cast<std::uint16_t>(code);
  if (d.code != want) {
    return Malformed("feature " + Hex4(want), "descriptor has code " + Hex4(d.code));
  }
  if (d.data.size() < min_length) {
    return Malformed("feature " + Hex4(want), "additional length " + std::to_string(d.data.size()) +
                                                  ", need at least " + std::to_string(min_length));
  }
  out.version = d.version;
  out.persistent = d.persistent;
  out.current = d.current;
  return base::Ok();
}

FeatureDescriptor Start(const FeatureBase& b, FeatureCode code, std::size_t length) {
  FeatureDescriptor d;
  d.code = static_cast<std::uint16_t>(code);
  d.version = b.version;
  d.persistent = b.persistent;
  d.current = b.current;
  d.data.assign(length, 0);
  return d;
}

// Link size lists (0021h, 0033h): byte 3 count, sizes from byte 4, padded to 4 bytes.
std::vector<std::uint8_t> ReadLinkSizes(const std::vector<std::uint8_t>& data) {
  std::size_t count = std::min<std::size_t>(data[3], data.size() - 4);
  return std::vector<std::uint8_t>(data.begin() + 4,
                                   data.begin() + 4 + static_cast<std::ptrdiff_t>(count));
}
void WriteLinkSizes(std::vector<std::uint8_t>& data, const std::vector<std::uint8_t>& sizes) {
  // At most 248 sizes, so that the padded descriptor still fits ADDITIONAL LENGTH (255).
  std::size_t count = std::min<std::size_t>(sizes.size(), 248);
  data[3] = static_cast<std::uint8_t>(count);
  data.insert(data.end(), sizes.begin(), sizes.begin() + static_cast<std::ptrdiff_t>(count));
  while (data.size() % 4 != 0) data.push_back(0);
}

}  // namespace

base::Expected<Configuration> Configuration::Parse(std::span<const std::uint8_t> data) {
  const char* kWhere = "GET CONFIGURATION data";
  if (data.size() < 8) {
    return Malformed(kWhere, std::to_string(data.size()) + " bytes, need at least 8");
  }
  // MMC-5 5.2.1: bytes 0-3 DATA LENGTH (n - 4), bytes 6-7 CURRENT PROFILE.
  std::uint64_t announced = 4u + static_cast<std::uint64_t>(base::LoadBe32(data.data()));
  if (announced < 8) {
    return Malformed(kWhere, "data length " + std::to_string(announced - 4) + " at byte 0");
  }
  std::size_t end = static_cast<std::size_t>(std::min<std::uint64_t>(data.size(), announced));
  Configuration c;
  c.current_profile = base::LoadBe16(&data[6]);
  std::size_t pos = 8;
  while (pos + 4 <= end) {
    FeatureDescriptor f;
    f.code = base::LoadBe16(&data[pos]);
    f.version = static_cast<std::uint8_t>((data[pos + 2] >> 2) & 0x0F);
    f.persistent = Bit(data[pos + 2], 1);
    f.current = Bit(data[pos + 2], 0);
    std::size_t length = data[pos + 3];
    if (pos + 4 + length > end) {
      if (end == data.size() && announced > data.size()) break;  // cut by allocation length
      return Malformed(kWhere, "feature " + Hex4(f.code) + " at byte " + std::to_string(pos) +
                                   " runs past the data length");
    }
    auto first = data.begin() + static_cast<std::ptrdiff_t>(pos + 4);
    f.data.assign(first, first + static_cast<std::ptrdiff_t>(length));
    c.features.push_back(std::move(f));
    pos += 4 + length;
  }
  return c;
}

void Configuration::EncodeTo(base::ByteWriter& w) const {
  std::size_t total = 8;
  for (const FeatureDescriptor& f : features)
    total += 4 + std::min<std::size_t>(f.data.size(), 0xFF);
  w.Be32(static_cast<std::uint32_t>(total - 4));
  w.Fill(0, 2);
  w.Be16(current_profile);
  for (const FeatureDescriptor& f : features) {
    std::size_t n = std::min<std::size_t>(f.data.size(), 0xFF);
    w.Be16(f.code);
    w.U8(static_cast<std::uint8_t>(((f.version & 0x0F) << 2) | Flag(f.persistent, 1) |
                                   Flag(f.current, 0)));
    w.U8(static_cast<std::uint8_t>(n));
    w.Raw(std::span<const std::uint8_t>(f.data.data(), n));
  }
}

const FeatureDescriptor* Configuration::Find(FeatureCode code) const {
  for (const FeatureDescriptor& f : features) {
    if (f.code == static_cast<std::uint16_t>(code)) return &f;
  }
  return nullptr;
}

base::Expected<ProfileListFeature> ProfileListFeature::FromDescriptor(const FeatureDescriptor& d) {
  ProfileListFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 0, f));
  if (d.data.size() % 4 != 0) {
    return Malformed("feature 0000h", "additional length " + std::to_string(d.data.size()) +
                                          " is not a multiple of 4");
  }
  for (std::size_t off = 0; off + 4 <= d.data.size(); off += 4) {
    f.profiles.push_back(Entry{base::LoadBe16(&d.data[off]), Bit(d.data[off + 2], 0)});
  }
  return f;
}

FeatureDescriptor ProfileListFeature::ToDescriptor() const {
  std::size_t count = std::min<std::size_t>(profiles.size(), 0xFF / 4);
  FeatureDescriptor d = Start(*this, kCode, 4 * count);
  for (std::size_t i = 0; i < count; ++i) {
    base::StoreBe16(&d.data[4 * i], profiles[i].profile);
    d.data[4 * i + 2] = Flag(profiles[i].current, 0);
  }
  return d;
}

base::Expected<CoreFeature> CoreFeature::FromDescriptor(const FeatureDescriptor& d) {
  CoreFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 4, f));
  f.physical_interface = base::LoadBe32(d.data.data());
  if (d.data.size() >= 5) {
    f.inq2 = Bit(d.data[4], 1);
    f.device_busy_event = Bit(d.data[4], 0);
  }
  return f;
}

FeatureDescriptor CoreFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 8);
  base::StoreBe32(d.data.data(), physical_interface);
  d.data[4] = static_cast<std::uint8_t>(Flag(inq2, 1) | Flag(device_busy_event, 0));
  return d;
}

base::Expected<MorphingFeature> MorphingFeature::FromDescriptor(const FeatureDescriptor& d) {
  MorphingFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 1, f));
  f.operational_change_event = Bit(d.data[0], 1);
  f.asynchronous = Bit(d.data[0], 0);
  return f;
}

FeatureDescriptor MorphingFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 4);
  d.data[0] = static_cast<std::uint8_t>(Flag(operational_change_event, 1) | Flag(asynchronous, 0));
  return d;
}

base::Expected<RemovableMediumFeature> RemovableMediumFeature::FromDescriptor(
    const FeatureDescriptor& d) {
  RemovableMediumFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 1, f));
  std::uint8_t b = d.data[0];
  f.loading_mechanism = static_cast<std::uint8_t>(b >> 5);
  f.load = Bit(b, 4);
  f.eject = Bit(b, 3);
  f.prevent_jumper = Bit(b, 2);
  f.lock = Bit(b, 0);
  return f;
}

FeatureDescriptor RemovableMediumFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 4);
  d.data[0] = static_cast<std::uint8_t>(((loading_mechanism & 7) << 5) | Flag(load, 4) |
                                        Flag(eject, 3) | Flag(prevent_jumper, 2) | Flag(lock, 0));
  return d;
}

base::Expected<RandomReadableFeature> RandomReadableFeature::FromDescriptor(
    const FeatureDescriptor& d) {
  RandomReadableFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 7, f));
  f.block_size = base::LoadBe32(&d.data[0]);
  f.blocking = base::LoadBe16(&d.data[4]);
  f.page_present = Bit(d.data[6], 0);
  return f;
}

FeatureDescriptor RandomReadableFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 8);
  base::StoreBe32(&d.data[0], block_size);
  base::StoreBe16(&d.data[4], blocking);
  d.data[6] = Flag(page_present, 0);
  return d;
}

base::Expected<CdReadFeature> CdReadFeature::FromDescriptor(const FeatureDescriptor& d) {
  CdReadFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 1, f));
  f.digital_audio_play = Bit(d.data[0], 7);
  f.c2_flags = Bit(d.data[0], 1);
  f.cd_text = Bit(d.data[0], 0);
  return f;
}

FeatureDescriptor CdReadFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 4);
  d.data[0] =
      static_cast<std::uint8_t>(Flag(digital_audio_play, 7) | Flag(c2_flags, 1) | Flag(cd_text, 0));
  return d;
}

base::Expected<DvdReadFeature> DvdReadFeature::FromDescriptor(const FeatureDescriptor& d) {
  DvdReadFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 0, f));
  if (d.data.size() >= 3) {
    f.multi110 = Bit(d.data[0], 0);
    f.dual_rw = Bit(d.data[2], 1);
    f.dual_r = Bit(d.data[2], 0);
  }
  return f;
}

FeatureDescriptor DvdReadFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 4);
  d.data[0] = Flag(multi110, 0);
  d.data[2] = static_cast<std::uint8_t>(Flag(dual_rw, 1) | Flag(dual_r, 0));
  return d;
}

base::Expected<RandomWritableFeature> RandomWritableFeature::FromDescriptor(
    const FeatureDescriptor& d) {
  RandomWritableFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 11, f));
  f.last_lba = base::LoadBe32(&d.data[0]);
  f.block_size = base::LoadBe32(&d.data[4]);
  f.blocking = base::LoadBe16(&d.data[8]);
  f.page_present = Bit(d.data[10], 0);
  return f;
}

FeatureDescriptor RandomWritableFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 12);
  base::StoreBe32(&d.data[0], last_lba);
  base::StoreBe32(&d.data[4], block_size);
  base::StoreBe16(&d.data[8], blocking);
  d.data[10] = Flag(page_present, 0);
  return d;
}

base::Expected<IncrementalStreamingFeature> IncrementalStreamingFeature::FromDescriptor(
    const FeatureDescriptor& d) {
  IncrementalStreamingFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 4, f));
  f.data_block_types = base::LoadBe16(&d.data[0]);
  f.trio = Bit(d.data[2], 2);
  f.arsv = Bit(d.data[2], 1);
  f.buf = Bit(d.data[2], 0);
  f.link_sizes = ReadLinkSizes(d.data);
  return f;
}

FeatureDescriptor IncrementalStreamingFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 4);
  base::StoreBe16(&d.data[0], data_block_types);
  d.data[2] = static_cast<std::uint8_t>(Flag(trio, 2) | Flag(arsv, 1) | Flag(buf, 0));
  WriteLinkSizes(d.data, link_sizes);
  return d;
}

base::Expected<FormattableFeature> FormattableFeature::FromDescriptor(const FeatureDescriptor& d) {
  FormattableFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 1, f));
  f.renosa = Bit(d.data[0], 3);
  f.expand = Bit(d.data[0], 2);
  f.qcert = Bit(d.data[0], 1);
  f.cert = Bit(d.data[0], 0);
  if (d.data.size() >= 5) f.rrm = Bit(d.data[4], 0);
  return f;
}

FeatureDescriptor FormattableFeature::ToDescriptor() const {
  bool long_form = version >= 1 || rrm;
  FeatureDescriptor d = Start(*this, kCode, long_form ? 8 : 4);
  d.data[0] =
      static_cast<std::uint8_t>(Flag(renosa, 3) | Flag(expand, 2) | Flag(qcert, 1) | Flag(cert, 0));
  if (long_form) d.data[4] = Flag(rrm, 0);
  return d;
}

base::Expected<DefectManagementFeature> DefectManagementFeature::FromDescriptor(
    const FeatureDescriptor& d) {
  DefectManagementFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 0, f));
  if (!d.data.empty()) f.spare_area_information = Bit(d.data[0], 7);
  return f;
}

FeatureDescriptor DefectManagementFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 4);
  d.data[0] = Flag(spare_area_information, 7);
  return d;
}

base::Expected<DvdPlusRwFeature> DvdPlusRwFeature::FromDescriptor(const FeatureDescriptor& d) {
  DvdPlusRwFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 2, f));
  f.write = Bit(d.data[0], 0);
  f.quick_start = Bit(d.data[1], 1);
  f.close_only = Bit(d.data[1], 0);
  return f;
}

FeatureDescriptor DvdPlusRwFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 4);
  d.data[0] = Flag(write, 0);
  d.data[1] = static_cast<std::uint8_t>(Flag(quick_start, 1) | Flag(close_only, 0));
  return d;
}

base::Expected<DvdPlusRFeature> DvdPlusRFeature::FromDescriptor(const FeatureDescriptor& d) {
  DvdPlusRFeature f;
  bool dl = d.code == static_cast<std::uint16_t>(FeatureCode::kDvdPlusRDualLayer);
  RETURN_IF_ERROR(Open(d, dl ? FeatureCode::kDvdPlusRDualLayer : kCode, 1, f));
  f.dual_layer = dl;
  f.write = Bit(d.data[0], 0);
  return f;
}

FeatureDescriptor DvdPlusRFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, dual_layer ? FeatureCode::kDvdPlusRDualLayer : kCode, 4);
  d.data[0] = Flag(write, 0);
  return d;
}

base::Expected<RigidRestrictedOverwriteFeature> RigidRestrictedOverwriteFeature::FromDescriptor(
    const FeatureDescriptor& d) {
  RigidRestrictedOverwriteFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 1, f));
  f.dsdg = Bit(d.data[0], 3);
  f.dsdr = Bit(d.data[0], 2);
  f.intermediate = Bit(d.data[0], 1);
  f.blank = Bit(d.data[0], 0);
  return f;
}

FeatureDescriptor RigidRestrictedOverwriteFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 4);
  d.data[0] = static_cast<std::uint8_t>(Flag(dsdg, 3) | Flag(dsdr, 2) | Flag(intermediate, 1) |
                                        Flag(blank, 0));
  return d;
}

base::Expected<CdTrackAtOnceFeature> CdTrackAtOnceFeature::FromDescriptor(
    const FeatureDescriptor& d) {
  CdTrackAtOnceFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 4, f));
  std::uint8_t b = d.data[0];
  f.buf = Bit(b, 6);
  f.rw_raw = Bit(b, 4);
  f.rw_pack = Bit(b, 3);
  f.test_write = Bit(b, 2);
  f.cd_rw = Bit(b, 1);
  f.rw_subcode = Bit(b, 0);
  f.data_types = base::LoadBe16(&d.data[2]);
  return f;
}

FeatureDescriptor CdTrackAtOnceFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 4);
  d.data[0] = static_cast<std::uint8_t>(Flag(buf, 6) | Flag(rw_raw, 4) | Flag(rw_pack, 3) |
                                        Flag(test_write, 2) | Flag(cd_rw, 1) | Flag(rw_subcode, 0));
  base::StoreBe16(&d.data[2], data_types);
  return d;
}

base::Expected<CdMasteringFeature> CdMasteringFeature::FromDescriptor(const FeatureDescriptor& d) {
  CdMasteringFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 4, f));
  std::uint8_t b = d.data[0];
  f.buf = Bit(b, 6);
  f.sao = Bit(b, 5);
  f.raw_ms = Bit(b, 4);
  f.raw = Bit(b, 3);
  f.test_write = Bit(b, 2);
  f.cd_rw = Bit(b, 1);
  f.rw = Bit(b, 0);
  f.max_cue_sheet_length =
      static_cast<std::uint32_t>((d.data[1] << 16) | (d.data[2] << 8) | d.data[3]);
  return f;
}

FeatureDescriptor CdMasteringFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 4);
  d.data[0] =
      static_cast<std::uint8_t>(Flag(buf, 6) | Flag(sao, 5) | Flag(raw_ms, 4) | Flag(raw, 3) |
                                Flag(test_write, 2) | Flag(cd_rw, 1) | Flag(rw, 0));
  d.data[1] = static_cast<std::uint8_t>(max_cue_sheet_length >> 16);
  d.data[2] = static_cast<std::uint8_t>(max_cue_sheet_length >> 8);
  d.data[3] = static_cast<std::uint8_t>(max_cue_sheet_length);
  return d;
}

base::Expected<DvdMinusRWriteFeature> DvdMinusRWriteFeature::FromDescriptor(
    const FeatureDescriptor& d) {
  DvdMinusRWriteFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 1, f));
  f.buf = Bit(d.data[0], 6);
  f.rdl = Bit(d.data[0], 3);
  f.test_write = Bit(d.data[0], 2);
  f.dvd_rw = Bit(d.data[0], 1);
  return f;
}

FeatureDescriptor DvdMinusRWriteFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 4);
  d.data[0] = static_cast<std::uint8_t>(Flag(buf, 6) | Flag(rdl, 3) | Flag(test_write, 2) |
                                        Flag(dvd_rw, 1));
  return d;
}

base::Expected<LayerJumpRecordingFeature> LayerJumpRecordingFeature::FromDescriptor(
    const FeatureDescriptor& d) {
  LayerJumpRecordingFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 4, f));
  f.link_sizes = ReadLinkSizes(d.data);
  return f;
}

FeatureDescriptor LayerJumpRecordingFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 4);
  WriteLinkSizes(d.data, link_sizes);
  return d;
}

base::Expected<CdRwMediaWriteSupportFeature> CdRwMediaWriteSupportFeature::FromDescriptor(
    const FeatureDescriptor& d) {
  CdRwMediaWriteSupportFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 2, f));
  f.subtypes = d.data[1];
  return f;
}

FeatureDescriptor CdRwMediaWriteSupportFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 4);
  d.data[1] = subtypes;
  return d;
}

base::Expected<BdReadFeature> BdReadFeature::FromDescriptor(const FeatureDescriptor& d) {
  BdReadFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 28, f));
  for (std::size_t i = 0; i < 4; ++i) {
    f.bd_re_read[i] = base::LoadBe16(&d.data[4 + 2 * i]);
    f.bd_r_read[i] = base::LoadBe16(&d.data[12 + 2 * i]);
    f.bd_rom_read[i] = base::LoadBe16(&d.data[20 + 2 * i]);
  }
  return f;
}

FeatureDescriptor BdReadFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 28);
  for (std::size_t i = 0; i < 4; ++i) {
    base::StoreBe16(&d.data[4 + 2 * i], bd_re_read[i]);
    base::StoreBe16(&d.data[12 + 2 * i], bd_r_read[i]);
    base::StoreBe16(&d.data[20 + 2 * i], bd_rom_read[i]);
  }
  return d;
}

base::Expected<BdWriteFeature> BdWriteFeature::FromDescriptor(const FeatureDescriptor& d) {
  BdWriteFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 20, f));
  f.svnr = Bit(d.data[0], 0);
  for (std::size_t i = 0; i < 4; ++i) {
    f.bd_re_write[i] = base::LoadBe16(&d.data[4 + 2 * i]);
    f.bd_r_write[i] = base::LoadBe16(&d.data[12 + 2 * i]);
  }
  return f;
}

FeatureDescriptor BdWriteFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 20);
  d.data[0] = Flag(svnr, 0);
  for (std::size_t i = 0; i < 4; ++i) {
    base::StoreBe16(&d.data[4 + 2 * i], bd_re_write[i]);
    base::StoreBe16(&d.data[12 + 2 * i], bd_r_write[i]);
  }
  return d;
}

base::Expected<TimeoutFeature> TimeoutFeature::FromDescriptor(const FeatureDescriptor& d) {
  TimeoutFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 0, f));
  if (d.data.size() >= 4) {
    f.group3 = Bit(d.data[0], 0);
    f.unit_length = base::LoadBe16(&d.data[2]);
  }
  return f;
}

FeatureDescriptor TimeoutFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 4);
  d.data[0] = Flag(group3, 0);
  base::StoreBe16(&d.data[2], unit_length);
  return d;
}

base::Expected<RealTimeStreamingFeature> RealTimeStreamingFeature::FromDescriptor(
    const FeatureDescriptor& d) {
  RealTimeStreamingFeature f;
  RETURN_IF_ERROR(Open(d, kCode, 1, f));
  std::uint8_t b = d.data[0];
  f.read_buffer_capacity_block = Bit(b, 4);
  f.set_cd_speed = Bit(b, 3);
  f.mode_page_2a = Bit(b, 2);
  f.write_speed_performance = Bit(b, 1);
  f.stream_writing = Bit(b, 0);
  return f;
}

FeatureDescriptor RealTimeStreamingFeature::ToDescriptor() const {
  FeatureDescriptor d = Start(*this, kCode, 4);
  d.data[0] = static_cast<std::uint8_t>(Flag(read_buffer_capacity_block, 4) |
                                        Flag(set_cd_speed, 3) | Flag(mode_page_2a, 2) |
                                        Flag(write_speed_performance, 1) | Flag(stream_writing, 0));
  return d;
}

std::string_view ProfileName(std::uint16_t profile) {
  switch (static_cast<Profile>(profile)) {
    case Profile::kNone:
      return "no current profile";
    case Profile::kRemovableDisk:
      return "removable disk";
    case Profile::kCdRom:
      return "CD-ROM";
    case Profile::kCdR:
      return "CD-R";
    case Profile::kCdRw:
      return "CD-RW";
    case Profile::kDvdRom:
      return "DVD-ROM";
    case Profile::kDvdMinusRSequential:
      return "DVD-R sequential recording";
    case Profile::kDvdRam:
      return "DVD-RAM";
    case Profile::kDvdMinusRwRestrictedOverwrite:
      return "DVD-RW restricted overwrite";
    case Profile::kDvdMinusRwSequential:
      return "DVD-RW sequential recording";
    case Profile::kDvdMinusRDlSequential:
      return "DVD-R DL sequential recording";
    case Profile::kDvdMinusRDlLayerJump:
      return "DVD-R DL layer jump recording";
    case Profile::kDvdPlusRw:
      return "DVD+RW";
    case Profile::kDvdPlusR:
      return "DVD+R";
    case Profile::kDvdPlusRwDl:
      return "DVD+RW DL";
    case Profile::kDvdPlusRDl:
      return "DVD+R DL";
    case Profile::kBdRom:
      return "BD-ROM";
    case Profile::kBdRSrm:
      return "BD-R sequential recording";
    case Profile::kBdRRrm:
      return "BD-R random recording";
    case Profile::kBdRe:
      return "BD-RE";
    case Profile::kNonStandard:
      return "non-standard";
  }
  return {};
}

std::string_view FeatureName(std::uint16_t code) {
  switch (static_cast<FeatureCode>(code)) {
    case FeatureCode::kProfileList:
      return "Profile List";
    case FeatureCode::kCore:
      return "Core";
    case FeatureCode::kMorphing:
      return "Morphing";
    case FeatureCode::kRemovableMedium:
      return "Removable Medium";
    case FeatureCode::kWriteProtect:
      return "Write Protect";
    case FeatureCode::kRandomReadable:
      return "Random Readable";
    case FeatureCode::kMultiRead:
      return "Multi-Read";
    case FeatureCode::kCdRead:
      return "CD Read";
    case FeatureCode::kDvdRead:
      return "DVD Read";
    case FeatureCode::kRandomWritable:
      return "Random Writable";
    case FeatureCode::kIncrementalStreamingWritable:
      return "Incremental Streaming Writable";
    case FeatureCode::kFormattable:
      return "Formattable";
    case FeatureCode::kHardwareDefectManagement:
      return "Hardware Defect Management";
    case FeatureCode::kWriteOnce:
      return "Write Once";
    case FeatureCode::kRestrictedOverwrite:
      return "Restricted Overwrite";
    case FeatureCode::kCdRwCavWrite:
      return "CD-RW CAV Write";
    case FeatureCode::kMrw:
      return "MRW";
    case FeatureCode::kDvdPlusRw:
      return "DVD+RW";
    case FeatureCode::kDvdPlusR:
      return "DVD+R";
    case FeatureCode::kRigidRestrictedOverwrite:
      return "Rigid Restricted Overwrite";
    case FeatureCode::kCdTrackAtOnce:
      return "CD Track at Once";
    case FeatureCode::kCdMastering:
      return "CD Mastering";
    case FeatureCode::kDvdMinusRWrite:
      return "DVD-R/-RW Write";
    case FeatureCode::kLayerJumpRecording:
      return "Layer Jump Recording";
    case FeatureCode::kCdRwMediaWriteSupport:
      return "CD-RW Media Write Support";
    case FeatureCode::kBdRPseudoOverwrite:
      return "BD-R Pseudo-Overwrite";
    case FeatureCode::kDvdPlusRwDualLayer:
      return "DVD+RW Dual Layer";
    case FeatureCode::kDvdPlusRDualLayer:
      return "DVD+R Dual Layer";
    case FeatureCode::kBdRead:
      return "BD Read";
    case FeatureCode::kBdWrite:
      return "BD Write";
    case FeatureCode::kPowerManagement:
      return "Power Management";
    case FeatureCode::kTimeout:
      return "Timeout";
    case FeatureCode::kDvdCss:
      return "DVD CSS";
    case FeatureCode::kRealTimeStreaming:
      return "Real Time Streaming";
    case FeatureCode::kDriveSerialNumber:
      return "Drive Serial Number";
  }
  return {};
}

FeatureDescriptor EmptyFeature(FeatureCode code, bool current, bool persistent,
                               std::uint8_t version) {
  FeatureDescriptor d;
  d.code = static_cast<std::uint16_t>(code);
  d.version = version;
  d.persistent = persistent;
  d.current = current;
  return d;
}

}  // namespace mmc

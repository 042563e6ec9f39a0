// Mode parameter list and mode page codecs (SPC-4 7.5; MMC-5 r03c 7.3-7.5; MMC-3 5.5.10
// for page 2Ah).
#include "mmc/mode_pages.h"

#include <algorithm>

#include "parse_util.h"

namespace mmc {
namespace {

using internal::Bit;
using internal::Flag;
using internal::Malformed;

// Parses the pages in data[pos, end). `truncated`: the MODE DATA LENGTH announced more than
// the buffer holds, so a page cut at `end` is the allocation length's doing, not an error.
base::Expected<std::vector<ModePage>> ParsePages(std::span<const std::uint8_t> data,
                                                 std::size_t pos, std::size_t end, bool truncated,
                                                 const char* where) {
  std::vector<ModePage> pages;
  while (pos < end) {
    ModePage p;
    p.parameters_savable = Bit(data[pos], 7);
    p.subpage_format = Bit(data[pos], 6);
    p.code = static_cast<std::uint8_t>(data[pos] & 0x3F);
    std::size_t header = p.subpage_format ? 4 : 2;
    if (pos + header > end) {
      if (truncated) break;
      return Malformed(where,
                       "page header at byte " + std::to_string(pos) + " runs past the mode data");
    }
    std::size_t length;
    if (p.subpage_format) {
      p.subpage = data[pos + 1];
      length = base::LoadBe16(&data[pos + 2]);
    } else {
      length = data[pos + 1];
    }
    if (pos + header + length > end) {
      if (truncated) break;
      return Malformed(where, "page " + std::to_string(p.code) + " at byte " + std::to_string(pos) +
                                  " runs past the mode data");
    }
    auto first = data.begin() + static_cast<std::ptrdiff_t>(pos + header);
    p.data.assign(first, first + static_cast<std::ptrdiff_t>(length));
    pages.push_back(std::move(p));
    pos += header + length;
  }
  return pages;
}

void EncodePages(base::ByteWriter& w, const std::vector<ModePage>& pages) {
  for (const ModePage& p : pages) {
    std::uint8_t b0 = static_cast<std::uint8_t>(Flag(p.parameters_savable, 7) |
                                                Flag(p.subpage_format, 6) | (p.code & 0x3F));
    w.U8(b0);
    if (p.subpage_format) {
      std::size_t n = std::min<std::size_t>(p.data.size(), 0xFFFF);
      w.U8(p.subpage);
      w.Be16(static_cast<std::uint16_t>(n));
      w.Raw(std::span<const std::uint8_t>(p.data.data(), n));
    } else {
      std::size_t n = std::min<std::size_t>(p.data.size(), 0xFF);
      w.U8(static_cast<std::uint8_t>(n));
      w.Raw(std::span<const std::uint8_t>(p.data.data(), n));
    }
  }
}

std::size_t PagesSize(const std::vector<ModePage>& pages) {
  std::size_t n = 0;
  for (const ModePage& p : pages) {
    n += p.subpage_format ? 4 + std::min<std::size_t>(p.data.size(), 0xFFFF)
                          : 2 + std::min<std::size_t>(p.data.size(), 0xFF);
  }
  return n;
}

base::Status CheckPage(const ModePage& page, std::uint8_t code, std::size_t min_length,
                       const char* where) {
  if (page.code != code || page.subpage_format) {
    return Malformed(
        where, "page code " + std::to_string(page.code) + ", expected " + std::to_string(code));
  }
  if (page.data.size() < min_length) {
    return Malformed(where, "page length " + std::to_string(page.data.size()) + ", need at least " +
                                std::to_string(min_length));
  }
  return base::Ok();
}

}  // namespace

base::Expected<ModeParameterList> ModeParameterList::Parse6(std::span<const std::uint8_t> data) {
  const char* kWhere = "mode parameter list (6)";
  if (data.size() < 4) return Malformed(kWhere, std::to_string(data.size()) + " bytes, need 4");
  // SPC-4 7.5.5: byte 0 MODE DATA LENGTH (n - 1), byte 1 MEDIUM TYPE, byte 2
  // DEVICE-SPECIFIC PARAMETER, byte 3 BLOCK DESCRIPTOR LENGTH.
  bool announced = data[0] != 0;
  std::size_t end = announced ? std::min<std::size_t>(data.size(), 1u + data[0]) : data.size();
  if (end < 4)
    return Malformed(kWhere, "mode data length " + std::to_string(data[0]) + " at byte 0");
  ModeParameterList m;
  m.medium_type = data[1];
  m.device_specific = data[2];
  std::size_t bd = data[3];
  if (4 + bd > end) {
    return Malformed(
        kWhere, "block descriptor length " + std::to_string(bd) + " at byte 3 runs past the data");
  }
  m.block_descriptors.assign(data.begin() + 4, data.begin() + static_cast<std::ptrdiff_t>(4 + bd));
  bool truncated = announced && 1u + data[0] > data.size();
  ASSIGN_OR_RETURN(m.pages, ParsePages(data, 4 + bd, end, truncated, kWhere));
  return m;
}

base::Expected<ModeParameterList> ModeParameterList::Parse10(std::span<const std::uint8_t> data) {
  const char* kWhere = "mode parameter list (10)";
  if (data.size() < 8) return Malformed(kWhere, std::to_string(data.size()) + " bytes, need 8");
  // SPC-4 7.5.5: bytes 0-1 MODE DATA LENGTH (n - 2), byte 2 MEDIUM TYPE, byte 3
  // DEVICE-SPECIFIC PARAMETER, byte 4 bit 0 LONGLBA, bytes 6-7 BLOCK DESCRIPTOR LENGTH.
  std::size_t length = base::LoadBe16(data.data());
  bool announced = length != 0;
  std::size_t end = announced ? std::min<std::size_t>(data.size(), 2u + length) : data.size();
  if (end < 8)
    return Malformed(kWhere, "mode data length " + std::to_string(length) + " at byte 0");
  ModeParameterList m;
  m.medium_type = data[2];
  m.device_specific = data[3];
  m.long_lba = Bit(data[4], 0);
  std::size_t bd = base::LoadBe16(&data[6]);
  if (8 + bd > end) {
    return Malformed(
        kWhere, "block descriptor length " + std::to_string(bd) + " at byte 6 runs past the data");
  }
  m.block_descriptors.assign(data.begin() + 8, data.begin() + static_cast<std::ptrdiff_t>(8 + bd));
  bool truncated = announced && 2u + length > data.size();
  ASSIGN_OR_RETURN(m.pages, ParsePages(data, 8 + bd, end, truncated, kWhere));
  return m;
}

void ModeParameterList::Encode6To(base::ByteWriter& w, bool for_select) const {
  std::size_t bd = std::min<std::size_t>(block_descriptors.size(), 0xFF);
  std::size_t total = 4 + bd + PagesSize(pages);
  w.U8(for_select ? 0 : static_cast<std::uint8_t>(std::min<std::size_t>(total - 1, 0xFF)));
  w.U8(medium_type);
  w.U8(device_specific);
  w.U8(static_cast<std::uint8_t>(bd));
  w.Raw(std::span<const std::uint8_t>(block_descriptors.data(), bd));
  EncodePages(w, pages);
}

void ModeParameterList::Encode10To(base::ByteWriter& w, bool for_select) const {
  std::size_t bd = std::min<std::size_t>(block_descriptors.size(), 0xFFFF);
  std::size_t total = 8 + bd + PagesSize(pages);
  w.Be16(for_select ? 0 : static_cast<std::uint16_t>(std::min<std::size_t>(total - 2, 0xFFFF)));
  w.U8(medium_type);
  w.U8(device_specific);
  w.U8(Flag(long_lba, 0));
  w.U8(0);
  w.Be16(static_cast<std::uint16_t>(bd));
  w.Raw(std::span<const std::uint8_t>(block_descriptors.data(), bd));
  EncodePages(w, pages);
}

const ModePage* ModeParameterList::Find(std::uint8_t code) const {
  for (const ModePage& p : pages) {
    if (p.code == code && p.subpage == 0) return &p;
  }
  return nullptr;
}

// MMC-5 7.3.2: the parameter bytes below are numbered as page bytes (data[i - 2]).
base::Expected<ErrorRecoveryPage> ErrorRecoveryPage::FromPage(const ModePage& page) {
  RETURN_IF_ERROR(CheckPage(page, kCode, kPageLength, "Read/Write Error Recovery page"));
  const std::vector<std::uint8_t>& d = page.data;
  ErrorRecoveryPage p;
  p.parameters = d[0];
  p.read_retry_count = d[1];
  p.emcdr = static_cast<std::uint8_t>(d[5] & 3);
  p.write_retry_count = d[6];
  p.recovery_time_limit = base::LoadBe16(&d[8]);
  return p;
}

ModePage ErrorRecoveryPage::ToPage() const {
  ModePage page;
  page.code = kCode;
  page.data.assign(kPageLength, 0);
  page.data[0] = parameters;
  page.data[1] = read_retry_count;
  page.data[5] = static_cast<std::uint8_t>(emcdr & 3);
  page.data[6] = write_retry_count;
  base::StoreBe16(&page.data[8], recovery_time_limit);
  return page;
}

std::uint32_t DataBlockSize(std::uint8_t data_block_type) {
  switch (data_block_type) {
    case 0:
      return 2352;
    case 1:
      return 2368;
    case 2:
    case 3:
      return 2448;
    case 8:
    case 10:
      return 2048;
    case 9:
      return 2336;
    case 11:
      return 2056;
    case 12:
      return 2324;
    case 13:
      return 2332;
    default:
      return 0;
  }
}

// MMC-5 7.5.4 (page bytes; data[i - 2]).
base::Expected<WriteParametersPage> WriteParametersPage::FromPage(const ModePage& page) {
  RETURN_IF_ERROR(CheckPage(page, kCode, kPageLength, "Write Parameters page"));
  const std::vector<std::uint8_t>& d = page.data;
  WriteParametersPage p;
  p.buffer_underrun_free = Bit(d[0], 6);
  p.link_size_valid = Bit(d[0], 5);
  p.test_write = Bit(d[0], 4);
  p.write_type = static_cast<WriteType>(d[0] & 0x0F);
  p.multi_session = static_cast<MultiSession>(d[1] >> 6);
  p.fixed_packet = Bit(d[1], 5);
  p.copy = Bit(d[1], 4);
  p.track_mode = static_cast<std::uint8_t>(d[1] & 0x0F);
  p.data_block_type = static_cast<std::uint8_t>(d[2] & 0x0F);
  p.link_size = d[3];
  p.host_application_code = static_cast<std::uint8_t>(d[5] & 0x3F);
  p.session_format = d[6];
  p.packet_size = base::LoadBe32(&d[8]);
  p.audio_pause_length = base::LoadBe16(&d[12]);
  std::copy_n(&d[14], 16, p.media_catalog_number.begin());
  std::copy_n(&d[30], 16, p.isrc.begin());
  std::copy_n(&d[46], 4, p.subheader.begin());
  p.vendor_specific.assign(d.begin() + kPageLength, d.end());
  return p;
}

ModePage WriteParametersPage::ToPage() const {
  ModePage page;
  page.code = kCode;
  page.parameters_savable = false;
  std::vector<std::uint8_t>& d = page.data;
  d.assign(kPageLength, 0);
  d[0] = static_cast<std::uint8_t>(Flag(buffer_underrun_free, 6) | Flag(link_size_valid, 5) |
                                   Flag(test_write, 4) | static_cast<std::uint8_t>(write_type));
  d[1] = static_cast<std::uint8_t>((static_cast<std::uint8_t>(multi_session) << 6) |
                                   Flag(fixed_packet, 5) | Flag(copy, 4) | (track_mode & 0x0F));
  d[2] = static_cast<std::uint8_t>(data_block_type & 0x0F);
  d[3] = link_size;
  d[5] = static_cast<std::uint8_t>(host_application_code & 0x3F);
  d[6] = session_format;
  base::StoreBe32(&d[8], packet_size);
  base::StoreBe16(&d[12], audio_pause_length);
  std::copy(media_catalog_number.begin(), media_catalog_number.end(), d.begin() + 14);
  std::copy(isrc.begin(), isrc.end(), d.begin() + 30);
  std::copy(subheader.begin(), subheader.end(), d.begin() + 46);
  std::size_t extra = std::min<std::size_t>(vendor_specific.size(), 0xFF - kPageLength);
  d.insert(d.end(), vendor_specific.begin(),
           vendor_specific.begin() + static_cast<std::ptrdiff_t>(extra));
  return page;
}

base::Expected<PowerConditionPage> PowerConditionPage::FromPage(const ModePage& page) {
  RETURN_IF_ERROR(CheckPage(page, kCode, kPageLength, "Power Condition page"));
  const std::vector<std::uint8_t>& d = page.data;
  PowerConditionPage p;
  p.idle = Bit(d[1], 1);
  p.standby = Bit(d[1], 0);
  p.idle_timer = base::LoadBe32(&d[2]);
  p.standby_timer = base::LoadBe32(&d[6]);
  return p;
}

ModePage PowerConditionPage::ToPage() const {
  ModePage page;
  page.code = kCode;
  page.data.assign(kPageLength, 0);
  page.data[1] = static_cast<std::uint8_t>(Flag(idle, 1) | Flag(standby, 0));
  base::StoreBe32(&page.data[2], idle_timer);
  base::StoreBe32(&page.data[6], standby_timer);
  return page;
}

// MMC-3 5.5.10 (page bytes; data[i - 2]).
base::Expected<CapabilitiesPage> CapabilitiesPage::FromPage(const ModePage& page) {
  RETURN_IF_ERROR(CheckPage(page, kCode, 0x12, "CD/DVD Capabilities page"));
  std::vector<std::uint8_t> d = page.data;
  std::size_t real = d.size();
  if (d.size() < 30) d.resize(30, 0);
  CapabilitiesPage p;
  p.dvd_ram_read = Bit(d[0], 5);
  p.dvd_r_read = Bit(d[0], 4);
  p.dvd_rom_read = Bit(d[0], 3);
  p.method2 = Bit(d[0], 2);
  p.cd_rw_read = Bit(d[0], 1);
  p.cd_r_read = Bit(d[0], 0);
  p.dvd_ram_write = Bit(d[1], 5);
  p.dvd_r_write = Bit(d[1], 4);
  p.test_write = Bit(d[1], 2);
  p.cd_rw_write = Bit(d[1], 1);
  p.cd_r_write = Bit(d[1], 0);
  p.buffer_underrun_protection = Bit(d[2], 7);
  p.multi_session = Bit(d[2], 6);
  p.byte4_low = static_cast<std::uint8_t>(d[2] & 0x3F);
  p.byte5 = d[3];
  p.loading_mechanism = static_cast<std::uint8_t>(d[4] >> 5);
  p.eject = Bit(d[4], 3);
  p.prevent_jumper = Bit(d[4], 2);
  p.lock_state = Bit(d[4], 1);
  p.lock = Bit(d[4], 0);
  p.byte7 = d[5];
  p.max_read_speed = base::LoadBe16(&d[6]);
  p.volume_levels = base::LoadBe16(&d[8]);
  p.buffer_size_kb = base::LoadBe16(&d[10]);
  p.current_read_speed = base::LoadBe16(&d[12]);
  p.digital_output = d[15];
  p.max_write_speed = base::LoadBe16(&d[16]);
  p.current_write_speed = base::LoadBe16(&d[18]);
  p.copy_management_revision = base::LoadBe16(&d[20]);
  p.rotation_control = static_cast<std::uint8_t>(d[25] & 3);
  p.current_write_speed_selected = base::LoadBe16(&d[26]);
  std::size_t count = base::LoadBe16(&d[28]);
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t off = 30 + 4 * i;
    if (off + 4 > real) break;
    WriteSpeed s;
    s.rotation_control = static_cast<std::uint8_t>(d[off + 1] & 3);
    s.speed = base::LoadBe16(&d[off + 2]);
    p.write_speeds.push_back(s);
  }
  return p;
}

ModePage CapabilitiesPage::ToPage() const {
  ModePage page;
  page.code = kCode;
  std::size_t count = std::min<std::size_t>(write_speeds.size(), (0xFF - 30) / 4);
  std::vector<std::uint8_t>& d = page.data;
  d.assign(30 + 4 * count, 0);
  d[0] = static_cast<std::uint8_t>(Flag(dvd_ram_read, 5) | Flag(dvd_r_read, 4) |
                                   Flag(dvd_rom_read, 3) | Flag(method2, 2) | Flag(cd_rw_read, 1) |
                                   Flag(cd_r_read, 0));
  d[1] =
      static_cast<std::uint8_t>(Flag(dvd_ram_write, 5) | Flag(dvd_r_write, 4) |
                                Flag(test_write, 2) | Flag(cd_rw_write, 1) | Flag(cd_r_write, 0));
  d[2] = static_cast<std::uint8_t>(Flag(buffer_underrun_protection, 7) | Flag(multi_session, 6) |
                                   (byte4_low & 0x3F));
  d[3] = byte5;
  d[4] = static_cast<std::uint8_t>(((loading_mechanism & 7) << 5) | Flag(eject, 3) |
                                   Flag(prevent_jumper, 2) | Flag(lock_state, 1) | Flag(lock, 0));
  d[5] = byte7;
  base::StoreBe16(&d[6], max_read_speed);
  base::StoreBe16(&d[8], volume_levels);
  base::StoreBe16(&d[10], buffer_size_kb);
  base::StoreBe16(&d[12], current_read_speed);
  d[15] = digital_output;
  base::StoreBe16(&d[16], max_write_speed);
  base::StoreBe16(&d[18], current_write_speed);
  base::StoreBe16(&d[20], copy_management_revision);
  d[25] = static_cast<std::uint8_t>(rotation_control & 3);
  base::StoreBe16(&d[26], current_write_speed_selected);
  base::StoreBe16(&d[28], static_cast<std::uint16_t>(count));
  for (std::size_t i = 0; i < count; ++i) {
    d[30 + 4 * i + 1] = static_cast<std::uint8_t>(write_speeds[i].rotation_control & 3);
    base::StoreBe16(&d[30 + 4 * i + 2], write_speeds[i].speed);
  }
  return page;
}

}  // namespace mmc

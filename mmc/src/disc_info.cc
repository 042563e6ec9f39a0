// Codecs for READ DISC INFORMATION, READ TRACK INFORMATION, READ CAPACITY, READ FORMAT
// CAPACITIES, READ BUFFER CAPACITY and GET EVENT STATUS NOTIFICATION data (MMC-5 r03c
// 6.22.3.1, 6.27.3, 6.19.3, 6.24.3, 6.18.3, 6.7.3; unchanged in MMC-6).
#include "mmc/disc_info.h"

#include <algorithm>

#include "parse_util.h"

namespace mmc {
namespace {

using internal::Bit;
using internal::Flag;
using internal::Malformed;

std::string TooShort(std::size_t got, std::size_t need) {
  return std::to_string(got) + " bytes, need at least " + std::to_string(need);
}

}  // namespace

base::Expected<DiscInformation> DiscInformation::Parse(std::span<const std::uint8_t> data) {
  const char* kWhere = "READ DISC INFORMATION data";
  if (data.size() < 8) return Malformed(kWhere, TooShort(data.size(), 8));
  // Bytes 0-1 DISC INFORMATION LENGTH (n - 2).
  std::size_t announced = 2u + base::LoadBe16(data.data());
  if (announced < 8)
    return Malformed(kWhere,
                     "disc information length " + std::to_string(announced - 2) + " at byte 0");
  if ((data[2] >> 5) != 0) {
    return Malformed(kWhere, "data type " + std::to_string(data[2] >> 5) +
                                 " at byte 2, expected 0 (standard disc information)");
  }
  std::vector<std::uint8_t> b = internal::Window(data, announced, kLength);
  DiscInformation d;
  d.erasable = Bit(b[2], 4);
  d.last_session_state = static_cast<SessionState>((b[2] >> 2) & 3);
  d.status = static_cast<DiscStatus>(b[2] & 3);
  d.first_track = b[3];
  d.sessions = static_cast<std::uint16_t>((b[9] << 8) | b[4]);
  d.first_track_in_last_session = static_cast<std::uint16_t>((b[10] << 8) | b[5]);
  d.last_track_in_last_session = static_cast<std::uint16_t>((b[11] << 8) | b[6]);
  d.disc_id_valid = Bit(b[7], 7);
  d.bar_code_valid = Bit(b[7], 6);
  d.unrestricted_use = Bit(b[7], 5);
  d.application_code_valid = Bit(b[7], 4);
  d.dirty = Bit(b[7], 2);
  d.background_format = static_cast<BackgroundFormat>(b[7] & 3);
  d.disc_type = b[8];
  d.disc_identification = base::LoadBe32(&b[12]);
  d.last_session_lead_in_start = base::LoadBe32(&b[16]);
  d.last_possible_lead_out_start = base::LoadBe32(&b[20]);
  d.bar_code = base::LoadBe64(&b[24]);
  d.application_code = b[32];
  // Byte 33 NUMBER OF OPC TABLES; entries that the buffer cut off are dropped.
  std::size_t entries = b[33];
  std::size_t avail = std::min(data.size(), announced);
  for (std::size_t i = 0; i < entries; ++i) {
    std::size_t off = kLength + 8 * i;
    if (off + 8 > avail) break;
    OpcEntry e;
    e.speed = base::LoadBe16(&data[off]);
    std::copy_n(data.begin() + static_cast<std::ptrdiff_t>(off + 2), 6, e.values.begin());
    d.opc_table.push_back(e);
  }
  return d;
}

void DiscInformation::EncodeTo(base::ByteWriter& w) const {
  std::size_t entries = std::min<std::size_t>(opc_table.size(), 255);
  w.Be16(static_cast<std::uint16_t>(kLength - 2 + 8 * entries));
  w.U8(static_cast<std::uint8_t>(Flag(erasable, 4) |
                                 (static_cast<std::uint8_t>(last_session_state) << 2) |
                                 static_cast<std::uint8_t>(status)));
  w.U8(first_track);
  w.U8(static_cast<std::uint8_t>(sessions));
  w.U8(static_cast<std::uint8_t>(first_track_in_last_session));
  w.U8(static_cast<std::uint8_t>(last_track_in_last_session));
  w.U8(static_cast<std::uint8_t>(Flag(disc_id_valid, 7) | Flag(bar_code_valid, 6) |
                                 Flag(unrestricted_use, 5) | Flag(application_code_valid, 4) |
                                 Flag(dirty, 2) | static_cast<std::uint8_t>(background_format)));
  w.U8(disc_type);
  w.U8(static_cast<std::uint8_t>(sessions >> 8));
  w.U8(static_cast<std::uint8_t>(first_track_in_last_session >> 8));
  w.U8(static_cast<std::uint8_t>(last_track_in_last_session >> 8));
  w.Be32(disc_identification);
  w.Be32(last_session_lead_in_start);
  w.Be32(last_possible_lead_out_start);
  w.Be64(bar_code);
  w.U8(application_code);
  w.U8(static_cast<std::uint8_t>(entries));
  for (std::size_t i = 0; i < entries; ++i) {
    w.Be16(opc_table[i].speed);
    w.Raw(opc_table[i].values);
  }
}

base::Expected<TrackInformation> TrackInformation::Parse(std::span<const std::uint8_t> data) {
  const char* kWhere = "READ TRACK INFORMATION data";
  if (data.size() < 8) return Malformed(kWhere, TooShort(data.size(), 8));
  // Bytes 0-1 DATA LENGTH (n - 2). MMC-1 drives answer 26, MMC-3 34, MMC-5 46.
  std::size_t announced = 2u + base::LoadBe16(data.data());
  if (announced < 8) {
    return Malformed(kWhere, "data length " + std::to_string(announced - 2) + " at byte 0");
  }
  std::vector<std::uint8_t> b = internal::Window(data, announced, kLength);
  TrackInformation t;
  t.track = static_cast<std::uint16_t>((b[32] << 8) | b[2]);
  t.session = static_cast<std::uint16_t>((b[33] << 8) | b[3]);
  t.layer_jump_state = static_cast<std::uint8_t>(b[5] >> 6);
  t.damage = Bit(b[5], 5);
  t.copy = Bit(b[5], 4);
  t.track_mode = static_cast<std::uint8_t>(b[5] & 0x0F);
  t.reserved_track = Bit(b[6], 7);
  t.blank = Bit(b[6], 6);
  t.packet = Bit(b[6], 5);
  t.fixed_packet = Bit(b[6], 4);
  t.data_mode = static_cast<std::uint8_t>(b[6] & 0x0F);
  t.last_recorded_address_valid = Bit(b[7], 1);
  t.next_writable_address_valid = Bit(b[7], 0);
  t.start = base::LoadBe32(&b[8]);
  t.next_writable_address = base::LoadBe32(&b[12]);
  t.free_blocks = base::LoadBe32(&b[16]);
  t.fixed_packet_size = base::LoadBe32(&b[20]);
  t.size = base::LoadBe32(&b[24]);
  t.last_recorded_address = base::LoadBe32(&b[28]);
  t.read_compatibility_lba = base::LoadBe32(&b[36]);
  t.next_layer_jump_address = base::LoadBe32(&b[40]);
  t.last_layer_jump_address = base::LoadBe32(&b[44]);
  return t;
}

void TrackInformation::EncodeTo(base::ByteWriter& w) const {
  w.Be16(static_cast<std::uint16_t>(kLength - 2));
  w.U8(static_cast<std::uint8_t>(track));
  w.U8(static_cast<std::uint8_t>(session));
  w.U8(0);
  w.U8(static_cast<std::uint8_t>((layer_jump_state << 6) | Flag(damage, 5) | Flag(copy, 4) |
                                 (track_mode & 0x0F)));
  w.U8(static_cast<std::uint8_t>(Flag(reserved_track, 7) | Flag(blank, 6) | Flag(packet, 5) |
                                 Flag(fixed_packet, 4) | (data_mode & 0x0F)));
  w.U8(static_cast<std::uint8_t>(Flag(last_recorded_address_valid, 1) |
                                 Flag(next_writable_address_valid, 0)));
  w.Be32(start);
  w.Be32(next_writable_address);
  w.Be32(free_blocks);
  w.Be32(fixed_packet_size);
  w.Be32(size);
  w.Be32(last_recorded_address);
  w.U8(static_cast<std::uint8_t>(track >> 8));
  w.U8(static_cast<std::uint8_t>(session >> 8));
  w.Fill(0, 2);
  w.Be32(read_compatibility_lba);
  w.Be32(next_layer_jump_address);
  w.Be32(last_layer_jump_address);
}

base::Expected<ReadCapacityData> ReadCapacityData::Parse(std::span<const std::uint8_t> data) {
  if (data.size() < kLength) {
    return Malformed("READ CAPACITY data", TooShort(data.size(), kLength));
  }
  ReadCapacityData c;
  c.last_lba = base::LoadBe32(&data[0]);
  c.block_length = base::LoadBe32(&data[4]);
  return c;
}

void ReadCapacityData::EncodeTo(base::ByteWriter& w) const {
  w.Be32(last_lba);
  w.Be32(block_length);
}

base::Expected<FormatCapacities> FormatCapacities::Parse(std::span<const std::uint8_t> data) {
  const char* kWhere = "READ FORMAT CAPACITIES data";
  if (data.size() < 12) return Malformed(kWhere, TooShort(data.size(), 12));
  // Byte 3 CAPACITY LIST LENGTH: 8 bytes per descriptor, the current one first.
  std::size_t list_length = data[3];
  if (list_length == 0 || list_length % 8 != 0) {
    return Malformed(kWhere, "capacity list length " + std::to_string(list_length) +
                                 " at byte 3 is not a non-zero multiple of 8");
  }
  std::size_t end = std::min(data.size(), 4 + list_length);
  FormatCapacities f;
  f.current.blocks = base::LoadBe32(&data[4]);
  f.current.type = static_cast<CapacityType>(data[8] & 3);
  f.current.block_length = static_cast<std::uint32_t>((data[9] << 16) | (data[10] << 8) | data[11]);
  for (std::size_t off = 12; off + 8 <= end; off += 8) {
    Formattable d;
    d.blocks = base::LoadBe32(&data[off]);
    d.format_type = static_cast<std::uint8_t>(data[off + 4] >> 2);
    d.type_dependent =
        static_cast<std::uint32_t>((data[off + 5] << 16) | (data[off + 6] << 8) | data[off + 7]);
    f.formattable.push_back(d);
  }
  return f;
}

void FormatCapacities::EncodeTo(base::ByteWriter& w) const {
  std::size_t count = std::min<std::size_t>(formattable.size(), 31);
  w.Fill(0, 3);
  w.U8(static_cast<std::uint8_t>(8 * (count + 1)));
  w.Be32(current.blocks);
  w.U8(static_cast<std::uint8_t>(current.type));
  internal::WriteBe24(w, current.block_length & 0xFFFFFF);
  for (std::size_t i = 0; i < count; ++i) {
    w.Be32(formattable[i].blocks);
    w.U8(static_cast<std::uint8_t>(formattable[i].format_type << 2));
    internal::WriteBe24(w, formattable[i].type_dependent & 0xFFFFFF);
  }
}

base::Expected<BufferCapacity> BufferCapacity::Parse(std::span<const std::uint8_t> data) {
  if (data.size() < kLength) {
    return Malformed("READ BUFFER CAPACITY data", TooShort(data.size(), kLength));
  }
  BufferCapacity c;
  c.block_format = Bit(data[3], 0);
  c.buffer_length = c.block_format ? 0 : base::LoadBe32(&data[4]);
  c.available = base::LoadBe32(&data[8]);
  return c;
}

void BufferCapacity::EncodeTo(base::ByteWriter& w) const {
  w.Be16(static_cast<std::uint16_t>(kLength - 2));
  w.U8(0);
  w.U8(Flag(block_format, 0));
  w.Be32(block_format ? 0 : buffer_length);
  w.Be32(available);
}

base::Expected<EventStatus> EventStatus::Parse(std::span<const std::uint8_t> data) {
  const char* kWhere = "GET EVENT STATUS NOTIFICATION data";
  if (data.size() < 4) return Malformed(kWhere, TooShort(data.size(), 4));
  // Bytes 0-1 EVENT DATA LENGTH (n - 2).
  std::size_t end = std::min<std::size_t>(data.size(), 2u + base::LoadBe16(data.data()));
  if (end < 4) end = 4;
  EventStatus e;
  e.no_event_available = Bit(data[2], 7);
  e.notification_class = static_cast<std::uint8_t>(data[2] & 7);
  e.supported_classes = data[3];
  std::span<const std::uint8_t> body = data.subspan(4, end - 4);
  if (!e.no_event_available && e.notification_class == kMediaClass && body.size() >= 4) {
    MediaEvent m;
    m.event_code = static_cast<std::uint8_t>(body[0] & 0x0F);
    m.media_present = Bit(body[1], 1);
    m.tray_open = Bit(body[1], 0);
    m.start_slot = body[2];
    m.end_slot = body[3];
    e.media = m;
  } else if (!e.no_event_available) {
    e.other.assign(body.begin(), body.end());
  }
  return e;
}

void EventStatus::EncodeTo(base::ByteWriter& w) const {
  std::size_t body = media ? 4 : std::min<std::size_t>(other.size(), 0xFFFF - 2);
  if (no_event_available) body = 0;
  w.Be16(static_cast<std::uint16_t>(2 + body));
  w.U8(static_cast<std::uint8_t>(Flag(no_event_available, 7) | (notification_class & 7)));
  w.U8(supported_classes);
  if (no_event_available) return;
  if (media) {
    w.U8(static_cast<std::uint8_t>(media->event_code & 0x0F));
    w.U8(static_cast<std::uint8_t>(Flag(media->media_present, 1) | Flag(media->tray_open, 0)));
    w.U8(media->start_slot);
    w.U8(media->end_slot);
  } else {
    w.Raw(std::span<const std::uint8_t>(other.data(), body));
  }
}

}  // namespace mmc

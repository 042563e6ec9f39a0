// emulator::Drive, identification and device status: INQUIRY, REQUEST SENSE, START STOP
// UNIT, GET CONFIGURATION (profiles and features), GET EVENT STATUS NOTIFICATION, GET
// PERFORMANCE, READ BUFFER CAPACITY, READ BUFFER, MECHANISM STATUS and REPORT LUNS
// (SPC-4 clause 6, MMC-6 clause 6 and its feature descriptors of clause 5).
#include <algorithm>
#include <cstring>

#include "drive_impl.h"

namespace emulator {

// --- SPC-4 6.4 INQUIRY ------------------------------------------------------------------
std::uint32_t DriveState::Inquiry() {
  if (cdb_[1] & 0x01) {  // EVPD
    const std::uint8_t page = cdb_[2];
    if (page == 0x00) {
      out_ = {0x05, 0x00, 0x00, 0x02, 0x00, 0x80};
      return sense::kNone;
    }
    if (page == 0x80) {
      const std::string serial = "VR0000000001";
      out_ = {0x05, 0x80, 0x00, static_cast<std::uint8_t>(serial.size())};
      out_.insert(out_.end(), serial.begin(), serial.end());
      return sense::kNone;
    }
    return sense::kInvalidField;
  }
  if (cdb_[2] != 0) return sense::kInvalidField;
  base::ByteWriter w(&out_);
  w.U8(0x05);  // peripheral device type 05h: CD/DVD device (libburn, growisofs require it)
  w.U8(0x80);  // RMB: removable
  w.U8(0x05);  // version: SPC-3
  w.U8(0x32);  // HiSup, response data format 2
  w.U8(91);    // additional length: 96 bytes in total
  w.U8(0x00);
  w.U8(0x00);
  w.U8(0x00);
  w.Padded(identity.vendor, 8);
  w.Padded(identity.product, 16);
  w.Padded(identity.revision, 4);
  w.Fill(0, 96 - out_.size());
  return sense::kNone;
}

// --- SPC-4 6.29 REQUEST SENSE ----------------------------------------------------------
std::uint32_t DriveState::RequestSense() {
  std::uint32_t s = sense::kNone;
  std::optional<std::uint16_t> progress;
  if (unit_attention) {
    s = *unit_attention;
    unit_attention.reset();
  } else if (disc_impl() == nullptr) {
    s = sense::kNoMedium;
  } else if (background) {
    // An immediate operation in progress (MMC-5 6.2.2, 6.5.2; SPC-4 4.5.2.4.4): NO SENSE,
    // LOGICAL UNIT NOT READY with the operation's ASCQ, and the progress indication.
    const std::uint8_t ascq = background->ascq;
    progress = PollBackground();
    if (progress) s = Sense(0, 0x04, ascq);
  }
  out_.assign(18, 0);
  out_[0] = 0x70;
  out_[2] = static_cast<std::uint8_t>(s >> 16);
  out_[7] = 10;
  out_[12] = static_cast<std::uint8_t>(s >> 8);
  out_[13] = static_cast<std::uint8_t>(s);
  if (progress) {
    out_[15] = 0x80;
    out_[16] = static_cast<std::uint8_t>(*progress >> 8);
    out_[17] = static_cast<std::uint8_t>(*progress);
  }
  return sense::kNone;
}

// --- MMC-5 6.40 START STOP UNIT --------------------------------------------------------
std::uint32_t DriveState::StartStop() {
  const bool loej = (cdb_[4] & 0x02) != 0;
  const bool start = (cdb_[4] & 0x01) != 0;
  if (!loej) return sense::kNone;  // spin up / down; wodim starts an empty drive too
  if (start) {                     // load: close the tray
    if (tray_open) {
      tray_open = false;
      if (disc && !removed) {
        unit_attention = sense::kMediumChanged;
        media_event = true;
      }
    }
    return sense::kNone;
  }
  if (prevent) return sense::kRemovalPrevented;
  if (!tray_open) {
    if (DiscImpl* d = disc_impl()) {
      if (!d->Commit()) return sense::kInternalFailure;
    }
    tray_open = true;
  }
  return sense::kNone;
}

// --- MMC-5 6.6 GET CONFIGURATION -------------------------------------------------------
void DriveState::FeatureList(std::uint16_t profile, std::vector<std::uint8_t>* out, std::uint8_t rt,
                             std::uint16_t start) {
  DiscImpl* d = disc_impl();
  const bool cd = profile == 0x09 || profile == 0x0A;
  const bool dvd = profile >= 0x10 && profile < 0x40;
  const bool bd = profile >= 0x40;
  const bool random = d != nullptr && d->random_access();
  const bool any = profile != 0;
  auto feature = [&](std::uint16_t code, std::uint8_t version, bool current,
                     std::vector<std::uint8_t> body) {
    if (code < start) return;
    if (rt == 1 && !current) return;
    if (rt == 2 && code != start) return;
    base::ByteWriter w(out);
    w.Be16(code);
    w.U8(static_cast<std::uint8_t>((version << 2) | (current ? 1 : 0) |
                                   ((code <= 0x0003) ? 0x02 : 0)));
    w.U8(static_cast<std::uint8_t>(body.size()));
    w.Raw(body);
  };
  // Feature 0000h: Profile List (MMC-5 5.3.1), highest first.
  static constexpr std::uint16_t kProfiles[] = {0x43, 0x41, 0x40, 0x2B, 0x1B, 0x1A, 0x15, 0x14,
                                                0x13, 0x12, 0x11, 0x10, 0x0A, 0x09, 0x08};
  std::vector<std::uint8_t> plist;
  for (std::uint16_t p : kProfiles) {
    plist.push_back(static_cast<std::uint8_t>(p >> 8));
    plist.push_back(static_cast<std::uint8_t>(p));
    plist.push_back(p == profile ? 1 : 0);
    plist.push_back(0);
  }
  feature(0x0000, 0, true, plist);
  feature(0x0001, 2, true, {0, 0, 0, 2, 0x01, 0, 0, 0});  // Core: ATAPI, DBE
  feature(0x0002, 1, true, {0x02, 0, 0, 0});              // Morphing: OCEvent
  feature(0x0003, 0, true, {0x29, 0, 0, 0});              // tray loader, Eject, Lock  // tray
  feature(0x0010, 0, any,
          {0, 0, 0x08, 0x00, 0, static_cast<std::uint8_t>(cd ? 1 : (bd ? 32 : 16)), 0x00, 0});
  feature(0x001D, 0, any, {});                  // Multi-Read
  feature(0x001E, 2, cd, {0x03, 0, 0, 0});      // CD Read: C2, CD-Text
  feature(0x001F, 1, dvd, {0x01, 0, 0x01, 0});  // DVD Read: MULTI110, DL
  std::uint32_t last = d ? d->Capacity() - 1 : 0;
  feature(0x0020, 1, random,
          {static_cast<std::uint8_t>(last >> 24), static_cast<std::uint8_t>(last >> 16),
           static_cast<std::uint8_t>(last >> 8), static_cast<std::uint8_t>(last), 0, 0, 0x08, 0, 0,
           static_cast<std::uint8_t>(bd ? 32 : 16), 0, 0});
  const bool incremental =
      profile == 0x09 || profile == 0x0A || profile == 0x11 || profile == 0x14 || profile == 0x15;
  // Feature 0021h: data block types 0, 8, 10 (CD) or 8 (DVD); one link size (CD 7, DVD 16).
  feature(0x0021, 1, incremental,
          {static_cast<std::uint8_t>(cd ? 0x05 : 0x01), static_cast<std::uint8_t>(cd ? 0x01 : 0x00),
           0x01, 1, static_cast<std::uint8_t>(cd ? 7 : 16), 0, 0, 0});
  const bool formattable = profile == 0x1A || profile == 0x12 || profile == 0x13 ||
                           profile == 0x14 || profile == 0x41 || profile == 0x43;
  feature(0x0023, 1, formattable, {0x00, 0, 0, 0, 0, 0, 0, 0});
  feature(0x0024, 0, profile == 0x12 || profile == 0x43, {0x80, 0, 0, 0});  // defect mgmt (SSA)
  feature(0x0026, 0, profile == 0x13, {});                                  // restricted overwrite
  feature(0x002A, 1, profile == 0x1A, {0x01, 0x00, 0, 0});                  // DVD+RW: Write
  feature(0x002B, 0, profile == 0x1B || profile == 0x2B, {0x01, 0, 0, 0});  // DVD+R: Write
  feature(0x002C, 1, profile == 0x13, {0x0F, 0, 0, 0});                     // rigid RO
  feature(0x002D, 2, cd, {0x5F, 0, 0x07, 0x01});     // CD TAO: BUF, R-W raw/pack, test, CD-RW
  feature(0x002E, 1, cd, {0x7F, 0x00, 0x0F, 0xFF});  // CD Mastering: SAO, raw, raw MS; cue 4095
  feature(0x002F, 2, profile == 0x11 || profile == 0x14 || profile == 0x15, {0x4E, 0, 0, 0});
  feature(0x0037, 0, profile == 0x0A, {0, 0xFF, 0, 0});  // CD-RW media subtypes
  feature(0x0038, 0, profile == 0x41 && d != nullptr && d->formatted_, {0, 0, 0, 0});  // BD-R POW
  feature(0x003A, 0, false, {0x01, 0, 0, 0});
  feature(0x003B, 0, profile == 0x2B, {0x01, 0, 0, 0});      // DVD+R DL: Write
  feature(0x0040, 1, bd, std::vector<std::uint8_t>(28, 0));  // BD Read
  feature(0x0041, 2, profile == 0x41 || profile == 0x43,
          std::vector<std::uint8_t>(20, 0));  // BD Write
  feature(0x0100, 0, true, {});               // Power Management
  feature(0x0105, 1, true, {0x01, 0, 0, 0});  // Timeout
  feature(0x0107, 3, true, {0x1F, 0, 0, 0});  // Real Time Streaming: WSPD
}

std::uint32_t DriveState::GetConfiguration() {
  const std::uint8_t rt = cdb_[1] & 0x03;
  if (rt == 3) return sense::kInvalidField;
  const std::uint16_t start = LoadBe16(&cdb_[2]);
  DiscImpl* d = disc_impl();
  const std::uint16_t profile = d ? d->CurrentProfile() : 0;
  out_.assign(8, 0);
  StoreBe16(&out_[6], profile);
  FeatureList(profile, &out_, rt, start);
  StoreBe32(&out_[0], static_cast<std::uint32_t>(out_.size() - 4));
  return sense::kNone;
}

// --- MMC-5 6.7 GET EVENT STATUS NOTIFICATION (polled) -----------------------------------
std::uint32_t DriveState::GetEventStatus() {
  if ((cdb_[1] & 0x01) == 0) return sense::kInvalidField;  // asynchronous: not supported
  const std::uint8_t request = cdb_[4];
  // Operational change, power management, media, device busy.
  constexpr std::uint8_t kSupported = 0x02 | 0x04 | 0x10 | 0x40;
  out_.assign(4, 0);
  out_[3] = kSupported;
  // A pending media event first; then, while an immediate operation runs, the device busy
  // class (6.7.2.7: BusyEvent, busy status 2 "immediate", an estimate of 0.1 s) when asked
  // for; then media, power and operational change (status 2, busy, during the operation).
  // A poll that reports the operation counts as a status poll of it.
  if ((request & 0x40) != 0 && background && !media_event) {
    out_[2] = 0x06;
    const bool busy = PollBackground().has_value();
    out_.insert(out_.end(), {static_cast<std::uint8_t>(busy ? 0x01 : 0x00),
                             static_cast<std::uint8_t>(busy ? 0x02 : 0x00), 0x00,
                             static_cast<std::uint8_t>(busy ? 1 : 0)});
  } else if (request & 0x10) {
    out_[2] = 0x04;  // media class
    std::uint8_t code = 0;
    if (media_event) {
      code = disc_impl() ? 2 : 3;  // new media / media removal
      media_event = false;
    }
    out_.push_back(code);
    out_.push_back(
        static_cast<std::uint8_t>((disc_impl() ? 0x02 : 0x00) | (tray_open ? 0x01 : 0x00)));
    out_.push_back(0);
    out_.push_back(0);
  } else if (request & 0x04) {
    out_[2] = 0x02;  // power management: active
    out_.insert(out_.end(), {0x00, 0x01, 0x00, 0x00});
  } else if (request & 0x02) {
    out_[2] = 0x01;  // operational change: no event; available, or busy
    const bool busy = background && PollBackground().has_value();
    out_.insert(out_.end(), {0x00, static_cast<std::uint8_t>(busy ? 0x02 : 0x00), 0x00, 0x00});
  } else if (request & 0x40) {
    out_[2] = 0x06;  // device busy: no event
    out_.insert(out_.end(), {0x00, 0x00, 0x00, 0x00});
  } else {
    out_[2] = 0x80;  // NEA: no requested class is supported
  }
  StoreBe16(&out_[0], static_cast<std::uint16_t>(out_.size() - 2));
  return sense::kNone;
}

// --- MMC-5 6.8 GET PERFORMANCE -----------------------------------------------------------
std::uint32_t DriveState::GetPerformance() {
  const std::uint8_t type = cdb_[10];
  const std::uint16_t max = LoadBe16(&cdb_[8]);
  DiscImpl* d = disc_impl();
  SpeedSet sp = SpeedsFor(d ? d->info().family : base::MediaFamily::kCd);
  const std::uint32_t end = d ? d->Capacity() - 1 : 359846;
  out_.assign(8, 0);
  if (type == 0x00) {
    const bool write = (cdb_[1] & 0x04) != 0;
    if (max >= 1) {
      std::uint8_t e[16] = {};
      StoreBe32(e + 4, write ? sp.write.front() : sp.read);
      StoreBe32(e + 8, end);
      StoreBe32(e + 12, write ? sp.write.front() : sp.read);
      out_.insert(out_.end(), e, e + 16);
    }
    out_[4] = write ? 0x02 : 0x00;
  } else if (type == 0x03) {
    for (std::size_t i = 0; i < sp.write.size() && i < max; ++i) {
      std::uint8_t e[16] = {};
      e[0] = 0x00;  // WRC: default rotation (CLV)
      StoreBe32(e + 4, end);
      StoreBe32(e + 8, sp.read);
      StoreBe32(e + 12, sp.write[i]);
      out_.insert(out_.end(), e, e + 16);
    }
  } else {
    return sense::kInvalidField;
  }
  StoreBe32(&out_[0], static_cast<std::uint32_t>(out_.size() - 4));
  return sense::kNone;
}

// --- MMC-5 6.18 READ BUFFER CAPACITY, SPC-4 6.15 READ BUFFER ----------------------------
std::uint32_t DriveState::ReadBufferCapacity() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  const std::uint32_t bytes = identity.buffer_kib * 1024;
  out_.assign(12, 0);
  StoreBe16(&out_[0], 10);
  if (cdb_[1] & 0x01) {  // block: available space in blocks
    out_[3] = 0x01;
    StoreBe32(&out_[8], bytes / 2048);
  } else {
    StoreBe32(&out_[4], bytes);
    StoreBe32(&out_[8], bytes);  // written through: the buffer is always empty
  }
  return sense::kNone;
}

std::uint32_t DriveState::ReadBuffer() {
  const std::uint8_t mode = cdb_[1] & 0x1F;
  const std::uint32_t bytes = identity.buffer_kib * 1024;
  if (mode == 0x00) {  // combined header and data: capacity only
    out_ = {0, static_cast<std::uint8_t>(bytes >> 16), static_cast<std::uint8_t>(bytes >> 8),
            static_cast<std::uint8_t>(bytes)};
    return sense::kNone;
  }
  if (mode == 0x03) {  // descriptor: offset boundary and capacity
    out_ = {0, static_cast<std::uint8_t>(bytes >> 16), static_cast<std::uint8_t>(bytes >> 8),
            static_cast<std::uint8_t>(bytes)};
    return sense::kNone;
  }
  return sense::kInvalidField;
}

std::uint32_t DriveState::MechanismStatus() {
  out_.assign(8, 0);
  out_[1] = tray_open ? 0x10 : 0x00;
  return sense::kNone;
}

std::uint32_t DriveState::ReportLuns() {
  out_.assign(16, 0);
  StoreBe32(&out_[0], 8);
  return sense::kNone;
}

}  // namespace emulator

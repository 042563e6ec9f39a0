// emulator::Drive, mode pages: MODE SENSE(6/10) and MODE SELECT(6/10) (SPC-4 6.9-6.12)
// over the pages a recorder keeps: 01h read/write error recovery, 05h write parameters
// (validated against the medium) and 2Ah capabilities and mechanical status (MMC-5 7.3, 7.5;
// page 2Ah: MMC-3 r10g 5.5.10).
#include <algorithm>
#include <cstring>

#include "drive_impl.h"

namespace emulator {

// --- MMC-5 7.3-7.5 mode pages; SPC-4 6.11 / 6.12 MODE SENSE, 6.9 / 6.10 MODE SELECT --------
void DriveState::AppendPage01(bool changeable) {
  std::uint8_t p[12] = {0x01, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  if (!changeable) p[3] = 0x01;  // read retry count
  out_.insert(out_.end(), p, p + 12);
}

void DriveState::AppendPage05(const WriteParameters& w, bool changeable) {
  std::uint8_t p[52] = {};
  p[0] = 0x05;
  p[1] = 0x32;
  if (changeable) {
    std::memset(p + 2, 0xFF, 50);
  } else {
    p[2] = static_cast<std::uint8_t>((w.bufe ? 0x40 : 0) | (w.ls_v ? 0x20 : 0) |
                                     (w.test_write ? 0x10 : 0) | (w.write_type & 0x0F));
    p[3] = static_cast<std::uint8_t>((w.multisession << 6) | (w.fixed_packet ? 0x20 : 0) |
                                     (w.track_mode & 0x0F));
    p[4] = w.data_block_type & 0x0F;
    p[5] = w.link_size;
    p[8] = w.session_format;
    StoreBe32(p + 10, w.packet_size);
    StoreBe16(p + 14, 150);  // audio pause length
  }
  out_.insert(out_.end(), p, p + 52);
}

void DriveState::AppendPage2A(bool changeable) {
  DiscImpl* d = disc_impl();
  SpeedSet sp = SpeedsFor(d ? d->info().family : base::MediaFamily::kCd);
  const std::size_t n = sp.write.size();
  std::vector<std::uint8_t> p(32 + 4 * n, 0);
  p[0] = 0x2A;
  p[1] = static_cast<std::uint8_t>(p.size() - 2);
  if (!changeable) {
    p[2] = 0x3F;  // reads CD-R, CD-RW, method 2, DVD-ROM, DVD-R, DVD-RAM
    p[3] = 0x37;  // writes CD-R, CD-RW, test write, DVD-R, DVD-RAM
    p[4] = 0xF1;  // BUF, multi-session, mode 2 form 1/2, audio play
    p[5] = 0x3F;  // ISRC, C2 pointers, R-W, CD-DA accurate, CD-DA commands
    p[6] = static_cast<std::uint8_t>(0x29 | (prevent ? 0x02 : 0));  // tray, eject, lock
    p[7] = 0x20;                                                    // R-W in lead-in
    StoreBe16(&p[8], sp.read);
    StoreBe16(&p[10], 256);
    StoreBe16(&p[12],
              static_cast<std::uint16_t>(std::min<std::uint32_t>(identity.buffer_kib, 65535)));
    StoreBe16(&p[14], sp.read);
    StoreBe16(&p[18], sp.write.front());
    StoreBe16(&p[20], write_speed ? write_speed : sp.write.front());
    StoreBe16(&p[28], write_speed ? write_speed : sp.write.front());
    StoreBe16(&p[30], static_cast<std::uint16_t>(n));
    for (std::size_t i = 0; i < n; ++i) StoreBe16(&p[32 + 4 * i + 2], sp.write[i]);
  }
  out_.insert(out_.end(), p.begin(), p.end());
}

std::uint32_t DriveState::ModeSense(bool ten) {
  const std::uint8_t pc = cdb_[2] >> 6;
  const std::uint8_t page = cdb_[2] & 0x3F;
  if (pc == 3) return sense::kSavingNotSupported;
  if (cdb_[3] != 0 && page != 0x3F) return sense::kInvalidField;  // no sub-pages
  const bool changeable = pc == 1;
  const std::size_t header = ten ? 8 : 4;
  out_.assign(header, 0);
  DiscImpl* d = disc_impl();
  WriteParameters defaults;
  if (d && !d->is_cd()) {
    defaults.write_type = 0;
    defaults.track_mode = 5;
  }
  const WriteParameters& w = (d && pc == 0) ? d->params_ : defaults;
  switch (page) {
    case 0x01:
      AppendPage01(changeable);
      break;
    case 0x05:
      AppendPage05(w, changeable);
      break;
    case 0x2A:
      AppendPage2A(changeable);
      break;
    case 0x3F:
      AppendPage01(changeable);
      AppendPage05(w, changeable);
      AppendPage2A(changeable);
      break;
    default:
      return sense::kInvalidField;
  }
  if (ten) {
    StoreBe16(&out_[0], static_cast<std::uint16_t>(out_.size() - 2));
  } else {
    out_[0] = static_cast<std::uint8_t>(std::min<std::size_t>(out_.size() - 1, 255));
  }
  return sense::kNone;
}

// Page 05h checks (MMC-5 7.5): the write type must suit the medium loaded (or, without
// one, the drive), and the data block type the write type. wodim's "Supported modes"
// comes from which combinations are accepted.
std::uint32_t DriveState::ValidatePage05(const std::uint8_t* page, std::size_t len,
                                         WriteParameters* w) {
  if (len < 16) return sense::kParameterLength;
  w->bufe = (page[2] & 0x40) != 0;
  w->ls_v = (page[2] & 0x20) != 0;
  w->test_write = (page[2] & 0x10) != 0;
  w->write_type = page[2] & 0x0F;
  w->multisession = page[3] >> 6;
  w->fixed_packet = (page[3] & 0x20) != 0;
  w->track_mode = page[3] & 0x0F;
  w->data_block_type = page[4] & 0x0F;
  w->link_size = page[5];
  w->session_format = page[8];
  w->packet_size = LoadBe32(page + 10);
  w->catalog.clear();
  w->isrc.clear();
  auto text = [&](std::size_t at, std::size_t n, std::string* out) {
    if (len < at + 1 + n || (page[at] & 0x80) == 0) return;  // MCVAL / TCVAL
    out->assign(reinterpret_cast<const char*>(page + at + 1), n);
  };
  text(16, 13, &w->catalog);
  text(32, 12, &w->isrc);
  if (w->write_type > 4) return sense::kInvalidParameter;
  if (w->multisession == 1 || w->multisession == 2) return sense::kInvalidParameter;
  DiscImpl* d = disc_impl();
  const bool cd = d == nullptr || d->is_cd();
  if (cd) {
    if (w->write_type == 4) return sense::kInvalidParameter;  // layer jump is DVD-R DL only
    const bool audio = (w->track_mode & 0x04) == 0;
    switch (w->write_type) {
      case 0:  // packet: data only, fixed packets of user data
        if (audio || (w->data_block_type != 8 && w->data_block_type != 10))
          return sense::kInvalidParameter;
        break;
      case 1:  // TAO
        if (audio ? w->data_block_type != 0
                  : (w->data_block_type != 8 && w->data_block_type != 9 &&
                     w->data_block_type != 10)) {
          return sense::kInvalidParameter;
        }
        break;
      case 2:  // SAO: block sizes come from the cue sheet
        if (w->data_block_type != 0 && w->data_block_type != 8 && w->data_block_type != 9 &&
            w->data_block_type != 10) {
          return sense::kInvalidParameter;
        }
        break;
      case 3:  // RAW: 2352 + sub-channel
        if (w->data_block_type < 1 || w->data_block_type > 3) return sense::kInvalidParameter;
        break;
    }
    return sense::kNone;
  }
  const std::uint16_t profile = d->CurrentProfile();
  if (profile == 0x11 || profile == 0x14 || profile == 0x15) {  // DVD-R/-RW sequential
    if (w->write_type != 0 && w->write_type != 2) {             // layer jump (4) is not modelled
      return sense::kInvalidParameter;
    }
    if (w->data_block_type != 8) return sense::kInvalidParameter;
    return sense::kNone;
  }
  // DVD+R/+RW, DVD-RAM, DVD-RW restricted overwrite and BD do not use page 05h; drives
  // accept the page (growisofs sends it for DVD+R) as long as it asks for 2048-byte data.
  if (w->data_block_type != 8 || w->write_type == 1 || w->write_type == 3)
    return sense::kInvalidParameter;
  return sense::kNone;
}

std::uint32_t DriveState::ModeSelect(bool ten) {
  const std::size_t header = ten ? 8 : 4;
  consumed_ = static_cast<std::uint32_t>(data_.size());
  if (data_.size() < header) return data_.empty() ? sense::kNone : sense::kParameterLength;
  const std::size_t bdl = ten ? LoadBe16(&data_[6]) : data_[3];
  std::size_t pos = header + bdl;
  DiscImpl* d = disc_impl();
  while (pos + 2 <= data_.size()) {
    const std::uint8_t code = data_[pos] & 0x3F;
    if (data_[pos] & 0x80) return sense::kInvalidParameter;  // PS must be zero
    const std::size_t len = std::size_t{data_[pos + 1]} + 2;
    if (pos + len > data_.size()) return sense::kParameterLength;
    if (code == 0x05) {
      WriteParameters w;
      std::uint32_t s = ValidatePage05(&data_[pos], len, &w);
      if (s != sense::kNone) return s;
      if (d) {
        d->params_ = w;
        d->next_session_allowed_ = !d->is_cd() && d->CurrentProfile() != 0x11 &&
                                           d->CurrentProfile() != 0x14 &&
                                           d->CurrentProfile() != 0x15
                                       ? true
                                       : w.multisession == 3;
      }
    } else if (code != 0x01 && code != 0x2A) {
      return sense::kInvalidParameter;
    }
    pos += len;
  }
  return sense::kNone;
}

}  // namespace emulator

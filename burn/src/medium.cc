// Probing a recorder and its medium (burn/medium.h). Section numbers: MMC-5 r03c, whose
// layouts MMC-6 keeps (specs/mmc.md).
#include "burn/medium.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "base/bytes.h"
#include "mmc/cdb.h"

namespace burn {

const char* MediumKindName(MediumKind kind) {
  switch (kind) {
    case MediumKind::kNone:
      return "none";
    case MediumKind::kCd:
      return "cd";
    case MediumKind::kDvdMinusSeq:
      return "dvd-sequential";
    case MediumKind::kDvdMinusRwRo:
      return "dvd-rw-restricted-overwrite";
    case MediumKind::kDvdPlusR:
      return "dvd+r";
    case MediumKind::kDvdPlusRw:
      return "dvd+rw";
    case MediumKind::kDvdRam:
      return "dvd-ram";
    case MediumKind::kBdR:
      return "bd-r";
    case MediumKind::kBdRe:
      return "bd-re";
    case MediumKind::kReadOnly:
      return "read-only";
    case MediumKind::kUnknown:
      break;
  }
  return "unknown";
}

const char* MediumStateName(MediumState state) {
  switch (state) {
    case MediumState::kNone:
      return "none";
    case MediumState::kBlank:
      return "blank";
    case MediumState::kAppendable:
      return "appendable";
    case MediumState::kComplete:
      return "complete";
    case MediumState::kOverwritable:
      return "overwritable";
  }
  return "none";
}

std::string ProfileName(std::uint16_t profile) {
  // MMC-5 5.3.1, Table 91.
  switch (profile) {
    case 0x0008:
      return "CD-ROM";
    case 0x0009:
      return "CD-R";
    case 0x000A:
      return "CD-RW";
    case 0x0010:
      return "DVD-ROM";
    case 0x0011:
      return "DVD-R";
    case 0x0012:
      return "DVD-RAM";
    case 0x0013:
      return "DVD-RW (restricted overwrite)";
    case 0x0014:
      return "DVD-RW";
    case 0x0015:
      return "DVD-R DL";
    case 0x0016:
      return "DVD-R DL (layer jump)";
    case 0x001A:
      return "DVD+RW";
    case 0x001B:
      return "DVD+R";
    case 0x002A:
      return "DVD+RW DL";
    case 0x002B:
      return "DVD+R DL";
    case 0x0040:
      return "BD-ROM";
    case 0x0041:
      return "BD-R";
    case 0x0042:
      return "BD-R (random recording)";
    case 0x0043:
      return "BD-RE";
    default:
      break;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "profile %04Xh", profile);
  return buf;
}

namespace {

MediumKind KindOf(std::uint16_t profile) {
  switch (profile) {
    case 0x0000:
      return MediumKind::kNone;
    case 0x0009:
    case 0x000A:
      return MediumKind::kCd;
    case 0x0011:
    case 0x0014:
    case 0x0015:
      return MediumKind::kDvdMinusSeq;
    case 0x0013:
      return MediumKind::kDvdMinusRwRo;
    case 0x001B:
    case 0x002B:
      return MediumKind::kDvdPlusR;
    case 0x001A:
    case 0x002A:
      return MediumKind::kDvdPlusRw;
    case 0x0012:
      return MediumKind::kDvdRam;
    case 0x0041:
      return MediumKind::kBdR;
    case 0x0043:
      return MediumKind::kBdRe;
    case 0x0008:
    case 0x0010:
    case 0x0040:
      return MediumKind::kReadOnly;
    default:
      return MediumKind::kUnknown;
  }
}

// kB/s of "1x" (MMC-5 6.37 / 6.8.3: CD 176.4, DVD 1385, BD 4496).
double UnitKbps(MediumKind kind, std::uint16_t profile) {
  if (kind == MediumKind::kCd || (profile >= 0x08 && profile <= 0x0A)) return 176.4;
  if (kind == MediumKind::kBdR || kind == MediumKind::kBdRe || profile >= 0x40) return 4496;
  return 1385;
}

bool IsBlankOrNoMedium(const base::Error& e, const mmc::Device& device) {
  (void)e;
  const auto& s = device.last_sense();
  return s && s->key == mmc::SenseKey::kNotReady && s->asc == 0x3A;
}

}  // namespace

base::Expected<MediumInfo> ProbeMedium(mmc::Device& device) {
  MediumInfo m;
  // A pending unit attention (a medium was just loaded) is reported once; ask again.
  base::Status ready = device.TestUnitReady();
  for (int i = 0; i < 3 && !ready; ++i) {
    const auto& s = device.last_sense();
    if (!s) return ready.error();
    if (s->key == mmc::SenseKey::kNotReady && s->asc == 0x3A) return m;  // no medium
    if (s->key != mmc::SenseKey::kUnitAttention &&
        !(s->key == mmc::SenseKey::kNotReady && s->asc == 0x04)) {
      return ready.error();
    }
    ready = device.TestUnitReady();
  }
  if (!ready) {
    if (IsBlankOrNoMedium(ready.error(), device)) return m;
    return ready.error();
  }
  ASSIGN_OR_RETURN(mmc::Configuration config,
                   device.GetConfiguration(mmc::ConfigurationRequestType::kOne, 0));
  m.profile = config.current_profile;
  m.kind = KindOf(m.profile);
  if (m.kind == MediumKind::kNone) return m;
  ASSIGN_OR_RETURN(mmc::DiscInformation di, device.ReadDiscInformation());
  m.erasable = di.erasable;
  m.sessions = di.sessions;
  m.tracks = di.last_track_in_last_session;
  m.background_format = static_cast<std::uint8_t>(di.background_format);
  const bool random = m.kind == MediumKind::kDvdPlusRw || m.kind == MediumKind::kDvdRam ||
                      m.kind == MediumKind::kBdRe || m.kind == MediumKind::kDvdMinusRwRo;
  if (random) {
    auto caps = device.ReadFormatCapacities();
    if (caps) {
      m.formatted = caps->current.type == mmc::CapacityType::kFormatted;
      m.capacity_blocks = caps->current.blocks;
      if (!m.formatted) {
        for (const auto& f : caps->formattable)
          m.capacity_blocks = std::max(m.capacity_blocks, f.blocks);
      }
    }
    // DVD+RW formats itself on the first write; a running background format counts.
    if (m.kind == MediumKind::kDvdPlusRw && di.background_format != mmc::BackgroundFormat::kNone)
      m.formatted = true;
    if (m.kind == MediumKind::kDvdRam || m.kind == MediumKind::kDvdMinusRwRo) m.formatted = true;
    m.state = m.formatted ? MediumState::kOverwritable : MediumState::kBlank;
    m.free_blocks = m.capacity_blocks;
    m.next_writable = 0;
  } else {
    switch (di.status) {
      case mmc::DiscStatus::kEmpty:
        m.state = MediumState::kBlank;
        break;
      case mmc::DiscStatus::kIncomplete:
        m.state = MediumState::kAppendable;
        break;
      case mmc::DiscStatus::kComplete:
        m.state = MediumState::kComplete;
        break;
      case mmc::DiscStatus::kOther:
        m.state = MediumState::kOverwritable;
        break;
    }
    if (m.kind == MediumKind::kReadOnly) m.state = MediumState::kComplete;
    if (m.state == MediumState::kBlank || m.state == MediumState::kAppendable) {
      // The invisible track (track number FFh, MMC-5 6.27.2.3).
      ASSIGN_OR_RETURN(mmc::TrackInformation ti,
                       device.ReadTrackInformation(mmc::TrackAddressType::kTrackNumber, 0xFF));
      if (ti.next_writable_address_valid) m.next_writable = ti.next_writable_address;
      m.free_blocks = ti.free_blocks;
      m.capacity_blocks = (m.next_writable ? *m.next_writable : 0) + ti.free_blocks;
    }
  }
  if (m.state != MediumState::kBlank) {
    if (auto cap = device.ReadCapacity();
        cap && (cap->last_lba != 0 || m.state != MediumState::kBlank)) {
      m.recorded_blocks = random ? 0 : cap->last_lba + 1;
    }
  }
  // DVD+R DL layer boundary (MMC-5 6.23.3.2.15, format 20h): bytes 4 bit 7 INIT STATUS,
  // bytes 8-11 layer 0 end sector number.
  if (m.profile == 0x002B) {
    std::vector<std::uint8_t> lb(12);
    const auto cdb = mmc::ReadDiscStructure(mmc::DiscStructureMedia::kDvd, 0, 0, 0x20, 12);
    if (device.Run(cdb, mmc::DataDirection::kFromDevice, lb)) {
      m.layer_break = base::LoadBe32(&lb[8]);
      m.layer_break_settable = m.state == MediumState::kBlank;
    }
  }
  if (auto speeds = device.GetWriteSpeeds(); speeds) {
    const double unit = UnitKbps(m.kind, m.profile);
    for (const auto& d : speeds->descriptors) {
      if (d.write_speed == 0) continue;
      WriteSpeed s;
      s.kbps = d.write_speed;
      char buf[16];
      const double x = static_cast<double>(d.write_speed) / unit;
      // Drives round their speeds; "8x" rather than "7.998x".
      if (x >= 1 && std::abs(x - std::round(x)) < 0.05) {
        std::snprintf(buf, sizeof buf, "%.0fx", std::round(x));
      } else {
        std::snprintf(buf, sizeof buf, "%.1fx", x);
      }
      s.multiple = buf;
      if (std::none_of(m.speeds.begin(), m.speeds.end(),
                       [&](const WriteSpeed& w) { return w.kbps == s.kbps; }))
        m.speeds.push_back(s);
    }
    std::sort(m.speeds.begin(), m.speeds.end(),
              [](const WriteSpeed& a, const WriteSpeed& b) { return a.kbps > b.kbps; });
  }
  return m;
}

base::Expected<DriveDescription> DescribeDrive(mmc::Device& device) {
  DriveDescription d;
  ASSIGN_OR_RETURN(mmc::InquiryData inquiry, device.Inquiry());
  d.vendor = inquiry.vendor;
  d.product = inquiry.product;
  d.revision = inquiry.revision;
  ASSIGN_OR_RETURN(mmc::Configuration config, device.GetConfiguration());
  if (const mmc::FeatureDescriptor* list = config.Find(mmc::FeatureCode::kProfileList)) {
    for (std::size_t i = 0; i + 4 <= list->data.size(); i += 4) {
      d.profiles.push_back(base::LoadBe16(&list->data[i]));
    }
  }
  // CD Track at Once (002Dh) and DVD-R/-RW Write (002Fh), byte 4: bit 6 BUF, bit 2 Test
  // Write (MMC-5 5.3.19, 5.3.21).
  for (auto code : {mmc::FeatureCode::kCdTrackAtOnce, mmc::FeatureCode::kDvdMinusRWrite}) {
    if (const mmc::FeatureDescriptor* f = config.Find(code); f && !f->data.empty()) {
      d.test_write = d.test_write || (f->data[0] & 0x04) != 0;
      d.burn_free = d.burn_free || (f->data[0] & 0x40) != 0;
    }
  }
  ASSIGN_OR_RETURN(d.medium, ProbeMedium(device));
  return d;
}

double OneXKbps(const MediumInfo& m) { return UnitKbps(m.kind, m.profile); }

std::string DescribeMedium(const MediumInfo& m) {
  if (m.kind == MediumKind::kNone) return "no medium";
  std::string s = ProfileName(m.profile) + ", " + MediumStateName(m.state);
  if (m.state == MediumState::kBlank || m.state == MediumState::kAppendable ||
      m.state == MediumState::kOverwritable) {
    s += ", " + std::to_string(m.free_blocks) + " blocks free";
  }
  return s;
}

}  // namespace burn

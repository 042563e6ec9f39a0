// System Use area parser (SUSP 1.12 clause 5, RRIP 1.12 clause 4); see susp.h.
#include "rockridge/susp.h"

#include "base/bytes.h"
#include "reader/reader_util.h"
#include "rockridge/rrip_format.h"
#include "rockridge/susp_format.h"

namespace fs::reader {

void SystemUse::Clear() {
  has_sp = false;
  sp_skip = 0;
  extensions.clear();
  has_px = false;
  mode = links = uid = gid = 0;
  has_mtime = false;
  mtime = Timestamp();
  has_nm = nm_current = nm_parent = false;
  name.clear();
  has_sl = false;
  symlink.clear();
  relocated = false;
  child_link.reset();
  parent_link.reset();
  has_pn = false;
  pn_high = pn_low = 0;
  zisofs = false;
  sparse = false;
  warnings.clear();
}

namespace {

namespace rr = fs::rockridge;
// SUSP 4.1: the entry header (signature, length, version) before an entry's data.
constexpr std::size_t kHeader = sizeof(rr::EntryHeader);

constexpr std::uint16_t Sig(char a, char b) {
  return static_cast<std::uint16_t>((static_cast<unsigned>(a) << 8) | static_cast<unsigned>(b));
}

struct SlState {
  bool need_slash = false;
  bool continues = false;  // the previous SL entry had CONTINUE
};

class Parser {
 public:
  Parser(const base::BlockDevice* device, const std::string& where, const SystemUseLimits& limits,
         SystemUse* out)
      : device_(device), where_(where), limits_(limits), out_(out) {}

  base::Status Run(std::span<const std::uint8_t> area) {
    std::span<const std::uint8_t> current = area;
    int continuations = 0;
    std::vector<std::uint8_t> buffer;
    for (;;) {
      pending_ce_.reset();
      RETURN_IF_ERROR(ParseArea(current));
      if (!pending_ce_) break;
      if (device_ == nullptr) break;
      if (++continuations > limits_.max_continuations) {
        return base::CorruptImage(where_, "more than " + std::to_string(limits_.max_continuations) +
                                              " SUSP continuation areas (CE loop?)");
      }
      const auto [block, offset, length] = *pending_ce_;
      if (offset >= base::kBlockSize || length > base::kBlockSize - offset) {
        return base::CorruptImage(where_ + ": " + LbaWhere(block),
                                  "SUSP CE continuation area crosses its block (offset " +
                                      std::to_string(offset) + ", length " +
                                      std::to_string(length) + ")");
      }
      ASSIGN_OR_RETURN(current, Bytes(*device_, std::uint64_t{block} * base::kBlockSize + offset,
                                      length, "SUSP continuation area", &buffer));
      if (!buffer.empty()) {
        owned_.assign(current.begin(), current.end());
        current = owned_;
      }
    }
    return base::Ok();
  }

 private:
  base::Status ParseArea(std::span<const std::uint8_t> area) {
    std::size_t pos = 0;
    while (pos + kHeader <= area.size()) {
      const std::uint8_t* e = area.data() + pos;
      const std::uint16_t sig = static_cast<std::uint16_t>((e[0] << 8) | e[1]);
      const std::uint8_t len = e[2];
      if (sig == 0) break;  // zero padding at the end of the area
      if (len == 0) {
        out_->warnings.push_back(where_ + ": SUSP entry " + SigText(e) + " has length 0");
        break;
      }
      if (len < kHeader || len > area.size() - pos) {
        out_->warnings.push_back(where_ + ": SUSP entry " + SigText(e) + " has length " +
                                 std::to_string(len) + " but " + std::to_string(area.size() - pos) +
                                 " bytes remain");
        break;
      }
      std::span<const std::uint8_t> data(e + kHeader, len - kHeader);
      if (sig == Sig('S', 'T')) return base::Ok();
      RETURN_IF_ERROR(Entry(sig, data, e));
      pos += len;
    }
    return base::Ok();
  }

  static std::string SigText(const std::uint8_t* e) {
    std::string s;
    for (int i = 0; i < 2; ++i)
      s.push_back(e[i] >= 0x20 && e[i] < 0x7F ? static_cast<char>(e[i]) : '?');
    return s;
  }

  void Short(const std::uint8_t* e) {
    out_->warnings.push_back(where_ + ": SUSP entry " + SigText(e) + " is too short");
  }

  base::Status Entry(std::uint16_t sig, std::span<const std::uint8_t> d, const std::uint8_t* e) {
    switch (sig) {
      case Sig('C', 'E'): {  // SUSP 5.1: block, offset, length (both-byte order)
        if (d.size() < rr::kCeLength - kHeader) return Short(e), base::Ok();
        const auto ce = rr::CeEntry::ParseZeroExtended(std::span(e, kHeader + d.size()));
        pending_ce_ = {ce.block.le(), ce.offset.le(), ce.length.le()};
        break;
      }
      case Sig('S', 'P'): {  // SUSP 5.3: check bytes BE EF, LEN_SKP
        const auto sp = rr::SpEntry::ParseZeroExtended(std::span(e, kHeader + d.size()));
        if (d.size() < rr::kSpLength - kHeader || sp.check_bytes[0] != rr::kSpCheck1 ||
            sp.check_bytes[1] != rr::kSpCheck2)
          return Short(e), base::Ok();
        out_->has_sp = true;
        out_->sp_skip = sp.len_skp;
        break;
      }
      case Sig('E', 'R'): {  // SUSP 5.5: LEN_ID, LEN_DES, LEN_SRC, EXT_VER, identifier...
        constexpr std::size_t kErFixed = rr::kErHeaderLength - kHeader;
        const auto er = rr::ErEntry::ParseZeroExtended(std::span(e, kHeader + d.size()));
        if (d.size() < kErFixed || er.len_id > d.size() - kErFixed) return Short(e), base::Ok();
        out_->extensions.push_back(TrimIdentifier(d.subspan(kErFixed, er.len_id)));
        break;
      }
      case Sig('P', 'X'): {  // RRIP 4.1.1: mode, links, uid, gid (, serial) both-byte order
        // The RRIP 1.10 form (no serial number) is enough.
        if (d.size() < rr::kPx110Length - kHeader) return Short(e), base::Ok();
        const auto px = rr::PxEntry::ParseZeroExtended(std::span(e, kHeader + d.size()));
        out_->has_px = true;
        out_->mode = px.mode.le();
        out_->links = px.links.le();
        out_->uid = px.uid.le();
        out_->gid = px.gid.le();
        break;
      }
      case Sig('P', 'N'): {  // RRIP 4.1.2: device number, high and low, both-byte order
        if (d.size() < rr::kPnLength - kHeader) return Short(e), base::Ok();
        out_->has_pn = true;
        out_->pn_high = base::LoadLe32(d.data());
        out_->pn_low = base::LoadLe32(d.data() + 8);
        break;
      }
      case Sig('S', 'L'):
        return Symlink(d, e);
      case Sig('N', 'M'): {  // RRIP 4.1.4: flags, name part
        if (d.empty()) return Short(e), base::Ok();
        const std::uint8_t flags = d[0];
        if (nm_done_) break;  // a second NM without CONTINUE on the first: keep the first
        out_->has_nm = true;
        if (flags & rr::kNmCurrent) out_->nm_current = true;
        if (flags & rr::kNmParent) out_->nm_parent = true;
        if (out_->name.size() + d.size() - 1 > limits_.max_name_bytes) {
          return base::CorruptImage(where_, "Rock Ridge NM name longer than " +
                                                std::to_string(limits_.max_name_bytes) + " bytes");
        }
        out_->name.append(reinterpret_cast<const char*>(d.data() + 1), d.size() - 1);  // NOLINT
        if (!(flags & rr::kNmContinue)) nm_done_ = true;
        break;
      }
      case Sig('C', 'L'):  // RRIP 4.1.5.1
        if (d.size() < rr::kClLength - kHeader) return Short(e), base::Ok();
        out_->child_link =
            rr::LocationEntry::ParseZeroExtended(std::span(e, kHeader + d.size())).location.le();
        break;
      case Sig('P', 'L'):  // RRIP 4.1.5.2
        if (d.size() < rr::kPlLength - kHeader) return Short(e), base::Ok();
        out_->parent_link =
            rr::LocationEntry::ParseZeroExtended(std::span(e, kHeader + d.size())).location.le();
        break;
      case Sig('R', 'E'):  // RRIP 4.1.5.3
        out_->relocated = true;
        break;
      case Sig('T', 'F'):
        return Times(d, e);
      case Sig('S', 'F'):
        out_->sparse = true;
        break;
      case Sig('Z', 'F'):
        out_->zisofs = true;
        break;
      default:  // PD, RR (RRIP 1.09 flags), AA, unknown: nothing to take
        break;
    }
    return base::Ok();
  }

  // RRIP 4.1.3: flags, then component records (flags, length, content).
  base::Status Symlink(std::span<const std::uint8_t> d, const std::uint8_t* e) {
    if (d.empty()) return Short(e), base::Ok();
    if (sl_done_) return base::Ok();
    out_->has_sl = true;
    const std::uint8_t flags = d[0];
    std::size_t pos = 1;
    std::string& link = out_->symlink;
    while (pos + 2 <= d.size()) {
      const std::uint8_t cflags = d[pos];
      const std::uint8_t clen = d[pos + 1];
      if (clen > d.size() - pos - 2) {
        Short(e);
        break;
      }
      const char* text = reinterpret_cast<const char*>(d.data() + pos + 2);  // NOLINT
      if (cflags & rr::kComponentRoot) {
        link = "/";
        sl_.need_slash = false;
      } else {
        if (sl_.need_slash) link.push_back('/');
        if (cflags & rr::kComponentCurrent) {
          link.push_back('.');
        } else if (cflags & rr::kComponentParent) {
          link.append("..");
        } else {
          link.append(text, clen);
        }
        sl_.need_slash = !(cflags & rr::kComponentContinue);
      }
      if (link.size() > limits_.max_name_bytes) {
        return base::CorruptImage(where_, "Rock Ridge SL target longer than " +
                                              std::to_string(limits_.max_name_bytes) + " bytes");
      }
      pos += 2u + clen;
    }
    if (!(flags & rr::kSlContinue)) sl_done_ = true;
    return base::Ok();
  }

  // RRIP 4.1.6: flags, then the recorded times in flag order, 7 or 17 bytes each.
  base::Status Times(std::span<const std::uint8_t> d, const std::uint8_t* e) {
    if (d.empty()) return Short(e), base::Ok();
    const std::uint8_t flags = d[0];
    const std::size_t width = (flags & rr::kTfLongForm) ? 17 : 7;
    std::size_t pos = 1;
    if (flags & rr::kTfCreation) pos += width;
    if (flags & rr::kTfModify) {
      if (pos + width > d.size()) return Short(e), base::Ok();
      auto t = width == 17 ? DecodeVolumeTime(d.subspan(pos, 17))
                           : DecodeRecordingTime(d.subspan(pos, 7));
      if (t) {
        out_->has_mtime = true;
        out_->mtime = *t;
      }
    }
    return base::Ok();
  }

  struct Ce {
    std::uint32_t block, offset, length;
  };
  const base::BlockDevice* device_;
  const std::string& where_;
  const SystemUseLimits& limits_;
  SystemUse* out_;
  std::optional<Ce> pending_ce_;
  std::vector<std::uint8_t> owned_;
  SlState sl_;
  bool nm_done_ = false;
  bool sl_done_ = false;
};

}  // namespace

base::Status ParseSystemUse(std::span<const std::uint8_t> area, const base::BlockDevice* device,
                            const std::string& where, const SystemUseLimits& limits,
                            SystemUse* out) {
  Parser parser(device, where, limits, out);
  return parser.Run(area);
}

}  // namespace fs::reader

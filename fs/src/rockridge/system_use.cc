// SUSP 1.12 / RRIP 1.12 entry encoders and the continuation-area packing of one system
// use area (SUSP 5.1 CE, 5.3 SP, 5.5 ER; RRIP 4.1.1 PX, 4.1.2 PN, 4.1.3 SL, 4.1.4 NM, 4.1.5
// CL/PL/RE, 4.1.6 TF).
#include "rockridge/system_use.h"

#include <algorithm>
#include <cstring>

#include "base/block_sink.h"
#include "base/bytes.h"
#include "base/error.h"
#include "iso9660/encode.h"
#include "iso9660/iso9660_format.h"
#include "rockridge/rrip_format.h"

namespace fs::rockridge {

ContinuationLocation ContinuationAllocator::Allocate(std::uint32_t length) {
  CHECK(length > 0 && length <= base::kBlockSize);
  if (blocks_ == 0 || offset_ + length > base::kBlockSize) {
    ++blocks_;
    offset_ = 0;
  }
  ContinuationLocation where{first_block_ + blocks_ - 1, offset_};
  offset_ += length;
  return where;
}

void SystemUseArea::Clear() {
  bytes_.clear();
  ends_.clear();
  pieces_.clear();
  inline_entries_ = 0;
  inline_length_ = 0;
}

std::uint8_t* SystemUseArea::NewEntry(const char* signature, std::size_t length) {
  CHECK(length >= 4 && length <= kMaxEntryLength);
  std::size_t start = bytes_.size();
  bytes_.resize(start + length, 0);
  std::uint8_t* p = bytes_.data() + start;
  p[0] = static_cast<std::uint8_t>(signature[0]);
  p[1] = static_cast<std::uint8_t>(signature[1]);
  p[2] = static_cast<std::uint8_t>(length);
  p[3] = kEntryVersion;
  ends_.push_back(bytes_.size());
  return p;
}

std::span<const std::uint8_t> SystemUseArea::entry(std::size_t i) const {
  std::size_t start = i == 0 ? 0 : ends_[i - 1];
  return std::span<const std::uint8_t>(bytes_.data() + start, ends_[i] - start);
}

void SystemUseArea::AddSp() {
  std::uint8_t* p = NewEntry("SP", kSpLength);
  p[4] = kSpCheck1;
  p[5] = kSpCheck2;
  p[6] = 0;  // LEN_SKP
}

void SystemUseArea::AddEr() {
  std::uint8_t* p = NewEntry(
      "ER", kErHeaderLength + kErIdentifier.size() + kErDescriptor.size() + kErSource.size());
  p[4] = static_cast<std::uint8_t>(kErIdentifier.size());
  p[5] = static_cast<std::uint8_t>(kErDescriptor.size());
  p[6] = static_cast<std::uint8_t>(kErSource.size());
  p[7] = kErExtensionVersion;
  p += kErHeaderLength;
  for (std::string_view s : {kErIdentifier, kErDescriptor, kErSource}) {
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  }
}

void SystemUseArea::AddPx(std::uint32_t mode, std::uint32_t links, std::uint32_t uid,
                          std::uint32_t gid, std::uint32_t serial) {
  std::uint8_t* p = NewEntry("PX", kPxLength);
  base::StoreBoth32(p + 4, mode);
  base::StoreBoth32(p + 12, links);
  base::StoreBoth32(p + 20, uid);
  base::StoreBoth32(p + 28, gid);
  base::StoreBoth32(p + 36, serial);
}

void SystemUseArea::AddPn(std::uint32_t major, std::uint32_t minor) {
  std::uint8_t* p = NewEntry("PN", kPnLength);
  const DeviceNumberWords words = EncodeDeviceNumber(major, minor);
  base::StoreBoth32(p + 4, words.high);
  base::StoreBoth32(p + 12, words.low);
}

void SystemUseArea::AddTf(const Timestamp& time) {
  std::uint8_t* p = NewEntry("TF", kTfLength);
  p[4] = kTfModify | kTfAccess | kTfAttributes;
  std::array<std::uint8_t, 7> date = iso9660::EncodeRecordingDate(time);
  for (int i = 0; i < 3; ++i) std::memcpy(p + 5 + 7 * i, date.data(), date.size());
}

void SystemUseArea::AddNm(std::string_view name) {
  do {
    std::size_t n = std::min(name.size(), kMaxNmPayload);
    std::uint8_t* p = NewEntry("NM", kNmHeaderLength + n);
    p[4] = n < name.size() ? kNmContinue : 0;
    std::memcpy(p + kNmHeaderLength, name.data(), n);
    name.remove_prefix(n);
  } while (!name.empty());
}

void SystemUseArea::AddSl(std::string_view target) {
  std::vector<std::uint8_t> payload;
  auto flush = [&](bool more) {
    std::uint8_t* p = NewEntry("SL", kSlHeaderLength + payload.size());
    p[4] = more ? kSlContinue : 0;
    if (!payload.empty()) std::memcpy(p + kSlHeaderLength, payload.data(), payload.size());
    payload.clear();
  };
  auto add_special = [&](std::uint8_t flags) {
    if (payload.size() + 2 > kMaxSlPayload) flush(true);
    payload.push_back(flags);
    payload.push_back(0);
  };
  // The target is kept byte for byte: after the ROOT component, every '/'-separated part
  // is a component, empty ones included, so "a//b" and "dir/" read back as written (a
  // reader joins components with '/'; an empty one adds nothing between two slashes).
  std::string_view rest = target;
  if (!rest.empty() && rest.front() == '/') {
    add_special(kComponentRoot);
    rest.remove_prefix(1);
  }
  std::size_t pos = 0;
  while (!rest.empty() && pos <= rest.size()) {
    std::size_t slash = rest.find('/', pos);
    if (slash == std::string_view::npos) slash = rest.size();
    std::string_view part = rest.substr(pos, slash - pos);
    pos = slash + 1;
    if (part == ".") {
      add_special(kComponentCurrent);
      continue;
    }
    if (part == "..") {
      add_special(kComponentParent);
      continue;
    }
    // A component that fits in a fresh entry is not split across two.
    if (!payload.empty() && part.size() + 2 <= kMaxSlPayload &&
        payload.size() + 2 + part.size() > kMaxSlPayload) {
      flush(true);
    }
    while (true) {
      if (payload.size() + 3 > kMaxSlPayload) flush(true);
      std::size_t room = kMaxSlPayload - payload.size() - 2;
      std::size_t take = std::min(room, part.size());
      bool last = take == part.size();
      payload.push_back(last ? 0 : kComponentContinue);
      payload.push_back(static_cast<std::uint8_t>(take));
      payload.insert(payload.end(), part.begin(), part.begin() + static_cast<std::ptrdiff_t>(take));
      part.remove_prefix(take);
      if (last) break;
      flush(true);
    }
  }
  flush(false);
}

void SystemUseArea::AddCl(std::uint32_t child_lba) {
  base::StoreBoth32(NewEntry("CL", kClLength) + 4, child_lba);
}

void SystemUseArea::AddPl(std::uint32_t parent_lba) {
  base::StoreBoth32(NewEntry("PL", kPlLength) + 4, parent_lba);
}

void SystemUseArea::AddRe() { NewEntry("RE", kReLength); }

void SystemUseArea::Pack(std::size_t available) {
  pieces_.clear();
  const std::size_t n = ends_.size();
  if (bytes_.size() <= available) {
    inline_entries_ = n;
    inline_length_ = bytes_.size();
    return;
  }
  CHECK(available >= kCeLength);
  std::size_t used = 0;
  std::size_t i = 0;
  while (i < n && used + entry(i).size() + kCeLength <= available) used += entry(i++).size();
  inline_entries_ = i;
  inline_length_ = used + kCeLength;
  while (i < n) {
    Piece piece{i, i, 0};
    std::size_t length = 0;
    while (i < n) {
      std::size_t rest = bytes_.size() - (i == 0 ? 0 : ends_[i - 1]);
      if (length + rest <= base::kBlockSize) {
        length += rest;
        i = n;
        break;
      }
      if (length + entry(i).size() + kCeLength > base::kBlockSize) break;
      length += entry(i++).size();
    }
    piece.end_entry = i;
    piece.length = static_cast<std::uint32_t>(length + (i < n ? kCeLength : 0));
    pieces_.push_back(piece);
  }
}

void SystemUseArea::AppendEntries(std::size_t first, std::size_t end,
                                  std::vector<std::uint8_t>* out) const {
  if (first == end) return;
  std::size_t from = first == 0 ? 0 : ends_[first - 1];
  out->insert(out->end(), bytes_.begin() + static_cast<std::ptrdiff_t>(from),
              bytes_.begin() + static_cast<std::ptrdiff_t>(ends_[end - 1]));
}

void SystemUseArea::EncodeInline(ContinuationLocation first_piece,
                                 std::vector<std::uint8_t>* out) const {
  AppendEntries(0, inline_entries_, out);
  if (!pieces_.empty()) AppendCe(first_piece, pieces_[0].length, out);
}

void SystemUseArea::EncodePiece(std::size_t i, ContinuationLocation next,
                                std::vector<std::uint8_t>* out) const {
  AppendEntries(pieces_[i].first_entry, pieces_[i].end_entry, out);
  if (i + 1 < pieces_.size()) AppendCe(next, pieces_[i + 1].length, out);
}

void SystemUseArea::AppendCe(ContinuationLocation where, std::uint32_t length,
                             std::vector<std::uint8_t>* out) {
  std::size_t start = out->size();
  out->resize(start + kCeLength, 0);
  std::uint8_t* p = out->data() + start;
  p[0] = 'C';
  p[1] = 'E';
  p[2] = static_cast<std::uint8_t>(kCeLength);
  p[3] = kEntryVersion;
  base::StoreBoth32(p + 4, where.block);
  base::StoreBoth32(p + 12, where.offset);
  base::StoreBoth32(p + 20, length);
}

}  // namespace fs::rockridge

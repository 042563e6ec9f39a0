// The structure-aware mutator (structure_mutator.h; specs/fuzzing.md). Field offsets come
// from the shared codecs (fs/src/udf, fs/src/iso9660, fs/src/rockridge) through offsetof
// where a codec struct exists, and from the standards' BP numbers otherwise.
#include "fuzz/mutator/structure_mutator.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstring>
#include <random>
#include <string_view>
#include <utility>

#include "base/bytes.h"
#include "iso9660/iso9660_format.h"
#include "rockridge/susp_format.h"
#include "udf/udf_file_format.h"
#include "udf/udf_format.h"

namespace fuzz::mutator {
namespace {

namespace udf = fs::udf;
namespace rr = fs::rockridge;

constexpr std::size_t kIsoBlock = 2048;

std::uint64_t Load(const std::uint8_t* p, const Field& f) {
  switch (f.width) {
    case 1:
      return *p;
    case 2:
      return f.order == Order::kBe ? base::LoadBe16(p) : base::LoadLe16(p);
    case 4:
      return f.order == Order::kBe ? base::LoadBe32(p) : base::LoadLe32(p);
    default:
      return base::LoadLe64(p);
  }
}

void Store(std::uint8_t* p, const Field& f, std::uint64_t v, bool both_halves) {
  switch (f.width) {
    case 1:
      *p = static_cast<std::uint8_t>(v);
      return;
    case 2:
      if (f.order == Order::kBe) {
        base::StoreBe16(p, static_cast<std::uint16_t>(v));
      } else {
        base::StoreLe16(p, static_cast<std::uint16_t>(v));
        if (f.order == Order::kBoth && both_halves)
          base::StoreBe16(p + 2, static_cast<std::uint16_t>(v));
      }
      return;
    case 4:
      if (f.order == Order::kBe) {
        base::StoreBe32(p, static_cast<std::uint32_t>(v));
      } else {
        base::StoreLe32(p, static_cast<std::uint32_t>(v));
        if (f.order == Order::kBoth && both_halves)
          base::StoreBe32(p + 4, static_cast<std::uint32_t>(v));
      }
      return;
    default:
      base::StoreLe64(p, v);
  }
}

class Mutator {
 public:
  Mutator(std::uint8_t* data, std::size_t size, std::size_t max_size, unsigned seed,
          const ByteMutator& bytes)
      : data_(data), size_(size), max_size_(max_size), rng_(seed), bytes_(bytes) {}

  std::size_t Run() {
    const Layout layout = Parse(std::span<const std::uint8_t>(data_, size_));
    // libFuzzer lets inputs grow step by step (-len_control) but not when a custom mutator
    // is present: unparsed inputs at most double here, as they would there.
    if (layout.empty()) {
      return bytes_(data_, size_, std::min(max_size_, std::max<std::size_t>(2 * size_, 4096)));
    }
    const unsigned choice = Below(100);
    // Without UDF tags to keep, byte mutation loses nothing: it gets a larger share.
    if (choice < (layout.udf_tags.empty() ? 30u : 20u)) {
      size_ = bytes_(data_, size_, max_size_);
    } else if (choice < 45 && HasSusp(layout)) {
      InsertSuspEntry(layout);
    } else if (choice < 60 && !layout.fields.empty()) {
      for (unsigned n = 1 + Below(3); n > 0; --n) MutateField(layout);
    } else if (choice < 78 && !layout.records.empty()) {
      MutateRecords(layout);
    } else if (choice < 93 && !layout.udf_tags.empty()) {
      MutateDescriptorBody(layout);
    } else if (choice < 96 && !layout.records.empty()) {
      Truncate(layout);
    } else if (!layout.fields.empty()) {
      MutateField(layout);
    } else {
      size_ = bytes_(data_, size_, max_size_);
    }
    // Most inputs keep their tags valid; a few keep a broken one, so the checks
    // themselves stay exercised.
    if (Below(32) != 0) Refinish(std::span(data_, size_), layout);
    return size_;
  }

 private:
  unsigned Below(unsigned n) { return static_cast<unsigned>(rng_() % n); }

  std::uint64_t Interesting(const Layout& layout, const Field& f, std::uint64_t old) {
    const std::uint64_t max =
        f.width == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * f.width)) - 1;
    const std::uint64_t blocks = size_ / layout.block_size;
    switch (Below(14)) {
      case 0:
        return 0;
      case 1:
        return 1;
      case 2:
        return max;
      case 3:
        return max / 2 + 1;  // the sign bit: 2^31, 2^63
      case 4:
        return max / 2;
      case 5:
        return old + 1 + Below(16);
      case 6:
        return old - 1 - Below(16);
      case 7:
        return old * 2;
      case 8:
        return old / 2;
      case 9: {  // another field of the same role: a location that points at another
                 // structure (loops, overlaps), a length of another record
        for (int tries = 0; tries < 8; ++tries) {
          const Field& g = layout.fields[Below(static_cast<unsigned>(layout.fields.size()))];
          if (g.role == f.role) return Load(data_ + g.offset, g);
        }
        return old ^ 1;
      }
      case 10:  // the input's end, in blocks or bytes: truncated or past-the-end extents
        return f.role == Role::kLocation ? blocks - 1 + Below(3) : size_ - Below(2) + Below(2);
      case 11:  // the field's own block or its record: a self reference
        return f.role == Role::kLocation ? f.offset / layout.block_size
                                         : f.offset % layout.block_size;
      case 12:
        return f.role == Role::kFlags ? old ^ (std::uint64_t{1} << Below(8 * f.width))
                                      : old + layout.block_size;
      default: {
        std::uint64_t v = rng_();
        return (v << 32) ^ rng_();
      }
    }
  }

  static bool HasSusp(const Layout& layout) {
    return std::any_of(layout.records.begin(), layout.records.end(),
                       [](const Record& r) { return r.kind == RecordKind::kSuspEntry; });
  }

  // A new SUSP or RRIP entry, well formed, before an existing one (its container's rest
  // moving up; an area at the input's end grows the input). A CE, CL or PL points at
  // another record, so continuation chains, loops and relocations appear.
  void InsertSuspEntry(const Layout& layout) {
    const Record* r = nullptr;
    for (int tries = 0; tries < 16 && r == nullptr; ++tries) {
      const Record& c = layout.records[Below(static_cast<unsigned>(layout.records.size()))];
      if (c.kind == RecordKind::kSuspEntry) r = &c;
    }
    if (r == nullptr) return;
    const Record& target = layout.records[Below(static_cast<unsigned>(layout.records.size()))];
    std::vector<std::uint8_t> e;
    const auto header = [&](const char* sig, std::size_t length) {
      e.assign(length, 0);
      e[0] = static_cast<std::uint8_t>(sig[0]);
      e[1] = static_cast<std::uint8_t>(sig[1]);
      e[2] = static_cast<std::uint8_t>(length);
      e[3] = 1;
    };
    const auto name = [&](std::size_t from, std::size_t n) {
      for (std::size_t i = 0; i < n; ++i) e[from + i] = static_cast<std::uint8_t>('a' + Below(26));
    };
    switch (Below(11)) {
      case 0: {  // SUSP 5.1
        header("CE", rr::kCeLength);
        base::StoreBoth32(e.data() + 4, static_cast<std::uint32_t>(target.offset / kIsoBlock));
        base::StoreBoth32(e.data() + 12, static_cast<std::uint32_t>(target.offset % kIsoBlock));
        base::StoreBoth32(e.data() + 20,
                          static_cast<std::uint32_t>(
                              Below(2) ? target.length : target.container_end - target.offset));
        break;
      }
      case 1: {  // RRIP 4.1.3: one to three components, any flags
        const std::size_t n = 1 + Below(3);
        std::vector<std::uint8_t> comps;
        for (std::size_t i = 0; i < n; ++i) {
          static constexpr std::array<std::uint8_t, 6> kFlags = {0, 1, 2, 4, 8, 32};
          const std::uint8_t len = static_cast<std::uint8_t>(Below(2) ? 0 : 1 + Below(12));
          comps.push_back(kFlags[Below(kFlags.size())]);
          comps.push_back(len);
          for (std::uint8_t k = 0; k < len; ++k)
            comps.push_back(static_cast<std::uint8_t>('a' + k));
        }
        header("SL", rr::kSlHeaderLength + comps.size());
        e[4] = static_cast<std::uint8_t>(Below(2));
        std::copy(comps.begin(), comps.end(), e.begin() + rr::kSlHeaderLength);
        break;
      }
      case 2: {  // RRIP 4.1.4
        const std::size_t n = Below(20);
        header("NM", rr::kNmHeaderLength + n);
        e[4] = static_cast<std::uint8_t>(std::array<int, 4>{0, 1, 2, 4}[Below(4)]);
        name(rr::kNmHeaderLength, n);
        break;
      }
      case 3: {  // RRIP 4.1.1
        header("PX", Below(2) ? rr::kPxLength : rr::kPx110Length);
        static constexpr std::array<std::uint32_t, 5> kModes = {0100644, 040755, 0120777, 020644,
                                                                0140755};
        base::StoreBoth32(e.data() + 4, kModes[Below(kModes.size())]);
        base::StoreBoth32(e.data() + 12, 1 + Below(3));
        break;
      }
      case 4: {  // RRIP 4.1.6: flags, then 7- or 17-byte times
        const std::uint8_t flags = static_cast<std::uint8_t>(Below(256));
        const std::size_t each = (flags & 0x80) != 0 ? 17 : 7;
        header("TF", 5 + each * static_cast<std::size_t>(std::popcount(flags & 0x7Fu)));
        e[4] = flags;
        break;
      }
      case 5:
      case 6: {  // RRIP 4.1.5.1, 4.1.5.2
        header(Below(2) ? "CL" : "PL", rr::kClLength);
        base::StoreBoth32(e.data() + 4, static_cast<std::uint32_t>(target.offset / kIsoBlock));
        break;
      }
      case 7:
        header(Below(2) ? "RE" : "ST", 4);  // RRIP 4.1.5.3, SUSP 5.4
        break;
      case 8:  // SUSP 5.3
        header("SP", rr::kSpLength);
        e[4] = 0xBE;
        e[5] = 0xEF;
        e[6] = static_cast<std::uint8_t>(Below(2) ? 0 : Below(8));
        break;
      case 9:  // RRIP 4.1.2
        header("PN", 20);
        break;
      default: {  // SUSP 5.5
        static constexpr std::string_view kId = "RRIP_1991A";
        header("ER", rr::kErHeaderLength + kId.size());
        e[4] = static_cast<std::uint8_t>(kId.size());
        e[7] = 1;
        std::copy(kId.begin(), kId.end(), e.begin() + rr::kErHeaderLength);
        break;
      }
    }
    std::size_t end = std::min(r->container_end, size_);
    if (r->offset > end) return;
    if (end == size_ && size_ + e.size() <= max_size_) {
      size_ += e.size();
      end = size_;
    }
    const std::size_t room = end - r->offset;
    const std::size_t n = std::min(e.size(), room);
    std::memmove(data_ + r->offset + n, data_ + r->offset, room - n);
    std::memcpy(data_ + r->offset, e.data(), n);
  }

  void MutateField(const Layout& layout) {
    const Field& f = layout.fields[Below(static_cast<unsigned>(layout.fields.size()))];
    const std::uint64_t old = Load(data_ + f.offset, f);
    Store(data_ + f.offset, f, Interesting(layout, f, old), Below(8) != 0);
  }

  // Records move inside their container only: deleted (the rest shifts down, zeros
  // enter at the end), duplicated (the rest shifts up, the end falls off), swapped with
  // a neighbour, or replaced by another record of the same kind.
  void MutateRecords(const Layout& layout) {
    const Record& r = layout.records[Below(static_cast<unsigned>(layout.records.size()))];
    const std::size_t end = std::min(r.container_end, size_);
    if (r.offset + r.length > end) return;
    std::uint8_t* at = data_ + r.offset;
    switch (Below(4)) {
      case 0:
        std::memmove(at, at + r.length, end - r.offset - r.length);
        std::memset(data_ + end - r.length, 0, r.length);
        break;
      case 1:
        std::memmove(at + r.length, at, end - r.offset - r.length);
        break;
      case 2: {
        const std::size_t next = r.offset + r.length;
        if (next + r.length > end) return;
        std::swap_ranges(at, at + r.length, data_ + next);
        break;
      }
      default: {
        const Record& o = layout.records[Below(static_cast<unsigned>(layout.records.size()))];
        if (o.kind != r.kind || o.offset == r.offset) return;
        const std::size_t n = std::min({o.length, r.length, size_ - o.offset});
        std::memmove(at, data_ + o.offset, n);
        break;
      }
    }
  }

  // A byte mutation inside one descriptor, whose tag is recomputed afterwards.
  void MutateDescriptorBody(const Layout& layout) {
    const std::size_t off = layout.udf_tags[Below(static_cast<unsigned>(layout.udf_tags.size()))];
    const std::size_t start = off + sizeof(udf::Tag);
    const std::size_t block_end =
        std::min(size_, (off / layout.block_size + 1) * layout.block_size);
    if (start >= block_end) return;
    std::vector<std::uint8_t> body(data_ + start, data_ + block_end);
    const std::size_t n = bytes_(body.data(), body.size(), body.size());
    std::memcpy(data_ + start, body.data(), std::min(n, body.size()));
  }

  void Truncate(const Layout& layout) {
    const Record& r = layout.records[Below(static_cast<unsigned>(layout.records.size()))];
    const std::size_t cut = r.offset + Below(static_cast<unsigned>(r.length) + 1);
    if (cut >= 1 && cut < size_) size_ = cut;
  }

  std::uint8_t* data_;
  std::size_t size_;
  std::size_t max_size_;
  std::minstd_rand rng_;
  const ByteMutator& bytes_;
};

}  // namespace

void Refinish(std::span<std::uint8_t> data, const Layout& layout) {
  for (const std::size_t off : layout.udf_tags) {
    if (off + sizeof(udf::Tag) > data.size()) continue;
    const udf::Tag tag = udf::Tag::ParseZeroExtended(data.subspan(off));
    const std::size_t crc_length = tag.crc_length.get();
    if (off + sizeof(udf::Tag) + crc_length <= data.size()) {
      udf::FinishTag(data.subspan(off), tag.identifier.get(), tag.location.get(), crc_length,
                     tag.descriptor_version.get(), tag.serial_number.get());
    } else {
      data[off + offsetof(udf::Tag, checksum)] =
          udf::TagChecksum(std::span<const std::uint8_t, 16>(data.data() + off, 16));
    }
  }
  // El Torito 2.1: the 16-bit words of the validation entry sum to zero.
  for (const std::size_t off : layout.boot_catalogs) {
    if (off + 32 > data.size()) continue;
    std::uint16_t sum = 0;
    for (std::size_t i = 0; i < 32; i += 2) {
      if (i != 28) sum = static_cast<std::uint16_t>(sum + base::LoadLe16(data.data() + off + i));
    }
    base::StoreLe16(data.data() + off + 28, static_cast<std::uint16_t>(0x10000 - sum));
  }
}

std::size_t Mutate(std::uint8_t* data, std::size_t size, std::size_t max_size, unsigned seed,
                   const ByteMutator& bytes) {
  if (size == 0 || max_size == 0) return bytes(data, size, max_size);
  return Mutator(data, std::min(size, max_size), max_size, seed, bytes).Run();
}

std::size_t CrossOver(std::span<const std::uint8_t> data1, std::span<const std::uint8_t> data2,
                      std::uint8_t* out, std::size_t max_out, unsigned seed) {
  std::minstd_rand rng(seed);
  const std::size_t size = std::min(data1.size(), max_out);
  if (size == 0) return 0;
  std::memcpy(out, data1.data(), size);
  const Layout a = Parse(data1.first(size));
  const Layout b = Parse(data2);
  if (!a.records.empty() && !b.records.empty() && rng() % 4 != 0) {
    for (int tries = 0; tries < 16; ++tries) {
      const Record& r = a.records[rng() % a.records.size()];
      const Record& o = b.records[rng() % b.records.size()];
      if (r.kind != o.kind) continue;
      const std::size_t end = std::min(r.container_end, size);
      if (r.offset + r.length > end) continue;
      // The record of data2 takes the place of r, the rest of the container moves.
      const std::size_t n = std::min(o.length, end - r.offset);
      std::vector<std::uint8_t> rest(out + r.offset + r.length, out + end);
      std::memcpy(out + r.offset, data2.data() + o.offset, n);
      const std::size_t room = end - r.offset - n;
      if (!rest.empty()) std::memcpy(out + r.offset + n, rest.data(), std::min(room, rest.size()));
      if (room > rest.size()) std::memset(out + r.offset + n + rest.size(), 0, room - rest.size());
      if (r.kind == RecordKind::kUdfDescriptor || r.kind == RecordKind::kUdfFileIdentifier) {
        // The descriptor now lives where r was: its tag location says so (3/7.2.8).
        base::StoreLe32(out + r.offset + offsetof(udf::Tag, location),
                        base::LoadLe32(data1.data() + r.offset + offsetof(udf::Tag, location)));
      }
      Refinish(std::span(out, size), a);
      return size;
    }
  }
  // Leading blocks of the first, trailing blocks of the second.
  const std::size_t block = a.block_size;
  const std::size_t cut = block * (rng() % (size / block + 1));
  if (cut >= data2.size()) return size;
  const std::size_t total = std::min(max_out, std::max(cut + (data2.size() - cut), cut));
  std::memcpy(out + cut, data2.data() + cut, total - cut);
  const Layout c = Parse(std::span<const std::uint8_t>(out, total));
  Refinish(std::span(out, total), c);
  return total;
}

}  // namespace fuzz::mutator

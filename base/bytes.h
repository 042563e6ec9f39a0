// Byte-order codecs shared by the file-system code (fs/) and the MMC code (mmc/, emulator/).
//
// Three tools, from LLVM's Support/Endian.h and LevelDB's coding.h:
//  * free functions that store and load fixed-width integers in a chosen byte order;
//  * field types (Le16, Be32, Both32, ...) that are byte arrays with alignment 1, so an
//    on-disc struct made of them has no padding and matches the spec byte for byte;
//  * ByteWriter (append to a buffer) and ByteReader (a bounds-checked cursor with a sticky
//    error) for variable-length records.
// ISO 9660's "both-byte orders" fields (ECMA-119 7.2.3, 7.3.3) store the little-endian
// copy first, then the big-endian copy.
#ifndef MKIMG_BASE_BYTES_H_
#define MKIMG_BASE_BYTES_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace base {

inline void StoreLe16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v);
  p[1] = static_cast<std::uint8_t>(v >> 8);
}
inline void StoreBe16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
inline void StoreLe32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline void StoreBe32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * (3 - i)));
}
inline void StoreLe64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline void StoreBe64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * (7 - i)));
}
// ECMA-119 7.2.3 / 7.3.3: little-endian copy then big-endian copy.
inline void StoreBoth16(std::uint8_t* p, std::uint16_t v) {
  StoreLe16(p, v);
  StoreBe16(p + 2, v);
}
inline void StoreBoth32(std::uint8_t* p, std::uint32_t v) {
  StoreLe32(p, v);
  StoreBe32(p + 4, v);
}

inline std::uint16_t LoadLe16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
inline std::uint16_t LoadBe16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint32_t LoadLe32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
inline std::uint32_t LoadBe32(const std::uint8_t* p) {
  return (static_cast<std::uint32_t>(p[0]) << 24) | (static_cast<std::uint32_t>(p[1]) << 16) |
         (static_cast<std::uint32_t>(p[2]) << 8) | static_cast<std::uint32_t>(p[3]);
}
inline std::uint64_t LoadLe64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
inline std::uint64_t LoadBe64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

// Field types: byte arrays with alignment 1 whose byte order is part of the type.
template <std::size_t N>
struct Bytes {
  std::uint8_t b[N];
};
struct Le16 {
  std::uint8_t b[2];
  std::uint16_t get() const { return LoadLe16(b); }
  void set(std::uint16_t v) { StoreLe16(b, v); }
};
struct Be16 {
  std::uint8_t b[2];
  std::uint16_t get() const { return LoadBe16(b); }
  void set(std::uint16_t v) { StoreBe16(b, v); }
};
struct Le32 {
  std::uint8_t b[4];
  std::uint32_t get() const { return LoadLe32(b); }
  void set(std::uint32_t v) { StoreLe32(b, v); }
};
struct Be32 {
  std::uint8_t b[4];
  std::uint32_t get() const { return LoadBe32(b); }
  void set(std::uint32_t v) { StoreBe32(b, v); }
};
struct Le64 {
  std::uint8_t b[8];
  std::uint64_t get() const { return LoadLe64(b); }
  void set(std::uint64_t v) { StoreLe64(b, v); }
};
// ECMA-119 7.2.3: both-byte order 16-bit field.
struct Both16 {
  std::uint8_t b[4];
  std::uint16_t le() const { return LoadLe16(b); }
  std::uint16_t be() const { return LoadBe16(b + 2); }
  bool consistent() const { return le() == be(); }
  void set(std::uint16_t v) { StoreBoth16(b, v); }
};
// ECMA-119 7.3.3: both-byte order 32-bit field.
struct Both32 {
  std::uint8_t b[8];
  std::uint32_t le() const { return LoadLe32(b); }
  std::uint32_t be() const { return LoadBe32(b + 4); }
  bool consistent() const { return le() == be(); }
  void set(std::uint32_t v) { StoreBoth32(b, v); }
};
static_assert(sizeof(Both32) == 8 && alignof(Both32) == 1);

// Appends encoded values to a growable buffer.
class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::uint8_t>* out) : out_(out) {}

  void U8(std::uint8_t v) { out_->push_back(v); }
  void Le16(std::uint16_t v) { StoreLe16(Grow(2), v); }
  void Be16(std::uint16_t v) { StoreBe16(Grow(2), v); }
  void Le32(std::uint32_t v) { StoreLe32(Grow(4), v); }
  void Be32(std::uint32_t v) { StoreBe32(Grow(4), v); }
  void Le64(std::uint64_t v) { StoreLe64(Grow(8), v); }
  void Be64(std::uint64_t v) { StoreBe64(Grow(8), v); }
  void Both16(std::uint16_t v) { StoreBoth16(Grow(4), v); }
  void Both32(std::uint32_t v) { StoreBoth32(Grow(8), v); }
  void Raw(std::span<const std::uint8_t> data) {
    out_->insert(out_->end(), data.begin(), data.end());
  }
  void Raw(std::string_view s) { out_->insert(out_->end(), s.begin(), s.end()); }
  void Fill(std::uint8_t v, std::size_t n) { out_->insert(out_->end(), n, v); }
  // Writes s padded with `pad` (or cut) to exactly n bytes.
  void Padded(std::string_view s, std::size_t n, std::uint8_t pad = ' ') {
    std::size_t k = s.size() < n ? s.size() : n;
    Raw(s.substr(0, k));
    Fill(pad, n - k);
  }
  std::size_t size() const { return out_->size(); }

 private:
  std::uint8_t* Grow(std::size_t n) {
    out_->resize(out_->size() + n);
    return out_->data() + out_->size() - n;
  }
  std::vector<std::uint8_t>* out_;
};

// A bounds-checked cursor over untrusted bytes. Every read past the end sets a sticky
// failure flag and yields zeros, so a parser can read a whole record and check ok() once.
class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> data) : data_(data) {}

  bool ok() const { return ok_; }
  std::size_t offset() const { return pos_; }
  std::size_t remaining() const { return ok_ ? data_.size() - pos_ : 0; }
  bool empty() const { return remaining() == 0; }

  std::uint8_t U8() {
    const std::uint8_t* p = Take(1);
    return p ? p[0] : 0;
  }
  std::uint16_t Le16() { return Load<2>(LoadLe16); }
  std::uint16_t Be16() { return Load<2>(LoadBe16); }
  std::uint32_t Le32() { return Load<4>(LoadLe32); }
  std::uint32_t Be32() { return Load<4>(LoadBe32); }
  std::uint64_t Le64() { return Load<8>(LoadLe64); }
  std::uint64_t Be64() { return Load<8>(LoadBe64); }
  // Reads a both-byte-order field; sets *consistent to whether the copies agree.
  std::uint16_t Both16(bool* consistent = nullptr) {
    const std::uint8_t* p = Take(4);
    if (!p) return 0;
    if (consistent) *consistent = LoadLe16(p) == LoadBe16(p + 2);
    return LoadLe16(p);
  }
  std::uint32_t Both32(bool* consistent = nullptr) {
    const std::uint8_t* p = Take(8);
    if (!p) return 0;
    if (consistent) *consistent = LoadLe32(p) == LoadBe32(p + 4);
    return LoadLe32(p);
  }
  // Returns the next n bytes (empty and failed if fewer remain).
  std::span<const std::uint8_t> Span(std::size_t n) {
    const std::uint8_t* p = Take(n);
    return p ? std::span<const std::uint8_t>(p, n) : std::span<const std::uint8_t>();
  }
  void Skip(std::size_t n) { (void)Take(n); }
  // Moves to an absolute offset; fails if it is past the end.
  void Seek(std::size_t offset) {
    if (offset > data_.size()) ok_ = false;
    if (ok_) pos_ = offset;
  }

 private:
  const std::uint8_t* Take(std::size_t n) {
    if (!ok_ || n > data_.size() - pos_) {
      ok_ = false;
      return nullptr;
    }
    const std::uint8_t* p = data_.data() + pos_;
    pos_ += n;
    return p;
  }
  template <std::size_t N, typename F>
  auto Load(F f) -> decltype(f(nullptr)) {
    const std::uint8_t* p = Take(N);
    return p ? f(p) : 0;
  }

  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace base

#endif  // MKIMG_BASE_BYTES_H_

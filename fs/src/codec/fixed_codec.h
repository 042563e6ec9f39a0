// The shape every fixed-size on-disc structure codec of fs/ follows (udf/udf_format.h,
// eltorito/eltorito_format.h, partition/partition_format.h), after mmc/codec.h's
// conventions: a struct made only of byte-array field types from base/bytes.h (alignment
// 1, no padding, so its layout is the standard's byte for byte) derives from
// Fixed<Itself> and names itself in `kName`; it then has
//  * `static Expected<T> Parse(span)`: a length-checked copy (never a cast of the input);
//    kCorruptImage with WHERE = kName when fewer than sizeof(T) bytes are given;
//  * `static T ParseZeroExtended(span)`: the same, bytes past the end reading as zero,
//    for records whose own length field may cut a structure short;
//  * `void EncodeTo(ByteWriter&) const`, and codec::Encode(x) returning the bytes;
//  * `==` comparing the bytes. Parse(Encode(x)) == x for every x.
#ifndef MKIMG_FS_CODEC_FIXED_CODEC_H_
#define MKIMG_FS_CODEC_FIXED_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"

namespace fs::codec {

// The bytes of a codec struct (an object of ours, never input).
template <typename T>
std::span<const std::uint8_t, sizeof(T)> AsBytes(const T& value) {
  static_assert(std::is_trivially_copyable_v<T> && alignof(T) == 1);
  return std::span<const std::uint8_t, sizeof(T)>(reinterpret_cast<const std::uint8_t*>(&value),
                                                  sizeof(T));  // NOLINT
}
template <typename T>
std::span<std::uint8_t, sizeof(T)> AsWritableBytes(T& value) {
  static_assert(std::is_trivially_copyable_v<T> && alignof(T) == 1);
  return std::span<std::uint8_t, sizeof(T)>(reinterpret_cast<std::uint8_t*>(&value),  // NOLINT
                                            sizeof(T));
}

// A zero-filled struct (byte-array fields have no default member initialisers).
template <typename T>
T Zeroed() {
  T value;
  std::memset(&value, 0, sizeof value);
  return value;
}

// An empty base, so the structs keep their standard layout and size.
template <typename Derived>
struct Fixed {
  static base::Expected<Derived> Parse(std::span<const std::uint8_t> data) {
    if (data.size() < sizeof(Derived)) {
      return base::CorruptImage(std::string(Derived::kName),
                                std::to_string(data.size()) + " bytes, at least " +
                                    std::to_string(sizeof(Derived)) + " expected");
    }
    Derived value;
    std::memcpy(&value, data.data(), sizeof value);
    return value;
  }
  static Derived ParseZeroExtended(std::span<const std::uint8_t> data) {
    Derived value = Zeroed<Derived>();
    std::memcpy(&value, data.data(), data.size() < sizeof value ? data.size() : sizeof value);
    return value;
  }
  void EncodeTo(base::ByteWriter& w) const { w.Raw(AsBytes(static_cast<const Derived&>(*this))); }
  friend bool operator==(const Derived& a, const Derived& b) {
    return std::memcmp(&a, &b, sizeof(Derived)) == 0;
  }
};

// Encodes any codec struct into a fresh buffer (mmc/codec.h's shape).
template <typename T>
std::vector<std::uint8_t> Encode(const T& value) {
  std::vector<std::uint8_t> out;
  base::ByteWriter w(&out);
  value.EncodeTo(w);
  return out;
}

}  // namespace fs::codec

#endif  // MKIMG_FS_CODEC_FIXED_CODEC_H_

// The round-trip check every fixed-structure codec's tests run (fs/src/codec/fixed_codec.h):
// a struct whose every byte differs encodes to exactly sizeof(T) bytes, parses back equal,
// and one byte short is refused naming the structure. Test-only.
#ifndef MKIMG_FS_CODEC_ROUND_TRIP_TEST_UTIL_H_
#define MKIMG_FS_CODEC_ROUND_TRIP_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "codec/fixed_codec.h"

namespace fs::codec {

// Every byte of a struct set to a position-dependent pattern.
template <typename T>
T Patterned() {
  T value = Zeroed<T>();
  auto bytes = AsWritableBytes(value);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 7 + 3);
  return value;
}

template <typename T>
void ExpectRoundTrip() {
  const T value = Patterned<T>();
  const std::vector<std::uint8_t> bytes = Encode(value);
  ASSERT_EQ(bytes.size(), sizeof(T)) << T::kName;
  auto parsed = T::Parse(bytes);
  ASSERT_TRUE(parsed) << T::kName;
  EXPECT_TRUE(*parsed == value) << T::kName;
  auto short_parse = T::Parse(std::span(bytes).first(sizeof(T) - 1));
  ASSERT_FALSE(short_parse) << T::kName;
  EXPECT_EQ(short_parse.error().where(), std::string(T::kName));
}

}  // namespace fs::codec

#endif  // MKIMG_FS_CODEC_ROUND_TRIP_TEST_UTIL_H_

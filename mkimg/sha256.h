// SHA-256 (FIPS 180-4, section 6.2), for the file and image hashes of `mkimg corpus`'s
// descriptions: independent checkers (Python's hashlib, sha256sum) compare them with what
// they read back. Incremental: Update() any number of times, then Finish().
#ifndef MKIMG_MKIMG_SHA256_H_
#define MKIMG_MKIMG_SHA256_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace mkimg {

class Sha256 {
 public:
  Sha256();
  void Update(std::span<const std::uint8_t> data);
  // Appends `n` zero bytes.
  void UpdateZeros(std::uint64_t n);
  // The digest as 64 lower-case hex digits. The object is spent afterwards.
  std::string FinishHex();

 private:
  void Block(const std::uint8_t* p);

  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes
};

// The SHA-256 of `data` as hex.
std::string Sha256Hex(std::span<const std::uint8_t> data);

}  // namespace mkimg

#endif  // MKIMG_MKIMG_SHA256_H_

// RIFF WAVE parsing for CD audio sources. See wav.h.
#include "rawcd/wav.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace fs::rawcd {
namespace {

std::uint32_t Le32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
std::uint16_t Le16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }

bool ReadAt(int fd, std::uint64_t offset, std::uint8_t* out, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, out + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    done += static_cast<std::size_t>(r);
  }
  return true;
}

// WAVE_FORMAT_PCM and WAVE_FORMAT_EXTENSIBLE (whose sub-format GUID then says PCM:
// 00000001-0000-0010-8000-00aa00389b71).
constexpr std::uint16_t kFormatPcm = 1;
constexpr std::uint16_t kFormatExtensible = 0xFFFE;
constexpr std::array<std::uint8_t, 14> kPcmGuidTail = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                                       0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

}  // namespace

base::Expected<WavSamples> OpenWav(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return base::InvalidInput(path, std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return base::InvalidInput(path, "not a regular file (an audio track needs a WAV file)");
  }
  const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  std::uint8_t riff[12];
  if (size < 12 || !ReadAt(fd, 0, riff, 12) || std::memcmp(riff, "RIFF", 4) != 0 ||
      std::memcmp(riff + 8, "WAVE", 4) != 0) {
    return base::InvalidInput(path,
                              "not a WAV file (no RIFF WAVE header); audio tracks take WAV, "
                              "44.1 kHz 16-bit stereo PCM");
  }
  bool have_format = false;
  WavSamples out;
  out.path = path;
  std::uint64_t at = 12;
  while (true) {
    std::uint8_t chunk[8];
    if (at + 8 > size || !ReadAt(fd, at, chunk, 8)) {
      return base::InvalidInput(path, have_format ? "truncated: the WAV has no \"data\" chunk"
                                                  : "truncated: the WAV has no \"fmt \" chunk");
    }
    const std::uint32_t length = Le32(chunk + 4);
    const std::uint64_t body = at + 8;
    if (std::memcmp(chunk, "fmt ", 4) == 0) {
      std::uint8_t f[40] = {};
      if (length < 16 || body + length > size ||
          !ReadAt(fd, body, f, std::min<std::size_t>(length, sizeof f))) {
        return base::InvalidInput(path, "truncated or malformed \"fmt \" chunk");
      }
      const std::uint16_t format = Le16(f);
      const std::uint16_t channels = Le16(f + 2);
      const std::uint32_t rate = Le32(f + 4);
      const std::uint16_t block_align = Le16(f + 12);
      const std::uint16_t bits = Le16(f + 14);
      bool pcm = format == kFormatPcm;
      if (format == kFormatExtensible && length >= 40) {
        pcm = Le16(f + 24) == kFormatPcm &&
              std::memcmp(f + 26, kPcmGuidTail.data(), kPcmGuidTail.size()) == 0;
      }
      if (!pcm || channels != 2 || rate != 44100 || bits != 16 || block_align != 4) {
        std::string what = "is a WAV of ";
        what += pcm ? "PCM" : "format " + std::to_string(format) + " (not PCM)";
        what += ", " + std::to_string(channels) + (channels == 1 ? " channel" : " channels");
        what += ", " + std::to_string(rate) + " Hz, " + std::to_string(bits) + "-bit";
        what += "; a CD audio track needs PCM, 2 channels (stereo), 44100 Hz, 16-bit";
        return base::InvalidInput(path, what);
      }
      have_format = true;
    } else if (std::memcmp(chunk, "data", 4) == 0) {
      if (!have_format) return base::InvalidInput(path, "the \"data\" chunk comes before \"fmt \"");
      if (body + length > size) {
        return base::InvalidInput(path, "truncated: the \"data\" chunk says " +
                                            std::to_string(length) + " bytes, the file holds " +
                                            std::to_string(size - body));
      }
      if (length % 4 != 0) {
        return base::InvalidInput(path, "the \"data\" chunk (" + std::to_string(length) +
                                            " bytes) is not whole stereo 16-bit frames");
      }
      out.offset = body;
      out.bytes = length;
      return out;
    }
    at = body + length + (length & 1);  // chunks are padded to even sizes
  }
}

}  // namespace fs::rawcd

// The audio engine (IMAPI2's IDiscFormat2TrackAtOnce): CD-DA tracks written Track-at-Once
// on CD-R/RW (MMC-5 4.2.3.3), each a base::BlockSink of 2352-byte sectors (16-bit stereo
// samples at 44.1 kHz, little-endian as MMC sends CD-DA), with the ISRC of each track and
// the disc's MCN in page 05h (MMC-5 7.5.4.11-12). The drive places the 2 s pre-gap of every
// track after the first itself (TAO); the disc is closed at the end unless asked not to.
#ifndef MKIMG_BURN_AUDIO_WRITER_H_
#define MKIMG_BURN_AUDIO_WRITER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/block_sink.h"
#include "base/error.h"
#include "burn/chunker.h"
#include "burn/medium.h"
#include "burn/progress.h"
#include "mmc/device.h"

namespace burn {

inline constexpr std::uint32_t kCdDaSectorBytes = 2352;  // ECMA-130 / IEC 60908: 588 stereo frames

struct AudioTrack {
  std::uint64_t bytes = 0;  // PCM bytes (padded with silence to whole sectors)
  std::string isrc;         // 12 characters (CCOOOYYSSSSS) or empty
};

struct AudioBurnOptions {
  bool close = true;  // no further session (an audio CD player reads closed discs)
  std::string mcn;    // 13 digits or empty
  bool simulate = false;
  ProgressFn progress;
  CancelFlag cancel = nullptr;
  std::string where;
};

// Validates: kInvalidInput for a bad ISRC/MCN, a medium other than a blank CD-R/RW,
// or tracks that do not fit (each at least 4 s, 2 s + 2 blocks between tracks).
class AudioWriter : public base::BlockSink {
 public:
  static base::Expected<std::unique_ptr<AudioWriter>> Open(mmc::Device& device,
                                                           std::vector<AudioTrack> tracks,
                                                           const AudioBurnOptions& options);
  ~AudioWriter() override;

  // Starts track i (in order, from 0): page 05h with its ISRC, its NWA.
  base::Status BeginTrack(std::size_t i);
  // Pads the track (silence to 4 s at least), SYNCHRONIZE CACHE, CLOSE TRACK.
  base::Status EndTrack();
  // After the last track: CLOSE SESSION (finalizes unless options.close is false).
  base::Status Commit() override;

  std::uint64_t position() const override { return position_; }
  // Where each track began on the disc.
  const std::vector<std::uint32_t>& track_starts() const { return starts_; }

 protected:
  base::Status DoWrite(std::span<const std::uint8_t> data) override;

 private:
  AudioWriter(mmc::Device& device, std::vector<AudioTrack> tracks, AudioBurnOptions options);
  base::Status Send(std::span<const std::uint8_t> sectors);
  base::Error Failed(const base::Error& e) const;

  mmc::Device& device_;
  std::vector<AudioTrack> tracks_;
  AudioBurnOptions options_;
  ProgressReporter reporter_;
  std::uint64_t position_ = 0;
  std::size_t current_ = 0;
  bool in_track_ = false;
  std::uint32_t nwa_ = 0;
  std::uint32_t track_sectors_ = 0;  // written in the current track
  std::uint16_t track_number_ = 0;
  std::uint32_t total_sectors_ = 0;
  std::uint32_t done_sectors_ = 0;
  Chunker chunker_;  // WRITE(10)-sized groups of whole sectors
  std::vector<std::uint32_t> starts_;
};

}  // namespace burn

#endif  // MKIMG_BURN_AUDIO_WRITER_H_

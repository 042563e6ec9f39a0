// WAV (RIFF WAVE) files as CD audio sources (specs/rawcd.md "Audio"): the `fmt ` chunk must
// say PCM (format 1, or WAVE_FORMAT_EXTENSIBLE with the PCM sub-format), 2 channels,
// 44100 Hz, 16 bits, 4-byte frames, as IEC 60908 samples are; the `data` chunk's samples
// are little-endian, left then right, which is the byte order of a CD-DA sector in a BIN.
#ifndef MKIMG_FS_RAWCD_WAV_H_
#define MKIMG_FS_RAWCD_WAV_H_

#include <string>

#include "base/error.h"
#include "fs/raw_cd.h"

namespace fs::rawcd {

// Reads the chunk headers of the WAV at `path`. Errors (kInvalidInput, WHERE = `path`): not
// a RIFF WAVE file, not PCM, not 44.1 kHz 16-bit stereo (the message says what it is), a
// chunk that runs past the end of the file (truncated).
base::Expected<WavSamples> OpenWav(const std::string& path);

}  // namespace fs::rawcd

#endif  // MKIMG_FS_RAWCD_WAV_H_

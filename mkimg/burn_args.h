// The arguments of `mkimg burn` and the CD engines' commands that burn_commands.cc
// dispatches to (burn_cd_commands.cc): WAV files Track-at-Once, a BIN/CUE Disc-at-Once.
#ifndef MKIMG_MKIMG_BURN_ARGS_H_
#define MKIMG_MKIMG_BURN_ARGS_H_

#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "mkimg/drive_open.h"

namespace mkimg {

struct BurnArgs {
  std::vector<std::string> inputs;
  std::vector<std::string> isrc;
  std::string mcn;
  std::vector<std::string> drives;
  std::string speed;
  std::string verify = "none";
  std::string write_mode = "auto";
  bool close = false;
  bool append = false;
  bool simulate = false;
  bool json = false;
};

// Opens every drive exclusively; the same drive twice is refused.
base::Expected<std::vector<std::unique_ptr<OpenedDrive>>> OpenDrives(
    const std::vector<std::string>& specs);

bool IsWav(const std::string& path);
// Case-insensitive suffix test; `suffix` is lower case.
bool EndsWith(const std::string& s, const char* suffix);
// mkimg burn A.wav B.wav ...: an audio CD, Track-at-Once (burn/audio_writer.h).
int RunAudio(const BurnArgs& args);
// mkimg burn DISC.cue: Disc-at-Once (burn/raw_writer.h).
int RunRawDao(const BurnArgs& args);

}  // namespace mkimg

#endif  // MKIMG_MKIMG_BURN_ARGS_H_

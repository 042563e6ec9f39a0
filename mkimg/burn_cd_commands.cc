// mkimg burn of CD audio and raw images (specs/burn.md): WAV files Track-at-Once
// (burn::AudioWriter) and a BIN/CUE Disc-at-Once (burn::BurnRawDao). burn_commands.cc
// dispatches here by the inputs' names.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>

#include "base/bytes.h"
#include "burn/audio_writer.h"
#include "burn/raw_writer.h"
#include "cd/cdtext.h"
#include "fs/raw_cd.h"
#include "mkimg/burn_args.h"
#include "mkimg/burn_progress.h"
#include "mkimg/commands.h"
#include "mkimg/display.h"
#include "mkimg/json_writer.h"

namespace mkimg {

base::Expected<std::vector<std::unique_ptr<OpenedDrive>>> OpenDrives(
    const std::vector<std::string>& specs) {
  std::set<std::string> seen;
  std::vector<std::unique_ptr<OpenedDrive>> drives;
  for (const std::string& spec : specs) {
    const std::string key = spec.rfind("emu:", 0) == 0 ? VirtualDiscLockKey(spec.substr(4)) : spec;
    if (!seen.insert(key).second) return base::InvalidInput("--drive " + spec, "drive given twice");
    ASSIGN_OR_RETURN(auto d, OpenDrive(spec, true));
    drives.push_back(std::move(d));
  }
  return drives;
}

namespace {

// The PCM samples of a WAV file: RIFF/WAVE with a "fmt " chunk of 16-bit stereo 44.1 kHz
// PCM (format 1), the CD-DA sample format (IEC 60908), and its "data" chunk.
struct WavData {
  std::string path;
  int fd = -1;
  std::uint64_t offset = 0;
  std::uint64_t bytes = 0;
  ~WavData() {
    if (fd >= 0) ::close(fd);
  }
};

base::Status OpenWav(const std::string& path, WavData* w) {
  w->path = path;
  w->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (w->fd < 0) return base::ErrnoError(path, errno);
  struct stat st {};
  if (::fstat(w->fd, &st) != 0) return base::ErrnoError(path, errno);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  std::uint8_t head[12];
  if (::pread(w->fd, head, 12, 0) != 12 || std::memcmp(head, "RIFF", 4) != 0 ||
      std::memcmp(head + 8, "WAVE", 4) != 0) {
    return base::InvalidInput(path, "not a WAV file (no RIFF/WAVE header)");
  }
  bool format_ok = false;
  for (std::uint64_t pos = 12; pos + 8 <= size;) {
    std::uint8_t ch[8];
    if (::pread(w->fd, ch, 8, static_cast<off_t>(pos)) != 8) break;
    const std::uint64_t len = base::LoadLe32(ch + 4);
    if (std::memcmp(ch, "fmt ", 4) == 0) {
      std::uint8_t f[16];
      if (len < 16 || ::pread(w->fd, f, 16, static_cast<off_t>(pos + 8)) != 16) break;
      format_ok = base::LoadLe16(f) == 1 && base::LoadLe16(f + 2) == 2 &&
                  base::LoadLe32(f + 4) == 44100 && base::LoadLe16(f + 14) == 16;
      if (!format_ok) {
        return base::InvalidInput(path,
                                  "not CD audio: an audio CD needs 16-bit stereo 44.1 kHz PCM");
      }
    } else if (std::memcmp(ch, "data", 4) == 0) {
      if (!format_ok) return base::InvalidInput(path, "WAV data before its \"fmt \" chunk");
      w->offset = pos + 8;
      w->bytes = std::min(len, size - w->offset);
      if (w->bytes == 0) return base::InvalidInput(path, "the WAV file holds no samples");
      return base::Ok();
    }
    pos += 8 + len + (len & 1);
  }
  return base::InvalidInput(path, "not a WAV file with a \"fmt \" and a \"data\" chunk");
}

}  // namespace

bool IsWav(const std::string& path) {
  return path.size() > 4 && (path.compare(path.size() - 4, 4, ".wav") == 0 ||
                             path.compare(path.size() - 4, 4, ".WAV") == 0);
}

bool EndsWith(const std::string& s, const char* suffix) {
  const std::size_t n = std::strlen(suffix);
  if (s.size() < n) return false;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::tolower(static_cast<unsigned char>(s[s.size() - n + i])) != suffix[i]) return false;
  }
  return true;
}

int RunAudio(const BurnArgs& args) {
  if (args.drives.size() != 1) {
    return ReportError(base::InvalidInput("--drive", "an audio CD is burned on one drive"));
  }
  if (!args.isrc.empty() && args.isrc.size() != args.inputs.size()) {
    return ReportError(base::InvalidInput("--isrc", "give one ISRC (or -) per track"));
  }
  std::vector<std::unique_ptr<WavData>> wavs;
  std::vector<burn::AudioTrack> tracks;
  for (std::size_t i = 0; i < args.inputs.size(); ++i) {
    if (!IsWav(args.inputs[i])) {
      return ReportError(
          base::InvalidInput(args.inputs[i], "several inputs must all be WAV files"));
    }
    auto w = std::make_unique<WavData>();
    if (auto st = OpenWav(args.inputs[i], w.get()); !st) return ReportError(st.error());
    burn::AudioTrack t;
    t.bytes = w->bytes;
    if (!args.isrc.empty() && args.isrc[i] != "-") t.isrc = args.isrc[i];
    tracks.push_back(t);
    wavs.push_back(std::move(w));
  }
  auto drives = OpenDrives(args.drives);
  if (!drives) return ReportError(drives.error());
  OpenedDrive& drive = *(*drives)[0];
  BurnProgress progress(args.json);
  CancelOnSignal cancel;
  burn::AudioBurnOptions o;
  o.close = !args.append;
  o.mcn = args.mcn;
  o.simulate = args.simulate;
  o.where = drive.name;
  o.progress = progress.For(drive.name);
  o.cancel = cancel.flag();
  const auto start = std::chrono::steady_clock::now();
  auto writer = burn::AudioWriter::Open(*drive.device, tracks, o);
  if (!writer) return ReportError(writer.error());
  for (std::size_t i = 0; i < wavs.size(); ++i) {
    base::Status st = (*writer)->BeginTrack(i);
    if (st) st = (*writer)->CopyFrom(wavs[i]->fd, wavs[i]->offset, wavs[i]->bytes, wavs[i]->path);
    if (st) st = (*writer)->EndTrack();
    if (!st) {
      progress.Finish();
      return ReportError(st.error());
    }
  }
  base::Status st = (*writer)->Commit();
  if (st) st = drive.Close();
  progress.Finish();
  if (!st) return ReportError(st.error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (args.json) {
    JsonWriter j;
    j.BeginObject().Key("drive").String(drive.name).Key("result").String("ok");
    j.Key("audio_tracks").Uint(wavs.size()).Key("track_starts").BeginArray();
    for (std::uint32_t s : (*writer)->track_starts()) j.Uint(s);
    j.EndArray().Key("closed").Bool(!args.append).Key("seconds").Fixed(seconds, 3).EndObject();
    std::printf("%s\n", j.str().c_str());
  } else {
    std::fprintf(stderr, "mkimg: %s: %s %zu audio track%s (Track-at-Once), %s, in %.2f s\n",
                 Printable(drive.name).c_str(), args.simulate ? "simulated" : "burned", wavs.size(),
                 wavs.size() == 1 ? "" : "s", args.append ? "left appendable" : "closed", seconds);
  }
  return 0;
}

// A BIN/CUE burned Disc-at-Once (burn/raw_writer.h).
// A cdrdao TOC whose tracks are one raw BIN in order (as mkimg writes it with
// --cue-mode raw) as the engine's image; any other TOC is converted first.
base::Expected<burn::CueImage> CueImageOfToc(const std::string& toc) {
  ASSIGN_OR_RETURN(fs::CueSheet sheet, fs::ReadCueSheet(toc));
  burn::CueImage image;
  image.catalog = sheet.catalog;
  std::uint64_t next = 0;
  for (const fs::BinPiece& p : sheet.pieces) {
    if (p.path.empty() || p.swap || p.offset != next ||
        (!image.bin.empty() && p.path != image.bin)) {
      return base::InvalidInput(toc,
                                "mkimg burns a TOC whose tracks are one raw BIN in order; "
                                "convert this one with `mkimg build " +
                                    toc + " -o disc.cue`");
    }
    image.bin = p.path;
    next += p.bytes;
  }
  for (const fs::CueTrack& t : sheet.tracks) {
    if (t.sector_bytes != 2352 || (t.data && t.mode != "MODE1_RAW")) {
      return base::InvalidInput(toc, "track " + std::to_string(t.number) + " is " + t.mode +
                                         ": AUDIO and MODE1_RAW tracks are burned");
    }
    burn::CueTrack c;
    c.number = t.number;
    c.audio = !t.data;
    c.isrc = t.isrc;
    for (const auto& [index, lba] : t.indexes) {
      if (index == 0) c.index0 = static_cast<std::uint32_t>(lba);
      if (index == 1) c.index1 = static_cast<std::uint32_t>(lba);
    }
    image.tracks.push_back(c);
  }
  if (image.tracks.front().index0) {
    return base::InvalidInput(toc, "track 1 has a stored pre-gap (START): not burned");
  }
  for (const cd::CdTextPack& p : sheet.cdtext)
    image.cdtext_packs.insert(image.cdtext_packs.end(), p.begin(), p.end());
  return image;
}

int RunRawDao(const BurnArgs& args) {
  if (args.drives.size() != 1) {
    return ReportError(base::InvalidInput("--drive", "a BIN/CUE is burned on one drive"));
  }
  const std::string& cue = args.inputs.front();
  base::Expected<burn::CueImage> image = base::InvalidInput(cue, "unread");
  if (EndsWith(cue, ".toc")) {
    image = CueImageOfToc(cue);
  } else {
    std::ifstream in(cue, std::ios::binary);
    if (!in) return ReportError(base::ErrnoError(cue, errno));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto slash = cue.rfind('/');
    image = burn::ParseCue(text, cue, slash == std::string::npos ? "." : cue.substr(0, slash));
  }
  if (!image) return ReportError(image.error());
  const int fd = ::open(image->bin.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ReportError(base::ErrnoError(image->bin, errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return ReportError(base::ErrnoError(image->bin, errno));
  }
  auto drives = OpenDrives(args.drives);
  if (!drives) {
    ::close(fd);
    return ReportError(drives.error());
  }
  OpenedDrive& drive = *(*drives)[0];
  BurnProgress progress(args.json);
  CancelOnSignal cancel;
  burn::RawBurnOptions o;
  o.close = !args.append;
  o.simulate = args.simulate;
  o.where = drive.name;
  o.progress = progress.For(drive.name);
  o.cancel = cancel.flag();
  const auto start = std::chrono::steady_clock::now();
  base::Status burned =
      burn::BurnRawDao(*drive.device, *image, fd, static_cast<std::uint64_t>(st.st_size), o);
  ::close(fd);
  if (burned) burned = drive.Close();
  progress.Finish();
  if (!burned) return ReportError(burned.error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (args.json) {
    JsonWriter j;
    j.BeginObject().Key("drive").String(drive.name).Key("result").String("ok");
    j.Key("tracks").Uint(image->tracks.size()).Key("write_mode").String("dao");
    j.Key("seconds").Fixed(seconds, 3).EndObject();
    std::printf("%s\n", j.str().c_str());
  } else {
    std::fprintf(stderr, "mkimg: %s: burned %s Disc-at-Once (%zu tracks), %s, in %.2f s\n",
                 Printable(drive.name).c_str(), Printable(cue).c_str(), image->tracks.size(),
                 args.append ? "left appendable" : "closed", seconds);
  }
  return 0;
}

}  // namespace mkimg

// Raw CDs written Disc-at-Once (specs/rawcd.md): PlanRawCd lays out the tracks of a `cd`
// manifest on the CD's address space (pre-gaps, indexes, the lead-out) with every input
// checked (WAV formats, Red Book limits, the medium's size) before a byte is written;
// WriteRawCd writes the BIN (2352-byte sectors framed per ECMA-130, or 2048-byte cooked data
// sectors), the CUE sheet, cdrdao's TOC file, and on request the sub-channel (.sub) and
// the CD-TEXT packs (.cdt).
#ifndef MKIMG_FS_RAW_CD_H_
#define MKIMG_FS_RAW_CD_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/error.h"
#include "cd/cdtext.h"
#include "fs/image_builder.h"
#include "fs/image_spec.h"

namespace fs {

// How data sectors are stored in the BIN: cooked 2048-byte user data (MODE1/2048, or
// MODE2/2336 for Mode 2 Form 1), raw 2352-byte sectors, or raw sectors plus a .sub file
// with 96 bytes of P-W sub-channel a sector. Audio sectors are 2352 bytes in every mode.
enum class CueMode : std::uint8_t { kCooked, kRaw, kRawSubchannel };

// Where a run of PCM samples is in a WAV file.
struct WavSamples {
  std::string path;
  std::uint64_t offset = 0;  // of the first sample byte
  std::uint64_t bytes = 0;   // a multiple of 4 (one stereo 16-bit frame)
};

// One planned track. LBAs are absolute (LBA 0 = 00:02:00, the first BIN sector).
struct RawCdTrack {
  CdTrack spec;
  std::uint8_t number = 1;
  std::int32_t pregap_lba = 0;  // index 0; equals index1_lba when there is no pre-gap
  std::int32_t index1_lba = 0;
  std::int32_t end_lba = 0;              // the next track's pregap_lba, or the lead-out
  std::vector<std::int32_t> index_lbas;  // indexes 2, 3, ...
  WavSamples audio;                      // audio tracks
  WavSamples pregap_audio;               // bytes == 0: a silent pre-gap
  std::shared_ptr<Layout> data;          // a data track from a manifest
  std::uint64_t data_blocks = 0;         // the file system's (or image's) blocks
  std::uint8_t control() const;          // Q CONTROL (IEC 60908 17.5.1)
  bool is_data() const { return spec.kind == CdTrack::Kind::kData; }
};

struct RawCdDisc {
  CdSpec spec;  // catalog, first track, album text
  std::vector<RawCdTrack> tracks;
  std::int32_t leadout_lba = 0;
  std::vector<cd::CdTextPack> cdtext;  // empty: no CD-TEXT
  // Sectors stored in the BIN (LBA 0 to the lead-out).
  std::int32_t sectors() const { return leadout_lba; }
};

// Plans the disc of `spec.cd`. Errors (kInvalidInput): a WAV that is not 44.1 kHz 16-bit
// stereo PCM or is truncated (named by its host path), an audio track shorter than 4 s, a
// pre-gap too short for the track's mode, indexes past the track's end, CD-TEXT over 256
// packs, a disc longer than the medium (`media`, default cd-r: 79:59:72).
base::Expected<RawCdDisc> PlanRawCd(ImageSpec spec, const DiagnosticSink& diagnostics);

// The files of a disc written as `cue_path` (which ends in .cue): NAME.bin, NAME.toc,
// NAME.sub (raw+subchannel) and NAME.cdt (with CD-TEXT).
struct RawCdFiles {
  std::string cue, bin, toc, sub, cdt;
};
RawCdFiles RawCdFileNames(const std::string& cue_path);

// The CUE sheet and the TOC file of `disc` (file names without folders, as they refer to
// files beside them).
std::string CueSheet(const RawCdDisc& disc, CueMode mode, const RawCdFiles& files);
std::string TocFile(const RawCdDisc& disc, CueMode mode, const RawCdFiles& files);

// Writes every file of the disc through temporary files renamed into place only when all
// are complete. kInvalidInput when a source changed since planning, kIo on write errors.
base::Status WriteRawCd(const RawCdDisc& disc, CueMode mode, const std::string& cue_path,
                        std::span<const base::InputFile> inputs, const ProgressFn& progress);

}  // namespace fs

#endif  // MKIMG_FS_RAW_CD_H_

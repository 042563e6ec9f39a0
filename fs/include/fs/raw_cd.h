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
#include <string_view>
#include <vector>

#include "base/block_device.h"
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
  bool swap = false;         // big-endian samples (a raw file of cdrdao's TOC), swapped
  std::shared_ptr<const base::BlockDevice> device;  // set: read from it, not from `path`
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
std::string CueSheetText(const RawCdDisc& disc, CueMode mode, const RawCdFiles& files);
std::string TocFileText(const RawCdDisc& disc, CueMode mode, const RawCdFiles& files);

// Writes every file of the disc through temporary files renamed into place only when all
// are complete. kInvalidInput when a source changed since planning, kIo on write errors.
base::Status WriteRawCd(const RawCdDisc& disc, CueMode mode, const std::string& cue_path,
                        std::span<const base::InputFile> inputs, const ProgressFn& progress);

// ---- reading a BIN/CUE (specs/rawcd.md "Reading") -------------------------------------

// One track of a CUE sheet. Sector numbers count from the start of the BIN (LBA 0).
struct CueTrack {
  std::uint8_t number = 0;
  std::string mode;                // "AUDIO", "MODE1/2352", "MODE1/2048", "MODE2/2352", ...
  std::uint32_t sector_bytes = 0;  // bytes a sector in the BIN
  std::uint32_t user_offset = 0;   // where 2048 user bytes start in a sector (data tracks)
  bool data = false;
  std::string flags, isrc;
  CdText text;
  std::vector<std::pair<std::uint8_t, std::int32_t>> indexes;  // index number, sector
  std::uint64_t file_offset = 0;  // byte offset of the track's first index in the BIN
  std::int32_t start() const { return indexes.empty() ? 0 : indexes.front().second; }
};

// A run of a sheet's BIN bytes as the host stores them (a cdrdao TOC composes its tracks
// of files, parts of files and silence; specs/rawcd.md "TOC files").
struct BinPiece {
  std::string path;          // empty: zeros
  std::uint64_t offset = 0;  // in the file
  std::uint64_t bytes = 0;
  bool swap = false;  // 16-bit big-endian samples, presented little-endian as in a BIN
  // Zeros as framed data sectors of a raw data track (ZERO in MODE1_RAW / MODE2_RAW): the
  // mode (1 or 2: Form 1) and the LBA of the piece's first sector; mode 0: plain zeros.
  std::uint8_t framed_mode = 0;
  std::int32_t framed_lba = 0;
};

struct CueSheet {
  std::string path;  // the .cue (or .toc)
  std::string bin;   // the BIN, resolved beside the .cue (a TOC: its first file)
  std::string catalog;
  CdText text;
  std::vector<CueTrack> tracks;
  std::int32_t sectors = 0;            // the BIN's sectors (the lead-out LBA)
  std::vector<cd::CdTextPack> cdtext;  // from CDTEXTFILE, when present and readable
  std::string sub;                     // NAME.sub beside the BIN, when present
  // A TOC's BIN: these pieces one after the other (empty: the file `bin` itself).
  std::vector<BinPiece> pieces;
};

// Parses a CUE sheet of one BINARY file (CDRWIN's commands: CATALOG, CDTEXTFILE, FILE,
// TRACK, FLAGS, ISRC, INDEX, PREGAP, POSTGAP, TITLE, PERFORMER, SONGWRITER, REM).
// kInvalidInput "PATH:LINE: what" for what it cannot read.
// A PATH ending in .toc is read as cdrdao's TOC file (ReadTocFile).
base::Expected<CueSheet> ReadCueSheet(const std::string& path);

// Parses cdrdao's TOC file (specs/rawcd.md "TOC files") into the sheet of the same disc:
// its FILE/AUDIOFILE, DATAFILE, SILENCE, ZERO and PREGAP statements become `pieces` of one
// BIN (track 1 at LBA 0), its CD_TEXT blocks the packs of `cdtext`; files resolve against
// the TOC's folder. kInvalidInput "PATH:LINE:COLUMN: what" for what it cannot read.
base::Expected<CueSheet> ReadTocFile(const std::string& path);
// The same from the TOC's text; `path` names it in errors and resolves its files. With
// `open_files` false no file is looked at (lengths must then be given): for fuzzing.
base::Expected<CueSheet> ParseTocText(std::string_view text, const std::string& path,
                                      bool open_files = true);

// The sheet's BIN as one device of bytes (the file, or a TOC's pieces).
base::Expected<std::unique_ptr<base::BlockDevice>> OpenCueBin(const CueSheet& sheet);

// The user data of the disc's data tracks as 2048-byte blocks addressed by LBA (block n is
// sector n of the BIN; audio sectors read as zeros), for the image readers.
base::Expected<std::unique_ptr<base::BlockDevice>> OpenCueData(const CueSheet& sheet);

// The disc a CUE sheet describes, as the spec of a raw CD whose tracks come from its BIN
// (re-mastering: another --cue-mode, a sub-channel file, a TOC). kInvalidInput for an ISRC
// or catalog of the wrong form, naming the CUE sheet.
base::Expected<ImageSpec> CdSpecFromCue(const CueSheet& sheet);

// Checks every raw data sector (sync, header address and mode, EDC and ECC: ECMA-130 14)
// and, when NAME.sub exists, every Q frame's CRC and position. Returns the problems, each
// "LBA n: what" (at most `limit`, then a count).
base::Expected<std::vector<std::string>> VerifyRawCd(const CueSheet& sheet, std::size_t limit = 20);

}  // namespace fs

#endif  // MKIMG_FS_RAW_CD_H_

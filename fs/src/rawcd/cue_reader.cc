// Reading a BIN/CUE (specs/rawcd.md "Reading"): the CUE sheet's commands, the data tracks'
// user data as a block device for the image readers, and the checks of raw sectors (sync,
// header, EDC, ECC: ECMA-130 14) and of the .sub file's Q frames (IEC 60908 17.5).
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "cd/cdtext.h"
#include "cd/msf.h"
#include "cd/sector.h"
#include "cd/subchannel.h"
#include "fs/raw_cd.h"

namespace fs {
namespace {

constexpr std::size_t kMaxCueBytes = 1 << 20;

std::string Folder(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

// The next word, or a quoted string, of `line` from `at`.
std::string Word(const std::string& line, std::size_t* at) {
  std::size_t i = *at;
  while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
  std::string out;
  if (i < line.size() && line[i] == '"') {
    ++i;
    while (i < line.size() && line[i] != '"') out.push_back(line[i++]);
    if (i < line.size()) ++i;
  } else {
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i])))
      out.push_back(line[i++]);
  }
  *at = i;
  return out;
}

// "MM:SS:FF" as sectors; -1 when malformed.
std::int32_t ParseMsf(const std::string& s) {
  int m = 0, sec = 0, f = 0;
  char c1 = 0, c2 = 0;
  std::istringstream in(s);
  // Minutes past 999 are no CD (and would overflow the sector count).
  if (!(in >> m >> c1 >> sec >> c2 >> f) || c1 != ':' || c2 != ':' || m < 0 || m > 999 || sec < 0 ||
      sec > 59 || f < 0 || f > 74) {
    return -1;
  }
  return (m * 60 + sec) * 75 + f;
}

bool SetMode(CueTrack* t) {
  struct Mode {
    const char* name;
    std::uint32_t bytes, offset;
    bool data;
  };
  static constexpr Mode kModes[] = {{"AUDIO", 2352, 0, false},      {"MODE1/2048", 2048, 0, true},
                                    {"MODE1/2352", 2352, 16, true}, {"MODE2/2336", 2336, 8, true},
                                    {"MODE2/2352", 2352, 24, true}, {"CDI/2336", 2336, 8, true},
                                    {"CDI/2352", 2352, 24, true}};
  for (const Mode& m : kModes) {
    if (t->mode == m.name) {
      t->sector_bytes = m.bytes;
      t->user_offset = m.offset;
      t->data = m.data;
      return true;
    }
  }
  return false;
}

class CueDataDevice final : public base::BlockDevice {
 public:
  explicit CueDataDevice(const CueSheet& sheet, std::unique_ptr<base::BlockDevice> bin)
      : sheet_(sheet), bin_(std::move(bin)) {}
  std::uint64_t size() const override {
    return static_cast<std::uint64_t>(sheet_.sectors) * base::kBlockSize;
  }
  base::Status Read(std::uint64_t offset, std::span<std::uint8_t> out) const override {
    if (offset + out.size() > size() || offset + out.size() < offset) {
      return base::CorruptImage(base::LbaWhere(offset / base::kBlockSize),
                                "read beyond the end of the image");
    }
    while (!out.empty()) {
      const std::int32_t lba = static_cast<std::int32_t>(offset / base::kBlockSize);
      const std::size_t within = offset % base::kBlockSize;
      const std::size_t n = std::min<std::size_t>(out.size(), base::kBlockSize - within);
      const CueTrack* t = TrackAt(lba);
      if (t == nullptr || !t->data) {
        std::fill_n(out.begin(), n, 0);
      } else {
        const std::uint64_t at = t->file_offset +
                                 static_cast<std::uint64_t>(lba - t->start()) * t->sector_bytes +
                                 t->user_offset + within;
        RETURN_IF_ERROR(bin_->Read(at, out.subspan(0, n)));
      }
      out = out.subspan(n);
      offset += n;
    }
    return base::Ok();
  }

 private:
  const CueTrack* TrackAt(std::int32_t lba) const {
    const CueTrack* found = nullptr;
    for (const CueTrack& t : sheet_.tracks) {
      if (t.start() <= lba) found = &t;
    }
    return found;
  }
  CueSheet sheet_;
  std::unique_ptr<base::BlockDevice> bin_;
};

// A TOC's BIN: its pieces one after the other, zeros where a piece has no file, 16-bit
// big-endian samples swapped.
class PiecesDevice final : public base::BlockDevice {
 public:
  static base::Expected<std::unique_ptr<base::BlockDevice>> Open(const CueSheet& sheet) {
    auto d = std::make_unique<PiecesDevice>();
    for (const BinPiece& p : sheet.pieces) {
      d->starts_.push_back(d->size_);
      d->pieces_.push_back(p);
      d->size_ += p.bytes;
      if (!p.path.empty() && d->files_.count(p.path) == 0) {
        ASSIGN_OR_RETURN(d->files_[p.path], base::OpenImageFile(p.path));
      }
    }
    return std::unique_ptr<base::BlockDevice>(std::move(d));
  }
  std::uint64_t size() const override { return size_; }
  base::Status Read(std::uint64_t offset, std::span<std::uint8_t> out) const override {
    if (offset + out.size() > size_ || offset + out.size() < offset) {
      return base::CorruptImage(base::LbaWhere(offset / base::kBlockSize),
                                "read beyond the end of the image");
    }
    std::size_t k = static_cast<std::size_t>(
        std::upper_bound(starts_.begin(), starts_.end(), offset) - starts_.begin() - 1);
    while (!out.empty()) {
      const BinPiece& p = pieces_[k];
      const std::uint64_t within = offset - starts_[k];
      const std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), p.bytes - within));
      if (p.path.empty() && p.framed_mode != 0) {
        // Zero user data framed as the sectors of its track (ECMA-130 14).
        std::array<std::uint8_t, cd::kSectorBytes> sector{};
        for (std::uint64_t done = 0; done < n;) {
          const std::uint64_t s = (within + done) / cd::kSectorBytes;
          const std::uint64_t in = (within + done) % cd::kSectorBytes;
          sector.fill(0);
          const auto lba = p.framed_lba + static_cast<std::int32_t>(s);
          if (p.framed_mode == 1) {
            cd::FrameMode1(lba, sector.data());
          } else {
            cd::FrameMode2Form1(lba, sector.data());
          }
          const std::uint64_t m = std::min<std::uint64_t>(n - done, cd::kSectorBytes - in);
          std::copy_n(sector.begin() + static_cast<std::ptrdiff_t>(in), m,
                      out.begin() + static_cast<std::ptrdiff_t>(done));
          done += m;
        }
      } else if (p.path.empty()) {
        std::fill_n(out.begin(), n, 0);
      } else if (!p.swap) {
        RETURN_IF_ERROR(files_.at(p.path)->Read(p.offset + within, out.subspan(0, n)));
      } else {
        // Whole 16-bit samples, from an even offset of the piece.
        const std::uint64_t first = within & ~std::uint64_t{1};
        const std::uint64_t end =
            std::min<std::uint64_t>(p.bytes, (within + n + 1) & ~std::uint64_t{1});
        std::vector<std::uint8_t> buf(static_cast<std::size_t>(end - first));
        RETURN_IF_ERROR(files_.at(p.path)->Read(p.offset + first, buf));
        for (std::size_t b = 0; b + 1 < buf.size(); b += 2) std::swap(buf[b], buf[b + 1]);
        std::copy_n(buf.begin() + static_cast<std::ptrdiff_t>(within - first), n, out.begin());
      }
      out = out.subspan(n);
      offset += n;
      ++k;
    }
    return base::Ok();
  }

 private:
  std::vector<BinPiece> pieces_;
  std::vector<std::uint64_t> starts_;
  std::uint64_t size_ = 0;
  std::map<std::string, std::unique_ptr<base::BlockDevice>> files_;
};

bool IsUtf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i++]);
    std::size_t more = 0;
    if (c >= 0x80) {
      if (c < 0xC2 || c > 0xF4) return false;
      more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
    }
    for (; more > 0; --more, ++i) {
      if (i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return false;
    }
  }
  return true;
}

// The text as UTF-8, as a sheet's CD-TEXT (like a manifest's) is kept: CD-TEXT items are
// ISO 8859-1 (`latin1`); a CUE's TITLE already valid UTF-8 stays as it is.
std::string TextAsUtf8(const std::string& s, bool latin1) {
  if (!latin1 && IsUtf8(s)) return s;
  return cd::Latin1ToUtf8(s);
}

// The BinRange of the sheet's bytes [offset, offset + sectors * sector_bytes): in the BIN
// itself, or in the one file piece of a TOC that holds them (zero pieces after it are the
// range's unstored tail), or else read through the TOC's whole BIN (`*bin`, opened on
// first use). nullopt when the range is all zeros.
base::Expected<std::optional<CdTrack::BinRange>> RangeOf(
    const CueSheet& sheet, std::shared_ptr<const base::BlockDevice>* bin, std::uint64_t offset,
    std::uint32_t sectors, std::uint32_t sector_bytes, std::uint32_t user_offset) {
  CdTrack::BinRange r;
  r.path = sheet.bin;
  r.offset = offset;
  r.sectors = sectors;
  r.sector_bytes = sector_bytes;
  r.user_offset = user_offset;
  if (sheet.pieces.empty()) return std::optional<CdTrack::BinRange>(r);
  const std::uint64_t end = offset + std::uint64_t{sectors} * sector_bytes;
  const BinPiece* file = nullptr;
  std::uint64_t at = 0, file_at = 0;
  bool composed = false, zero = false;
  for (const BinPiece& p : sheet.pieces) {
    if (at + p.bytes > offset && at < end) {
      if (!p.path.empty()) {
        composed = composed || file != nullptr || zero;
        if (file == nullptr) {
          file = &p;
          file_at = at;
        }
      } else {
        zero = true;
      }
    }
    at += p.bytes;
  }
  if (file == nullptr) return std::optional<CdTrack::BinRange>();
  r.path = file->path;
  if (composed) {
    if (!*bin) {
      ASSIGN_OR_RETURN(auto device, OpenCueBin(sheet));
      *bin = std::move(device);
    }
    r.device = *bin;
    return std::optional<CdTrack::BinRange>(r);
  }
  r.offset = file->offset + (offset - file_at);
  r.swap = file->swap;
  const std::uint64_t stored = std::min(end, file_at + file->bytes) - offset;
  if (stored < end - offset) r.stored_bytes = stored;
  return std::optional<CdTrack::BinRange>(r);
}

// CDRWIN's PREGAP and POSTGAP: sectors of zeros (framed sectors in a raw data track) that
// the disc has and the BIN does not. The sheet's BIN becomes pieces with them inserted and
// every address after them moves; a PREGAP is index 0 of its track.
void InsertGaps(const std::vector<std::pair<std::int32_t, std::int32_t>>& gaps,
                std::uint64_t bin_bytes, CueSheet* sheet) {
  std::int32_t shift = 0;
  std::uint64_t offset = 0;  // in the new BIN
  auto zeros = [&](const CueTrack& t, std::int32_t lba, std::int32_t sectors) {
    BinPiece z;
    z.bytes = std::uint64_t{static_cast<std::uint32_t>(sectors)} * t.sector_bytes;
    if (t.data && t.sector_bytes == cd::kSectorBytes && t.user_offset >= 16) {
      z.framed_mode = t.user_offset == 16 ? 1 : 2;
      z.framed_lba = lba;
    }
    sheet->pieces.push_back(z);
    offset += z.bytes;
  };
  for (std::size_t i = 0; i < sheet->tracks.size(); ++i) {
    CueTrack& t = sheet->tracks[i];
    const auto [pregap, postgap] = gaps[i];
    const std::uint64_t end =
        i + 1 < sheet->tracks.size() ? sheet->tracks[i + 1].file_offset : bin_bytes;
    const std::int32_t start = t.start() + shift;
    const std::uint64_t stored = end - t.file_offset;
    t.file_offset = offset;
    for (auto& [number, lba] : t.indexes) lba += shift + pregap;
    if (pregap > 0) {
      if (t.indexes.front().first == 0) {
        t.indexes.front().second = start;
      } else {
        t.indexes.insert(t.indexes.begin(), {std::uint8_t{0}, start});
      }
      zeros(t, start, pregap);
    }
    BinPiece data;
    data.path = sheet->bin;
    data.offset = end - stored;
    data.bytes = stored;
    sheet->pieces.push_back(data);
    offset += stored;
    shift += pregap;
    if (postgap > 0) {
      const auto stored_sectors = static_cast<std::int32_t>(stored / t.sector_bytes);
      zeros(t, start + pregap + stored_sectors, postgap);
      shift += postgap;
    }
  }
  sheet->sectors += shift;
}

}  // namespace

base::Expected<std::unique_ptr<base::BlockDevice>> OpenCueBin(const CueSheet& sheet) {
  if (sheet.pieces.empty()) return base::OpenImageFile(sheet.bin);
  return PiecesDevice::Open(sheet);
}

base::Expected<CueSheet> ReadCueSheet(const std::string& path) {
  if (path.size() > 4 && (path.compare(path.size() - 4, 4, ".toc") == 0 ||
                          path.compare(path.size() - 4, 4, ".TOC") == 0)) {
    return ReadTocFile(path);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::InvalidInput(path, std::strerror(errno));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > kMaxCueBytes) return base::InvalidInput(path, "not a CUE sheet (too large)");
  CueSheet sheet;
  sheet.path = path;
  std::string cdtext_file;
  std::vector<std::pair<std::int32_t, std::int32_t>> gaps;  // PREGAP, POSTGAP of each track
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  auto fail = [&](const std::string& what) {
    return base::InvalidInput(path + ":" + std::to_string(number), what);
  };
  while (std::getline(lines, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::size_t at = 0;
    std::string command = Word(line, &at);
    for (char& c : command) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CueTrack* track = sheet.tracks.empty() ? nullptr : &sheet.tracks.back();
    CdText& text_of = track ? track->text : sheet.text;
    if (command.empty() || command == "REM") {
      continue;
    } else if (command == "PREGAP" || command == "POSTGAP") {
      // Silence (zeros) the BIN does not hold: before the track's INDEX 01, after its data.
      if (!track) return fail(command + " before TRACK");
      const std::int32_t sectors = ParseMsf(Word(line, &at));
      if (sectors < 0) return fail("not a time: \"" + line + "\"");
      gaps.resize(sheet.tracks.size());
      (command == "PREGAP" ? gaps.back().first : gaps.back().second) = sectors;
    } else if (command == "CATALOG") {
      sheet.catalog = Word(line, &at);
    } else if (command == "CDTEXTFILE") {
      cdtext_file = Word(line, &at);
    } else if (command == "TITLE") {
      text_of.title = Word(line, &at);
    } else if (command == "PERFORMER") {
      text_of.performer = Word(line, &at);
    } else if (command == "SONGWRITER") {
      text_of.songwriter = Word(line, &at);
    } else if (command == "FILE") {
      if (!sheet.bin.empty()) return fail("more than one FILE: mkimg reads one BIN a CUE sheet");
      std::string name = Word(line, &at);
      std::string type = Word(line, &at);
      if (type != "BINARY") return fail("FILE type " + type + " (mkimg reads BINARY files)");
      sheet.bin = !name.empty() && name[0] == '/' ? name : Folder(path) + name;
    } else if (command == "TRACK") {
      if (sheet.bin.empty()) return fail("TRACK before FILE");
      CueTrack t;
      const std::string n = Word(line, &at);
      t.mode = Word(line, &at);
      if (n.empty() || n.size() > 2 || !std::isdigit(static_cast<unsigned char>(n[0])) ||
          !std::isdigit(static_cast<unsigned char>(n.back())) || !SetMode(&t)) {
        return fail("not a track: \"" + line + "\"");
      }
      t.number = static_cast<std::uint8_t>(std::stoi(n));
      sheet.tracks.push_back(std::move(t));
    } else if (command == "FLAGS" || command == "ISRC" || command == "INDEX") {
      if (!track) return fail(command + " before TRACK");
      if (command == "FLAGS") {
        track->flags = line.substr(at);
      } else if (command == "ISRC") {
        track->isrc = Word(line, &at);
      } else {
        const std::string ix = Word(line, &at);
        const std::int32_t sector = ParseMsf(Word(line, &at));
        if (ix.empty() || ix.size() > 2 || sector < 0 ||
            !std::all_of(ix.begin(), ix.end(), [](char c) { return c >= '0' && c <= '9'; })) {
          return fail("not an index: \"" + line + "\"");
        }
        if (!track->indexes.empty() && sector < track->indexes.back().second) {
          return fail("indexes go backwards");
        }
        track->indexes.emplace_back(static_cast<std::uint8_t>(std::stoi(ix)), sector);
      }
    } else {
      return fail("unknown CUE command \"" + command + "\"");
    }
  }
  if (sheet.tracks.empty()) return base::InvalidInput(path, "not a CUE sheet: no TRACK");
  struct stat st {};
  if (::stat(sheet.bin.c_str(), &st) != 0) {
    return base::InvalidInput(sheet.bin,
                              std::string(std::strerror(errno)) + " (named by " + path + ")");
  }
  // CDRWIN: INDEX times count sectors from the start of the file, each of its track's size;
  // a track's bytes start where the previous track's sectors end.
  std::uint64_t offset = 0;
  for (std::size_t i = 0; i < sheet.tracks.size(); ++i) {
    CueTrack& t = sheet.tracks[i];
    if (t.indexes.empty())
      return base::InvalidInput(path, "track " + std::to_string(t.number) + " has no INDEX");
    if (i > 0) {
      const CueTrack& p = sheet.tracks[i - 1];
      if (t.start() < p.start()) return base::InvalidInput(path, "tracks go backwards");
      offset += static_cast<std::uint64_t>(t.start() - p.start()) * p.sector_bytes;
    }
    t.file_offset = offset;
  }
  const CueTrack& last = sheet.tracks.back();
  const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  if (size < last.file_offset) return base::InvalidInput(sheet.bin, "shorter than its CUE sheet");
  sheet.sectors =
      last.start() + static_cast<std::int32_t>((size - last.file_offset) / last.sector_bytes);
  if (!gaps.empty()) {
    gaps.resize(sheet.tracks.size());
    InsertGaps(gaps, size, &sheet);
  }
  if (!cdtext_file.empty()) {
    std::ifstream cdt(cdtext_file[0] == '/' ? cdtext_file : Folder(path) + cdtext_file,
                      std::ios::binary);
    std::string packs((std::istreambuf_iterator<char>(cdt)), std::istreambuf_iterator<char>());
    // With a 4-byte READ TOC header (cdrecord) or without (libcdio): both are read.
    std::size_t start = packs.size() % cd::kCdTextPackBytes == 4 ? 4 : 0;
    for (std::size_t k = start; k + cd::kCdTextPackBytes <= packs.size() && k < 300 * 18;
         k += cd::kCdTextPackBytes) {
      cd::CdTextPack p;
      std::memcpy(p.data(), packs.data() + k, p.size());
      sheet.cdtext.push_back(p);
    }
  }
  std::string sub = sheet.bin;
  // A .sub has the BIN's sectors: none of the silence a PREGAP or POSTGAP adds.
  if (sheet.pieces.empty() && sub.size() > 4 && sub.compare(sub.size() - 4, 4, ".bin") == 0) {
    sub.replace(sub.size() - 4, 4, ".sub");
    if (::stat(sub.c_str(), &st) == 0 && S_ISREG(st.st_mode)) sheet.sub = sub;
  }
  return sheet;
}

base::Expected<ImageSpec> CdSpecFromCue(const CueSheet& sheet) {
  ImageSpec spec;
  CdSpec cd;
  cd.where = sheet.path;
  cd.catalog = sheet.catalog;
  if (!cd.catalog.empty() &&
      (cd.catalog.size() != 13 || !std::all_of(cd.catalog.begin(), cd.catalog.end(),
                                               [](char c) { return c >= '0' && c <= '9'; }))) {
    return base::InvalidInput(sheet.path, "CATALOG \"" + cd.catalog + "\" is not 13 digits");
  }
  cd.first_track = sheet.tracks.front().number;
  // CD-TEXT: the CUE's TITLE/PERFORMER/SONGWRITER, then the .cdt's items where set.
  const cd::DecodedCdText packs = cd::DecodeCdText(sheet.cdtext);
  // The packs' character code is kept, and their text read in it (MS-JIS for the text
  // types of an MS-JIS block).
  if (!sheet.cdtext.empty()) cd.text_charset = packs.block.charset;
  auto merge = [&](const cd::CdTextItems& items, CdText* text) {
    std::string* fields[] = {&text->title,    &text->performer, &text->songwriter, &text->composer,
                             &text->arranger, &text->message,   &text->disc_id,    &text->upc_isrc};
    for (std::size_t i = 0; i < cd::kCdTextItems; ++i) {
      if (items[i].empty()) continue;
      *fields[i] = cd.text_charset == cd::kCharsetMsJis && i < 6 ? cd::MsJisToUtf8(items[i])
                                                                 : TextAsUtf8(items[i], true);
    }
  };
  auto utf8 = [](CdText t) {
    for (std::string* f : {&t.title, &t.performer, &t.songwriter, &t.composer, &t.arranger,
                           &t.message, &t.disc_id, &t.upc_isrc}) {
      *f = TextAsUtf8(*f, false);
    }
    return t;
  };
  cd.text = utf8(sheet.text);
  std::shared_ptr<const base::BlockDevice> bin;  // a TOC's BIN, for its composed tracks
  merge(packs.block.album, &cd.text);
  for (std::size_t i = 0; i < sheet.tracks.size(); ++i) {
    const CueTrack& c = sheet.tracks[i];
    CdTrack t;
    t.where = sheet.path + ": track " + std::to_string(c.number);
    if (i > 0 && c.number != sheet.tracks[i - 1].number + 1) {
      return base::InvalidInput(t.where, "track numbers must follow each other");
    }
    t.kind = c.data ? CdTrack::Kind::kData : CdTrack::Kind::kAudio;
    t.mode =
        c.mode.rfind("MODE1", 0) == 0 ? CdTrack::DataMode::kMode1 : CdTrack::DataMode::kMode2Form1;
    t.copy_permitted = c.flags.find("DCP") != std::string::npos;
    t.pre_emphasis = !c.data && c.flags.find("PRE") != std::string::npos;
    t.isrc = c.isrc;
    if (!t.isrc.empty()) {
      bool ok = t.isrc.size() == 12;
      for (std::size_t k = 0; ok && k < 12; ++k) {
        const char ch = t.isrc[k];
        ok = (ch >= '0' && ch <= '9') || (k < 5 && ch >= 'A' && ch <= 'Z');
      }
      if (!ok) return base::InvalidInput(t.where, "ISRC \"" + t.isrc + "\" is not CCOOOYYSSSSS");
    }
    t.text = utf8(c.text);
    const std::size_t n = static_cast<std::size_t>(c.number - packs.block.first_track);
    if (c.number >= packs.block.first_track && n < packs.block.tracks.size()) {
      merge(packs.block.tracks[n], &t.text);
    }
    t.text.upc_isrc = t.isrc;
    // Index 1 (or the first index when a sheet has none numbered 1) starts the track.
    std::int32_t index1 = c.start();
    for (const auto& [number, at] : c.indexes) {
      if (number == 1) index1 = at;
    }
    for (const auto& [number, at] : c.indexes) {
      if (number > 1) t.indexes.push_back(static_cast<std::uint32_t>(at - index1));
    }
    const std::int32_t end =
        i + 1 < sheet.tracks.size() ? sheet.tracks[i + 1].start() : sheet.sectors;
    if (end <= index1) return base::InvalidInput(t.where, "has no sectors after its index 1");
    if (!c.data && c.sector_bytes != cd::kSectorBytes) {
      return base::InvalidInput(t.where,
                                "audio with R-W sub-channel data after each sector "
                                "is not re-mastered");
    }
    const std::int32_t stored_pregap = index1 - c.start();
    if (stored_pregap > 0) {
      ASSIGN_OR_RETURN(
          auto gap, RangeOf(sheet, &bin, c.file_offset, static_cast<std::uint32_t>(stored_pregap),
                            c.sector_bytes, c.user_offset));
      // All zeros (a TOC's PREGAP or SILENCE): the same pre-gap, silent.
      if (gap) t.bin_pregap = *gap;
    }
    ASSIGN_OR_RETURN(
        auto body,
        RangeOf(sheet, &bin,
                c.file_offset + static_cast<std::uint64_t>(stored_pregap) * c.sector_bytes,
                static_cast<std::uint32_t>(end - index1), c.sector_bytes, c.user_offset));
    if (!body) {
      if (c.data) return base::InvalidInput(t.where, "a data track of zeros only (no DATAFILE)");
      // A silent audio track: no file to read.
      CdTrack::BinRange silent;
      silent.sectors = static_cast<std::uint32_t>(end - index1);
      body = silent;
    }
    t.bin = *body;
    t.pregap = static_cast<std::uint32_t>(stored_pregap + (i == 0 ? 150 : 0));
    cd.tracks.push_back(std::move(t));
  }
  spec.cd = std::move(cd);
  return spec;
}

base::Expected<std::unique_ptr<base::BlockDevice>> OpenCueData(const CueSheet& sheet) {
  ASSIGN_OR_RETURN(auto bin, OpenCueBin(sheet));
  return std::unique_ptr<base::BlockDevice>(std::make_unique<CueDataDevice>(sheet, std::move(bin)));
}

base::Expected<std::vector<std::string>> VerifyRawCd(const CueSheet& sheet, std::size_t limit) {
  ASSIGN_OR_RETURN(auto bin, OpenCueBin(sheet));
  std::vector<std::string> problems;
  std::size_t more = 0;
  auto problem = [&](std::int32_t lba, const std::string& what) {
    if (problems.size() < limit) {
      problems.push_back(base::LbaWhere(static_cast<std::uint64_t>(lba)) + ": " + what);
    } else {
      ++more;
    }
  };
  std::array<std::uint8_t, cd::kSectorBytes> s{}, framed{};
  for (std::size_t i = 0; i < sheet.tracks.size(); ++i) {
    const CueTrack& t = sheet.tracks[i];
    // Raw sectors (sync and header stored, user data from byte 16), with R-W after each
    // in a TOC's sub-channel modes.
    if (!t.data || t.sector_bytes < cd::kSectorBytes || t.user_offset < 16) continue;
    const std::int32_t end =
        i + 1 < sheet.tracks.size() ? sheet.tracks[i + 1].start() : sheet.sectors;
    for (std::int32_t lba = t.start(); lba < end; ++lba) {
      const std::uint64_t at =
          t.file_offset + static_cast<std::uint64_t>(lba - t.start()) * t.sector_bytes;
      RETURN_IF_ERROR(bin->Read(at, s));
      if (!cd::HasSync(s.data())) {
        problem(lba, "no sync pattern (ECMA-130 14.1)");
        continue;
      }
      const cd::Msf msf = cd::LbaToMsf(lba);
      if (s[12] != cd::ToBcd(msf.minute) || s[13] != cd::ToBcd(msf.second) ||
          s[14] != cd::ToBcd(msf.frame)) {
        problem(lba, "the header's address is not the sector's (ECMA-130 14.2)");
        continue;
      }
      // Framing is a function of the user data and the address: re-framing must give the
      // same bytes, or the EDC or the ECC is wrong.
      framed = s;
      if (s[15] == 1) {
        cd::FrameMode1(lba, framed.data());
      } else if (s[15] == 2 && (s[18] & 0x20) != 0) {
        cd::FrameMode2Form2(lba, framed.data());
      } else if (s[15] == 2) {
        cd::FrameMode2Form1(lba, framed.data());
      } else {
        problem(lba, "sector mode " + std::to_string(s[15]) + " in a data track");
        continue;
      }
      if (framed != s) {
        const bool edc = std::memcmp(framed.data(), s.data(), s[15] == 1 ? 2068 : 2076) != 0;
        problem(lba, edc ? "EDC does not match the data (ECMA-130 14.4)"
                         : "ECC (P/Q parity) does not match the data (ECMA-130 Annex A)");
      }
    }
  }
  if (!sheet.sub.empty()) {
    ASSIGN_OR_RETURN(auto sub, base::OpenImageFile(sheet.sub));
    if (sub->size() != static_cast<std::uint64_t>(sheet.sectors) * cd::kSubchannelBytes) {
      problems.push_back(sheet.sub + ": " + std::to_string(sub->size()) + " bytes for " +
                         std::to_string(sheet.sectors) + " sectors (96 a sector)");
    } else {
      std::array<std::uint8_t, cd::kSubchannelBytes> raw{};
      for (std::int32_t lba = 0; lba < sheet.sectors; ++lba) {
        RETURN_IF_ERROR(sub->Read(static_cast<std::uint64_t>(lba) * raw.size(), raw));
        const std::uint8_t* q = raw.data() + 12;  // CloneCD layout: P, Q, R-W
        const std::uint16_t crc = cd::QCrc(std::span<const std::uint8_t>(q, 10));
        if (crc != ((q[10] << 8) | q[11])) {
          problem(lba, "Q sub-channel CRC does not match (IEC 60908 17.5)");
          continue;
        }
        if ((q[0] & 0x0F) == 1 &&
            cd::MsfToLba(cd::FromBcd(q[7]), cd::FromBcd(q[8]), cd::FromBcd(q[9])) != lba) {
          problem(lba, "Q absolute time is not the sector's address");
        }
      }
    }
  }
  if (more > 0) problems.push_back("... and " + std::to_string(more) + " more");
  return problems;
}

}  // namespace fs

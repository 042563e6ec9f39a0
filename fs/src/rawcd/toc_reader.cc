// Reading cdrdao's TOC file (specs/rawcd.md "TOC files"; the format of cdrdao's manual,
// section "TOC FILES") into the CueSheet of the same disc, so that every reader of a
// BIN/CUE (info, ls, extract, verify, re-mastering, burning) reads a TOC the same way.
// A track is the concatenation of its FILE/AUDIOFILE, DATAFILE, SILENCE and ZERO
// statements (PREGAP is silence or zeros before START); the tracks one after the other
// are the sheet's BIN, kept as pieces of host files and zeros (BinPiece).
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>

#include "cd/cdtext.h"
#include "cd/msf.h"
#include "cd/sector.h"
#include "fs/raw_cd.h"
#include "rawcd/wav.h"

namespace fs {
namespace {

constexpr std::size_t kMaxTocBytes = 1 << 20;
constexpr std::uint64_t kMaxNumber = std::uint64_t{1} << 40;  // past any CD's bytes

struct Token {
  enum class Kind : std::uint8_t { kEnd, kWord, kString, kNumber, kOffset, kPunct };
  Kind kind = Kind::kEnd;
  std::string text;  // a word, a string's bytes, a punctuation character
  std::uint64_t number = 0;
  int line = 0, column = 0;
};

// A time or length: MM:SS:FF (sectors) or a plain number (samples of audio, bytes of data).
struct Time {
  bool msf = false;
  std::uint64_t value = 0;
  std::uint64_t Bytes(std::uint64_t block, bool audio) const {
    return msf ? value * block : audio ? value * 4 : value;
  }
};

// One FILE/AUDIOFILE, DATAFILE, SILENCE or ZERO statement of a track.
struct TocPiece {
  bool zero = false;
  bool audio_file = false;  // FILE/AUDIOFILE (else DATAFILE)
  std::string name;
  bool swap = false;
  std::uint64_t skip = 0;  // #offset
  Time start;
  std::optional<Time> length;
  std::string where;
};

struct TocTrack {
  std::string mode;
  std::uint32_t block = 0, user_offset = 0;
  bool audio = true;
  bool copy = false, pre_emphasis = false, four_channel = false;
  std::string isrc;
  std::vector<TocPiece> pieces;
  std::optional<Time> start;  // START (value unset when empty: the length so far)
  bool start_here = false;    // START without a time
  std::uint64_t start_at_piece = 0;
  std::vector<std::uint64_t> indexes;             // sectors from index 1
  std::map<std::uint64_t, cd::CdTextItems> text;  // by language number
  std::string where;
};

class TocParser {
 public:
  TocParser(std::string_view text, std::string path) : text_(text), path_(std::move(path)) {}

  base::Status Lex() {
    std::size_t i = 0;
    int line = 1;
    std::size_t line_start = 0;
    while (i < text_.size()) {
      const char c = text_[i];
      if (c == '\n') {
        ++line;
        line_start = ++i;
        continue;
      }
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
        continue;
      }
      Token t;
      t.line = line;
      t.column = static_cast<int>(i - line_start) + 1;
      const bool slash_comment = c == '/' && i + 1 < text_.size() && text_[i + 1] == '/';
      const bool hash_comment =
          c == '#' &&
          (i + 1 >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[i + 1])));
      if (slash_comment || hash_comment) {
        while (i < text_.size() && text_[i] != '\n') ++i;
        continue;
      }
      if (c == '"') {
        t.kind = Token::Kind::kString;
        ++i;
        for (;;) {
          if (i >= text_.size() || text_[i] == '\n')
            return Fail(t, "a string without its closing \"");
          char ch = text_[i++];
          if (ch == '"') break;
          if (ch == '\\' && i < text_.size()) {
            // cdrdao's escapes: \ooo (octal), \" and \\ (and any other character as itself).
            if (text_[i] >= '0' && text_[i] <= '7') {
              unsigned v = 0;
              for (int k = 0; k < 3 && i < text_.size() && text_[i] >= '0' && text_[i] <= '7'; ++k)
                v = v * 8 + static_cast<unsigned>(text_[i++] - '0');
              if (v > 255) return Fail(t, "octal escape over \\377");
              ch = static_cast<char>(v);
            } else {
              ch = text_[i++];
            }
          }
          t.text.push_back(ch);
        }
      } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '#') {
        t.kind = c == '#' ? Token::Kind::kOffset : Token::Kind::kNumber;
        if (c == '#') ++i;
        while (i < text_.size() && std::isdigit(static_cast<unsigned char>(text_[i]))) {
          t.number = t.number * 10 + static_cast<std::uint64_t>(text_[i++] - '0');
          if (t.number > kMaxNumber) return Fail(t, "number too large");
        }
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        t.kind = Token::Kind::kWord;
        while (i < text_.size() &&
               (std::isalnum(static_cast<unsigned char>(text_[i])) || text_[i] == '_')) {
          t.text.push_back(text_[i++]);
        }
      } else if (c == '{' || c == '}' || c == ':' || c == ',') {
        t.kind = Token::Kind::kPunct;
        t.text = std::string(1, c);
        ++i;
      } else {
        return Fail(t, std::string("unexpected character '") +
                           (std::isprint(static_cast<unsigned char>(c)) ? std::string(1, c)
                                                                        : "\\x" + Hex(c)) +
                           "'");
      }
      tokens_.push_back(std::move(t));
    }
    Token end;
    end.line = line;
    end.column = static_cast<int>(i - line_start) + 1;
    tokens_.push_back(end);
    return base::Ok();
  }

  base::Status Parse() {
    // The header: CATALOG, the session type and the disc's CD_TEXT, in any order.
    while (!Is("TRACK") && Peek().kind != Token::Kind::kEnd) {
      const Token& t = Next();
      if (IsWord(t, "CATALOG")) {
        ASSIGN_OR_RETURN(catalog_, String());
        if (catalog_.size() != 13 || !std::all_of(catalog_.begin(), catalog_.end(),
                                                  [](char c) { return c >= '0' && c <= '9'; })) {
          return Fail(tokens_[at_ - 1], "CATALOG \"" + catalog_ + "\" is not 13 digits");
        }
      } else if (IsWord(t, "CD_DA") || IsWord(t, "CD_ROM") || IsWord(t, "CD_ROM_XA") ||
                 IsWord(t, "CD_I")) {
        continue;
      } else if (IsWord(t, "CD_TEXT")) {
        text_where_ = Where(t);
        RETURN_IF_ERROR(CdText(&disc_text_, true));
      } else {
        return Fail(
            t, "expected CATALOG, CD_DA, CD_ROM, CD_ROM_XA, CD_TEXT or TRACK, not " + Describe(t));
      }
    }
    while (Peek().kind != Token::Kind::kEnd) RETURN_IF_ERROR(Track());
    if (tracks_.empty()) return Fail(Peek(), "not a TOC file: no TRACK");
    return base::Ok();
  }

  base::Expected<CueSheet> Build(bool open_files);

 private:
  static std::string Hex(char c) {
    static constexpr char kDigits[] = "0123456789abcdef";
    const auto u = static_cast<unsigned char>(c);
    return {kDigits[u >> 4], kDigits[u & 15]};
  }
  std::string Where(const Token& t) const {
    return path_ + ":" + std::to_string(t.line) + ":" + std::to_string(t.column);
  }
  base::Error Fail(const Token& t, const std::string& what) const {
    return base::InvalidInput(Where(t), what);
  }
  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case Token::Kind::kEnd:
        return "the end of the file";
      case Token::Kind::kString:
        return "a string";
      case Token::Kind::kNumber:
      case Token::Kind::kOffset:
        return "a number";
      default:
        return "\"" + t.text + "\"";
    }
  }
  const Token& Peek(std::size_t ahead = 0) const {
    return tokens_[std::min(at_ + ahead, tokens_.size() - 1)];
  }
  const Token& Next() {
    const Token& t = tokens_[at_];
    if (at_ + 1 < tokens_.size()) ++at_;
    return t;
  }
  static bool IsWord(const Token& t, const char* w) {
    return t.kind == Token::Kind::kWord && t.text == w;
  }
  bool Is(const char* w) const { return IsWord(Peek(), w); }
  bool IsPunct(char c, std::size_t ahead = 0) const {
    return Peek(ahead).kind == Token::Kind::kPunct && Peek(ahead).text[0] == c;
  }
  base::Status Expect(char c) {
    if (!IsPunct(c))
      return Fail(Peek(), std::string("expected '") + c + "', not " + Describe(Peek()));
    Next();
    return base::Ok();
  }
  base::Expected<std::string> String() {
    if (Peek().kind != Token::Kind::kString) {
      return Fail(Peek(), "expected a string in double quotes, not " + Describe(Peek()));
    }
    return Next().text;
  }
  base::Expected<std::uint64_t> Number() {
    if (Peek().kind != Token::Kind::kNumber) {
      return Fail(Peek(), "expected a number, not " + Describe(Peek()));
    }
    return Next().number;
  }
  // MM:SS:FF, or (unless `msf_only`) a plain number.
  base::Expected<Time> ParseTime(bool msf_only) {
    const Token& first = Peek();
    ASSIGN_OR_RETURN(std::uint64_t m, Number());
    if (!IsPunct(':')) {
      if (msf_only) return Fail(first, "expected a time MM:SS:FF");
      return Time{false, m};
    }
    Next();
    ASSIGN_OR_RETURN(std::uint64_t s, Number());
    RETURN_IF_ERROR(Expect(':'));
    ASSIGN_OR_RETURN(std::uint64_t f, Number());
    if (s > 59 || f > 74 || m > 999) {
      return Fail(first, "not a time MM:SS:FF (seconds 0-59, frames 0-74)");
    }
    return Time{true, (m * 60 + s) * cd::kFramesPerSecond + f};
  }
  bool AtTime() const { return Peek().kind == Token::Kind::kNumber; }

  // CD_TEXT { [LANGUAGE_MAP { n : CODE ... }] LANGUAGE n { ITEM value ... } ... }
  base::Status CdText(std::map<std::uint64_t, cd::CdTextItems>* out, bool disc) {
    RETURN_IF_ERROR(Expect('{'));
    while (!IsPunct('}')) {
      const Token& t = Next();
      if (IsWord(t, "LANGUAGE_MAP")) {
        if (!disc) return Fail(t, "LANGUAGE_MAP belongs in the disc's CD_TEXT block");
        RETURN_IF_ERROR(Expect('{'));
        while (!IsPunct('}')) {
          const Token& n = Peek();
          ASSIGN_OR_RETURN(std::uint64_t number, Number());
          if (number > 7) return Fail(n, "language numbers are 0-7");
          RETURN_IF_ERROR(Expect(':'));
          const Token& code = Next();
          if (code.kind == Token::Kind::kNumber && code.number <= 255) {
            languages_[number] = static_cast<std::uint8_t>(code.number);
          } else if (IsWord(code, "EN")) {
            languages_[number] = 0x09;  // English (EBU Tech 3264-E)
          } else {
            return Fail(code, "a language code is EN or a number 0-255, not " + Describe(code));
          }
          if (IsPunct(',')) Next();
        }
        Next();
      } else if (IsWord(t, "LANGUAGE")) {
        const Token& n = Peek();
        ASSIGN_OR_RETURN(std::uint64_t number, Number());
        if (number > 7) return Fail(n, "language numbers are 0-7");
        cd::CdTextItems& items = (*out)[number];
        RETURN_IF_ERROR(Expect('{'));
        while (!IsPunct('}'))
          RETURN_IF_ERROR(TextItem(&items, disc ? &charsets_[number] : nullptr));
        Next();
      } else {
        return Fail(t, "expected LANGUAGE_MAP or LANGUAGE, not " + Describe(t));
      }
    }
    Next();
    return base::Ok();
  }

  // `charset`: the disc block's character code, from its SIZE_INFO (null in a track).
  base::Status TextItem(cd::CdTextItems* items, std::uint8_t* charset) {
    const bool disc = charset != nullptr;
    static constexpr const char* kItems[] = {"TITLE",    "PERFORMER", "SONGWRITER",
                                             "COMPOSER", "ARRANGER",  "MESSAGE",
                                             "DISC_ID",  "UPC_EAN",   "ISRC"};
    static constexpr const char* kIgnored[] = {"GENRE",     "TOC_INFO1", "TOC_INFO2",
                                               "SIZE_INFO", "RESERVED1", "RESERVED2",
                                               "RESERVED3", "RESERVED4", "CLOSED"};
    const Token& t = Next();
    std::optional<std::size_t> slot;
    for (std::size_t i = 0; i < std::size(kItems); ++i) {
      if (IsWord(t, kItems[i])) slot = std::min<std::size_t>(i, 7);  // UPC_EAN and ISRC: 8Eh
    }
    bool ignored = false;
    for (const char* w : kIgnored) ignored = ignored || IsWord(t, w);
    if (!slot && !ignored) return Fail(t, "not a CD-TEXT item: " + Describe(t));
    std::string value;
    if (IsPunct('{')) {
      // Binary data: { 0, 10, 255, ... }; a string item ends at its first 00h.
      Next();
      bool ended = false;
      std::size_t count = 0;
      while (!IsPunct('}')) {
        const Token& b = Peek();
        ASSIGN_OR_RETURN(std::uint64_t v, Number());
        if (v > 255) return Fail(b, "a byte of binary CD-TEXT data is 0-255");
        // SIZE_INFO's first byte is the block's character code (MMC-5 Annex J.2.8).
        if (count++ == 0 && disc && IsWord(t, "SIZE_INFO")) {
          if (v != cd::kCharsetLatin1 && v != 0x01 && v != cd::kCharsetMsJis) {
            return Fail(b, "character code " + std::to_string(v) +
                               ": mkimg reads 0 (ISO 8859-1), 1 (ASCII) and 128 (MS-JIS)");
          }
          *charset = static_cast<std::uint8_t>(v);
        }
        if (v == 0) ended = true;
        if (!ended) value.push_back(static_cast<char>(v));
        if (IsPunct(',')) Next();
      }
      Next();
    } else {
      ASSIGN_OR_RETURN(value, String());
      if (value.find('\0') != std::string::npos) value.resize(value.find('\0'));
    }
    if (slot) {
      if (*slot == 6 && !disc) return Fail(t, "DISC_ID belongs in the disc's CD_TEXT block");
      (*items)[*slot] = value;
    }
    return base::Ok();
  }

  base::Status Track() {
    const Token& head = Next();
    if (!IsWord(head, "TRACK")) return Fail(head, "expected TRACK, not " + Describe(head));
    if (tracks_.size() == 99) return Fail(head, "more than 99 tracks");
    TocTrack track;
    track.where = Where(head);
    const Token& mode = Next();
    struct Mode {
      const char* name;
      std::uint32_t block, user_offset;
    };
    // cdrdao's block lengths (its manual, "Track Specification"); the user data of a
    // Mode 2 sector follows its 8-byte sub-header.
    static constexpr Mode kModes[] = {
        {"AUDIO", 2352, 0},       {"MODE0", 2336, 0},          {"MODE1", 2048, 0},
        {"MODE1_RAW", 2352, 16},  {"MODE2", 2336, 8},          {"MODE2_FORM1", 2048, 0},
        {"MODE2_FORM2", 2324, 0}, {"MODE2_FORM_MIX", 2336, 8}, {"MODE2_RAW", 2352, 24}};
    for (const Mode& m : kModes) {
      if (IsWord(mode, m.name)) {
        track.mode = m.name;
        track.block = m.block;
        track.user_offset = m.user_offset;
      }
    }
    if (track.mode.empty()) return Fail(mode, "not a track mode: " + Describe(mode));
    track.audio = track.mode == "AUDIO";
    if (Is("RW") || Is("RW_RAW")) {
      track.mode += " " + Next().text;
      track.block += 96;  // R-W sub-channel data after each sector
    }
    for (;;) {
      const Token& t = Peek();
      if (t.kind == Token::Kind::kEnd || IsWord(t, "TRACK")) break;
      Next();
      if (IsWord(t, "NO")) {
        const Token& what = Next();
        if (IsWord(what, "COPY")) {
          track.copy = false;
        } else if (IsWord(what, "PRE_EMPHASIS")) {
          track.pre_emphasis = false;
        } else {
          return Fail(what, "expected COPY or PRE_EMPHASIS after NO, not " + Describe(what));
        }
      } else if (IsWord(t, "COPY")) {
        track.copy = true;
      } else if (IsWord(t, "PRE_EMPHASIS")) {
        track.pre_emphasis = true;
      } else if (IsWord(t, "TWO_CHANNEL_AUDIO")) {
        track.four_channel = false;
      } else if (IsWord(t, "FOUR_CHANNEL_AUDIO")) {
        track.four_channel = true;
      } else if (IsWord(t, "ISRC")) {
        const Token& s = Peek();
        ASSIGN_OR_RETURN(track.isrc, String());
        bool ok = track.isrc.size() == 12;
        for (std::size_t k = 0; ok && k < 12; ++k) {
          const char ch = track.isrc[k];
          ok = (ch >= '0' && ch <= '9') || (k < 5 && ch >= 'A' && ch <= 'Z');
        }
        if (!ok) return Fail(s, "ISRC \"" + track.isrc + "\" is not CCOOOYYSSSSS");
      } else if (IsWord(t, "CD_TEXT")) {
        RETURN_IF_ERROR(CdText(&track.text, false));
      } else if (IsWord(t, "PREGAP")) {
        if (!track.pieces.empty() || track.start) {
          return Fail(t, "PREGAP comes before the track's data and instead of START");
        }
        ASSIGN_OR_RETURN(Time gap, ParseTime(true));
        TocPiece zero;
        zero.zero = true;
        zero.length = gap;
        zero.where = Where(t);
        track.pieces.push_back(zero);
        track.start = gap;
      } else if (IsWord(t, "FILE") || IsWord(t, "AUDIOFILE") || IsWord(t, "DATAFILE")) {
        TocPiece p;
        p.where = Where(t);
        p.audio_file = !IsWord(t, "DATAFILE");
        ASSIGN_OR_RETURN(p.name, String());
        if (p.audio_file && Is("SWAP")) {
          Next();
          p.swap = true;
        }
        if (Peek().kind == Token::Kind::kOffset) p.skip = Next().number;
        if (p.audio_file) {
          ASSIGN_OR_RETURN(p.start, ParseTime(false));
        }
        if (AtTime()) {
          ASSIGN_OR_RETURN(Time length, ParseTime(false));
          if (length.value > 0) p.length = length;
        }
        track.pieces.push_back(p);
      } else if (IsWord(t, "SILENCE") || IsWord(t, "ZERO")) {
        TocPiece p;
        p.where = Where(t);
        p.zero = true;
        // ZERO [data mode] [sub-channel mode] length
        while (IsWord(t, "ZERO") && Peek().kind == Token::Kind::kWord) Next();
        ASSIGN_OR_RETURN(p.length, ParseTime(false));
        track.pieces.push_back(p);
      } else if (IsWord(t, "FIFO")) {
        return Fail(t, "FIFO sources are not read (give the data as a file)");
      } else if (IsWord(t, "START")) {
        if (track.start) return Fail(t, "a second START (or START after PREGAP)");
        if (AtTime()) {
          ASSIGN_OR_RETURN(track.start, ParseTime(true));
        } else {
          track.start = Time{};
          track.start_here = true;
          track.start_at_piece = track.pieces.size();
        }
      } else if (IsWord(t, "INDEX")) {
        ASSIGN_OR_RETURN(Time at, ParseTime(true));
        if (at.value == 0 || (!track.indexes.empty() && at.value <= track.indexes.back())) {
          return Fail(t, "INDEX positions increase, after the track's start");
        }
        track.indexes.push_back(at.value);
      } else {
        return Fail(t, "not a track statement: " + Describe(t));
      }
    }
    if (track.pieces.empty()) {
      return Fail(head, "the track has no FILE, DATAFILE, SILENCE or ZERO statement");
    }
    tracks_.push_back(std::move(track));
    return base::Ok();
  }

  std::string_view text_;
  std::string path_;
  std::vector<Token> tokens_;
  std::size_t at_ = 0;
  std::string catalog_;
  std::map<std::uint64_t, cd::CdTextItems> disc_text_;
  std::string text_where_;
  std::map<std::uint64_t, std::uint8_t> languages_;
  std::map<std::uint64_t, std::uint8_t> charsets_;  // by language number
  std::vector<TocTrack> tracks_;
};

std::string Folder(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

CdText ToCdText(const cd::CdTextItems& items, std::uint8_t charset) {
  CdText t;
  std::string* fields[] = {&t.title,    &t.performer, &t.songwriter, &t.composer,
                           &t.arranger, &t.message,   &t.disc_id,    &t.upc_isrc};
  for (std::size_t i = 0; i < cd::kCdTextItems; ++i) {
    *fields[i] = charset == cd::kCharsetMsJis && i < 6 ? cd::MsJisToUtf8(items[i])
                                                       : cd::Latin1ToUtf8(items[i]);
  }
  return t;
}

base::Expected<CueSheet> TocParser::Build(bool open_files) {
  CueSheet sheet;
  sheet.path = path_;
  sheet.catalog = catalog_;
  // CD-TEXT: the block of the lowest language number the map and the disc block define.
  std::optional<std::uint64_t> language;
  for (const auto& [number, items] : disc_text_) {
    if (languages_.count(number) != 0) {
      language = number;
      break;
    }
  }
  cd::CdTextBlock block;
  bool any_text = false;
  auto items_of = [&](const std::map<std::uint64_t, cd::CdTextItems>& m) {
    cd::CdTextItems items{};
    if (language) {
      if (auto it = m.find(*language); it != m.end()) items = it->second;
    }
    for (const std::string& s : items) any_text = any_text || !s.empty();
    return items;
  };
  block.album = items_of(disc_text_);
  if (language) {
    block.language = languages_[*language];
    block.charset = charsets_[*language];
  }
  sheet.text = ToCdText(block.album, block.charset);
  std::uint64_t offset = 0;  // in the sheet's BIN
  std::int32_t lba = 0;
  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    const TocTrack& tt = tracks_[i];
    CueTrack t;
    t.number = static_cast<std::uint8_t>(i + 1);
    t.mode = tt.mode;
    t.sector_bytes = tt.block;
    t.user_offset = tt.user_offset;
    t.data = !tt.audio;
    if (tt.copy) t.flags += " DCP";
    if (tt.pre_emphasis) t.flags += " PRE";
    if (tt.four_channel) t.flags += " 4CH";
    t.isrc = tt.isrc;
    block.tracks.push_back(items_of(tt.text));
    t.text = ToCdText(block.tracks.back(), block.charset);
    t.file_offset = offset;
    std::uint64_t bytes = 0, start_bytes = 0;
    for (std::size_t k = 0; k < tt.pieces.size(); ++k) {
      if (tt.start_here && k == tt.start_at_piece) start_bytes = bytes;
      const TocPiece& p = tt.pieces[k];
      BinPiece piece;
      if (p.zero) {
        piece.bytes = p.length->Bytes(tt.block, tt.audio);
        // ZERO in a raw data track: zero user data in framed sectors, as cdrdao writes it.
        if (!tt.audio && tt.block == cd::kSectorBytes && tt.user_offset >= 16 &&
            bytes % cd::kSectorBytes == 0) {
          piece.framed_mode = tt.user_offset == 16 ? 1 : 2;
          piece.framed_lba = lba + static_cast<std::int32_t>(bytes / cd::kSectorBytes);
        }
      } else if (p.name == "-") {
        return base::InvalidInput(p.where, "standard input as a source is not read");
      } else {
        piece.path = !p.name.empty() && p.name[0] == '/' ? p.name : Folder(path_) + p.name;
        const bool wav = p.audio_file && p.name.size() > 4 &&
                         (p.name.compare(p.name.size() - 4, 4, ".wav") == 0 ||
                          p.name.compare(p.name.size() - 4, 4, ".WAV") == 0);
        std::uint64_t base = p.skip, available = 0;
        if (!open_files) {
          available = kMaxNumber;
        } else if (wav) {
          // A WAVE file: its samples are little-endian, the BIN's order (cdrdao's manual).
          auto samples = rawcd::OpenWav(piece.path);
          if (!samples)
            return base::InvalidInput(p.where, samples.error().what() + " (" + piece.path + ")");
          base += samples->offset;
          available = samples->bytes;
        } else {
          struct stat st {};
          if (::stat(piece.path.c_str(), &st) != 0) {
            return base::InvalidInput(p.where, piece.path + ": " + std::strerror(errno));
          }
          if (!S_ISREG(st.st_mode)) return base::InvalidInput(p.where, piece.path + ": not a file");
          available = static_cast<std::uint64_t>(st.st_size);
        }
        // A raw audio file is big-endian unless SWAP says otherwise; a WAV the reverse.
        piece.swap = p.audio_file && (wav ? p.swap : !p.swap);
        const std::uint64_t skip = wav ? 0 : p.skip;
        const std::uint64_t first = skip + p.start.Bytes(2352, true);
        if (first > available) {
          return base::InvalidInput(p.where, "starts past the end of " + piece.path + " (" +
                                                 std::to_string(available) + " bytes)");
        }
        piece.offset = base - skip + first;
        piece.bytes = p.length ? p.length->Bytes(tt.block, tt.audio) : available - first;
        if (piece.bytes > available - first) {
          return base::InvalidInput(p.where, "runs past the end of " + piece.path + " (" +
                                                 std::to_string(available - first) +
                                                 " bytes from its start)");
        }
        if (sheet.bin.empty()) sheet.bin = piece.path;
      }
      if (p.audio_file && piece.bytes % 4 != 0) piece.bytes -= piece.bytes % 4;
      if (piece.bytes == 0) continue;
      bytes += piece.bytes;
      if (bytes > kMaxNumber) return base::InvalidInput(p.where, "the track is too long");
      sheet.pieces.push_back(std::move(piece));
    }
    if (tt.start_here && tt.start_at_piece >= tt.pieces.size()) start_bytes = bytes;
    // A track is whole sectors: its last one is filled with zeros.
    const std::uint64_t sectors = (bytes + tt.block - 1) / tt.block;
    if (sectors * tt.block > bytes) {
      BinPiece pad;
      pad.bytes = sectors * tt.block - bytes;
      sheet.pieces.push_back(pad);
    }
    const std::uint64_t pregap = !tt.start       ? 0
                                 : tt.start_here ? (start_bytes + tt.block - 1) / tt.block
                                                 : tt.start->value;
    if (pregap >= sectors) {
      return base::InvalidInput(tt.where, "the track has no sectors after its START (pre-gap)");
    }
    if (static_cast<std::uint64_t>(lba) + sectors > std::uint64_t{100} * cd::kFramesPerMinute) {
      return base::InvalidInput(tt.where, "the disc is longer than 100 minutes");
    }
    if (pregap > 0) t.indexes.emplace_back(0, lba);
    const std::int32_t index1 = lba + static_cast<std::int32_t>(pregap);
    t.indexes.emplace_back(1, index1);
    for (std::size_t k = 0; k < tt.indexes.size(); ++k) {
      if (pregap + tt.indexes[k] >= sectors) {
        return base::InvalidInput(
            tt.where, "INDEX " + std::to_string(k + 2) + " is past the end of the track");
      }
      if (k + 2 > 99) return base::InvalidInput(tt.where, "more than 99 indexes");
      t.indexes.emplace_back(static_cast<std::uint8_t>(k + 2),
                             index1 + static_cast<std::int32_t>(tt.indexes[k]));
    }
    lba += static_cast<std::int32_t>(sectors);
    offset += sectors * tt.block;
    sheet.tracks.push_back(std::move(t));
  }
  sheet.sectors = lba;
  if (sheet.bin.empty()) sheet.bin = path_;
  if (any_text) {
    // The UPC/EAN and ISRC items as the disc's catalog and ISRCs give them, where unset.
    if (block.album[7].empty()) block.album[7] = sheet.catalog;
    for (std::size_t i = 0; i < block.tracks.size(); ++i) {
      if (block.tracks[i][7].empty()) block.tracks[i][7] = sheet.tracks[i].isrc;
    }
    auto packs = cd::EncodeCdText(block);
    if (!packs) {
      return base::InvalidInput(text_where_.empty() ? path_ : text_where_,
                                "the CD-TEXT needs more than the 256 packs one block holds");
    }
    sheet.cdtext = std::move(*packs);
  }
  return sheet;
}

}  // namespace

base::Expected<CueSheet> ParseTocText(std::string_view text, const std::string& path,
                                      bool open_files) {
  if (text.size() > kMaxTocBytes) return base::InvalidInput(path, "not a TOC file (too large)");
  TocParser parser(text, path);
  RETURN_IF_ERROR(parser.Lex());
  RETURN_IF_ERROR(parser.Parse());
  return parser.Build(open_files);
}

base::Expected<CueSheet> ReadTocFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::InvalidInput(path, std::strerror(errno));
  std::string text;
  text.resize(kMaxTocBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return ParseTocText(text, path);
}

}  // namespace fs

// The manifest's `cd` key (specs/rawcd.md "The manifest"): the tracks of a raw CD written
// Disc-at-Once, with their pre-gaps, indexes, ISRCs and CD-TEXT, and the disc's media
// catalog number. What needs the audio's length (the 4-second minimum, the disc's size) is
// checked when the disc is planned (fs/src/rawcd/).
#include <string>

#include "cd/cdtext.h"
#include "manifest/parser.h"

namespace fs::manifest {
namespace {

constexpr std::uint32_t kMaxTracks = 99;  // IEC 60908 17.5.1.2: TNO 01-99

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpperAlnum(char c) { return IsDigit(c) || (c >= 'A' && c <= 'Z'); }

// IEC 60908 17.5.1.4 (ADR 3) and ISO 3901: CC (country, 2 letters or digits), OOO (owner,
// 3 letters or digits), YY (year, 2 digits), SSSSS (designation, 5 digits).
bool IsIsrc(const std::string& s) {
  if (s.size() != 12) return false;
  for (std::size_t i = 0; i < 5; ++i) {
    if (!IsUpperAlnum(s[i])) return false;
  }
  for (std::size_t i = 5; i < 12; ++i) {
    if (!IsDigit(s[i])) return false;
  }
  return true;
}

// The code points of a UTF-8 string (already validated by the JSON reader), or false when
// one is above U+00FF or a control character: CD-TEXT character code 00h is ISO 8859-1.
bool IsLatin1Text(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = c;
    if (c < 0x80) {
      ++i;
    } else if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) {
      cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
      i += 2;
    } else {
      return false;
    }
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return false;
  }
  return true;
}

}  // namespace

base::Expected<std::uint32_t> Parser::GetCdTime(const JsonValue& v, const std::string& path) const {
  if (v.type == Type::kUnsigned || v.type == Type::kInteger || v.type == Type::kDouble) {
    ASSIGN_OR_RETURN(std::uint64_t n, GetUnsigned(v, path, 0, 100 * 60 * 75));
    return static_cast<std::uint32_t>(n);
  }
  if (v.type != Type::kString) {
    return Fail(v, path,
                std::string("expected \"MM:SS:FF\" or a number of sectors, got ") +
                    JsonValue::TypeName(v.type));
  }
  const std::string& s = v.string;
  const bool shaped = s.size() == 8 && s[2] == ':' && s[5] == ':' && IsDigit(s[0]) &&
                      IsDigit(s[1]) && IsDigit(s[3]) && IsDigit(s[4]) && IsDigit(s[6]) &&
                      IsDigit(s[7]);
  if (!shaped) {
    return Fail(v, path, "\"" + s + "\" is not a CD time \"MM:SS:FF\" (75 frames a second)");
  }
  const std::uint32_t m = static_cast<std::uint32_t>((s[0] - '0') * 10 + (s[1] - '0'));
  const std::uint32_t sec = static_cast<std::uint32_t>((s[3] - '0') * 10 + (s[4] - '0'));
  const std::uint32_t f = static_cast<std::uint32_t>((s[6] - '0') * 10 + (s[7] - '0'));
  if (sec >= 60 || f >= 75) {
    return Fail(v, path, "\"" + s + "\": seconds run 00-59 and frames 00-74 (75 frames a second)");
  }
  return (m * 60 + sec) * 75 + f;
}

base::Status Parser::ParseCdText(const JsonValue& v, const std::string& path, bool album,
                                 std::uint8_t charset, CdText* text) const {
  RETURN_IF_ERROR(Expect(v, path, Type::kObject));
  if (album) {
    RETURN_IF_ERROR(CheckKeys(v, path,
                              {"title", "performer", "songwriter", "composer", "arranger",
                               "message", "disc_id", "upc", "charset"}));
  } else {
    RETURN_IF_ERROR(CheckKeys(
        v, path, {"title", "performer", "songwriter", "composer", "arranger", "message"}));
  }
  struct Field {
    const char* key;
    std::string* out;
  };
  for (const Field& f : {Field{"title", &text->title}, Field{"performer", &text->performer},
                         Field{"songwriter", &text->songwriter}, Field{"composer", &text->composer},
                         Field{"arranger", &text->arranger}, Field{"message", &text->message},
                         Field{"disc_id", &text->disc_id}, Field{"upc", &text->upc_isrc}}) {
    const JsonValue* fv = v.Find(f.key);
    if (!fv) continue;
    const std::string fpath = path + "." + f.key;
    ASSIGN_OR_RETURN(*f.out, GetString(*fv, fpath));
    // MS-JIS is the code of the text items (80h-85h); the disc id and UPC stay ISO 8859-1.
    const bool ms_jis =
        charset == cd::kCharsetMsJis && f.out != &text->disc_id && f.out != &text->upc_isrc;
    std::size_t bad = 0;
    if (ms_jis && !cd::Utf8ToMsJis(*f.out, &bad)) {
      if (static_cast<unsigned char>((*f.out)[bad]) < 0x20 || (*f.out)[bad] == 0x7F) {
        return Fail(*fv, fpath, "control characters cannot be recorded in CD-TEXT");
      }
      std::size_t end = bad + 1;
      while (end < f.out->size() && (static_cast<unsigned char>((*f.out)[end]) & 0xC0) == 0x80)
        ++end;
      return Fail(*fv, fpath,
                  "\"" + f.out->substr(bad, end - bad) +
                      "\" has no MS-JIS (Shift-JIS, code page 932) form: CD-TEXT cannot "
                      "record it");
    }
    if (!ms_jis && !IsLatin1Text(*f.out)) {
      return Fail(*fv, fpath,
                  "CD-TEXT is written in ISO 8859-1 (Latin-1): characters above U+00FF and "
                  "control characters cannot be recorded (\"charset\": \"ms-jis\" in "
                  "$.cd.text records Japanese)");
    }
  }
  return base::Ok();
}

base::Status Parser::ParseCd(const JsonValue& v) {
  RETURN_IF_ERROR(Expect(v, "$.cd", Type::kObject));
  RETURN_IF_ERROR(CheckKeys(v, "$.cd", {"catalog", "first_track", "text", "tracks"}));
  CdSpec cd;
  cd.where = Where(v, "$.cd");
  if (const JsonValue* c = v.Find("catalog")) {
    ASSIGN_OR_RETURN(cd.catalog, GetString(*c, "$.cd.catalog"));
    bool digits = cd.catalog.size() == 13;
    for (char ch : cd.catalog) digits = digits && IsDigit(ch);
    if (!digits) {
      return Fail(*c, "$.cd.catalog",
                  "\"" + cd.catalog +
                      "\" is not a media catalog number: 13 digits (UPC/EAN, IEC 60908 17.5.1.3)");
    }
  }
  if (const JsonValue* t = v.Find("text")) {
    if (const JsonValue* c = t->Find("charset")) {
      ASSIGN_OR_RETURN(std::string name, GetString(*c, "$.cd.text.charset"));
      if (name == "ms-jis") {
        cd.text_charset = cd::kCharsetMsJis;
      } else if (name != "iso-8859-1") {
        return Fail(*c, "$.cd.text.charset",
                    "\"" + name + "\" is not a CD-TEXT character code: iso-8859-1 or ms-jis");
      }
    }
    cd_charset_ = cd.text_charset;
    RETURN_IF_ERROR(ParseCdText(*t, "$.cd.text", true, cd.text_charset, &cd.text));
  }
  std::uint64_t first = 1;
  if (const JsonValue* f = v.Find("first_track")) {
    ASSIGN_OR_RETURN(first, GetUnsigned(*f, "$.cd.first_track", 1, kMaxTracks));
  }
  cd.first_track = static_cast<std::uint8_t>(first);
  const JsonValue* tracks = v.Find("tracks");
  if (!tracks) return Fail(v, "$.cd", "missing required key \"tracks\" (1 to 99 tracks)");
  RETURN_IF_ERROR(Expect(*tracks, "$.cd.tracks", Type::kArray));
  if (tracks->array.empty()) return Fail(*tracks, "$.cd.tracks", "a CD needs at least one track");
  if (first + tracks->array.size() - 1 > kMaxTracks) {
    return Fail(*tracks, "$.cd.tracks",
                std::to_string(tracks->array.size()) + " tracks from track " +
                    std::to_string(first) + " go past track 99, the last a CD can number");
  }
  for (std::size_t i = 0; i < tracks->array.size(); ++i) {
    ASSIGN_OR_RETURN(CdTrack track,
                     ParseCdTrack(tracks->array[i], "$.cd.tracks[" + std::to_string(i) + "]"));
    cd.tracks.push_back(std::move(track));
  }
  spec_.cd = std::move(cd);
  return base::Ok();
}

base::Expected<CdTrack> Parser::ParseCdTrack(const JsonValue& v, const std::string& path) {
  RETURN_IF_ERROR(Expect(v, path, Type::kObject));
  RETURN_IF_ERROR(CheckKeys(v, path,
                            {"audio", "data", "image", "mode", "pregap", "pregap_audio", "indexes",
                             "isrc", "copy", "pre_emphasis", "text"}));
  CdTrack t;
  t.where = Where(v, path);
  const JsonValue* audio = v.Find("audio");
  const JsonValue* data = v.Find("data");
  const JsonValue* image = v.Find("image");
  const int kinds = (audio ? 1 : 0) + (data ? 1 : 0) + (image ? 1 : 0);
  if (kinds != 1) {
    return Fail(v, path,
                "a track needs exactly one of \"audio\" (a WAV file), \"data\" (a manifest) or "
                "\"image\" (an image file)");
  }
  if (audio) {
    ASSIGN_OR_RETURN(std::string a, GetString(*audio, path + ".audio"));
    t.audio = Resolve(a);
  } else {
    t.kind = CdTrack::Kind::kData;
    const JsonValue* mode = v.Find("mode");
    std::string mode_path = path + ".mode";
    if (data && data->type == Type::kObject && data->Find("mode")) {
      if (mode) return Fail(*mode, mode_path, "\"mode\" is given twice (here and in \"data\")");
      mode = data->Find("mode");
      mode_path = path + ".data.mode";
    }
    if (mode) {
      ASSIGN_OR_RETURN(std::string m, GetString(*mode, mode_path));
      if (m == "mode1") {
        t.mode = CdTrack::DataMode::kMode1;
      } else if (m == "mode2-form1") {
        t.mode = CdTrack::DataMode::kMode2Form1;
      } else {
        return Fail(*mode, mode_path, "\"" + m + "\" is not one of \"mode1\", \"mode2-form1\"");
      }
    }
    if (data && data->type == Type::kObject && data->Find("image")) {
      image = data->Find("image");
      for (const JsonMember& m : data->object) {
        if (m.key != "image" && m.key != "mode") {
          return Fail(m.value, path + ".data." + m.key,
                      "a data track is either an \"image\" or a manifest, not both");
        }
      }
      data = nullptr;
    }
    if (image) {
      ASSIGN_OR_RETURN(std::string file, GetString(*image, path + ".image"));
      t.image = Resolve(file);
    } else {
      RETURN_IF_ERROR(Expect(*data, path + ".data", Type::kObject));
      Parser nested(text_, options_, diagnostics_);
      nested.prefix_ = path + ".data";
      ASSIGN_OR_RETURN(ImageSpec spec, nested.RunOn(*data, true));
      t.data = std::make_shared<ImageSpec>(std::move(spec));
    }
  }
  if (const JsonValue* p = v.Find("pregap")) {
    ASSIGN_OR_RETURN(std::uint32_t sectors, GetCdTime(*p, path + ".pregap"));
    t.pregap = sectors;
  }
  if (const JsonValue* pa = v.Find("pregap_audio")) {
    if (t.kind != CdTrack::Kind::kAudio) {
      return Fail(*pa, path + ".pregap_audio", "only an audio track's pre-gap holds audio");
    }
    if (v.Find("pregap")) {
      return Fail(*pa, path + ".pregap_audio",
                  "the pre-gap's length is the audio's: give \"pregap\" or \"pregap_audio\"");
    }
    ASSIGN_OR_RETURN(std::string a, GetString(*pa, path + ".pregap_audio"));
    t.pregap_audio = Resolve(a);
  }
  if (const JsonValue* ix = v.Find("indexes")) {
    RETURN_IF_ERROR(Expect(*ix, path + ".indexes", Type::kArray));
    if (ix->array.size() > 98) {
      return Fail(*ix, path + ".indexes", "a track holds at most 98 indexes after index 1");
    }
    std::uint32_t previous = 0;
    for (std::size_t i = 0; i < ix->array.size(); ++i) {
      const std::string ipath = path + ".indexes[" + std::to_string(i) + "]";
      ASSIGN_OR_RETURN(std::uint32_t at, GetCdTime(ix->array[i], ipath));
      if (at <= previous) {
        return Fail(ix->array[i], ipath, "indexes count from index 1 (00:00:00) and must increase");
      }
      previous = at;
      t.indexes.push_back(at);
    }
  }
  if (const JsonValue* isrc = v.Find("isrc")) {
    ASSIGN_OR_RETURN(t.isrc, GetString(*isrc, path + ".isrc"));
    if (!IsIsrc(t.isrc)) {
      return Fail(*isrc, path + ".isrc",
                  "\"" + t.isrc +
                      "\" is not an ISRC: 12 characters CCOOOYYSSSSS (country and owner A-Z or "
                      "0-9, year and designation digits, no dashes)");
    }
    if (t.kind != CdTrack::Kind::kAudio) {
      return Fail(*isrc, path + ".isrc", "an ISRC names a recording: audio tracks only");
    }
  }
  if (const JsonValue* c = v.Find("copy")) {
    ASSIGN_OR_RETURN(t.copy_permitted, GetBool(*c, path + ".copy"));
  }
  if (const JsonValue* e = v.Find("pre_emphasis")) {
    ASSIGN_OR_RETURN(t.pre_emphasis, GetBool(*e, path + ".pre_emphasis"));
    if (t.pre_emphasis && t.kind != CdTrack::Kind::kAudio) {
      return Fail(*e, path + ".pre_emphasis", "pre-emphasis applies to audio tracks only");
    }
  }
  if (const JsonValue* tx = v.Find("text")) {
    RETURN_IF_ERROR(ParseCdText(*tx, path + ".text", false, cd_charset_, &t.text));
  }
  t.text.upc_isrc = t.isrc;
  return t;
}

}  // namespace fs::manifest

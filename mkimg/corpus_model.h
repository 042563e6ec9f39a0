// mkimg corpus, inside (mkimg/corpus.h, specs/fuzzing.md "The corpus generator"): the
// JSON value a manifest and a description are made of, the seeded generator, and one
// image's configuration, manifest and staged host files (corpus_compose.cc), shared by the
// builder (corpus.cc).
#ifndef MKIMG_MKIMG_CORPUS_MODEL_H_
#define MKIMG_MKIMG_CORPUS_MODEL_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "fs/tree.h"
#include "mkimg/json_writer.h"

namespace mkimg::corpus {

// ---------------------------------------------------------------------------------------
// A JSON value, so that the manifest can be both parsed and embedded in the description.
struct Value {
  enum class Kind : std::uint8_t { kBool, kInt, kString, kArray, kObject } kind = Kind::kObject;
  bool b = false;
  std::int64_t i = 0;
  std::string s;
  std::vector<Value> items;
  std::vector<std::pair<std::string, Value>> members;

  static Value Str(std::string v) {
    Value x;
    x.kind = Kind::kString;
    x.s = std::move(v);
    return x;
  }
  static Value Int(std::int64_t v) {
    Value x;
    x.kind = Kind::kInt;
    x.i = v;
    return x;
  }
  static Value Bool(bool v) {
    Value x;
    x.kind = Kind::kBool;
    x.b = v;
    return x;
  }
  static Value Arr() {
    Value x;
    x.kind = Kind::kArray;
    return x;
  }
  static Value Obj() { return Value(); }
  Value& Set(std::string key, Value v) {
    members.emplace_back(std::move(key), std::move(v));
    return *this;
  }
  Value& Push(Value v) {
    items.push_back(std::move(v));
    return *this;
  }
};

inline void WriteValue(const Value& v, JsonWriter& w) {
  switch (v.kind) {
    case Value::Kind::kBool:
      w.Bool(v.b);
      break;
    case Value::Kind::kInt:
      w.Int(v.i);
      break;
    case Value::Kind::kString:
      w.String(v.s);
      break;
    case Value::Kind::kArray:
      w.BeginArray();
      for (const Value& item : v.items) WriteValue(item, w);
      w.EndArray();
      break;
    case Value::Kind::kObject:
      w.BeginObject();
      for (const auto& [key, value] : v.members) {
        w.Key(key);
        WriteValue(value, w);
      }
      w.EndObject();
      break;
  }
}

inline std::string ToJson(const Value& v) {
  JsonWriter w(JsonWriter::Style::kSpaced);
  WriteValue(v, w);
  return w.str();
}

// ---------------------------------------------------------------------------------------
// splitmix64: small, fast, and the same sequence on every platform (the standard
// distributions are not), which the corpus's byte identity needs.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t Below(std::uint64_t n) { return n == 0 ? 0 : Next() % n; }
  std::uint64_t Between(std::uint64_t lo, std::uint64_t hi) { return lo + Below(hi - lo + 1); }
  bool Percent(int p) { return Below(100) < static_cast<std::uint64_t>(p); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  std::uint64_t state_;
};

inline std::uint64_t Mix(std::uint64_t a, std::uint64_t b) {
  Rng r(a ^ (b * 0xD1B54A32D192ED03ull));
  r.Next();
  return r.Next();
}

// What one image holds, drawn from the seed and the image's focus feature.
struct Config {
  bool iso = true;
  int level = 3;
  bool rr = true;
  bool deep = false;
  bool relocate = false;
  bool joliet = true;
  bool joliet_long = false;
  std::string udf;  // revision, or empty
  bool mirror = false;
  bool bios = false;
  bool uefi = false;
  bool efi_fat = false;
  bool several = false;
  bool info_table = false;
  bool hidden_image = false;
  bool catalog_file = false;
  bool mbr = false;
  bool gpt = false;
  bool multi = false;
  bool sparse = false;
  bool unrecorded = false;
  bool hard_links = false;
  bool devices = false;
  bool fifos = false;
  bool sockets = false;
  bool long_names = false;
  bool long_symlink = false;
  bool symlinks = false;
  bool non_ascii = false;
  bool hidden = false;
};

// The configuration of one image: the focus forced, the rest drawn, then made consistent.
Config DrawConfig(Rng& r, const std::string& focus, bool no_multi_extent);

// The focus features, one per image (specs/fuzzing.md).
const std::vector<std::string>& FocusFeatures();

// ---------------------------------------------------------------------------------------
// One image.

struct Special {
  std::string name;
  fs::NodeType type;
  std::uint32_t major = 0;
  std::uint32_t minor = 0;
  std::uint32_t mode = 0644;
};

struct Built {
  Value manifest;
  Value host_files = Value::Arr();
  std::vector<Special> specials;   // added under /dev after parsing
  std::string patched_boot_image;  // the tree path boot_info_table patches, if any
  std::string catalog_path;        // the boot catalog's tree path, if any
};

// The manifest of one image, with its host files staged under `stage` (mode 0644, folders
// 0755, times before `timestamp`). Errors: the host's, naming the staged path.
base::Expected<Built> Compose(Rng& r, const Config& c, std::uint32_t index, std::int64_t timestamp,
                              const std::string& stage);

// "0644" for a mode.
std::string ModeString(std::uint32_t mode);

}  // namespace mkimg::corpus

#endif  // MKIMG_MKIMG_CORPUS_MODEL_H_

// mkimg build and mkimg schema (README.md, "Using mkimg"): read the manifest (a file, standard
// input, or one synthesized from folders named on the command line), plan the whole image
// (so its size is known and every input error surfaces before a byte is written), then
// emit it into a temporary file that is renamed into place only when complete. With
// `-o -` standard output carries the image alone: summaries, warnings and progress go to
// standard error.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/block_sink.h"
#include "fs/image_builder.h"
#include "fs/manifest.h"
#include "fs/raw_cd.h"
#include "mkimg/commands.h"
#include "mkimg/display.h"
#include "mkimg/json_writer.h"
#include "mkimg/output_path.h"
#include "mkimg/progress.h"

namespace mkimg {
namespace {

struct BuildArgs {
  std::vector<std::string> inputs;  // MANIFEST, -, or DIR and SRC=DST arguments
  std::string output;
  bool progress = false;
  bool quiet = false;
  bool verbose = false;
  bool json = false;
  std::string cue_mode = "raw";  // a raw CD's data sectors: cooked, raw, raw+subchannel
  // Switches for folder inputs (a manifest says these itself).
  std::string volume_id;
  bool no_joliet = false;
  bool joliet_case_insensitive = false;
  bool no_rock_ridge = false;
  int level = 0;  // 0: the default
  // --align-data: overrides the manifest's `align_data` (specs/layout.md).
  std::optional<std::uint32_t> align_data;
  // --no-special-files: leave devices, FIFOs and sockets out (the manifest's
  // "special_files": false).
  bool no_special_files = false;
};

// The warnings of one build, printed once planning is done: the same warning for many
// entries is summarised in one line (--verbose lists each), --quiet leaves one count,
// --json lists every one.
class Warnings {
 public:
  void Add(const fs::Diagnostic& d) { all_.push_back(d); }
  const std::vector<fs::Diagnostic>& all() const { return all_; }

  void Print(bool quiet, bool verbose) const {
    if (all_.empty()) return;
    if (quiet) {
      std::fprintf(stderr, "mkimg: warning: %zu warning%s (run without --quiet to see them)\n",
                   all_.size(), all_.size() == 1 ? "" : "s");
      return;
    }
    // Groups in order of first appearance.
    std::vector<std::string> order;
    std::map<std::string, std::vector<const fs::Diagnostic*>> groups;
    for (const fs::Diagnostic& d : all_) {
      auto& g = groups[Kind(d.what)];
      if (g.empty()) order.push_back(Kind(d.what));
      g.push_back(&d);
    }
    for (const std::string& kind : order) {
      const auto& g = groups[kind];
      if (verbose || g.size() <= kListed) {
        for (const fs::Diagnostic* d : g) ReportWarning(d->where, d->what);
        continue;
      }
      std::fprintf(stderr, "mkimg: warning: %zu entries: %s (first: %s); --verbose lists them\n",
                   g.size(), Printable(kind).c_str(), Printable(g.front()->where).c_str());
    }
  }

  // The text of a warning with its variable parts (quoted names) replaced by "...":
  // warnings of one kind differ only there.
  static std::string Kind(const std::string& what) {
    std::string kind;
    bool quoted = false;
    for (char c : what) {
      if (c == '"') {
        kind += quoted ? "...\"" : "\"";
        quoted = !quoted;
      } else if (!quoted) {
        kind.push_back(c);
      }
    }
    if (quoted) kind += "...";
    return kind;
  }

 private:
  static constexpr std::size_t kListed = 3;  // groups up to this size are listed
  std::vector<fs::Diagnostic> all_;
};

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string Absolute(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  std::string cwd(4096, '\0');
  if (::getcwd(cwd.data(), cwd.size()) == nullptr) return path;
  cwd.resize(cwd.find('\0'));
  return cwd + "/" + path;
}

// A manifest for `mkimg build -o OUT DIR... SRC=DST...`: each DIR's contents at the root,
// each SRC (file or folder) at DST.
base::Expected<std::string> FolderManifest(const BuildArgs& args) {
  JsonWriter w(JsonWriter::Style::kSpaced);
  w.BeginObject().Key("mkimg").Uint(1);
  if (!args.volume_id.empty())
    w.Key("volume").BeginObject().Key("id").String(args.volume_id).EndObject();
  w.Key("filesystems").BeginObject().Key("iso9660").BeginObject();
  if (args.level != 0) w.Key("level").Uint(static_cast<std::uint64_t>(args.level));
  w.Key("rock_ridge").Bool(!args.no_rock_ridge).EndObject();
  if (!args.no_joliet) w.Key("joliet").BeginObject().EndObject();
  w.EndObject();
  w.Key("contents").BeginArray();
  for (const std::string& input : args.inputs) {
    std::string source = input;
    std::string target = "/";
    struct stat st;
    const auto eq = input.find('=');
    if (eq != std::string::npos && lstat(input.c_str(), &st) != 0) {
      source = input.substr(0, eq);
      target = input.substr(eq + 1);
      if (target.empty() || target[0] != '/') target = "/" + target;
    } else if (!IsDirectory(input)) {
      return base::InvalidInput(
          input, "not a folder (a file needs a place in the image: " + input + "=/NAME)");
    }
    for (std::size_t i = 0; i < input.size();) {
      if (ValidSequenceLength(input, i) == 0) {
        return base::InvalidInput(input,
                                  "not valid UTF-8; use a manifest with \"exclude\" or "
                                  "rename it");
      }
      i += ValidSequenceLength(input, i);
    }
    if (source.empty()) return base::InvalidInput(input, "no source before \"=\"");
    source = Absolute(source);
    if (IsDirectory(source) && source.back() != '/') source += '/';
    w.BeginObject().Key("source").String(source).Key("target").String(target).EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

// A raw CD manifest (specs/rawcd.md): plan the disc, then write NAME.bin, NAME.cue,
// NAME.toc (and NAME.sub, NAME.cdt) beside the .cue the output names.
int BuildRawCd(const BuildArgs& args, fs::ImageSpec spec, std::string output,
               const std::string& manifest, Warnings& warnings) {
  fs::CueMode mode = fs::CueMode::kRaw;
  if (args.cue_mode == "cooked") {
    mode = fs::CueMode::kCooked;
  } else if (args.cue_mode == "raw+subchannel") {
    mode = fs::CueMode::kRawSubchannel;
  } else if (args.cue_mode != "raw") {
    return ReportError(base::InvalidInput(
        "--cue-mode", "\"" + args.cue_mode + "\" is not one of cooked, raw, raw+subchannel"));
  }
  if (output.empty()) {
    auto slash = manifest.rfind('/');
    std::string stem = slash == std::string::npos ? manifest : manifest.substr(slash + 1);
    if (auto dot = stem.rfind('.'); dot != std::string::npos && dot > 0) stem.resize(dot);
    output = stem + ".cue";
  }
  if (output.size() < 5 || output.compare(output.size() - 4, 4, ".cue") != 0) {
    return ReportError(base::InvalidInput(
        "-o", "a raw CD is written as BIN/CUE: name its CUE sheet (-o disc.cue), not \"" + output +
                  "\""));
  }
  fs::DiagnosticSink diagnostics = [&](const fs::Diagnostic& d) { warnings.Add(d); };
  auto disc = fs::PlanRawCd(std::move(spec), diagnostics);
  if (!disc) return ReportError(disc.error());
  warnings.Print(args.quiet, args.verbose);
  std::vector<base::InputFile> inputs;
  if (manifest != "-") {
    if (auto m = base::IdentifyInput(manifest, "the manifest")) inputs.push_back(std::move(*m));
  }
  for (const fs::RawCdTrack& t : disc->tracks) {
    for (const std::string& path : {t.audio.path, t.pregap_audio.path, t.spec.image,
                                    t.spec.bin ? t.spec.bin->path : std::string()}) {
      if (path.empty()) continue;
      if (auto in = base::IdentifyInput(path, "source " + path)) inputs.push_back(std::move(*in));
    }
  }
  ProgressBar bar;
  fs::ProgressFn progress;
  if (!args.quiet && (args.progress || ::isatty(STDERR_FILENO))) {
    progress = [&](std::uint64_t done, std::uint64_t total) { return bar.Update(done, total); };
  }
  if (auto st = fs::WriteRawCd(*disc, mode, output, inputs, progress); !st) {
    return ReportError(st.error());
  }
  if (args.json) {
    JsonWriter w(JsonWriter::Style::kSpaced);
    w.BeginObject().Key("output").String(output).Key("sectors").Uint(
        static_cast<std::uint64_t>(disc->sectors()));
    w.Key("tracks").BeginArray();
    for (const fs::RawCdTrack& t : disc->tracks) {
      w.BeginObject().Key("number").Uint(t.number).Key("type").String(t.is_data() ? "data"
                                                                                  : "audio");
      w.Key("index0").Int(t.pregap_lba).Key("index1").Int(t.index1_lba).Key("end").Int(t.end_lba);
      w.EndObject();
    }
    w.EndArray().EndObject();
    std::printf("%s\n", w.str().c_str());
  } else if (!args.quiet) {
    std::fprintf(stderr, "mkimg: wrote %s: %zu tracks, %d sectors\n", Printable(output).c_str(),
                 disc->tracks.size(), disc->sectors());
  }
  return 0;
}

int RunBuild(const BuildArgs& args) {
  const bool folders =
      !(args.inputs.size() == 1 && (args.inputs[0] == "-" || !IsDirectory(args.inputs[0])) &&
        args.inputs[0].find('=') == std::string::npos);
  if (!folders) {
    for (const auto& [set, name] : {std::pair{!args.volume_id.empty(), "--volume-id"},
                                    {args.no_joliet, "--no-joliet"},
                                    {args.no_rock_ridge, "--no-rock-ridge"},
                                    {args.level != 0, "--level"}}) {
      if (set) {
        return ReportError(base::InvalidInput(
            name,
            "applies when building from folders; a manifest says this in \"volume\" or "
            "\"filesystems\""));
      }
    }
  }
  const std::string manifest = args.inputs[0];
  if ((folders || manifest == "-") && args.output.empty()) {
    return ReportError(base::InvalidInput(
        "-o", "name the image to write (-o IMAGE, or -o - for standard output)"));
  }
  fs::LoadOptions options;
  // The environment and the clock are read here, not in fs/ (specs/manifest.md "volume").
  if (const char* sde = std::getenv("SOURCE_DATE_EPOCH")) options.source_date_epoch = sde;
  options.now = static_cast<std::int64_t>(std::time(nullptr));
  Warnings warnings;
  fs::DiagnosticSink diagnostics = [&](const fs::Diagnostic& d) { warnings.Add(d); };
  base::Expected<fs::ImageSpec> spec = base::InvalidInput("", "");
  if (folders || manifest == "-") {
    std::string text;
    fs::ManifestOptions parse;
    if (folders) {
      auto synthesized = FolderManifest(args);
      if (!synthesized) return ReportError(synthesized.error());
      text = std::move(*synthesized);
      parse.display_name = "command line";
    } else {
      text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
      parse.display_name = "standard input";
    }
    parse.base_directory = ".";
    auto sde = fs::ParseSourceDateEpoch(options.source_date_epoch);
    if (!sde) return ReportError(sde.error());
    parse.source_date_epoch = *sde;
    parse.now = options.now;
    spec = fs::ParseManifest(text, parse, diagnostics);
  } else if (IsCueSheet(manifest)) {
    // A BIN/CUE as input: the same disc written again (specs/rawcd.md "Re-mastering").
    auto sheet = fs::ReadCueSheet(manifest);
    if (!sheet) return ReportError(sheet.error());
    spec = fs::CdSpecFromCue(*sheet);
  } else {
    spec = fs::LoadManifestFile(manifest, options, diagnostics);
  }
  if (!spec) return ReportError(spec.error());
  if (spec->cd) return BuildRawCd(args, std::move(*spec), args.output, manifest, warnings);
  if (args.align_data) {
    const std::uint32_t a = *args.align_data;
    if (a != 0 && (a < 2048 || a > fs::kMaxAlignData || (a & (a - 1)) != 0)) {
      return ReportError(base::InvalidInput(
          "--align-data",
          "must be 0 or a power of two from 2048 to 1048576 bytes, not " + std::to_string(a)));
    }
    spec->align_data = a;
  }
  if (args.no_special_files) spec->tree.DetachSpecialFiles();
  if (args.joliet_case_insensitive) {
    if (!spec->joliet.enabled) {
      return ReportError(
          base::InvalidInput("--joliet-case-insensitive", "the image has no Joliet tree"));
    }
    spec->joliet.case_insensitive = true;
  }
  std::string output = args.output;
  if (output.empty()) {
    auto slash = manifest.rfind('/');
    std::string stem = slash == std::string::npos ? manifest : manifest.substr(slash + 1);
    if (auto dot = stem.rfind('.'); dot != std::string::npos && dot > 0) stem.resize(dot);
    output = stem + ".iso";
  }
  // What the build reads, which the image must not replace: the manifest and every host
  // file in the tree. Only an output that exists can be one of them, so the tree is
  // searched (and a source's path made) only then: a million-file build pays nothing.
  std::vector<base::InputFile> inputs;
  struct stat existing {};
  if (output != "-" && ::stat(output.c_str(), &existing) == 0) {
    if (!folders && manifest != "-") {
      if (auto m = base::IdentifyInput(manifest, "the manifest")) inputs.push_back(std::move(*m));
    }
    const fs::Tree& tree = spec->tree;
    for (fs::NodeId id = 0; id < tree.size(); ++id) {
      if (tree.node(id).type != fs::NodeType::kFile) continue;
      const fs::Content& c = tree.content(id);
      if (c.kind == fs::ContentKind::kHostFile &&
          c.device == static_cast<std::uint64_t>(existing.st_dev) &&
          c.inode == static_cast<std::uint64_t>(existing.st_ino)) {
        inputs.push_back({c.device, c.inode, "source " + tree.HostPath(c)});
        break;
      }
    }
    if (auto refused = base::CheckOutputIsNotInput(output, inputs); !refused) {
      return ReportError(refused.error());
    }
  }
  auto layout = fs::Plan(std::move(*spec), diagnostics);
  if (!layout) return ReportError(layout.error());
  warnings.Print(args.quiet, args.verbose);

  std::unique_ptr<base::BlockSink> sink;
  if (output == "-") {
    if (::isatty(STDOUT_FILENO)) {
      return ReportError(base::InvalidInput("-o -", "refusing to write an image to a terminal"));
    }
    sink = base::MakeFdSink(STDOUT_FILENO, "standard output");
  } else {
    if (auto bad = CheckOutputFolder(output); !bad) return ReportError(bad.error());
    auto opened = base::OpenFileSink(output, (*layout)->total_bytes(), inputs);
    if (!opened) return ReportError(opened.error());
    sink = std::move(*opened);
  }
  bool show_progress = !args.quiet && (args.progress || ::isatty(STDERR_FILENO));
  ProgressBar bar;
  fs::ProgressFn progress;
  if (show_progress)
    progress = [&](std::uint64_t done, std::uint64_t total) { return bar.Update(done, total); };
  auto start = std::chrono::steady_clock::now();
  if (auto st = fs::Emit(**layout, *sink, progress); !st) {
    bar.Finish();
    return ReportError(st.error());
  }
  if (auto st = sink->Commit(); !st) return ReportError(st.error());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Standard output is the image's when it is written there: the summary goes to stderr.
  std::FILE* summary = output == "-" ? stderr : stdout;
  if (args.json) {
    JsonWriter w(JsonWriter::Style::kSpaced);
    w.BeginObject();
    w.Key("output").String(output);
    w.Key("bytes").Uint((*layout)->total_bytes());
    w.Key("sectors").Uint((*layout)->total_blocks());
    w.Key("alignment_padding_bytes").Uint((*layout)->alignment_padding_blocks() * base::kBlockSize);
    w.Key("seconds").Fixed(seconds, 3);
    w.Key("sections").BeginArray();
    for (const fs::SectionInfo& s : (*layout)->sections()) {
      w.BeginObject().Key("name").String(s.name).Key("lba").Uint(s.lba);
      w.Key("blocks").Uint(s.blocks).EndObject();
    }
    w.EndArray();
    w.Key("warnings").BeginArray();
    for (const fs::Diagnostic& d : warnings.all()) {
      w.BeginObject().Key("where").String(d.where).Key("what").String(d.what);
      w.Key("kind").String(Warnings::Kind(d.what)).EndObject();
    }
    w.EndArray().EndObject();
    std::fprintf(summary, "%s\n", w.str().c_str());
  } else if (!args.quiet && output != "-") {
    const std::uint64_t padding = (*layout)->alignment_padding_blocks() * base::kBlockSize;
    const std::string aligned =
        padding == 0 ? "" : "; " + HumanBytes(padding) + " of it data alignment";
    std::fprintf(stderr, "mkimg: wrote %s: %s (%llu sectors%s)\n", Printable(output).c_str(),
                 HumanBytes((*layout)->total_bytes()).c_str(),
                 static_cast<unsigned long long>((*layout)->total_blocks()), aligned.c_str());
  }
  return 0;
}

}  // namespace

void RegisterBuildCommands(CLI::App& app, Action* action) {
  auto args = std::make_shared<BuildArgs>();
  CLI::App* build = app.add_subcommand(
      "build",
      "Build an ISO 9660 image with Rock Ridge and Joliet, UDF as the manifest asks and El "
      "Torito boot entries, from a manifest (a file, or - for stdin) or from folders (DIR, "
      "SRC=DST); a manifest with \"cd\" writes a raw CD as BIN/CUE/TOC");
  build->add_option("INPUT", args->inputs, "MANIFEST, -, or DIR and SRC=DST arguments")->required();
  build->add_option("-o,--output", args->output,
                    "The image to write (a manifest's default: its name with .iso; - for stdout)");
  build->add_option("--volume-id", args->volume_id,
                    "Folders only: ISO 9660 volume identifier, A-Z 0-9 _ (default CDROM)");
  build->add_option("--cue-mode", args->cue_mode,
                    "A raw CD's data sectors in the BIN: cooked (2048), raw (2352, the default) "
                    "or raw+subchannel (also NAME.sub, 96 bytes of P-W a sector)");
  build->add_flag("--no-joliet", args->no_joliet, "Folders only: no Joliet tree");
  build->add_flag("--joliet-case-insensitive", args->joliet_case_insensitive,
                  "Joliet names unique ignoring case, as Windows opens them");
  build->add_flag("--no-rock-ridge", args->no_rock_ridge, "Folders only: no Rock Ridge");
  build->add_option("--level", args->level, "Folders only: ISO 9660 level 1, 2 or 3 (default 3)")
      ->check(CLI::Range(1, 3));
  build->add_option("--align-data", args->align_data,
                    "Start file data on multiples of N bytes (0: never; default: 4096 for host "
                    "files of 1 MiB or more, which XFS and btrfs can then share)");
  build->add_flag("--no-special-files", args->no_special_files,
                  "Leave devices, FIFOs and sockets of source folders out");
  auto* progress = build->add_flag("--progress", args->progress,
                                   "Show a progress bar even when not on a terminal");
  auto* quiet = build->add_flag("--quiet", args->quiet, "No progress; warnings only as a count");
  auto* verbose =
      build->add_flag("--verbose", args->verbose, "List every warning, not a summary per kind");
  progress->excludes(quiet);
  verbose->excludes(quiet);
  build->add_flag("--json", args->json,
                  "Print a JSON summary with every warning (on stdout; stderr with -o -)");
  build->callback([args, action] { *action = [args] { return RunBuild(*args); }; });

  CLI::App* schema = app.add_subcommand("schema", "Print the manifest's JSON Schema");
  schema->callback([action] {
    *action = [] {
      std::string_view s = fs::ManifestJsonSchema();
      std::fwrite(s.data(), 1, s.size(), stdout);
      return 0;
    };
  });
}

}  // namespace mkimg

// mkimg build MANIFEST and mkimg schema (README.md, "Using mkimg"): read the manifest, plan the
// whole image (so its size is known and every input error surfaces before a byte is
// written), then emit it into a temporary file that is renamed into place only when
// complete.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "base/block_sink.h"
#include "fs/image_builder.h"
#include "fs/manifest.h"
#include "mkimg/commands.h"
#include "mkimg/json_writer.h"

namespace mkimg {
namespace {

struct BuildArgs {
  std::string manifest;
  std::string output;
  std::string format = "iso";
  std::string cue_mode;
  bool progress = false;
  bool quiet = false;
  bool json = false;
};

std::string HumanBytes(std::uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

// A one-line progress bar on stderr, redrawn at most ten times a second.
class ProgressBar {
 public:
  bool Update(std::uint64_t done, std::uint64_t total) {
    auto now = std::chrono::steady_clock::now();
    if (done < total && now - last_ < std::chrono::milliseconds(100)) return true;
    last_ = now;
    int width = 30;
    int filled =
        total ? static_cast<int>(static_cast<double>(done) / static_cast<double>(total) * width)
              : width;
    std::string bar(static_cast<std::size_t>(filled), '=');
    bar.resize(static_cast<std::size_t>(width), ' ');
    std::fprintf(stderr, "\r[%s] %3d%% %s / %s", bar.c_str(),
                 total ? static_cast<int>(done * 100 / total) : 100, HumanBytes(done).c_str(),
                 HumanBytes(total).c_str());
    if (done >= total) std::fputc('\n', stderr);
    std::fflush(stderr);
    return true;
  }

 private:
  std::chrono::steady_clock::time_point last_{};
};

int RunBuild(const BuildArgs& args) {
  if (args.format != "iso") {
    return ReportError(
        base::Unsupported("--format " + args.format,
                          "BIN/CUE output (raw CD) is not supported by this version of mkimg"));
  }
  if (!args.cue_mode.empty()) {
    return ReportError(
        base::Unsupported("--cue-mode", "raw CD output is not supported by this version of mkimg"));
  }
  fs::LoadOptions options;
  // The environment and the clock are read here, not in fs/ (specs/manifest.md "volume").
  if (const char* sde = std::getenv("SOURCE_DATE_EPOCH")) options.source_date_epoch = sde;
  options.now = static_cast<std::int64_t>(std::time(nullptr));
  fs::DiagnosticSink diagnostics = [&](const fs::Diagnostic& d) {
    if (!args.quiet) ReportWarning(d.where, d.what);
  };
  auto spec = fs::LoadManifestFile(args.manifest, options, diagnostics);
  if (!spec) return ReportError(spec.error());
  auto layout = fs::Plan(std::move(*spec), diagnostics);
  if (!layout) return ReportError(layout.error());

  std::string output = args.output;
  if (output.empty()) {
    auto slash = args.manifest.rfind('/');
    std::string stem = slash == std::string::npos ? args.manifest : args.manifest.substr(slash + 1);
    if (auto dot = stem.rfind('.'); dot != std::string::npos && dot > 0) stem.resize(dot);
    output = stem + ".iso";
  }
  std::unique_ptr<base::BlockSink> sink;
  if (output == "-") {
    if (::isatty(STDOUT_FILENO)) {
      return ReportError(base::InvalidInput("-o -", "refusing to write an image to a terminal"));
    }
    sink = base::MakeFdSink(STDOUT_FILENO, "standard output");
  } else {
    auto opened = base::OpenFileSink(output, (*layout)->total_bytes());
    if (!opened) return ReportError(opened.error());
    sink = std::move(*opened);
  }
  bool show_progress = !args.quiet && (args.progress || ::isatty(STDERR_FILENO));
  ProgressBar bar;
  fs::ProgressFn progress;
  if (show_progress)
    progress = [&](std::uint64_t done, std::uint64_t total) { return bar.Update(done, total); };
  auto start = std::chrono::steady_clock::now();
  if (auto st = fs::Emit(**layout, *sink, progress); !st) return ReportError(st.error());
  if (auto st = sink->Commit(); !st) return ReportError(st.error());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (args.json) {
    JsonWriter w(JsonWriter::Style::kSpaced);
    w.BeginObject();
    w.Key("output").String(output);
    w.Key("bytes").Uint((*layout)->total_bytes());
    w.Key("sectors").Uint((*layout)->total_blocks());
    w.Key("seconds").Fixed(seconds, 3);
    w.Key("sections").BeginArray();
    for (const fs::SectionInfo& s : (*layout)->sections()) {
      w.BeginObject().Key("name").String(s.name).Key("lba").Uint(s.lba);
      w.Key("blocks").Uint(s.blocks).EndObject();
    }
    w.EndArray().EndObject();
    std::printf("%s\n", w.str().c_str());
  } else if (!args.quiet && output != "-") {
    std::fprintf(stderr, "mkimg: wrote %s: %s (%llu sectors)\n", output.c_str(),
                 HumanBytes((*layout)->total_bytes()).c_str(),
                 static_cast<unsigned long long>((*layout)->total_blocks()));
  }
  return 0;
}

}  // namespace

void RegisterBuildCommands(CLI::App& app, Action* action) {
  auto args = std::make_shared<BuildArgs>();
  CLI::App* build = app.add_subcommand("build", "Build an image from a JSON manifest");
  build->add_option("manifest", args->manifest, "The manifest (JSON, version 1)")->required();
  build->add_option("-o,--output", args->output,
                    "The image to write (default: the manifest's name with .iso; - for stdout)");
  build->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"iso", "bin-cue"}));
  build->add_option("--cue-mode", args->cue_mode, "BIN/CUE sector format")
      ->check(CLI::IsMember({"cooked", "raw", "raw+subchannel"}));
  auto* progress = build->add_flag("--progress", args->progress,
                                   "Show a progress bar even when not on a terminal");
  auto* quiet = build->add_flag("--quiet", args->quiet, "No progress, no warnings");
  progress->excludes(quiet);
  build->add_flag("--json", args->json, "Print a JSON summary of the image on stdout");
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

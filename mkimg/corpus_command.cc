// mkimg corpus DIR --count N [--seed S] [--no-multi-extent]: valid-by-construction images
// for fuzzers and differential reading, each with a JSON description (mkimg/corpus.h,
// specs/fuzzing.md "The corpus generator"). Prints one summary line: images, bytes, time.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "mkimg/commands.h"
#include "mkimg/corpus.h"

namespace mkimg {
namespace {

struct CorpusArgs {
  std::string directory;
  std::string count;
  std::string seed = "1";
  bool no_multi_extent = false;
};

// A decimal number of at most `max`, or kInvalidInput naming the option.
base::Expected<std::uint64_t> ParseNumber(const std::string& text, const char* option,
                                          std::uint64_t max) {
  if (text.empty() || text.size() > 20 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return base::InvalidInput(option, "\"" + text + "\" is not a decimal number");
  }
  std::uint64_t v = 0;
  for (char ch : text) {
    const std::uint64_t digit = static_cast<std::uint64_t>(ch - '0');
    if (v > (max - digit) / 10) {
      return base::InvalidInput(option, "\"" + text + "\" is more than " + std::to_string(max));
    }
    v = v * 10 + digit;
  }
  return v;
}

int RunCorpus(const CorpusArgs& args) {
  auto count = ParseNumber(args.count, "--count", 1000000);
  if (!count) return ReportError(count.error());
  if (*count == 0) return ReportError(base::InvalidInput("--count", "must be at least 1"));
  auto seed = ParseNumber(args.seed, "--seed", UINT64_MAX);
  if (!seed) return ReportError(seed.error());
  CorpusOptions options;
  options.directory = args.directory;
  options.count = static_cast<std::uint32_t>(*count);
  options.seed = *seed;
  options.no_multi_extent = args.no_multi_extent;
  const auto start = std::chrono::steady_clock::now();
  auto stats = WriteCorpus(options);
  if (!stats) return ReportError(stats.error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%u images, %llu bytes, %zu features, %.2f s (%.1f images/s)\n", stats->images,
              static_cast<unsigned long long>(stats->bytes), stats->features.size(), seconds,
              seconds > 0 ? stats->images / seconds : 0.0);
  return 0;
}

}  // namespace

void RegisterCorpusCommand(CLI::App& app, Action* action) {
  auto args = std::make_shared<CorpusArgs>();
  CLI::App* corpus = app.add_subcommand(
      "corpus",
      "write valid-by-construction images covering every feature mkimg writes, each with a "
      "JSON description (for fuzzers and diff-read)");
  corpus->add_option("DIR", args->directory, "folder to write into (created if missing)")
      ->required();
  corpus->add_option("--count", args->count, "how many images (1 to 1000000)")->required();
  corpus->add_option("--seed", args->seed,
                     "the seed: the same seed gives the same bytes (default 1)");
  corpus->add_flag("--no-multi-extent", args->no_multi_extent,
                   "leave out the files over 4 GiB (multi-extent) that make images sparse but "
                   "over 4 GiB long");
  corpus->callback([action, args] { *action = [args] { return RunCorpus(*args); }; });
}

}  // namespace mkimg

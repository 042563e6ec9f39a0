// mkimg: author, inspect and emulate disc images. A thin main: parse the command line, run
// the chosen action, turn its Error into one line and an exit status. Also the parts of
// the command line every subcommand shares: help with examples and exit statuses,
// `mkimg help CMD`, `mkimg version`, and "did you mean" for unknown commands and options.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "mkimg/commands.h"
#include "mkimg/diff_read_command.h"
#include "mkimg/display.h"
#include "mkimg/help_formats.h"

namespace mkimg {

int ReportError(const base::Error& error) {
  std::fprintf(stderr, "mkimg: %s\n", Printable(error.ToString()).c_str());
  return error.ExitStatus();
}

void ReportWarning(const std::string& where, const std::string& what) {
  if (where.empty()) {
    std::fprintf(stderr, "mkimg: warning: %s\n", Printable(what).c_str());
  } else {
    std::fprintf(stderr, "mkimg: %s: warning: %s\n", Printable(where).c_str(),
                 Printable(what).c_str());
  }
}

namespace {

constexpr const char* kVersion = "mkimg 0.1.0";

constexpr const char* kExitStatus =
    "Exit status: 0 success; 1 the operation failed (verify: problems found; diff-read: a new "
    "divergence); 2 invalid input "
    "(command line, manifest, unreadable image). Errors are one line: mkimg: WHERE: WHAT.";

// Examples shown by `mkimg CMD --help`. Each runs as written in a folder holding
// manifest.json, its rootfs/ and the image out.iso (tests/e2e/help_examples_test.cc).
struct Examples {
  const char* command;
  const char* text;
};
constexpr Examples kExamples[] = {
    {"build",
     "  $ mkimg build manifest.json -o out.iso\n"
     "  $ mkimg build -o out.iso --volume-id MYDISC rootfs/\n"
     "  $ mkimg build -o out.iso rootfs=/data notes.txt=/docs/notes.txt\n"
     "  $ mkimg build - -o out.iso < manifest.json\n"
     "  $ mkimg build manifest.json -o - --json > out.iso 2> summary.json\n"},
    {"schema", "  $ mkimg schema > manifest.schema.json\n"},
    {"info", "  $ mkimg info out.iso\n  $ mkimg info out.iso --json\n"},
    {"ls",
     "  $ mkimg ls out.iso\n  $ mkimg ls out.iso /docs -l --fs joliet\n"
     "  $ mkimg ls out.iso -l -h --disc-order\n  $ mkimg ls out.iso --json\n"},
    {"extract", "  $ mkimg extract out.iso copy/\n  $ mkimg extract out.iso some/ /docs\n"},
    {"verify", "  $ mkimg verify out.iso\n  $ mkimg verify out.iso --json\n"},
    {"emu",
     "  $ mkimg emu new dvd+r disc.emu\n"
     "  $ mkimg emu run --drive /dev/sr0=disc.emu -- xorriso -outdev /dev/sr0 -map rootfs / "
     "-commit\n"
     "  $ mkimg emu export disc.emu disc.iso\n"},
};

// The subcommand names and option names of `app`, for suggestions.
std::vector<std::string> SubcommandNames(CLI::App& app) {
  std::vector<std::string> names;
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

std::vector<std::string> OptionNames(CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* o : app.get_options()) {
    for (const std::string& l : o->get_lnames()) names.push_back("--" + l);
    for (const std::string& s : o->get_snames()) names.push_back("-" + s);
  }
  return names;
}

std::size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The candidate nearest to `word`, if it is near enough to be a typo of it.
std::string Nearest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const std::string& c : candidates) {
    const std::size_t d = EditDistance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

int Unknown(const char* kind, const std::string& word, const std::string& suggestion,
            const std::string& help) {
  std::string line = "mkimg: unknown " + std::string(kind) + " \"" + Printable(word) + "\"";
  if (suggestion.empty()) {
    line += " (see " + help + ")";
  } else {
    line += "; did you mean \"" + suggestion + "\"?";
  }
  std::fprintf(stderr, "%s\n", line.c_str());
  return 2;
}

// The deepest subcommand the user chose.
CLI::App* Chosen(CLI::App& app) {
  CLI::App* cur = &app;
  while (!cur->get_subcommands().empty()) cur = cur->get_subcommands().front();
  return cur;
}

// "mkimg help emu run" for the `run` subcommand of `emu`; "mkimg --help" for mkimg itself.
std::string HelpCommand(CLI::App* app) {
  std::string path;
  for (CLI::App* a = app; a->get_parent() != nullptr; a = a->get_parent()) {
    path = a->get_name() + (path.empty() ? "" : " " + path);
  }
  return path.empty() ? "mkimg --help" : "mkimg help " + path;
}

}  // namespace
}  // namespace mkimg

int main(int argc, char** argv) {
  CLI::App app{
      "mkimg builds ISO 9660 images (levels 1-3, Rock Ridge, Joliet) from folders or a JSON "
      "manifest, reads images back (ISO 9660, Rock Ridge, Joliet, UDF), and emulates CD/DVD/BD "
      "recorders so that burn programs can be tested without hardware.",
      "mkimg"};
  app.set_version_flag("--version", mkimg::kVersion);
  app.require_subcommand(1);
  app.footer(std::string("\nRun `mkimg help COMMAND` for a command's options and examples.\n") +
             mkimg::kExitStatus + "\n");
  mkimg::Action action;
  mkimg::RegisterBuildCommands(app, &action);
  mkimg::RegisterInspectCommands(app, &action);
  mkimg::RegisterEmuCommands(app, &action);
  mkimg::RegisterBurnCommands(app, &action);
  mkimg::RegisterDiffReadCommand(app, &action);
  mkimg::RegisterCorpusCommand(app, &action);

  CLI::App* version = app.add_subcommand("version", "Print mkimg's version");
  version->callback([&action] {
    action = [] {
      std::printf("%s\n", mkimg::kVersion);
      return 0;
    };
  });
  std::vector<std::string> help_topic;
  CLI::App* help_command = app.add_subcommand("help", "Show the help of mkimg or of one command");
  help_command->add_option("COMMAND", help_topic, "a command, e.g. build or emu run");
  bool man = false;
  std::string completion;
  help_command->add_flag("--man", man, "print the man page mkimg(1), made from this help text");
  help_command->add_option("--completion", completion, "print the bash or zsh completion script")
      ->check(CLI::IsMember({"bash", "zsh"}));
  help_command->callback([&] {
    action = [&] {
      if (man) {
        std::printf("%s", mkimg::ManPage(app, mkimg::kVersion, mkimg::kExitStatus).c_str());
        return 0;
      }
      if (!completion.empty()) {
        std::printf("%s",
                    (completion == "bash" ? mkimg::BashCompletion(app) : mkimg::ZshCompletion(app))
                        .c_str());
        return 0;
      }
      CLI::App* target = &app;
      for (const std::string& word : help_topic) {
        CLI::App* next = nullptr;
        try {
          next = target->get_subcommand(word);
        } catch (const CLI::OptionNotFound&) {
          return mkimg::Unknown(
              "command", word, mkimg::Nearest(word, mkimg::SubcommandNames(*target)), "mkimg help");
        }
        target = next;
      }
      std::string parents;
      for (CLI::App* a = target->get_parent(); a != nullptr; a = a->get_parent()) {
        parents = a->get_name() + (parents.empty() ? "" : " " + parents);
      }
      std::printf("%s", target->help(parents).c_str());
      return 0;
    };
  });

  for (const mkimg::Examples& e : mkimg::kExamples) {
    app.get_subcommand(e.command)->footer(std::string("\nExamples:\n") + e.text + "\n" +
                                          mkimg::kExitStatus + "\n");
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_footer().empty()) sub->footer(std::string("\n") + mkimg::kExitStatus + "\n");
    for (CLI::App* leaf : sub->get_subcommands([](CLI::App*) { return true; })) {
      leaf->footer(std::string("\n") + mkimg::kExitStatus + "\n");
    }
  }

  // An unknown command is reported before CLI11 sees it, with a suggestion.
  if (argc > 1 && argv[1][0] != '-') {
    const std::string word = argv[1];
    const std::vector<std::string> names = mkimg::SubcommandNames(app);
    if (std::find(names.begin(), names.end(), word) == names.end()) {
      return mkimg::Unknown("command", word, mkimg::Nearest(word, names), "mkimg --help");
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // An unknown option, or an unknown subcommand of a command that has some (emu): name it
    // and suggest the nearest.
    CLI::App* chosen = mkimg::Chosen(app);
    const std::string help = mkimg::HelpCommand(chosen);
    for (const std::string& extra : chosen->remaining()) {
      if (extra.size() > 1 && extra[0] == '-') {
        std::string name = extra.substr(0, extra.find('='));
        return mkimg::Unknown("option", name, mkimg::Nearest(name, mkimg::OptionNames(*chosen)),
                              help);
      }
      if (!chosen->get_subcommands([](CLI::App*) { return true; }).empty()) {
        return mkimg::Unknown("command", extra,
                              mkimg::Nearest(extra, mkimg::SubcommandNames(*chosen)), help);
      }
    }
    std::fprintf(stderr, "mkimg: command line: %s (see %s)\n", mkimg::Printable(e.what()).c_str(),
                 help.c_str());
    return 2;
  }
  if (!action) {
    std::fprintf(stderr, "mkimg: command line: no command given (see mkimg --help)\n");
    return 2;
  }
  return action();
}

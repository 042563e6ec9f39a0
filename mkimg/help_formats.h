// The man page and the shell completions of mkimg, generated from the command line's own
// definition and help text (`mkimg help --man`, `mkimg help --completion bash|zsh`), so
// what is installed cannot drift from what `--help` says (specs/install.md).
#ifndef MKIMG_MKIMG_HELP_FORMATS_H_
#define MKIMG_MKIMG_HELP_FORMATS_H_

#include <CLI/CLI.hpp>
#include <string>

namespace mkimg {

// mkimg(1) in man(7) roff: NAME, SYNOPSIS, DESCRIPTION, one subsection per command holding
// that command's --help text (options, examples, exit status), EXIT STATUS, ENVIRONMENT.
std::string ManPage(CLI::App& app, const std::string& version, const std::string& exit_status);

// A bash completion script (complete -F) offering the commands, each command's options and
// subcommands, the values of --fs, and file names for the rest.
std::string BashCompletion(CLI::App& app);

// The same for zsh (#compdef mkimg).
std::string ZshCompletion(CLI::App& app);

}  // namespace mkimg

#endif  // MKIMG_MKIMG_HELP_FORMATS_H_

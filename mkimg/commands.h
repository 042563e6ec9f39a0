// The mkimg command line (README.md, "Using mkimg"). Each group of subcommands registers itself on
// the CLI11 app; when the user picks a subcommand, its callback stores the action that
// main() runs. Actions return the exit status: 0 success, 1 the operation failed, 2 invalid
// input.
#ifndef MKIMG_MKIMG_COMMANDS_H_
#define MKIMG_MKIMG_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"

namespace mkimg {

using Action = std::function<int()>;

// build, schema (authoring).
void RegisterBuildCommands(CLI::App& app, Action* action);
// info, ls, extract, verify (reading images).
void RegisterInspectCommands(CLI::App& app, Action* action);
// info IMAGE [--session N] [--json] (info_command.cc).
int RunImageInfo(const std::string& image, std::optional<std::uint32_t> session, bool json);
// emu new / info / export (the virtual recorder). Creates the `emu` subcommand and calls
// RegisterEmuRunCommand on it.
void RegisterEmuCommands(CLI::App& app, Action* action);
// emu run (the emulator server and preload library), added to the `emu` subcommand.
void RegisterEmuRunCommand(CLI::App& emu, Action* action);

// BIN/CUE images (cd_inspect.cc): a path ending in .cue; `info` of the disc; the raw
// sector and sub-channel checks of `verify`, appended to *problems (returns an exit status
// when the CUE cannot be read, else 0).
bool IsCueSheet(const std::string& path);
int RunCdInfo(const std::string& image, bool json);
int RunCdVerify(const std::string& image, std::vector<std::string>* problems);
// burn, erase, drives (the burn engine, specs/burn.md).
void RegisterBurnCommands(CLI::App& app, Action* action);
// verify --drive DRIVE [IMAGE] [--full]: the medium in a recorder (burn_commands.cc).
int RunVerifyDrive(const std::string& drive, const std::string& image, bool full, bool json);

// corpus (corpus_command.cc, specs/fuzzing.md).
void RegisterCorpusCommand(CLI::App& app, Action* action);

// Prints "mkimg: WHERE: WHAT" on stderr and returns the error's exit status.
int ReportError(const base::Error& error);
// Prints "mkimg: WHERE: warning: WHAT" on stderr.
void ReportWarning(const std::string& where, const std::string& what);

}  // namespace mkimg

#endif  // MKIMG_MKIMG_COMMANDS_H_

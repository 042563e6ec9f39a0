// mkimg diff-read (specs/diff-read.md): an image through every installed reader, and one
// table of where they disagree.
#ifndef MKIMG_MKIMG_DIFF_READ_COMMAND_H_
#define MKIMG_MKIMG_DIFF_READ_COMMAND_H_

#include <CLI/CLI.hpp>

#include "mkimg/commands.h"

namespace mkimg {

// Adds `diff-read IMAGE [--json] [--timeout S] [--readers LIST] [--max-content BYTES]`.
// Its action replaces the process with /usr/bin/python3 running the driver compiled in
// from mkimg/diff_read.py; exit status 0 no new divergence, 1 a new divergence (or the
// run failed), 2 invalid input.
void RegisterDiffReadCommand(CLI::App& app, Action* action);

}  // namespace mkimg

#endif  // MKIMG_MKIMG_DIFF_READ_COMMAND_H_

// mkimg diff-read IMAGE [--json] [--timeout S] [--readers LIST] [--max-content BYTES]:
// the image through every installed reader, per namespace, and one table of where they
// disagree (specs/diff-read.md). The readers are other programs (xorriso, isoinfo,
// iso-info/iso-read, 7zz, udfclient, udfinfo), a Python library (pycdlib, Debian's
// python3-pycdlib, importable only by /usr/bin/python3) and libudfread (through
// mkimg-udfread, built beside mkimg), so the driver that runs, parses and compares them is
// a Python program compiled into this binary (mkimg/diff_read.py) and run with
// /usr/bin/python3; mkimg's own view comes from `mkimg ls --json` of this binary.
#include "mkimg/diff_read_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "mkimg/diff_read_script.h"

namespace mkimg {
namespace {

constexpr const char* kPython = "/usr/bin/python3";

struct DiffReadArgs {
  std::string image;
  bool json = false;
  double timeout = 60;
  std::string readers;
  std::uint64_t max_content = 64u << 20;
};

// mkimg-udfread (libudfread's lister): beside the binary (build tree), else in
// ../lib/mkimg/ (installed); empty when neither exists (libudfread is then "skipped").
std::string FindUdfreadHelper(const std::filesystem::path& self) {
  for (const std::filesystem::path& candidate :
       {self.parent_path() / "mkimg-udfread",
        self.parent_path().parent_path() / "lib" / "mkimg" / "mkimg-udfread"}) {
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

int RunDiffRead(const DiffReadArgs& args) {
  if (access(args.image.c_str(), R_OK) != 0) {
    // An image that cannot be read is invalid input (exit 2), as for info, ls and verify.
    return ReportError(base::InvalidInput(args.image, std::strerror(errno)));
  }
  if (access(kPython, X_OK) != 0) {
    return ReportError(base::InvalidInput(
        "diff-read", std::string(kPython) + " is needed to run the readers (install python3)"));
  }
  if (args.timeout <= 0) {
    return ReportError(base::InvalidInput("diff-read", "--timeout must be more than 0 seconds"));
  }
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return ReportError(base::IoError("/proc/self/exe", ec.message()));
  std::string script;
  for (const char* part : kDiffReadScript) script += part;
  std::vector<std::string> command = {kPython,
                                      "-c",
                                      script,
                                      "--mkimg",
                                      self.string(),
                                      "--udfread-helper",
                                      FindUdfreadHelper(self),
                                      "--timeout",
                                      std::to_string(args.timeout),
                                      "--max-content",
                                      std::to_string(args.max_content)};
  if (args.json) command.emplace_back("--json");
  if (!args.readers.empty()) {
    command.emplace_back("--readers");
    command.push_back(args.readers);
  }
  command.emplace_back("--");
  command.push_back(args.image);
  std::vector<char*> argv;
  for (std::string& a : command) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  execv(kPython, argv.data());
  return ReportError(base::ErrnoError(kPython, errno));
}

}  // namespace

void RegisterDiffReadCommand(CLI::App& app, Action* action) {
  auto args = std::make_shared<DiffReadArgs>();
  CLI::App* diff = app.add_subcommand(
      "diff-read", "read an image through every installed reader and list where they disagree");
  diff->add_option("IMAGE", args->image, "image file")->required();
  diff->add_flag("--json", args->json,
                 "print JSON: readers, divergences (each with its class), pair counts");
  diff->add_option("--timeout", args->timeout,
                   "seconds each reader's run may take before it is killed (default 60)");
  diff->add_option("--readers", args->readers,
                   "comma-separated readers to run (default: mkimg, xorriso, isoinfo, "
                   "iso-info, 7zz, pycdlib, udfclient, libudfread, udfinfo)");
  diff->add_option("--max-content", args->max_content,
                   "bytes above which a file's contents are compared by size only (default "
                   "67108864)");
  diff->callback([action, args] { *action = [args] { return RunDiffRead(*args); }; });
}

}  // namespace mkimg

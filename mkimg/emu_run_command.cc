// `mkimg emu run --drive DEV=FILE [--drive ...] -- COMMAND [ARGS...]` (README.md, "Using mkimg"):
// serves each virtual disc FILE in an emulator::Drive as the Linux device DEV through the
// emulator server (emulator/server) in a private run folder, runs COMMAND with
// libmkimg_preload.so preloaded, stops the server, commits the discs, and returns
// COMMAND's exit status (128 + N when it died of signal N). specs/compatibility.md lists
// what each burn program can do this way.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "burn/drive_lock.h"
#include "emulator/drive.h"
#include "emulator/server/server.h"
#include "emulator/server/wire.h"
#include "emulator/virtual_disc.h"
#include "mkimg/commands.h"
#include "mkimg/drive_open.h"

namespace mkimg {
namespace {

struct RunOptions {
  std::vector<std::string> drives;
  std::vector<std::string> command;
  bool real_time = false;  // --real-time: the program's sleeps kept whole
};

// "/dev/srN", "/dev/scdN" or "/dev/sgN" -> N (all three name drive N).
base::Expected<std::uint32_t> ParseDevice(const std::string& spec, const std::string& device) {
  for (const char* prefix : {"/dev/sr", "/dev/scd", "/dev/sg"}) {
    const std::string p(prefix);
    if (device.compare(0, p.size(), p) != 0) continue;
    const std::string digits = device.substr(p.size());
    if (digits.empty() || digits.size() > 2 ||
        digits.find_first_not_of("0123456789") != std::string::npos ||
        (digits.size() > 1 && digits[0] == '0')) {
      break;
    }
    const unsigned long n = std::strtoul(digits.c_str(), nullptr, 10);
    if (n >= MKIMG_EMU_MAX_DRIVES) {
      return base::InvalidInput("--drive " + spec, "drive number out of range (0..31)");
    }
    return static_cast<std::uint32_t>(n);
  }
  return base::InvalidInput("--drive " + spec,
                            "DEV must be /dev/srN, /dev/scdN or /dev/sgN (N = 0..31)");
}

// libmkimg_preload.so: $MKIMG_PRELOAD_LIBRARY, else next to the mkimg binary (build tree),
// else ../lib/mkimg/ relative to it (installed).
base::Expected<std::string> FindPreloadLibrary() {
  if (const char* env = std::getenv("MKIMG_PRELOAD_LIBRARY"); env != nullptr && *env != '\0') {
    if (access(env, R_OK) != 0) return base::ErrnoError(env, errno);
    return std::string(env);
  }
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return base::IoError("/proc/self/exe", ec.message());
  for (const std::filesystem::path& candidate :
       {self.parent_path() / "libmkimg_preload.so",
        self.parent_path().parent_path() / "lib" / "mkimg" / "libmkimg_preload.so"}) {
    if (access(candidate.c_str(), R_OK) == 0) return candidate.string();
  }
  return base::IoError((self.parent_path() / "libmkimg_preload.so").string(),
                       "preload library not found (set MKIMG_PRELOAD_LIBRARY)");
}

// Runs `command` with `environment` added; returns its exit status.
base::Expected<int> RunChild(const std::vector<std::string>& command,
                             const std::vector<std::string>& environment) {
  std::vector<char*> argv;
  for (const std::string& a : command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // Like system(3): the terminal's SIGINT/SIGQUIT go to the program, which decides.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction old_int {};
  struct sigaction old_quit {};
  sigaction(SIGINT, &ignore, &old_int);
  sigaction(SIGQUIT, &ignore, &old_quit);
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    const int err = errno;
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGQUIT, &old_quit, nullptr);
    return base::ErrnoError(command[0], err);
  }
  if (pid == 0) {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGQUIT, &old_quit, nullptr);
    for (const std::string& e : environment) {
      const std::size_t eq = e.find('=');
      setenv(e.substr(0, eq).c_str(), e.substr(eq + 1).c_str(), 1);
    }
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "mkimg: %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  pid_t waited;
  do {
    waited = waitpid(pid, &status, 0);
  } while (waited < 0 && errno == EINTR);
  const int err = errno;
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGQUIT, &old_quit, nullptr);
  if (waited < 0) return base::ErrnoError(command[0], err);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

int Run(const RunOptions& options) {
  if (options.command.empty()) {
    return ReportError(base::InvalidInput("command line", "emu run: no COMMAND after --"));
  }
  std::vector<emulator::ServedDrive> served;
  std::vector<std::shared_ptr<emulator::Drive>> drives;
  // Each virtual disc is this run's alone: `mkimg burn --drive emu:FILE` or another
  // `emu run` of the same FILE is refused naming the owner (burn/drive_lock.h).
  std::vector<std::unique_ptr<burn::DriveLock>> locks;
  std::set<std::uint32_t> indices;
  std::set<std::string> files;
  for (const std::string& spec : options.drives) {
    const std::size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      return ReportError(base::InvalidInput("--drive " + spec, "expected DEV=FILE"));
    }
    const std::string file = spec.substr(eq + 1);
    auto index = ParseDevice(spec, spec.substr(0, eq));
    if (!index) return ReportError(index.error());
    if (!indices.insert(*index).second) {
      return ReportError(base::InvalidInput("--drive " + spec, "drive given twice"));
    }
    std::error_code ec;
    const std::string canonical = std::filesystem::weakly_canonical(file, ec).string();
    if (!files.insert(ec ? file : canonical).second) {
      return ReportError(
          base::InvalidInput("--drive " + spec, "virtual disc already in another drive"));
    }
    if (access(file.c_str(), F_OK) != 0) {
      return ReportError(
          base::InvalidInput(file, "no such virtual disc (create one with mkimg emu new)"));
    }
    auto lock = burn::DriveLock::Acquire(VirtualDiscLockKey(file), file);
    if (!lock) return ReportError(lock.error());
    locks.push_back(std::move(lock).value());
    auto disc = emulator::VirtualDisc::Open(file);
    if (!disc) return ReportError(disc.error());
    auto drive = std::make_shared<emulator::Drive>(std::move(disc).value());
    const emulator::DriveIdentity identity;
    emulator::ServedDrive d;
    d.index = *index;
    d.transport = drive;
    d.vendor = identity.vendor;
    d.model = identity.product;
    d.revision = identity.revision;
    served.push_back(std::move(d));
    drives.push_back(std::move(drive));
  }
  auto library = FindPreloadLibrary();
  if (!library) return ReportError(library.error());

  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp == '/' ? tmp : "/tmp") + "/mkimg-emu-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return ReportError(base::ErrnoError(pattern, errno));
  const std::string dir = pattern;

  int exit_status = 1;
  {
    auto server = emulator::Server::Start(dir, std::move(served));
    if (!server) {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
      return ReportError(server.error());
    }
    std::vector<std::string> environment = (*server)->Environment();
    std::string preload = *library;
    if (const char* old = std::getenv("LD_PRELOAD"); old != nullptr && *old != '\0') {
      preload += std::string(":") + old;
    }
    environment.push_back("LD_PRELOAD=" + preload);
    if (options.real_time) environment.push_back(std::string(MKIMG_EMU_REAL_TIME_ENV) + "=1");
    auto status = RunChild(options.command, environment);
    (*server)->Stop();
    if (!status) {
      exit_status = ReportError(status.error());
    } else {
      exit_status = *status;
    }
  }
  for (std::size_t i = 0; i < drives.size(); ++i) {
    if (auto committed = drives[i]->Commit(); !committed) {
      const int s = ReportError(committed.error());
      if (exit_status == 0) exit_status = s;
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return exit_status;
}

}  // namespace

void RegisterEmuRunCommand(CLI::App& emu, Action* action) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* run = emu.add_subcommand(
      "run",
      "run an unmodified Linux burn program (xorriso, cdrskin, wodim, growisofs, cdrdao) "
      "with virtual recorders: mkimg emu run --drive /dev/sr0=FILE -- COMMAND [ARGS...]");
  run->add_option("--drive", options->drives,
                  "DEV=FILE: serve the virtual disc FILE as DEV (/dev/srN; /dev/scdN and "
                  "/dev/sgN name the same drive)")
      ->required()
      ->expected(1)
      ->take_all();
  run->add_flag("--real-time", options->real_time,
                "keep the program's sleeps whole (by default a sleep of 200 ms or more lasts "
                "1/20 of it: the virtual recorder is done by then)");
  run->add_option("command", options->command, "the program and its arguments, after --")
      ->required();
  // Everything after the first positional belongs to COMMAND, options included.
  run->positionals_at_end();
  run->callback([options, action] { *action = [options] { return Run(*options); }; });
}

}  // namespace mkimg

// mkimg: author, inspect, burn and emulate disc images. A thin main: parse the command
// line, run the chosen action, turn its Error into one line and an exit status.
#include <cstdio>
#include <string>

#include "mkimg/commands.h"

namespace mkimg {

int ReportError(const base::Error& error) {
  std::fprintf(stderr, "mkimg: %s\n", error.ToString().c_str());
  return error.ExitStatus();
}

void ReportWarning(const std::string& where, const std::string& what) {
  if (where.empty()) {
    std::fprintf(stderr, "mkimg: warning: %s\n", what.c_str());
  } else {
    std::fprintf(stderr, "mkimg: %s: warning: %s\n", where.c_str(), what.c_str());
  }
}

}  // namespace mkimg

int main(int argc, char** argv) {
  CLI::App app{
      "mkimg: disc-image mastering toolkit (ISO 9660, Joliet, Rock Ridge, UDF, "
      "El Torito; MMC burning; virtual recorders)",
      "mkimg"};
  app.set_version_flag("--version", "mkimg 0.1.0");
  app.require_subcommand(1);
  mkimg::Action action;
  mkimg::RegisterBuildCommands(app, &action);
  mkimg::RegisterInspectCommands(app, &action);
  mkimg::RegisterEmuCommands(app, &action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string where = "command line";
    std::fprintf(stderr, "mkimg: %s: %s\n", where.c_str(), e.what());
    return 2;
  }
  if (!action) {
    std::fprintf(stderr, "mkimg: command line: no command given (see mkimg --help)\n");
    return 2;
  }
  return action();
}

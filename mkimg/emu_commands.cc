// emu new / info / export / run: not built yet (issues 4 and 5). Absent, not stubs.
#include "mkimg/commands.h"

namespace mkimg {
void RegisterEmuCommands(CLI::App& /*app*/, Action* /*action*/) {}
}  // namespace mkimg

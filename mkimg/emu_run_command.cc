// emu run: not built yet (issue 5). Absent, not a stub.
#include "mkimg/commands.h"

namespace mkimg {
void RegisterEmuRunCommand(CLI::App& /*emu*/, Action* /*action*/) {}
}  // namespace mkimg

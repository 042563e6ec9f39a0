#include "mkimg/commands.h"

namespace mkimg {
void RegisterBuildCommands(CLI::App& /*app*/, Action* /*action*/) {}
}  // namespace mkimg

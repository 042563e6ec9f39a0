// What a test does when an independent tool it checks against (xorriso, isoinfo, 7zz,
// pycdlib, mkudffs, ...) is not installed: on a developer's machine it is skipped with the
// tool's name; in CI (CI set in the environment), where scripts/setup.sh installs every
// tool, it fails, so a missing install step can never turn checks into silent skips.
#ifndef MKIMG_TESTS_MISSING_TOOL_H_
#define MKIMG_TESTS_MISSING_TOOL_H_

#include <gtest/gtest.h>

#include <cstdlib>

// Use as a statement with a message: `MKIMG_MISSING_TOOL() << "needs xorriso";`
#define MKIMG_MISSING_TOOL()                                                                    \
  return GTEST_MESSAGE_("required tool missing", std::getenv("CI")                              \
                                                     ? ::testing::TestPartResult::kFatalFailure \
                                                     : ::testing::TestPartResult::kSkip)

#endif  // MKIMG_TESTS_MISSING_TOOL_H_

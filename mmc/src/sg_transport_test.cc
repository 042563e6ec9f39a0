// SgTransport without hardware: only the failure paths can run on a machine without an
// optical drive (a missing node, a node that is not an sg/sr device).
#include "mmc/sg_transport.h"

#include <gtest/gtest.h>

namespace mmc {
namespace {

TEST(SgTransportTest, MissingDeviceIsAClearIoError) {
  auto t = SgTransport::Open("/nonexistent/sr9");
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code(), base::ErrorCode::kIo);
  EXPECT_EQ(t.error().ToString(), "/nonexistent/sr9: No such file or directory");
  EXPECT_EQ(t.error().ExitStatus(), 1);
}

TEST(SgTransportTest, NonScsiNodeIsRejected) {
  auto t = SgTransport::Open("/dev/null");
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code(), base::ErrorCode::kIo);
  EXPECT_EQ(t.error().where(), "/dev/null");
  EXPECT_NE(t.error().what().find("not an SG_IO device"), std::string::npos)
      << t.error().ToString();
}

}  // namespace
}  // namespace mmc

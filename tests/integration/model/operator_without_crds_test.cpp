// kiln-operator refuses to start, exit code 1 and a message naming the CRDs,
// when the Kiln CRDs are not installed. It deletes the CRDs (and so every
// Kiln object of the cluster), so ctest runs it alone (RUN_SERIAL); it
// installs them again at the end.
#include <gtest/gtest.h>

#include "tests/integration/api/kiln_crd_test.hpp"
#include "tests/support/child_process.hpp"

namespace {

using kiln::testing::ChildProcess;
using namespace std::chrono_literals;

using OperatorWithoutCrds = kiln::testing::KilnCrdTest;

TEST_F(OperatorWithoutCrds, RefusesToStartAndSaysWhy) {
  for (const char* crd : {"models.kiln.dev", "environments.kiln.dev", "inferenceservices.kiln.dev",
                          "modelpackages.kiln.dev"}) {
    auto r = kubectl({"delete", "crd", crd, "--wait=true"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  ASSERT_TRUE(eventually([&] { return kubectl({"get", "models.kiln.dev"}).exit_code != 0; }));
  ChildProcess op(
      {KILN_OPERATOR, "--kubeconfig", cluster().var("KUBECONFIG"), "--no-leader-elect",
       "--health-probe-bind-address", "127.0.0.1:" + std::to_string(kiln::testing::free_port()),
       "--metrics-bind-address", "0"},
      "/tmp/kiln-operator-nocrds-" + ns() + ".log");
  auto code = op.wait_for_exit(30s);
  ASSERT_TRUE(code) << "still running:\n" << op.log();
  EXPECT_EQ(*code, 1);
  EXPECT_NE(op.log().find("models.kiln.dev"), std::string::npos) << op.log();
  EXPECT_NE(op.log().find("CustomResourceDefinitions are not installed"), std::string::npos)
      << op.log();
  install_kiln_crds();  // for the tests after this one
}

}  // namespace

#pragma once

// Base for cluster tests that need the Kiln CRDs: installs crds/*.yaml
// (server-side apply, idempotent, shared by every test of the run) and waits
// until the four kinds are Established and served.

#include <gtest/gtest.h>

#include <string>

#include "tests/support/cluster_fixture.hpp"

namespace kiln::testing {

class KilnCrdTest : public ClusterTest {
 protected:
  void SetUp() override {
    ClusterTest::SetUp();
    if (HasFatalFailure()) return;
    install_kiln_crds();
  }

  void install_kiln_crds() const {
    for (const char* file : {"models.kiln.dev.yaml", "environments.kiln.dev.yaml",
                             "inferenceservices.kiln.dev.yaml", "modelpackages.kiln.dev.yaml"}) {
      auto r = kubectl({"apply", "--server-side", "--field-manager=kiln-tests", "-f",
                        std::string(KILN_CRD_DIR) + "/" + file});
      ASSERT_EQ(r.exit_code, 0) << file << ": " << r.output;
    }
    for (const char* crd : {"models.kiln.dev", "environments.kiln.dev",
                            "inferenceservices.kiln.dev", "modelpackages.kiln.dev"}) {
      auto r = kubectl(
          {"wait", "--for=condition=Established", std::string("crd/") + crd, "--timeout=60s"});
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    // Established can precede the resources being served for a moment.
    ASSERT_TRUE(eventually([&] {
      return kubectl({"get",
                      "models.kiln.dev,environments.kiln.dev,inferenceservices.kiln.dev,"
                      "modelpackages.kiln.dev"})
                 .exit_code == 0;
    }));
  }
};

}  // namespace kiln::testing

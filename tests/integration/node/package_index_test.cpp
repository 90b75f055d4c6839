// Pods reach nothing outside this machine, so in-cluster builds install Python
// packages from the index the real node serves on its bridge (filled from PyPI
// on the host by tests/cluster/node/pypi.sh): a pod installs scikit-learn
// into a virtualenv from it and imports it.
#include <string>

#include "tests/integration/node/real_node_fixture.hpp"

namespace kiln::testing {
namespace {

using PackageIndexTest = RealNodeTest;

TEST_F(PackageIndexTest, PodInstallsScikitLearnFromTheNodesIndex) {
  const auto& index = cluster().var("KILN_PYPI_INDEX");
  const auto host_name = index.substr(7, index.find(':', 7) - 7);  // http://HOST:PORT/simple
  apply(pod_manifest("pip", "exec sleep 3600"));
  ASSERT_TRUE(wait_ready("pip"));
  auto r = exec("pip",
                "python3 -m venv /tmp/venv && /tmp/venv/bin/pip install -q "
                "--disable-pip-version-check --index-url " +
                    index + " --trusted-host " + host_name +
                    " scikit-learn && /tmp/venv/bin/python -c "
                    "'import sklearn; print(\"sklearn\", sklearn.__version__)'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("sklearn 1.9.1"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace kiln::testing

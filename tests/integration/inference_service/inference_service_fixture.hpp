#pragma once

// Base for the InferenceService cluster tests: the Kiln CRDs, kiln-operator
// running only its InferenceService controller in the test's namespace, and
// helpers that stand in for the Model and Environment controllers by writing
// those objects' status through the status subresource.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/integration/api/kiln_crd_test.hpp"
#include "tests/support/child_process.hpp"

namespace kiln::testing {

class InferenceServiceTest : public KilnCrdTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  void start_operator(const std::vector<std::string>& extra = {});

  // A Model whose status says versions 1..latest are registered
  // (digest sha256:<64 x digit>), image models/<ns>/<name>@<digest>.
  void create_model(const std::string& name, int latest);
  void set_model_version(const std::string& name, int latest);
  static std::string digest_of(int version);
  std::string model_image(const std::string& name, int version) const;

  // A built Environment named `name` with image envs/<ns>/<name>@sha256:e...e.
  void create_environment(const std::string& name);
  std::string environment_image(const std::string& name) const;

  // kubectl apply of an InferenceService with the given spec.
  void apply_service(const std::string& name, const nlohmann::json& spec);

  nlohmann::json service(const std::string& name) { return get_json({"inferenceservice", name}); }
  static std::string condition(const nlohmann::json& object, const std::string& type,
                               const char* field);
  bool wait_ready(const std::string& name,
                  std::chrono::milliseconds timeout = std::chrono::seconds(90));
  bool wait_reason(const std::string& name, const std::string& reason,
                   std::chrono::milliseconds timeout = std::chrono::seconds(60));

  // The pods of a service, and whether all `count` of them are Ready.
  nlohmann::json pods(const std::string& service_name);
  bool pods_ready(const std::string& service_name, std::size_t count);

  // controller_runtime_reconcile_total summed over results for the controller.
  double reconcile_total();
  std::string operator_log() const { return operator_ ? operator_->log() : ""; }

  std::unique_ptr<ChildProcess> operator_;
  unsigned short metrics_port_ = 0;
};

}  // namespace kiln::testing

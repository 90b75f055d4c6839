#pragma once

// Helpers for the build tests (Environments, ModelPackages) on the KWOK
// cluster, where no builder really runs: the test plays the builder's part.
//
//   push_image(client, "kiln/environments", "layer bytes", tag)  the builder's push
//   BuildClusterTest: build Jobs get the node selector builder_label()=true;
//       their pods stay Pending (the Job "runs") until open_builder_node()
//       labels a KWOK node: then KWOK runs them to completion.
//       fail_pending_pod(job, message): a builder that failed: a pending pod of
//       the Job ends Failed with `message` as its termination message.

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "operator/oci/digest.hpp"
#include "operator/oci/image_manifest.hpp"
#include "operator/oci/registry_client.hpp"
#include "tests/integration/api/kiln_crd_test.hpp"

namespace kiln::testing {

inline std::string push_image(oci::RegistryClient& client, const std::string& repo,
                              const std::string& layer, const std::string& tag) {
  const std::string layer_digest = oci::sha256_digest(oci::sha256_hex(layer));
  client.push_blob(repo, layer_digest, layer);
  const std::string config = oci::single_layer_config(layer_digest);
  const std::string config_digest = oci::sha256_digest(oci::sha256_hex(config));
  client.push_blob(repo, config_digest, config);
  const std::string manifest =
      oci::image_manifest({std::string(oci::kOciConfig), config_digest, config.size()},
                          {{std::string(oci::kOciLayerTar), layer_digest, layer.size()}});
  return client.put_manifest(repo, tag, manifest, oci::kOciManifest);
}

// "host:port/path" of a Job's destination annotation "host:port/path:tag" -> path, tag.
inline std::pair<std::string, std::string> job_destination(const nlohmann::json& job) {
  const std::string destination = job["metadata"]["annotations"]["kiln.dev/image"];
  const auto colon = destination.rfind(':');
  const std::string repository = destination.substr(0, colon);
  return {repository.substr(repository.find('/') + 1), destination.substr(colon + 1)};
}

inline bool job_condition(const nlohmann::json& job, const std::string& type) {
  for (const auto& c : job.value("/status/conditions"_json_pointer, nlohmann::json::array())) {
    if (c.value("type", "") == type && c.value("status", "") == "True") return true;
  }
  return false;
}

// Every Job ever created in the namespace, from the log of
// `kubectl get jobs -w --output-watch-events -o jsonpath='{.type} {.object.metadata.uid}'`
// started before the test creates anything: counts Jobs created, not Jobs left.
inline std::set<std::string> added_job_uids(const std::string& watch_log) {
  std::set<std::string> uids;
  std::istringstream lines(watch_log);
  std::string type, uid;
  while (lines >> type >> uid) {
    if (type == "ADDED") uids.insert(uid);
  }
  return uids;
}

class BuildClusterTest : public KilnCrdTest {
 protected:
  void TearDown() override {
    kubectl({"label", "node", kBuilderNode, builder_label() + "-"});
    KilnCrdTest::TearDown();
  }

  static constexpr const char* kBuilderNode = "kwok-node-0";
  // One key per test namespace: tests running side by side never open each other's node.
  std::string builder_label() const { return "builder.kiln.test/" + ns(); }

  void open_builder_node() const {
    auto r = kubectl({"label", "node", kBuilderNode, builder_label() + "=true", "--overwrite"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }

  // Ends one Pending pod of the Job Failed, the way a builder's error reaches the
  // pod (terminationMessagePolicy FallbackToLogsOnError); false when none is pending.
  bool fail_pending_pod(const std::string& job, const std::string& message) const {
    auto pods =
        get_json({"pods", "-l", "job-name=" + job, "--field-selector=status.phase=Pending"});
    if (pods["items"].empty()) return false;
    const auto& pod = pods["items"][0];
    const nlohmann::json status = {
        {"status",
         {{"phase", "Failed"},
          {"containerStatuses",
           nlohmann::json::array(
               {{{"name", pod["spec"]["containers"][0]["name"]},
                 {"image", pod["spec"]["containers"][0]["image"]},
                 {"imageID", ""},
                 {"ready", false},
                 {"restartCount", 0},
                 {"state",
                  {{"terminated",
                    {{"exitCode", 1}, {"reason", "Error"}, {"message", message}}}}}}})}}}};
    auto r = kubectl({"patch", "pod", pod["metadata"]["name"], "--subresource=status",
                      "--type=merge", "-p", status.dump()});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.exit_code == 0;
  }
};

}  // namespace kiln::testing

#include "reconcilers/model/registration_job.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdio>

#include "crds/source_uri.hpp"
#include "operator/kube/owner_references.hpp"

namespace kiln::reconcilers::model {

using nlohmann::json;

namespace {

constexpr const char* kSourceSecretDir = "/var/run/kiln/source-secret";
constexpr const char* kSourceCaDir = "/var/run/kiln/source-ca";
constexpr const char* kRegistryDir = "/var/run/kiln/registry";

std::string sha256_hex(const std::string& data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
  std::string hex;
  char buf[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", digest[i]);
    hex += buf;
  }
  return hex;
}

json model_labels(const api::Model& model) {
  return {{"app.kubernetes.io/managed-by", "kiln"},
          {"app.kubernetes.io/part-of", "kiln"},
          {kComponentLabel, kRegistrationComponent},
          {kModelLabel, api::meta_name(model.metadata)}};
}

}  // namespace

std::string model_repository(const RegistrationSettings& settings, const api::Model& model) {
  return settings.registry + "/models/" + api::meta_namespace(model.metadata) + "/" +
         api::meta_name(model.metadata);
}

std::string registration_key(const api::Model& model, const RegistrationSettings& settings) {
  const auto& source = model.spec.source;
  json inputs = {{"uri", source.uri},
                 {"sha256", source.sha256.value_or("")},
                 {"secret", source.secret_ref ? source.secret_ref->name : ""},
                 {"ca", source.ca_config_map_ref ? json(*source.ca_config_map_ref) : json()},
                 {"repository", model_repository(settings, model)}};
  const auto annotations = model.metadata.value("annotations", json::object());
  if (annotations.contains(kReregisterAnnotation)) {
    inputs["reregister"] = annotations[kReregisterAnnotation];
  }
  return sha256_hex(inputs.dump());
}

std::string registration_job_name(const api::Model& model, const RegistrationSettings& settings) {
  std::string name = api::meta_name(model.metadata).substr(0, 44);
  while (!name.empty() && name.back() == '-') name.pop_back();
  return name + "-register-" + registration_key(model, settings).substr(0, 8);
}

json desired_registration_job(const api::Model& model, const RegistrationSettings& settings,
                              const std::string& source_secret_version) {
  const auto& source = model.spec.source;
  const auto parsed = api::parse_source_uri(source.uri);
  std::string source_arg = source.uri;
  json volumes = json::array();
  json mounts = json::array();
  if (parsed.uri && parsed.uri->scheme == api::SourceScheme::pvc) {
    source_arg = api::pvc_file_uri(*parsed.uri);
    volumes.push_back(
        {{"name", "source"},
         {"persistentVolumeClaim", {{"claimName", parsed.uri->authority}, {"readOnly", true}}}});
    mounts.push_back({{"name", "source"},
                      {"mountPath", std::string(api::kSourceMountPath)},
                      {"readOnly", true}});
  }

  json args = json::array(
      {"register", "--source", source_arg, "--repository", model_repository(settings, model)});
  if (source.sha256) args.insert(args.end(), {"--sha256", *source.sha256});
  if (source.secret_ref) {
    volumes.push_back(
        {{"name", "source-secret"}, {"secret", {{"secretName", source.secret_ref->name}}}});
    mounts.push_back(
        {{"name", "source-secret"}, {"mountPath", kSourceSecretDir}, {"readOnly", true}});
    args.insert(args.end(), {"--source-secret-dir", kSourceSecretDir});
  }
  if (source.ca_config_map_ref) {
    const std::string key = source.ca_config_map_ref->key.value_or("ca.crt");
    volumes.push_back(
        {{"name", "source-ca"}, {"configMap", {{"name", source.ca_config_map_ref->name}}}});
    mounts.push_back({{"name", "source-ca"}, {"mountPath", kSourceCaDir}, {"readOnly", true}});
    args.insert(args.end(), {"--source-ca", std::string(kSourceCaDir) + "/" + key});
  }
  if (settings.registry_secret && (settings.registry_has_config || settings.registry_has_ca)) {
    volumes.push_back(
        {{"name", "registry"}, {"secret", {{"secretName", *settings.registry_secret}}}});
    mounts.push_back({{"name", "registry"}, {"mountPath", kRegistryDir}, {"readOnly", true}});
    if (settings.registry_has_config) {
      args.insert(args.end(),
                  {"--registry-config", std::string(kRegistryDir) + "/.dockerconfigjson"});
    }
    if (settings.registry_has_ca) {
      args.insert(args.end(), {"--registry-ca", std::string(kRegistryDir) + "/ca.crt"});
    }
  }
  if (settings.registry_plain_http) args.push_back("--registry-plain-http");
  // The root filesystem is read-only; kiln-fetch assembles the layer in $TMPDIR
  // (default /tmp), so /tmp is a scratch volume as large as the node allows.
  volumes.push_back({{"name", "work"}, {"emptyDir", json::object()}});
  mounts.push_back({{"name", "work"}, {"mountPath", "/tmp"}});
  args.insert(args.end(), {"--result-file", "/dev/termination-log"});

  const json labels = model_labels(model);
  json model_object = model;
  json container = {
      {"name", "kiln-fetch"},
      {"image", settings.fetch_image},
      {"args", args},
      {"terminationMessagePath", "/dev/termination-log"},
      {"terminationMessagePolicy", "File"},
      {"resources",
       {{"requests", {{"cpu", "100m"}, {"memory", "64Mi"}}}, {"limits", {{"memory", "256Mi"}}}}},
      {"securityContext",
       {{"allowPrivilegeEscalation", false},
        {"readOnlyRootFilesystem", true},
        {"runAsNonRoot", true},
        {"capabilities", {{"drop", json::array({"ALL"})}}}}}};
  container["volumeMounts"] = mounts;
  json pod_spec = {{"restartPolicy", "Never"},
                   {"automountServiceAccountToken", false},
                   {"securityContext",
                    {{"runAsNonRoot", true},
                     {"runAsUser", 65532},
                     {"runAsGroup", 65532},
                     {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
                   {"containers", json::array({container})}};
  pod_spec["volumes"] = volumes;
  apply_job_placement(pod_spec, settings.placement);

  json annotations = {{kRegistrationKeyAnnotation, registration_key(model, settings)},
                      {"kiln.dev/source-uri", source.uri}};
  if (!source_secret_version.empty()) {
    annotations[kSourceSecretVersionAnnotation] = source_secret_version;
  }
  return {{"apiVersion", "batch/v1"},
          {"kind", "Job"},
          {"metadata",
           {{"name", registration_job_name(model, settings)},
            {"namespace", api::meta_namespace(model.metadata)},
            {"labels", labels},
            {"annotations", annotations},
            {"ownerReferences", json::array({kube::controller_reference(model_object)})}}},
          {"spec",
           {{"backoffLimit", settings.backoff_limit},
            {"activeDeadlineSeconds", settings.active_deadline_seconds},
            {"template", {{"metadata", {{"labels", labels}}}, {"spec", pod_spec}}}}}};
}

}  // namespace kiln::reconcilers::model

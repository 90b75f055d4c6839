#include "cli/azureml_import.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "cli/render.hpp"
#include "crds/environment.hpp"
#include "crds/inference_service.hpp"
#include "crds/model.hpp"
#include "reconcilers/environment/python_setup.hpp"

namespace kiln::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string type_name(const json& v) {
  return std::string(v.type_name());
}

// The fields of one JSON object of an Azure ML file: each mapped field is
// taken; what is left (non-null) is reported as not mapped.
class Fields {
 public:
  Fields(const json& object, std::string file, std::string path)
      : object_(object), file_(std::move(file)), path_(std::move(path)) {}

  std::string where(const std::string& key) const {
    return file_ + ": " + (path_.empty() ? key : path_ + "." + key);
  }
  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    throw InputError(where(key) + ": " + message);
  }

  // The value, or nullopt when absent or null.
  std::optional<json> take(const std::string& key) {
    taken_.insert(key);
    auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return std::nullopt;
    return *it;
  }
  std::optional<std::string> string(const std::string& key) {
    auto v = take(key);
    if (!v) return std::nullopt;
    if (!v->is_string()) fail(key, "expected a string, got " + type_name(*v));
    return v->get<std::string>();
  }
  std::optional<bool> boolean(const std::string& key) {
    auto v = take(key);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) fail(key, "expected true or false, got " + v->dump());
    return v->get<bool>();
  }
  std::optional<double> number(const std::string& key, double min, double max) {
    auto v = take(key);
    if (!v) return std::nullopt;
    if (!v->is_number()) fail(key, "expected a number, got " + v->dump());
    const double d = v->get<double>();
    if (d < min || d > max) {
      std::ostringstream range;
      range << "must be between " << min << " and " << max << ", got " << v->dump();
      fail(key, range.str());
    }
    return d;
  }
  std::optional<std::int32_t> integer(const std::string& key, std::int32_t min, std::int32_t max) {
    auto v = take(key);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) fail(key, "expected a whole number, got " + v->dump());
    const auto i = v->get<std::int64_t>();
    if (i < min || i > max) {
      fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                    ", got " + std::to_string(i));
    }
    return static_cast<std::int32_t>(i);
  }
  std::optional<Fields> object(const std::string& key) {
    auto v = take(key);
    if (!v) return std::nullopt;
    if (!v->is_object()) fail(key, "expected an object, got " + type_name(*v));
    return Fields(object_.at(key), file_, path_.empty() ? key : path_ + "." + key);
  }
  std::optional<json> array(const std::string& key) {
    auto v = take(key);
    if (!v) return std::nullopt;
    if (!v->is_array()) fail(key, "expected a list, got " + type_name(*v));
    return v;
  }

  // Fields present (not null, not an empty list or object) that were not taken.
  void report_unmapped(std::vector<std::string>& out) const {
    for (const auto& [key, value] : object_.items()) {
      if (taken_.count(key) || value.is_null()) continue;
      if ((value.is_array() || value.is_object()) && value.empty()) continue;
      out.push_back(path_.empty() ? key : path_ + "." + key);
    }
  }
  const std::string& file() const { return file_; }

 private:
  const json& object_;
  std::string file_;
  std::string path_;
  std::set<std::string> taken_;
};

json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  json j;
  try {
    j = json::parse(text.str());
  } catch (const json::parse_error& e) {
    throw InputError(path + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw InputError(path + ": expected a JSON object, got " + type_name(j));
  return j;
}

std::string read_text(const fs::path& path, const std::string& who) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(who + ": " + path.string() + " cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void warn_unmapped(const Fields& f, const std::string& why, ImportResult& out) {
  std::vector<std::string> unmapped;
  f.report_unmapped(unmapped);
  for (const auto& field : unmapped) {
    out.warnings.push_back(f.file() + ": " + field + ": not mapped" +
                           (why.empty() ? "" : ": " + why));
  }
}

// A quantity from Azure ML's GB (memoryInGB: 0.5 → 512Mi).
std::string memory_quantity(double gb) {
  return std::to_string(static_cast<long long>(std::llround(gb * 1024))) + "Mi";
}

// CPU cores (0.1 → 100m).
std::string cpu_quantity(double cores) {
  return std::to_string(static_cast<long long>(std::llround(cores * 1000))) + "m";
}

struct EnvironmentImport {
  json spec = json::object();
  std::string name;
};

// environment.python.condaDependencies → condaDependencies {channels, dependencies, pip}.
json conda_dependencies(Fields conda, ImportResult& out) {
  json result = json::object();
  if (auto channels = conda.array("channels")) {
    for (std::size_t i = 0; i < channels->size(); ++i) {
      if (!(*channels)[i].is_string()) {
        conda.fail("channels[" + std::to_string(i) + "]", "expected a string");
      }
    }
    if (!channels->empty()) result["channels"] = *channels;
  }
  json dependencies = json::array();
  json pip = json::array();
  if (auto deps = conda.array("dependencies")) {
    for (std::size_t i = 0; i < deps->size(); ++i) {
      const json& d = (*deps)[i];
      const std::string key = "dependencies[" + std::to_string(i) + "]";
      if (d.is_string()) {
        std::string warning;
        dependencies.push_back(supported_python_dependency(d.get<std::string>(), warning));
        if (!warning.empty()) out.warnings.push_back(conda.where(key) + ": " + warning);
      } else if (d.is_object() && d.size() == 1 && d.contains("pip") && d["pip"].is_array()) {
        for (std::size_t k = 0; k < d["pip"].size(); ++k) {
          if (!d["pip"][k].is_string()) {
            conda.fail(key + ".pip[" + std::to_string(k) + "]", "expected a string");
          }
          pip.push_back(d["pip"][k]);
        }
      } else {
        conda.fail(key, "expected a package (\"numpy=1.26\") or {\"pip\": [...]}, got " + d.dump());
      }
    }
  }
  if (!dependencies.empty()) result["dependencies"] = dependencies;
  if (!pip.empty()) result["pip"] = pip;
  conda.take("name");  // the conda environment's name: Kiln's is always /opt/kiln/env
  warn_unmapped(conda, "", out);
  return result;
}

void map_registry(Fields registry, const std::string& env_name, json& spec, ImportResult& out) {
  auto address = registry.string("address");
  const bool has_credentials =
      registry.take("username").has_value() | registry.take("password").has_value();
  if (address || has_credentials) {
    spec["baseImageRegistry"] = {{"secretRef", {{"name", env_name + "-registry"}}}};
    if (address) spec["baseImageRegistry"]["address"] = *address;
    out.warnings.push_back(registry.where("username/password") +
                           ": not written (no credentials in plain files); "
                           "create the Secret: kubectl create secret docker-registry " +
                           env_name + "-registry --docker-server=" + address.value_or("REGISTRY") +
                           " --docker-username=... --docker-password=...");
  }
  warn_unmapped(registry, "", out);
}

EnvironmentImport map_environment(Fields env, const fs::path& base,
                                  const std::string& fallback_name, ImportResult& out) {
  EnvironmentImport result;
  auto name = env.string("name");
  result.name = dns_label(name.value_or(fallback_name));
  json& spec = result.spec;
  if (auto version = env.take("version")) {
    out.warnings.push_back(env.where("version") + ": not mapped: Kiln versions images by content");
  }
  if (auto docker = env.object("docker")) {
    if (auto image = docker->string("baseImage")) spec["baseImage"] = *image;
    if (auto dockerfile = docker->string("baseDockerfile")) spec["baseDockerfile"] = *dockerfile;
    if (auto registry = docker->object("baseImageRegistry")) {
      map_registry(*registry, result.name, spec, out);
    }
    if (docker->take("enabled")) {
      out.warnings.push_back(docker->where("enabled") +
                             ": not mapped: Kiln always builds an image from the Environment");
    }
    warn_unmapped(*docker, "Kiln builds with kaniko in the cluster", out);
  }
  if (auto variables = env.take("environmentVariables")) {
    if (!variables->is_object()) {
      env.fail("environmentVariables",
               "expected an object of NAME: value, got " + type_name(*variables));
    }
    json list = json::array();
    for (const auto& [k, v] : variables->items()) {
      if (!v.is_string()) {
        env.fail("environmentVariables." + k, "expected a string value, got " + v.dump());
      }
      list.push_back({{"name", k}, {"value", v}});
    }
    if (!list.empty()) spec["env"] = list;
  }
  if (auto python = env.object("python")) {
    json p = json::object();
    if (auto user = python->boolean("userManagedDependencies"); user && *user) {
      p["userManagedDependencies"] = true;
    }
    if (auto conda = python->object("condaDependencies")) {
      auto deps = conda_dependencies(*conda, out);
      if (!p.contains("userManagedDependencies")) p["condaDependencies"] = deps;
    }
    if (auto file = python->string("condaDependenciesFile")) {
      p["condaFile"] = read_text(base / *file, python->where("condaDependenciesFile"));
    }
    if (auto interpreter = python->string("interpreterPath");
        interpreter && *interpreter != "python") {
      out.warnings.push_back(python->where("interpreterPath") +
                             ": not mapped: Kiln runs the image's own Python (" + *interpreter +
                             ")");
    }
    warn_unmapped(*python, "", out);
    if (!p.empty()) spec["python"] = p;
  }
  warn_unmapped(env, "", out);
  return result;
}

// Both files may carry a description: kept as the annotation kiln.dev/description.
void take_description(Fields& f, std::optional<std::string>& description) {
  if (auto d = f.string("description")) description = *d;
}

void map_inference_config(const std::string& path, const std::string& service, json& isvc_spec,
                          std::optional<EnvironmentImport>& environment, json& config_map,
                          std::optional<std::string>& description, ImportResult& out) {
  const json root = read_json_file(path);
  Fields ic(root, path, "");
  const fs::path base = fs::path(path).parent_path();
  auto entry = ic.string("entryScript");
  if (!entry) ic.fail("entryScript", "required (the scoring script, e.g. score.py)");
  auto source_dir = ic.string("sourceDirectory");
  const fs::path source_root = source_dir ? base / *source_dir : base;
  if (source_dir && !fs::is_directory(source_root)) {
    ic.fail("sourceDirectory", source_root.string() + " is not a directory");
  }
  if (auto runtime = ic.string("runtime"); runtime && *runtime != "python") {
    ic.fail("runtime", "only python is supported, got " + *runtime);
  }
  // The script and its source directory: one ConfigMap, mounted at /var/azureml-app/source.
  const fs::path script = source_root / *entry;
  if (!fs::is_regular_file(script)) {
    ic.fail("entryScript", script.string() + " does not exist");
  }
  json data = json::object();
  if (source_dir) {
    for (auto it = fs::recursive_directory_iterator(source_root);
         it != fs::recursive_directory_iterator(); ++it) {
      if (!it->is_regular_file()) continue;
      const auto rel = fs::relative(it->path(), source_root).generic_string();
      if (rel.find('/') != std::string::npos) {
        out.warnings.push_back(ic.where("sourceDirectory") + ": " + rel +
                               ": not mapped: subdirectories cannot go in the script ConfigMap");
        continue;
      }
      data[rel] = read_text(it->path(), ic.where("sourceDirectory"));
    }
  } else {
    data[fs::path(*entry).filename().string()] = read_text(script, ic.where("entryScript"));
  }
  config_map = {{"apiVersion", "v1"},
                {"kind", "ConfigMap"},
                {"metadata", {{"name", service + "-script"}}},
                {"data", data}};
  isvc_spec["inferenceConfig"] = {{"entryScript", *entry},
                                  {"source", {{"configMap", {{"name", service + "-script"}}}}}};

  if (auto env = ic.object("environment")) {
    environment = map_environment(*env, base, service + "-env", out);
  }
  // The older, flat schema.
  auto base_image = ic.string("baseImage");
  auto conda_file = ic.string("condaFile");
  if (base_image || conda_file) {
    if (!environment) environment = EnvironmentImport{json::object(), service + "-env"};
    if (base_image) environment->spec["baseImage"] = *base_image;
    if (conda_file) {
      environment->spec["python"]["condaFile"] =
          read_text(base / *conda_file, ic.where("condaFile"));
    }
  }
  if (auto registry = ic.object("baseImageRegistry"); registry && environment) {
    map_registry(*registry, environment->name, environment->spec, out);
  }
  if (auto gpu = ic.boolean("enableGpu"); gpu && *gpu) {
    out.warnings.push_back(ic.where("enableGpu") +
                           ": not mapped: request GPUs in the deployment config (gpuCores) or "
                           "spec.gpu; Kiln's runtime image has no CUDA, set a CUDA baseImage");
  }
  take_description(ic, description);
  warn_unmapped(ic, "", out);
}

void map_deployment_config(const std::string& path, const std::optional<std::string>& target_flag,
                           json& spec, std::optional<std::string>& description, ImportResult& out) {
  const json root = read_json_file(path);
  Fields dc(root, path, "");
  auto compute = dc.string("computeType");
  if (!compute) dc.fail("computeType", "required: aci, aks or local");
  std::string lower = *compute;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string target;
  if (lower == "aci" || lower == "local") {
    target = "dev";
  } else if (lower == "aks") {
    target = "cluster";
  } else {
    dc.fail("computeType",
            "expected aci, aks or local, got " + *compute +
                " (IoT Edge has no deployment config: use --target edge without one)");
  }
  if (target_flag && *target_flag == "edge") {
    throw InputError(path +
                     ": --target edge: IoT Edge deployments have no deployment config; "
                     "drop --deployment-config");
  }
  spec["target"] = target;
  if (lower == "local") {
    dc.take("port");
    out.warnings.push_back(dc.where("port") +
                           ": not mapped: the service listens on 80 (kiln serve --port locally)");
  }

  std::optional<std::int32_t> replicas = dc.integer("numReplicas", 0, 1000);
  bool autoscale = false;
  if (auto a = dc.object("autoScaler")) {
    auto enabled = a->boolean("autoscaleEnabled");
    auto min = a->integer("minReplicas", 1, 1000);
    auto max = a->integer("maxReplicas", 1, 1000);
    auto utilization = a->integer("targetUtilization", 1, 100);
    autoscale = enabled.value_or(target == "cluster");
    if (autoscale) {
      json as = json::object();
      if (min) as["minReplicas"] = *min;
      if (max) as["maxReplicas"] = *max;
      if (utilization) as["targetUtilization"] = *utilization;
      if (min && max && *min > *max) a->fail("minReplicas", "is larger than maxReplicas");
      spec["autoscaling"] = as;
    }
    warn_unmapped(*a, "the HPA reacts to CPU every 15 s", out);
  }
  if (replicas) {
    if (autoscale) {
      out.warnings.push_back(dc.where("numReplicas") +
                             ": ignored: autoScaler.autoscaleEnabled is true");
    } else {
      spec["replicas"] = *replicas;
    }
  }
  if (target == "dev") {
    if (spec.contains("autoscaling")) {
      out.warnings.push_back(dc.where("autoScaler") + ": ignored: " + *compute +
                             " runs one replica (target dev)");
      spec.erase("autoscaling");
    }
    if (spec.value("replicas", 1) > 1) {
      out.warnings.push_back(dc.where("numReplicas") + ": ignored: target dev runs one replica");
      spec.erase("replicas");
    }
  }
  if (auto auth = dc.boolean("authEnabled")) spec["auth"] = {{"enabled", *auth}};
  if (auto token = dc.boolean("tokenAuthEnabled"); token && *token) {
    out.warnings.push_back(dc.where("tokenAuthEnabled") +
                           ": not mapped: Kiln authenticates with keys (authEnabled)");
  }
  if (dc.take("primaryKey") || dc.take("secondaryKey")) {
    out.warnings.push_back(dc.where("primaryKey/secondaryKey") +
                           ": not written: Kiln generates keys; to keep these put them in a "
                           "Secret (primaryKey, secondaryKey) and set spec.auth.keysSecretRef");
  }
  json requests = json::object();
  json limits = json::object();
  if (auto r = dc.object("containerResourceRequirements")) {
    if (auto cpu = r->number("cpu", 0.001, 1024)) requests["cpu"] = cpu_quantity(*cpu);
    if (auto mem = r->number("memoryInGB", 0.001, 4096)) requests["memory"] = memory_quantity(*mem);
    if (auto cpu = r->number("cpuLimit", 0.001, 1024)) limits["cpu"] = cpu_quantity(*cpu);
    if (auto mem = r->number("memoryInGBLimit", 0.001, 4096))
      limits["memory"] = memory_quantity(*mem);
    if (auto gpu = r->integer("gpu", 0, 16); gpu && *gpu > 0) spec["gpu"] = {{"count", *gpu}};
    warn_unmapped(*r, "", out);
  }
  // The AKS schema's flat names.
  if (auto cpu = dc.number("cpuCores", 0.001, 1024)) requests["cpu"] = cpu_quantity(*cpu);
  if (auto mem = dc.number("memoryGb", 0.001, 4096)) requests["memory"] = memory_quantity(*mem);
  if (auto cpu = dc.number("cpuCoresLimit", 0.001, 1024)) limits["cpu"] = cpu_quantity(*cpu);
  if (auto mem = dc.number("memoryGbLimit", 0.001, 4096)) limits["memory"] = memory_quantity(*mem);
  if (auto gpu = dc.integer("gpuCores", 0, 16); gpu && *gpu > 0) spec["gpu"] = {{"count", *gpu}};
  if (!requests.empty() || !limits.empty()) {
    spec["resources"] = json::object();
    if (!requests.empty()) spec["resources"]["requests"] = requests;
    if (!limits.empty()) spec["resources"]["limits"] = limits;
  }
  if (spec.contains("gpu") && target == "cluster") spec["target"] = "accelerated";
  if (auto t = dc.integer("scoringTimeoutMs", 1, 3600000)) spec["scoringTimeoutMs"] = *t;
  if (auto m = dc.integer("maxConcurrentRequestsPerContainer", 1, 1000)) {
    spec["maxConcurrentRequestsPerReplica"] = *m;
  }
  if (auto q = dc.integer("maxQueueWaitMs", 0, 3600000)) spec["maxQueueWaitMs"] = *q;
  if (auto probe = dc.object("livenessProbeRequirements")) {
    json p = json::object();
    for (const char* key : {"initialDelaySeconds", "periodSeconds", "timeoutSeconds",
                            "successThreshold", "failureThreshold"}) {
      if (auto v = probe->integer(key, 0, 86400)) p[key] = *v;
    }
    if (!p.empty()) spec["probes"] = {{"liveness", p}};
    warn_unmapped(*probe, "", out);
  }
  take_description(dc, description);
  warn_unmapped(dc, "no Kiln equivalent", out);
}

}  // namespace

std::string dns_label(const std::string& name) {
  std::string out;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      out += static_cast<char>(std::tolower(u));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 63) out.resize(63);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string supported_python_dependency(const std::string& dependency, std::string& warning) {
  namespace env = reconcilers::environment;
  const std::string prefix = "python=";
  std::string spec = dependency;
  spec.erase(0, spec.find_first_not_of(' '));
  if (spec.rfind(prefix, 0) != 0 && spec.rfind("python==", 0) != 0) return dependency;
  const std::string version = spec.substr(spec.find_first_not_of("=", 6));
  int major = 0, minor = 0;
  if (std::sscanf(version.c_str(), "%d.%d", &major, &minor) != 2 || major != 3) return dependency;
  const std::string oldest = "3." + std::to_string(env::kMinPythonMinor);
  if (minor < env::kMinPythonMinor) {
    warning = dependency + " is older than kiln-serve supports (CPython " + oldest + " to 3." +
              std::to_string(env::kMaxPythonMinor) + "); mapped to python=" + oldest +
              ": check that the packages still install";
    return "python=" + oldest;
  }
  if (minor > env::kMaxPythonMinor) {
    throw InputError(dependency + ": newer than kiln-serve supports (up to 3." +
                     std::to_string(env::kMaxPythonMinor) + ")");
  }
  return dependency;
}

ImportResult import_azureml(const ImportRequest& request) {
  ImportResult out;
  const std::string name = dns_label(request.name);
  if (name.empty() || name != request.name) {
    throw InputError("--name: " + request.name +
                     " is not a DNS label (lower case letters, digits, "
                     "'-'); try " +
                     (name.empty() ? std::string("my-service") : name));
  }
  if (request.target && !api::parse_target(*request.target)) {
    throw InputError("--target: expected dev, cluster, edge or accelerated, got " +
                     *request.target);
  }
  json spec = json::object();
  std::optional<EnvironmentImport> environment;
  json config_map;
  std::optional<std::string> description;
  if (request.inference_config) {
    map_inference_config(*request.inference_config, name, spec, environment, config_map,
                         description, out);
  } else {
    throw InputError("--inference-config: required (inferenceconfig.json)");
  }
  if (request.deployment_config) {
    map_deployment_config(*request.deployment_config, request.target, spec, description, out);
  }
  if (request.target) {
    if (spec.contains("target") && spec["target"] != *request.target) {
      out.warnings.push_back("--target " + *request.target + " overrides the deployment config's " +
                             spec["target"].get<std::string>());
    }
    spec["target"] = *request.target;
    if (*request.target == "dev" || *request.target == "edge") spec.erase("autoscaling");
  }
  std::vector<json> objects;
  json models = json::array();
  for (const auto& m : request.models) {
    const auto eq = m.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw InputError("--model " + m + ": expected NAME[:VERSION]=URI");
    }
    std::string model_name = m.substr(0, eq);
    std::optional<std::int64_t> version;
    if (auto colon = model_name.find(':'); colon != std::string::npos) {
      try {
        version = std::stoll(model_name.substr(colon + 1));
      } catch (const std::exception&) {
        throw InputError("--model " + m + ": VERSION must be a number");
      }
      model_name.resize(colon);
    }
    json model = {{"apiVersion", api::kApiVersion},
                  {"kind", api::kModelKind},
                  {"metadata", {{"name", model_name}}},
                  {"spec", {{"source", {{"uri", m.substr(eq + 1)}}}}}};
    objects.push_back(model);
    json ref = {{"name", model_name}};
    if (version) ref["version"] = *version;
    models.push_back(ref);
  }
  if (models.empty()) {
    throw InputError(
        "--model: at least one NAME[:VERSION]=URI is required (https://, s3://, "
        "file:// on a PVC, oci://): an InferenceService serves a model");
  }
  spec["models"] = models;
  if (environment) {
    objects.push_back({{"apiVersion", api::kApiVersion},
                       {"kind", api::kEnvironmentKind},
                       {"metadata", {{"name", environment->name}}},
                       {"spec", environment->spec}});
    spec["environmentRef"] = {{"name", environment->name}};
  } else {
    out.warnings.push_back(
        "the inference config has no environment: using Kiln's runtime image with no extra "
        "packages (environmentRef to an Environment with no settings)");
    objects.push_back({{"apiVersion", api::kApiVersion},
                       {"kind", api::kEnvironmentKind},
                       {"metadata", {{"name", name + "-env"}}},
                       {"spec", json::object()}});
    spec["environmentRef"] = {{"name", name + "-env"}};
  }
  objects.push_back(config_map);
  json metadata = {{"name", name}};
  if (description) metadata["annotations"] = {{"kiln.dev/description", *description}};
  objects.push_back({{"apiVersion", api::kApiVersion},
                     {"kind", api::kInferenceServiceKind},
                     {"metadata", metadata},
                     {"spec", spec}});
  if (request.namespace_) {
    for (auto& o : objects) o["metadata"]["namespace"] = *request.namespace_;
  }

  // What kiln-operator and the API server will check, checked now.
  for (const auto& o : objects) {
    const std::string kind = o["kind"];
    const std::string who = kind + " " + o["metadata"]["name"].get<std::string>();
    api::FieldErrors errors;
    try {
      if (kind == api::kModelKind) {
        auto typed = o.get<api::Model>();
        api::apply_defaults(typed);
        errors = api::validate(typed);
      } else if (kind == api::kEnvironmentKind) {
        auto typed = o.get<api::Environment>();
        api::apply_defaults(typed);
        errors = api::validate(typed);
      } else if (kind == api::kInferenceServiceKind) {
        auto typed = o.get<api::InferenceService>();
        api::apply_defaults(typed);
        errors = api::validate(typed);
      }
    } catch (const std::exception& e) {
      throw InputError("the imported " + who + " is invalid: " + e.what());
    }
    if (!errors.empty()) {
      throw InputError("the imported " + who + " is invalid: " + api::to_string(errors));
    }
  }
  out.objects = std::move(objects);
  return out;
}

}  // namespace kiln::cli

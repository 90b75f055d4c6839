// Measures what the informer cache costs per object and how fast watch
// streams decode, on realistic Deployments (as a real API server returns
// them: managedFields, last-applied annotation, pod template, status).
//
//   kube_cache_bench [objects=10000]
//
// Memory is the malloc heap growth (mallinfo2) while the objects are held.
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "operator/kube/informer.hpp"
#include "operator/kube/object_cache.hpp"
#include "operator/kube/watch_event_decoder.hpp"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// A Deployment as `kubectl apply` plus the deployment controller leave it.
json deployment(int i) {
  std::string name = "model-" + std::to_string(i) + "-predictor";
  std::string uid = "6f1c2b9e-3a4d-4e5f-9a8b-" + std::to_string(100000000000 + i);
  json container = {
      {"name", "kiln-serve"},
      {"image", "registry.example.com/kiln/iris-sklearn:" + std::to_string(i % 7 + 1)},
      {"imagePullPolicy", "IfNotPresent"},
      {"ports", {{{"containerPort", 5001}, {"name", "http"}, {"protocol", "TCP"}}}},
      {"env",
       {{{"name", "AZUREML_MODEL_DIR"}, {"value", "/var/azureml-app/azureml-models/iris/3"}},
        {{"name", "AZUREML_ENTRY_SCRIPT"}, {"value", "score.py"}},
        {{"name", "WORKER_COUNT"}, {"value", "2"}},
        {{"name", "SCORING_TIMEOUT_MS"}, {"value", "60000"}}}},
      {"resources",
       {{"limits", {{"cpu", "2"}, {"memory", "4Gi"}}},
        {"requests", {{"cpu", "500m"}, {"memory", "1Gi"}}}}},
      {"readinessProbe",
       {{"httpGet", {{"path", "/"}, {"port", 5001}, {"scheme", "HTTP"}}},
        {"periodSeconds", 10},
        {"timeoutSeconds", 1},
        {"successThreshold", 1},
        {"failureThreshold", 3}}},
      {"volumeMounts", {{{"name", "models"}, {"mountPath", "/var/azureml-app/azureml-models"}}}},
      {"terminationMessagePath", "/dev/termination-log"},
      {"terminationMessagePolicy", "File"}};
  json spec = {
      {"replicas", 2},
      {"revisionHistoryLimit", 10},
      {"progressDeadlineSeconds", 600},
      {"selector", {{"matchLabels", {{"kiln.dev/inference-service", name}}}}},
      {"strategy",
       {{"type", "RollingUpdate"},
        {"rollingUpdate", {{"maxSurge", "25%"}, {"maxUnavailable", "25%"}}}}},
      {"template",
       {{"metadata",
         {{"labels",
           {{"kiln.dev/inference-service", name}, {"app.kubernetes.io/name", "kiln-serve"}}}}},
        {"spec",
         {{"containers", {container}},
          {"volumes", {{{"name", "models"}, {"emptyDir", json::object()}}}},
          {"restartPolicy", "Always"},
          {"terminationGracePeriodSeconds", 30},
          {"dnsPolicy", "ClusterFirst"},
          {"schedulerName", "default-scheduler"},
          {"securityContext", json::object()}}}}}};
  json managed = json::array();
  for (const char* mgr : {"kubectl-client-side-apply", "kube-controller-manager"}) {
    managed.push_back(
        {{"manager", mgr},
         {"operation", "Update"},
         {"apiVersion", "apps/v1"},
         {"time", "2026-11-20T10:00:00Z"},
         {"fieldsType", "FieldsV1"},
         {"fieldsV1",
          {{"f:metadata",
            {{"f:annotations",
              {{".", json::object()}, {"f:deployment.kubernetes.io/revision", json::object()}}}}},
           {"f:spec",
            {{"f:replicas", json::object()},
             {"f:template",
              {{"f:spec",
                {{"f:containers",
                  {{"k:{\"name\":\"kiln-serve\"}",
                    {{".", json::object()},
                     {"f:env", json::object()},
                     {"f:image", json::object()},
                     {"f:ports", json::object()},
                     {"f:resources", json::object()}}}}}}}}}}},
           {"f:status",
            {{"f:availableReplicas", json::object()},
             {"f:conditions", json::object()},
             {"f:observedGeneration", json::object()}}}}}});
  }
  json obj = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata",
       {{"name", name},
        {"namespace", "team-" + std::to_string(i % 20)},
        {"uid", uid},
        {"resourceVersion", std::to_string(1000000 + i)},
        {"generation", 3},
        {"creationTimestamp", "2026-11-20T10:00:00Z"},
        {"labels",
         {{"kiln.dev/inference-service", name}, {"app.kubernetes.io/managed-by", "kiln"}}},
        {"annotations",
         {{"deployment.kubernetes.io/revision", "3"},
          {"kubectl.kubernetes.io/last-applied-configuration", json{{"spec", spec}}.dump()}}},
        {"ownerReferences",
         {{{"apiVersion", "kiln.dev/v1alpha1"},
           {"kind", "InferenceService"},
           {"name", "model-" + std::to_string(i)},
           {"uid", "0a1b2c3d-4e5f-6a7b-8c9d-" + std::to_string(200000000000 + i)},
           {"controller", true},
           {"blockOwnerDeletion", true}}}},
        {"managedFields", managed}}},
      {"spec", spec},
      {"status",
       {{"observedGeneration", 3},
        {"replicas", 2},
        {"updatedReplicas", 2},
        {"readyReplicas", 2},
        {"availableReplicas", 2},
        {"conditions",
         {{{"type", "Available"},
           {"status", "True"},
           {"lastUpdateTime", "2026-11-20T10:01:00Z"},
           {"lastTransitionTime", "2026-11-20T10:01:00Z"},
           {"reason", "MinimumReplicasAvailable"},
           {"message", "Deployment has minimum availability."}},
          {{"type", "Progressing"},
           {"status", "True"},
           {"lastUpdateTime", "2026-11-20T10:01:00Z"},
           {"lastTransitionTime", "2026-11-20T10:00:00Z"},
           {"reason", "NewReplicaSetAvailable"},
           {"message", "ReplicaSet \"" + name + "-7d9f8c6b5\" has successfully progressed."}}}}}}};
  return obj;
}

std::size_t heap_in_use() {
  malloc_trim(0);
  return mallinfo2().uordblks;
}

std::vector<std::string> wire_objects(int n) {
  std::vector<std::string> wire;
  wire.reserve(n);
  for (int i = 0; i < n; ++i) wire.push_back(deployment(i).dump());
  return wire;
}

// Heap bytes per object when objects are held as nlohmann::json trees (what
// a cache of whole objects costs), stripped or not.
double tree_bytes_per_object(const std::vector<std::string>& wire, bool strip) {
  std::size_t before = heap_in_use();
  std::vector<std::shared_ptr<const json>> held;
  held.reserve(wire.size());
  for (const auto& w : wire) {
    auto j = json::parse(w);
    if (strip) kiln::kube::strip_for_cache(j);
    held.push_back(std::make_shared<const json>(std::move(j)));
  }
  return static_cast<double>(heap_in_use() - before) / wire.size();
}

// Heap bytes per object in the informer's ObjectCache (stripped, packed, indexed).
double cache_bytes_per_object(const std::vector<std::string>& wire,
                              kiln::kube::ObjectCache& cache) {
  std::size_t before = heap_in_use();
  for (const auto& w : wire) {
    auto j = json::parse(w);
    kiln::kube::strip_for_cache(j);
    cache.upsert(std::make_shared<const json>(std::move(j)));
  }
  if (cache.size() != wire.size()) std::abort();
  return static_cast<double>(heap_in_use() - before) / wire.size();
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  auto sample = deployment(1);
  auto stripped = sample;
  kiln::kube::strip_for_cache(stripped);
  std::printf("objects: %d Deployments\n", n);
  std::printf("wire size per object (JSON):            %6zu bytes\n", sample.dump().size());
  std::printf("wire size after strip_for_cache:        %6zu bytes\n", stripped.dump().size());
  {
    auto wire = wire_objects(n);
    std::printf("heap per object, json tree, whole:      %8.0f bytes\n",
                tree_bytes_per_object(wire, false));
    std::printf("heap per object, json tree, stripped:   %8.0f bytes\n",
                tree_bytes_per_object(wire, true));
    kiln::kube::ObjectCache cache;
    std::printf("heap per object, ObjectCache (stripped, packed, no index):  %8.0f bytes\n",
                cache_bytes_per_object(wire, cache));
    // What a read costs: get() decodes the packed object.
    auto t = Clock::now();
    std::size_t found = 0;
    for (int i = 0; i < n; ++i) {
      found += cache.get("team-" + std::to_string(i % 20),
                         "model-" + std::to_string(i) + "-predictor") != nullptr;
    }
    double s = std::chrono::duration<double>(Clock::now() - t).count();
    std::printf("cache get(): %zu found, %.1f us per read\n", found, s / n * 1e6);
  }

  // A watch stream of MODIFIED events, decoded from 16 KiB chunks as libcurl delivers them.
  std::string stream;
  for (int i = 0; i < n; ++i) {
    stream += json{{"type", "MODIFIED"}, {"object", deployment(i)}}.dump();
    stream += '\n';
  }
  constexpr std::size_t kChunk = 16 * 1024;
  std::size_t events = 0;
  kiln::kube::WatchEventDecoder decoder;
  auto t0 = Clock::now();
  for (std::size_t off = 0; off < stream.size(); off += kChunk) {
    decoder.feed(std::string_view(stream).substr(off, kChunk),
                 [&](kiln::kube::WatchEvent&&) { ++events; });
  }
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("watch decode: %zu events, %.1f MB in %.3f s: %.0f events/s, %.1f MB/s\n", events,
              stream.size() / 1e6, secs, events / secs, stream.size() / 1e6 / secs);

  // The informer's whole per-event path: decode, strip, freeze, index.
  kiln::kube::ObjectCache cache;
  events = 0;
  t0 = Clock::now();
  kiln::kube::WatchEventDecoder decoder2;
  for (std::size_t off = 0; off < stream.size(); off += kChunk) {
    decoder2.feed(std::string_view(stream).substr(off, kChunk), [&](kiln::kube::WatchEvent&& ev) {
      kiln::kube::strip_for_cache(ev.object);
      cache.upsert(std::make_shared<const json>(std::move(ev.object)));
      ++events;
    });
  }
  secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("decode+strip+cache: %.0f events/s\n", events / secs);
  return 0;
}

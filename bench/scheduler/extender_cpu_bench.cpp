// CPU time the extender spends deciding, without HTTP or a cluster: the same
// Extender and ClusterView as kiln-scheduler-extender, fed synthetic nodes and
// bound pods (the mix of extender_latency.sh), asked filter and prioritize
// naming every node. Thread CPU time, so the figure holds on a busy machine.
//
//   extender_cpu_bench [--calls 200] [SIZES...]     (default 500 1000 5000)
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scheduler/extender.hpp"

namespace {

using nlohmann::json;
using namespace kiln::scheduler;

const char* kU250 = "amd.com/xilinx_u250_gen3x16_xdma_shell_4_1-1612906017";

json node(int i) {
  static const char* kinds[] = {"a100", "a100", "a100", "a100", "a100",
                                "a100", "t4",   "t4",   "mig",  "fpga"};
  std::string kind = kinds[i % 10];
  char name[32];
  std::snprintf(name, sizeof name, "bench-node-%05d", i);
  json alloc = {{"cpu", "64"}, {"memory", "512Gi"}, {"pods", "110"}};
  json labels = {{"kubernetes.io/hostname", name}};
  json annotations = json::object();
  if (kind == "a100") {
    alloc["nvidia.com/gpu"] = "4";
    labels["nvidia.com/gpu.product"] = "NVIDIA-A100-SXM4-40GB";
    labels["nvidia.com/gpu.memory"] = "40960";
  } else if (kind == "t4") {
    alloc["nvidia.com/gpu"] = "2";
    labels["nvidia.com/gpu.product"] = "Tesla-T4";
    labels["nvidia.com/gpu.memory"] = "15360";
  } else if (kind == "mig") {
    alloc["nvidia.com/mig-1g.5gb"] = "7";
  } else {
    alloc[kU250] = "2";
    annotations["kiln.dev/fpga-bitstreams"] = "abc";
  }
  return {{"metadata", {{"name", name}, {"labels", labels}, {"annotations", annotations}}},
          {"status", {{"allocatable", alloc}, {"capacity", alloc}}}};
}

json pod(const std::string& name, const json& resources, const json& annotations,
         const std::string& node_name = "") {
  json res = {{"cpu", "100m"}};
  res.update(resources);
  json p = {
      {"metadata", {{"name", name}, {"namespace", "bench"}, {"annotations", annotations}}},
      {"spec",
       {{"containers", {{{"name", "main"}, {"resources", {{"requests", res}, {"limits", res}}}}}}}},
      {"status", {{"phase", "Running"}}}};
  if (!node_name.empty()) p["spec"]["nodeName"] = node_name;
  return p;
}

double cpu_ms() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"extender decision CPU time"};
  int calls = 200;
  std::vector<int> sizes;
  app.add_option("--calls", calls, "calls per verb and pod kind")->capture_default_str();
  app.add_option("sizes", sizes, "node counts");
  CLI11_PARSE(app, argc, argv);
  if (sizes.empty()) sizes = {500, 1000, 5000};

  const std::vector<std::pair<std::string, json>> pods = {
      {"gpu", pod("gpu", {{"nvidia.com/gpu", "1"}}, {{"kiln.dev/gpu-product", "A100"}})},
      {"fpga", pod("fpga", {{kU250, "1"}}, {{"kiln.dev/fpga-bitstream", "abc"}})},
      {"plain", pod("plain", json::object(), json::object())},
  };
  std::printf("thread CPU ms per call, %d calls per row, every node named in each request\n",
              calls);
  std::printf("%6s %-6s %-10s %8s %8s\n", "nodes", "pod", "verb", "p50", "p99");
  for (int n : sizes) {
    ClusterView view;
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) {
      json nd = node(i);
      names.push_back(nd["metadata"]["name"]);
      view.upsert_node(nd);
      if (i % 2 == 0) {
        view.upsert_pod(pod("bound-" + std::to_string(i), {{"nvidia.com/gpu", "1"}}, json::object(),
                            names.back()));
      }
    }
    Extender extender(view, nullptr);
    for (const auto& [kind, p] : pods) {
      const std::string body = json{{"Pod", p}, {"Nodes", nullptr}, {"NodeNames", names}}.dump();
      std::vector<double> f, q, both;
      for (int i = 0; i < calls + 10; ++i) {
        double t0 = cpu_ms();
        auto fr = extender.filter(body);
        double t1 = cpu_ms();
        auto pr = extender.prioritize(body);
        double t2 = cpu_ms();
        if (fr.status != 200 || pr.status != 200) return 1;
        if (i < 10) continue;
        f.push_back(t1 - t0);
        q.push_back(t2 - t1);
        both.push_back(t2 - t0);
      }
      std::printf("%6d %-6s %-10s %8.3f %8.3f\n", n, kind.c_str(), "filter", pct(f, 0.5),
                  pct(f, 0.99));
      std::printf("%6d %-6s %-10s %8.3f %8.3f\n", n, kind.c_str(), "prioritize", pct(q, 0.5),
                  pct(q, 0.99));
      std::printf("%6d %-6s %-10s %8.3f %8.3f\n", n, kind.c_str(), "both", pct(both, 0.5),
                  pct(both, 0.99));
    }
  }
  return 0;
}

#include "tests/unit/scheduler/test_objects.hpp"

namespace kiln::scheduler::testing {

nlohmann::json make_node(const std::string& name,
                         const std::map<std::string, std::string>& allocatable,
                         const std::map<std::string, std::string>& labels,
                         const std::map<std::string, std::string>& annotations) {
  nlohmann::json alloc = {{"cpu", "32"}, {"memory", "256Gi"}, {"pods", "110"}};
  for (const auto& [k, v] : allocatable) alloc[k] = v;
  nlohmann::json node = {{"apiVersion", "v1"},
                         {"kind", "Node"},
                         {"metadata", {{"name", name}, {"labels", labels}}},
                         {"status", {{"allocatable", alloc}, {"capacity", alloc}}}};
  if (!annotations.empty()) node["metadata"]["annotations"] = annotations;
  return node;
}

nlohmann::json make_pod(const std::string& name,
                        const std::map<std::string, std::string>& resources,
                        const std::map<std::string, std::string>& annotations,
                        const std::string& node_name, const std::string& phase) {
  nlohmann::json res = {{"cpu", "100m"}};
  for (const auto& [k, v] : resources) res[k] = v;
  nlohmann::json pod = {{"apiVersion", "v1"},
                        {"kind", "Pod"},
                        {"metadata", {{"name", name}, {"namespace", "ns"}, {"uid", "uid-" + name}}},
                        {"spec",
                         {{"schedulerName", "kiln-scheduler"},
                          {"containers",
                           {{{"name", "main"},
                             {"image", "x"},
                             {"resources", {{"requests", res}, {"limits", res}}}}}}}},
                        {"status", {{"phase", phase}}}};
  if (!annotations.empty()) pod["metadata"]["annotations"] = annotations;
  if (!node_name.empty()) pod["spec"]["nodeName"] = node_name;
  return pod;
}

nlohmann::json a100_node(const std::string& name) {
  return make_node(
      name, {{"nvidia.com/gpu", "4"}},
      {{"nvidia.com/gpu.product", "NVIDIA-A100-SXM4-40GB"}, {"nvidia.com/gpu.memory", "40960"}});
}

nlohmann::json t4_node(const std::string& name) {
  return make_node(name, {{"nvidia.com/gpu", "2"}},
                   {{"nvidia.com/gpu.product", "Tesla-T4"}, {"nvidia.com/gpu.memory", "15360"}});
}

nlohmann::json mig_node(const std::string& name) {
  return make_node(name, {{"nvidia.com/mig-1g.5gb", "7"}},
                   {{"nvidia.com/gpu.product", "NVIDIA-A100-SXM4-40GB-MIG-1g.5gb"},
                    {"nvidia.com/gpu.memory", "4864"}});
}

nlohmann::json fpga_node(const std::string& name, const std::string& bitstreams) {
  std::map<std::string, std::string> annotations;
  if (!bitstreams.empty()) annotations["kiln.dev/fpga-bitstreams"] = bitstreams;
  return make_node(name, {{kU250, "2"}}, {{"kiln.dev/fpga.vendor", "xilinx"}}, annotations);
}

}  // namespace kiln::scheduler::testing

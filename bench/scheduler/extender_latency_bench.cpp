// Times filter and prioritize calls against a running kiln-scheduler-extender,
// as kube-scheduler makes them (one connection, kept alive, node names only),
// and prints p50/p99 per verb and for filter+prioritize per scheduling cycle.
//
//   extender_latency_bench --url http://127.0.0.1:PORT --nodes names.txt [--cycles 300]
#include <curl/curl.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

class Client {
 public:
  explicit Client(std::string base) : base_(std::move(base)), curl_(curl_easy_init()) {
    headers_ = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &body_);
    curl_easy_setopt(curl_, CURLOPT_TCP_NODELAY, 1L);
  }
  ~Client() {
    curl_slist_free_all(headers_);
    curl_easy_cleanup(curl_);
  }

  // POSTs and returns the body; throws on a transport error or non-200.
  const std::string& post(const std::string& verb, const std::string& payload) {
    body_.clear();
    std::string url = base_ + "/" + verb;
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, payload.data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
    if (auto rc = curl_easy_perform(curl_); rc != CURLE_OK) {
      throw std::runtime_error(std::string("POST ") + url + ": " + curl_easy_strerror(rc));
    }
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) throw std::runtime_error(verb + " answered " + std::to_string(status));
    return body_;
  }

 private:
  std::string base_;
  CURL* curl_;
  curl_slist* headers_;
  std::string body_;
};

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

nlohmann::json pod(const std::string& name, const nlohmann::json& resources,
                   const nlohmann::json& annotations) {
  nlohmann::json res = {{"cpu", "100m"}};
  res.update(resources);
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"name", name}, {"namespace", "bench"}, {"uid", name}, {"annotations", annotations}}},
          {"spec",
           {{"schedulerName", "kiln-scheduler"},
            {"containers",
             {{{"name", "main"},
               {"image", "x"},
               {"resources", {{"requests", res}, {"limits", res}}}}}}}}};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kiln-scheduler-extender latency"};
  std::string url;
  std::string nodes_file;
  int cycles = 300;
  app.add_option("--url", url, "extender URL prefix")->required();
  app.add_option("--nodes", nodes_file, "file with one node name per line")->required();
  app.add_option("--cycles", cycles, "scheduling cycles per pod kind")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::vector<std::string> names;
  std::ifstream in(nodes_file);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) names.push_back(line);
  }
  if (names.empty()) {
    std::fprintf(stderr, "no node names in %s\n", nodes_file.c_str());
    return 2;
  }
  const std::vector<std::pair<std::string, nlohmann::json>> pods = {
      {"gpu", pod("gpu", {{"nvidia.com/gpu", "1"}}, {{"kiln.dev/gpu-product", "A100"}})},
      {"fpga", pod("fpga", {{"amd.com/xilinx_u250_gen3x16_xdma_shell_4_1-1612906017", "1"}},
                   {{"kiln.dev/fpga-bitstream", "abc"}})},
      {"plain", pod("plain", nlohmann::json::object(), nlohmann::json::object())},
  };
  curl_global_init(CURL_GLOBAL_DEFAULT);
  Client client(url);
  std::printf("%zu node names per request, %d cycles per pod kind\n", names.size(), cycles);
  std::printf("%-6s %-10s %9s %9s %9s\n", "pod", "verb", "p50 ms", "p99 ms", "max ms");
  try {
    for (const auto& [kind, p] : pods) {
      const std::string args =
          nlohmann::json{{"Pod", p}, {"Nodes", nullptr}, {"NodeNames", names}}.dump();
      std::vector<double> filter, prioritize, cycle;
      for (int i = 0; i < cycles + 20; ++i) {  // the first 20 warm up
        auto t0 = Clock::now();
        const auto& f = client.post("filter", args);
        auto t1 = Clock::now();
        if (i == 0) {
          auto r = nlohmann::json::parse(f);
          if (!r["Error"].get<std::string>().empty()) throw std::runtime_error(r["Error"].dump());
        }
        client.post("prioritize", args);
        auto t2 = Clock::now();
        if (i < 20) continue;
        filter.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        prioritize.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
        cycle.push_back(std::chrono::duration<double, std::milli>(t2 - t0).count());
      }
      for (const auto& [verb, v] :
           {std::pair{"filter", &filter}, std::pair{"prioritize", &prioritize},
            std::pair{"both", &cycle}}) {
        std::printf("%-6s %-10s %9.3f %9.3f %9.3f\n", kind.c_str(), verb, percentile(*v, 0.5),
                    percentile(*v, 0.99), percentile(*v, 1.0));
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "extender_latency_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}

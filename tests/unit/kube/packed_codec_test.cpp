#include "operator/kube/packed_codec.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace kiln::kube {
namespace {

using nlohmann::json;

json service(int i) {
  const std::string name = "svc-" + std::to_string(i);
  return {{"apiVersion", "kiln.dev/v1alpha1"},
          {"kind", "InferenceService"},
          {"metadata",
           {{"name", name},
            {"namespace", "bench"},
            {"uid", "9215aec1-b291-4d2b-a117-" + std::to_string(100000000000 + i)},
            {"resourceVersion", std::to_string(40928 + i)}}},
          {"spec", {{"target", "dev"}, {"models", {{{"name", "diabetes"}}}}}},
          {"status",
           {{"scoringUri", "http://" + name + ".bench.svc.cluster.local/score"},
            {"conditions",
             {{{"type", "Ready"},
               {"status", "True"},
               {"reason", "Serving"},
               {"message", "serving at http://" + name + ".bench.svc.cluster.local/score"}}}}}}};
}

TEST(PackedCodec, RoundTripsEveryObjectExactly) {
  PackedCodec codec;
  std::vector<std::string> packed;
  for (int i = 0; i < 50; ++i) packed.push_back(codec.pack(service(i)));
  for (int i = 0; i < 50; ++i) EXPECT_EQ(codec.unpack(packed[i]), service(i)) << i;
  const json other = {{"metadata", {{"name", "unlike"}}}, {"data", {{"x", std::string(300, 'q')}}}};
  EXPECT_EQ(codec.unpack(codec.pack(other)), other);  // nothing like the dictionary still works
}

// The point of the codec: a sibling costs a fraction of its MessagePack.
TEST(PackedCodec, SiblingsPackToAFractionOfTheirMessagePack) {
  PackedCodec codec;
  codec.pack(service(0));
  const std::size_t msgpack = json::to_msgpack(service(7731)).size();
  const std::size_t packed = codec.pack(service(7731)).size();
  EXPECT_LT(packed * 4, msgpack) << packed << " packed bytes against " << msgpack;
  // Same object, same bytes: ObjectCache::replace tells unchanged objects by them.
  EXPECT_EQ(codec.pack(service(5)), codec.pack(service(5)));
}

TEST(PackedCodec, ConcurrentPackersAndReadersAgree) {
  PackedCodec codec;
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const json o = service(t * 1000 + i);
        if (codec.unpack(codec.pack(o)) != o) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

TEST(PackedCodec, MalformedInputThrowsInsteadOfCrashing) {
  PackedCodec codec;
  codec.pack(service(0));
  EXPECT_THROW(codec.unpack(""), std::invalid_argument);
  EXPECT_THROW(codec.unpack(std::string("\x07garbage", 8)), std::invalid_argument);
  EXPECT_THROW(codec.unpack(std::string("\x01not zstd", 9)), std::invalid_argument);
  std::string truncated = codec.pack(service(3));
  truncated.resize(truncated.size() / 2);
  EXPECT_ANY_THROW(codec.unpack(truncated));
}

}  // namespace
}  // namespace kiln::kube

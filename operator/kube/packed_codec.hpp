#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

struct ZSTD_CDict_s;
struct ZSTD_DDict_s;

namespace kiln::kube {

// How an informer cache stores its objects: MessagePack, compressed with zstd
// against the first object this codec packed, used as a raw-content
// dictionary. Objects of one kind repeat each other's keys and most values
// (labels, owner references, image digests, condition texts), so a 1.5 kB
// InferenceService packs to ~150 bytes against a sibling; that is most of an
// operator's memory at 10,000 services (bench/operator/isvc_to_ready.sh prints
// the packed bytes per cache). Decoding costs a few microseconds more than
// plain MessagePack. Thread-safe; the dictionary never changes once chosen, so
// every packed string stays decodable.
class PackedCodec {
 public:
  PackedCodec();
  ~PackedCodec();
  PackedCodec(const PackedCodec&) = delete;
  PackedCodec& operator=(const PackedCodec&) = delete;

  std::string pack(const nlohmann::json& object);
  nlohmann::json unpack(std::string_view packed) const;

 private:
  void choose_dictionary(const std::string& msgpack);

  std::once_flag chosen_;
  std::string dictionary_;
  struct Dictionaries;
  std::unique_ptr<Dictionaries> dicts_;
};

}  // namespace kiln::kube

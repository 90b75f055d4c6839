#pragma once

// Tags a registered model image v<N> in Kiln's registry. An interface, so the
// controller's I/O stays swappable; OciManifestTagger is the real one.

#include <memory>
#include <mutex>
#include <string>

#include "operator/oci/registry_client.hpp"
#include "reconcilers/model/model_reconciler.hpp"

namespace kiln::controllers::model {

class ManifestTagger {
 public:
  virtual ~ManifestTagger() = default;
  // Puts the manifest `request.digest` under `request.tag`; throws on failure
  // (the message says why: 401, 404, unreachable...).
  virtual void tag(const reconcilers::model::TagRequest& request) = 0;
};

// Manifest GET by digest + PUT under the tag, with kiln_oci: bytes of a
// manifest, never of the model. One client, serialised (it caches tokens and
// is not thread-safe).
class OciManifestTagger : public ManifestTagger {
 public:
  explicit OciManifestTagger(oci::RegistryOptions options);
  void tag(const reconcilers::model::TagRequest& request) override;

 private:
  std::mutex mu_;
  oci::RegistryClient client_;
};

}  // namespace kiln::controllers::model

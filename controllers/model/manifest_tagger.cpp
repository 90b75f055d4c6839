#include "controllers/model/manifest_tagger.hpp"

namespace kiln::controllers::model {

OciManifestTagger::OciManifestTagger(oci::RegistryOptions options) : client_(std::move(options)) {}

void OciManifestTagger::tag(const reconcilers::model::TagRequest& request) {
  // The repository is host/path; the client already knows the host.
  std::string repository = request.repository;
  const auto& host = client_.options().registry;
  if (repository.rfind(host + "/", 0) == 0) repository = repository.substr(host.size() + 1);
  std::lock_guard lock(mu_);
  client_.tag_manifest(repository, request.digest, request.tag);
}

}  // namespace kiln::controllers::model

#pragma once

// A rendered build context as a deterministic tar (pure): what a ModelPackage
// with output.format DockerContext stores in the registry, as the one layer of
// an OCI image, for download:
//
//   kiln-fetch pull --image <status.contextUri without oci://> --dest ./ctx && docker build ./ctx
//
// Directories first as they appear, then each file, in path order; ustar
// headers with mtime 0 and uid/gid 0 (fetch/tar_format.hpp), so the same
// context is the same bytes and the same digest.

#include <string>

#include "reconcilers/environment/build_context.hpp"

namespace kiln::reconcilers::model_package {

std::string context_archive(const environment::BuildContext& context);

}  // namespace kiln::reconcilers::model_package

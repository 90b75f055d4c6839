#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "crds/model.hpp"
#include "reconcilers/model/registration_job.hpp"

namespace kiln::testing {

inline api::Model make_model(const std::string& uri, const std::string& name = "diabetes") {
  api::Model m = nlohmann::json{{"metadata",
                                 {{"name", name},
                                  {"namespace", "team-a"},
                                  {"uid", "0b6c1a52-8a9e-4c55-9f0e-3a4c0f0e7a11"},
                                  {"generation", 4}}},
                                {"spec", {{"source", {{"uri", uri}}}}}}
                     .get<api::Model>();
  api::apply_defaults(m);
  return m;
}

inline reconcilers::model::RegistrationSettings make_settings() {
  reconcilers::model::RegistrationSettings s;
  s.registry = "127.0.0.1:5000";
  s.fetch_image = "127.0.0.1:5000/kiln/kiln-fetch:0.1.0";
  return s;
}

inline std::string digest_of(char c) {
  return "sha256:" + std::string(64, c);
}

inline std::string success_message(char c, std::int64_t size = 1024) {
  return nlohmann::json{{"digest", digest_of(c)},
                        {"contentSha256", std::string(64, 'f')},
                        {"sizeBytes", size},
                        {"image", "127.0.0.1:5000/models/team-a/diabetes@" + digest_of(c)}}
      .dump();
}

}  // namespace kiln::testing

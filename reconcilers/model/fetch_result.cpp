#include "reconcilers/model/fetch_result.hpp"

#include <cctype>
#include <nlohmann/json.hpp>

#include "crds/text_checks.hpp"

namespace kiln::reconcilers::model {

FetchResult parse_fetch_result(std::string_view termination_message) {
  std::string text(termination_message);
  // The contract writes one line; tolerate surrounding whitespace.
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  if (text.empty()) return FetchUnreadable{"the registration pod wrote no result"};
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return FetchUnreadable{"the registration pod's result is not JSON: " + text.substr(0, 200)};
  }
  if (j.contains("reason")) {
    if (!j["reason"].is_string()) return FetchUnreadable{"result with a non-string reason"};
    return FetchFailure{j["reason"].get<std::string>(),
                        j.value("message", std::string("(no message)"))};
  }
  if (!j.contains("digest") || !j["digest"].is_string() ||
      !api::is_sha256_digest(j["digest"].get<std::string>())) {
    return FetchUnreadable{"result without a valid digest: " + text.substr(0, 200)};
  }
  FetchSuccess s;
  s.digest = j["digest"].get<std::string>();
  s.content_sha256 = j.value("contentSha256", std::string());
  if (j.contains("sizeBytes") && j["sizeBytes"].is_number_integer()) {
    s.size_bytes = j["sizeBytes"].get<std::int64_t>();
  }
  s.image = j.value("image", std::string());
  if (s.image.empty() || !s.image.ends_with("@" + s.digest)) {
    return FetchUnreadable{"result whose image does not end with its digest: " +
                           text.substr(0, 200)};
  }
  return s;
}

bool is_transient(std::string_view reason) {
  return reason == "SourceDNS" || reason == "SourceUnreachable" || reason == "RegistryUnreachable";
}

bool is_source_failure(std::string_view reason) {
  return reason.starts_with("Source");
}

}  // namespace kiln::reconcilers::model

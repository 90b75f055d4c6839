#include "reconcilers/inference_service/keys.hpp"

#include "operator/kube/api_time.hpp"
#include "reconcilers/inference_service/names.hpp"

namespace kiln::reconcilers::inference_service {
namespace {

using nlohmann::json;

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string annotation(const json& metadata, const char* name) {
  if (!metadata.is_object()) return {};
  auto a = metadata.find("annotations");
  if (a == metadata.end() || !a->is_object()) return {};
  auto it = a->find(name);
  return it != a->end() && it->is_string() ? it->get<std::string>() : std::string{};
}

std::optional<std::string> decoded_key(const json& secret, const char* key) {
  if (!secret.is_object() || !secret.contains("data") || !secret["data"].is_object()) {
    return std::nullopt;
  }
  auto it = secret["data"].find(key);
  if (it == secret["data"].end() || !it->is_string()) return std::nullopt;
  auto value = base64_decode(it->get<std::string>());
  if (!value || value->empty()) return std::nullopt;
  return value;
}

struct KeySlot {
  const char* data_key;
  const char* request_annotation;
  const char* recorded_annotation;
  const char* change;
};

// The key to keep or the fresh one, and the rotation time to record.
std::string decide(const KeySlot& slot, const json& service_meta, const json& observed,
                   const std::string& fresh, std::optional<std::string>& rotated_at,
                   KeysPlan& plan) {
  auto current = decoded_key(observed, slot.data_key);
  const std::string recorded = annotation(
      observed.is_object() ? observed.value("metadata", json{}) : json{}, slot.recorded_annotation);
  if (!recorded.empty()) rotated_at = recorded;
  const std::string requested = annotation(service_meta, slot.request_annotation);
  bool rotate = false;
  if (!requested.empty()) {
    auto when = kube::parse_api_time(requested);
    if (!when) {
      plan.warnings.push_back(std::string("annotation ") + slot.request_annotation + " is not an " +
                              "RFC 3339 time (e.g. 2026-01-02T15:04:05Z); no key was rotated");
    } else {
      auto last = recorded.empty() ? std::nullopt : kube::parse_api_time(recorded);
      rotate = current && (!last || *when > *last);
      // A first key generated because of the request counts as that rotation.
      if (!current) rotated_at = requested;
    }
    if (rotate) rotated_at = requested;
  }
  if (current && !rotate) return *current;
  if (current && rotate) plan.changes.push_back(slot.change);
  return fresh;
}

}  // namespace

KeysPlan plan_keys(const api::InferenceService& service, const json& owner, const json& observed,
                   const FreshKeys& fresh) {
  KeysPlan plan;
  if (!api::effective_auth_enabled(service.spec)) return plan;
  const std::string name = api::meta_name(service.metadata);
  if (service.spec.auth && service.spec.auth->keys_secret_ref) {
    plan.secret_name = service.spec.auth->keys_secret_ref->name;
    const std::string who =
        "Secret " + api::meta_namespace(service.metadata) + "/" + plan.secret_name;
    const std::string create = "kubectl create secret generic " + plan.secret_name +
                               " --from-literal=primaryKey=... --from-literal=secondaryKey=...";
    if (!observed.is_object()) {
      plan.problem = Problem{"KeysSecretNotFound",
                             who + " (spec.auth.keysSecretRef) does not exist; create it (" +
                                 create + ") or remove keysSecretRef to let Kiln generate keys"};
    } else if (!decoded_key(observed, "primaryKey") || !decoded_key(observed, "secondaryKey")) {
      plan.problem = Problem{"KeysSecretIncomplete",
                             who +
                                 " (spec.auth.keysSecretRef) needs non-empty keys primaryKey "
                                 "and secondaryKey (" +
                                 create + ")"};
    }
    return plan;
  }
  plan.secret_name = keys_secret_name(name);
  static const KeySlot primary{"primaryKey", kRotatePrimaryAnnotation, kPrimaryRotatedAnnotation,
                               "PrimaryKeyRotated"};
  static const KeySlot secondary{"secondaryKey", kRotateSecondaryAnnotation,
                                 kSecondaryRotatedAnnotation, "SecondaryKeyRotated"};
  const std::string primary_key =
      decide(primary, service.metadata, observed, fresh.primary, plan.primary_rotated_at, plan);
  const std::string secondary_key = decide(secondary, service.metadata, observed, fresh.secondary,
                                           plan.secondary_rotated_at, plan);
  if (!decoded_key(observed, "primaryKey") || !decoded_key(observed, "secondaryKey")) {
    plan.changes.push_back("KeysGenerated");
  }

  json metadata = child_metadata(owner, plan.secret_name);
  json annotations = json::object();
  if (plan.primary_rotated_at) annotations[kPrimaryRotatedAnnotation] = *plan.primary_rotated_at;
  if (plan.secondary_rotated_at) {
    annotations[kSecondaryRotatedAnnotation] = *plan.secondary_rotated_at;
  }
  if (!annotations.empty()) metadata["annotations"] = annotations;
  plan.secret = {{"apiVersion", "v1"},
                 {"kind", "Secret"},
                 {"metadata", metadata},
                 {"type", "Opaque"},
                 {"data",
                  {{"primaryKey", base64_encode(primary_key)},
                   {"secondaryKey", base64_encode(secondary_key)}}}};
  return plan;
}

std::string base64_encode(const std::string& bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < bytes.size()) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(const std::string& text) {
  if (text.size() % 4 != 0) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + k];
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return std::nullopt;
      v[k] = value(c);
      if (v[k] < 0) return std::nullopt;
    }
    unsigned n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out += static_cast<char>((n >> 16) & 255);
    if (pad < 2) out += static_cast<char>((n >> 8) & 255);
    if (pad < 1) out += static_cast<char>(n & 255);
  }
  return out;
}

}  // namespace kiln::reconcilers::inference_service

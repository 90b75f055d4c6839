#pragma once

// The Secret with the service's primary and secondary keys, and their
// rotation. Keys are never put in status, events or logs: only the Secret
// holds them.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crds/inference_service.hpp"
#include "reconcilers/inference_service/problem.hpp"

namespace kiln::reconcilers::inference_service {

// Two fresh keys from a CSPRNG, made by the controller before each reconcile
// that may need them; the reconciler uses them only when a key is missing or
// a rotation is asked for.
struct FreshKeys {
  std::string primary;
  std::string secondary;
};

struct KeysPlan {
  // The Secret to apply (stringData-free: data is base64), or null when auth
  // is off or the user brings the Secret (keysSecretRef).
  nlohmann::json secret;
  std::string secret_name;  // the Secret kiln-serve reads ("" when auth is off)
  std::optional<std::string> primary_rotated_at;
  std::optional<std::string> secondary_rotated_at;
  // Messages for Warning events (a malformed rotation annotation); never keys.
  std::vector<std::string> warnings;
  // What changed, for a Normal event: "PrimaryKeyRotated", ... (no key material).
  std::vector<std::string> changes;
  // The user's Secret (keysSecretRef) is missing or lacks a key.
  std::optional<Problem> problem;
};

// `observed` is the keys Secret as it exists (null when absent): Kiln's
// <name>-keys, or the user's spec.auth.keysSecretRef, which must hold
// primaryKey and secondaryKey (KeysSecretNotFound, KeysSecretIncomplete).
KeysPlan plan_keys(const api::InferenceService& service, const nlohmann::json& owner,
                   const nlohmann::json& observed, const FreshKeys& fresh);

// Base64 (RFC 4648, with padding), for Secret data.
std::string base64_encode(const std::string& bytes);
std::optional<std::string> base64_decode(const std::string& text);

}  // namespace kiln::reconcilers::inference_service

#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace kiln::manager {

// How the manager's shared informer for one resource lists, watches and
// stores it (controller-runtime's cache.ByObject). Set with
// Manager::set_cache_options() before anything asks for that informer.
struct CacheOptions {
  // Only this namespace; unset: the manager's watch_namespace ("" = all).
  std::optional<std::string> ns;
  // Server-side filters: only matching objects are listed, watched, cached.
  std::string label_selector;
  std::string field_selector;
  // Runs on each object after managedFields and the last-applied annotation
  // are dropped, before it is cached: keep only what reconcilers read (the
  // cache's memory is proportional to what is left).
  std::function<void(nlohmann::json&)> transform;
  // Keep only apiVersion, kind and metadata (names, labels, owners,
  // finalizers): for resources a controller only maps to owners or counts.
  // The objects are still transferred whole; only the cache shrinks.
  bool metadata_only = false;
};

// The transform metadata_only applies: drops everything but apiVersion,
// kind and metadata.
void keep_metadata_only(nlohmann::json& object);

}  // namespace kiln::manager

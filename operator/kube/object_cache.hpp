#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "operator/kube/packed_codec.hpp"

namespace kiln::kube {

// Objects handed out by the cache are immutable snapshots: a reader keeps its
// copy however the cache moves on.
using ObjectPtr = std::shared_ptr<const nlohmann::json>;

// Index values an object is filed under (zero or more).
using IndexFunc = std::function<std::vector<std::string>(const nlohmann::json&)>;

// "namespace/name", or "name" for cluster-scoped objects.
std::string object_key(const nlohmann::json& object);
std::string object_key(std::string_view ns, std::string_view name);

// Built-in indexes every cache has.
inline constexpr std::string_view kNamespaceIndex = "namespace";
// The uid of the ownerReference with controller: true, so a controller finds
// its children by its own uid.
inline constexpr std::string_view kControllerOwnerIndex = "controller-owner-uid";

std::vector<std::string> index_by_namespace(const nlohmann::json& object);
std::vector<std::string> index_by_controller_owner(const nlohmann::json& object);

// The objects an informer holds, keyed by namespace/name, with secondary
// indexes kept in step on every change. Thread-safe: many readers, one writer.
//
// Objects are stored packed (PackedCodec: MessagePack compressed against a
// sibling object), not as nlohmann::json trees: a tree costs a map node, a
// heap string and allocator overhead per field (several times the object's
// JSON size), the packed bytes a fraction of it. A read decodes (microseconds
// for a Deployment), which is cheap next to the API round-trip a reconcile
// makes anyway. bench/kube measures both.
class ObjectCache {
 public:
  // What a full replacement changed, for event handlers.
  struct Delta {
    std::vector<ObjectPtr> added;
    std::vector<std::pair<ObjectPtr, ObjectPtr>> updated;  // (old, new)
    std::vector<ObjectPtr> deleted;
  };

  ObjectCache();

  // Adds (or replaces) an index and files every cached object under it.
  void add_index(std::string name, IndexFunc fn);

  ObjectPtr get(std::string_view ns, std::string_view name) const;
  ObjectPtr get(const std::string& key) const;
  std::vector<ObjectPtr> list() const;
  // Every key ("namespace/name"), without decoding any object.
  std::vector<std::string> keys() const;
  std::vector<ObjectPtr> by_index(std::string_view index, std::string_view value) const;
  // The keys ("namespace/name") filed under an index value, sorted, without
  // decoding any object: what a mapper needs to turn an event into requests.
  std::vector<std::string> keys_by_index(std::string_view index, std::string_view value) const;
  // These two need their index added first (add_index with index_by_namespace
  // or index_by_controller_owner): no index is kept unless asked for, since
  // each costs memory per cached object. A missing index throws.
  std::vector<ObjectPtr> by_namespace(std::string_view ns) const {
    return by_index(kNamespaceIndex, ns);
  }
  std::vector<ObjectPtr> by_controller(std::string_view owner_uid) const {
    return by_index(kControllerOwnerIndex, owner_uid);
  }
  std::size_t size() const;
  // The packed bytes held (object payloads, not keys or index entries).
  std::size_t packed_bytes() const;

  // Inserts or replaces; returns the previous object (null when new).
  ObjectPtr upsert(ObjectPtr object);
  // Removes by the object's key; returns what was cached (null when absent).
  ObjectPtr erase(const nlohmann::json& object);
  // Swaps the whole content for `objects` in one step (a re-list), returning
  // what changed: objects gone from the list count as deleted.
  Delta replace(std::vector<ObjectPtr> objects);

 private:
  using Packed = std::shared_ptr<const std::string>;
  // Index entries point at the key strings owned by objects_ (node-based, so
  // stable), rather than holding a copy of each key per index.
  struct Index {
    IndexFunc fn;
    std::unordered_map<std::string, std::unordered_set<const std::string*>> values;
  };
  [[noreturn]] static void throw_no_index(std::string_view index);
  Packed pack(const nlohmann::json& object);
  ObjectPtr unpack(const Packed& packed) const;
  void index_locked(const std::string* key, const nlohmann::json& object);
  void unindex_locked(const std::string* key, const nlohmann::json& object);

  PackedCodec codec_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Packed> objects_;
  std::unordered_map<std::string, Index> indexes_;
  std::size_t packed_bytes_ = 0;
};

}  // namespace kiln::kube

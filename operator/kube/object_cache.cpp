#include "operator/kube/object_cache.hpp"

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace kiln::kube {
namespace {

const nlohmann::json& metadata_of(const nlohmann::json& object) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  auto m = object.find("metadata");
  return m != object.end() && m->is_object() ? *m : kEmpty;
}

}  // namespace

std::string object_key(std::string_view ns, std::string_view name) {
  if (ns.empty()) return std::string(name);
  std::string k;
  k.reserve(ns.size() + name.size() + 1);
  k.append(ns).append("/").append(name);
  return k;
}

std::string object_key(const nlohmann::json& object) {
  const auto& m = metadata_of(object);
  return object_key(m.value("namespace", ""), m.value("name", ""));
}

std::vector<std::string> index_by_namespace(const nlohmann::json& object) {
  const auto& m = metadata_of(object);
  auto ns = m.value("namespace", "");
  if (ns.empty()) return {};
  return {ns};
}

std::vector<std::string> index_by_controller_owner(const nlohmann::json& object) {
  const auto& m = metadata_of(object);
  auto refs = m.find("ownerReferences");
  if (refs == m.end() || !refs->is_array()) return {};
  for (const auto& ref : *refs) {
    if (ref.value("controller", false)) return {ref.value("uid", "")};
  }
  return {};
}

ObjectCache::ObjectCache() = default;

// Asking an index nobody added is a programming error: an empty answer would
// hide it (a controller would see no children, forever).
[[noreturn]] void ObjectCache::throw_no_index(std::string_view index) {
  throw std::invalid_argument("object cache: no index named \"" + std::string(index) +
                              "\" (add_index it before the informer starts)");
}

ObjectCache::Packed ObjectCache::pack(const nlohmann::json& object) {
  return std::make_shared<const std::string>(codec_.pack(object));
}

ObjectPtr ObjectCache::unpack(const Packed& packed) const {
  if (!packed) return nullptr;
  return std::make_shared<const nlohmann::json>(codec_.unpack(*packed));
}

void ObjectCache::index_locked(const std::string* key, const nlohmann::json& object) {
  for (auto& [_, index] : indexes_) {
    for (auto& v : index.fn(object)) index.values[std::move(v)].insert(key);
  }
}

void ObjectCache::unindex_locked(const std::string* key, const nlohmann::json& object) {
  for (auto& [_, index] : indexes_) {
    for (const auto& v : index.fn(object)) {
      auto it = index.values.find(v);
      if (it == index.values.end()) continue;
      it->second.erase(key);
      if (it->second.empty()) index.values.erase(it);
    }
  }
}

void ObjectCache::add_index(std::string name, IndexFunc fn) {
  std::unique_lock lock(mu_);
  Index& index = indexes_[name];
  index.fn = std::move(fn);
  index.values.clear();
  for (const auto& [key, packed] : objects_) {
    for (auto& v : index.fn(*unpack(packed))) index.values[std::move(v)].insert(&key);
  }
}

ObjectPtr ObjectCache::get(const std::string& key) const {
  Packed packed;
  {
    std::shared_lock lock(mu_);
    auto it = objects_.find(key);
    if (it == objects_.end()) return nullptr;
    packed = it->second;
  }
  return unpack(packed);  // decoded outside the lock
}

ObjectPtr ObjectCache::get(std::string_view ns, std::string_view name) const {
  return get(object_key(ns, name));
}

std::vector<ObjectPtr> ObjectCache::list() const {
  std::vector<Packed> packed;
  {
    std::shared_lock lock(mu_);
    packed.reserve(objects_.size());
    for (const auto& [_, p] : objects_) packed.push_back(p);
  }
  std::vector<ObjectPtr> out;
  out.reserve(packed.size());
  for (const auto& p : packed) out.push_back(unpack(p));
  return out;
}

std::vector<ObjectPtr> ObjectCache::by_index(std::string_view index, std::string_view value) const {
  std::vector<Packed> packed;
  {
    std::shared_lock lock(mu_);
    auto idx = indexes_.find(std::string(index));
    if (idx == indexes_.end()) throw_no_index(index);
    auto keys = idx->second.values.find(std::string(value));
    if (keys == idx->second.values.end()) return {};
    for (const std::string* key : keys->second) {
      if (auto it = objects_.find(*key); it != objects_.end()) packed.push_back(it->second);
    }
  }
  std::vector<ObjectPtr> out;
  out.reserve(packed.size());
  for (const auto& p : packed) out.push_back(unpack(p));
  return out;
}

std::vector<std::string> ObjectCache::keys() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  out.reserve(objects_.size());
  for (const auto& [key, packed] : objects_) out.push_back(key);
  return out;
}

std::vector<std::string> ObjectCache::keys_by_index(std::string_view index,
                                                    std::string_view value) const {
  std::vector<std::string> keys;
  {
    std::shared_lock lock(mu_);
    auto idx = indexes_.find(std::string(index));
    if (idx == indexes_.end()) throw_no_index(index);
    auto found = idx->second.values.find(std::string(value));
    if (found == idx->second.values.end()) return {};
    keys.reserve(found->second.size());
    for (const std::string* key : found->second) keys.push_back(*key);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::size_t ObjectCache::size() const {
  std::shared_lock lock(mu_);
  return objects_.size();
}

std::size_t ObjectCache::packed_bytes() const {
  std::shared_lock lock(mu_);
  return packed_bytes_;
}

ObjectPtr ObjectCache::upsert(ObjectPtr object) {
  std::string key = object_key(*object);
  Packed packed = pack(*object);
  std::unique_lock lock(mu_);
  auto [it, inserted] = objects_.try_emplace(std::move(key), packed);
  const std::string* k = &it->first;
  ObjectPtr old;
  packed_bytes_ += packed->size();
  if (!inserted) {
    old = unpack(it->second);
    unindex_locked(k, *old);
    packed_bytes_ -= it->second->size();
    it->second = std::move(packed);
  }
  index_locked(k, *object);
  return old;
}

ObjectPtr ObjectCache::erase(const nlohmann::json& object) {
  std::string key = object_key(object);
  std::unique_lock lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return nullptr;
  ObjectPtr old = unpack(it->second);
  unindex_locked(&it->first, *old);
  packed_bytes_ -= it->second->size();
  objects_.erase(it);
  return old;
}

ObjectCache::Delta ObjectCache::replace(std::vector<ObjectPtr> objects) {
  // Packed and keyed outside the lock; the swap itself happens under one
  // exclusive lock, so readers see either the old set or the new one.
  std::unordered_map<std::string, std::pair<Packed, ObjectPtr>> fresh;
  fresh.reserve(objects.size());
  for (auto& obj : objects) {
    std::string key = object_key(*obj);
    Packed p = pack(*obj);
    fresh.insert_or_assign(std::move(key), std::make_pair(std::move(p), std::move(obj)));
  }
  Delta delta;
  std::unique_lock lock(mu_);
  for (auto& [key, entry] : fresh) {
    auto it = objects_.find(key);
    if (it == objects_.end()) {
      delta.added.push_back(entry.second);
    } else if (*it->second != *entry.first) {  // byte-identical objects are unchanged
      delta.updated.emplace_back(unpack(it->second), entry.second);
    }
  }
  for (const auto& [key, packed] : objects_) {
    if (!fresh.contains(key)) delta.deleted.push_back(unpack(packed));
  }
  for (auto& [_, index] : indexes_) index.values.clear();
  objects_.clear();
  packed_bytes_ = 0;
  for (auto& [key, entry] : fresh) {
    packed_bytes_ += entry.first->size();
    auto [it, _] = objects_.emplace(key, std::move(entry.first));
    index_locked(&it->first, *entry.second);
  }
  return delta;
}

}  // namespace kiln::kube

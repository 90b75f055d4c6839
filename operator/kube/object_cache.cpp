#include "operator/kube/object_cache.hpp"

#include <mutex>

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

ObjectCache::ObjectCache() {
  indexes_[std::string(kNamespaceIndex)].fn = index_by_namespace;
  indexes_[std::string(kControllerOwnerIndex)].fn = index_by_controller_owner;
}

void ObjectCache::index_locked(const std::string& key, const nlohmann::json& object) {
  for (auto& [_, index] : indexes_) {
    for (auto& v : index.fn(object)) index.values[std::move(v)].insert(key);
  }
}

void ObjectCache::unindex_locked(const std::string& key, const nlohmann::json& object) {
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
  for (const auto& [key, obj] : objects_) {
    for (auto& v : index.fn(*obj)) index.values[std::move(v)].insert(key);
  }
}

ObjectPtr ObjectCache::get(const std::string& key) const {
  std::shared_lock lock(mu_);
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : it->second;
}

ObjectPtr ObjectCache::get(std::string_view ns, std::string_view name) const {
  return get(object_key(ns, name));
}

std::vector<ObjectPtr> ObjectCache::list() const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(objects_.size());
  for (const auto& [_, obj] : objects_) out.push_back(obj);
  return out;
}

std::vector<ObjectPtr> ObjectCache::by_index(std::string_view index,
                                             std::string_view value) const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  auto idx = indexes_.find(std::string(index));
  if (idx == indexes_.end()) return out;
  auto keys = idx->second.values.find(std::string(value));
  if (keys == idx->second.values.end()) return out;
  for (const auto& key : keys->second) {
    if (auto it = objects_.find(key); it != objects_.end()) out.push_back(it->second);
  }
  return out;
}

std::size_t ObjectCache::size() const {
  std::shared_lock lock(mu_);
  return objects_.size();
}

ObjectPtr ObjectCache::upsert(ObjectPtr object) {
  std::string key = object_key(*object);
  std::unique_lock lock(mu_);
  ObjectPtr old;
  auto it = objects_.find(key);
  if (it != objects_.end()) {
    old = it->second;
    unindex_locked(key, *old);
    it->second = object;
  } else {
    objects_.emplace(key, object);
  }
  index_locked(key, *object);
  return old;
}

ObjectPtr ObjectCache::erase(const nlohmann::json& object) {
  std::string key = object_key(object);
  std::unique_lock lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return nullptr;
  ObjectPtr old = it->second;
  unindex_locked(key, *old);
  objects_.erase(it);
  return old;
}

ObjectCache::Delta ObjectCache::replace(std::vector<ObjectPtr> objects) {
  // Keyed outside the lock; the swap itself happens under one exclusive lock,
  // so readers see either the old set or the new one, never a mix.
  std::unordered_map<std::string, ObjectPtr> fresh;
  fresh.reserve(objects.size());
  for (auto& obj : objects) {
    std::string key = object_key(*obj);
    fresh.insert_or_assign(std::move(key), std::move(obj));
  }
  std::unique_lock lock(mu_);
  Delta delta;
  for (const auto& [key, obj] : fresh) {
    auto it = objects_.find(key);
    if (it == objects_.end()) {
      delta.added.push_back(obj);
    } else if (metadata_of(*it->second).value("resourceVersion", "") !=
               metadata_of(*obj).value("resourceVersion", "")) {
      delta.updated.emplace_back(it->second, obj);
    }
  }
  for (const auto& [key, obj] : objects_) {
    if (!fresh.contains(key)) delta.deleted.push_back(obj);
  }
  objects_ = std::move(fresh);
  for (auto& [_, index] : indexes_) index.values.clear();
  for (const auto& [key, obj] : objects_) index_locked(key, *obj);
  return delta;
}

}  // namespace kiln::kube

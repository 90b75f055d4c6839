#include "controllers/model_package/add_model_package_controller.hpp"

#include "crds/kinds.hpp"
#include "operator/manager/controller_builder.hpp"
#include "operator/manager/event_mapping.hpp"
#include "operator/manager/predicates.hpp"

namespace kiln::controllers::model_package {

using nlohmann::json;

namespace {

constexpr const char* kEnvironmentIndex = "package-environment";
constexpr const char* kModelIndex = "package-model";

std::string key_of(const json& object, const std::string& name) {
  return object.value("/metadata/namespace"_json_pointer, std::string()) + "/" + name;
}

}  // namespace

void add_model_package_controller(manager::Manager& mgr, std::shared_ptr<kube::RestClient> client,
                                  ModelPackageControllerOptions options, int workers) {
  auto controller = std::make_shared<ModelPackageController>(std::move(client), std::move(options));
  auto& packages = mgr.informer(api::model_packages());
  packages.add_index(kEnvironmentIndex, [](const json& p) {
    return std::vector<std::string>{
        key_of(p, p.value("/spec/environmentRef/name"_json_pointer, std::string()))};
  });
  packages.add_index(kModelIndex, [](const json& p) {
    std::vector<std::string> keys;
    for (const auto& m : p.value("/spec/models"_json_pointer, json::array())) {
      keys.push_back(key_of(p, m.value("name", "")));
    }
    return keys;
  });
  auto by = [&mgr](const char* index) {
    return [&mgr, index](const json& o) {
      return manager::requests_by_index(
          mgr.informer(api::model_packages()).cache(), index,
          key_of(o, o.value("/metadata/name"_json_pointer, std::string())));
    };
  };
  mgr.controller("modelpackage")
      .for_resource(
          api::model_packages(),
          {manager::any_of({manager::generation_changed(), manager::annotations_changed()})})
      .watches(api::environments(), by(kEnvironmentIndex))
      .watches(api::models(), by(kModelIndex))
      .workers(workers)
      .complete([controller](const manager::Request& req, manager::ReconcileContext&) {
        return controller->reconcile(req.ns, req.name);
      });
}

}  // namespace kiln::controllers::model_package

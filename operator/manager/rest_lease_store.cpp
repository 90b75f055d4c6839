#include "operator/manager/rest_lease_store.hpp"

#include <exception>

#include "operator/kube/api_error.hpp"
#include "operator/kube/call_scope.hpp"

namespace kiln::manager {
namespace {

using runtime::LeaseStoreResult;
using runtime::LeaseStoreStatus;

template <typename Call>
LeaseStoreResult guarded(runtime::LeaseStore::Timeout timeout, Call&& call) {
  if (timeout <= runtime::LeaseStore::Timeout::zero()) {
    return {LeaseStoreStatus::error, nullptr, "no time left before the renew deadline"};
  }
  kube::CallScope deadline(std::chrono::steady_clock::now() + timeout);
  try {
    return {LeaseStoreStatus::ok, call(), ""};
  } catch (const kube::NotFoundError& e) {
    return {LeaseStoreStatus::not_found, nullptr, e.what()};
  } catch (const kube::AlreadyExistsError& e) {
    return {LeaseStoreStatus::conflict, nullptr, e.what()};
  } catch (const kube::ConflictError& e) {
    return {LeaseStoreStatus::conflict, nullptr, e.what()};
  } catch (const std::exception& e) {
    return {LeaseStoreStatus::error, nullptr, e.what()};
  }
}

}  // namespace

LeaseStoreResult RestLeaseStore::get(const std::string& ns, const std::string& name,
                                     Timeout timeout) {
  return guarded(timeout, [&] { return client_->get(kube::resources::leases(), ns, name); });
}

LeaseStoreResult RestLeaseStore::create(const std::string& ns, const nlohmann::json& lease,
                                        Timeout timeout) {
  return guarded(timeout, [&] { return client_->create(kube::resources::leases(), lease, ns); });
}

LeaseStoreResult RestLeaseStore::update(const std::string&, const std::string&,
                                        const nlohmann::json& lease, Timeout timeout) {
  // The Lease's own metadata names it; its resourceVersion makes this a
  // compare-and-swap, which is what keeps two leaders from both winning.
  return guarded(timeout, [&] { return client_->update(kube::resources::leases(), lease); });
}

}  // namespace kiln::manager

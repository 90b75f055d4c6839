#include "operator/manager/apply_memo.hpp"

#include <gtest/gtest.h>

namespace kiln::manager {
namespace {

using nlohmann::json;

json desired_deployment() {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata",
           {{"name", "svc"},
            {"namespace", "ns"},
            {"labels", {{"app.kubernetes.io/managed-by", "kiln"}}},
            {"annotations", {{"kiln.dev/script-hash", "abc"}}},
            {"ownerReferences", json::array({{{"uid", "owner-1"}, {"controller", true}}})}}},
          {"spec", {{"replicas", 1}}}};
}

// What the API server answers: the object with its uid, generation and more.
json served(const json& desired, std::int64_t generation, const std::string& rv) {
  json o = desired;
  o["metadata"]["uid"] = "child-uid";
  o["metadata"]["generation"] = generation;
  o["metadata"]["resourceVersion"] = rv;
  o["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = "1";
  return o;
}

TEST(ApplyMemo, NothingRecordedMeansApply) {
  ApplyMemo memo;
  const json d = desired_deployment();
  const json cached = served(d, 1, "10");
  EXPECT_FALSE(memo.current(d, &cached));
  EXPECT_FALSE(memo.current(d, nullptr));
}

TEST(ApplyMemo, UnchangedChildWithNewStatusIsCurrent) {
  ApplyMemo memo;
  const json d = desired_deployment();
  memo.record(d, served(d, 1, "10"));
  json cached = served(d, 1, "17");  // the Deployment controller wrote its status
  cached["status"] = {{"availableReplicas", 1}};
  EXPECT_TRUE(memo.current(d, &cached));
}

TEST(ApplyMemo, ChangedDesiredObjectIsApplied) {
  ApplyMemo memo;
  json d = desired_deployment();
  memo.record(d, served(d, 1, "10"));
  const json cached = served(d, 1, "10");
  d["spec"]["replicas"] = 2;
  EXPECT_FALSE(memo.current(d, &cached));
}

TEST(ApplyMemo, EditedDeletedOrRecreatedChildIsApplied) {
  ApplyMemo memo;
  const json d = desired_deployment();
  memo.record(d, served(d, 1, "10"));
  EXPECT_FALSE(memo.current(d, nullptr)) << "deleted";
  json edited = served(d, 2, "12");
  EXPECT_FALSE(memo.current(d, &edited)) << "spec edited (generation 2)";
  json relabelled = served(d, 1, "12");
  relabelled["metadata"]["labels"]["app.kubernetes.io/managed-by"] = "someone";
  EXPECT_FALSE(memo.current(d, &relabelled)) << "our label changed";
  json unannotated = served(d, 1, "12");
  unannotated["metadata"]["annotations"].erase("kiln.dev/script-hash");
  EXPECT_FALSE(memo.current(d, &unannotated)) << "our annotation removed";
  json orphaned = served(d, 1, "12");
  orphaned["metadata"].erase("ownerReferences");
  EXPECT_FALSE(memo.current(d, &orphaned)) << "owner reference removed";
  json recreated = served(d, 1, "12");
  recreated["metadata"]["uid"] = "another-uid";
  EXPECT_FALSE(memo.current(d, &recreated)) << "deleted and created again";
}

TEST(ApplyMemo, KindsWithoutGenerationCompareResourceVersion) {
  ApplyMemo memo;
  json d = desired_deployment();
  d["kind"] = "Service";
  d["apiVersion"] = "v1";
  json answer = served(d, 0, "10");
  answer["metadata"].erase("generation");
  memo.record(d, answer);
  EXPECT_TRUE(memo.current(d, &answer));
  json edited = answer;
  edited["metadata"]["resourceVersion"] = "11";
  EXPECT_FALSE(memo.current(d, &edited));
}

TEST(ApplyMemo, ForgetMakesTheNextReconcileApply) {
  ApplyMemo memo;
  const json d = desired_deployment();
  const json cached = served(d, 1, "10");
  memo.record(d, cached);
  EXPECT_TRUE(memo.current(d, &cached));
  memo.forget(d);
  EXPECT_FALSE(memo.current(d, &cached));
  EXPECT_EQ(memo.size(), 0u);
}

}  // namespace
}  // namespace kiln::manager

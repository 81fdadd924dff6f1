#include "source/server/stats/readiness.h"

#include "gtest/gtest.h"

namespace portico::server::stats {
namespace {

constexpr char kLoadedHash[] = "5b8d3a1f0c2e4d6b8a9c7e5f3d1b2a4c";
constexpr char kEmptyHash[] = "00000000000000000000000000000000";

TEST(ReadinessTest, ReadyOnceEveryWorkerRunsALoadedConfig) {
  EXPECT_EQ(unreadyReason({false, kLoadedHash, 2, 2}), "");
}

TEST(ReadinessTest, NotReadyWhileWorkersStart) {
  EXPECT_EQ(unreadyReason({false, kLoadedHash, 4, 3}),
            "router builds not yet complete, router ready in 3 of 4 workers");
}

TEST(ReadinessTest, NotReadyWithTheEmptyConfig) {
  EXPECT_EQ(unreadyReason({false, kEmptyHash, 1, 1}),
            "no configuration available (empty configuration present)");
}

TEST(ReadinessTest, NotReadyWithoutAHash) {
  EXPECT_EQ(unreadyReason({false, "", 1, 1}),
            "no configuration available (configuration hash is not initialized)");
}

TEST(ReadinessTest, AControlPlaneIsAlwaysReady) {
  EXPECT_EQ(unreadyReason({true, kEmptyHash, 0, 0}), "");
}

}  // namespace
}  // namespace portico::server::stats

#include "source/upstream/load_balancer.h"

#include <algorithm>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace portico::upstream {
namespace {

// An upstream and its targets, kept alive with the runtime compiled from them.
struct Fixture {
  explicit Fixture(std::vector<std::pair<std::string, uint32_t>> targets,
                   std::string algorithm = "round-robin") {
    upstream.set_id("upstream-1");
    upstream.set_name("backend");
    upstream.set_algorithm(std::move(algorithm));
    upstream.set_slots(10000);
    for (const auto& [address, weight] : targets) {
      config::v1::Target& target = this->targets.emplace_back();
      target.set_id(address);
      target.set_target(address);
      target.set_weight(weight);
    }
  }

  const UpstreamRuntime& compile() {
    std::vector<const config::v1::Target*> pointers;
    for (const config::v1::Target& target : targets) {
      pointers.push_back(&target);
    }
    runtime = compileUpstream(upstream, pointers, nullptr, nullptr);
    return *runtime;
  }

  config::v1::Upstream upstream;
  std::deque<config::v1::Target> targets;
  UpstreamRuntimeConstSharedPtr runtime;
};

std::map<std::string, int> countPicks(LoadBalancer& balancer, const UpstreamRuntime& upstream,
                                      int picks) {
  std::map<std::string, int> counts;
  for (int i = 0; i < picks; ++i) {
    std::optional<size_t> picked = balancer.pick(upstream, "", {});
    counts[picked ? upstream.targets[*picked].host_port : "none"]++;
  }
  return counts;
}

TEST(LoadBalancerTest, RoundRobinFollowsWeightsExactlyOverAFullCycle) {
  Fixture fixture({{"10.0.0.1:80", 50}, {"10.0.0.2:80", 30}, {"10.0.0.3:80", 20}});
  const UpstreamRuntime& upstream = fixture.compile();
  LoadBalancer balancer;
  std::map<std::string, int> counts = countPicks(balancer, upstream, 1000);
  EXPECT_EQ(counts["10.0.0.1:80"], 500);
  EXPECT_EQ(counts["10.0.0.2:80"], 300);
  EXPECT_EQ(counts["10.0.0.3:80"], 200);
}

TEST(LoadBalancerTest, SmoothRoundRobinInterleavesInsteadOfBursting) {
  Fixture fixture({{"a:1", 5}, {"b:1", 1}, {"c:1", 1}});
  const UpstreamRuntime& upstream = fixture.compile();
  LoadBalancer balancer;
  std::string order;
  for (int i = 0; i < 7; ++i) {
    order += upstream.targets[*balancer.pick(upstream, "", {})].host;
  }
  EXPECT_EQ(order, "aabacaa");
}

TEST(LoadBalancerTest, TargetWithoutPortGetsKongsDefault8000) {
  Fixture fixture({{"backend.local", 100}, {"[::1]:9000", 100}});
  const UpstreamRuntime& upstream = fixture.compile();
  EXPECT_EQ(upstream.targets[0].port, 8000);
  EXPECT_EQ(upstream.targets[0].host_port, "backend.local:8000");
  EXPECT_EQ(upstream.targets[1].host, "::1");
  EXPECT_EQ(upstream.targets[1].host_port, "[::1]:9000");
  EXPECT_TRUE(upstream.targets[1].address.has_value());
}

TEST(LoadBalancerTest, WeightZeroDisablesATargetAndNoneLeftMeansNoPeer) {
  Fixture fixture({{"10.0.0.1:80", 0}, {"10.0.0.2:80", 10}});
  const UpstreamRuntime& upstream = fixture.compile();
  LoadBalancer balancer;
  EXPECT_EQ(countPicks(balancer, upstream, 10)["10.0.0.2:80"], 10);

  Fixture empty({{"10.0.0.1:80", 0}});
  LoadBalancer other;
  EXPECT_FALSE(other.pick(empty.compile(), "", {}).has_value());
}

TEST(LoadBalancerTest, RetriesGoToATargetNotTriedYetWhileOneRemains) {
  Fixture fixture({{"10.0.0.1:80", 100}, {"10.0.0.2:80", 100}, {"10.0.0.3:80", 100}});
  const UpstreamRuntime& upstream = fixture.compile();
  LoadBalancer balancer;
  std::vector<size_t> tried;
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::optional<size_t> picked = balancer.pick(upstream, "", tried);
    ASSERT_TRUE(picked.has_value());
    EXPECT_EQ(std::count(tried.begin(), tried.end(), *picked), 0) << attempt;
    tried.push_back(*picked);
  }
  EXPECT_TRUE(balancer.pick(upstream, "", tried).has_value()) << "all tried: any again";
}

TEST(LoadBalancerTest, LeastConnectionsPrefersFewestInFlightPerWeight) {
  Fixture fixture({{"10.0.0.1:80", 100}, {"10.0.0.2:80", 100}, {"10.0.0.3:80", 200}},
                  "least-connections");
  const UpstreamRuntime& upstream = fixture.compile();
  LoadBalancer balancer;
  std::map<size_t, int> in_flight;
  for (int i = 0; i < 8; ++i) {
    size_t picked = *balancer.pick(upstream, "", {});
    balancer.attemptStarted(upstream, picked);
    in_flight[picked]++;
  }
  EXPECT_EQ(in_flight[0], 2);
  EXPECT_EQ(in_flight[1], 2);
  EXPECT_EQ(in_flight[2], 4);
  balancer.attemptFinished(upstream, 1);
  balancer.attemptFinished(upstream, 1);
  EXPECT_EQ(*balancer.pick(upstream, "", {}), 1u);
}

TEST(LoadBalancerTest, ConsistentHashingIsStableAndMovesFewKeysWhenATargetIsAdded) {
  Fixture three({{"10.0.0.1:80", 100}, {"10.0.0.2:80", 100}, {"10.0.0.3:80", 100}},
                "consistent-hashing");
  const UpstreamRuntime& before = three.compile();
  Fixture four(
      {{"10.0.0.1:80", 100}, {"10.0.0.2:80", 100}, {"10.0.0.3:80", 100}, {"10.0.0.4:80", 100}},
      "consistent-hashing");
  const UpstreamRuntime& after = four.compile();
  LoadBalancer balancer;
  int unchanged = 0;
  int moved_elsewhere = 0;
  std::map<size_t, int> spread;
  constexpr int kKeys = 4000;
  for (int i = 0; i < kKeys; ++i) {
    const std::string key = absl::StrCat("user-", i);
    size_t first = *balancer.pick(before, key, {});
    EXPECT_EQ(*balancer.pick(before, key, {}), first) << "same key, same target";
    size_t second = *balancer.pick(after, key, {});
    spread[second]++;
    if (before.targets[first].host_port == after.targets[second].host_port) {
      ++unchanged;
    } else if (second != 3) {
      ++moved_elsewhere;
    }
  }
  // Ideally 3/4 of the keys stay; the rest move, nearly all of them to the new target.
  EXPECT_GT(unchanged, kKeys * 65 / 100);
  EXPECT_LT(moved_elsewhere, kKeys * 8 / 100);
  for (const auto& [target, keys] : spread) {
    EXPECT_GT(keys, kKeys / 8) << target;
  }
}

TEST(LoadBalancerTest, ConsistentHashingWalksPastAnUnhealthyTarget) {
  Fixture fixture({{"10.0.0.1:80", 100}, {"10.0.0.2:80", 100}}, "consistent-hashing");
  fixture.upstream.mutable_healthchecks()->mutable_active()->mutable_healthy()->set_interval(5);
  const UpstreamRuntime& upstream = fixture.compile();
  LoadBalancer balancer;
  size_t home = *balancer.pick(upstream, "sticky", {});
  upstream.targets[home].health->setActivelyHealthy(false);
  size_t elsewhere = *balancer.pick(upstream, "sticky", {});
  EXPECT_NE(elsewhere, home);
  upstream.targets[home].health->setActivelyHealthy(true);
  EXPECT_EQ(*balancer.pick(upstream, "sticky", {}), home);
}

TEST(LoadBalancerTest, PassiveFailuresTakeATargetOutAtTheThreshold) {
  Fixture fixture({{"10.0.0.1:80", 100}, {"10.0.0.2:80", 100}});
  auto* unhealthy = fixture.upstream.mutable_healthchecks()->mutable_passive()->mutable_unhealthy();
  unhealthy->set_tcp_failures(2);
  unhealthy->set_http_failures(3);
  unhealthy->add_http_statuses(500);
  const UpstreamRuntime& upstream = fixture.compile();
  ASSERT_TRUE(upstream.healthchecks_enabled);
  LoadBalancer balancer;
  balancer.report(upstream, 0, AttemptOutcome::kTcpFailure);
  EXPECT_TRUE(balancer.passivelyHealthy(upstream, 0));
  balancer.report(upstream, 0, AttemptOutcome::kTcpFailure);
  EXPECT_FALSE(balancer.passivelyHealthy(upstream, 0));
  EXPECT_TRUE(upstream.targets[0].health->passivelyUnhealthyAnywhere());
  EXPECT_EQ(countPicks(balancer, upstream, 6)["10.0.0.2:80"], 6);

  balancer.report(upstream, 1, AttemptOutcome::kHttpStatus, 500);
  balancer.report(upstream, 1, AttemptOutcome::kHttpStatus, 404);  // listed nowhere: ignored
  balancer.report(upstream, 1, AttemptOutcome::kHttpStatus, 500);
  EXPECT_TRUE(balancer.passivelyHealthy(upstream, 1));
  balancer.report(upstream, 1, AttemptOutcome::kHttpStatus, 500);
  EXPECT_FALSE(balancer.passivelyHealthy(upstream, 1));
  EXPECT_FALSE(balancer.pick(upstream, "", {}).has_value()) << "every target is down";
}

TEST(LoadBalancerTest, PassiveSuccessesBringATargetBackWhenConfigured) {
  Fixture fixture({{"10.0.0.1:80", 100}});
  auto* passive = fixture.upstream.mutable_healthchecks()->mutable_passive();
  passive->mutable_unhealthy()->set_timeouts(1);
  passive->mutable_healthy()->set_successes(2);
  passive->mutable_healthy()->add_http_statuses(200);
  const UpstreamRuntime& upstream = fixture.compile();
  LoadBalancer balancer;
  balancer.report(upstream, 0, AttemptOutcome::kTimeout);
  EXPECT_FALSE(balancer.passivelyHealthy(upstream, 0));
  balancer.report(upstream, 0, AttemptOutcome::kHttpStatus, 200);
  EXPECT_FALSE(balancer.passivelyHealthy(upstream, 0));
  balancer.report(upstream, 0, AttemptOutcome::kHttpStatus, 200);
  EXPECT_TRUE(balancer.passivelyHealthy(upstream, 0));
  EXPECT_FALSE(upstream.targets[0].health->passivelyUnhealthyAnywhere());
}

TEST(LoadBalancerTest, WithHealthChecksOffEveryTargetIsHealthy) {
  Fixture fixture({{"10.0.0.1:80", 100}});
  const UpstreamRuntime& upstream = fixture.compile();
  ASSERT_FALSE(upstream.healthchecks_enabled);
  upstream.targets[0].health->setActivelyHealthy(false);  // left over from an older config
  LoadBalancer balancer;
  balancer.report(upstream, 0, AttemptOutcome::kTcpFailure);
  EXPECT_TRUE(balancer.pick(upstream, "", {}).has_value());
}

}  // namespace
}  // namespace portico::upstream

#include "gtest/gtest.h"
#include "source/server/snapshot.h"

namespace portico::server {
namespace {

config::v1::PluginInstance instance(const std::string& id) {
  config::v1::PluginInstance plugin;
  plugin.set_id(id);
  return plugin;
}

class PluginIndexTest : public ::testing::Test {
 protected:
  void add(const config::v1::PluginInstance& plugin, const std::string& name,
           const std::string& route, const std::string& service, const std::string& consumer,
           int priority = 10) {
    PluginEntry entry;
    entry.instance = &plugin;
    entry.priority = priority;
    index_.add(name, route, service, consumer, entry);
  }
  std::string found(const std::string& route, const std::string& service,
                    const std::string& consumer) {
    const PluginEntry* entry = index_.lookup("p", route, service, consumer);
    return entry == nullptr ? "none" : entry->instance->id();
  }

  PluginIndex index_;
};

TEST_F(PluginIndexTest, MostSpecificScopeWinsInKongsOrder) {
  const auto global = instance("global");
  const auto service = instance("service");
  const auto route = instance("route");
  const auto consumer = instance("consumer");
  const auto route_service = instance("route+service");
  const auto service_consumer = instance("service+consumer");
  const auto route_consumer = instance("route+consumer");
  const auto all = instance("route+service+consumer");
  add(global, "p", "", "", "");
  index_.finalize();
  EXPECT_EQ(found("r", "s", "c"), "global");
  add(service, "p", "", "s", "");
  EXPECT_EQ(found("r", "s", "c"), "service");
  add(route, "p", "r", "", "");
  EXPECT_EQ(found("r", "s", "c"), "route");
  add(consumer, "p", "", "", "c");
  EXPECT_EQ(found("r", "s", "c"), "consumer");
  add(route_service, "p", "r", "s", "");
  EXPECT_EQ(found("r", "s", "c"), "route+service");
  add(service_consumer, "p", "", "s", "c");
  EXPECT_EQ(found("r", "s", "c"), "service+consumer");
  add(route_consumer, "p", "r", "", "c");
  EXPECT_EQ(found("r", "s", "c"), "route+consumer");
  add(all, "p", "r", "s", "c");
  EXPECT_EQ(found("r", "s", "c"), "route+service+consumer");
}

TEST_F(PluginIndexTest, ConsumerScopedInstancesNeedAnIdentifiedConsumer) {
  const auto consumer = instance("consumer");
  add(consumer, "p", "", "", "c");
  index_.finalize();
  EXPECT_EQ(found("r", "s", ""), "none");
  EXPECT_EQ(found("r", "s", "other"), "none");
  EXPECT_EQ(found("r", "s", "c"), "consumer");
}

TEST_F(PluginIndexTest, OtherRoutesAndServicesDoNotMatch) {
  const auto route = instance("route");
  add(route, "p", "r1", "", "");
  index_.finalize();
  EXPECT_EQ(found("r2", "s", ""), "none");
  EXPECT_EQ(found("", "s", ""), "none");
}

TEST_F(PluginIndexTest, NamesAreOrderedByPriorityHighFirst) {
  const auto a = instance("a");
  const auto b = instance("b");
  const auto c = instance("c");
  add(a, "rate-limiting", "", "", "", 910);
  add(b, "aws-lambda", "", "", "", 750);
  add(c, "jwt", "", "", "", 1450);
  index_.finalize();
  EXPECT_EQ(index_.namesByPriority(),
            (std::vector<std::string>{"jwt", "rate-limiting", "aws-lambda"}));
}

}  // namespace
}  // namespace portico::server

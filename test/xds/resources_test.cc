#include "source/xds/resources.h"

#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace portico::xds {
namespace {

using config::v1::DeclarativeConfig;

DeclarativeConfig sample() {
  DeclarativeConfig config;
  config.add_ca_certificates()->set_id("ca-1");
  config.add_certificates()->set_id("cert-1");
  auto* sni = config.add_snis();
  sni->set_id("sni-1");
  sni->set_name("api.example.com");
  sni->set_certificate_id("cert-1");
  auto* service = config.add_services();
  service->set_id("svc-1");
  service->mutable_ca_certificate_ids()->add_values("ca-1");
  auto* route = config.add_routes();
  route->set_id("route-1");
  route->set_service_id("svc-1");
  auto* consumer = config.add_consumers();
  consumer->set_id("consumer-1");
  auto* credential = config.add_jwt_secrets();
  credential->set_id("jwt-1");
  credential->set_consumer_id("consumer-1");
  auto* plugin = config.add_plugins();
  plugin->set_id("plugin-1");
  plugin->set_route_id("route-1");
  plugin->set_consumer_id("consumer-1");
  return config;
}

TEST(XdsResourcesTest, TypesComeInDependencyOrder) {
  const std::vector<std::string>& types = resourceTypes();
  auto position = [&](const char* name) {
    return std::find(types.begin(), types.end(),
                     std::string("type.googleapis.com/portico.config.v1.") + name) -
           types.begin();
  };
  EXPECT_LT(position("CaCertificate"), position("Service"));
  EXPECT_LT(position("Service"), position("Route"));
  EXPECT_LT(position("Consumer"), position("JwtCredential"));
  EXPECT_LT(position("Route"), position("PluginInstance"));
  EXPECT_LT(position("Certificate"), position("Sni"));
  EXPECT_LT(position("Certificate"), position("Upstream"));
  EXPECT_LT(position("Upstream"), position("Target"));
  EXPECT_EQ(types.size(), 10u);
}

TEST(XdsResourcesTest, EveryEntitySurvivesTheRoundTrip) {
  const DeclarativeConfig original = sample();
  DeclarativeConfig rebuilt;
  for (const std::string& type : resourceTypes()) {
    std::vector<google::protobuf::Any> packed = resourcesOf(original, type);
    google::protobuf::RepeatedPtrField<google::protobuf::Any> resources(packed.begin(),
                                                                        packed.end());
    ASSERT_TRUE(setResources(type, resources, rebuilt).ok()) << type;
  }
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(original, rebuilt));
  EXPECT_TRUE(checkReferences(rebuilt).ok());
}

TEST(XdsResourcesTest, AnSniWithoutItsCertificateIsRefused) {
  DeclarativeConfig config = sample();
  config.mutable_snis(0)->set_certificate_id("cert-gone");
  EXPECT_FALSE(checkReferences(config).ok());
}

TEST(XdsResourcesTest, AResourceOfAnotherTypeIsRefusedAndChangesNothing) {
  const DeclarativeConfig original = sample();
  std::vector<google::protobuf::Any> services =
      resourcesOf(original, "type.googleapis.com/portico.config.v1.Service");
  google::protobuf::RepeatedPtrField<google::protobuf::Any> resources(services.begin(),
                                                                      services.end());
  DeclarativeConfig target = original;
  absl::Status status =
      setResources("type.googleapis.com/portico.config.v1.Route", resources, target);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(target.routes_size(), 1);
  EXPECT_EQ(setResources("type.googleapis.com/nope.Thing", resources, target).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(XdsResourcesTest, DanglingReferencesAreFound) {
  DeclarativeConfig route_without_service = sample();
  route_without_service.clear_services();
  EXPECT_EQ(checkReferences(route_without_service).code(), absl::StatusCode::kFailedPrecondition);

  DeclarativeConfig plugin_without_route = sample();
  plugin_without_route.clear_routes();
  EXPECT_FALSE(checkReferences(plugin_without_route).ok());

  DeclarativeConfig credential_without_consumer = sample();
  credential_without_consumer.clear_consumers();
  EXPECT_FALSE(checkReferences(credential_without_consumer).ok());

  DeclarativeConfig service_without_ca = sample();
  service_without_ca.clear_ca_certificates();
  EXPECT_FALSE(checkReferences(service_without_ca).ok());
}

}  // namespace
}  // namespace portico::xds

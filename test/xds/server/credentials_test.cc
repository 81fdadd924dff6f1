#include "source/xds/server/credentials.h"

#include "gtest/gtest.h"

namespace portico::xds::server {
namespace {

TEST(CredentialsTest, LoopbackAddressesAreRecognised) {
  EXPECT_TRUE(isLoopbackAddress("127.0.0.1:8005"));
  EXPECT_TRUE(isLoopbackAddress("127.1.2.3:8005"));
  EXPECT_TRUE(isLoopbackAddress("[::1]:8005"));
  EXPECT_TRUE(isLoopbackAddress("localhost:8005"));
  EXPECT_FALSE(isLoopbackAddress("0.0.0.0:8005"));
  EXPECT_FALSE(isLoopbackAddress("[::]:8005"));
  EXPECT_FALSE(isLoopbackAddress("10.0.0.1:8005"));
  EXPECT_FALSE(isLoopbackAddress("cp.example.com:8005"));
}

TEST(CredentialsTest, PlaintextIsAllowedOnlyOnLoopback) {
  StreamSecurity plaintext;
  plaintext.plaintext = true;
  EXPECT_TRUE(serverCredentials("127.0.0.1:8005", plaintext).ok());
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> refused =
      serverCredentials("0.0.0.0:8005", plaintext);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CredentialsTest, AnUnreadableCertificateFileIsNamed) {
  StreamSecurity security;
  security.cert_path = "/nonexistent/cluster.crt";
  security.key_path = "/nonexistent/cluster.key";
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> refused =
      serverCredentials("0.0.0.0:8005", security);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(),
            "cluster_cert: cannot read /nonexistent/cluster.crt: No such file or directory");
}

}  // namespace
}  // namespace portico::xds::server

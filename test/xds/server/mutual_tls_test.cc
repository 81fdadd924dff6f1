#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "source/common/log/logger.h"
#include "source/xds/resources.h"
#include "source/xds/server/discovery_server.h"
#include "source/xds/server/grpc_log.h"
#include "test/xds/server/ads_test_client.h"

namespace portico::xds::server {
namespace {

constexpr char kServiceType[] = "type.googleapis.com/portico.config.v1.Service";

std::string readFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

// Two CAs, each signing a client certificate, and a server certificate for "localhost" from the
// cluster CA; plus a self-signed certificate for Kong's shared mode. Made once per test binary.
class Pki {
 public:
  static const Pki& get() {
    static const Pki* pki = new Pki();
    return *pki;
  }

  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  bool ok() const { return ok_; }

 private:
  Pki() : dir_(std::getenv("TEST_TMPDIR")) {
    const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    std::string script = "set -e; cd " + dir_ + "; exec 2>openssl.log;" +
                         "printf 'subjectAltName=DNS:localhost\\n' > san.ext;";
    for (const std::string ca : {"cluster-ca", "other-ca"}) {
      script += "openssl req -x509 -days 2" + key + " -keyout " + ca + ".key -out " + ca +
                ".crt -subj /CN=" + ca + ";";
    }
    auto sign = [&](const std::string& name, const std::string& ca, const std::string& ext) {
      script += "openssl req" + key + " -keyout " + name + ".key -out " + name +
                ".csr -subj /CN=" + name + ";" + "openssl x509 -req -days 2 -in " + name +
                ".csr -CA " + ca + ".crt -CAkey " + ca + ".key -CAcreateserial -out " + name +
                ".crt" + ext + ";";
    };
    sign("server", "cluster-ca", " -extfile san.ext");
    sign("dp-good", "cluster-ca", "");
    sign("dp-foreign", "other-ca", "");
    script += "openssl req -x509 -days 2" + key +
              " -keyout shared.key -out shared.crt -subj /CN=localhost -addext "
              "subjectAltName=DNS:localhost;";
    ok_ = std::system(("bash -c \"" + script + "\"").c_str()) == 0;
  }

  const std::string dir_;
  bool ok_ = false;
};

class MutualTlsTest : public testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(Pki::get().ok()) << readFile(pki().path("openssl.log")); }

  static const Pki& pki() { return Pki::get(); }

  void start(const StreamSecurity& security) {
    DiscoveryServer::Options options;
    options.listen = "127.0.0.1:0";
    options.security = security;
    absl::StatusOr<std::unique_ptr<DiscoveryServer>> started = DiscoveryServer::start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = std::move(*started);
    auto config = std::make_shared<config::v1::DeclarativeConfig>();
    config->add_services()->set_id("svc-1");
    server_->publish(config, "v1");
  }

  void startWithClusterCa() {
    StreamSecurity security;
    security.cert_path = pki().path("server.crt");
    security.key_path = pki().path("server.key");
    security.ca_cert_path = pki().path("cluster-ca.crt");
    start(security);
  }

  std::unique_ptr<AdsTestClient> connect(const std::string& trusted_ca,
                                         const std::string& client_name) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = readFile(pki().path(trusted_ca + ".crt"));
    if (!client_name.empty()) {
      tls.pem_private_key = readFile(pki().path(client_name + ".key"));
      tls.pem_cert_chain = readFile(pki().path(client_name + ".crt"));
    }
    // An IP target skips gRPC's c-ares resolver (which leaks under LeakSanitizer); the server's
    // certificate names "localhost".
    grpc::ChannelArguments arguments;
    arguments.SetSslTargetNameOverride("localhost");
    return std::make_unique<AdsTestClient>(grpc::CreateCustomChannel(
        "127.0.0.1:" + std::to_string(server_->port()), grpc::SslCredentials(tls), arguments));
  }

  std::unique_ptr<DiscoveryServer> server_;
};

TEST_F(MutualTlsTest, ADataPlaneWithACertificateFromTheClusterCaIsServed) {
  startWithClusterCa();
  auto client = connect("cluster-ca", "dp-good");
  ASSERT_TRUE(client->send(subscription("dp-1", kServiceType)));
  std::optional<DiscoveryResponse> response = client->read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->version_info(), "v1");
  EXPECT_TRUE(server_->nodes().find("dp-1").has_value());
}

TEST_F(MutualTlsTest, ADataPlaneWithACertificateFromAnotherCaIsRefusedAndLogged) {
  const std::string error_log = pki().path("error.log");
  log::configure(error_log, log::Level::kNotice);
  routeGrpcLogsToErrorLog();
  startWithClusterCa();
  auto client = connect("cluster-ca", "dp-foreign");
  client->send(subscription("dp-1", kServiceType));
  EXPECT_EQ(client->finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_FALSE(server_->nodes().find("dp-1").has_value());
  EXPECT_NE(readFile(error_log).find("[error]"), std::string::npos);
  EXPECT_NE(readFile(error_log).find("certificate verify failed"), std::string::npos);
  log::configure("stderr", log::Level::kNotice);
}

TEST_F(MutualTlsTest, ADataPlaneWithoutACertificateIsRefused) {
  startWithClusterCa();
  auto client = connect("cluster-ca", "");
  client->send(subscription("dp-1", kServiceType));
  EXPECT_EQ(client->finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_FALSE(server_->nodes().find("dp-1").has_value());
}

TEST_F(MutualTlsTest, WithoutACaEveryNodeSharesOneSelfSignedCertificate) {
  StreamSecurity shared;
  shared.cert_path = pki().path("shared.crt");
  shared.key_path = pki().path("shared.key");
  start(shared);

  auto good = connect("shared", "shared");
  ASSERT_TRUE(good->send(subscription("dp-1", kServiceType)));
  EXPECT_TRUE(good->read().has_value());

  auto foreign = connect("shared", "dp-good");
  foreign->send(subscription("dp-2", kServiceType));
  EXPECT_EQ(foreign->finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace portico::xds::server

#include <string>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "source/config/declarative/entity_json.h"
#include "source/config/declarative/export.h"
#include "source/config/declarative/ids.h"
#include "source/config/declarative/loader.h"
#include "test/config/declarative/load_results.h"
#include "test/config/declarative/test_certificates.h"

namespace portico::config::declarative {
namespace {

using testing::errorsOf;
using testing::loadJson;

using testing::certificateSpec;
using testing::makeCertificate;
using testing::TestCertificate;

constexpr char kCertificateId[] = "1f7a3b0e-3a55-4f0e-9d6c-0d1c2b3a4f50";

const TestCertificate& serverCertificate() {
  static const TestCertificate certificate = makeCertificate(certificateSpec("example.com"));
  return certificate;
}

nlohmann::json certificate(nlohmann::json snis = nullptr) {
  nlohmann::json record = {
      {"id", kCertificateId}, {"cert", serverCertificate().cert}, {"key", serverCertificate().key}};
  if (!snis.is_null()) {
    record["snis"] = std::move(snis);
  }
  return record;
}

std::string nameError(const std::string& name) {
  nlohmann::json errors =
      errorsOf(loadJson({{"certificates", {certificate()}},
                         {"snis", {{{"name", name}, {"certificate", kCertificateId}}}}}));
  return errors["snis"][0]["name"].is_string() ? errors["snis"][0]["name"].get<std::string>()
                                               : errors.dump();
}

TEST(SnisTest, TopLevelSniReferencesItsCertificateAndGetsANameDerivedId) {
  LoadResult result = loadJson({{"certificates", {certificate()}},
                                {"snis",
                                 {{{"name", "example.com"}, {"certificate", kCertificateId}},
                                  {{"name", "*.example.com"},
                                   {"certificate", {{"id", kCertificateId}}},
                                   {"tags", {"edge"}}}}}});
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  ASSERT_EQ(result.config->snis_size(), 2);
  const v1::Sni& exact = result.config->snis(0);
  EXPECT_EQ(exact.name(), "example.com");
  EXPECT_EQ(exact.certificate_id(), kCertificateId);
  EXPECT_EQ(exact.id(), entityUuid("snis", "example.com"));
  EXPECT_GT(exact.created_at(), 0);
  EXPECT_EQ(result.config->snis(1).certificate_id(), kCertificateId);
  EXPECT_EQ(result.config->snis(1).tags().values(0), "edge");
}

TEST(SnisTest, SnisNestedInACertificateBelongToIt) {
  LoadResult result =
      loadJson({{"certificates",
                 {certificate({{{"name", "a.example.com"}}, {{"name", "b.example.com"}}})}}});
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  ASSERT_EQ(result.config->snis_size(), 2);
  EXPECT_EQ(result.config->snis(0).certificate_id(), kCertificateId);
  EXPECT_EQ(result.config->snis(1).name(), "b.example.com");
}

TEST(SnisTest, NestedSnisMustBeAnArrayAndMayNotNameACertificate) {
  EXPECT_EQ(errorsOf(loadJson({{"certificates", {certificate("x")}}}))["certificates"][0],
            nlohmann::json({{"snis", "expected an array"}}));
  EXPECT_EQ(
      errorsOf(loadJson(
          {{"certificates",
            {certificate({{{"name", "a.example.com"},
                           {"certificate", kCertificateId}}})}}}))["certificates"][0]["snis"][0],
      nlohmann::json({{"certificate", "value must be null"}}));
}

TEST(SnisTest, NameAndCertificateAreRequired) {
  EXPECT_EQ(
      errorsOf(loadJson({{"snis", {nlohmann::json::object()}}})),
      nlohmann::json(
          {{"snis",
            {{{"name", "required field missing"}, {"certificate", "required field missing"}}}}}));
}

TEST(SnisTest, NamesFollowKongsWildcardHostRules) {
  EXPECT_EQ(nameError("api.*.com"), "wildcard must be leftmost or rightmost character");
  EXPECT_EQ(nameError("*.example.*"), "only one wildcard must be specified");
  EXPECT_EQ(nameError("127.0.0.1"), "must not be an IP");
  EXPECT_EQ(nameError("example.com:443"), "must not have a port");
  EXPECT_EQ(nameError("*.exa mple.com"), "invalid value: wildcard.exa mple.com");
  for (const char* valid : {"example.com", "*.example.com", "example.*", "*"}) {
    LoadResult result = loadJson({{"certificates", {certificate()}},
                                  {"snis", {{{"name", valid}, {"certificate", kCertificateId}}}}});
    EXPECT_TRUE(result.ok()) << valid << ": " << result.error->prettyText();
  }
}

TEST(SnisTest, ANameIsUnique) {
  nlohmann::json errors =
      errorsOf(loadJson({{"certificates", {certificate({{{"name", "example.com"}}})}},
                         {"snis", {{{"name", "example.com"}, {"certificate", kCertificateId}}}}}));
  EXPECT_EQ(errors.dump().find("uniqueness violation: 'snis' entity with name set to "
                               "'example.com' already declared") != std::string::npos,
            true)
      << errors.dump();
}

TEST(SnisTest, UnknownCertificateIsAnInvalidReference) {
  const std::string unknown = "1f7a3b0e-3a55-4f0e-9d6c-0d1c2b3a4fff";
  EXPECT_EQ(errorsOf(loadJson({{"snis", {{{"name", "example.com"}, {"certificate", unknown}}}}})),
            nlohmann::json({{"snis",
                             {{"example.com",
                               {"invalid reference 'certificate: " + unknown +
                                "' (no such entry in 'certificates')"}}}}}));
}

TEST(SnisTest, ErrorsInANestedSniCarryTheirLine) {
  const std::string text =
      absl::StrJoin({std::string("_format_version: \"3.0\""), std::string("certificates:"),
                     std::string("- cert: \"not a certificate\""), std::string("  key: \"nope\""),
                     std::string("  snis:"), std::string("  - name: \"a.*.com\"")},
                    "\n");
  LoadResult result = load(text + "\n", InputFormat::Yaml, "kong.yml");
  ASSERT_FALSE(result.ok());
  const std::string pretty = result.error->prettyText();
  EXPECT_NE(pretty.find("kong.yml:6"), std::string::npos) << pretty;
  EXPECT_NE(pretty.find("wildcard must be leftmost or rightmost character"), std::string::npos)
      << pretty;
  EXPECT_NE(pretty.find("invalid certificate: x509.new: error:"), std::string::npos) << pretty;
}

TEST(SnisTest, AdminJsonAndExportRoundTrip) {
  LoadResult result = loadJson({{"certificates", {certificate({{{"name", "example.com"}}})}}});
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  nlohmann::json sni = sniJson(result.config->snis(0));
  EXPECT_EQ(sni["certificate"], nlohmann::json({{"id", kCertificateId}}));
  EXPECT_EQ(sni["tags"], nullptr);
  EXPECT_EQ(nlohmann::json::parse(
                flattenedEntitiesJson(*result.config))["snis"][sni["id"].get<std::string>()],
            sni);
  LoadResult reloaded = load(toYaml(*result.config), InputFormat::Yaml, "export.yml");
  ASSERT_TRUE(reloaded.ok()) << reloaded.error->prettyText();
  EXPECT_EQ(exportDocument(*reloaded.config), exportDocument(*result.config));
}

}  // namespace
}  // namespace portico::config::declarative

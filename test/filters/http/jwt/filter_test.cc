#include "source/filters/http/jwt/filter.h"

#include <google/protobuf/util/json_util.h>

#include "gtest/gtest.h"
#include "source/filters/http/jwt/factory.h"
#include "source/filters/http/jwt/schema.h"
#include "test/filters/http/jwt/test_tokens.h"
#include "test/test_common/fake_stream_callbacks.h"

namespace portico::filters::http::jwt {
namespace {

using nlohmann::json;
using portico::http::FilterStatus;
using portico::http::MessageHead;
using portico::test::FakeStreamCallbacks;
using testing::mintHmac;
using testing::mintWithKey;

constexpr int64_t kNow = 1'700'000'000;
const char kInvalidToken[] = "Bearer error=\"invalid_token\"";

// Keys are slow to generate; every test shares these.
struct Keys {
  PublicKeySharedPtr rsa = testing::generateKey("RSA");
  PublicKeySharedPtr rsa_rotated = testing::generateKey("RSA");
  PublicKeySharedPtr ec = testing::generateKey("P-256");
};

const Keys& keys() {
  static const Keys* keys = new Keys();
  return *keys;
}

google::protobuf::Struct toStruct(const json& value) {
  google::protobuf::Struct out;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(value.dump(), &out).ok());
  return out;
}

class JwtFilterTest : public ::testing::Test {
 protected:
  JwtFilterTest() {
    addConsumer("alice-id", "alice", "alice-cid");
    addConsumer("b64-id", "b64user", std::nullopt);
    addConsumer("rsa-id", "rsauser", std::nullopt);
    addConsumer("nobody-id", "nobody", std::nullopt);
    addConsumer("idp-id", std::nullopt, "idp");
    addCredential("alice-id", "alice-key", "HS256", "alice-secret");
    addCredential("b64-id", "b64-key", "HS256", "c2VjcmV0LWJ5dGVz");
    addCredential("rsa-id", "rsa-key", "RS256", "unused", testing::publicKeyPem(keys().rsa.get()));
    addCredential("rsa-id", "es-nokey", "ES256", "unused");
    addCredential("rsa-id", "es-badkey", "ES256", "unused", "not a key");
    addCredential("gone-id", "orphan-key", "HS256", "orphan-secret");
    addCredential("idp-id", "https://idp.test/", "RS256", "unused",
                  testing::certificatePem(keys().rsa.get()));
    configure(json::object());
  }

  void addConsumer(const std::string& id, std::optional<std::string> username,
                   std::optional<std::string> custom_id) {
    config::v1::Consumer* consumer = declarative_.add_consumers();
    consumer->set_id(id);
    if (username) {
      consumer->set_username(*username);
    }
    if (custom_id) {
      consumer->set_custom_id(*custom_id);
    }
  }

  config::v1::JwtCredential* addCredential(const std::string& consumer, const std::string& key,
                                           const std::string& algorithm, const std::string& secret,
                                           std::optional<std::string> public_key = std::nullopt) {
    config::v1::JwtCredential* credential = declarative_.add_jwt_secrets();
    credential->set_id(key + "-id");
    credential->set_consumer_id(consumer);
    credential->set_key(key);
    credential->set_algorithm(algorithm);
    credential->set_secret(secret);
    if (public_key) {
      credential->set_rsa_public_key(*public_key);
    }
    return credential;
  }

  // Validates `plugin_config` with the plugin's schema (filling Kong's defaults), then compiles it.
  void configure(json plugin_config) {
    const absl::Status status = compile(std::move(plugin_config));
    EXPECT_TRUE(status.ok()) << status;
  }

  absl::Status compile(json plugin_config) {
    JwtSchema schema;
    json errors = schema.validate(plugin_config, {});
    EXPECT_TRUE(errors.is_null()) << errors.dump();
    absl::StatusOr<PluginConfig> parsed = parsePluginConfig(toStruct(plugin_config));
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    absl::StatusOr<CredentialStoreConstSharedPtr> store = CredentialStore::build(declarative_);
    if (!store.ok()) {
      return store.status();
    }
    store_ = std::move(*store);
    absl::StatusOr<std::shared_ptr<const JwtFilterConfig>> compiled =
        JwtFilterConfig::create(*parsed, store_, nullptr, [this] { return now_; });
    if (compiled.ok()) {
      config_ = std::move(*compiled);
    }
    return compiled.status();
  }

  // Runs the filter over the request, with `authorization` (unless empty) and `query`.
  FilterStatus run(const std::string& authorization, const std::string& query = "") {
    if (!authorization.empty()) {
      request_.headers.set("Authorization", authorization);
    }
    callbacks_.clearReply();
    callbacks_.context().raw_query = query;
    filter_ = config_->createFilter();
    filter_->setCallbacks(&callbacks_);
    return filter_->onRequestHeaders(request_, true);
  }

  FilterStatus runBearer(const std::string& token) { return run("Bearer " + token); }

  const std::string* upstream(const char* header) const { return request_.headers.get(header); }

  void expectRejected(const json& body, const std::string& www_authenticate = kInvalidToken) {
    ASSERT_TRUE(callbacks_.reply().has_value());
    const FakeStreamCallbacks::Reply& reply = *callbacks_.reply();
    EXPECT_EQ(reply.status, 401);
    EXPECT_FALSE(reply.local);
    EXPECT_EQ(json::parse(reply.body), body);
    ASSERT_NE(reply.headers.get("Content-Type"), nullptr);
    EXPECT_EQ(*reply.headers.get("Content-Type"), "application/json; charset=utf-8");
    if (www_authenticate.empty()) {
      EXPECT_EQ(reply.headers.get("WWW-Authenticate"), nullptr);
    } else {
      ASSERT_NE(reply.headers.get("WWW-Authenticate"), nullptr);
      EXPECT_EQ(*reply.headers.get("WWW-Authenticate"), www_authenticate);
    }
  }

  void expectMessage(const std::string& message,
                     const std::string& www_authenticate = kInvalidToken) {
    expectRejected({{"message", message}}, www_authenticate);
  }

  std::string alice(json claims = {{"iss", "alice-key"}}) {
    return mintHmac(Algorithm::kHS256, "alice-secret", claims);
  }

  config::v1::DeclarativeConfig declarative_;
  CredentialStoreConstSharedPtr store_;
  std::shared_ptr<const JwtFilterConfig> config_;
  int64_t now_ = kNow;
  MessageHead request_{"GET", "/"};
  FakeStreamCallbacks callbacks_;
  portico::http::HttpFilterPtr filter_;
};

// §3.3 step by step.

TEST_F(JwtFilterTest, NoTokenIsUnauthorizedWithTheBareChallenge) {
  EXPECT_EQ(run(""), FilterStatus::kStop);
  expectMessage("Unauthorized", "Bearer");
}

TEST_F(JwtFilterTest, RealmGoesIntoBothChallenges) {
  configure({{"realm", "test-jwt"}});
  run("");
  expectMessage("Unauthorized", "Bearer realm=\"test-jwt\"");
  callbacks_ = FakeStreamCallbacks();
  request_.headers.clear();
  runBearer(alice({{"iss", "unknown"}}));
  expectMessage("No credentials found for given 'iss'",
                "Bearer realm=\"test-jwt\", error=\"invalid_token\"");
}

TEST_F(JwtFilterTest, TwoDistinctTokensAreRejected) {
  run("Bearer " + alice(), "jwt=other");
  expectMessage("Multiple tokens provided");
}

TEST_F(JwtFilterTest, AValuelessQueryParameterIsUnrecognizable) {
  run("", "jwt");
  expectMessage("Unrecognizable token");
}

TEST_F(JwtFilterTest, MalformedTokensAreBadTokens) {
  runBearer("X");
  expectMessage("Bad token; invalid JSON");
  runBearer(alice() + ".extra");
  expectMessage("Bad token; invalid signature");
  runBearer(mintHmac(Algorithm::kHS256, "alice-secret", {{"iss", "alice-key"}}, {{"alg", "none"}}));
  expectMessage("Bad token; invalid alg");
}

TEST_F(JwtFilterTest, TheKeyClaimMustBePresentNonEmptyAndKnown) {
  runBearer(alice(json::object()));
  expectMessage("No mandatory 'iss' in claims");
  runBearer(alice({{"iss", false}}));
  expectMessage("No mandatory 'iss' in claims");
  runBearer(alice({{"iss", ""}}));
  expectMessage("Invalid 'iss' in claims");
  runBearer(alice({{"iss", "nobody-knows"}}));
  expectMessage("No credentials found for given 'iss'");
}

// Kong answers 500 here (a Lua error in the credential lookup); a bad token is a 401.
TEST_F(JwtFilterTest, ANonStringKeyClaimIsA401NotA500) {
  for (const json& value : {json(123), json(true), json(nullptr), json::object()}) {
    runBearer(alice({{"iss", value}}));
    expectMessage("Invalid 'iss' in claims");
  }
}

TEST_F(JwtFilterTest, TheKeyClaimFallsBackToTheJoseHeader) {
  configure({{"key_claim_name", "kid"}});
  EXPECT_EQ(runBearer(mintHmac(Algorithm::kHS256, "alice-secret", json::object(),
                               {{"kid", "alice-key"}})),
            FilterStatus::kContinue);
  EXPECT_EQ(*upstream("X-Credential-Identifier"), "alice-key");
}

TEST_F(JwtFilterTest, TheAlgorithmMustBeTheCredentials) {
  runBearer(mintHmac(Algorithm::kHS512, "alice-secret", {{"iss", "alice-key"}}));
  expectMessage("Invalid algorithm");
  runBearer(mintHmac(Algorithm::kRS256, "alice-secret", {{"iss", "alice-key"}}));
  expectMessage("Invalid algorithm");
}

// The classic confusion: an HS256 token "signed" with the RSA public key text as secret.
TEST_F(JwtFilterTest, AnHmacTokenCannotUseAPublicKeyCredential) {
  runBearer(
      mintHmac(Algorithm::kHS256, testing::publicKeyPem(keys().rsa.get()), {{"iss", "rsa-key"}}));
  expectMessage("Invalid algorithm");
}

TEST_F(JwtFilterTest, MissingKeyMaterialIsInvalidKeySecret) {
  runBearer(mintWithKey(Algorithm::kES256, keys().ec.get(), {{"iss", "es-nokey"}}));
  expectMessage("Invalid key/secret");
  // Standard base64 is not the base64url Kong decodes secrets with.
  addCredential("alice-id", "std-b64-key", "HS256", "c2Vj+mV0");
  configure({{"secret_is_base64", true}});
  runBearer(mintHmac(Algorithm::kHS256, "c2Vj+mV0", {{"iss", "std-b64-key"}}));
  expectMessage("Invalid key/secret");
}

TEST_F(JwtFilterTest, AnUnparsableCredentialKeyIsAServerErrorAsInKong) {
  EXPECT_EQ(runBearer(mintWithKey(Algorithm::kES256, keys().ec.get(), {{"iss", "es-badkey"}})),
            FilterStatus::kStop);
  ASSERT_TRUE(callbacks_.reply().has_value());
  EXPECT_EQ(callbacks_.reply()->status, 500);
  EXPECT_TRUE(callbacks_.reply()->local);
  EXPECT_EQ(callbacks_.reply()->body, "An unexpected error occurred");
}

TEST_F(JwtFilterTest, AWrongSecretIsAnInvalidSignature) {
  runBearer(mintHmac(Algorithm::kHS256, "foo", {{"iss", "alice-key"}}));
  expectMessage("Invalid signature");
}

TEST_F(JwtFilterTest, SecretIsBase64DecodesTheSecretForHmacOnly) {
  configure({{"secret_is_base64", true}});
  EXPECT_EQ(runBearer(mintHmac(Algorithm::kHS256, "secret-bytes", {{"iss", "b64-key"}})),
            FilterStatus::kContinue);
  EXPECT_EQ(runBearer(mintWithKey(Algorithm::kRS256, keys().rsa.get(), {{"iss", "rsa-key"}})),
            FilterStatus::kContinue);
  runBearer(mintHmac(Algorithm::kHS256, "c2VjcmV0LWJ5dGVz", {{"iss", "b64-key"}}));
  expectMessage("Invalid signature");
}

TEST_F(JwtFilterTest, ClaimsToVerifyErrorsAreTheBody) {
  configure({{"claims_to_verify", {"exp", "nbf"}}});
  runBearer(alice());
  expectRejected({{"exp", "must be a number"}, {"nbf", "must be a number"}});
  runBearer(alice({{"iss", "alice-key"}, {"exp", kNow}, {"nbf", kNow - 10}}));
  expectRejected({{"exp", "token expired"}});
  runBearer(alice({{"iss", "alice-key"}, {"exp", kNow + 10}, {"nbf", kNow + 5}}));
  expectRejected({{"nbf", "token not valid yet"}});
}

TEST_F(JwtFilterTest, WithoutClaimsToVerifyAnExpiredTokenPasses) {
  EXPECT_EQ(runBearer(alice({{"iss", "alice-key"}, {"exp", kNow - 3600}})),
            FilterStatus::kContinue);
}

TEST_F(JwtFilterTest, MaximumExpirationIsCheckedAfterTheClaims) {
  configure({{"claims_to_verify", {"exp"}}, {"maximum_expiration", 300}});
  runBearer(alice({{"iss", "alice-key"}, {"exp", kNow + 301}}));
  expectRejected({{"exp", "exceeds maximum allowed expiration"}});
  EXPECT_EQ(runBearer(alice({{"iss", "alice-key"}, {"exp", kNow + 300}})), FilterStatus::kContinue);
}

TEST_F(JwtFilterTest, ACredentialWithoutConsumerHasNoChallenge) {
  runBearer(mintHmac(Algorithm::kHS256, "orphan-secret", {{"iss", "orphan-key"}}));
  expectMessage("Could not find consumer for 'iss=orphan-key'", "");
}

// §3.6

TEST_F(JwtFilterTest, SuccessSetsIdentityHeadersAndTheStreamsConsumer) {
  request_.headers.add("X-Consumer-Username", "admin");
  request_.headers.add("X-Anonymous-Consumer", "true");
  EXPECT_EQ(runBearer(alice()), FilterStatus::kContinue);
  EXPECT_FALSE(callbacks_.reply().has_value());
  EXPECT_EQ(*upstream("X-Consumer-ID"), "alice-id");
  EXPECT_EQ(*upstream("X-Consumer-Username"), "alice");
  EXPECT_EQ(*upstream("X-Consumer-Custom-ID"), "alice-cid");
  EXPECT_EQ(*upstream("X-Credential-Identifier"), "alice-key");
  EXPECT_EQ(upstream("X-Anonymous-Consumer"), nullptr);
  EXPECT_EQ(request_.headers.count("X-Consumer-Username"), 1u);
  ASSERT_NE(callbacks_.context().consumer, nullptr);
  EXPECT_EQ(callbacks_.context().consumer->username(), "alice");
  EXPECT_EQ(callbacks_.context().credential_identifier, "alice-key");
}

TEST_F(JwtFilterTest, IdentityHeadersTheConsumerLacksAreRemoved) {
  request_.headers.add("X-Consumer-Custom-ID", "x");
  runBearer(mintWithKey(Algorithm::kRS256, keys().rsa.get(), {{"iss", "rsa-key"}}));
  EXPECT_EQ(*upstream("X-Consumer-Username"), "rsauser");
  EXPECT_EQ(upstream("X-Consumer-Custom-ID"), nullptr);
}

TEST_F(JwtFilterTest, TokensComeFromQueryCookiesAndCustomHeaders) {
  configure({{"uri_param_names", {"token"}},
             {"cookie_names", {"crumble"}},
             {"header_names", {"X-Token"}}});
  EXPECT_EQ(run("", "token=" + alice()), FilterStatus::kContinue);
  request_.headers.clear();
  request_.headers.add("Cookie", "crumble=" + alice() + "; path=/");
  EXPECT_EQ(run(""), FilterStatus::kContinue);
  request_.headers.clear();
  request_.headers.add("x-token", "Bearer " + alice());
  EXPECT_EQ(run(""), FilterStatus::kContinue);
  request_.headers.clear();
  EXPECT_EQ(run("Bearer " + alice()), FilterStatus::kStop);
  expectMessage("Unauthorized", "Bearer");
}

// §3.7

TEST_F(JwtFilterTest, AnonymousReplacesEveryFailure) {
  configure({{"anonymous", "nobody"}});
  request_.headers.add("X-Credential-Identifier", "forged");
  EXPECT_EQ(runBearer(mintHmac(Algorithm::kHS256, "wrong", {{"iss", "alice-key"}})),
            FilterStatus::kContinue);
  EXPECT_FALSE(callbacks_.reply().has_value());
  EXPECT_EQ(*upstream("X-Consumer-ID"), "nobody-id");
  EXPECT_EQ(*upstream("X-Consumer-Username"), "nobody");
  EXPECT_EQ(*upstream("X-Anonymous-Consumer"), "true");
  EXPECT_EQ(upstream("X-Credential-Identifier"), nullptr);
  EXPECT_EQ(callbacks_.context().consumer->id(), "nobody-id");
  EXPECT_TRUE(callbacks_.context().credential_identifier.empty());
}

TEST_F(JwtFilterTest, AnonymousIsFoundByIdToo) {
  configure({{"anonymous", "nobody-id"}});
  EXPECT_EQ(run(""), FilterStatus::kContinue);
  EXPECT_EQ(*upstream("X-Consumer-Username"), "nobody");
}

TEST_F(JwtFilterTest, AnonymousStillLetsAValidTokenIdentifyItsConsumer) {
  configure({{"anonymous", "nobody"}});
  EXPECT_EQ(runBearer(alice()), FilterStatus::kContinue);
  EXPECT_EQ(*upstream("X-Consumer-Username"), "alice");
  EXPECT_EQ(upstream("X-Anonymous-Consumer"), nullptr);
}

TEST_F(JwtFilterTest, AMissingAnonymousConsumerIsA500) {
  configure({{"anonymous", "00000000-0000-0000-0000-0000000000aa"}});
  EXPECT_EQ(run(""), FilterStatus::kStop);
  ASSERT_TRUE(callbacks_.reply().has_value());
  EXPECT_EQ(callbacks_.reply()->status, 500);
  EXPECT_TRUE(callbacks_.reply()->local);
  EXPECT_EQ(callbacks_.reply()->body,
            "anonymous consumer 00000000-0000-0000-0000-0000000000aa is configured but doesn't "
            "exist");
}

TEST_F(JwtFilterTest, WithAnonymousAnEarlierCredentialWins) {
  configure({{"anonymous", "nobody"}});
  callbacks_.context().credential_identifier = "from-key-auth";
  EXPECT_EQ(run(""), FilterStatus::kContinue);
  EXPECT_EQ(upstream("X-Consumer-ID"), nullptr);
}

TEST_F(JwtFilterTest, PreflightIsSkippedOnlyWhenConfigured) {
  request_.method = "OPTIONS";
  EXPECT_EQ(run(""), FilterStatus::kStop);
  configure({{"run_on_preflight", false}});
  callbacks_ = FakeStreamCallbacks();
  EXPECT_EQ(run(""), FilterStatus::kContinue);
  EXPECT_FALSE(callbacks_.reply().has_value());
  EXPECT_EQ(upstream("X-Consumer-ID"), nullptr);
}

// Beyond Kong.

TEST_F(JwtFilterTest, AnX509CertificateServesAsTheCredentialKey) {
  EXPECT_EQ(
      runBearer(mintWithKey(Algorithm::kRS256, keys().rsa.get(), {{"iss", "https://idp.test/"}})),
      FilterStatus::kContinue);
  EXPECT_EQ(*upstream("X-Consumer-Custom-ID"), "idp");
}

TEST_F(JwtFilterTest, AJwksKeyNamedByKidReplacesTheCredentialsKey) {
  json jwks = {{"keys", {testing::publicJwk(keys().rsa_rotated.get(), "2024-06")}}};
  ASSERT_TRUE(compile({{"jwks", jwks.dump()}}).ok());
  const json claims = {{"iss", "https://idp.test/"}};
  EXPECT_EQ(runBearer(mintWithKey(Algorithm::kRS256, keys().rsa_rotated.get(), claims,
                                  {{"kid", "2024-06"}})),
            FilterStatus::kContinue);
  // An unknown kid falls back to the credential's own key.
  EXPECT_EQ(
      runBearer(mintWithKey(Algorithm::kRS256, keys().rsa.get(), claims, {{"kid", "unknown"}})),
      FilterStatus::kContinue);
  runBearer(mintWithKey(Algorithm::kRS256, keys().rsa.get(), claims, {{"kid", "2024-06"}}));
  expectMessage("Invalid signature");
}

TEST_F(JwtFilterTest, AJwksKeyMustFitTheTokensAlgorithm) {
  json jwks = {{"keys", {testing::publicJwk(keys().ec.get(), "ec", "ES256")}}};
  ASSERT_TRUE(compile({{"jwks", jwks.dump()}}).ok());
  runBearer(
      mintWithKey(Algorithm::kRS256, keys().rsa.get(), {{"iss", "rsa-key"}}, {{"kid", "ec"}}));
  expectMessage("Invalid algorithm");
}

// A credential's own JWKS (jwt_secrets `jwks` / `jwks_uri`).

constexpr char kCredentialIssuer[] = "https://cred.idp.test/";

TEST_F(JwtFilterTest, ACredentialsJwksVerifiesRsaTokensByKidWithoutAKeyOfItsOwn) {
  addCredential("idp-id", kCredentialIssuer, "RS256", "unused")
      ->set_jwks(json({{"keys", {testing::publicJwk(keys().rsa_rotated.get(), "r1")}}}).dump());
  configure(json::object());
  const json claims = {{"iss", kCredentialIssuer}};
  EXPECT_EQ(
      runBearer(mintWithKey(Algorithm::kRS256, keys().rsa_rotated.get(), claims, {{"kid", "r1"}})),
      FilterStatus::kContinue);
  EXPECT_EQ(*upstream("X-Credential-Identifier"), kCredentialIssuer);
  EXPECT_EQ(*upstream("X-Consumer-Custom-ID"), "idp");

  runBearer(mintWithKey(Algorithm::kRS256, keys().rsa.get(), claims, {{"kid", "r1"}}));
  expectMessage("Invalid signature");
  runBearer(mintWithKey(Algorithm::kRS256, keys().rsa_rotated.get(), claims, {{"kid", "r2"}}));
  expectMessage("Invalid signature");
  runBearer(mintWithKey(Algorithm::kRS256, keys().rsa_rotated.get(), claims));
  expectMessage("Invalid signature");
}

TEST_F(JwtFilterTest, ACredentialsJwksVerifiesEcdsaTokensAndKeysMustFitTheAlgorithm) {
  addCredential("idp-id", kCredentialIssuer, "ES256", "unused")
      ->set_jwks(json({{"keys",
                        {testing::publicJwk(keys().ec.get(), "e1", "ES256"),
                         testing::publicJwk(keys().rsa.get(), "r1")}}})
                     .dump());
  configure(json::object());
  const json claims = {{"iss", kCredentialIssuer}};
  EXPECT_EQ(runBearer(mintWithKey(Algorithm::kES256, keys().ec.get(), claims, {{"kid", "e1"}})),
            FilterStatus::kContinue);
  runBearer(mintWithKey(Algorithm::kES256, keys().ec.get(), claims, {{"kid", "r1"}}));
  expectMessage("Invalid algorithm");
}

TEST_F(JwtFilterTest, AnHmacCredentialsJwksNeedsAnOctKey) {
  const std::string shared = "idp-shared-secret";
  addCredential("idp-id", kCredentialIssuer, "HS256", "own-secret")
      ->set_jwks(json({{"keys",
                        {{{"kty", "oct"}, {"kid", "h1"}, {"k", testing::base64Url(shared)}},
                         testing::publicJwk(keys().rsa.get(), "r1")}}})
                     .dump());
  configure(json::object());
  const json claims = {{"iss", kCredentialIssuer}};
  EXPECT_EQ(runBearer(mintHmac(Algorithm::kHS256, shared, claims, {{"kid", "h1"}})),
            FilterStatus::kContinue);
  runBearer(mintHmac(Algorithm::kHS256, testing::publicKeyPem(keys().rsa.get()), claims,
                     {{"kid", "r1"}}));
  expectMessage("Invalid algorithm");
  // A kid the set lacks falls back to the credential's own secret, as with the plugin's JWKS.
  EXPECT_EQ(runBearer(mintHmac(Algorithm::kHS256, "own-secret", claims, {{"kid", "h9"}})),
            FilterStatus::kContinue);
}

TEST_F(JwtFilterTest, ACredentialWithAJwksAndAKeyFallsBackToItsKey) {
  addCredential("idp-id", kCredentialIssuer, "RS256", "unused",
                testing::publicKeyPem(keys().rsa.get()))
      ->set_jwks(json({{"keys", {testing::publicJwk(keys().rsa_rotated.get(), "r1")}}}).dump());
  configure(json::object());
  const json claims = {{"iss", kCredentialIssuer}};
  EXPECT_EQ(runBearer(mintWithKey(Algorithm::kRS256, keys().rsa.get(), claims)),
            FilterStatus::kContinue);
  EXPECT_EQ(runBearer(mintWithKey(Algorithm::kRS256, keys().rsa.get(), claims, {{"kid", "old"}})),
            FilterStatus::kContinue);
  // A kid the set holds is that key's alone.
  runBearer(mintWithKey(Algorithm::kRS256, keys().rsa.get(), claims, {{"kid", "r1"}}));
  expectMessage("Invalid signature");
}

// The plugin's set is trusted for every credential; a credential with its own set trusts only it.
TEST_F(JwtFilterTest, ACredentialsJwksTakesPrecedenceOverThePlugins) {
  addCredential("idp-id", kCredentialIssuer, "RS256", "unused")
      ->set_jwks(json({{"keys", {testing::publicJwk(keys().rsa_rotated.get(), "r1")}}}).dump());
  json plugin_jwks = {
      {"keys",
       {testing::publicJwk(keys().rsa.get(), "p1"), testing::publicJwk(keys().rsa.get(), "r1")}}};
  ASSERT_TRUE(compile({{"jwks", plugin_jwks.dump()}}).ok());
  const json claims = {{"iss", kCredentialIssuer}};
  runBearer(mintWithKey(Algorithm::kRS256, keys().rsa.get(), claims, {{"kid", "p1"}}));
  expectMessage("Invalid signature");
  runBearer(mintWithKey(Algorithm::kRS256, keys().rsa.get(), claims, {{"kid", "r1"}}));
  expectMessage("Invalid signature");
  EXPECT_EQ(
      runBearer(mintWithKey(Algorithm::kRS256, keys().rsa_rotated.get(), claims, {{"kid", "r1"}})),
      FilterStatus::kContinue);
  // Credentials without a set of their own still use the plugin's.
  EXPECT_EQ(runBearer(mintWithKey(Algorithm::kRS256, keys().rsa.get(), {{"iss", "rsa-key"}},
                                  {{"kid", "p1"}})),
            FilterStatus::kContinue);
}

TEST_F(JwtFilterTest, AnUndecodableCredentialJwksRejectsTheConfig) {
  addCredential("idp-id", kCredentialIssuer, "RS256", "unused")->set_jwks(R"({"keys": 1})");
  const absl::Status status = compile(json::object());
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("jwt: the jwks of jwt_secret https://cred.idp.test/-id: a JWKS "
                                  "must be a JSON object with a 'keys' array"),
            absl::string_view::npos)
      << status;
}

TEST_F(JwtFilterTest, AnUnreadableJwksFileRejectsTheConfig) {
  EXPECT_FALSE(compile({{"jwks_file", "/nonexistent/jwks.json"}}).ok());
}

TEST_F(JwtFilterTest, IssuerAudienceAndRequiredClaimsAreEnforced) {
  configure({{"allowed_issuers", {"alice-key"}},
             {"allowed_audiences", {"orders"}},
             {"required_claims", {"sub"}}});
  runBearer(alice({{"iss", "alice-key"}, {"aud", "users"}}));
  expectRejected({{"aud", "audience not allowed"}, {"sub", "required claim missing"}});
  EXPECT_EQ(runBearer(alice({{"iss", "alice-key"}, {"aud", {"orders"}}, {"sub", "42"}})),
            FilterStatus::kContinue);
}

TEST_F(JwtFilterTest, LeewayForgivesARecentlyExpiredToken) {
  configure({{"claims_to_verify", {"exp"}}, {"leeway", 30}});
  EXPECT_EQ(runBearer(alice({{"iss", "alice-key"}, {"exp", kNow - 10}})), FilterStatus::kContinue);
}

TEST_F(JwtFilterTest, ClaimsAreCopiedToHeadersAndClientCopiesRemoved) {
  configure({{"claims_to_headers",
              {{{"claim", "sub"}, {"header", "X-User"}},
               {{"claim", "roles"}, {"header", "X-Roles"}},
               {{"claim", "tenant"}, {"header", "X-Tenant"}},
               {{"claim", "evil"}, {"header", "X-Evil"}}}}});
  request_.headers.add("X-Tenant", "forged");
  runBearer(alice(
      {{"iss", "alice-key"}, {"sub", "u-1"}, {"roles", {"a", "b"}}, {"evil", "x\r\nInjected: 1"}}));
  EXPECT_EQ(*upstream("X-User"), "u-1");
  EXPECT_EQ(*upstream("X-Roles"), R"(["a","b"])");
  EXPECT_EQ(upstream("X-Tenant"), nullptr);
  EXPECT_EQ(upstream("X-Evil"), nullptr);
}

// A forged signature planted in the cache proves the cache is consulted, and that it is not after
// the token's exp.
TEST_F(JwtFilterTest, TheVerifiedTokenCacheAnswersUntilExpOnly) {
  const std::string token = mintWithKey(Algorithm::kRS256, keys().rsa_rotated.get(),
                                        {{"iss", "rsa-key"}, {"exp", kNow + 60}});
  auto parsed = parseToken(token);
  VerifiedTokenCache::forThisThread().insert(
      token, std::make_shared<const Token>(std::get<Token>(std::move(parsed))),
      store_->findByKey("rsa-key")->public_key);
  EXPECT_EQ(runBearer(token), FilterStatus::kContinue);
  now_ = kNow + 60;
  request_.headers.clear();
  EXPECT_EQ(runBearer(token), FilterStatus::kStop);
  expectMessage("Invalid signature");
}

TEST_F(JwtFilterTest, AVerifiedPublicKeyTokenIsCachedOnItsSecondUse) {
  const std::string token = mintWithKey(Algorithm::kES256, keys().ec.get(), {{"iss", "es-key"}});
  addCredential("rsa-id", "es-key", "ES256", "unused", testing::publicKeyPem(keys().ec.get()));
  configure(json::object());
  EXPECT_EQ(runBearer(token), FilterStatus::kContinue);
  request_.headers.clear();
  EXPECT_EQ(runBearer(token), FilterStatus::kContinue);
  VerifiedTokenCache::Entry* cached = VerifiedTokenCache::forThisThread().find(token, kNow);
  ASSERT_NE(cached, nullptr);
  EXPECT_EQ(cached->verified_under, store_->findByKey("es-key")->public_key);
}

// A cached HMAC token that did not verify under this credential's secret has its MAC checked: a
// planted token with a forged MAC is refused.
TEST_F(JwtFilterTest, ACachedHmacTokenIsCheckedUnlessItVerifiedUnderThisSecret) {
  const std::string token = mintHmac(Algorithm::kHS256, "old-secret", {{"iss", "alice-key"}});
  auto parsed = parseToken(token);
  VerifiedTokenCache::forThisThread().insert(
      token, std::make_shared<const Token>(std::get<Token>(std::move(parsed))), nullptr);
  EXPECT_EQ(runBearer(token), FilterStatus::kStop);
  expectMessage("Invalid signature");
}

// A reload makes new credentials: a token cached under the old secret is checked against the new.
TEST_F(JwtFilterTest, AReloadWithAnotherSecretRefusesTokensCachedUnderTheOldOne) {
  const std::string token = alice({{"iss", "alice-key"}, {"sub", "before-reload"}});
  EXPECT_EQ(runBearer(token), FilterStatus::kContinue);
  request_.headers.clear();
  EXPECT_EQ(runBearer(token), FilterStatus::kContinue);
  ASSERT_NE(VerifiedTokenCache::forThisThread().find(token, kNow), nullptr);
  EXPECT_NE(VerifiedTokenCache::forThisThread().find(token, kNow)->verified_secret, 0u);
  declarative_.mutable_jwt_secrets(0)->set_secret("rotated-secret");
  configure(json::object());
  request_.headers.clear();
  EXPECT_EQ(runBearer(token), FilterStatus::kStop);
  expectMessage("Invalid signature");
}

// On their second use, as the cache's doorkeeper admits them.
TEST_F(JwtFilterTest, OnlyTokensThatVerifyAreCached) {
  const std::string forged = mintHmac(Algorithm::kHS256, "wrong", {{"iss", "alice-key"}});
  runBearer(forged);
  EXPECT_EQ(VerifiedTokenCache::forThisThread().find(forged, kNow), nullptr);
  request_.headers.clear();
  EXPECT_EQ(VerifiedTokenCache::forThisThread().find(forged, kNow), nullptr);
  const std::string good = alice({{"iss", "alice-key"}, {"sub", "cached"}});
  EXPECT_EQ(runBearer(good), FilterStatus::kContinue);
  EXPECT_EQ(VerifiedTokenCache::forThisThread().find(good, kNow), nullptr);
  request_.headers.clear();
  EXPECT_EQ(runBearer(good), FilterStatus::kContinue);
  EXPECT_NE(VerifiedTokenCache::forThisThread().find(good, kNow), nullptr);
  request_.headers.clear();
  EXPECT_EQ(runBearer(good), FilterStatus::kContinue);
}

TEST(JwtFilterFactoryTest, IsRegisteredAsJwtAndCompilesAConfig) {
  const portico::http::FilterFactory* factory =
      portico::http::FilterFactoryRegistry::instance().find("jwt");
  ASSERT_NE(factory, nullptr);
  config::v1::DeclarativeConfig declarative;
  config::v1::PluginInstance instance;
  json plugin_config = json::object();
  JwtSchema().validate(plugin_config, {});
  auto compiled = factory->compile(toStruct(plugin_config), {instance, declarative});
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  EXPECT_NE((*compiled)->createFilter(), nullptr);
}

}  // namespace
}  // namespace portico::filters::http::jwt

#include "source/filters/http/jwt/jwks.h"

#include "gtest/gtest.h"
#include "source/filters/http/jwt/verifier.h"
#include "test/filters/http/jwt/test_tokens.h"

namespace portico::filters::http::jwt {
namespace {

using nlohmann::json;

const std::string kInput = "header.claims";

TEST(JwksTest, ConvertsEveryKeyTypeSoThatItVerifies) {
  struct Case {
    const char* kind;
    Algorithm algorithm;
  };
  for (const Case& c : {Case{"RSA", Algorithm::kRS256}, Case{"RSA", Algorithm::kPS384},
                        Case{"P-256", Algorithm::kES256}, Case{"P-384", Algorithm::kES384},
                        Case{"P-521", Algorithm::kES512}, Case{"Ed25519", Algorithm::kEdDSA},
                        Case{"Ed448", Algorithm::kEdDSA}}) {
    PublicKeySharedPtr key = testing::generateKey(c.kind);
    json document = {{"keys", {testing::publicJwk(key.get(), "k1")}}};
    absl::StatusOr<JwksConstSharedPtr> jwks = Jwks::parse(document.dump());
    ASSERT_TRUE(jwks.ok()) << c.kind << ": " << jwks.status();
    const Jwk* jwk = (*jwks)->find("k1");
    ASSERT_NE(jwk, nullptr) << c.kind;
    EXPECT_TRUE(verifyWithKey(c.algorithm, jwk->key.get(), kInput,
                              testing::sign(c.algorithm, key.get(), kInput)))
        << c.kind;
  }
}

TEST(JwksTest, FindsKeysByKidAndKeepsTheirAlg) {
  PublicKeySharedPtr a = testing::generateKey("P-256");
  PublicKeySharedPtr b = testing::generateKey("P-256");
  json document = {{"keys",
                    {testing::publicJwk(a.get(), "a", "ES256"),
                     testing::publicJwk(b.get(), "b"),
                     {{"kty", "oct"}, {"kid", "h"}, {"k", testing::base64Url("shared")}}}}};
  absl::StatusOr<JwksConstSharedPtr> jwks = Jwks::parse(document.dump());
  ASSERT_TRUE(jwks.ok()) << jwks.status();
  EXPECT_EQ((*jwks)->size(), 3u);
  EXPECT_EQ((*jwks)->find("a")->algorithm, Algorithm::kES256);
  EXPECT_FALSE((*jwks)->find("b")->algorithm);
  EXPECT_EQ((*jwks)->find("h")->secret, "shared");
  EXPECT_EQ((*jwks)->find("c"), nullptr);
}

TEST(JwksTest, IgnoresEncryptionKeysKeysWithoutKidAndUnknownTypes) {
  PublicKeySharedPtr key = testing::generateKey("RSA");
  json encryption = testing::publicJwk(key.get(), "enc");
  encryption["use"] = "enc";
  json oaep = testing::publicJwk(key.get(), "oaep", "RSA-OAEP");
  json anonymous = testing::publicJwk(key.get(), "x");
  anonymous.erase("kid");
  json document = {
      {"keys", {encryption, oaep, anonymous, {{"kty", "quantum"}, {"kid", "q"}}, "junk"}}};
  absl::StatusOr<JwksConstSharedPtr> jwks = Jwks::parse(document.dump());
  ASSERT_TRUE(jwks.ok()) << jwks.status();
  EXPECT_EQ((*jwks)->size(), 0u);
}

TEST(JwksTest, ASupportedKeyThatDoesNotDecodeIsAnError) {
  json bad_point = {{"kty", "EC"},
                    {"kid", "e"},
                    {"crv", "P-256"},
                    {"x", testing::base64Url(std::string(32, '\1'))},
                    {"y", testing::base64Url(std::string(32, '\2'))}};
  EXPECT_FALSE(Jwks::parse(json({{"keys", {bad_point}}}).dump()).ok());
  json no_modulus = {{"kty", "RSA"}, {"kid", "r"}, {"e", "AQAB"}};
  EXPECT_FALSE(Jwks::parse(json({{"keys", {no_modulus}}}).dump()).ok());
  json mistyped = {{"kty", "OKP"}, {"kid", 5}, {"crv", 7}};
  EXPECT_TRUE(Jwks::parse(json({{"keys", {mistyped}}}).dump()).ok());
}

TEST(JwksTest, TheDocumentMustBeAnObjectWithAKeysArray) {
  EXPECT_FALSE(Jwks::parse("").ok());
  EXPECT_FALSE(Jwks::parse("[]").ok());
  EXPECT_FALSE(Jwks::parse(R"({"keys": {}})").ok());
  EXPECT_TRUE(Jwks::parse(R"({"keys": []})").ok());
}

}  // namespace
}  // namespace portico::filters::http::jwt

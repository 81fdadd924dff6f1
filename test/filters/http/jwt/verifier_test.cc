#include "source/filters/http/jwt/verifier.h"

#include <tuple>

#include "gtest/gtest.h"
#include "source/filters/http/jwt/public_key.h"
#include "test/filters/http/jwt/test_tokens.h"

namespace portico::filters::http::jwt {
namespace {

using testing::generateKey;
using testing::sign;

const std::string kInput = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJrIn0";

TEST(HmacTest, AcceptsTheRightSecretOnly) {
  for (Algorithm algorithm : {Algorithm::kHS256, Algorithm::kHS384, Algorithm::kHS512}) {
    const std::string mac = testing::hmac(algorithm, "secret", kInput);
    EXPECT_TRUE(verifyHmac(algorithm, "secret", kInput, mac));
    EXPECT_FALSE(verifyHmac(algorithm, "other", kInput, mac));
    EXPECT_FALSE(verifyHmac(algorithm, "secret", kInput + "x", mac));
    EXPECT_FALSE(verifyHmac(algorithm, "secret", kInput, mac.substr(1)));
    EXPECT_FALSE(verifyHmac(algorithm, "secret", kInput, ""));
  }
}

TEST(HmacTest, AnEmptySecretIsStillAKey) {
  const std::string mac = testing::hmac(Algorithm::kHS256, "", kInput);
  EXPECT_TRUE(verifyHmac(Algorithm::kHS256, "", kInput, mac));
  EXPECT_FALSE(verifyHmac(Algorithm::kHS256, "x", kInput, mac));
}

class PublicKeyAlgorithmTest : public ::testing::TestWithParam<std::tuple<Algorithm, std::string>> {
};

TEST_P(PublicKeyAlgorithmTest, VerifiesItsOwnSignaturesAndNothingElse) {
  const auto& [algorithm, kind] = GetParam();
  PublicKeySharedPtr key = generateKey(kind);
  PublicKeySharedPtr other = generateKey(kind);
  ASSERT_NE(key, nullptr);
  // The verifier only ever sees the public half, as parsed from PEM.
  PublicKeySharedPtr public_key = parsePemKey(testing::publicKeyPem(key.get()));
  ASSERT_NE(public_key, nullptr);
  const std::string signature = sign(algorithm, key.get(), kInput);
  EXPECT_TRUE(verifyWithKey(algorithm, public_key.get(), kInput, signature));
  EXPECT_FALSE(verifyWithKey(algorithm, public_key.get(), kInput + "x", signature));
  EXPECT_FALSE(verifyWithKey(algorithm, other.get(), kInput, signature));
  EXPECT_FALSE(verifyWithKey(algorithm, public_key.get(), kInput, signature.substr(1)));
  EXPECT_FALSE(verifyWithKey(algorithm, public_key.get(), kInput, signature + "x"));
  EXPECT_FALSE(verifyWithKey(algorithm, public_key.get(), kInput, ""));
}

TEST_P(PublicKeyAlgorithmTest, CertificatesWorkLikeTheirPublicKey) {
  const auto& [algorithm, kind] = GetParam();
  PublicKeySharedPtr key = generateKey(kind);
  PublicKeySharedPtr from_certificate = parsePemKey(testing::certificatePem(key.get()));
  ASSERT_NE(from_certificate, nullptr);
  EXPECT_TRUE(
      verifyWithKey(algorithm, from_certificate.get(), kInput, sign(algorithm, key.get(), kInput)));
}

INSTANTIATE_TEST_SUITE_P(EveryAlgorithm, PublicKeyAlgorithmTest,
                         ::testing::Values(std::make_tuple(Algorithm::kRS256, "RSA"),
                                           std::make_tuple(Algorithm::kRS384, "RSA"),
                                           std::make_tuple(Algorithm::kRS512, "RSA"),
                                           std::make_tuple(Algorithm::kPS256, "RSA"),
                                           std::make_tuple(Algorithm::kPS384, "RSA"),
                                           std::make_tuple(Algorithm::kPS512, "RSA"),
                                           std::make_tuple(Algorithm::kES256, "P-256"),
                                           std::make_tuple(Algorithm::kES384, "P-384"),
                                           std::make_tuple(Algorithm::kES512, "P-521"),
                                           std::make_tuple(Algorithm::kEdDSA, "Ed25519"),
                                           std::make_tuple(Algorithm::kEdDSA, "Ed448")));

TEST(KeyFitsAlgorithmTest, RejectsKeysOfAnotherKindOrCurve) {
  PublicKeySharedPtr rsa = generateKey("RSA");
  PublicKeySharedPtr p256 = generateKey("P-256");
  PublicKeySharedPtr p384 = generateKey("P-384");
  PublicKeySharedPtr ed = generateKey("Ed25519");
  EXPECT_TRUE(keyFitsAlgorithm(Algorithm::kRS256, rsa.get()));
  EXPECT_TRUE(keyFitsAlgorithm(Algorithm::kPS256, rsa.get()));
  EXPECT_FALSE(keyFitsAlgorithm(Algorithm::kRS256, p256.get()));
  EXPECT_FALSE(keyFitsAlgorithm(Algorithm::kES256, rsa.get()));
  EXPECT_FALSE(keyFitsAlgorithm(Algorithm::kES256, p384.get()));
  EXPECT_TRUE(keyFitsAlgorithm(Algorithm::kES384, p384.get()));
  EXPECT_FALSE(keyFitsAlgorithm(Algorithm::kEdDSA, p256.get()));
  EXPECT_FALSE(keyFitsAlgorithm(Algorithm::kHS256, rsa.get()));
  EXPECT_FALSE(keyFitsAlgorithm(Algorithm::kRS256, nullptr));
  EXPECT_TRUE(keyFitsAlgorithm(Algorithm::kEdDSA, ed.get()));
}

// Kong answers 500 for an ES signature that is not exactly 2×32/48/66 bytes; here it just fails.
TEST(EcdsaTest, ADerSignatureIsNotAJoseSignature) {
  PublicKeySharedPtr key = generateKey("P-256");
  const std::string raw = sign(Algorithm::kES256, key.get(), kInput);
  ASSERT_EQ(raw.size(), 64u);
  EXPECT_FALSE(verifyWithKey(Algorithm::kES256, key.get(), kInput, std::string(64, '\0')));
  EXPECT_FALSE(verifyWithKey(Algorithm::kES256, key.get(), kInput, std::string(70, 'x')));
}

TEST(ParsePemKeyTest, AcceptsPublicKeysCertificatesAndPrivateKeysButNotJunk) {
  PublicKeySharedPtr key = generateKey("P-256");
  EXPECT_NE(parsePemKey(testing::publicKeyPem(key.get())), nullptr);
  EXPECT_NE(parsePemKey(testing::certificatePem(key.get())), nullptr);
  EXPECT_EQ(parsePemKey("test"), nullptr);
  EXPECT_EQ(parsePemKey(""), nullptr);
}

}  // namespace
}  // namespace portico::filters::http::jwt

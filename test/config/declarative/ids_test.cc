#include "source/config/declarative/ids.h"

#include <set>

#include "gtest/gtest.h"

namespace portico::config::declarative {
namespace {

constexpr char kRoot[] = "fd02801f-0957-4a15-a55a-c8d9606f30b5";

TEST(IdsTest, EntityNamespacesAreUuid5OfTheTableName) {
  EXPECT_EQ(uuid5(kRoot, "services"), "90050c4f-539a-5bd9-bfb5-2ff1c430ca18");
  EXPECT_EQ(uuid5(kRoot, "routes"), "78aafefa-16c7-5598-8955-58dc6264b27a");
  EXPECT_EQ(uuid5(kRoot, "consumers"), "7e5adc17-c056-5c54-98c0-7f88774fccf6");
  EXPECT_EQ(uuid5(kRoot, "plugins"), "e9b79996-068a-576f-804e-98a685f0a58e");
}

TEST(IdsTest, NamedEntitiesHashTheirEndpointKey) {
  EXPECT_EQ(entityUuid("services", "my-service"), "0855b320-0dd2-547d-891d-601e9b38647f");
  EXPECT_EQ(entityUuid("routes", "my-route"), "481a9539-f49c-51b6-b2e2-fe99ee68866c");
  EXPECT_EQ(entityUuid("consumers", "my-user"), "4b1b701d-de2b-5588-9aa2-3b97061d9f52");
  EXPECT_EQ(entityUuid("services", "echo"), "adbd70b3-4224-5183-a52a-179d7b34ab5b");
  EXPECT_EQ(entityUuid("routes", "r1"), "4726a05a-d550-537e-9fc3-a07c7a1188c7");
  EXPECT_EQ(entityUuid("consumers", "alice"), "b32379d9-3d28-5683-a79c-72139be6e34f");
}

TEST(IdsTest, GlobalPluginHashesItsCacheKey) {
  EXPECT_EQ(entityUuid("plugins", "plugins:*:rate-limiting:::"),
            "8328de13-9a5c-5a91-8f06-fb4062fec696");
}

TEST(IdsTest, RandomUuidIsVersion4) {
  std::string id = randomUuid();
  EXPECT_TRUE(isValidUuid(id));
  EXPECT_EQ(id[14], '4');
  EXPECT_NE(id, randomUuid());
}

TEST(IdsTest, RandomCredentialIs32Alphanumerics) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string text = randomAlphanumeric32();
    ASSERT_EQ(text.size(), 32u);
    for (char c : text) {
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << text;
    }
    seen.insert(text);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(IdsTest, ValidatesUuidText) {
  EXPECT_TRUE(isValidUuid("8328de13-9a5c-5a91-8f06-fb4062fec696"));
  EXPECT_FALSE(isValidUuid("8328de13-9a5c-5a91-8f06-fb4062fec69"));
  EXPECT_FALSE(isValidUuid("8328de13x9a5c-5a91-8f06-fb4062fec696"));
  EXPECT_FALSE(isValidUuid("not-a-uuid"));
}

TEST(IdsTest, Md5IsLowerCaseHex) {
  EXPECT_EQ(md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
}

}  // namespace
}  // namespace portico::config::declarative

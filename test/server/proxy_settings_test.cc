#include "source/server/proxy_settings.h"

#include <string>

#include "gtest/gtest.h"

namespace portico::server {
namespace {

TEST(ProxySettingsTest, ViaEntriesNameTheVersionAndTheProductToken) {
  ProxySettings settings;
  std::string scratch;
  EXPECT_EQ(settings.viaWithThisHop("", 1, 1, scratch), "1.1 portico/0.1.0");
  EXPECT_EQ(settings.viaWithThisHop("", 1, 0, scratch), "1.0 portico/0.1.0");
  EXPECT_TRUE(scratch.empty());  // both prebuilt
}

TEST(ProxySettingsTest, AnotherVersionsEntryIsBuiltIntoTheScratch) {
  ProxySettings settings;
  std::string scratch;
  const std::string_view entry = settings.viaWithThisHop("", 2, 0, scratch);
  EXPECT_EQ(entry, "2.0 portico/0.1.0");
  EXPECT_EQ(entry.data(), scratch.data());
}

TEST(ProxySettingsTest, AnExistingViaComesFirst) {
  ProxySettings settings;
  std::string scratch;
  EXPECT_EQ(settings.viaWithThisHop("1.0 a, 1.1 b", 1, 1, scratch),
            "1.0 a, 1.1 b, 1.1 portico/0.1.0");
  EXPECT_EQ(settings.viaWithThisHop("1.0 a", 2, 0, scratch), "1.0 a, 2.0 portico/0.1.0");
}

TEST(ProxySettingsTest, ANewTokenRebuildsTheEntries) {
  ProxySettings settings;
  settings.setViaToken("edge/2");
  std::string scratch;
  EXPECT_EQ(settings.viaToken(), "edge/2");
  EXPECT_EQ(settings.viaWithThisHop("", 1, 1, scratch), "1.1 edge/2");
  EXPECT_EQ(settings.viaWithThisHop("", 1, 0, scratch), "1.0 edge/2");
}

}  // namespace
}  // namespace portico::server

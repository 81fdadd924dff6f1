#include "source/config/declarative/document.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace portico::config::declarative {
namespace {

TEST(DocumentTest, TypesPlainYamlScalarsLikeLibyaml) {
  auto document =
      parseDocument("a: 1\nb: 1.5\nc: yes\nd: ~\ne: '1'\nf: \"true\"\ng: hello\nh: 0x10\ni: off\n",
                    InputFormat::Yaml);
  ASSERT_TRUE(document.ok()) << document.status();
  const auto& tree = document->tree;
  EXPECT_EQ(tree["a"], 1);
  EXPECT_EQ(tree["b"], 1.5);
  EXPECT_EQ(tree["c"], true);
  EXPECT_TRUE(tree["d"].is_null());
  EXPECT_EQ(tree["e"], "1");
  EXPECT_EQ(tree["f"], "true");
  EXPECT_EQ(tree["g"], "hello");
  EXPECT_EQ(tree["h"], 16);
  EXPECT_EQ(tree["i"], false);
}

TEST(DocumentTest, UnquotedFormatVersionIsANumber) {
  auto document = parseDocument("_format_version: 1.1\n", InputFormat::Yaml);
  ASSERT_TRUE(document.ok());
  EXPECT_TRUE(document->tree["_format_version"].is_number());
}

TEST(DocumentTest, AnchorsAliasesAndMergeKeysExpand) {
  auto document = parseDocument(
      "base: &b {host: example.com, port: 81}\n"
      "services:\n"
      "- <<: *b\n"
      "  name: s1\n"
      "  port: 82\n"
      "- *b\n",
      InputFormat::Yaml);
  ASSERT_TRUE(document.ok()) << document.status();
  const auto& services = document->tree["services"];
  EXPECT_EQ(services[0], nlohmann::json({{"host", "example.com"}, {"name", "s1"}, {"port", 82}}));
  EXPECT_EQ(services[1], nlohmann::json({{"host", "example.com"}, {"port", 81}}));
}

TEST(DocumentTest, RemembersSourceLines) {
  auto document = parseDocument(
      "_format_version: \"3.0\"\nservices:\n- name: a\n  host: x\n- name: b\n  protocol: foo\n",
      InputFormat::Yaml);
  ASSERT_TRUE(document.ok());
  EXPECT_EQ(document->lineOf("/services/1/protocol"), 6);
  EXPECT_EQ(document->lineOf("/services/1/host"), 5);
  EXPECT_EQ(document->lineOf("/services/0"), 3);
}

TEST(DocumentTest, WithoutLineTrackingTheTreeIsTheSameAndHasNoLines) {
  const char* text = "services:\n- name: a\n  routes:\n  - paths: [/x]\n";
  auto tracked = parseDocument(text, InputFormat::Yaml);
  auto untracked = parseDocument(text, InputFormat::Yaml, LineTracking::kOff);
  ASSERT_TRUE(tracked.ok() && untracked.ok());
  EXPECT_EQ(untracked->tree, tracked->tree);
  EXPECT_FALSE(tracked->lines.empty());
  EXPECT_TRUE(untracked->lines.empty());
}

TEST(DocumentTest, AnAliasToANodeThatContainsItIsAnError) {
  for (const char* text : {"_format_version: \"3.0\"\na: &x\n  b: *x\n", "a: &x\n  - 1\n  - *x\n",
                           "a: &x\n  <<: *x\n  b: 1\n"}) {
    auto document = parseDocument(text, InputFormat::Yaml);
    ASSERT_FALSE(document.ok()) << text;
    EXPECT_NE(document.status().message().find("an alias refers to a node that contains it"),
              std::string_view::npos)
        << document.status();
  }
}

// "a billion laughs": each level doubles ten times over; without a bound 8 levels of 10 take
// gigabytes.
TEST(DocumentTest, AliasesCannotExpandPastABound) {
  std::string text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 8; ++level) {
    text += absl::StrCat("l", level, ": &l", level, " [");
    for (int i = 0; i < 10; ++i) {
      text += absl::StrCat(i == 0 ? "" : ", ", "*l", level - 1);
    }
    text += "]\n";
  }
  auto document = parseDocument(text, InputFormat::Yaml);
  ASSERT_FALSE(document.ok());
  EXPECT_NE(document.status().message().find("nodes through its aliases"), std::string_view::npos)
      << document.status();
}

TEST(DocumentTest, NonObjectsAreRejected) {
  for (auto format : {InputFormat::Yaml, InputFormat::Auto}) {
    auto document = parseDocument("bobby tables", format);
    ASSERT_FALSE(document.ok());
    EXPECT_EQ(document.status().message(),
              "failed parsing declarative configuration: expected an object");
  }
  EXPECT_EQ(parseDocument("", InputFormat::Auto).status().message(),
            "failed parsing declarative configuration: expected an object");
}

TEST(DocumentTest, SyntaxErrorsNameTheParserMessage) {
  auto document = parseDocument("a: [1, 2\n", InputFormat::Yaml);
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.status().message().rfind("failed parsing declarative configuration: ", 0), 0u);
  EXPECT_FALSE(parseDocument("{\"a\":", InputFormat::Json).ok());
}

TEST(DocumentTest, AutoTriesJsonThenYaml) {
  auto json = parseDocument("{\"_format_version\": \"3.0\"}", InputFormat::Auto);
  ASSERT_TRUE(json.ok());
  EXPECT_TRUE(json->lines.empty());
  auto yaml = parseDocument("_format_version: \"3.0\"", InputFormat::Auto);
  ASSERT_TRUE(yaml.ok());
  EXPECT_EQ(yaml->tree["_format_version"], "3.0");
}

TEST(DocumentTest, FileExtensionPicksTheFormat) {
  EXPECT_EQ(*formatForFile("/etc/kong.json"), InputFormat::Json);
  EXPECT_EQ(*formatForFile("kong.yml"), InputFormat::Yaml);
  EXPECT_EQ(*formatForFile("kong.yaml"), InputFormat::Yaml);
  EXPECT_EQ(formatForFile("kong.conf").status().message(),
            "unknown file type: kong.conf. (Accepted types: json, yaml)");
}

}  // namespace
}  // namespace portico::config::declarative

#include "source/config/schema/field.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "source/config/schema/record.h"

namespace portico::config::schema {
namespace {

using nlohmann::json;

json errorFor(const Field& field, json value) { return field.validate(value); }

TEST(FieldTest, TypeMismatchesUseKongMessages) {
  EXPECT_EQ(errorFor(Field::string(), 1), "expected a string");
  EXPECT_EQ(errorFor(Field::number(), "1"), "expected a number");
  EXPECT_EQ(errorFor(Field::integer(), 1.5), "expected an integer");
  EXPECT_EQ(errorFor(Field::boolean(), "true"), "expected a boolean");
  EXPECT_EQ(errorFor(Field::array(Field::string()), "a"), "expected an array");
  EXPECT_EQ(errorFor(Field::set(Field::string()), json{{"a", 1}}), "expected a set");
  EXPECT_EQ(errorFor(Field::record(Record()), "a"), "expected a record");
}

TEST(FieldTest, NullIsAcceptedUnlessRequired) {
  EXPECT_TRUE(errorFor(Field::string(), nullptr).is_null());
  EXPECT_EQ(errorFor(Field::string().required(), nullptr), "required field missing");
}

TEST(FieldTest, IntegralNumbersAreStoredAsIntegers) {
  json value = 5.0;
  EXPECT_TRUE(Field::integer().validate(value).is_null());
  EXPECT_TRUE(value.is_number_integer());
  json fraction = 1.5;
  EXPECT_TRUE(Field::number().validate(fraction).is_null());
  EXPECT_EQ(fraction, 1.5);
}

TEST(FieldTest, EmptyStringsAreRejectedUnlessLenMinIsZero) {
  EXPECT_EQ(errorFor(Field::string(), ""), "length must be at least 1");
  EXPECT_TRUE(errorFor(Field::string().lenMin(0), "").is_null());
}

TEST(FieldTest, RangeChecksUseKongMessages) {
  EXPECT_EQ(errorFor(Field::number().between(0, 31536000), -1),
            "value should be between 0 and 31536000");
  EXPECT_EQ(errorFor(Field::number().gt(0), 0), "value must be greater than 0");
  EXPECT_TRUE(errorFor(Field::number().gt(0), 0.5).is_null());
}

TEST(FieldTest, OneOfListsTheOptions) {
  EXPECT_EQ(errorFor(Field::string().oneOf({"local", "redis"}), "cluster"),
            "expected one of: local, redis");
}

TEST(FieldTest, ElementErrorsAreReportedAtTheirPosition) {
  Field claims = Field::set(Field::string().oneOf({"exp", "nbf"}));
  EXPECT_EQ(errorFor(claims, json::array({"exp", "iat"})),
            json::parse(R"([null, "expected one of: exp, nbf"])"));
  EXPECT_EQ(errorFor(claims, json::array({nullptr})), json::array({"required field missing"}));
}

TEST(FieldTest, SetsDropDuplicatesAndTakeAnEmptyObjectAsEmpty) {
  json value = json::array({"a", "b", "a"});
  EXPECT_TRUE(Field::set(Field::string()).validate(value).is_null());
  EXPECT_EQ(value, json::array({"a", "b"}));
  json empty = json::object();
  EXPECT_TRUE(Field::set(Field::string()).validate(empty).is_null());
  EXPECT_EQ(empty, json::array());
}

TEST(FieldTest, ContainsNamesTheMissingElement) {
  EXPECT_EQ(errorFor(Field::set(Field::string()).contains("exp"), json::array({"nbf"})),
            "expected to contain: exp");
}

TEST(FieldTest, CustomChecksRunLastOnWellTypedValues) {
  Field field = Field::string().check([](const json&) { return std::optional<std::string>("no"); });
  EXPECT_EQ(errorFor(field, 1), "expected a string");
  EXPECT_EQ(errorFor(field, "x"), "no");
}

TEST(FieldTest, EqNullRejectsAnyValue) {
  EXPECT_EQ(errorFor(Field::string().eq(nullptr), "x"), "value must be null");
  EXPECT_TRUE(errorFor(Field::string().eq(nullptr), nullptr).is_null());
}

TEST(FieldTest, MissingValueIsTheDefaultAnEmptyRecordOrNull) {
  EXPECT_EQ(Field::string().defaultTo("iss").missingValue(), "iss");
  EXPECT_EQ(Field::record(Record()).missingValue(), json::object());
  EXPECT_TRUE(Field::string().missingValue().is_null());
}

}  // namespace
}  // namespace portico::config::schema

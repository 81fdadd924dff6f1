#include "source/server/stats/prometheus_text.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace portico::server::stats {
namespace {

TEST(PrometheusTextTest, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(escapeLabelValue(R"(a\b"c)"
                             "\nd"),
            R"(a\\b\"c\nd)");
  EXPECT_EQ(escapeLabelValue("plain-value_1.0"), "plain-value_1.0");
}

TEST(PrometheusTextTest, HelpEscapesBackslashAndNewlineButNotQuotes) {
  EXPECT_EQ(escapeHelp("say \"hi\"\\\nbye"), "say \"hi\"\\\\\\nbye");
}

TEST(PrometheusTextTest, FamilyWritesHelpThenType) {
  TextWriter out;
  out.family("portico_x_total", "What x counts", "counter");
  EXPECT_EQ(out.text(), "# HELP portico_x_total What x counts\n# TYPE portico_x_total counter\n");
}

TEST(PrometheusTextTest, SamplesWithAndWithoutLabels) {
  TextWriter out;
  out.sample("up", {}, uint64_t{1});
  out.sample("requests", {{"service", "a\"b"}, {"code", "200"}}, uint64_t{42});
  EXPECT_EQ(out.text(), "up 1\nrequests{service=\"a\\\"b\",code=\"200\"} 42\n");
}

TEST(PrometheusTextTest, FloatValuesRoundTripAndSpellSpecialValues) {
  EXPECT_EQ(formatValue(1700000000.0), "1700000000");
  EXPECT_EQ(formatValue(0.5), "0.5");
  EXPECT_EQ(formatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(formatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(formatValue(std::nan("")), "NaN");
}

TEST(PrometheusTextTest, HistogramBucketsAreCumulativeAndEndWithInfSumAndCount) {
  constexpr uint64_t kBounds[] = {10, 100};
  HistogramData data;
  data.buckets = {2, 0, 3};
  data.sum = 1234;
  TextWriter out;
  out.histogram("lat_ms", {{"route", "r"}}, kBounds, data);
  EXPECT_EQ(out.text(),
            "lat_ms_bucket{route=\"r\",le=\"10\"} 2\n"
            "lat_ms_bucket{route=\"r\",le=\"100\"} 2\n"
            "lat_ms_bucket{route=\"r\",le=\"+Inf\"} 5\n"
            "lat_ms_sum{route=\"r\"} 1234\n"
            "lat_ms_count{route=\"r\"} 5\n");
}

TEST(PrometheusTextTest, HistogramWithoutLabelsHasOnlyLe) {
  constexpr uint64_t kBounds[] = {1};
  HistogramData data;
  data.buckets = {1, 0};
  data.sum = 1;
  TextWriter out;
  out.histogram("h", {}, kBounds, data);
  EXPECT_EQ(out.text(), "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n");
}

}  // namespace
}  // namespace portico::server::stats

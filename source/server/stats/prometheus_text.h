#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "source/server/stats/histogram.h"

namespace portico::server::stats {

// Prometheus text exposition format 0.0.4.
inline constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// Label names and values, in the order they are written.
using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

// A label value as the format quotes it: backslash, double quote and line feed escaped.
std::string escapeLabelValue(std::string_view value);
// HELP text: backslash and line feed escaped.
std::string escapeHelp(std::string_view help);
// A sample value: integers as such, NaN and infinities as the format spells them.
std::string formatValue(double value);

// Writes one exposition page: each family's HELP and TYPE lines, then its samples.
class TextWriter {
 public:
  // type: "counter", "gauge" or "histogram".
  void family(std::string_view name, std::string_view help, std::string_view type);
  void sample(std::string_view name, const Labels& labels, uint64_t value);
  void sample(std::string_view name, const Labels& labels, double value);
  // The cumulative `_bucket` series (with `le`, ending at +Inf), then `_sum` and `_count`.
  void histogram(std::string_view name, const Labels& labels, BucketBounds bounds,
                 const HistogramData& data);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void appendSeries(std::string_view name, std::string_view suffix, const Labels& labels,
                    std::string_view le);

  std::string out_;
};

}  // namespace portico::server::stats

#include "source/server/stats/prometheus_text.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace portico::server::stats {
namespace {

std::string escape(std::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '"':
        out += quotes ? "\\\"" : "\"";
        break;
      default:
        out += c;
    }
  }
  return out;
}

absl::string_view sv(std::string_view text) { return absl::string_view(text.data(), text.size()); }

}  // namespace

std::string escapeLabelValue(std::string_view value) { return escape(value, true); }

std::string escapeHelp(std::string_view help) { return escape(help, false); }

std::string formatValue(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  // Enough digits to round-trip a double; whole numbers print without an exponent up to 2^53.
  return absl::StrFormat("%.17g", value);
}

void TextWriter::family(std::string_view name, std::string_view help, std::string_view type) {
  absl::StrAppend(&out_, "# HELP ", sv(name), " ", escapeHelp(help), "\n# TYPE ", sv(name), " ",
                  sv(type), "\n");
}

void TextWriter::appendSeries(std::string_view name, std::string_view suffix, const Labels& labels,
                              std::string_view le) {
  absl::StrAppend(&out_, sv(name), sv(suffix));
  if (labels.empty() && le.empty()) {
    out_ += ' ';
    return;
  }
  out_ += '{';
  bool first = true;
  for (const auto& [label, value] : labels) {
    absl::StrAppend(&out_, first ? "" : ",", sv(label), "=\"", escapeLabelValue(value), "\"");
    first = false;
  }
  if (!le.empty()) {
    absl::StrAppend(&out_, first ? "" : ",", "le=\"", sv(le), "\"");
  }
  out_ += "} ";
}

void TextWriter::sample(std::string_view name, const Labels& labels, uint64_t value) {
  appendSeries(name, "", labels, "");
  absl::StrAppend(&out_, value, "\n");
}

void TextWriter::sample(std::string_view name, const Labels& labels, double value) {
  appendSeries(name, "", labels, "");
  absl::StrAppend(&out_, formatValue(value), "\n");
}

void TextWriter::histogram(std::string_view name, const Labels& labels, BucketBounds bounds,
                           const HistogramData& data) {
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += i < data.buckets.size() ? data.buckets[i] : 0;
    const std::string le = i < bounds.size() ? absl::StrCat(bounds[i]) : "+Inf";
    appendSeries(name, "_bucket", labels, le);
    absl::StrAppend(&out_, cumulative, "\n");
  }
  appendSeries(name, "_sum", labels, "");
  absl::StrAppend(&out_, data.sum, "\n");
  appendSeries(name, "_count", labels, "");
  absl::StrAppend(&out_, cumulative, "\n");
}

}  // namespace portico::server::stats

#include "source/filters/http/aws_lambda/gateway_event.h"

#include <cstdio>
#include <ctime>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"

namespace portico::filters::http::aws_lambda {
namespace {

using nlohmann::json;

int64_t epochMillis(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

std::string upstreamPath(const InvocationRequest& request) {
  return std::string(request.upstream_path.empty() ? request.raw_path : request.upstream_path);
}

std::string domainPrefix(const std::string& domain) { return domain.substr(0, domain.find('.')); }

json pathParameters(const InvocationRequest& request) {
  json out = json::object();
  for (const auto& [name, value] : request.named_captures) {
    out[name] = value;
  }
  return out;
}

// Kong reads an empty body as nil, which ngx.encode_base64 turns into "": with
// base64_encode_body an empty body is `""` flagged as base64, without it there is no `body`.
void setKongBody(const InvocationRequest& request, bool base64_encode_body, json& event) {
  if (base64_encode_body) {
    event["body"] = absl::Base64Escape(absl::string_view(request.body.data(), request.body.size()));
    event["isBase64Encoded"] = true;
    return;
  }
  if (!request.body.empty()) {
    event["body"] = request.body;
  }
  event["isBase64Encoded"] = false;
}

}  // namespace

std::string formatRequestTime(std::chrono::system_clock::time_point time) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::snprintf(text, sizeof(text), "%02d/%s/%04d:%02d:%02d:%02d +0000", utc.tm_mday,
                kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return text;
}

std::string hostName(std::string_view host) {
  size_t end = host.find(':');
  if (!host.empty() && host.front() == '[') {
    end = host.find(']');
    end = end == std::string_view::npos ? end : end + 1;
  }
  return absl::AsciiStrToLower(absl::string_view(host.data(), host.substr(0, end).size()));
}

json buildGatewayEventV1(const InvocationRequest& request, bool base64_encode_body) {
  json headers = json::object();
  json multi_value_headers = json::object();
  for (const auto& [name, value] : request.headers.entries()) {
    const std::string lower = absl::AsciiStrToLower(name);
    if (!headers.contains(lower)) {
      headers[lower] = value;
    }
    multi_value_headers[lower].push_back(value);
  }

  json query = argsTable(portico::http::parseUriArgs(request.raw_query));
  json multi_value_query = json::object();
  for (auto& [name, value] : query.items()) {
    if (value.is_array()) {
      multi_value_query[name] = value;
      value = json(value.front());
    } else {
      multi_value_query[name] = json::array({value});
    }
  }

  const std::string path = upstreamPath(request);
  const std::string domain = hostName(request.host);
  json identity = {{"sourceIp", request.client_ip}};
  if (headers.contains("user-agent")) {
    identity["userAgent"] = headers["user-agent"];
  }
  json context = {
      {"path", path},
      {"protocol", request.protocol},
      {"httpMethod", request.method},
      {"domainName", domain},
      {"identity", std::move(identity)},
      {"requestId", request.request_id},
      {"requestTime", formatRequestTime(request.received_at)},
      {"requestTimeEpoch", epochMillis(request.received_at)},
      {"resourcePath", path},
  };
  if (!domain.empty()) {
    context["domainPrefix"] = domainPrefix(domain);
  }

  json event = {
      {"version", "1.0"},
      {"path", path},
      {"httpMethod", request.method},
      {"headers", std::move(headers)},
      {"multiValueHeaders", std::move(multi_value_headers)},
      {"pathParameters", pathParameters(request)},
      {"queryStringParameters", std::move(query)},
      {"multiValueQueryStringParameters", std::move(multi_value_query)},
      {"requestContext", std::move(context)},
  };
  setKongBody(request, base64_encode_body, event);
  return event;
}

json buildGatewayEventV2(const InvocationRequest& request, bool base64_encode_body) {
  json headers = json::object();
  json cookies = json::array();
  for (const auto& [name, value] : request.headers.entries()) {
    const std::string lower = absl::AsciiStrToLower(name);
    if (lower == "cookie") {
      for (absl::string_view cookie : absl::StrSplit(value, ';')) {
        cookie = absl::StripAsciiWhitespace(cookie);
        if (!cookie.empty()) {
          cookies.push_back(std::string(cookie));
        }
      }
      continue;
    }
    json& slot = headers[lower];
    slot = slot.is_null() ? value : slot.get<std::string>() + "," + value;
  }

  const std::string path = upstreamPath(request);
  const std::string domain = hostName(request.host);
  json http = {
      {"method", request.method},
      {"path", path},
      {"protocol", request.protocol},
      {"sourceIp", request.client_ip},
  };
  if (headers.contains("user-agent")) {
    http["userAgent"] = headers["user-agent"];
  }
  json context = {
      {"domainName", domain},
      {"http", std::move(http)},
      {"requestId", request.request_id},
      {"routeKey", "$default"},
      {"stage", "$default"},
      {"time", formatRequestTime(request.received_at)},
      {"timeEpoch", epochMillis(request.received_at)},
  };
  if (!domain.empty()) {
    context["domainPrefix"] = domainPrefix(domain);
  }

  json event = {
      {"version", "2.0"},
      {"routeKey", "$default"},
      {"rawPath", path},
      {"rawQueryString", request.raw_query},
      {"headers", std::move(headers)},
      {"requestContext", std::move(context)},
      {"isBase64Encoded", false},
  };
  if (!cookies.empty()) {
    event["cookies"] = std::move(cookies);
  }
  json query = json::object();
  for (const portico::http::UriArg& arg : portico::http::parseUriArgs(request.raw_query)) {
    json& slot = query[arg.name];
    const std::string value = arg.value.value_or("");
    slot = slot.is_null() ? value : slot.get<std::string>() + "," + value;
  }
  if (!query.empty()) {
    event["queryStringParameters"] = std::move(query);
  }
  if (!request.named_captures.empty()) {
    event["pathParameters"] = pathParameters(request);
  }
  if (!request.body.empty()) {
    if (base64_encode_body) {
      event["body"] =
          absl::Base64Escape(absl::string_view(request.body.data(), request.body.size()));
      event["isBase64Encoded"] = true;
    } else {
      event["body"] = request.body;
    }
  }
  return event;
}

}  // namespace portico::filters::http::aws_lambda

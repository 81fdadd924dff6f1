// Upstreams and targets between their validated records, the config model and the Admin API JSON.
#include "source/config/declarative/entity_json.h"
#include "source/config/declarative/record_fields.h"
#include "source/config/declarative/to_proto.h"

namespace portico::config::declarative {
namespace {

double number(const nlohmann::json& record, const char* field) {
  return recordHas(record, field) && record[field].is_number() ? record[field].get<double>() : 0;
}

uint32_t count(const nlohmann::json& record, const char* field) {
  return static_cast<uint32_t>(number(record, field));
}

template <class Setter>
void setIfPresent(const nlohmann::json& record, const char* field, Setter set) {
  if (recordHas(record, field)) {
    set(recordText(record, field));
  }
}

void setStatuses(const nlohmann::json& record, google::protobuf::RepeatedField<uint32_t>* out) {
  if (!recordHas(record, "http_statuses")) {
    return;
  }
  for (const auto& status : record["http_statuses"]) {
    out->Add(static_cast<uint32_t>(status.get<double>()));
  }
}

const nlohmann::json& child(const nlohmann::json& record, const char* field) {
  static const nlohmann::json empty = nlohmann::json::object();
  auto it = record.find(field);
  return it != record.end() && it->is_object() ? *it : empty;
}

void activeFromJson(const nlohmann::json& record, v1::ActiveHealthcheck& active) {
  active.set_type(recordText(record, "type"));
  active.set_timeout(number(record, "timeout"));
  active.set_concurrency(count(record, "concurrency"));
  active.set_http_path(recordText(record, "http_path"));
  setIfPresent(record, "https_sni", [&](std::string sni) { active.set_https_sni(sni); });
  active.set_https_verify_certificate(recordHas(record, "https_verify_certificate") &&
                                      record["https_verify_certificate"].get<bool>());
  for (const auto& [name, values] : child(record, "headers").items()) {
    v1::StringList& list = (*active.mutable_headers())[name];
    if (values.is_array()) {
      for (const auto& value : values) {
        if (value.is_string()) {
          list.add_values(value.get<std::string>());
        }
      }
    } else if (values.is_string()) {
      list.add_values(values.get<std::string>());
    }
  }
  const nlohmann::json& healthy = child(record, "healthy");
  active.mutable_healthy()->set_interval(number(healthy, "interval"));
  active.mutable_healthy()->set_successes(count(healthy, "successes"));
  setStatuses(healthy, active.mutable_healthy()->mutable_http_statuses());
  const nlohmann::json& unhealthy = child(record, "unhealthy");
  v1::ActiveUnhealthy& out = *active.mutable_unhealthy();
  out.set_interval(number(unhealthy, "interval"));
  out.set_tcp_failures(count(unhealthy, "tcp_failures"));
  out.set_timeouts(count(unhealthy, "timeouts"));
  out.set_http_failures(count(unhealthy, "http_failures"));
  setStatuses(unhealthy, out.mutable_http_statuses());
}

void passiveFromJson(const nlohmann::json& record, v1::PassiveHealthcheck& passive) {
  passive.set_type(recordText(record, "type"));
  const nlohmann::json& healthy = child(record, "healthy");
  passive.mutable_healthy()->set_successes(count(healthy, "successes"));
  setStatuses(healthy, passive.mutable_healthy()->mutable_http_statuses());
  const nlohmann::json& unhealthy = child(record, "unhealthy");
  v1::PassiveUnhealthy& out = *passive.mutable_unhealthy();
  out.set_tcp_failures(count(unhealthy, "tcp_failures"));
  out.set_timeouts(count(unhealthy, "timeouts"));
  out.set_http_failures(count(unhealthy, "http_failures"));
  setStatuses(unhealthy, out.mutable_http_statuses());
}

std::string foreignId(const nlohmann::json& value) {
  if (value.is_object()) {
    return recordText(value, "id");
  }
  return value.is_string() ? value.get<std::string>() : std::string();
}

nlohmann::json optionalText(bool present, const std::string& value) {
  return present ? nlohmann::json(value) : nlohmann::json();
}

nlohmann::json tagsJson(bool present, const v1::StringList& tags) {
  if (!present) {
    return nullptr;
  }
  nlohmann::json values = nlohmann::json::array();
  for (const auto& tag : tags.values()) {
    values.push_back(tag);
  }
  return values;
}

nlohmann::json statusesJson(const google::protobuf::RepeatedField<uint32_t>& statuses) {
  nlohmann::json values = nlohmann::json::array();
  for (uint32_t status : statuses) {
    values.push_back(status);
  }
  return values;
}

// Kong renders whole seconds as integers.
nlohmann::json seconds(double value) {
  if (value == static_cast<double>(static_cast<int64_t>(value))) {
    return static_cast<int64_t>(value);
  }
  return value;
}

nlohmann::json healthchecksJson(const v1::Healthchecks& healthchecks) {
  const v1::ActiveHealthcheck& active = healthchecks.active();
  nlohmann::json headers = nullptr;
  if (!active.headers().empty()) {
    headers = nlohmann::json::object();
    for (const auto& [name, values] : active.headers()) {
      headers[name] = tagsJson(true, values);
    }
  }
  const v1::PassiveHealthcheck& passive = healthchecks.passive();
  return {
      {"threshold", seconds(healthchecks.threshold())},
      {"active",
       {
           {"type", active.type()},
           {"timeout", seconds(active.timeout())},
           {"concurrency", active.concurrency()},
           {"http_path", active.http_path()},
           {"https_sni", optionalText(active.has_https_sni(), active.https_sni())},
           {"https_verify_certificate", active.https_verify_certificate()},
           {"headers", headers},
           {"healthy",
            {
                {"interval", seconds(active.healthy().interval())},
                {"http_statuses", statusesJson(active.healthy().http_statuses())},
                {"successes", active.healthy().successes()},
            }},
           {"unhealthy",
            {
                {"interval", seconds(active.unhealthy().interval())},
                {"http_statuses", statusesJson(active.unhealthy().http_statuses())},
                {"tcp_failures", active.unhealthy().tcp_failures()},
                {"timeouts", active.unhealthy().timeouts()},
                {"http_failures", active.unhealthy().http_failures()},
            }},
       }},
      {"passive",
       {
           {"type", passive.type()},
           {"healthy",
            {
                {"http_statuses", statusesJson(passive.healthy().http_statuses())},
                {"successes", passive.healthy().successes()},
            }},
           {"unhealthy",
            {
                {"http_statuses", statusesJson(passive.unhealthy().http_statuses())},
                {"tcp_failures", passive.unhealthy().tcp_failures()},
                {"timeouts", passive.unhealthy().timeouts()},
                {"http_failures", passive.unhealthy().http_failures()},
            }},
       }},
  };
}

}  // namespace

v1::Upstream upstreamFromJson(const nlohmann::json& record) {
  v1::Upstream upstream;
  upstream.set_id(recordText(record, "id"));
  upstream.set_name(recordText(record, "name"));
  upstream.set_algorithm(recordText(record, "algorithm"));
  upstream.set_hash_on(recordText(record, "hash_on"));
  upstream.set_hash_fallback(recordText(record, "hash_fallback"));
  setIfPresent(record, "hash_on_header", [&](std::string v) { upstream.set_hash_on_header(v); });
  setIfPresent(record, "hash_fallback_header",
               [&](std::string v) { upstream.set_hash_fallback_header(v); });
  setIfPresent(record, "hash_on_cookie", [&](std::string v) { upstream.set_hash_on_cookie(v); });
  upstream.set_hash_on_cookie_path(recordText(record, "hash_on_cookie_path"));
  setIfPresent(record, "hash_on_query_arg",
               [&](std::string v) { upstream.set_hash_on_query_arg(v); });
  setIfPresent(record, "hash_fallback_query_arg",
               [&](std::string v) { upstream.set_hash_fallback_query_arg(v); });
  setIfPresent(record, "hash_on_uri_capture",
               [&](std::string v) { upstream.set_hash_on_uri_capture(v); });
  setIfPresent(record, "hash_fallback_uri_capture",
               [&](std::string v) { upstream.set_hash_fallback_uri_capture(v); });
  upstream.set_slots(count(record, "slots"));
  const nlohmann::json& healthchecks = child(record, "healthchecks");
  upstream.mutable_healthchecks()->set_threshold(number(healthchecks, "threshold"));
  activeFromJson(child(healthchecks, "active"), *upstream.mutable_healthchecks()->mutable_active());
  passiveFromJson(child(healthchecks, "passive"),
                  *upstream.mutable_healthchecks()->mutable_passive());
  if (recordHas(record, "tags")) {
    for (const auto& tag : record["tags"]) {
      upstream.mutable_tags()->add_values(tag.get<std::string>());
    }
  }
  setIfPresent(record, "host_header", [&](std::string v) { upstream.set_host_header(v); });
  if (recordHas(record, "client_certificate")) {
    upstream.set_client_certificate_id(foreignId(record["client_certificate"]));
  }
  upstream.set_use_srv_name(recordHas(record, "use_srv_name") &&
                            record["use_srv_name"].get<bool>());
  upstream.set_created_at(static_cast<int64_t>(number(record, "created_at")));
  upstream.set_updated_at(static_cast<int64_t>(number(record, "updated_at")));
  return upstream;
}

v1::Target targetFromJson(const nlohmann::json& record) {
  v1::Target target;
  target.set_id(recordText(record, "id"));
  target.set_upstream_id(foreignId(record["upstream"]));
  target.set_target(recordText(record, "target"));
  target.set_weight(count(record, "weight"));
  if (recordHas(record, "tags")) {
    for (const auto& tag : record["tags"]) {
      target.mutable_tags()->add_values(tag.get<std::string>());
    }
  }
  target.set_created_at(number(record, "created_at"));
  target.set_updated_at(number(record, "updated_at"));
  return target;
}

nlohmann::json upstreamJson(const v1::Upstream& upstream) {
  return {
      {"id", upstream.id()},
      {"created_at", upstream.created_at()},
      {"updated_at", upstream.updated_at()},
      {"name", upstream.name()},
      {"algorithm", upstream.algorithm()},
      {"hash_on", upstream.hash_on()},
      {"hash_fallback", upstream.hash_fallback()},
      {"hash_on_header", optionalText(upstream.has_hash_on_header(), upstream.hash_on_header())},
      {"hash_fallback_header",
       optionalText(upstream.has_hash_fallback_header(), upstream.hash_fallback_header())},
      {"hash_on_cookie", optionalText(upstream.has_hash_on_cookie(), upstream.hash_on_cookie())},
      {"hash_on_cookie_path", upstream.hash_on_cookie_path()},
      {"hash_on_query_arg",
       optionalText(upstream.has_hash_on_query_arg(), upstream.hash_on_query_arg())},
      {"hash_fallback_query_arg",
       optionalText(upstream.has_hash_fallback_query_arg(), upstream.hash_fallback_query_arg())},
      {"hash_on_uri_capture",
       optionalText(upstream.has_hash_on_uri_capture(), upstream.hash_on_uri_capture())},
      {"hash_fallback_uri_capture", optionalText(upstream.has_hash_fallback_uri_capture(),
                                                 upstream.hash_fallback_uri_capture())},
      {"slots", upstream.slots()},
      {"healthchecks", healthchecksJson(upstream.healthchecks())},
      {"tags", tagsJson(upstream.has_tags(), upstream.tags())},
      {"host_header", optionalText(upstream.has_host_header(), upstream.host_header())},
      {"client_certificate", upstream.has_client_certificate_id()
                                 ? nlohmann::json{{"id", upstream.client_certificate_id()}}
                                 : nlohmann::json()},
      {"use_srv_name", upstream.use_srv_name()},
  };
}

nlohmann::json targetJson(const v1::Target& target) {
  return {
      {"id", target.id()},
      {"created_at", seconds(target.created_at())},
      {"updated_at", seconds(target.updated_at())},
      {"upstream", {{"id", target.upstream_id()}}},
      {"target", target.target()},
      {"weight", target.weight()},
      {"tags", tagsJson(target.has_tags(), target.tags())},
  };
}

}  // namespace portico::config::declarative

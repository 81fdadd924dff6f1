#include "source/xds/server/node_registry.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "source/xds/resources.h"

namespace portico::xds::server {
namespace {

nlohmann::json unixSecondsOrNull(absl::Time time) {
  if (time == absl::InfinitePast()) {
    return nullptr;
  }
  return absl::ToUnixSeconds(time);
}

nlohmann::json stringOrNull(const std::string& value) {
  if (value.empty()) {
    return nullptr;
  }
  return value;
}

std::string hostnameOf(const envoy::config::core::v3::Node& node) {
  const auto& fields = node.metadata().fields();
  auto hostname = fields.find("hostname");
  if (hostname != fields.end() && !hostname->second.string_value().empty()) {
    return hostname->second.string_value();
  }
  return node.cluster();
}

std::string syncStatus(const NodeStatus& node, const std::string& current_version) {
  for (const auto& [type_url, type] : node.types) {
    if (type.rejecting()) {
      return "nack";
    }
  }
  if (current_version.empty()) {
    return "unknown";
  }
  for (const std::string& type_url : resourceTypes()) {
    auto type = node.types.find(type_url);
    if (type == node.types.end() || type->second.acked_version != current_version) {
      return "unknown";
    }
  }
  return "normal";
}

}  // namespace

std::string peerIp(const std::string& peer) {
  const size_t scheme_end = peer.find(':');
  if (scheme_end == std::string::npos) {
    return "";
  }
  const std::string scheme = peer.substr(0, scheme_end);
  if (scheme != "ipv4" && scheme != "ipv6") {
    return "";
  }
  const std::string address =
      absl::StrReplaceAll(peer.substr(scheme_end + 1), {{"%5B", "["}, {"%5D", "]"}, {"%25", "%"}});
  if (absl::StartsWith(address, "[")) {
    const size_t close = address.find(']');
    return close == std::string::npos ? "" : address.substr(1, close - 1);
  }
  const size_t port = address.rfind(':');
  return port == std::string::npos ? address : address.substr(0, port);
}

NodeRegistry::NodeRegistry(Clock clock) : clock_(std::move(clock)) {}

void NodeRegistry::connected(const envoy::config::core::v3::Node& node, const std::string& peer) {
  absl::MutexLock lock(&mu_);
  NodeStatus& status = nodes_[node.id()];
  const absl::Time now = clock_();
  status.id = node.id();
  status.cluster = node.cluster();
  status.hostname = hostnameOf(node);
  status.user_agent_name = node.user_agent_name();
  status.user_agent_version = node.user_agent_version();
  status.peer = peer;
  if (status.streams == 0) {
    status.connected_since = now;
  }
  ++status.streams;
  status.last_seen = now;
}

void NodeRegistry::disconnected(const std::string& id) {
  absl::MutexLock lock(&mu_);
  auto node = nodes_.find(id);
  if (node != nodes_.end() && node->second.streams > 0) {
    --node->second.streams;
  }
}

void NodeRegistry::seen(const std::string& id) {
  absl::MutexLock lock(&mu_);
  auto node = nodes_.find(id);
  if (node != nodes_.end()) {
    node->second.last_seen = clock_();
  }
}

TypeStatus* NodeRegistry::typeOf(const std::string& id, const std::string& type_url) {
  auto node = nodes_.find(id);
  return node == nodes_.end() ? nullptr : &node->second.types[type_url];
}

void NodeRegistry::sent(const std::string& id, const std::string& type_url,
                        const std::string& version, const std::string& nonce) {
  absl::MutexLock lock(&mu_);
  if (TypeStatus* type = typeOf(id, type_url)) {
    type->sent_version = version;
    type->nonce = nonce;
  }
}

void NodeRegistry::subscribed(const std::string& id, const std::string& type_url,
                              const std::string& version) {
  absl::MutexLock lock(&mu_);
  TypeStatus* type = typeOf(id, type_url);
  if (type == nullptr || version.empty()) {
    return;
  }
  type->acked_version = version;
  updateConfigHash(nodes_[id]);
}

void NodeRegistry::acked(const std::string& id, const std::string& type_url,
                         const std::string& version) {
  absl::MutexLock lock(&mu_);
  TypeStatus* type = typeOf(id, type_url);
  if (type == nullptr) {
    return;
  }
  const absl::Time now = clock_();
  type->acked_version = version;
  type->last_ack = now;
  NodeStatus& node = nodes_[id];
  node.last_ack = now;
  updateConfigHash(node);
}

void NodeRegistry::nacked(const std::string& id, const std::string& type_url,
                          const std::string& version, const std::string& error) {
  absl::MutexLock lock(&mu_);
  TypeStatus* type = typeOf(id, type_url);
  if (type == nullptr) {
    return;
  }
  const absl::Time now = clock_();
  type->nacked_version = type->sent_version;
  type->acked_version = version;
  type->error = error;
  type->last_nack = now;
  NodeStatus& node = nodes_[id];
  node.last_nack = now;
  node.error = error;
  // A NACK names the version the node still runs: when its ACKs of that version were not all
  // seen (the node stalled between applying and acknowledging), this is where they show.
  updateConfigHash(node);
}

void NodeRegistry::updateConfigHash(NodeStatus& node) {
  std::string common;
  for (const std::string& type_url : resourceTypes()) {
    auto type = node.types.find(type_url);
    if (type == node.types.end() || type->second.acked_version.empty() ||
        (!common.empty() && type->second.acked_version != common)) {
      return;
    }
    common = type->second.acked_version;
  }
  node.config_hash = common;
}

std::optional<NodeStatus> NodeRegistry::find(const std::string& id) const {
  absl::MutexLock lock(&mu_);
  auto node = nodes_.find(id);
  if (node == nodes_.end()) {
    return std::nullopt;
  }
  return node->second;
}

nlohmann::json NodeRegistry::dataPlanesJson(const std::string& current_version) const {
  absl::MutexLock lock(&mu_);
  nlohmann::json data = nlohmann::json::array();
  for (const auto& [id, node] : nodes_) {
    nlohmann::json types = nlohmann::json::object();
    for (const auto& [type_url, type] : node.types) {
      types[type_url] = {{"sent_version", stringOrNull(type.sent_version)},
                         {"nonce", stringOrNull(type.nonce)},
                         {"acked_version", stringOrNull(type.acked_version)},
                         {"nacked_version", stringOrNull(type.nacked_version)},
                         {"last_ack", unixSecondsOrNull(type.last_ack)},
                         {"last_nack", unixSecondsOrNull(type.last_nack)},
                         {"error", stringOrNull(type.error)}};
    }
    data.push_back({{"id", node.id},
                    {"ip", stringOrNull(peerIp(node.peer))},
                    {"hostname", stringOrNull(node.hostname)},
                    {"version", stringOrNull(node.user_agent_version)},
                    {"config_hash", stringOrNull(node.config_hash)},
                    {"last_seen", unixSecondsOrNull(node.last_seen)},
                    {"sync_status", syncStatus(node, current_version)},
                    {"cluster", stringOrNull(node.cluster)},
                    {"user_agent", stringOrNull(node.user_agent_name)},
                    {"peer", stringOrNull(node.peer)},
                    {"connected", node.connected()},
                    {"connected_since", unixSecondsOrNull(node.connected_since)},
                    {"last_ack", unixSecondsOrNull(node.last_ack)},
                    {"last_nack", unixSecondsOrNull(node.last_nack)},
                    {"error", stringOrNull(node.error)},
                    {"resources", types}});
  }
  return {{"data", data}, {"next", nullptr}};
}

}  // namespace portico::xds::server

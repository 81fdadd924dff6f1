#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "envoy/config/core/v3/base.pb.h"
#include "nlohmann/json.hpp"

namespace portico::xds::server {

// What one data plane did with one resource type.
struct TypeStatus {
  std::string sent_version;  // the last version sent to the node
  std::string nonce;         // the nonce of that response
  std::string acked_version;
  std::string nacked_version;
  std::string error;  // error_detail.message of the last NACK
  absl::Time last_ack = absl::InfinitePast();
  absl::Time last_nack = absl::InfinitePast();

  // A NACK not followed by an ACK: the node still runs an older version of this type.
  bool rejecting() const { return last_nack > last_ack; }
};

// What the control plane knows of one data plane (one node id), kept after it disconnects.
struct NodeStatus {
  std::string id;
  std::string cluster;
  std::string hostname;  // the node's metadata "hostname", else its cluster
  std::string user_agent_name;
  std::string user_agent_version;
  std::string peer;  // gRPC's peer address of the latest stream, e.g. "ipv4:10.0.0.7:51234"
  absl::Time connected_since = absl::InfinitePast();
  absl::Time last_seen = absl::InfinitePast();
  int streams = 0;  // open streams with this id (a reconnect may briefly overlap the old one)
  std::map<std::string, TypeStatus> types;  // by type URL
  std::string config_hash;  // the last version the node ACKed for every resource type
  absl::Time last_ack = absl::InfinitePast();
  absl::Time last_nack = absl::InfinitePast();
  std::string error;  // the last NACK's message

  bool connected() const { return streams > 0; }
};

// The data planes a control plane serves, for its admin API. Thread-safe: discovery streams
// record into it from gRPC's threads while the admin API reads it.
class NodeRegistry {
 public:
  using Clock = std::function<absl::Time()>;

  explicit NodeRegistry(Clock clock = [] { return absl::Now(); });

  // A stream named `node`; a known id is updated (identity, peer) rather than duplicated.
  void connected(const envoy::config::core::v3::Node& node, const std::string& peer);
  void disconnected(const std::string& id);
  // Any request from the node.
  void seen(const std::string& id);
  void sent(const std::string& id, const std::string& type_url, const std::string& version,
            const std::string& nonce);
  // A first request for a type that says which version the node already holds (a reconnect).
  void subscribed(const std::string& id, const std::string& type_url, const std::string& version);
  void acked(const std::string& id, const std::string& type_url, const std::string& version);
  void nacked(const std::string& id, const std::string& type_url, const std::string& version,
              const std::string& error);

  std::optional<NodeStatus> find(const std::string& id) const;

  // Kong's GET /clustering/data-planes body, with Portico's fields added. sync_status is "normal"
  // when the node ACKed every type at `current_version`, "nack" while a type's last answer is a
  // NACK, and "unknown" otherwise (still syncing, or disconnected behind).
  nlohmann::json dataPlanesJson(const std::string& current_version) const;

 private:
  // Caller holds mu_. Marks `config_hash` once every resource type holds the same version.
  void updateConfigHash(NodeStatus& node) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  TypeStatus* typeOf(const std::string& id, const std::string& type_url)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Clock clock_;
  mutable absl::Mutex mu_;
  std::map<std::string, NodeStatus> nodes_ ABSL_GUARDED_BY(mu_);
};

// "ipv4:10.0.0.7:51234" -> "10.0.0.7", "ipv6:[::1]:51234" (or %5B::1%5D) -> "::1"; else "".
std::string peerIp(const std::string& peer);

}  // namespace portico::xds::server

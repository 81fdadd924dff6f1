#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "source/common/network/timer.h"
#include "source/filters/http/rate_limiting/config.h"
#include "source/filters/http/rate_limiting/redis_client.h"
#include "source/filters/http/rate_limiting/redis_executor.h"

namespace portico::filters::http::rate_limiting {

// A worker's client for one Redis Cluster (settings with cluster_nodes), living for the worker's
// lifetime like RedisClient.
//
// The slot map comes from CLUSTER SLOTS, asked of each seed in turn (then of the nodes already
// known) on first use. Each command goes to the node serving its first key's slot, through that
// node's own RedisClient pool; the commands of one execute() that share a node are pipelined.
// A MOVED reply updates that slot's entry and sends the command again to the new node; an ASK
// reply sends ASKING and the command to the named node, once. After `cluster_max_redirections`
// redirections of one command the whole execute() fails. MOVED and connection failures also
// reload the whole map, at most once per kReloadIntervalMs.
class RedisCluster : public RedisExecutor {
 public:
  static constexpr uint64_t kReloadIntervalMs = 100;

  RedisCluster(uv_loop_t* loop, RedisSettings settings, upstream::Resolver& resolver);
  ~RedisCluster() override;
  RedisCluster(const RedisCluster&) = delete;
  RedisCluster& operator=(const RedisCluster&) = delete;

  // RedisExecutor
  void execute(const std::vector<RedisCommand>& commands, ReplyCallback callback) override;

  // "host:port" of the node the map says serves `slot`; empty when none does.
  std::string nodeForSlot(uint16_t slot) const;
  // How many times a slot map was loaded.
  size_t mapLoads() const { return map_loads_; }

  // A MOVED or ASK reply's target.
  struct Redirect {
    bool ask = false;
    uint16_t slot = 0;
    std::string host;
    uint16_t port = 0;
  };

 private:
  struct Node {
    std::string host;
    uint16_t port = 0;
  };
  struct Batch;
  using BatchPtr = std::shared_ptr<Batch>;

  void dispatch(const BatchPtr& batch);
  void sendTo(const BatchPtr& batch, const Node& node, const std::vector<size_t>& indices,
              bool asking);
  void onReplies(const BatchPtr& batch, const Node& node, const std::vector<size_t>& indices,
                 bool asking, absl::StatusOr<Replies> replies);
  // Keeps `reply` as the command's answer, or returns where to send the command again.
  std::optional<Redirect> onReply(const BatchPtr& batch, size_t index, ReplyPtr reply,
                                  const Node& from);
  // Starts loading the map unless a load runs or ran too recently; returns whether one runs.
  bool loadMap();
  void loadFrom(std::shared_ptr<std::vector<Node>> candidates, size_t next, absl::Status last);
  absl::Status installMap(const redisReply& reply, const Node& from);
  void mapLoadEnded(const absl::Status& status);
  int nodeIndex(const Node& node);
  RedisClient& client(const Node& node);
  void post(std::function<void()> task);
  void runPosted();

  uv_loop_t* loop_;
  RedisSettings settings_;
  upstream::Resolver& resolver_;  // the worker's, handed to each node's client
  std::vector<Node> nodes_;       // every node a map or redirection named
  std::vector<int> slots_;        // slot → index into nodes_, -1 when unserved
  absl::flat_hash_map<std::string, std::unique_ptr<RedisClient>> clients_;
  bool loaded_ = false;
  bool loading_ = false;
  uint64_t next_load_ms_ = 0;
  size_t map_loads_ = 0;
  std::vector<BatchPtr> awaiting_map_;
  std::vector<std::function<void()>> posted_;
  network::Timer posted_timer_;
  std::shared_ptr<RedisCluster*> alive_;  // replies hold a weak_ptr to it
};

}  // namespace portico::filters::http::rate_limiting

#include "source/filters/http/rate_limiting/redis_cluster.h"

#include <algorithm>
#include <cassert>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "source/filters/http/rate_limiting/cluster_slot.h"

namespace portico::filters::http::rate_limiting {
namespace {

bool isScript(const RedisCommand& command) {
  const std::string name = absl::AsciiStrToUpper(command.front());
  return name == "EVAL" || name == "EVALSHA";
}

// The key a command is routed by: a script's first key, otherwise the first argument.
std::string_view routingKey(const RedisCommand& command) {
  if (command.size() < 2) {
    return {};
  }
  if (isScript(command)) {
    return command.size() > 3 && command[2] != "0" ? std::string_view(command[3])
                                                   : std::string_view();
  }
  return command[1];
}

// A script may only touch keys of one slot (checked in debug builds only).
[[maybe_unused]] bool scriptKeysShareASlot(const RedisCommand& command) {
  size_t keys = 0;
  if (!isScript(command) || command.size() < 3 || !absl::SimpleAtoi(command[2], &keys)) {
    return true;
  }
  for (size_t i = 4; i < 3 + keys && i < command.size(); ++i) {
    if (clusterSlot(command[i]) != clusterSlot(command[3])) {
      return false;
    }
  }
  return true;
}

// `MOVED <slot> <host>:<port>` or `ASK <slot> <host>:<port>`; an empty host means the node that
// answered.
std::optional<RedisCluster::Redirect> parseRedirect(absl::string_view error,
                                                    const std::string& from_host) {
  RedisCluster::Redirect redirect;
  redirect.ask = absl::StartsWith(error, "ASK ");
  if (!redirect.ask && !absl::StartsWith(error, "MOVED ")) {
    return std::nullopt;
  }
  error.remove_prefix(redirect.ask ? 4 : 6);
  const size_t space = error.find(' ');
  const size_t colon = error.rfind(':');
  uint32_t slot = 0;
  uint32_t port = 0;
  if (space == absl::string_view::npos || colon == absl::string_view::npos || colon < space ||
      !absl::SimpleAtoi(error.substr(0, space), &slot) || slot >= kClusterSlots ||
      !absl::SimpleAtoi(error.substr(colon + 1), &port) || port == 0 || port > 65535) {
    return std::nullopt;
  }
  redirect.slot = static_cast<uint16_t>(slot);
  redirect.host = std::string(error.substr(space + 1, colon - space - 1));
  if (redirect.host.empty()) {
    redirect.host = from_host;
  }
  redirect.port = static_cast<uint16_t>(port);
  return redirect;
}

}  // namespace

struct RedisCluster::Batch {
  std::vector<RedisCommand> commands;
  Replies replies;
  std::vector<int> redirections;
  size_t pending = 0;  // sends awaiting their replies
  absl::Status error;
  ReplyCallback callback;
};

RedisCluster::RedisCluster(uv_loop_t* loop, RedisSettings settings, upstream::Resolver& resolver)
    : loop_(loop),
      settings_(std::move(settings)),
      resolver_(resolver),
      slots_(kClusterSlots, -1),
      posted_timer_(loop, [this] { runPosted(); }),
      alive_(std::make_shared<RedisCluster*>(this)) {}

RedisCluster::~RedisCluster() = default;

void RedisCluster::execute(const std::vector<RedisCommand>& commands, ReplyCallback callback) {
  auto batch = std::make_shared<Batch>();
  batch->commands = commands;
  batch->replies.resize(commands.size());
  batch->redirections.assign(commands.size(), 0);
  batch->callback = std::move(callback);
  if (commands.empty()) {
    post([batch] { batch->callback(Replies()); });
    return;
  }
  if (loaded_) {
    dispatch(batch);
    return;
  }
  if (!loadMap()) {
    post([batch] {
      batch->callback(absl::UnavailableError(
          "redis cluster: no slot map (waiting before asking the seed nodes again)"));
    });
    return;
  }
  awaiting_map_.push_back(std::move(batch));
}

void RedisCluster::dispatch(const BatchPtr& batch) {
  absl::flat_hash_map<int, std::vector<size_t>> by_node;
  for (size_t i = 0; i < batch->commands.size(); ++i) {
    const RedisCommand& command = batch->commands[i];
    assert(scriptKeysShareASlot(command));
    const int node = slots_[clusterSlot(routingKey(command))];
    // An unserved slot goes to any node, whose MOVED or CLUSTERDOWN then tells what to do.
    by_node[node < 0 ? 0 : node].push_back(i);
  }
  for (const auto& [node, indices] : by_node) {
    sendTo(batch, nodes_[node], indices, false);
  }
}

void RedisCluster::sendTo(const BatchPtr& batch, const Node& node,
                          const std::vector<size_t>& indices, bool asking) {
  std::vector<RedisCommand> commands;
  for (size_t index : indices) {
    if (asking) {
      commands.push_back({"ASKING"});
    }
    commands.push_back(batch->commands[index]);
  }
  ++batch->pending;
  std::weak_ptr<RedisCluster*> weak = alive_;
  client(node).execute(commands,
                       [this, weak, batch, node, indices, asking](absl::StatusOr<Replies> replies) {
                         if (!weak.expired()) {
                           onReplies(batch, node, indices, asking, std::move(replies));
                         }
                       });
}

void RedisCluster::onReplies(const BatchPtr& batch, const Node& node,
                             const std::vector<size_t>& indices, bool asking,
                             absl::StatusOr<Replies> replies) {
  --batch->pending;
  if (!replies.ok()) {
    if (batch->error.ok()) {
      batch->error = replies.status();
    }
    loadMap();
  } else {
    // Commands redirected to one node go in one send, so they keep their order.
    std::vector<std::pair<Redirect, std::vector<size_t>>> redirected;
    size_t next = 0;
    for (size_t index : indices) {
      next += asking ? 1 : 0;  // ASKING's own OK
      std::optional<Redirect> redirect = onReply(batch, index, std::move((*replies)[next++]), node);
      if (!redirect.has_value()) {
        continue;
      }
      auto same = std::find_if(redirected.begin(), redirected.end(), [&](const auto& group) {
        return group.first.ask == redirect->ask && group.first.host == redirect->host &&
               group.first.port == redirect->port;
      });
      if (same == redirected.end()) {
        redirected.push_back({*redirect, {index}});
      } else {
        same->second.push_back(index);
      }
    }
    for (const auto& [redirect, group] : redirected) {
      sendTo(batch, Node{redirect.host, redirect.port}, group, redirect.ask);
    }
  }
  if (batch->pending > 0) {
    return;
  }
  if (batch->error.ok()) {
    batch->callback(std::move(batch->replies));
  } else {
    batch->callback(batch->error);
  }
}

std::optional<RedisCluster::Redirect> RedisCluster::onReply(const BatchPtr& batch, size_t index,
                                                            ReplyPtr reply, const Node& from) {
  if (reply->type == REDIS_REPLY_ERROR) {
    const absl::string_view error(reply->str, reply->len);
    if (std::optional<Redirect> redirect = parseRedirect(error, from.host)) {
      if (batch->redirections[index] >= settings_.cluster_max_redirections) {
        if (batch->error.ok()) {
          batch->error = absl::UnavailableError(
              absl::StrCat("redis cluster: too many redirections (last: ", error, ")"));
        }
        return std::nullopt;
      }
      ++batch->redirections[index];
      if (!redirect->ask) {
        slots_[redirect->slot] = nodeIndex(Node{redirect->host, redirect->port});
        loadMap();
      }
      return redirect;
    }
  }
  batch->replies[index] = std::move(reply);
  return std::nullopt;
}

bool RedisCluster::loadMap() {
  if (loading_) {
    return true;
  }
  const uint64_t now = uv_now(loop_);
  if (now < next_load_ms_) {
    return false;
  }
  loading_ = true;
  next_load_ms_ = now + kReloadIntervalMs;
  auto candidates = std::make_shared<std::vector<Node>>();
  for (const RedisNode& seed : settings_.cluster_nodes) {
    candidates->push_back(Node{seed.ip, seed.port});
  }
  for (const Node& node : nodes_) {
    candidates->push_back(node);
  }
  loadFrom(std::move(candidates), 0, absl::OkStatus());
  return true;
}

void RedisCluster::loadFrom(std::shared_ptr<std::vector<Node>> candidates, size_t next,
                            absl::Status last) {
  if (next == candidates->size()) {
    mapLoadEnded(absl::UnavailableError(
        absl::StrCat("redis cluster: no node answered CLUSTER SLOTS: ", last.message())));
    return;
  }
  const Node node = (*candidates)[next];
  std::weak_ptr<RedisCluster*> weak = alive_;
  client(node).execute({{"CLUSTER", "SLOTS"}},
                       [this, weak, candidates, next, node](absl::StatusOr<Replies> replies) {
                         if (weak.expired()) {
                           return;
                         }
                         absl::Status status = replies.ok() ? installMap(*replies->front(), node)
                                                            : std::move(replies).status();
                         if (status.ok()) {
                           mapLoadEnded(status);
                           return;
                         }
                         loadFrom(candidates, next + 1, std::move(status));
                       });
}

absl::Status RedisCluster::installMap(const redisReply& reply, const Node& from) {
  if (reply.type == REDIS_REPLY_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("CLUSTER SLOTS: ", std::string(reply.str, reply.len)));
  }
  const absl::Status malformed = absl::InternalError("CLUSTER SLOTS: unexpected reply");
  if (reply.type != REDIS_REPLY_ARRAY) {
    return malformed;
  }
  std::vector<int> slots(kClusterSlots, -1);
  bool any = false;
  for (size_t i = 0; i < reply.elements; ++i) {
    const redisReply& range = *reply.element[i];
    if (range.type != REDIS_REPLY_ARRAY || range.elements < 3 ||
        range.element[0]->type != REDIS_REPLY_INTEGER ||
        range.element[1]->type != REDIS_REPLY_INTEGER ||
        range.element[2]->type != REDIS_REPLY_ARRAY || range.element[2]->elements < 2 ||
        range.element[2]->element[0]->type != REDIS_REPLY_STRING ||
        range.element[2]->element[1]->type != REDIS_REPLY_INTEGER) {
      return malformed;
    }
    const long long first = range.element[0]->integer;
    const long long last = range.element[1]->integer;
    const redisReply& master = *range.element[2];
    std::string host(master.element[0]->str, master.element[0]->len);
    // Redis 7 names an endpoint it does not know as "" or "?": the node that answered.
    if (host.empty() || host == "?") {
      host = from.host;
    }
    const long long port = master.element[1]->integer;
    if (first < 0 || last >= kClusterSlots || first > last || port <= 0 || port > 65535) {
      return malformed;
    }
    const int node = nodeIndex(Node{std::move(host), static_cast<uint16_t>(port)});
    for (long long slot = first; slot <= last; ++slot) {
      slots[slot] = node;
    }
    any = true;
  }
  if (!any) {
    return absl::UnavailableError("CLUSTER SLOTS: no slot is served");
  }
  slots_ = std::move(slots);
  loaded_ = true;
  ++map_loads_;
  return absl::OkStatus();
}

void RedisCluster::mapLoadEnded(const absl::Status& status) {
  loading_ = false;
  std::vector<BatchPtr> batches = std::move(awaiting_map_);
  awaiting_map_.clear();
  for (const BatchPtr& batch : batches) {
    if (loaded_) {
      dispatch(batch);
    } else {
      batch->callback(status);
    }
  }
}

int RedisCluster::nodeIndex(const Node& node) {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].host == node.host && nodes_[i].port == node.port) {
      return static_cast<int>(i);
    }
  }
  nodes_.push_back(node);
  return static_cast<int>(nodes_.size() - 1);
}

std::string RedisCluster::nodeForSlot(uint16_t slot) const {
  const int node = slots_[slot];
  return node < 0 ? std::string() : absl::StrCat(nodes_[node].host, ":", nodes_[node].port);
}

RedisClient& RedisCluster::client(const Node& node) {
  std::unique_ptr<RedisClient>& client = clients_[absl::StrCat(node.host, ":", node.port)];
  if (client == nullptr) {
    RedisSettings settings = settings_;
    settings.host = node.host;
    settings.port = node.port;
    settings.database = 0;  // a cluster has only database 0
    settings.cluster_nodes.clear();
    client = std::make_unique<RedisClient>(loop_, std::move(settings), resolver_);
  }
  return *client;
}

void RedisCluster::post(std::function<void()> task) {
  posted_.push_back(std::move(task));
  if (!posted_timer_.armed()) {
    posted_timer_.arm(0);
  }
}

void RedisCluster::runPosted() {
  std::vector<std::function<void()>> tasks = std::move(posted_);
  posted_.clear();
  for (auto& task : tasks) {
    task();
  }
}

}  // namespace portico::filters::http::rate_limiting

#include "source/filters/http/rate_limiting/redis_sync.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace portico::filters::http::rate_limiting {
namespace {

// An integer reply, or a string/nil one as GET gives it; none for anything else.
std::optional<int64_t> totalOf(const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_INTEGER:
      return reply.integer;
    case REDIS_REPLY_NIL:
      return 0;
    case REDIS_REPLY_STRING: {
      int64_t value = 0;
      if (absl::SimpleAtoi(absl::string_view(reply.str, reply.len), &value)) {
        return value;
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

RedisSync::RedisSync(uv_loop_t* loop, SyncedCounters& counters, RedisExecutor& redis,
                     ThrottledLog& log, const Clock& clock, uint64_t interval_ms)
    : loop_(loop),
      counters_(counters),
      redis_(redis),
      log_(log),
      clock_(clock),
      interval_ms_(interval_ms),
      timer_(loop, [this] { flush(); }),
      alive_(std::make_shared<RedisSync*>(this)) {}

RedisSync::~RedisSync() {
  if (in_flight_ != nullptr) {
    counters_.endFlush(*in_flight_, {});
  }
  if (in_flight_ != nullptr || timer_.armed()) {
    counters_.abandonFlush();
  }
}

void RedisSync::armFlush() { timer_.arm(interval_ms_); }

std::optional<Decision> RedisSync::decideLocally(const RateLimitConfig& config,
                                                 std::string_view identifier, int64_t now_ms) {
  SyncedCounters::Admission admission = counters_.admit(makeSyncPlan(config, identifier, now_ms));
  if (admission.arm_flush) {
    armFlush();
  }
  return std::move(admission.decision);
}

void RedisSync::fetchThenDecide(const RateLimitConfig& config, std::string_view identifier,
                                int64_t now_ms, DecisionCallback done) {
  auto plan = std::make_shared<SyncPlan>(makeSyncPlan(config, identifier, now_ms));
  std::vector<RedisCommand> commands;
  for (const std::string& key : plan->keys()) {
    commands.push_back({"GET", key});
  }
  std::weak_ptr<RedisSync*> weak = alive_;
  redis_.execute(commands, [weak, plan, done = std::move(done)](absl::StatusOr<Replies> replies) {
    std::shared_ptr<RedisSync*> self = weak.lock();
    if (self == nullptr) {
      return;
    }
    if (!replies.ok()) {
      done(replies.status());
      return;
    }
    RedisSync& sync = **self;
    size_t index = 0;
    bool arm = false;
    const auto learn = [&](const std::string& key, const SyncPlan::Counter& counter) -> bool {
      const std::optional<int64_t> total = totalOf(*(*replies)[index++]);
      if (!total.has_value()) {
        return false;
      }
      arm |= sync.counters_.learn(key, *total, counter.local_expires_at_ms,
                                  counter.redis_expires_at_ms);
      return true;
    };
    for (const SyncPlan::Counter& counter : plan->periods) {
      if (!learn(counter.key, counter) ||
          (!counter.previous_key.empty() && !learn(counter.previous_key, counter))) {
        done(absl::InternalError("redis: unexpected reply to GET"));
        return;
      }
    }
    SyncedCounters::Admission admission = sync.counters_.admit(*plan);
    if (arm || admission.arm_flush) {
      sync.armFlush();
    }
    if (!admission.decision.has_value()) {
      done(absl::InternalError("the synced counter view was dropped while it was read"));
      return;
    }
    done(std::move(*admission.decision));
  });
}

bool RedisSync::flush() {
  if (in_flight_ != nullptr) {
    return false;
  }
  auto items = std::make_shared<std::vector<SyncedCounters::FlushItem>>(
      counters_.beginFlush(clock_.nowMs()));
  if (items->empty()) {
    return false;
  }
  std::vector<RedisCommand> commands;
  for (const SyncedCounters::FlushItem& item : *items) {
    if (item.delta > 0) {
      commands.push_back({"INCRBY", item.key, std::to_string(item.delta)});
      commands.push_back({"PEXPIREAT", item.key, std::to_string(item.redis_expires_at_ms)});
    } else {
      commands.push_back({"GET", item.key});
    }
  }
  in_flight_ = items;
  std::weak_ptr<RedisSync*> weak = alive_;
  redis_.execute(commands, [weak, items](absl::StatusOr<Replies> replies) {
    std::shared_ptr<RedisSync*> self = weak.lock();
    if (self == nullptr) {
      return;
    }
    RedisSync& sync = **self;
    sync.in_flight_.reset();
    std::vector<std::optional<int64_t>> totals(items->size());
    size_t failed = 0;
    std::string error;
    if (replies.ok()) {
      size_t index = 0;
      for (size_t i = 0; i < items->size(); ++i) {
        const redisReply& reply = *(*replies)[index];
        index += (*items)[i].delta > 0 ? 2 : 1;
        totals[i] = totalOf(reply);
        if (!totals[i].has_value()) {
          ++failed;
          if (reply.type == REDIS_REPLY_ERROR) {
            error = std::string(reply.str, reply.len);
          }
        }
      }
    } else {
      failed = items->size();
      error = std::string(replies.status().message());
    }
    if (failed > 0) {
      sync.log_.error(absl::StrCat("[rate-limiting] failed to sync ", failed,
                                   " counters to redis (kept for the next sync): ", error));
    }
    if (sync.counters_.endFlush(*items, totals)) {
      sync.armFlush();
    }
  });
  return true;
}

}  // namespace portico::filters::http::rate_limiting

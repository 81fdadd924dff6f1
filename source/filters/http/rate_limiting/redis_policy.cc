#include "source/filters/http/rate_limiting/redis_policy.h"

#include <openssl/sha.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "source/filters/http/rate_limiting/counter_key.h"
#include "source/filters/http/rate_limiting/headers.h"
#include "source/filters/http/rate_limiting/window.h"

namespace portico::filters::http::rate_limiting {
namespace {

// KEYS: one per period. ARGV: the TTL of each. Returns each key's count after this request.
constexpr char kFixedScript[] = R"lua(
local counts = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then
    redis.call('EXPIRE', key, ARGV[i])
  end
  counts[i] = count
end
return counts
)lua";

// KEYS: current and previous window key of each period. ARGV: limit, previous-window weight and
// TTL of each. Returns {admitted (1/0), current count, previous count, …} before this request.
constexpr char kSlidingScript[] = R"lua(
local n = #KEYS / 2
local result = {1}
for i = 1, n do
  local current = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
  local previous = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
  if previous * tonumber(ARGV[3 * i - 1]) + current >= tonumber(ARGV[3 * i - 2]) then
    result[1] = 0
  end
  result[2 * i] = current
  result[2 * i + 1] = previous
end
if result[1] == 1 then
  for i = 1, n do
    if redis.call('INCR', KEYS[2 * i - 1]) == 1 then
      redis.call('EXPIRE', KEYS[2 * i - 1], ARGV[3 * i])
    end
  end
end
return result
)lua";

struct Script {
  explicit Script(const char* source) : text(source) {
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    sha = absl::BytesToHexString(
        absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
  }
  std::string text;
  std::string sha;
};

const Script& fixedScript() {
  static const Script* script = new Script(kFixedScript);
  return *script;
}

const Script& slidingScript() {
  static const Script* script = new Script(kSlidingScript);
  return *script;
}

// One request's script call, kept until Redis answers.
struct Call {
  const Script* script = nullptr;
  RedisCommand arguments;  // numkeys, keys, argv
  std::vector<PeriodUsage> usages;
  std::vector<double> weights;
  bool sliding = false;
  DecisionCallback done;
};

RedisCommand scriptCommand(const Call& call, bool by_sha) {
  RedisCommand command;
  command.reserve(call.arguments.size() + 2);
  command.push_back(by_sha ? "EVALSHA" : "EVAL");
  command.push_back(by_sha ? call.script->sha : call.script->text);
  command.insert(command.end(), call.arguments.begin(), call.arguments.end());
  return command;
}

absl::StatusOr<std::vector<long long>> integers(const redisReply& reply) {
  if (reply.type == REDIS_REPLY_ERROR) {
    return absl::InternalError(absl::StrCat("redis: ", std::string(reply.str, reply.len)));
  }
  if (reply.type != REDIS_REPLY_ARRAY) {
    return absl::InternalError("redis: unexpected reply to the rate-limiting script");
  }
  std::vector<long long> values;
  for (size_t i = 0; i < reply.elements; ++i) {
    if (reply.element[i]->type != REDIS_REPLY_INTEGER) {
      return absl::InternalError("redis: unexpected reply to the rate-limiting script");
    }
    values.push_back(reply.element[i]->integer);
  }
  return values;
}

absl::StatusOr<Decision> interpret(const Call& call, const redisReply& reply) {
  absl::StatusOr<std::vector<long long>> values = integers(reply);
  if (!values.ok()) {
    return values.status();
  }
  Decision decision;
  decision.usages = call.usages;
  const size_t periods = call.usages.size();
  if (!call.sliding) {
    if (values->size() != periods) {
      return absl::InternalError("redis: unexpected reply to the rate-limiting script");
    }
    for (size_t i = 0; i < periods; ++i) {
      PeriodUsage& usage = decision.usages[i];
      usage.usage = static_cast<double>((*values)[i] - 1);
      if (!decision.exceeded && usage.usage >= usage.limit) {
        decision.exceeded = i;
      }
    }
    return decision;
  }
  if (values->size() != 1 + 2 * periods) {
    return absl::InternalError("redis: unexpected reply to the rate-limiting script");
  }
  const bool admitted = (*values)[0] == 1;
  for (size_t i = 0; i < periods; ++i) {
    PeriodUsage& usage = decision.usages[i];
    usage.usage = static_cast<double>((*values)[1 + 2 * i]) +
                  call.weights[i] * static_cast<double>((*values)[2 + 2 * i]);
    if (!admitted && !decision.exceeded && usage.usage >= usage.limit) {
      decision.exceeded = i;
    }
  }
  if (!admitted && !decision.exceeded) {
    decision.exceeded = 0;  // only rounding can get here: trust the script
  }
  return decision;
}

void send(RedisExecutor& client, std::shared_ptr<Call> call, bool by_sha) {
  client.execute({scriptCommand(*call, by_sha)},
                 [&client, call, by_sha](absl::StatusOr<Replies> replies) {
                   if (!replies.ok()) {
                     call->done(replies.status());
                     return;
                   }
                   const redisReply& reply = *replies->front();
                   if (by_sha && reply.type == REDIS_REPLY_ERROR &&
                       absl::StartsWith(absl::string_view(reply.str, reply.len), "NOSCRIPT")) {
                     send(client, call, false);
                     return;
                   }
                   call->done(interpret(*call, reply));
                 });
}

}  // namespace

void evaluateRedis(const RateLimitConfig& config, RedisExecutor& client,
                   std::string_view identifier, int64_t now_ms, DecisionCallback done) {
  auto call = std::make_shared<Call>();
  call->sliding = config.window_type == WindowType::kSliding;
  call->script = call->sliding ? &slidingScript() : &fixedScript();
  call->done = std::move(done);
  const size_t periods = config.limits.size();
  RedisCommand keys;
  RedisCommand argv;
  for (const Limit& limit : config.limits) {
    const WindowSpan span = windowSpan(limit.period, now_ms, call->sliding);
    call->usages.push_back(PeriodUsage{limit.period, limit.limit, 0, span.start_ms});
    keys.push_back(counterKey(config, identifier, span.start_ms, limit.period));
    if (call->sliding) {
      keys.push_back(counterKey(config, identifier, span.previous_start_ms, limit.period));
      // Rounded as sent, so the script and the headers use the same estimate.
      const double weight = std::round(span.previous_weight * 1e6) / 1e6;
      call->weights.push_back(weight);
      argv.push_back(formatNumber(limit.limit));
      argv.push_back(absl::StrFormat("%.6f", weight));
    }
    argv.push_back(std::to_string(span.ttl_seconds));
  }
  call->arguments.push_back(std::to_string(call->sliding ? 2 * periods : periods));
  call->arguments.insert(call->arguments.end(), keys.begin(), keys.end());
  call->arguments.insert(call->arguments.end(), argv.begin(), argv.end());
  send(client, std::move(call), true);
}

}  // namespace portico::filters::http::rate_limiting

#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "source/common/aws/credential_source.h"
#include "source/common/aws/http_fetcher.h"

namespace portico::aws::test {

// Records requests and answers them from a handler, at once or when complete() is called.
class FakeFetcher {
 public:
  using Handler = std::function<absl::StatusOr<FetchResponse>(const FetchRequest&)>;

  explicit FakeFetcher(Handler handler) : state_(std::make_shared<State>()) {
    state_->handler = std::move(handler);
  }

  HttpFetcher fetcher() const {
    return [state = state_](const FetchRequest& request, FetchCallback done) {
      state->requests.push_back(request);
      if (state->deferred) {
        state->pending.emplace_back(request, std::move(done));
      } else {
        done(state->handler(request));
      }
    };
  }

  void setHandler(Handler handler) { state_->handler = std::move(handler); }
  void setDeferred(bool deferred) { state_->deferred = deferred; }
  // Answers the requests held back while deferred.
  void complete() {
    auto pending = std::move(state_->pending);
    state_->pending.clear();
    for (auto& [request, done] : pending) {
      done(state_->handler(request));
    }
  }
  size_t pendingCount() const { return state_->pending.size(); }
  const std::vector<FetchRequest>& requests() const { return state_->requests; }

 private:
  struct State {
    Handler handler;
    bool deferred = false;
    std::vector<FetchRequest> requests;
    std::vector<std::pair<FetchRequest, FetchCallback>> pending;
  };
  std::shared_ptr<State> state_;
};

inline FetchResponse response(int status, std::string body) {
  FetchResponse result;
  result.status = status;
  result.body = std::move(body);
  return result;
}

// The value of header `name` in `request`, or "" when absent.
inline std::string header(const FetchRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) {
      return value;
    }
  }
  return "";
}

inline EnvLookup fakeEnv(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

inline std::chrono::system_clock::time_point timeAt(const std::string& rfc3339) {
  absl::Time time;
  std::string error;
  absl::ParseTime(absl::RFC3339_full, rfc3339, &time, &error);
  return absl::ToChronoTime(time);
}

// A settable clock shared by the code under test and the test.
class FakeClock {
 public:
  explicit FakeClock(std::chrono::system_clock::time_point now)
      : now_(std::make_shared<std::chrono::system_clock::time_point>(now)) {}
  Clock clock() const {
    return [now = now_] { return *now; };
  }
  void set(std::chrono::system_clock::time_point now) { *now_ = now; }
  void advance(std::chrono::system_clock::duration by) { *now_ += by; }
  std::chrono::system_clock::time_point now() const { return *now_; }

 private:
  std::shared_ptr<std::chrono::system_clock::time_point> now_;
};

// Runs `source` and returns what it reported (sources in these tests answer synchronously or
// through a FakeFetcher that is completed before the result is read).
inline std::shared_ptr<absl::StatusOr<Credentials>> fetchInto(CredentialSource& source) {
  auto result = std::make_shared<absl::StatusOr<Credentials>>(absl::UnknownError("pending"));
  source.fetch([result](absl::StatusOr<Credentials> value) { *result = std::move(value); });
  return result;
}

}  // namespace portico::aws::test

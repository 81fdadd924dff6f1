#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "source/common/aws/credentials.h"

namespace portico::aws {

using Clock = std::function<std::chrono::system_clock::time_point()>;
Clock systemClock();

// Reads one environment variable; nullopt when unset. Injected so tests control the environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup processEnvironment();

// The value of `name`, or nullopt when it is unset or empty (the SDKs treat both alike).
std::optional<std::string> nonEmptyEnv(const EnvLookup& env, const std::string& name);

using SourceCallback = std::function<void(absl::StatusOr<Credentials>)>;

// One place credentials can come from. fetch() runs on the main loop and calls `done` exactly once,
// possibly before returning (sources that only read the environment or a file do). The source
// may be destroyed while a fetch is in flight; `done` still runs.
//
// Errors: kNotFound means "not configured here" (the chain moves on to the next source); any other
// code means the source is configured but failed. Messages name the source and, for HTTP, the
// status; they never carry a key, a secret or a token.
class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  virtual void fetch(SourceCallback done) = 0;
  // For logs: "environment", "shared file", "container", "imds", "sts assume role", ...
  virtual std::string name() const = 0;
};
using CredentialSourceSharedPtr = std::shared_ptr<CredentialSource>;

// Keys from the plugin config (aws_key/aws_secret).
class StaticSource : public CredentialSource {
 public:
  explicit StaticSource(Credentials credentials) : credentials_(std::move(credentials)) {}
  void fetch(SourceCallback done) override { done(credentials_); }
  std::string name() const override { return "config"; }

 private:
  const Credentials credentials_;
};

}  // namespace portico::aws

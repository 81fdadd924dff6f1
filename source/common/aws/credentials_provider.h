#pragma once

#include <memory>

#include "absl/synchronization/mutex.h"
#include "source/common/aws/credential_source.h"
#include "source/common/aws/credentials.h"

namespace portico::aws {

using CredentialsConstSharedPtr = std::shared_ptr<const Credentials>;

// The credentials one plugin configuration signs with. Workers call current() per request: it
// never blocks on I/O and never fetches. Only the main thread's CredentialsRefresher writes it.
// Holds no loop resources, so the last reference may be dropped on any thread.
class CredentialsProvider {
 public:
  explicit CredentialsProvider(Clock clock = systemClock()) : clock_(std::move(clock)) {}

  // nullptr until the first fetch succeeded, and again once the last credentials expired without
  // a successful refresh (the caller answers 500, as Kong does without credentials).
  CredentialsConstSharedPtr current() const;

  void update(Credentials credentials);
  void clear();

 private:
  const Clock clock_;
  mutable absl::Mutex mutex_;
  CredentialsConstSharedPtr credentials_ ABSL_GUARDED_BY(mutex_);
};
using CredentialsProviderSharedPtr = std::shared_ptr<CredentialsProvider>;

}  // namespace portico::aws

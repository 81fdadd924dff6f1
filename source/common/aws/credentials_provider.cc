#include "source/common/aws/credentials_provider.h"

namespace portico::aws {

CredentialsConstSharedPtr CredentialsProvider::current() const {
  CredentialsConstSharedPtr credentials;
  {
    absl::MutexLock lock(&mutex_);
    credentials = credentials_;
  }
  if (credentials != nullptr && credentials->expiration.has_value() &&
      *credentials->expiration <= clock_()) {
    return nullptr;
  }
  return credentials;
}

void CredentialsProvider::update(Credentials credentials) {
  auto fresh = std::make_shared<const Credentials>(std::move(credentials));
  absl::MutexLock lock(&mutex_);
  credentials_ = std::move(fresh);
}

void CredentialsProvider::clear() {
  CredentialsConstSharedPtr old;
  absl::MutexLock lock(&mutex_);
  old.swap(credentials_);
}

}  // namespace portico::aws

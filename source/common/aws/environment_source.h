#pragma once

#include "source/common/aws/credential_source.h"

namespace portico::aws {

// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and optionally AWS_SESSION_TOKEN. Read at each fetch;
// kNotFound when the key id is unset, kFailedPrecondition when only one of the pair is set.
class EnvironmentSource : public CredentialSource {
 public:
  explicit EnvironmentSource(EnvLookup env) : env_(std::move(env)) {}
  void fetch(SourceCallback done) override;
  std::string name() const override { return "environment"; }

 private:
  const EnvLookup env_;
};

}  // namespace portico::aws

#include "source/common/aws/environment_source.h"

namespace portico::aws {

void EnvironmentSource::fetch(SourceCallback done) {
  std::optional<std::string> key = nonEmptyEnv(env_, "AWS_ACCESS_KEY_ID");
  std::optional<std::string> secret = nonEmptyEnv(env_, "AWS_SECRET_ACCESS_KEY");
  if (!key.has_value() && !secret.has_value()) {
    done(absl::NotFoundError("environment: AWS_ACCESS_KEY_ID is not set"));
    return;
  }
  if (!key.has_value() || !secret.has_value()) {
    done(absl::FailedPreconditionError(
        "environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together"));
    return;
  }
  Credentials credentials;
  credentials.access_key_id = std::move(*key);
  credentials.secret_access_key = std::move(*secret);
  credentials.session_token = nonEmptyEnv(env_, "AWS_SESSION_TOKEN").value_or("");
  done(std::move(credentials));
}

}  // namespace portico::aws

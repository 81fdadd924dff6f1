#include "source/common/aws/credentials_provider_registry.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "source/common/aws/container_source.h"
#include "source/common/aws/environment_source.h"
#include "source/common/aws/shared_file_source.h"
#include "source/common/aws/source_chain.h"
#include "source/common/aws/sts_assume_role.h"

namespace portico::aws {
namespace {

std::string registryKey(const CredentialsOptions& options) {
  // NUL cannot occur in config strings, so distinct options never collide.
  return absl::StrJoin({options.access_key_id, options.secret_access_key, options.assume_role_arn,
                        options.role_session_name, options.sts_endpoint_url, options.region,
                        std::string(options.imds_version == ImdsVersion::kV2 ? "v2" : "v1")},
                       std::string(1, '\0'));
}

}  // namespace

CredentialSourceSharedPtr makeCredentialSource(const CredentialsOptions& options, EnvLookup env,
                                               HttpFetcher fetcher, Clock clock) {
  CredentialSourceSharedPtr source;
  if (!options.access_key_id.empty() || !options.secret_access_key.empty()) {
    Credentials credentials;
    credentials.access_key_id = options.access_key_id;
    credentials.secret_access_key = options.secret_access_key;
    source = std::make_shared<StaticSource>(std::move(credentials));
  } else {
    source = std::make_shared<SourceChain>(std::vector<CredentialSourceSharedPtr>{
        std::make_shared<EnvironmentSource>(env),
        std::make_shared<SharedFileSource>(env),
        std::make_shared<ContainerSource>(env, fetcher),
        std::make_shared<ImdsSource>(env, fetcher, options.imds_version),
    });
  }
  if (options.assume_role_arn.empty()) {
    return source;
  }
  AssumeRoleOptions assume;
  assume.role_arn = options.assume_role_arn;
  assume.session_name = options.role_session_name.empty() ? "kong" : options.role_session_name;
  assume.endpoint_url = options.sts_endpoint_url;
  assume.region = options.region;
  if (assume.region.empty()) {
    assume.region = nonEmptyEnv(env, "AWS_REGION")
                        .value_or(nonEmptyEnv(env, "AWS_DEFAULT_REGION").value_or(""));
  }
  return std::make_shared<AssumeRoleSource>(std::move(source), std::move(assume), std::move(env),
                                            std::move(fetcher), std::move(clock));
}

CredentialsProviderRegistry::CredentialsProviderRegistry(uv_loop_t* loop, HttpFetcher fetcher,
                                                         EnvLookup env, Clock clock,
                                                         RefreshPolicy policy)
    : loop_(loop),
      fetcher_(std::move(fetcher)),
      env_(std::move(env)),
      clock_(std::move(clock)),
      policy_(policy) {}

void CredentialsProviderRegistry::dropUnused() {
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = it->second.provider.expired() ? entries_.erase(it) : std::next(it);
  }
}

size_t CredentialsProviderRegistry::size() {
  dropUnused();
  return entries_.size();
}

CredentialsProviderSharedPtr CredentialsProviderRegistry::get(const CredentialsOptions& options) {
  dropUnused();
  const std::string key = registryKey(options);
  if (const auto it = entries_.find(key); it != entries_.end()) {
    if (CredentialsProviderSharedPtr provider = it->second.provider.lock()) {
      return provider;
    }
  }
  auto provider = std::make_shared<CredentialsProvider>(clock_);
  auto refresher = std::make_shared<CredentialsRefresher>(
      loop_, makeCredentialSource(options, env_, fetcher_, clock_), provider, clock_, policy_);
  entries_[key] = Entry{provider, refresher};
  refresher->start();
  return provider;
}

}  // namespace portico::aws

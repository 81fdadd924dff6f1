#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "source/common/aws/credential_source.h"

namespace portico::aws {

using IniSection = std::map<std::string, std::string>;

// An INI document read the way the AWS CLI reads ~/.aws/credentials and ~/.aws/config (Python's
// RawConfigParser): key names lower-cased, '#'/';' comments at line start only, indented lines
// continue the previous value. Errors give the first malformed line number, never its text.
absl::StatusOr<std::map<std::string, IniSection>> parseAwsIni(const std::string& content);

// The shared credentials file (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials) section
// `[<profile>]`, else the config file (AWS_CONFIG_FILE, default ~/.aws/config) section
// `[profile <profile>]` (or `[default]` for the default profile); the profile is AWS_PROFILE, else
// "default". Keys: aws_access_key_id, aws_secret_access_key, aws_session_token. kNotFound when
// neither file gives the profile a key; profiles that delegate (role_arn, credential_process,
// sso_*) are not followed.
class SharedFileSource : public CredentialSource {
 public:
  explicit SharedFileSource(EnvLookup env) : env_(std::move(env)) {}
  void fetch(SourceCallback done) override;
  std::string name() const override { return "shared file"; }

 private:
  absl::StatusOr<Credentials> load() const;
  // The aws_* keys of the first of `sections` that has any, in the file named by `path_variable`.
  absl::StatusOr<IniSection> profileKeys(const char* path_variable, const char* default_suffix,
                                         const std::vector<std::string>& sections) const;
  std::string resolvePath(const char* variable, const char* default_suffix) const;

  const EnvLookup env_;
};

}  // namespace portico::aws

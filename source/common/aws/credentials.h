#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace portico::aws {

// AWS credentials as a provider hands them out. Holds secrets: never log or print any field but
// access_key_id.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  // Empty for long-term keys.
  std::string session_token;
  // When temporary credentials stop working; nullopt for long-term keys.
  std::optional<std::chrono::system_clock::time_point> expiration;
};

}  // namespace portico::aws

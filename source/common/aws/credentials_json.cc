#include "source/common/aws/credentials_json.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace portico::aws {

absl::StatusOr<std::chrono::system_clock::time_point> parseAwsTimestamp(const std::string& text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return absl::InvalidArgumentError("malformed expiration timestamp");
  }
  return absl::ToChronoTime(time);
}

absl::StatusOr<Credentials> parseCredentialsJson(const std::string& body,
                                                 const std::string& source) {
  // No exceptions: a malformed document gives a "discarded" value. The body holds secrets, so no
  // part of it goes into an error.
  const nlohmann::json document = nlohmann::json::parse(body, nullptr, false);
  if (!document.is_object()) {
    return absl::DataLossError(absl::StrCat(source, ": credentials response is not a JSON object"));
  }
  const auto text = [&](const char* field) -> std::string {
    const auto it = document.find(field);
    return it != document.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (document.contains("Code") && text("Code") != "Success") {
    return absl::UnavailableError(
        absl::StrCat(source, ": credentials response Code is not Success"));
  }
  Credentials credentials;
  credentials.access_key_id = text("AccessKeyId");
  credentials.secret_access_key = text("SecretAccessKey");
  credentials.session_token = text("Token");
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return absl::DataLossError(
        absl::StrCat(source, ": credentials response lacks AccessKeyId or SecretAccessKey"));
  }
  const std::string expiration = text("Expiration");
  if (!expiration.empty()) {
    absl::StatusOr<std::chrono::system_clock::time_point> parsed = parseAwsTimestamp(expiration);
    if (!parsed.ok()) {
      return absl::DataLossError(absl::StrCat(source, ": ", parsed.status().message()));
    }
    credentials.expiration = *parsed;
  }
  return credentials;
}

}  // namespace portico::aws

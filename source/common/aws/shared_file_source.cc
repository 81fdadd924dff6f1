#include "source/common/aws/shared_file_source.h"

#include <ini.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "source/common/file/read_file.h"

namespace portico::aws {
namespace {

constexpr char kName[] = "shared file";

int onIniEntry(void* user, const char* section, const char* name, const char* value) {
  auto& sections = *static_cast<std::map<std::string, IniSection>*>(user);
  std::string& slot = sections[section][absl::AsciiStrToLower(name)];
  // inih reports each continuation line of a value as a repeat of the same name.
  slot = slot.empty() ? std::string(value) : absl::StrCat(slot, "\n", value);
  return 1;
}

// A missing file reads as empty: it simply holds no profile. Any other failure (permissions, a
// directory) is the user's to see.
absl::StatusOr<std::string> readProfiles(const std::string& path) {
  absl::StatusOr<std::string> contents = file::readFile(path);
  if (absl::IsNotFound(contents.status())) {
    return std::string();
  }
  return contents;
}

void copyKeys(const IniSection& from, IniSection& into) {
  for (const char* key : {"aws_access_key_id", "aws_secret_access_key", "aws_session_token"}) {
    const auto it = from.find(key);
    if (it != from.end() && !it->second.empty()) {
      into[key] = it->second;
    }
  }
}

}  // namespace

absl::StatusOr<std::map<std::string, IniSection>> parseAwsIni(const std::string& content) {
  // inih's defaults cut lines at 200 bytes, shorter than a session token, and strip "; ..." from
  // values; the AWS CLI does neither. Only the main thread parses, so setting the globals is safe.
  ini_max_line = 64 * 1024;
  ini_use_stack = false;
  ini_allow_realloc = true;
  ini_allow_inline_comments = false;
  ini_allow_multiline = true;
  std::map<std::string, IniSection> sections;
  const int result = ini_parse_string(content.c_str(), onIniEntry, &sections);
  if (result != 0) {
    return absl::InvalidArgumentError(absl::StrCat("malformed line ", result));
  }
  return sections;
}

std::string SharedFileSource::resolvePath(const char* variable, const char* default_suffix) const {
  std::string path = nonEmptyEnv(env_, variable).value_or(absl::StrCat("~/", default_suffix));
  if (absl::StartsWith(path, "~/")) {
    path = absl::StrCat(nonEmptyEnv(env_, "HOME").value_or(""), path.substr(1));
  }
  return path;
}

absl::StatusOr<IniSection> SharedFileSource::profileKeys(
    const char* path_variable, const char* default_suffix,
    const std::vector<std::string>& sections) const {
  const std::string path = resolvePath(path_variable, default_suffix);
  absl::StatusOr<std::string> contents = readProfiles(path);
  if (!contents.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kName, ": cannot read ", path, ": ", contents.status().message()));
  }
  absl::StatusOr<std::map<std::string, IniSection>> document = parseAwsIni(*contents);
  if (!document.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kName, ": ", path, ": ", document.status().message()));
  }
  IniSection keys;
  for (const std::string& section : sections) {
    if (const auto it = document->find(section); it != document->end()) {
      copyKeys(it->second, keys);
    }
    if (!keys.empty()) {
      break;
    }
  }
  return keys;
}

absl::StatusOr<Credentials> SharedFileSource::load() const {
  const std::string profile = nonEmptyEnv(env_, "AWS_PROFILE").value_or("default");
  // Like the CLI, the credentials file wins as a whole over the config file: keys from the two
  // are never mixed into one pair.
  absl::StatusOr<IniSection> keys =
      profileKeys("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials", {profile});
  if (!keys.ok()) {
    return keys.status();
  }
  if (keys->empty()) {
    std::vector<std::string> sections = {absl::StrCat("profile ", profile)};
    if (profile == "default") {
      sections.insert(sections.begin(), "default");
    }
    keys = profileKeys("AWS_CONFIG_FILE", ".aws/config", sections);
    if (!keys.ok()) {
      return keys.status();
    }
  }

  const bool has_key = keys->count("aws_access_key_id") > 0;
  const bool has_secret = keys->count("aws_secret_access_key") > 0;
  if (!has_key && !has_secret) {
    return absl::NotFoundError(absl::StrCat(kName, ": no keys for profile '", profile, "'"));
  }
  if (!has_key || !has_secret) {
    return absl::FailedPreconditionError(absl::StrCat(
        kName, ": profile '", profile, "' needs both aws_access_key_id and aws_secret_access_key"));
  }
  Credentials result;
  result.access_key_id = (*keys)["aws_access_key_id"];
  result.secret_access_key = (*keys)["aws_secret_access_key"];
  result.session_token = (*keys)["aws_session_token"];
  return result;
}

void SharedFileSource::fetch(SourceCallback done) { done(load()); }

}  // namespace portico::aws

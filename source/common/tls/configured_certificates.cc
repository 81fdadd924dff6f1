#include "source/common/tls/configured_certificates.h"

#include "absl/strings/str_cat.h"
#include "source/common/file/read_file.h"
#include "source/common/tls/self_signed.h"

namespace portico::tls {

absl::StatusOr<std::string> readSettingFile(std::string_view setting, const std::string& path) {
  absl::StatusOr<std::string> contents = file::readFile(path);
  if (!contents.ok()) {
    return absl::Status(contents.status().code(),
                        absl::StrCat(absl::string_view(setting.data(), setting.size()),
                                     ": cannot read ", path, ": ", contents.status().message()));
  }
  return contents;
}

absl::StatusOr<std::vector<CertificatePair>> configuredOrSelfSigned(
    const std::vector<std::string>& certificate_paths, const std::vector<std::string>& key_paths,
    std::string_view certificate_setting, std::string_view key_setting) {
  std::vector<CertificatePair> pairs;
  for (size_t i = 0; i < certificate_paths.size() && i < key_paths.size(); ++i) {
    absl::StatusOr<std::string> certificate =
        readSettingFile(certificate_setting, certificate_paths[i]);
    if (!certificate.ok()) {
      return certificate.status();
    }
    absl::StatusOr<std::string> key = readSettingFile(key_setting, key_paths[i]);
    if (!key.ok()) {
      return key.status();
    }
    pairs.push_back({std::move(*certificate), std::move(*key)});
  }
  if (!pairs.empty()) {
    return pairs;
  }
  for (KeyType type : {KeyType::kRsa, KeyType::kEcdsa}) {
    absl::StatusOr<CertificatePair> pair = makeSelfSignedCertificate(type);
    if (!pair.ok()) {
      return pair.status();
    }
    pairs.push_back(std::move(*pair));
  }
  return pairs;
}

}  // namespace portico::tls

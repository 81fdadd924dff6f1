#include <ctime>

#include "absl/strings/str_cat.h"
#include "source/config/declarative/common_fields.h"
#include "source/config/declarative/entity_schemas.h"
#include "source/config/declarative/x509.h"

namespace portico::config::declarative {
namespace {

// kong/db/schema/typedefs.lua `certificate` and `key`.
StringRule certificateRule() {
  return [](const std::string& text) -> std::optional<std::string> {
    absl::StatusOr<X509Ptr> cert = parseCertificate(text);
    if (cert.ok()) {
      return std::nullopt;
    }
    return absl::StrCat("invalid certificate: ", std::string(cert.status().message()));
  };
}

StringRule keyRule() {
  return [](const std::string& text) -> std::optional<std::string> {
    absl::StatusOr<PkeyPtr> key = parseKey(text);
    if (key.ok()) {
      return std::nullopt;
    }
    return absl::StrCat("invalid key: ", std::string(key.status().message()));
  };
}

// A field an entity check may read: present, a string and without a field error of its own.
bool checkable(const nlohmann::json& record, const nlohmann::json& errors,
               const std::string& field) {
  return !errors.contains(field) && record.contains(field) && record[field].is_string();
}

bool matches(const std::string& cert_text, const std::string& key_text) {
  absl::StatusOr<X509Ptr> cert = parseCertificate(cert_text);
  absl::StatusOr<PkeyPtr> key = parseKey(key_text);
  return cert.ok() && key.ok() && certificateMatchesKey(cert->get(), key->get());
}

bool sameKeyType(const std::string& cert_text, const std::string& other_text) {
  absl::StatusOr<X509Ptr> cert = parseCertificate(cert_text);
  absl::StatusOr<X509Ptr> other = parseCertificate(other_text);
  return cert.ok() && other.ok() && publicKeyType(cert->get()) == publicKeyType(other->get());
}

// kong/db/schema/entities/ca_certificates.lua's entity check; "" when the certificate is fine.
std::string caCertificateProblem(const std::string& text) {
  if (certificateMarkerCount(text) > 1) {
    return "please submit only one certificate at a time";
  }
  absl::StatusOr<X509Ptr> cert = parseCertificate(text);
  if (!cert.ok()) {
    return std::string(cert.status().message());
  }
  if (notAfterIsBefore(cert->get(), static_cast<int64_t>(std::time(nullptr)))) {
    return "certificate expired, \"Not After\" time is in the past";
  }
  if (!hasCaBasicConstraint(cert->get())) {
    return "certificate does not appear to be a CA because it is missing the \"CA\" basic "
           "constraint";
  }
  return "";
}

}  // namespace

nlohmann::json validateCertificate(nlohmann::json& certificate, const Placement& placement) {
  nlohmann::json errors = checkFields(certificate,
                                      {
                                          idField(),
                                          timestampField("created_at"),
                                          timestampField("updated_at"),
                                          Field{"cert", stringCheck({certificateRule()}), true},
                                          Field{"key", stringCheck({keyRule()}), true},
                                          Field{"cert_alt", stringCheck({certificateRule()})},
                                          Field{"key_alt", stringCheck({keyRule()})},
                                          tagsField(),
                                      },
                                      placement.child_keys);
  if (!errors.contains("cert_alt") && !errors.contains("key_alt") &&
      isSet(certificate, "cert_alt") != isSet(certificate, "key_alt")) {
    addEntityError(errors, "all or none of these fields must be set: 'cert_alt', 'key_alt'");
  }
  if (checkable(certificate, errors, "cert") && checkable(certificate, errors, "key") &&
      !matches(certificate["cert"], certificate["key"])) {
    addEntityError(errors, "certificate does not match key");
  }
  if (checkable(certificate, errors, "cert_alt") && checkable(certificate, errors, "key_alt") &&
      !matches(certificate["cert_alt"], certificate["key_alt"])) {
    addEntityError(errors, "alternative certificate does not match key");
  }
  if (checkable(certificate, errors, "cert") && checkable(certificate, errors, "cert_alt") &&
      sameKeyType(certificate["cert"], certificate["cert_alt"])) {
    addEntityError(errors,
                   "certificate and alternative certificate need to have different type (e.g. "
                   "RSA and ECDSA), the provided certificates were both of the same type");
  }
  return errors;
}

nlohmann::json validateCaCertificate(nlohmann::json& ca_certificate, const Placement& placement) {
  nlohmann::json errors = checkFields(ca_certificate,
                                      {
                                          idField(),
                                          timestampField("created_at"),
                                          timestampField("updated_at"),
                                          Field{"cert", stringCheck({certificateRule()}), true},
                                          Field{"cert_digest", stringCheck()},
                                          tagsField(),
                                      },
                                      placement.child_keys);
  if (checkable(ca_certificate, errors, "cert")) {
    std::string problem = caCertificateProblem(ca_certificate["cert"]);
    if (!problem.empty()) {
      addEntityError(errors, std::move(problem));
    }
  }
  return errors;
}

}  // namespace portico::config::declarative

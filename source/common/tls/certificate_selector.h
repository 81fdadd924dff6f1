#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace portico::tls {

// Which certificate a TLS handshake presents for the client's SNI, as Kong's
// kong/runloop/certificate.lua finds it: the sni entity named exactly so, else the wildcard one
// for the name's first label ("*.example.com" for "api.example.com"), else the one for its last
// label ("api.example.*"), else the sni named "*", else the default certificate (kong.conf's
// ssl_cert or the self-signed one). A client without SNI gets the default. Names compare
// case-insensitively.
class CertificateSelector {
 public:
  // `name` is an sni entity's name (exact or wildcard). A later add for the same name replaces
  // the earlier one; the config's validation already refuses duplicates.
  void add(std::string_view name, std::shared_ptr<SSL_CTX> context);
  void setDefault(std::shared_ptr<SSL_CTX> context) { default_ = std::move(context); }

  // nullptr when nothing matches and there is no default.
  SSL_CTX* select(std::string_view server_name) const;
  size_t size() const { return by_name_.size(); }

 private:
  SSL_CTX* find(const std::string& name) const;

  absl::flat_hash_map<std::string, std::shared_ptr<SSL_CTX>> by_name_;
  std::shared_ptr<SSL_CTX> default_;
};

}  // namespace portico::tls

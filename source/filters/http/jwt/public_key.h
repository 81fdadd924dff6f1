#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string_view>

namespace portico::filters::http::jwt {

using PublicKeySharedPtr = std::shared_ptr<EVP_PKEY>;

// Wraps an owned EVP_PKEY (nullptr stays null).
PublicKeySharedPtr adoptKey(EVP_PKEY* key);

// The key in a credential's `rsa_public_key`: a PEM public key, an X.509 certificate (its subject
// key; identity providers publish certificates), or a PEM private key (lua-resty-openssl accepts
// one). nullptr when the text is none of these.
PublicKeySharedPtr parsePemKey(std::string_view pem);

}  // namespace portico::filters::http::jwt

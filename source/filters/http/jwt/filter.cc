#include "source/filters/http/jwt/filter.h"

#include "source/http/stream_context.h"

namespace portico::filters::http::jwt {
namespace {

using portico::http::FilterStatus;
using portico::http::HeaderMap;

constexpr char kConsumerId[] = "X-Consumer-ID";
constexpr char kConsumerCustomId[] = "X-Consumer-Custom-ID";
constexpr char kConsumerUsername[] = "X-Consumer-Username";
constexpr char kCredentialIdentifier[] = "X-Credential-Identifier";
constexpr char kAnonymousConsumer[] = "X-Anonymous-Consumer";

// Kong's set_consumer: every identity header is set from this consumer/credential or removed, so
// a client can never pass its own.
void setIdentityHeaders(HeaderMap& headers, const config::v1::Consumer& consumer,
                        const config::v1::JwtCredential* credential) {
  headers.set(kConsumerId, consumer.id());
  if (consumer.has_custom_id()) {
    headers.set(kConsumerCustomId, consumer.custom_id());
  } else {
    headers.remove(kConsumerCustomId);
  }
  if (consumer.has_username()) {
    headers.set(kConsumerUsername, consumer.username());
  } else {
    headers.remove(kConsumerUsername);
  }
  if (credential != nullptr) {
    headers.set(kCredentialIdentifier, credential->key());
    headers.remove(kAnonymousConsumer);
  } else {
    headers.remove(kCredentialIdentifier);
    headers.set(kAnonymousConsumer, "true");
  }
}

// A claim string may hold anything; one with control characters would split the header.
bool safeHeaderValue(const std::string& value) {
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7f) {
      return false;
    }
  }
  return true;
}

}  // namespace

FilterStatus JwtFilter::onRequestHeaders(portico::http::MessageHead& request, bool) {
  if (!config_.runOnPreflight() && request.method == "OPTIONS") {
    return FilterStatus::kContinue;
  }
  portico::http::StreamContext& context = callbacks_->context();
  // Logical OR: an earlier auth plugin already identified the client.
  if (config_.anonymous() && !context.credential_identifier.empty()) {
    return FilterStatus::kContinue;
  }
  const AuthResult result = config_.authenticator().authenticate(
      request.headers, context.raw_query, config_.now(), VerifiedTokenCache::forThisThread());
  switch (result.kind) {
    case AuthResult::Kind::kAuthenticated:
      authenticated(request, result);
      return FilterStatus::kContinue;
    case AuthResult::Kind::kServerError:
      callbacks_->sendLocalReply(500, "An unexpected error occurred", {});
      return FilterStatus::kStop;
    case AuthResult::Kind::kRejected:
      break;
  }
  if (config_.anonymous()) {
    return anonymous(request);
  }
  HeaderMap headers;
  headers.set("Content-Type", "application/json; charset=utf-8");
  if (!result.www_authenticate.empty()) {
    headers.set("WWW-Authenticate", result.www_authenticate);
  }
  callbacks_->sendResponse(result.status, std::move(headers), result.body.dump());
  return FilterStatus::kStop;
}

void JwtFilter::authenticated(portico::http::MessageHead& request, const AuthResult& result) {
  const Credential& credential = *result.credential;
  setIdentityHeaders(request.headers, *credential.consumer, credential.entity);
  copyClaims(request.headers, result.token->claims);
  portico::http::StreamContext& context = callbacks_->context();
  context.consumer = credential.consumer;
  context.credential_identifier = credential.entity->key();
  context.credential_id = credential.entity->id();
}

FilterStatus JwtFilter::anonymous(portico::http::MessageHead& request) {
  const config::v1::Consumer* consumer = config_.anonymousConsumer();
  if (consumer == nullptr) {
    callbacks_->sendLocalReply(
        500, "anonymous consumer " + *config_.anonymous() + " is configured but doesn't exist", {});
    return FilterStatus::kStop;
  }
  setIdentityHeaders(request.headers, *consumer, nullptr);
  copyClaims(request.headers, nullptr);
  portico::http::StreamContext& context = callbacks_->context();
  context.consumer = consumer;
  context.credential_identifier.clear();
  context.credential_id.clear();
  return FilterStatus::kContinue;
}

void JwtFilter::copyClaims(HeaderMap& headers, const nlohmann::json& claims) {
  for (const ClaimHeader& mapping : config_.claimsToHeaders()) {
    headers.remove(mapping.header);
    if (!claims.is_object()) {
      continue;
    }
    const auto it = claims.find(mapping.claim);
    if (it == claims.end() || it->is_null()) {
      continue;
    }
    std::string value = it->is_string() ? it->get<std::string>() : it->dump();
    if (safeHeaderValue(value)) {
      headers.set(mapping.header, std::move(value));
    }
  }
}

}  // namespace portico::filters::http::jwt

#include "source/filters/http/proxy/balancer_key.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "source/common/http/cookies.h"
#include "source/common/http/uri_args.h"
#include "source/config/declarative/ids.h"

namespace portico::filters {
namespace {

std::string queryValue(const http::StreamContext& context, const std::string& name) {
  for (const http::UriArg& arg : http::parseUriArgs(context.raw_query)) {
    if (arg.name == name) {
      return arg.value.value_or("");
    }
  }
  return "";
}

std::string valueOf(const upstream::HashSource& source, const http::MessageHead& request,
                    const http::StreamContext& context) {
  switch (source.on) {
    case upstream::HashOn::kConsumer:
      return context.consumer != nullptr ? context.consumer->id() : context.credential_id;
    case upstream::HashOn::kIp:
      return context.client_address;
    case upstream::HashOn::kHeader: {
      // Repeated headers are hashed concatenated, as Kong joins the Lua table it gets.
      std::string joined;
      for (const auto& [header, value] : request.headers.entries()) {
        if (http::equalsIgnoreCase(header, source.name)) {
          joined += value;
        }
      }
      return joined;
    }
    case upstream::HashOn::kCookie:
      return std::string(http::findCookie(request.headers, source.name));
    case upstream::HashOn::kPath:
      return context.match ? context.match->normalized_path : context.raw_path;
    case upstream::HashOn::kQueryArg:
      return queryValue(context, source.name);
    case upstream::HashOn::kUriCapture:
    case upstream::HashOn::kNone:
      return "";
  }
  return "";
}

}  // namespace

BalancerKey balancerKey(const upstream::UpstreamRuntime& upstream, const http::MessageHead& request,
                        const http::StreamContext& context) {
  BalancerKey key;
  if (upstream.algorithm != upstream::Algorithm::kConsistentHashing) {
    return key;
  }
  key.value = valueOf(upstream.hash_on, request, context);
  if (!key.value.empty()) {
    return key;
  }
  if (upstream.hash_on.on == upstream::HashOn::kCookie) {
    key.value = config::declarative::randomUuid();
    key.set_cookie =
        absl::StrCat(upstream.hash_on.name, "=", key.value, "; Path=", upstream.cookie_path);
    return key;
  }
  key.value = valueOf(upstream.hash_fallback, request, context);
  return key;
}

}  // namespace portico::filters

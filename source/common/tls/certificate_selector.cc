#include "source/common/tls/certificate_selector.h"

#include "absl/strings/ascii.h"

namespace portico::tls {
namespace {

std::string lowerCase(std::string_view text) {
  return absl::AsciiStrToLower(absl::string_view(text.data(), text.size()));
}

// The sni entity named "*" catches every name the others miss (Kong's DEFAULT_SNI).
constexpr std::string_view kCatchAll = "*";

// "*.example.com" for "api.example.com": the first label replaced, when at least two follow
// (Kong's `([^.]+)(\.[^.]+\.\S+)` → `*$2`).
std::string prefixWildcard(const std::string& name) {
  const size_t first = name.find('.');
  if (first == 0 || first == std::string::npos) {
    return "";
  }
  const size_t second = name.find('.', first + 1);
  if (second == std::string::npos || second == first + 1 || second + 1 >= name.size()) {
    return "";
  }
  return "*" + name.substr(first);
}

// "api.example.*" for "api.example.com": the last label replaced (Kong's `([^.]+\.)([^.]+)$`).
std::string suffixWildcard(const std::string& name) {
  const size_t last = name.rfind('.');
  if (last == 0 || last == std::string::npos || last + 1 >= name.size() || name[last - 1] == '.') {
    return "";
  }
  return name.substr(0, last + 1) + "*";
}

}  // namespace

void CertificateSelector::add(std::string_view name, std::shared_ptr<SSL_CTX> context) {
  by_name_[lowerCase(name)] = std::move(context);
}

SSL_CTX* CertificateSelector::find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second.get();
}

SSL_CTX* CertificateSelector::select(std::string_view server_name) const {
  if (server_name.empty()) {
    return default_.get();  // Kong serves its default without looking at the "*" sni
  }
  const std::string name = lowerCase(server_name);
  for (const std::string& candidate :
       {name, prefixWildcard(name), suffixWildcard(name), std::string(kCatchAll)}) {
    if (SSL_CTX* context = candidate.empty() ? nullptr : find(candidate)) {
      return context;
    }
  }
  return default_.get();
}

}  // namespace portico::tls

// The demo's upstream services: `demo_upstream --name users|orders --listen 127.0.0.1:PORT
// [--cert FILE --key FILE]`. With a certificate it serves HTTPS.
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "tools/demo/demo_services.h"
#include "tools/demo/http_server.h"

namespace {

constexpr const char* kUsage =
    "usage: demo_upstream --name users|orders --listen 127.0.0.1:PORT [--cert FILE --key FILE]\n";

int fail(const std::string& message) {
  std::fprintf(stderr, "demo_upstream: %s\n%s", message.c_str(), kUsage);
  return 2;
}

SSL_CTX* makeTlsContext(const std::string& cert, const std::string& key) {
  SSL_CTX* context = SSL_CTX_new(TLS_server_method());
  if (context == nullptr || SSL_CTX_use_certificate_chain_file(context, cert.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(context, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(context) != 1) {
    ERR_print_errors_fp(stderr);
    SSL_CTX_free(context);
    return nullptr;
  }
  return context;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 >= argc || flag.rfind("--", 0) != 0) {
      return fail("bad arguments");
    }
    flags[flag.substr(2)] = argv[i + 1];
  }
  const portico::demo::Handler handler = portico::demo::serviceNamed(flags["name"]);
  if (!handler) {
    return fail("--name must be users or orders");
  }
  const std::string listen = flags["listen"];
  const size_t colon = listen.rfind(':');
  const int port = colon == std::string::npos ? 0 : std::atoi(listen.c_str() + colon + 1);
  if (port <= 0 || port > 65535) {
    return fail("--listen must be ADDRESS:PORT");
  }
  if (flags.count("cert") != flags.count("key")) {
    return fail("--cert and --key go together");
  }

  std::signal(SIGPIPE, SIG_IGN);
  SSL_CTX* tls = nullptr;
  if (flags.count("cert") != 0) {
    tls = makeTlsContext(flags["cert"], flags["key"]);
    if (tls == nullptr) {
      return fail("cannot load the certificate or key");
    }
  }

  portico::demo::HttpServer server(handler, tls);
  std::string error;
  if (!server.listen(listen.substr(0, colon), static_cast<uint16_t>(port), error)) {
    return fail("cannot listen on " + listen + ": " + error);
  }
  std::fprintf(stderr, "%s service listening on %s://%s\n", flags["name"].c_str(),
               tls != nullptr ? "https" : "http", listen.c_str());
  server.serve();
}

#include "test/common/network/tls_tunnel_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ec.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace portico::test {
namespace {

// Reads up to and including the blank line that ends a head, one byte at a time so that nothing
// after it (the TLS ClientHello) is consumed.
std::string readHead(int fd) {
  std::string head;
  char c;
  while (head.size() < 4 || head.compare(head.size() - 4, 4, "\r\n\r\n") != 0) {
    if (read(fd, &c, 1) != 1) {
      break;
    }
    head.push_back(c);
  }
  return head;
}

std::string readTlsHead(SSL* ssl) {
  std::string head;
  char c;
  while (head.size() < 4 || head.compare(head.size() - 4, 4, "\r\n\r\n") != 0) {
    if (SSL_read(ssl, &c, 1) != 1) {
      break;
    }
    head.push_back(c);
  }
  return head;
}

bool isSuccess(const std::string& reply) { return reply.size() > 9 && reply[9] == '2'; }

}  // namespace

TlsTunnelPeer::TlsTunnelPeer(std::string tunnel_reply, std::string response)
    : tunnel_reply_(std::move(tunnel_reply)), response_(std::move(response)) {
  key_.reset(EVP_EC_gen("P-256"));
  certificate_.reset(X509_new());
  X509* cert = certificate_.get();
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key_.get());
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* san =
      X509V3_EXT_conf_nid(nullptr, &context, NID_subject_alt_name, "DNS:localhost");
  X509_add_ext(cert, san, -1);
  X509_EXTENSION_free(san);
  X509_sign(cert, key_.get(), EVP_sha256());

  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  listen(listen_fd_, 4);
  socklen_t length = sizeof(address);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

TlsTunnelPeer::~TlsTunnelPeer() {
  shutdown(listen_fd_, SHUT_RDWR);  // wakes an accept that no client came for
  thread_.join();
  close(listen_fd_);
}

void TlsTunnelPeer::serve() {
  const int fd = accept(listen_fd_, nullptr, nullptr);
  if (fd < 0) {
    return;
  }
  const std::string head = readHead(fd);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    plaintext_head_ = head;
  }
  (void)!write(fd, tunnel_reply_.data(), tunnel_reply_.size());
  if (isSuccess(tunnel_reply_)) {
    SSL_CTX* context = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(context, certificate_.get());
    SSL_CTX_use_PrivateKey(context, key_.get());
    SSL* ssl = SSL_new(context);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
      const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
      const std::string tls_head = readTlsHead(ssl);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        server_name_ = sni != nullptr ? sni : "";
        tls_head_ = tls_head;
      }
      SSL_write(ssl, response_.data(), static_cast<int>(response_.size()));
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    SSL_CTX_free(context);
  }
  close(fd);
}

std::string TlsTunnelPeer::plaintextHead() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return plaintext_head_;
}

std::string TlsTunnelPeer::tlsHead() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return tls_head_;
}

std::string TlsTunnelPeer::serverName() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return server_name_;
}

}  // namespace portico::test

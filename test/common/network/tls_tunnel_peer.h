#pragma once

#include <openssl/ssl.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace portico::test {

// A peer on 127.0.0.1, on its own thread with blocking sockets, that plays a forward proxy and
// the TLS origin behind it on one connection: it reads a plaintext head (a CONNECT), answers
// `tunnel_reply`, and, when that reply is a 2xx, accepts TLS as `localhost` (a self-signed
// certificate made at start) and answers the head read over it with `response`.
class TlsTunnelPeer {
 public:
  TlsTunnelPeer(std::string tunnel_reply, std::string response);
  ~TlsTunnelPeer();
  TlsTunnelPeer(const TlsTunnelPeer&) = delete;
  TlsTunnelPeer& operator=(const TlsTunnelPeer&) = delete;

  int port() const { return port_; }
  // The peer's certificate, for a client context that should trust it.
  X509* certificate() const { return certificate_.get(); }
  std::string plaintextHead() const;
  std::string tlsHead() const;
  std::string serverName() const;

 private:
  void serve();

  std::string tunnel_reply_;
  std::string response_;
  std::unique_ptr<X509, decltype(&X509_free)> certificate_{nullptr, X509_free};
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_{nullptr, EVP_PKEY_free};
  int listen_fd_ = -1;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::string plaintext_head_;
  std::string tls_head_;
  std::string server_name_;
  std::thread thread_;
};

}  // namespace portico::test

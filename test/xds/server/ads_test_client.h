#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "envoy/service/discovery/v3/ads.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace portico::xds::server {

using envoy::service::discovery::v3::AggregatedDiscoveryService;
using envoy::service::discovery::v3::DiscoveryRequest;
using envoy::service::discovery::v3::DiscoveryResponse;

// A data plane's end of one StreamAggregatedResources call, on gRPC's sync client API. Every read
// is bounded by the call's deadline, so a missing response fails the test instead of hanging it.
class AdsTestClient {
 public:
  explicit AdsTestClient(const std::shared_ptr<grpc::Channel>& channel)
      : stub_(AggregatedDiscoveryService::NewStub(channel)) {
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    stream_ = stub_->StreamAggregatedResources(&context_);
  }

  ~AdsTestClient() {
    if (!finished_) {
      context_.TryCancel();
      stream_->Finish();
    }
  }

  bool send(const DiscoveryRequest& request) { return stream_->Write(request); }

  std::optional<DiscoveryResponse> read() {
    DiscoveryResponse response;
    if (!stream_->Read(&response)) {
      return std::nullopt;
    }
    return response;
  }

  // Drains the stream and returns the status the server ended it with.
  grpc::Status finish() {
    DiscoveryResponse ignored;
    while (stream_->Read(&ignored)) {
    }
    finished_ = true;
    return stream_->Finish();
  }

  void cancel() { context_.TryCancel(); }

 private:
  std::unique_ptr<AggregatedDiscoveryService::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<DiscoveryRequest, DiscoveryResponse>> stream_;
  bool finished_ = false;
};

inline DiscoveryRequest subscription(const std::string& node_id, const std::string& type_url,
                                     const std::string& version = "") {
  DiscoveryRequest request;
  if (!node_id.empty()) {
    request.mutable_node()->set_id(node_id);
    request.mutable_node()->set_cluster("edge");
    request.mutable_node()->set_user_agent_name("portico");
    request.mutable_node()->set_user_agent_version("0.1.0");
  }
  request.set_type_url(type_url);
  request.set_version_info(version);
  return request;
}

inline DiscoveryRequest ack(const DiscoveryResponse& response) {
  DiscoveryRequest request;
  request.set_type_url(response.type_url());
  request.set_version_info(response.version_info());
  request.set_response_nonce(response.nonce());
  return request;
}

inline DiscoveryRequest nack(const DiscoveryResponse& response, const std::string& held_version,
                             const std::string& error) {
  DiscoveryRequest request = ack(response);
  request.set_version_info(held_version);
  request.mutable_error_detail()->set_code(3);
  request.mutable_error_detail()->set_message(error);
  return request;
}

// Polls `condition` (state the server updates on its own threads) for up to ten seconds.
inline bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

}  // namespace portico::xds::server

#include "source/xds/server/ads_stream.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "source/common/log/logger.h"
#include "source/xds/resources.h"

namespace portico::xds::server {

using envoy::service::discovery::v3::DiscoveryRequest;

namespace {

bool isKnownType(const std::string& type_url) {
  for (const std::string& known : resourceTypes()) {
    if (known == type_url) {
      return true;
    }
  }
  return false;
}

}  // namespace

AdsStream::AdsStream(const grpc::CallbackServerContext& context, StreamHub& hub,
                     NodeRegistry& registry, std::string control_plane_id)
    : hub_(hub),
      registry_(registry),
      control_plane_id_(std::move(control_plane_id)),
      peer_(context.peer()) {
  hub_.join(this);
  StartRead(&request_);
}

void AdsStream::OnReadDone(bool ok) {
  {
    absl::MutexLock lock(&mu_);
    // Reactions never run inline in Start*/Finish (gRPC dispatches them), so calling those under
    // mu_ is safe, and it orders them against done_.
    if (!ok) {
      done_ = true;
      Finish(grpc::Status::OK);
      return;
    }
    grpc::Status status = handle(request_);
    if (!status.ok()) {
      done_ = true;
      Finish(status);
      return;
    }
    StartRead(&request_);
  }
  sendNext();
}

grpc::Status AdsStream::handle(const DiscoveryRequest& request) {
  if (node_id_.empty()) {
    if (request.node().id().empty()) {
      log::warn(absl::StrCat("discovery: refused a stream from ", peer_,
                             ": its first request names no node id"));
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "the first DiscoveryRequest must carry node.id");
    }
    node_id_ = request.node().id();
    registry_.connected(request.node(), peer_);
    log::notice(absl::StrCat("discovery: data plane ", node_id_, " (", peer_,
                             ") connected, version ", request.node().user_agent_version()));
  }
  registry_.seen(node_id_);

  const std::string& type_url = request.type_url();
  if (!isKnownType(type_url)) {
    // Envoy's servers leave types they do not serve unanswered: an empty response would read as
    // "no resources of that type" to a client that does know it.
    if (unknown_types_.insert(type_url).second) {
      log::warn(absl::StrCat("discovery: data plane ", node_id_, " (", peer_,
                             ") asked for unknown type \"", type_url, "\"; not answered"));
    }
    return grpc::Status::OK;
  }

  if (request.response_nonce().empty()) {
    // A subscription (resource_names are ignored: every Portico type is a wildcard). A node that
    // already holds the current version is not sent it again.
    std::shared_ptr<const Snapshot> snapshot = hub_.current();
    TypeState& type = types_[type_url];
    const bool up_to_date = snapshot != nullptr && request.version_info() == snapshot->version;
    type.sent_version = up_to_date ? snapshot->version : "";
    registry_.subscribed(node_id_, type_url, request.version_info());
    return grpc::Status::OK;
  }

  auto type = types_.find(type_url);
  if (type == types_.end() || request.response_nonce() != type->second.nonce) {
    // Stale: it answers a response that a newer one has superseded (xDS ignores those).
    return grpc::Status::OK;
  }
  if (request.has_error_detail()) {
    registry_.nacked(node_id_, type_url, request.version_info(), request.error_detail().message());
    log::warn(absl::StrCat("discovery: data plane ", node_id_, " (", peer_, ") rejected ", type_url,
                           " version ", type->second.sent_version, ": ",
                           request.error_detail().message()));
  } else {
    registry_.acked(node_id_, type_url, request.version_info());
  }
  return grpc::Status::OK;
}

void AdsStream::sendNext() {
  absl::MutexLock lock(&mu_);
  if (writing_ || done_ || node_id_.empty()) {
    return;
  }
  std::shared_ptr<const Snapshot> snapshot = hub_.current();
  if (snapshot == nullptr) {
    return;
  }
  for (const std::string& type_url : resourceTypes()) {
    auto type = types_.find(type_url);
    if (type == types_.end() || type->second.sent_version == snapshot->version) {
      continue;
    }
    const std::vector<google::protobuf::Any>& resources = snapshot->resources.at(type_url);
    response_.Clear();
    response_.set_version_info(snapshot->version);
    response_.mutable_resources()->Add(resources.begin(), resources.end());
    response_.set_type_url(type_url);
    response_.set_nonce(hub_.nextNonce());
    response_.mutable_control_plane()->set_identifier(control_plane_id_);
    type->second.sent_version = snapshot->version;
    type->second.nonce = response_.nonce();
    registry_.sent(node_id_, type_url, snapshot->version, response_.nonce());
    writing_ = true;
    StartWrite(&response_);
    return;
  }
}

void AdsStream::OnWriteDone(bool ok) {
  {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {
      // The call is broken: write no more; the failed read that follows finishes it.
      done_ = true;
      return;
    }
  }
  sendNext();
}

void AdsStream::OnDone() {
  hub_.leave(this);
  {
    absl::MutexLock lock(&mu_);
    if (!node_id_.empty()) {
      registry_.disconnected(node_id_);
      log::notice(absl::StrCat("discovery: data plane ", node_id_, " (", peer_, ") disconnected"));
    }
  }
  unref();
}

void AdsStream::ref() { refs_.fetch_add(1, std::memory_order_relaxed); }

void AdsStream::unref() {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    delete this;
  }
}

void AdsStream::wake() { sendNext(); }

}  // namespace portico::xds::server

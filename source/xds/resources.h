#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/repeated_field.h"
#include "portico/config/v1/declarative.pb.h"

namespace portico::xds {

// Portico's resource types on the discovery stream, one per entity kind of a declarative config,
// in the order a control plane pushes them: what others reference comes first, so a data plane
// never holds a route before its service or a plugin before what it is scoped to.
const std::vector<std::string>& resourceTypes();

// The resources of one type in `config`, each packed in an Any.
std::vector<google::protobuf::Any> resourcesOf(const config::v1::DeclarativeConfig& config,
                                               std::string_view type_url);

// Unpacks the resources of one type into `config` (replacing that type's entities). Fails, leaving
// `config` unchanged, when the type is unknown or a resource is of another type or does not parse.
absl::Status setResources(
    std::string_view type_url,
    const google::protobuf::RepeatedPtrField<google::protobuf::Any>& resources,
    config::v1::DeclarativeConfig& config);

// Every id an entity refers to names an entity of the config: routes' services, services' and
// upstreams' certificates, targets' upstreams, credentials' consumers, plugins'
// route/service/consumer. A config that passes is
// whole: nothing in it points at something not received yet.
absl::Status checkReferences(const config::v1::DeclarativeConfig& config);

}  // namespace portico::xds

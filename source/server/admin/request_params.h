#pragma once

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "source/server/admin/admin_api.h"
#include "source/server/admin/url_encoding.h"

namespace portico::server::admin {

// Kong's `self.params`: the query arguments, overlaid by the body's fields when the body is a JSON
// object, a urlencoded form or multipart/form-data (chosen by Content-Type).
struct RequestParams {
  // name -> value: strings from the query, forms and multipart parts (a part's content, file or
  // not).
  nlohmann::json fields = nlohmann::json::object();
  // The body when it is a JSON object; null otherwise. Its members are parameters too, kept in
  // place rather than copied into `fields`: a POST /config body can hold 20,000 entities.
  nlohmann::json json_body;

  // The parameter `name`, from the body before the query (as Kong's arguments merge); null when
  // absent.
  const nlohmann::json* find(const std::string& name) const;
};

// Fails, with the message for a 400, when a body declared as JSON or multipart cannot be parsed.
absl::StatusOr<RequestParams> requestParams(const AdminRequest& request, const QueryArgs& query);

}  // namespace portico::server::admin

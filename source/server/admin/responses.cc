#include "source/server/admin/responses.h"

namespace portico::server::admin {

AdminResponse jsonResponse(int status, const nlohmann::json& body) {
  AdminResponse response;
  response.status = status;
  response.headers.add("Content-Type", kJsonContentType);
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

AdminResponse messageResponse(int status, std::string_view message) {
  return jsonResponse(status, {{"message", message}});
}

AdminResponse emptyResponse(int status) {
  AdminResponse response;
  response.status = status;
  return response;
}

AdminResponse notFound() { return messageResponse(404, "Not found"); }

AdminResponse methodNotAllowed() { return messageResponse(405, "Method not allowed"); }

AdminResponse daoError(int status, int code, std::string_view name, std::string_view message,
                       nlohmann::json fields) {
  nlohmann::json body = {{"code", code}, {"name", name}, {"message", message}};
  if (!fields.is_null()) {
    body["fields"] = std::move(fields);
  }
  return jsonResponse(status, body);
}

}  // namespace portico::server::admin

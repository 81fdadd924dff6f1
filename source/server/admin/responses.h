#pragma once

#include <string>
#include <string_view>

#include "nlohmann/json.hpp"
#include "source/server/admin/admin_api.h"

namespace portico::server::admin {

inline constexpr char kJsonContentType[] = "application/json; charset=utf-8";

// `body` compactly encoded (invalid UTF-8 replaced, never thrown) as Kong's JSON content type.
AdminResponse jsonResponse(int status, const nlohmann::json& body);
// Kong's `{"message": ...}` exit body.
AdminResponse messageResponse(int status, std::string_view message);
// A status with no body (204, 304).
AdminResponse emptyResponse(int status);

AdminResponse notFound();          // 404 {"message":"Not found"}
AdminResponse methodNotAllowed();  // 405 {"message":"Method not allowed"}

// Kong's DAO error bodies (kong/db/errors.lua), answered with the HTTP status endpoints.lua maps
// their code to.
AdminResponse daoError(int status, int code, std::string_view name, std::string_view message,
                       nlohmann::json fields = nullptr);

}  // namespace portico::server::admin

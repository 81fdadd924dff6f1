#pragma once

#include "source/server/admin/admin_api.h"

namespace portico::server::admin {

// GET /endpoints (kong/api/routes/kong.lua): every route template, `{param}` for path parameters,
// sorted segment by segment.
AdminResponse endpointList();

}  // namespace portico::server::admin

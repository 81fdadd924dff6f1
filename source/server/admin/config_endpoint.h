#pragma once

#include "source/server/admin/admin_api.h"
#include "source/server/admin/url_encoding.h"
#include "source/server/config_manager.h"

namespace portico::server::admin {

// POST /config (kong-behavior.md §6.4): loads the declarative config the request carries (a JSON
// object with `_format_version`, a `config` field in any body form, or the raw body) and, when it
// is valid, replaces the whole running config through `apply`.
AdminResponse postConfig(const AdminRequest& request, const QueryArgs& query,
                         const ConfigManager& config, const ConfigApplier& apply);

// GET /config (§6.5): `{"config": "<YAML>"}` that loads back into the same entities.
AdminResponse getConfig(const ConfigManager& config);

}  // namespace portico::server::admin

#pragma once

#include <string>

#include "tools/demo/http_server.h"

namespace portico::demo {

// The request handler of a demo service ("users" or "orders"); an empty Handler for other names.
Handler serviceNamed(const std::string& name);

}  // namespace portico::demo

#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "nlohmann/json.hpp"
#include "source/server/admin/admin_api.h"
#include "source/server/admin/url_encoding.h"

namespace portico::server::admin {

// A collection page as `?size=` and `?offset=` ask for it (kong/api/endpoints.lua, kong/db/dao).
struct PageRequest {
  static constexpr size_t kDefaultSize = 100;
  static constexpr size_t kMaxSize = 1000;

  size_t size = kDefaultSize;
  bool size_given = false;
  size_t start = 0;
};

// The page, or the 400 Kong answers for a bad `size` (code 9) or `offset` (code 7).
std::variant<PageRequest, AdminResponse> parsePageRequest(const QueryArgs& args);

// The offset token for the item at `start`: base64 of its position.
std::string encodeOffset(size_t start);

// `{"data": [...], "next": ..., "offset": ...}` for the page of a collection of `total` items,
// `item(i)` rendering the i-th. `path` is the collection's path for the `next` link. As in DB-less
// Kong, a page that is exactly full links to a next page even when that one turns out empty.
nlohmann::json renderPage(size_t total, const std::function<nlohmann::json(size_t)>& item,
                          const PageRequest& page, std::string_view path);

}  // namespace portico::server::admin

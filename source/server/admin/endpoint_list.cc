#include "source/server/admin/endpoint_list.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "source/server/admin/entity_table.h"
#include "source/server/admin/responses.h"

namespace portico::server::admin {
namespace {

absl::string_view sv(std::string_view text) { return absl::string_view(text.data(), text.size()); }

std::vector<std::string> templates() {
  std::vector<std::string> all = {"/", "/config", "/endpoints", "/plugins/enabled", "/status"};
  for (const EntityType& type : entityTypes()) {
    const std::string entity =
        absl::StrCat("/", sv(type.collection), "/{", sv(type.schema_name), "}");
    all.push_back(absl::StrCat("/", sv(type.collection)));
    all.push_back(entity);
  }
  for (const Relation& relation : relations()) {
    const EntityType& child = entityType(relation.child);
    const EntityType& parent = entityType(relation.parent);
    all.push_back(absl::StrCat("/", sv(child.collection), "/{", sv(child.schema_name), "}/",
                               sv(relation.field)));
    const std::string nested = absl::StrCat("/", sv(parent.collection), "/{",
                                            sv(parent.schema_name), "}/", sv(child.nested_name));
    all.push_back(nested);
    all.push_back(absl::StrCat(nested, "/{", sv(child.schema_name), "}"));
  }
  return all;
}

}  // namespace

AdminResponse endpointList() {
  std::vector<std::string> all = templates();
  // Kong compares with "/" as the lowest byte, so that "/a/z" sorts before "/ab".
  std::sort(all.begin(), all.end(), [](const std::string& a, const std::string& b) {
    return absl::StrReplaceAll(a, {{"/", std::string(1, '\0')}}) <
           absl::StrReplaceAll(b, {{"/", std::string(1, '\0')}});
  });
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return jsonResponse(200, {{"data", all}});
}

}  // namespace portico::server::admin

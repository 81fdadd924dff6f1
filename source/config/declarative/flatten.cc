#include "source/config/declarative/flatten.h"

#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "source/config/declarative/entity_types.h"
#include "source/config/declarative/ids.h"
#include "source/config/declarative/schema.h"
#include "source/config/declarative/x509.h"

namespace portico::config::declarative {
namespace {

struct Item {
  const EntityType* type;
  nlohmann::json* record;
  std::string pointer;  // JSON pointer of the record in the input
  size_t index;         // position in its array
  int parent;           // index into items, -1 at top level
  std::string parent_key;
  bool id_known_early = false;  // given or derived, so nested children can hash it
};

struct ExpectedReference {
  int item;
  const ForeignKey* foreign_key;
  std::string at;
  size_t element = 0;  // for a `many` foreign key, the position in its array
};

std::string pointerToken(const std::string& token) {
  return absl::StrReplaceAll(token, {{"~", "~0"}, {"/", "~1"}});
}

std::string uniquenessMessage(const std::string& entity, const std::string& key,
                              const std::string& value) {
  return absl::StrCat("uniqueness violation: '", entity, "' entity with ", key, " set to '", value,
                      "' already declared");
}

// `errors[key]` as an object slot; an array of index errors becomes an object keyed by 1-based
// position, as cjson renders a Lua table holding both kinds of keys.
nlohmann::json& keyedSlot(nlohmann::json& errors, const std::string& key) {
  if (errors.is_array()) {
    nlohmann::json object = nlohmann::json::object();
    for (size_t i = 0; i < errors.size(); ++i) {
      if (!errors[i].is_null()) {
        object[std::to_string(i + 1)] = errors[i];
      }
    }
    errors = std::move(object);
  }
  return errors[key];
}

class Flattener {
 public:
  Flattener(nlohmann::json& root, int64_t now) : root_(root), now_(now) {}

  FlattenResult run() {
    for (const auto& type : entityTypes()) {
      collect(type, root_, "", -1, "");
    }
    generateIds();
    for (size_t i = 0; i < items_.size(); ++i) {
      fillAutoFields(items_[i]);
    }
    for (int index : post_order_) {
      registerItem(index);
    }
    checkReferences();
    if (result_.errors.empty()) {
      checkUniqueFields();
    }
    if (result_.errors.empty()) {
      emit();
    }
    return std::move(result_);
  }

 private:
  void collect(const EntityType& type, nlohmann::json& container, const std::string& pointer,
               int parent, const std::string& parent_key) {
    auto array = container.find(type.name);
    if (array == container.end() || !array->is_array()) {
      return;
    }
    for (size_t i = 0; i < array->size(); ++i) {
      int index = static_cast<int>(items_.size());
      std::string item_pointer = absl::StrCat(pointer, "/", type.name, "/", i);
      items_.push_back(Item{&type, &(*array)[i], item_pointer, i, parent, parent_key});
      for (const auto& other : entityTypes()) {
        for (const auto& child : type.children) {
          if (child.type == other.name) {
            collect(other, (*array)[i], item_pointer, index, child.foreign_key);
          }
        }
      }
      post_order_.push_back(index);
    }
  }

  // Kong's schema `cache_key` fields, for the tables whose ids derive from them.
  static const std::vector<const char*>* cacheKeyFields(const std::string& type) {
    static const std::vector<const char*> plugins = {"name", "route", "service", "consumer"};
    static const std::vector<const char*> targets = {"upstream", "target"};
    if (type == "plugins") {
      return &plugins;
    }
    return type == "targets" ? &targets : nullptr;
  }

  std::optional<std::string> cacheKey(const Item& item, const std::vector<const char*>& fields) {
    const nlohmann::json& record = *item.record;
    std::string key = absl::StrCat(item.type->name, ":*");
    for (const char* field : fields) {
      auto value = record.find(field);
      if (value == record.end()) {
        if (field != item.parent_key) {
          absl::StrAppend(&key, ":");
          continue;
        }
        const Item& parent = items_[item.parent];
        if (!parent.id_known_early) {
          return std::nullopt;
        }
        absl::StrAppend(&key, ":", (*parent.record)["id"].get<std::string>());
      } else if (value->is_string()) {
        absl::StrAppend(&key, ":", value->get<std::string>());
      }
    }
    return key;
  }

  // Pre-order, so a parent's derived id is known when its children hash it.
  void generateIds() {
    for (auto& item : items_) {
      nlohmann::json& record = *item.record;
      if (record.contains("id") && !record["id"].is_null()) {
        item.id_known_early = true;
        continue;
      }
      std::optional<std::string> key;
      if (const std::vector<const char*>* fields = cacheKeyFields(item.type->name)) {
        key = cacheKey(item, *fields);
      } else if (item.type->name != "jwt_secrets" && !item.type->endpoint_key.empty()) {
        auto value = record.find(item.type->endpoint_key);
        if (value != record.end() && value->is_string()) {
          key = value->get<std::string>();
        }
      }
      if (key) {
        record["id"] = entityUuid(item.type->name, *key);
        item.id_known_early = true;
      }
    }
  }

  void fillAutoFields(Item& item) {
    nlohmann::json& record = *item.record;
    // `make` runs only for a missing field: random values cost a CSPRNG call each.
    auto fill = [&record](const char* field, auto make) {
      auto it = record.find(field);
      if (it == record.end() || it->is_null()) {
        record[field] = make();
      }
    };
    const auto now = [this] { return now_; };
    fill("id", randomUuid);
    fill("created_at", now);
    if (item.type->name == "jwt_secrets") {
      fill("key", randomAlphanumeric32);
      fill("secret", randomAlphanumeric32);
    } else {
      fill("updated_at", now);
    }
    if (item.type->name == "ca_certificates") {
      fillCertDigest(record);
    }
  }

  // ca_certificates' `on_write` transformation: the digest is recomputed from `cert` unless the
  // file says `_transform: false`, which keeps a given digest (as in an exported config).
  void fillCertDigest(nlohmann::json& record) {
    bool given = record.contains("cert_digest") && record["cert_digest"].is_string();
    if (given && !root_.value("_transform", true)) {
      return;
    }
    absl::StatusOr<X509Ptr> cert = parseCertificate(record["cert"].get<std::string>());
    if (cert.ok()) {
      record["cert_digest"] = sha256Hex(cert->get());
    }
  }

  std::string endpointValue(const Item& item) const {
    if (item.type->endpoint_key.empty()) {
      return "";
    }
    auto value = item.record->find(item.type->endpoint_key);
    return value != item.record->end() && value->is_string() ? value->get<std::string>() : "";
  }

  // Post-order, as Kong's populate_references: children register before their parent, and the
  // second of two duplicates gets the error.
  void registerItem(int index) {
    Item& item = items_[index];
    const std::string& type = item.type->name;
    nlohmann::json& record = *item.record;
    std::string key = endpointValue(item);
    std::string id = record["id"];
    bool failed = false;
    if (!key.empty()) {
      if (!by_key_[type].emplace(key, index).second) {
        setIndexError(result_.errors[type], item.index,
                      uniquenessMessage(type, item.type->endpoint_key, key));
        result_.error_sources[absl::StrCat("/", type, "/", item.index)] = item.pointer;
        failed = true;
      }
    }
    if (!failed && by_id_[type].count(id) > 0) {
      std::string message = uniquenessMessage(type, "primary key", id);
      if (item.parent >= 0) {
        const Item& parent = items_[item.parent];
        nlohmann::json& parent_errors = result_.errors[parent.type->name];
        if (!parent_errors.is_array() || parent_errors.size() <= parent.index ||
            parent_errors[parent.index].is_null()) {
          setIndexError(parent_errors, parent.index, nlohmann::json::object());
        }
        setIndexError(parent_errors[parent.index][type], item.index, message);
      } else {
        setIndexError(result_.errors[type], item.index, message);
      }
    } else {
      by_id_[type][id] = index;
      registered_[type].push_back(index);
    }
    for (const auto& foreign_key : item.type->foreign_keys) {
      auto value = record.find(foreign_key.field);
      if (foreign_key.field == item.parent_key || value == record.end() || value->is_null()) {
        continue;
      }
      if (!foreign_key.many) {
        expected_.push_back({index, &foreign_key, key.empty() ? id : key});
        continue;
      }
      for (size_t element = 0; element < value->size(); ++element) {
        expected_.push_back({index, &foreign_key, key.empty() ? id : key, element});
      }
    }
    if (!item.parent_key.empty()) {
      record[item.parent_key] = (*items_[item.parent].record)["id"];
    }
  }

  int find(const std::string& type, const std::string& key) {
    auto by_key = by_key_[type].find(key);
    if (by_key != by_key_[type].end()) {
      return by_key->second;
    }
    auto by_id = by_id_[type].find(key);
    return by_id != by_id_[type].end() ? by_id->second : -1;
  }

  void checkReferences() {
    for (const auto& expected : expected_) {
      Item& item = items_[expected.item];
      nlohmann::json& field = (*item.record)[expected.foreign_key->field];
      nlohmann::json& value = expected.foreign_key->many ? field[expected.element] : field;
      std::string lookup;
      if (value.is_string()) {
        lookup = value.get<std::string>();
      } else if (value.is_object() && value.contains("id") && value["id"].is_string()) {
        lookup = value["id"].get<std::string>();
      }
      int found = lookup.empty() ? -1 : find(expected.foreign_key->reference, lookup);
      if (found >= 0) {
        value = (*items_[found].record)["id"];
        continue;
      }
      const std::string& type = item.type->name;
      keyedSlot(result_.errors[type], expected.at)
          .push_back(absl::StrCat("invalid reference '", expected.foreign_key->field, ": ",
                                  value.is_string() ? value.get<std::string>() : value.dump(),
                                  "' (no such entry in '", expected.foreign_key->reference, "')"));
      result_.error_sources[absl::StrCat("/", type, "/", pointerToken(expected.at))] = item.pointer;
    }
  }

  void checkUniqueFields() {
    for (const auto& type : entityTypes()) {
      std::unordered_map<std::string, std::unordered_map<std::string, bool>> seen;
      for (int index : registered_[type.name]) {
        const Item& item = items_[index];
        for (const auto& field : type.unique_fields) {
          auto value = item.record->find(field);
          if (value == item.record->end() || !value->is_string() ||
              seen[field].emplace(value->get<std::string>(), true).second) {
            continue;
          }
          std::string key = endpointValue(item);
          if (key.empty()) {
            key = (*item.record)["id"];
          }
          keyedSlot(result_.errors[type.name], key) =
              uniquenessMessage(type.name, field, value->get<std::string>());
          result_.error_sources[absl::StrCat("/", type.name, "/", pointerToken(key))] =
              item.pointer;
        }
      }
    }
  }

  void emit() {
    for (const auto& type : entityTypes()) {
      auto& out = result_.entities[type.name];
      for (int index : registered_[type.name]) {
        // Field by field, leaving out nested children, which are emitted as entities of their
        // own: copying the record whole would copy a service's routes with it.
        nlohmann::json record = nlohmann::json::object();
        for (const auto& [field, value] : items_[index].record->items()) {
          if (field != "_comment" && field != "_ignore" && !isChild(type, field)) {
            record.emplace(field, value);
          }
        }
        for (const auto& foreign_key : type.foreign_keys) {
          if (!record.contains(foreign_key.field)) {
            record[foreign_key.field] = nullptr;
          }
        }
        out.push_back(std::move(record));
      }
    }
  }

  static bool isChild(const EntityType& type, const std::string& field) {
    for (const auto& child : type.children) {
      if (child.type == field) {
        return true;
      }
    }
    return false;
  }

  nlohmann::json& root_;
  int64_t now_;
  std::vector<Item> items_;
  std::vector<int> post_order_;
  std::map<std::string, std::map<std::string, int>> by_key_;
  std::map<std::string, std::map<std::string, int>> by_id_;
  std::map<std::string, std::vector<int>> registered_;
  std::vector<ExpectedReference> expected_;
  FlattenResult result_;
};

}  // namespace

FlattenResult flattenConfig(nlohmann::json& root, int64_t now) {
  return Flattener(root, now).run();
}

}  // namespace portico::config::declarative

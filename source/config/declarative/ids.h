#pragma once

#include <string>
#include <string_view>

namespace portico::config::declarative {

// Name-based UUID (RFC 4122 version 5, SHA-1) of `name` in `namespace_uuid`, lower-case text form.
std::string uuid5(std::string_view namespace_uuid, std::string_view name);

// Kong's DB-less id for an entity: uuid5(uuid5(<root namespace>, entity_table), key)
// (kong/db/schema/others/declarative_config.lua `generate_uuid`).
std::string entityUuid(std::string_view entity_table, std::string_view key);

// A random version 4 UUID, for entities whose id cannot be derived.
std::string randomUuid();

// Kong's random credential string (kong/tools/rand.lua): 24 random bytes in base64, `/` and `+`
// replaced by random upper- and lower-case letters, so 32 alphanumeric characters.
std::string randomAlphanumeric32();

// True when `text` is a UUID in the 8-4-4-4-12 hex form (Kong's `is_valid_uuid`).
bool isValidUuid(std::string_view text);

// Lower-case hex md5 of `text` (Kong's configuration hash).
std::string md5Hex(std::string_view text);

}  // namespace portico::config::declarative

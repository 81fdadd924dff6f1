#include "source/config/declarative/init_template.h"

namespace portico::config::declarative {

const std::string& initTemplate() {
  static const std::string kTemplate =
      R"(# Starter declarative configuration (Kong 3.0 format) written by `config init`.
#
# Keys starting with an underscore are metadata; every other top-level key is a
# list of entities. Load this file with `declarative_config = <path>` in the
# configuration file, check it with `config parse <path>`, or POST it to the
# Admin API's /config endpoint.

# Required: the format of this file.
_format_version: "3.0"

# Optional (default true): apply schema transformations, such as hashing
# plain-text credential secrets, while loading.
_transform: true

# Optional: a free-form note. Entities may carry one too.
_comment: Starter configuration; uncomment and edit the examples below.

# Optional: a list of anything, neither validated nor loaded.
_ignore:
- notes for humans
- or YAML anchors to reuse below

# Every example below is commented out, so this file loads as an empty config.

# services:
# - name: example-service
#   url: http://example.com
#   tags:
#   - example
#   # Entities that reference a service can be nested in it.
#   routes:
#   - name: example-route
#     paths:
#     - /example
#   plugins:
#   - name: jwt

# routes:
# # A top-level route names its service by name or id.
# - name: other-route
#   service: example-service
#   hosts:
#   - example.test

# consumers:
# - username: example-user
#   jwt_secrets:
#   - key: example-issuer
#     secret: change-me
#   plugins:
#   - name: rate-limiting
#     config:
#       policy: local
#       minute: 60

# plugins:
# # A plugin scoped to several entities must be top-level.
# - name: rate-limiting
#   consumer: example-user
#   service: example-service
#   config:
#     hour: 1000
)";
  return kTemplate;
}

}  // namespace portico::config::declarative

#include "source/server/declarative_source.h"

#include "source/config/declarative/init_template.h"
#include "source/config/declarative/loader.h"

namespace portico::server {
namespace {

absl::StatusOr<std::shared_ptr<const config::v1::DeclarativeConfig>> toStatusOr(
    config::declarative::LoadResult result) {
  if (!result.ok()) {
    return absl::InvalidArgumentError(result.error ? result.error->prettyText()
                                                   : std::string("invalid declarative config"));
  }
  return std::move(result.config);
}

}  // namespace

absl::StatusOr<std::shared_ptr<const config::v1::DeclarativeConfig>> loadDeclarativeFile(
    const std::string& path) {
  return toStatusOr(config::declarative::loadFile(path));
}

absl::StatusOr<std::shared_ptr<const config::v1::DeclarativeConfig>> loadDeclarativeText(
    std::string_view text, std::string_view source_name) {
  return toStatusOr(
      config::declarative::load(text, config::declarative::InputFormat::Auto, source_name));
}

std::string starterDeclarativeConfig() { return config::declarative::initTemplate(); }

}  // namespace portico::server

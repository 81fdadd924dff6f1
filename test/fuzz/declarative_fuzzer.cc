// libFuzzer target for the declarative config loader (POST /config bodies and kong.yml): any text
// gives either a config or an error that renders, never a crash. Inputs are capped at 64 KiB, well
// above a real kong.yml; that does not bound YAML alias expansion (nested aliases grow
// exponentially), which the loader itself does not limit yet.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "source/config/declarative/loader.h"

namespace {

constexpr size_t kMaxInput = 64 * 1024;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace declarative = portico::config::declarative;
  if (size > kMaxInput) {
    return 0;
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const declarative::LoadResult result =
      declarative::load(text, declarative::InputFormat::Auto, "fuzz");
  if (result.ok() == result.error.has_value()) {
    __builtin_trap();
  }
  if (result.error) {
    result.error->prettyText();
    result.error->adminMessage();
  } else if (result.config->config_hash().size() != 32) {
    __builtin_trap();
  }
  return 0;
}

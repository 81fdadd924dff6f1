#include "source/server/stats/readiness.h"

#include "absl/strings/str_cat.h"

namespace portico::server::stats {
namespace {

constexpr std::string_view kEmptyConfigHash = "00000000000000000000000000000000";

}  // namespace

std::string unreadyReason(const ReadinessInputs& inputs) {
  if (inputs.control_plane) {
    return "";
  }
  if (inputs.workers_running < inputs.workers || inputs.workers == 0) {
    return absl::StrCat("router builds not yet complete, router ready in ", inputs.workers_running,
                        " of ", inputs.workers, " workers");
  }
  if (inputs.config_hash.empty()) {
    return "no configuration available (configuration hash is not initialized)";
  }
  if (inputs.config_hash == kEmptyConfigHash) {
    return "no configuration available (empty configuration present)";
  }
  return "";
}

}  // namespace portico::server::stats

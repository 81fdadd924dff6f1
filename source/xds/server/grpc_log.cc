#include "source/xds/server/grpc_log.h"

#include "absl/strings/str_cat.h"
#include "grpc/support/log.h"
#include "source/common/log/logger.h"

namespace portico::xds::server {
namespace {

void toErrorLog(gpr_log_func_args* args) {
  log::Level level = log::Level::kError;
  if (args->severity == GPR_LOG_SEVERITY_DEBUG) {
    level = log::Level::kDebug;
  } else if (args->severity == GPR_LOG_SEVERITY_INFO) {
    level = log::Level::kInfo;
  }
  log::write(level, absl::StrCat("grpc: ", args->message));
}

}  // namespace

void routeGrpcLogsToErrorLog() { gpr_set_log_function(toErrorLog); }

}  // namespace portico::xds::server

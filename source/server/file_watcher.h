#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"

namespace portico::server {

// Calls `on_change` on the loop once a file has stopped changing for `settle_ms`. Watches the
// file's folder rather than the file: editors and config managers replace a file by renaming a
// new one over it, which ends a watch on the old inode. A Kubernetes ConfigMap volume's swap of
// its `..data` link counts as a change too.
class FileWatcher {
 public:
  FileWatcher(uv_loop_t* loop, std::string path, uint64_t settle_ms,
              std::function<void()> on_change);
  ~FileWatcher();
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  absl::Status start();

 private:
  static void onEvent(uv_fs_event_t* handle, const char* filename, int events, int status);

  const std::string path_;
  const std::string name_;  // the file's name within its folder
  const uint64_t settle_ms_;
  const std::function<void()> on_change_;
  uv_fs_event_t* event_;
  uv_timer_t* settle_;
};

}  // namespace portico::server

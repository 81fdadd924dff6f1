#include "source/server/file_watcher.h"

#include <string_view>

#include "absl/strings/str_cat.h"
#include "source/common/network/handle.h"

namespace portico::server {
namespace {

std::string folderOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) {
    return ".";
  }
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string nameOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Kubernetes updates a mounted ConfigMap by pointing the folder's `..data` symlink at a new
// directory: the file's own name (a symlink through `..data`) never changes.
constexpr char kConfigMapDataLink[] = "..data";

}  // namespace

FileWatcher::FileWatcher(uv_loop_t* loop, std::string path, uint64_t settle_ms,
                         std::function<void()> on_change)
    : path_(std::move(path)),
      name_(nameOf(path_)),
      settle_ms_(settle_ms),
      on_change_(std::move(on_change)),
      event_(new uv_fs_event_t),
      settle_(new uv_timer_t) {
  uv_fs_event_init(loop, event_);
  event_->data = this;
  uv_timer_init(loop, settle_);
  settle_->data = this;
}

FileWatcher::~FileWatcher() {
  network::closeAndDelete(event_);
  network::closeAndDelete(settle_);
}

absl::Status FileWatcher::start() {
  const std::string folder = folderOf(path_);
  if (const int status = uv_fs_event_start(event_, &FileWatcher::onEvent, folder.c_str(), 0);
      status != 0) {
    return absl::UnavailableError(absl::StrCat("cannot watch ", folder, " for changes of ", name_,
                                               ": ", uv_strerror(status)));
  }
  return absl::OkStatus();
}

void FileWatcher::onEvent(uv_fs_event_t* handle, const char* filename, int, int status) {
  auto* self = static_cast<FileWatcher*>(handle->data);
  if (status != 0 || filename == nullptr ||
      (self->name_ != filename && std::string_view(filename) != kConfigMapDataLink)) {
    return;
  }
  // Restarting the timer on every event coalesces a burst of writes into one reload.
  uv_timer_start(
      self->settle_,
      [](uv_timer_t* timer) { static_cast<FileWatcher*>(timer->data)->on_change_(); },
      self->settle_ms_, 0);
}

}  // namespace portico::server

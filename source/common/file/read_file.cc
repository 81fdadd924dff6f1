#include "source/common/file/read_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"

namespace portico::file {
namespace {

absl::Status errnoStatus(int error) {
  const char* reason = std::strerror(error);
  return error == ENOENT ? absl::NotFoundError(reason) : absl::FailedPreconditionError(reason);
}

}  // namespace

// POSIX calls rather than std::ifstream: libstdc++'s stream buffer throws when a read fails
// (a directory opens, then fails to read), and errno is what the message needs.
absl::StatusOr<std::string> readFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return errnoStatus(errno);
  }
  std::string contents;
  char buffer[16384];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      contents.append(buffer, static_cast<size_t>(n));
    } else if (n == 0) {
      break;
    } else if (errno != EINTR) {
      const int error = errno;
      ::close(fd);
      return errnoStatus(error);
    }
  }
  ::close(fd);
  return contents;
}

}  // namespace portico::file

#include "source/common/file/read_file.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace portico::file {
namespace {

std::string scratchPath(const std::string& name) {
  const char* directory = std::getenv("TEST_TMPDIR");
  return std::string(directory != nullptr ? directory : "/tmp") + "/" + name;
}

TEST(ReadFileTest, ReturnsEveryByteIncludingNuls) {
  const std::string path = scratchPath("binary");
  const std::string bytes("a\0b\r\n\xff", 6);
  std::ofstream(path, std::ios::binary) << bytes;
  absl::StatusOr<std::string> contents = readFile(path);
  ASSERT_TRUE(contents.ok()) << contents.status();
  EXPECT_EQ(*contents, bytes);
}

TEST(ReadFileTest, AnEmptyFileIsEmpty) {
  const std::string path = scratchPath("empty");
  std::ofstream(path, std::ios::binary).close();
  absl::StatusOr<std::string> contents = readFile(path);
  ASSERT_TRUE(contents.ok()) << contents.status();
  EXPECT_EQ(*contents, "");
}

TEST(ReadFileTest, AMissingFileIsNotFoundInTheSystemsWords) {
  absl::StatusOr<std::string> contents = readFile(scratchPath("missing"));
  EXPECT_TRUE(absl::IsNotFound(contents.status()));
  EXPECT_EQ(contents.status().message(), "No such file or directory");
}

TEST(ReadFileTest, ADirectoryIsAnError) {
  absl::StatusOr<std::string> contents = readFile(std::getenv("TEST_TMPDIR"));
  EXPECT_FALSE(contents.ok());
  EXPECT_EQ(contents.status().message(), "Is a directory");
}

}  // namespace
}  // namespace portico::file

#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace portico::http {

// A request's id as Kong writes it: 32 lower-case hex digits. Held inline because a 32-character
// std::string would cost a heap allocation on every request.
class RequestId {
 public:
  static constexpr size_t kDigits = 32;

  RequestId() = default;
  // The digits of two 64-bit draws, as "%016x%016x" prints them.
  RequestId(uint64_t high, uint64_t low);

  // Empty for a default-constructed id.
  std::string_view view() const {
    return set_ ? std::string_view(digits_.data(), kDigits) : std::string_view();
  }
  // A copy, for messages built with absl::StrCat (which takes no std::string_view here).
  std::string str() const { return std::string(view()); }

 private:
  std::array<char, kDigits> digits_{};
  bool set_ = false;
};

}  // namespace portico::http

#include "source/common/http/request_id.h"

namespace portico::http {
namespace {

// The two hex digits of every byte value: half as many steps as converting a digit at a time.
struct HexPairs {
  char digits[256][2];
  constexpr HexPairs() : digits() {
    constexpr char kHex[] = "0123456789abcdef";
    for (int byte = 0; byte < 256; ++byte) {
      digits[byte][0] = kHex[byte >> 4];
      digits[byte][1] = kHex[byte & 0xf];
    }
  }
};
constexpr HexPairs kHexPairs;

}  // namespace

RequestId::RequestId(uint64_t high, uint64_t low) : set_(true) {
  const uint64_t draws[] = {high, low};
  for (size_t half = 0; half < 2; ++half) {
    uint64_t value = draws[half];
    for (size_t byte = 8; byte-- > 0;) {
      const char* pair = kHexPairs.digits[value & 0xff];
      digits_[half * 16 + byte * 2] = pair[0];
      digits_[half * 16 + byte * 2 + 1] = pair[1];
      value >>= 8;
    }
  }
}

}  // namespace portico::http

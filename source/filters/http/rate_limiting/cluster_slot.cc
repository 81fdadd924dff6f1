#include "source/filters/http/rate_limiting/cluster_slot.h"

#include <boost/crc.hpp>

namespace portico::filters::http::rate_limiting {

uint16_t clusterSlot(std::string_view key) {
  const size_t open = key.find('{');
  if (open != std::string_view::npos) {
    const size_t close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  // Boost's crc_xmodem_type is the reflected variant; Redis uses the plain CCITT polynomial.
  boost::crc_optimal<16, 0x1021, 0, 0, false, false> crc;
  crc.process_bytes(key.data(), key.size());
  return static_cast<uint16_t>(crc.checksum() % kClusterSlots);
}

}  // namespace portico::filters::http::rate_limiting

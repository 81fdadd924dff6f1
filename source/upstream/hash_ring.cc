#include "source/upstream/hash_ring.h"

#include <algorithm>
#include <boost/crc.hpp>

#include "absl/strings/str_cat.h"

namespace portico::upstream {
namespace {

// A member of the default weight (100) gets slots/100 points (100 with Kong's 10,000 slots).
constexpr uint64_t kWeightPerSlotShare = 100 * 100;
constexpr uint64_t kMaxPointsPerMember = 65536;

}  // namespace

uint32_t crc32(std::string_view data) {
  boost::crc_32_type crc;
  crc.process_bytes(data.data(), data.size());
  return crc.checksum();
}

HashRing::HashRing(const std::vector<Member>& members, uint32_t slots) {
  for (size_t i = 0; i < members.size(); ++i) {
    if (members[i].weight == 0) {
      continue;
    }
    const uint64_t points = std::clamp<uint64_t>(
        uint64_t{slots} * members[i].weight / kWeightPerSlotShare, 1, kMaxPointsPerMember);
    for (uint64_t n = 0; n < points; ++n) {
      points_.emplace_back(crc32(absl::StrCat(members[i].name, " ", n)), i);
    }
  }
  std::sort(points_.begin(), points_.end());
}

size_t HashRing::start(uint32_t hash) const {
  auto it = std::lower_bound(points_.begin(), points_.end(), std::make_pair(hash, size_t{0}));
  return it == points_.end() ? 0 : static_cast<size_t>(it - points_.begin());
}

}  // namespace portico::upstream

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portico::upstream {

// CRC-32 (zlib's, as nginx's ngx.crc32_long that Kong hashes with).
uint32_t crc32(std::string_view data);

// A consistent-hashing ring: each member gets points in proportion to its own weight and `slots`
// (slots/100 points per 100 of weight), each at the CRC-32 of "<name> <n>". A member's points do
// not depend on the others, and a key belongs to the first point at or after its hash, so adding
// a member moves only the keys that land on the new member's points.
class HashRing {
 public:
  struct Member {
    std::string name;
    uint32_t weight = 0;
  };

  HashRing() = default;
  HashRing(const std::vector<Member>& members, uint32_t slots);

  bool empty() const { return points_.empty(); }
  size_t pointCount() const { return points_.size(); }
  // The position of `hash` on the ring, then the member at position + step (wrapping), so a
  // caller can walk on past members it must skip.
  size_t start(uint32_t hash) const;
  size_t memberAt(size_t position) const { return points_[position % points_.size()].second; }

 private:
  std::vector<std::pair<uint32_t, size_t>> points_;  // (hash, member index), sorted
};

}  // namespace portico::upstream

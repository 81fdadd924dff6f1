#pragma once

#include <uv.h>

#include <cstdint>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "source/common/network/timer.h"

namespace portico::network {

class TimeoutList;

// Something that can time out, with an embedded list hook: 32 bytes per connection instead of a
// uv timer each, which matters when a worker holds tens of thousands of idle connections.
class TimeoutEntry {
 public:
  virtual ~TimeoutEntry();
  virtual void onTimeout() = 0;

  // Leaves whatever list the entry is in.
  void cancelTimeout();
  bool timeoutScheduled() const { return list_ != nullptr; }

 private:
  friend class TimeoutList;
  TimeoutEntry* prev_ = nullptr;
  TimeoutEntry* next_ = nullptr;
  TimeoutList* list_ = nullptr;
  uint64_t deadline_ms_ = 0;
};

// Entries that all time out after the same duration. Scheduling appends at the tail, so the list
// stays ordered by deadline and one uv timer, armed for the head, serves every entry.
class TimeoutList {
 public:
  TimeoutList(uv_loop_t* loop, uint64_t duration_ms);
  ~TimeoutList();
  TimeoutList(const TimeoutList&) = delete;
  TimeoutList& operator=(const TimeoutList&) = delete;

  // (Re)starts `entry`'s countdown from now, moving it from any other list.
  void schedule(TimeoutEntry& entry);

 private:
  friend class TimeoutEntry;
  void unlink(TimeoutEntry& entry);
  void expire();
  void armForHead();

  uv_loop_t* loop_;
  uint64_t duration_ms_;
  TimeoutEntry* head_ = nullptr;
  TimeoutEntry* tail_ = nullptr;
  Timer timer_;
};

// Timeout lists for durations chosen at run time, such as each service's connect, write and
// read timeouts: one list per distinct duration, made on first use and kept, as configurations
// name few distinct values. Arming an entry is then a list append, where a uv timer per entry
// would be a heap insertion and an allocation.
class TimeoutLists {
 public:
  explicit TimeoutLists(uv_loop_t* loop) : loop_(loop) {}

  void schedule(TimeoutEntry& entry, uint64_t duration_ms);

 private:
  uv_loop_t* loop_;
  absl::flat_hash_map<uint64_t, std::unique_ptr<TimeoutList>> lists_;
  // The list used last: a request's timeouts mostly share one duration (Kong's defaults are all
  // 60 s), so most schedules skip the lookup. Lists are never removed.
  TimeoutList* last_ = nullptr;
  uint64_t last_duration_ms_ = 0;
};

}  // namespace portico::network

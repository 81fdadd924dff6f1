#include "source/common/network/timeout_list.h"

namespace portico::network {

TimeoutEntry::~TimeoutEntry() { cancelTimeout(); }

void TimeoutEntry::cancelTimeout() {
  if (list_ != nullptr) {
    list_->unlink(*this);
  }
}

TimeoutList::TimeoutList(uv_loop_t* loop, uint64_t duration_ms)
    : loop_(loop), duration_ms_(duration_ms), timer_(loop, [this] { expire(); }) {}

TimeoutList::~TimeoutList() {
  while (head_ != nullptr) {
    unlink(*head_);
  }
}

void TimeoutList::schedule(TimeoutEntry& entry) {
  entry.cancelTimeout();
  entry.deadline_ms_ = uv_now(loop_) + duration_ms_;
  entry.list_ = this;
  entry.prev_ = tail_;
  entry.next_ = nullptr;
  if (tail_ != nullptr) {
    tail_->next_ = &entry;
  } else {
    head_ = &entry;
  }
  tail_ = &entry;
  if (!timer_.armed()) {
    armForHead();
  }
}

void TimeoutList::unlink(TimeoutEntry& entry) {
  if (entry.prev_ != nullptr) {
    entry.prev_->next_ = entry.next_;
  } else {
    head_ = entry.next_;
  }
  if (entry.next_ != nullptr) {
    entry.next_->prev_ = entry.prev_;
  } else {
    tail_ = entry.prev_;
  }
  entry.prev_ = entry.next_ = nullptr;
  entry.list_ = nullptr;
}

void TimeoutList::expire() {
  const uint64_t now = uv_now(loop_);
  while (head_ != nullptr && head_->deadline_ms_ <= now) {
    TimeoutEntry& entry = *head_;
    unlink(entry);
    entry.onTimeout();  // may destroy the entry or schedule it again
  }
  armForHead();
}

void TimeoutList::armForHead() {
  if (head_ == nullptr) {
    timer_.disarm();
    return;
  }
  const uint64_t now = uv_now(loop_);
  timer_.arm(head_->deadline_ms_ > now ? head_->deadline_ms_ - now : 0);
}

void TimeoutLists::schedule(TimeoutEntry& entry, uint64_t duration_ms) {
  if (last_ == nullptr || last_duration_ms_ != duration_ms) {
    std::unique_ptr<TimeoutList>& list = lists_[duration_ms];
    if (list == nullptr) {
      list = std::make_unique<TimeoutList>(loop_, duration_ms);
    }
    last_ = list.get();
    last_duration_ms_ = duration_ms;
  }
  last_->schedule(entry);
}

}  // namespace portico::network

#include "source/upstream/connection_pool.h"

#include <algorithm>

namespace portico::upstream {

// Held by value in its list, so that a release allocates nothing. The list may move it (an
// erase from the middle), so it points its connection's callbacks at wherever it now lives.
class ConnectionPool::IdleConnection : public network::ConnectionCallbacks {
 public:
  IdleConnection(ConnectionPool& pool, IdleList& list, network::ConnectionPtr connection,
                 uint64_t idle_since)
      : pool_(&pool), list_(&list), connection_(std::move(connection)), idle_since_(idle_since) {
    connection_->setCallbacks(this);
  }
  IdleConnection(IdleConnection&& other) noexcept { *this = std::move(other); }
  IdleConnection& operator=(IdleConnection&& other) noexcept {
    pool_ = other.pool_;
    list_ = other.list_;
    connection_ = std::move(other.connection_);
    idle_since_ = other.idle_since_;
    if (connection_ != nullptr) {
      connection_->setCallbacks(this);
    }
    return *this;
  }

  // An idle upstream has nothing to say; anything it sends means the connection is unusable.
  void onData(const char*, size_t) override { pool_->remove(this); }
  void onClose(network::CloseReason, const std::string&) override { pool_->remove(this); }

  IdleList& list() const { return *list_; }
  uint64_t idleSince() const { return idle_since_; }
  network::ConnectionPtr release() {
    connection_->setCallbacks(nullptr);
    return std::move(connection_);
  }

 private:
  ConnectionPool* pool_ = nullptr;
  IdleList* list_ = nullptr;
  network::ConnectionPtr connection_;
  uint64_t idle_since_ = 0;
};

ConnectionPool::ConnectionPool(uv_loop_t* loop, size_t max_idle_per_key, uint32_t idle_timeout_ms)
    : loop_(loop),
      max_idle_per_key_(max_idle_per_key),
      idle_timeout_ms_(idle_timeout_ms),
      sweep_timer_(loop, [this] { sweep(); }) {}

ConnectionPool::~ConnectionPool() = default;

network::ConnectionPtr ConnectionPool::take(const std::string& key) {
  auto it = idle_.find(key);
  if (it == idle_.end() || it->second->empty()) {
    return nullptr;
  }
  network::ConnectionPtr connection = it->second->back().release();
  it->second->pop_back();
  --idle_count_;
  return connection;
}

void ConnectionPool::release(const std::string& key, network::ConnectionPtr connection) {
  std::unique_ptr<IdleList>& slot = idle_[key];
  if (slot == nullptr) {
    slot = std::make_unique<IdleList>();
  }
  IdleList& list = *slot;
  if (list.size() >= max_idle_per_key_) {
    return;  // `connection` closes as it goes out of scope
  }
  connection->readEnable(true);
  list.emplace_back(*this, list, std::move(connection), uv_now(loop_));
  ++idle_count_;
  if (!sweep_timer_.armed()) {
    sweep_timer_.armRepeating(std::max<uint32_t>(idle_timeout_ms_ / 4, 250));
  }
}

void ConnectionPool::remove(IdleConnection* idle) {
  IdleList& list = idle->list();
  auto entry = std::find_if(list.begin(), list.end(),
                            [idle](const auto& candidate) { return &candidate == idle; });
  if (entry != list.end()) {
    // Destroying the connection from inside its own callback is allowed (connection.h).
    list.erase(entry);
    --idle_count_;
  }
}

void ConnectionPool::sweep() {
  const uint64_t now = uv_now(loop_);
  for (auto it = idle_.begin(); it != idle_.end();) {
    IdleList& list = *it->second;
    // Oldest first: the list is ordered by release time.
    while (!list.empty() && now - list.front().idleSince() >= idle_timeout_ms_) {
      list.pop_front();
      --idle_count_;
    }
    if (list.empty()) {
      idle_.erase(it++);
    } else {
      ++it;
    }
  }
  if (idle_count_ == 0) {
    sweep_timer_.disarm();
  }
}

void ConnectionPool::clear() {
  idle_.clear();
  idle_count_ = 0;
  sweep_timer_.disarm();
}

}  // namespace portico::upstream

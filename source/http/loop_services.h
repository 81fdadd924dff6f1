#pragma once

#include <uv.h>

#include <memory>
#include <typeindex>
#include <utility>
#include <vector>

#include "source/upstream/fetcher.h"

namespace portico::upstream {
class Resolver;
}  // namespace portico::upstream

namespace portico::http {

// What plugins keep running on a loop across config reloads: credential refreshers and key set
// fetchers on the main loop, Redis clients on each worker's. One object of each type per loop,
// made on first use; the loop's owner destroys them before it closes the loop, so their handles
// close on a live loop and nothing outlives it. Used on the loop's thread only.
class LoopServices {
 public:
  // `resolver` is the loop's, shared with its proxying so one cache serves both; `fetcher` is
  // null on workers, which fetch nothing in the background. Both outlive this object.
  LoopServices(uv_loop_t* loop, upstream::Resolver& resolver, const upstream::HttpFetcher* fetcher)
      : loop_(loop), resolver_(resolver), fetcher_(fetcher) {}
  LoopServices(const LoopServices&) = delete;
  LoopServices& operator=(const LoopServices&) = delete;

  // Destroyed newest first: a later service may use an earlier one.
  ~LoopServices() {
    while (!services_.empty()) {
      services_.pop_back();
    }
  }

  uv_loop_t* loop() const { return loop_; }
  upstream::Resolver& resolver() const { return resolver_; }
  const upstream::HttpFetcher* fetcher() const { return fetcher_; }

  // The service of type T, made by `make` (returning std::unique_ptr<T>) the first time.
  template <class T, class Make>
  T& getOrCreate(Make make) {
    const std::type_index type(typeid(T));
    for (const auto& [existing_type, service] : services_) {
      if (existing_type == type) {
        return *static_cast<T*>(service.get());
      }
    }
    std::shared_ptr<T> service = make();
    T& result = *service;
    services_.emplace_back(type, std::move(service));
    return result;
  }

 private:
  uv_loop_t* const loop_;
  upstream::Resolver& resolver_;
  const upstream::HttpFetcher* const fetcher_;
  // A handful of entries: a scan beats a map.
  std::vector<std::pair<std::type_index, std::shared_ptr<void>>> services_;
};

}  // namespace portico::http

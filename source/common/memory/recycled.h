#pragma once

#include <cstddef>
#include <new>

#include "source/common/memory/block_cache.h"

namespace portico::memory {

// Gives class T (which derives from Recycled<T>) a per-thread cache of freed blocks (BlockCache):
// for the objects every proxied request makes and drops (its stream, proxy filter and parsers).
// The cache is shared with anything else whose blocks have the same size. An object of another
// size (a class derived from T that adds members) goes to the heap as usual.
template <class T, size_t kCapacity = 64>
class Recycled {
 public:
  static void* operator new(size_t size) {
    // sizeof(T) only inside the members: T is still incomplete where it derives from Recycled<T>.
    return size == sizeof(T) ? BlockCache<sizeof(T), kCapacity>::allocate() : ::operator new(size);
  }

  static void operator delete(void* block, size_t size) {
    if (size == sizeof(T)) {
      BlockCache<sizeof(T), kCapacity>::release(block);
      return;
    }
    ::operator delete(block);
  }
};

}  // namespace portico::memory

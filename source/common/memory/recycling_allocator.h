#pragma once

#include <cstddef>
#include <new>

#include "source/common/memory/block_cache.h"

namespace portico::memory {

// A standard allocator whose arrays of exactly kRecycledElements go through a BlockCache: a
// container reserved to that size on every request (a head's header lines) reuses a block freed
// by an earlier one instead of calling malloc. Other sizes go to the heap as usual.
template <class T, size_t kRecycledElements, size_t kCapacity = 64>
class RecyclingAllocator {
  // Cached blocks come from ::operator new(size), aligned for any type up to this.
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);

 public:
  using value_type = T;
  template <class U>
  struct rebind {
    using other = RecyclingAllocator<U, kRecycledElements, kCapacity>;
  };

  RecyclingAllocator() = default;
  template <class U>
  RecyclingAllocator(const RecyclingAllocator<U, kRecycledElements, kCapacity>&) {}

  T* allocate(size_t n) {
    if (n == kRecycledElements) {
      return static_cast<T*>(Blocks::allocate());
    }
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }

  void deallocate(T* block, size_t n) {
    if (n == kRecycledElements) {
      Blocks::release(block);
      return;
    }
    ::operator delete(block);
  }

  template <class U>
  bool operator==(const RecyclingAllocator<U, kRecycledElements, kCapacity>&) const {
    return true;
  }
  template <class U>
  bool operator!=(const RecyclingAllocator<U, kRecycledElements, kCapacity>&) const {
    return false;
  }

 private:
  using Blocks = BlockCache<sizeof(T) * kRecycledElements, kCapacity>;
};

}  // namespace portico::memory

#pragma once

#include <sanitizer/asan_interface.h>

#include <cstddef>
#include <new>

namespace portico::memory {

// A per-thread cache of freed blocks of kSize bytes: the next allocation of that size on the
// thread takes one back instead of going to malloc. Meant for the few blocks every proxied request
// makes and drops: dozens are alive at once on a busy worker, more than malloc's per-thread cache
// keeps per size, so without this most of them take malloc's slow path. At most kCapacity blocks
// stay cached per thread, so idle memory is bounded and does not grow with connections.
//
// Under AddressSanitizer a cached block is poisoned, so touching it after its release is reported
// (as a use after poison) while it waits in the cache.
template <size_t kSize, size_t kCapacity = 64>
class BlockCache {
 public:
  static void* allocate() {
    Cache& blocks = cache();
    if (blocks.count > 0) {
      void* block = blocks.blocks[--blocks.count];
      ASAN_UNPOISON_MEMORY_REGION(block, kSize);
      return block;
    }
    return ::operator new(kSize);
  }

  // `block` came from allocate() or from ::operator new(kSize), on any thread.
  static void release(void* block) {
    Cache& blocks = cache();
    if (!blocks.closed && blocks.count < kCapacity) {
      ASAN_POISON_MEMORY_REGION(block, kSize);
      blocks.blocks[blocks.count++] = block;
      return;
    }
    ::operator delete(block);
  }

 private:
  // Plain data, so that it stays usable until the thread is gone: a block released by some other
  // thread_local's destructor after the Releaser has run finds it closed and goes to the heap.
  struct Cache {
    void* blocks[kCapacity];
    size_t count;
    bool closed;
  };
  struct Releaser {
    ~Releaser() {
      while (cache->count > 0) {
        void* block = cache->blocks[--cache->count];
        ASAN_UNPOISON_MEMORY_REGION(block, kSize);
        ::operator delete(block);
      }
      cache->closed = true;
    }
    Cache* cache;
  };

  static Cache& cache() {
    thread_local Cache blocks{};
    thread_local Releaser releaser{&blocks};
    return blocks;
  }
};

}  // namespace portico::memory

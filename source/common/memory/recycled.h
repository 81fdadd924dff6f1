#pragma once

#include <sanitizer/asan_interface.h>

#include <cstddef>
#include <new>

namespace portico::memory {

// Gives class T (which derives from Recycled<T>) a per-thread cache of freed blocks: the next
// allocation of a T on that thread takes one back instead of going to malloc. Meant for the
// few objects every proxied request makes and drops (its stream, proxy filter and parsers):
// dozens are alive at once on a busy worker, more than malloc's per-thread cache keeps per size,
// so without this most of them take malloc's slow path. At most kCapacity blocks stay cached
// per thread, so idle memory is bounded and does not grow with connections.
//
// Under AddressSanitizer a cached block is poisoned, so touching a T after its deletion is
// reported (as a use after poison) while it waits in the cache.
template <class T, size_t kCapacity = 64>
class Recycled {
 public:
  static void* operator new(size_t size) {
    if (size == sizeof(T) && cache().count > 0) {
      void* block = cache().blocks[--cache().count];
      ASAN_UNPOISON_MEMORY_REGION(block, size);
      return block;
    }
    return ::operator new(size);
  }

  static void operator delete(void* block, size_t size) {
    if (size == sizeof(T) && !cache().closed && cache().count < kCapacity) {
      ASAN_POISON_MEMORY_REGION(block, size);
      cache().blocks[cache().count++] = block;
      return;
    }
    ::operator delete(block);
  }

 private:
  // Plain data, so that it stays usable until the thread is gone: a T deleted by some other
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
        ASAN_UNPOISON_MEMORY_REGION(block, sizeof(T));
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

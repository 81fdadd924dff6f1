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
    if (size == sizeof(T) && cache().count < kCapacity) {
      ASAN_POISON_MEMORY_REGION(block, size);
      cache().blocks[cache().count++] = block;
      return;
    }
    ::operator delete(block);
  }

 private:
  struct Cache {
    ~Cache() {
      while (count > 0) {
        void* block = blocks[--count];
        ASAN_UNPOISON_MEMORY_REGION(block, sizeof(T));
        ::operator delete(block);
      }
    }
    void* blocks[kCapacity];
    size_t count = 0;
  };

  static Cache& cache() {
    thread_local Cache blocks;
    return blocks;
  }
};

}  // namespace portico::memory

#pragma once
// oneapi::tbb::parallel_for, with what it guarantees told to ThreadSanitizer.
//
// Debian's oneTBB is not built with -fsanitize=thread, so TSan cannot see
// the synchronisation by which a parallel_for hands its chunks to worker
// threads and waits for them: every read of data the caller wrote before
// the loop (and every read after it of what the chunks wrote) looks like a
// race. The reports — millions per run, each symbolised and matched against
// suppressions — made the determinism tests time out under TSan. Here the
// loop's two guarantees are annotated: the call happens before each chunk,
// and each chunk before the return. Nothing is added between chunks, so
// races between chunks stay visible. In other builds this is the plain call.
#include <oneapi/tbb/parallel_for.h>

#if defined(__SANITIZE_THREAD__)
#define JOURNEYSIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define JOURNEYSIM_TSAN 1
#endif
#endif

#ifdef JOURNEYSIM_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace journeysim::runtime {

template <typename Range, typename Body>
void parallel_for(const Range& range, const Body& body) {
#ifdef JOURNEYSIM_TSAN
  char started = 0, finished = 0;  // addresses only: TSan's synchronisation objects
  __tsan_release(&started);
  oneapi::tbb::parallel_for(range, [&](const Range& part) {
    __tsan_acquire(&started);
    body(part);
    __tsan_release(&finished);
  });
  __tsan_acquire(&finished);
#else
  oneapi::tbb::parallel_for(range, body);
#endif
}

}  // namespace journeysim::runtime

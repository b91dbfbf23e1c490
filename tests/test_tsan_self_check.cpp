// The ThreadSanitizer job (tools/sanitize.sh --tsan) leaves oneTBB's headers
// uninstrumented and suppresses reports inside its task bookkeeping
// (tests/tsan_ignorelist.txt, tests/tsan.supp). This checks that what is left
// still catches the races that matter: two chunks of one parallel loop
// writing the same variable. Elsewhere it is skipped.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include <gtest/gtest.h>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/task_arena.h>

#include "runtime/parallel_for.hpp"
#include "sanitizers.hpp"

namespace {

// Two chunks that wait for each other (relaxed atomics: no ordering between
// them), then both write `shared`: a data race that TSan must report.
void race_between_two_chunks() {
  long shared = 0;
  std::atomic<int> started{0};
  oneapi::tbb::task_arena arena(2);
  arena.execute([&] {
    journeysim::runtime::parallel_for(oneapi::tbb::blocked_range<int>(0, 2, 1), [&](const oneapi::tbb::blocked_range<int>& part) {
      started.fetch_add(1, std::memory_order_relaxed);
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (started.load(std::memory_order_relaxed) < 2 && std::chrono::steady_clock::now() < give_up)
        std::this_thread::yield();
      shared += part.begin() + 1;
    });
  });
  std::fprintf(stderr, "shared = %ld\n", shared);
}

TEST(ParallelForUnderThreadSanitizer, ARaceBetweenChunksIsStillReported) {
  if (!journeysim::sanitizers::kThreadSanitizer) GTEST_SKIP() << "only under ThreadSanitizer (tools/sanitize.sh --tsan)";
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(race_between_two_chunks(), "ThreadSanitizer: data race");
}

}  // namespace

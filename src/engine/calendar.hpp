#pragma once
// A calendar of future steps with memory independent of the number of steps:
// a ring covers the current window of `window` steps; anything due later waits
// in an overflow list that is sorted into the ring when its window comes.
// One per thread, so pushes need no lock.
#include <cstdint>
#include <utility>
#include <vector>

namespace journeysim::engine {

// Customers due at each step, by slot (customers.hpp).
class StepCalendar {
 public:
  static constexpr std::uint32_t window = 1024;
  // Memory per waiting customer in the current window (8 beyond it).
  static constexpr std::uint64_t bytes_per_entry = sizeof(std::uint32_t);

  // A calendar made during a run starts in the window of the current step
  // (a multiple of `window`): one made at step 1500 must put step 1501 in
  // its ring, not in the list for the next window.
  explicit StepCalendar(std::uint32_t window_start = 0) : ring_(window), window_end_(window_start + window) {}

  void push(std::uint32_t step, std::uint32_t slot) {
    if (step < window_end_) ring_[step % window].push_back(slot);
    else later_.push_back({step, slot});
  }

  // Starts the window [step, step + window) at a multiple of `window`.
  void open_window(std::uint32_t step) {
    window_end_ = step + window;
    auto kept = later_.begin();
    for (const auto& entry : later_) {
      if (entry.first < window_end_) ring_[entry.first % window].push_back(entry.second);
      else *kept++ = entry;
    }
    later_.erase(kept, later_.end());
  }

  std::vector<std::uint32_t>& due(std::uint32_t step) { return ring_[step % window]; }

 private:
  std::vector<std::vector<std::uint32_t>> ring_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> later_;  // (step, slot)
  std::uint32_t window_end_;
};

// Counts of events (advocacy ends) due at each step.
class StepCounter {
 public:
  static constexpr std::uint32_t window = StepCalendar::window;

  explicit StepCounter(std::uint32_t window_start = 0) : ring_(window, 0), window_end_(window_start + window) {}

  void add(std::uint32_t step) {
    if (step < window_end_) ++ring_[step % window];
    else later_.push_back(step);
  }

  void open_window(std::uint32_t step) {
    window_end_ = step + window;
    auto kept = later_.begin();
    for (const std::uint32_t due : later_) {
      if (due < window_end_) ++ring_[due % window];
      else *kept++ = due;
    }
    later_.erase(kept, later_.end());
  }

  // The count due at `step`, which is then cleared for reuse by a later window.
  std::uint64_t take(std::uint32_t step) { return std::exchange(ring_[step % window], 0); }

 private:
  std::vector<std::uint64_t> ring_;
  std::vector<std::uint32_t> later_;
  std::uint32_t window_end_;
};

}  // namespace journeysim::engine

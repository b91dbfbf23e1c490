#pragma once
// State of the customers made aware so far, indexed by customer id (ids are
// given in activation order). Arrays are allocated for the whole market but
// left uninitialised, so memory is only touched as customers become aware:
// unaware customers cost nothing.
//
// Layout follows access: a step visits customers in no particular order and
// reads most of their hot fields, so those share one 32-byte record (one cache
// miss per customer, where parallel arrays cost one miss per field); fields
// used only at purchases live in a separate cold array.
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>

namespace journeysim::engine {

enum CustomerFlag : std::uint8_t {
  purchaser = 1,
  advocate_ever = 2,
  finished = 4,   // dropped off
  truncated = 8,  // stopped by the event cap
  traced = 16,    // its events are recorded (run --trace): a bit test is all an untraced customer pays
};

struct alignas(32) HotState {
  double leave_time;    // when it leaves its current node
  double aware_time;    // double: delays and journey lengths are differences of times
  float satisfaction;   // running mean of rated experiences
  std::uint32_t events; // its own event counter: the RNG counter
  std::uint32_t rated;  // number of rated experiences
  std::uint16_t node;   // current node (touchpoint or entry)
  std::uint8_t segment;
  std::uint8_t flags;
};
static_assert(sizeof(HotState) == 32);

struct ColdState {
  float advocate_until;        // an active advocate while time < this
  float first_purchase_delay;  // days from awareness to first purchase
};

// An uninitialised array in its own anonymous mapping: pages are only backed
// once touched, and transparent huge pages are requested, because customers
// are visited in random order and 4 KiB pages would make most accesses a TLB miss.
template <typename T>
class LazyArray {
 public:
  explicit LazyArray(std::size_t count) : bytes_(count * sizeof(T) > 0 ? count * sizeof(T) : 1) {
    void* memory = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (memory == MAP_FAILED) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    madvise(memory, bytes_, MADV_HUGEPAGE);  // advice only: fine if refused
#endif
    data_ = static_cast<T*>(memory);
  }
  ~LazyArray() { munmap(data_, bytes_); }
  LazyArray(const LazyArray&) = delete;
  LazyArray& operator=(const LazyArray&) = delete;

  T& operator[](std::size_t index) { return data_[index]; }
  const T& operator[](std::size_t index) const { return data_[index]; }

 private:
  std::size_t bytes_;
  T* data_ = nullptr;
};

struct CustomerStore {
  explicit CustomerStore(std::uint64_t capacity) : hot(capacity), cold(capacity) {}

  static constexpr std::uint64_t bytes_per_customer = sizeof(HotState) + sizeof(ColdState);

  LazyArray<HotState> hot;
  LazyArray<ColdState> cold;
};

}  // namespace journeysim::engine

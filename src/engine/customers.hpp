#pragma once
// State of the customers in progress, by slot. A slot holds one customer from
// awareness to the end of its journey (drop-off, the event cap); then what
// the results need has been counted (CensusTally) and the slot is reused, so
// memory follows the customers travelling at once, not those ever aware.
// Arrays are reserved lazily and grown in place (mremap), so untouched slots
// cost nothing.
//
// Layout follows access: a step visits customers in no particular order and
// reads most of their hot fields, so those share one 32-byte record (one cache
// miss per customer, where parallel arrays cost one miss per field); the
// awareness time, read at the first purchase and at the end only, lives in a
// separate cold array.
#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>

namespace journeysim::engine {

enum CustomerFlag : std::uint8_t {
  purchaser = 1,
  advocate_ever = 2,
  live = 4,       // the slot holds a customer in progress; a free slot has no flags
  traced = 16,    // its events are recorded (run --trace): a bit test is all an untraced customer pays
};

struct alignas(32) HotState {
  double leave_time;     // when it leaves its current node
  float satisfaction;    // running mean of rated experiences
  float advocate_until;  // an active advocate while time < this (read at purchases)
  std::uint32_t events;  // its own event counter: the RNG counter
  std::uint32_t rated;   // number of rated experiences
  std::uint32_t id;      // the customer: its random streams are keyed by this, never by the slot
  std::uint16_t node;    // current node (touchpoint or entry)
  std::uint8_t segment;
  std::uint8_t flags;
};
static_assert(sizeof(HotState) == 32);

struct ColdState {
  double aware_time;  // double: delays and journey lengths are differences of times
};

// An uninitialised array in its own anonymous mapping: pages are only backed
// once touched, and transparent huge pages are requested, because customers
// are visited in random order and 4 KiB pages would make most accesses a TLB miss.
template <typename T>
class LazyArray {
 public:
  explicit LazyArray(std::size_t count) : bytes_(bytes_for(count)) {
    void* memory = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (memory == MAP_FAILED) throw std::bad_alloc();
    advise(memory, bytes_);
    data_ = static_cast<T*>(memory);
  }
  ~LazyArray() { munmap(data_, bytes_); }
  LazyArray(const LazyArray&) = delete;
  LazyArray& operator=(const LazyArray&) = delete;

  // Room for `count` elements, keeping the first ones: the kernel moves the
  // pages (no copy). Returns false, and changes nothing, when it cannot.
  // Only between steps: no thread may hold a pointer into the array.
  bool grow(std::size_t count) {
    const std::size_t bytes = bytes_for(count);
    if (bytes <= bytes_) return true;
    void* memory = mremap(data_, bytes_, bytes, MREMAP_MAYMOVE);
    if (memory == MAP_FAILED) return false;
    advise(memory, bytes);
    data_ = static_cast<T*>(memory);
    bytes_ = bytes;
    return true;
  }
  std::size_t capacity() const { return bytes_ / sizeof(T); }

  T& operator[](std::size_t index) { return data_[index]; }
  const T& operator[](std::size_t index) const { return data_[index]; }

 private:
  static std::size_t bytes_for(std::size_t count) { return std::max<std::size_t>(count * sizeof(T), 1); }
  static void advise([[maybe_unused]] void* memory, [[maybe_unused]] std::size_t bytes) {
#ifdef MADV_HUGEPAGE
    madvise(memory, bytes, MADV_HUGEPAGE);  // advice only: fine if refused
#endif
  }

  std::size_t bytes_;
  T* data_ = nullptr;
};

struct CustomerStore {
  explicit CustomerStore(std::uint64_t capacity) : hot(capacity), cold(capacity) {}

  static constexpr std::uint64_t bytes_per_customer = sizeof(HotState) + sizeof(ColdState);

  std::uint64_t capacity() const { return std::min(hot.capacity(), cold.capacity()); }
  // Room for `slots` slots; false when the address space has no room.
  bool grow(std::uint64_t slots) { return hot.grow(slots) && cold.grow(slots); }

  LazyArray<HotState> hot;
  LazyArray<ColdState> cold;
};

}  // namespace journeysim::engine

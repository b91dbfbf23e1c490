#pragma once
// Structure-of-arrays state of the customers made aware so far, indexed by
// customer id (ids are given in activation order). Arrays are allocated for the
// whole market but left uninitialised, so memory is only touched as customers
// become aware: unaware customers cost nothing.
#include <cstdint>
#include <memory>

namespace journeysim::engine {

enum CustomerFlag : std::uint8_t {
  purchaser = 1,
  advocate_ever = 2,
  finished = 4,   // dropped off
  truncated = 8,  // stopped by the event cap
};

struct CustomerStore {
  explicit CustomerStore(std::uint64_t capacity)
      : leave_time(std::make_unique_for_overwrite<double[]>(capacity)),
        aware_time(std::make_unique_for_overwrite<float[]>(capacity)),
        satisfaction(std::make_unique_for_overwrite<float[]>(capacity)),
        advocate_until(std::make_unique_for_overwrite<float[]>(capacity)),
        first_purchase_delay(std::make_unique_for_overwrite<float[]>(capacity)),
        events(std::make_unique_for_overwrite<std::uint32_t[]>(capacity)),
        rated(std::make_unique_for_overwrite<std::uint32_t[]>(capacity)),
        node(std::make_unique_for_overwrite<std::uint16_t[]>(capacity)),
        segment(std::make_unique_for_overwrite<std::uint8_t[]>(capacity)),
        flags(std::make_unique_for_overwrite<std::uint8_t[]>(capacity)) {}

  static constexpr std::uint64_t bytes_per_customer =
      sizeof(double) + 4 * sizeof(float) + 2 * sizeof(std::uint32_t) + sizeof(std::uint16_t) +
      2 * sizeof(std::uint8_t);

  std::unique_ptr<double[]> leave_time;           // when it leaves its current node
  std::unique_ptr<float[]> aware_time;
  std::unique_ptr<float[]> satisfaction;          // running mean of rated experiences
  std::unique_ptr<float[]> advocate_until;        // active advocate while time < this
  std::unique_ptr<float[]> first_purchase_delay;  // days from awareness to first purchase
  std::unique_ptr<std::uint32_t[]> events;        // its own event counter: the RNG counter
  std::unique_ptr<std::uint32_t[]> rated;         // number of rated experiences
  std::unique_ptr<std::uint16_t[]> node;          // current node (touchpoint or entry)
  std::unique_ptr<std::uint8_t[]> segment;
  std::unique_ptr<std::uint8_t[]> flags;
};

}  // namespace journeysim::engine

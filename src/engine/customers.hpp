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
#include <cstdint>
#include <memory>

namespace journeysim::engine {

enum CustomerFlag : std::uint8_t {
  purchaser = 1,
  advocate_ever = 2,
  finished = 4,   // dropped off
  truncated = 8,  // stopped by the event cap
};

struct alignas(32) HotState {
  double leave_time;    // when it leaves its current node
  float aware_time;
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

struct CustomerStore {
  explicit CustomerStore(std::uint64_t capacity)
      : hot(std::make_unique_for_overwrite<HotState[]>(capacity)),
        cold(std::make_unique_for_overwrite<ColdState[]>(capacity)) {}

  static constexpr std::uint64_t bytes_per_customer = sizeof(HotState) + sizeof(ColdState);

  std::unique_ptr<HotState[]> hot;
  std::unique_ptr<ColdState[]> cold;
};

}  // namespace journeysim::engine

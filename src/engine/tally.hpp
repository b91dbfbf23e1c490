#pragma once
// Per-thread counters. Everything a thread adds up is an integer (floating
// quantities are stored in fixed point), so combining threads in any order
// gives the same bits: results do not depend on the thread count.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#include <oneapi/tbb/cache_aligned_allocator.h>

#include "engine/calendar.hpp"
#include "engine/customers.hpp"
#include "journeysim/results.hpp"

namespace journeysim::engine {

__extension__ using uint128 = unsigned __int128;  // exact sums of squares

// Fixed-point scales: a rating in [0,1] to 2^-24 (a float satisfaction's own
// resolution; 2^40 reviews before a uint64 sum could overflow), a duration in
// days to 2^-20.
constexpr double rating_scale = 16777216.0;
constexpr double days_scale = 1048576.0;

// The census's sums (satisfaction at the horizon, first-purchase delays) in
// fixed point to 2^-64, in 128 bits, so they are exact in any order and can
// be added whenever a customer is counted. Both are non-negative floats:
// satisfaction is a mean of experiences clipped to [0,1], a delay at most
// max_horizon_days = 1e7 < 2^24 days. A float at or above 2^-41 scaled by
// 2^64 is an integer, so the conversion is exact for every value the engine
// can hold but the tiniest (those lose less than 2^-64 each); the largest
// term is below 2^88 and at most max_market_size < 2^32 of them are added,
// so a sum stays below 2^120. Turned back into a double the total is
// correctly rounded: within 2^-53 relative, closer than the float sums in
// block order it replaces (those erred by up to n·2^-53).
constexpr double census_scale = 18446744073709551616.0;  // 2^64
// The same as static_cast<uint128>(double(value) * 2^64), truncating, from
// the float's bits: the compiler's conversion is a libgcc call that cost 1 %
// of the ecosystem's time. Values below 2^63 (the engine's are below 2^24).
inline uint128 to_census_fixed(float value) {
  const auto bits = std::bit_cast<std::uint32_t>(value);
  const int biased_exponent = static_cast<int>(bits >> 23);
  uint128 significand = bits & 0x7fffffu;
  if (biased_exponent != 0) significand |= 0x800000u;
  // value = significand · 2^(e − 150), e the biased exponent (1 for subnormals).
  const int shift = std::max(biased_exponent, 1) - 150 + 64;
  return shift >= 0 ? significand << shift : significand >> -shift;
}
// std::llround for 0 <= value < 2^63, without the libm call (1.5 % of the
// ecosystem): value − trunc(value) is exact, and halves round up as there.
inline std::uint64_t round_non_negative(double value) {
  const auto whole = static_cast<std::uint64_t>(value);
  return whole + (value - static_cast<double>(whole) >= 0.5 ? 1 : 0);
}
inline double from_census_fixed(uint128 sum) { return static_cast<double>(sum) / census_scale; }

// What the results need from customers' own states: purchasers by segment,
// advocates ever, NPS classes and satisfaction by final satisfaction,
// first-purchase delays. A customer is counted once, when its state is
// final: at the end of its journey (then its slot is reused), or at the
// horizon if still travelling. Integers only (the sums in fixed point), so
// parts merge in any order and it does not matter which thread, process or
// slot counted whom.
struct CensusTally {
  explicit CensusTally(std::uint32_t segment_count) : segments(segment_count), satisfaction_sums(segment_count) {}

  struct Segment {
    std::uint64_t purchasers = 0;
    std::uint64_t advocates = 0;
    std::uint64_t promoters = 0;
    std::uint64_t detractors = 0;
    std::uint64_t satisfaction_count = 0;
  };

  // A customer whose state will not change any more. Satisfaction is stored
  // as float, so the thresholds are compared as floats: a customer whose
  // experiences were all 0.9 is a promoter at promoter_at 0.9.
  void count(const HotState& customer, float promoter_at, float detractor_below) {
    if (!(customer.flags & CustomerFlag::purchaser)) return;
    Segment& segment = segments[customer.segment];
    ++segment.purchasers;
    if (customer.flags & CustomerFlag::advocate_ever) ++segment.advocates;
    if (customer.rated == 0) return;  // passive, and left out of mean satisfaction
    satisfaction_sums[customer.segment] += to_census_fixed(customer.satisfaction);
    ++segment.satisfaction_count;
    if (customer.satisfaction >= promoter_at) ++segment.promoters;
    else if (customer.satisfaction < detractor_below) ++segment.detractors;
  }
  // At a customer's first purchase: its delay is final then (4 bytes per
  // purchaser, for exact quantiles).
  void first_purchase(float delay) {
    delays.push_back(delay);
    delay_sum += to_census_fixed(delay);
  }

  void merge(const CensusTally& other) {
    in_progress += other.in_progress;
    for (size_t s = 0; s < segments.size(); ++s) {
      segments[s].purchasers += other.segments[s].purchasers;
      segments[s].advocates += other.segments[s].advocates;
      segments[s].promoters += other.segments[s].promoters;
      segments[s].detractors += other.segments[s].detractors;
      segments[s].satisfaction_count += other.segments[s].satisfaction_count;
      satisfaction_sums[s] += other.satisfaction_sums[s];
    }
    delay_sum += other.delay_sum;
  }  // not the delays: they stay where they are (collect.cpp)

  std::uint64_t in_progress = 0;  // counted at the horizon only
  std::vector<Segment> segments;
  std::vector<uint128> satisfaction_sums;  // × census_scale, by segment
  uint128 delay_sum = 0;                   // first-purchase delays × census_scale
  std::vector<float> delays;               // first-purchase delays, in no particular order
};

// Counters written on every event by one thread: cache-line aligned and
// padded, so two threads' counters never share a line (false sharing).
using Counters = std::vector<std::uint64_t, oneapi::tbb::cache_aligned_allocator<std::uint64_t>>;

struct TallyShape {
  std::uint32_t touchpoints = 0;
  std::uint32_t segments = 0;
  std::uint32_t entries = 0;  // entry nodes
  std::uint32_t flows = 0;
  std::uint32_t steps = 0;
  std::uint32_t days = 0;
};

// A traced customer's event as the thread that saw it recorded it. Its
// journey crosses steps and so threads: (customer, event number, event kind)
// puts rows back in journey order, the same for any thread count.
struct TraceRecord {
  std::uint32_t event_number;  // the customer's own event counter when it happened
  TraceRow row;
};

struct Tally {
  // `window_start`: the calendar window of the step it is made in (a thread
  // may make its first tally at any step).
  explicit Tally(const TallyShape& shape, std::uint32_t window_start = 0)
      : purchases(std::size_t{shape.segments} * shape.touchpoints),
        refunds(std::size_t{shape.segments} * shape.touchpoints),
        visits_after_purchase(std::size_t{shape.segments} * shape.touchpoints),
        dropoffs(shape.touchpoints),
        entry_dropoffs(shape.entries),
        flows(std::size_t{shape.segments} * shape.flows),
        advocate_ends(window_start),
        day_aware(std::size_t{shape.entries} * shape.days),
        day_purchases(shape.days),
        day_new_purchasers(shape.days),
        day_reviews(shape.days),
        day_rating_sum(shape.days),
        day_advocates_started(shape.days),
        day_advocates_expired(shape.days),
        waiting(window_start),
        census(shape.segments) {}

  std::uint64_t events = 0;
  std::uint64_t finished = 0;
  std::uint64_t truncated = 0;
  std::uint64_t journey_count = 0;
  uint128 journey_sum = 0;    // days × days_scale
  uint128 journey_sum_sq = 0;

  Counters purchases;  // [segment × touchpoint]
  Counters refunds;    // [segment × touchpoint]
  Counters visits_after_purchase;  // [segment × touchpoint]: by customers who had bought before
  Counters dropoffs;   // [touchpoint]
  Counters entry_dropoffs;  // [entry node]: aware, but entered no touchpoint
  Counters flows;      // [segment × flow]: the visits too, by where each flow ends (collect.cpp)

  // Shared influences since the last synchronisation (folded in and zeroed there).
  std::uint64_t new_reviews = 0;
  std::uint64_t new_rating_sum = 0;  // × rating_scale
  std::uint64_t new_advocates = 0;
  // Advocacy ends by the synchronisation step they precede: step k counts
  // ends in ((k-1)·step, k·step], known ahead of time.
  StepCounter advocate_ends;

  // Daily series.
  Counters day_aware;  // [entry × day]
  Counters day_purchases;
  Counters day_new_purchasers;
  Counters day_reviews;
  Counters day_rating_sum;  // × rating_scale
  Counters day_advocates_started;
  Counters day_advocates_expired;  // [d]: expiry in (d, min(d+1, horizon)]

  // Customers by the step their next event falls in.
  StepCalendar waiting;

  // Customers whose journey ended on this thread, counted then.
  CensusTally census;
  // Their slots, and fresh ones claimed but not used: this thread's free
  // slots (Replication::take_slot).
  std::vector<std::uint32_t> freed;
  // Fresh slots past the high-water mark claimed by this thread, not yet used.
  std::uint64_t fresh_next = 0;
  std::uint64_t fresh_end = 0;

  // Events of traced customers only (empty, and never allocated, without --trace).
  std::vector<TraceRecord> trace;
};

// Money made after the horizon by purchasers' run-off journeys.
struct RunOffTally {
  explicit RunOffTally(const TallyShape& shape)
      : purchases(std::size_t{shape.segments} * shape.touchpoints),
        refunds(std::size_t{shape.segments} * shape.touchpoints) {}

  Counters purchases;  // [segment × touchpoint]
  Counters refunds;    // [segment × touchpoint]
  std::uint64_t truncated = 0;
};

}  // namespace journeysim::engine

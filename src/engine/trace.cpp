// Following a few customers event by event (run --trace). Traced customers
// carry a flag bit; the walk calls trace() only for them, into the tally of
// the thread that runs them, so untraced customers pay a bit test and no
// thread waits for another. Tracing reads the state and draws nothing: every
// result is the same with it or without it.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <span>
#include <type_traits>
#include <tuple>

#include "engine/replication.hpp"
#include "journeysim/chain.hpp"

namespace journeysim {

// Expected aware by the horizon without word of mouth, as `analyze` counts
// it, but computed here rather than by analyze(): that solves the whole
// chain, which costs seconds on a fitted scenario with thousands of
// touchpoints, and the awareness part needs none of it.
std::uint64_t trace_stride(const Scenario& scenario, std::uint64_t market_size, std::uint32_t customers) {
  if (customers == 0) return 1;
  const Awareness& awareness = scenario.awareness;
  double total_rate = 0.0;
  for (const AwarenessChannel& channel : awareness.channels) total_rate += channel.rate;
  double aware = 0.0;
  for (const Segment& segment : effective_segments(scenario)) {
    const double market = static_cast<double>(market_size) * segment.share;
    const double initially = market * awareness.initial_share;
    const double by_channels = market * (1.0 - awareness.initial_share) *
                               -std::expm1(-total_rate * segment.awareness_multiplier * scenario.horizon_days);
    aware += initially + by_channels;
  }
  const double stride = std::floor(aware / static_cast<double>(customers));
  if (!(stride >= 1.0)) return 1;  // also a NaN expectation, should absurd rates give one
  return static_cast<std::uint64_t>(std::min(stride, static_cast<double>(market_size)));
}

namespace engine {

namespace {

TraceRow trace_row(const Scenario& scenario, const HotState& customer, std::uint32_t id, TraceEvent event,
                   double time, std::uint32_t place, double experience) {
  TraceRow row;
  row.customer = id;
  row.segment = customer.segment;
  row.time = time;
  row.place = place;
  row.event = event;
  row.experience = experience;
  if (customer.rated > 0) row.satisfaction = customer.satisfaction;
  // Money as an event log has it (what `fit` reads back): a sale takes it,
  // a refund gives it back, so a refund's revenue is negative. 0.0 − amount
  // keeps a zero refund +0, not -0.
  if (event == TraceEvent::purchase) row.revenue = scenario.touchpoints[place].purchase_revenue.value_or(0.0);
  if (event == TraceEvent::refund) row.revenue = 0.0 - scenario.touchpoints[place].refund_amount.value_or(0.0);
  return row;
}

}  // namespace

void Replication::trace(Tally& tally, std::uint32_t slot, std::uint32_t event_number, TraceEvent event,
                        double time, std::uint32_t place, double experience) const {
  tally.trace.push_back(
      {event_number, trace_row(scenario_, store_.hot[slot], store_.hot[slot].id, event, time, place, experience)});
}

std::vector<TraceRow> Replication::take_trace() {
  std::vector<TraceRecord> records;
  for (Tally& tally : tallies_) {
    records.insert(records.end(), tally.trace.begin(), tally.trace.end());
    std::vector<TraceRecord>().swap(tally.trace);
  }
  // Journeys the horizon interrupted: the live slots of traced customers
  // say where they stand (in slot order; the sort below fixes the order).
  for (std::uint64_t slot = 0; slot < high_water_; ++slot) {
    const HotState& customer = store_.hot[slot];
    constexpr std::uint8_t live_and_traced = CustomerFlag::live | CustomerFlag::traced;
    if ((customer.flags & live_and_traced) != live_and_traced) continue;
    records.push_back({customer.events, trace_row(scenario_, customer, customer.id, TraceEvent::in_progress,
                                                  horizon_, customer.node, std::numeric_limits<double>::quiet_NaN())});
  }
  if (settings_.partition) {  // every process's rows, on every process
    static_assert(std::is_trivially_copyable_v<TraceRecord>);
    const auto all = settings_.partition->gather(std::as_bytes(std::span(records)));
    records.clear();
    for (const auto& bytes : all) {
      const std::size_t first = records.size();
      records.resize(first + bytes.size() / sizeof(TraceRecord));
      std::memcpy(records.data() + first, bytes.data(), bytes.size());
    }
  }
  // No two rows share a key: an event number has at most one row of each
  // kind, so the order is total and the same however threads split the work.
  std::sort(records.begin(), records.end(), [](const TraceRecord& a, const TraceRecord& b) {
    return std::tie(a.row.customer, a.event_number, a.row.event) <
           std::tie(b.row.customer, b.event_number, b.row.event);
  });
  std::vector<TraceRow> rows;
  rows.reserve(records.size());
  for (const TraceRecord& record : records) rows.push_back(record.row);
  return rows;
}

}  // namespace engine

}  // namespace journeysim

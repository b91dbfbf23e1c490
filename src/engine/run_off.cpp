// Run-off: what purchasers bring in after the horizon. A purchaser still
// travelling at the horizon continues its journey from where it stands, on
// its own random stream (the same draws a longer horizon would have given
// it), with the public rating frozen at its final value. Only purchases and
// refunds are counted, apart from the horizon's tallies, so every figure at
// the horizon is unchanged; time plays no part, so dwells are not drawn.
#include <oneapi/tbb/blocked_range.h>

#include "engine/replication.hpp"
#include "runtime/parallel_for.hpp"

namespace journeysim::engine {

void Replication::run_off() {
  // Live slots are the customers still travelling.
  const auto slots = static_cast<std::uint32_t>(high_water_);
  runtime::parallel_for(oneapi::tbb::blocked_range<std::uint32_t>(0, slots, 4096),
                            [&](const oneapi::tbb::blocked_range<std::uint32_t>& range) {
                              RunOffTally& tally = run_off_tallies_.local();
                              for (std::uint32_t slot = range.begin(); slot != range.end(); ++slot) {
                                const std::uint8_t flags = store_.hot[slot].flags;
                                if ((flags & CustomerFlag::live) && (flags & CustomerFlag::purchaser))
                                  run_off_customer(slot, tally);
                              }
                            });
}

void Replication::run_off_customer(std::uint32_t slot, RunOffTally& tally) const {
  const std::uint32_t id = store_.hot[slot].id;
  const Activation& activation = activation_of(id);
  const std::uint32_t position = id - activation.first_id;
  std::uint32_t node = store_.hot[slot].node;
  std::uint32_t events = store_.hot[slot].events;
  const std::uint32_t segment = store_.hot[slot].segment;
  while (true) {
    if (events >= settings_.max_events_per_customer) {
      ++tally.truncated;
      return;
    }
    ++events;
    DrawStream draws(activation.key, position, settings_.replication, events);
    const Outcome& next = model_.choose(segment, node, draws.bits(Slot::choice));
    if (next.node == dropoff_node) return;
    node = next.node;
    const NodeTable& table = model_.node(node);
    const std::size_t cell = std::size_t{segment} * touchpoints_ + node;
    if (table.purchase) ++tally.purchases[cell];
    if (table.refund) ++tally.refunds[cell];
  }
}

}  // namespace journeysim::engine

#pragma once
// The speed of light for one journey event: what the engine cannot avoid doing.
#include <cstdint>
#include <vector>

#include "engine/compiled_model.hpp"

namespace journeysim::bench {

struct BareWalkResult {
  std::uint64_t events = 0;               // draws made, counted as the engine counts them
  std::vector<std::uint64_t> visits;      // [touchpoint]
  double journey_days_sum = 0.0;          // Σ over customers of the summed dwells
  double seconds = 0.0;
};

// Walks customers 0..customers-1 (segment 0, replication 0) from the initial
// entry node to drop-off, on one thread. Per event: one Philox block from
// engine::DrawStream keyed (seed, customer, replication 0, event) and read by
// slot (the choice word, the dwell) exactly as the engine reads it, an alias
// pick with CompiledModel::choose, an exponential dwell drawn by the engine's
// own sampler, DrawStream::exponential (the ziggurat; mean 0 for nodes
// without an exponential dwell), and a visit counter increment. Nothing is
// stored per customer.
BareWalkResult bare_walk(const engine::CompiledModel& model, std::uint64_t seed, std::uint32_t customers);

// The same walk, with each customer's first block made as the engine makes
// it: for sixteen customers at once (engine/philox_batch.hpp). The engine
// does this, the plain bare walk does not; the bench prints the engine's
// ratio to both, so a reader can see what the batching alone is worth.
BareWalkResult bare_walk_batched(const engine::CompiledModel& model, std::uint64_t seed, std::uint32_t customers);

}  // namespace journeysim::bench

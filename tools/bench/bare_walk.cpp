#include "bare_walk.hpp"

#include <chrono>
#include <cmath>

#include "engine/philox_batch.hpp"
#include "engine/random.hpp"

namespace journeysim::bench {

namespace {

template <bool Batched>
BareWalkResult walk_all(const engine::CompiledModel& model, std::uint64_t seed, std::uint32_t customers) {
  BareWalkResult result;
  result.visits.assign(model.touchpoint_count(), 0);
  std::vector<double> mean(model.node_count(), 0.0);
  for (std::uint32_t n = 0; n < model.node_count(); ++n)
    if (model.node(n).dwell_kind == engine::DwellKind::exponential) mean[n] = model.node(n).dwell_a;

  std::uint64_t* visits = result.visits.data();
  std::uint64_t events = 0;
  double days = 0.0;
  // Everyone is made aware by initial awareness at step 0 in one segment: one
  // activation, whose key the engine's customers draw with (by position = id).
  const engine::DrawStream::Key key =
      engine::DrawStream::group_key(seed, engine::DrawStream::activation_group(0, 0, 0));
  engine::PhiloxBatch first_blocks;
  const auto started = std::chrono::steady_clock::now();
  for (std::uint32_t id = 0; id < customers; ++id) {
    if constexpr (Batched)
      if (id % engine::PhiloxBatch::lanes == 0) engine::philox_streams(key, 1, 0, id, 0, first_blocks);
    std::uint32_t node = model.initial_entry();
    std::uint32_t event = 0;
    double time = 0.0;
    while (true) {
      ++event;
      const std::uint32_t lane = id % engine::PhiloxBatch::lanes;
      engine::DrawStream draws = Batched && event == 1 ? engine::DrawStream(key, id, 0, 1, first_blocks.block(lane))
                                                       : engine::DrawStream(key, id, 0, event);
      const engine::Outcome& next =
          model.choose(0, node, draws.bits(engine::Slot::choice));
      if (next.node == engine::dropoff_node) break;
      node = next.node;
      ++visits[node];
      time += draws.exponential(mean[node], engine::Slot::dwell);
    }
    events += event;
    days += time;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.events = events;
  result.journey_days_sum = days;
  return result;
}

}  // namespace

BareWalkResult bare_walk(const engine::CompiledModel& model, std::uint64_t seed, std::uint32_t customers) {
  return walk_all<false>(model, seed, customers);
}

BareWalkResult bare_walk_batched(const engine::CompiledModel& model, std::uint64_t seed, std::uint32_t customers) {
  return walk_all<true>(model, seed, customers);
}

}  // namespace journeysim::bench

#pragma once
// Counter-based randomness: every draw is a pure function of
// (seed, stream id, replication, event number, slot), so results do not depend
// on which thread runs a customer or in what order.
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>

namespace journeysim::engine {

// Separates customer streams from pool-level streams (awareness counts).
enum class StreamDomain : std::uint32_t { customer = 0, pool = 1u << 31 };

// Each use of randomness within a customer event has its own slot, so a draw
// never shifts because an earlier one was or was not needed. Two runs of
// similar scenarios (a strategy and its baseline) then share their random
// numbers wherever their customers do the same thing: common random numbers,
// which make strategy deltas far less noisy than independent runs would.
// The first Philox block (slots 0-3) covers the commonest event: a choice, an
// exponential dwell and a clipped-normal experience; lognormal dwells and
// purchases read a second block.
enum class Slot : std::uint32_t {
  choice = 0,             // alias column and coin, from one word (see pick())
  dwell = 1,              // exponential; first of the lognormal's normal pair
  experience = 2,         // the experience's normal pair
  experience_normal = 3,
  dwell_normal = 4,       // second of the lognormal's normal pair
  review = 5,
  advocacy = 6,
  advocate_days = 7,
};

class DrawStream {
 public:
  using Key = r123::Philox4x32::key_type;

  DrawStream(std::uint64_t seed, std::uint32_t stream, std::uint32_t replication, std::uint32_t event,
             StreamDomain domain = StreamDomain::customer)
      : DrawStream(seed_key(seed), stream, replication, event, domain) {}
  DrawStream(Key key, std::uint32_t stream, std::uint32_t replication, std::uint32_t event,
             StreamDomain domain = StreamDomain::customer)
      : key_(key), counter_{{event, 0u, stream, replication | static_cast<std::uint32_t>(domain)}} {}

  static Key seed_key(std::uint64_t seed) {
    return {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  }
  // A key of its own for each group of customers (`group` ≠ 0), so a
  // customer's stream is (group, position in it): mixed by SplitMix64's
  // finaliser, distinct groups collide with probability 2^-64.
  // The group of the customers one activation makes aware: one step, one
  // segment, one entry (initial awareness 0, channels, word of mouth).
  static std::uint64_t activation_group(std::uint32_t step, std::uint32_t segment, std::uint32_t entry) {
    return (std::uint64_t{step} << 24 | std::uint64_t{segment} << 16 | entry) + 1;
  }
  static Key group_key(std::uint64_t seed, std::uint64_t group) {
    std::uint64_t z = seed ^ (group * 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return seed_key(z);
  }

  // The 32 random bits of a slot (Philox blocks of four slots are made on demand).
  std::uint32_t bits(Slot slot) {
    const auto index = static_cast<std::uint32_t>(slot);
    load(index / 4);
    return block_[index % 4];
  }

  // Uniform on the open interval (0, 1): never 0, so log() is always finite.
  double uniform(Slot slot) { return to_uniform(bits(slot)); }
  double exponential(double mean, Slot slot) { return -mean * std::log(uniform(slot)); }
  // Box–Muller from two slots.
  double normal(Slot radius_slot, Slot angle_slot) {
    const double radius = std::sqrt(-2.0 * std::log(uniform(radius_slot)));
    return radius * std::cos(6.283185307179586 * uniform(angle_slot));
  }
  bool bernoulli(double probability, Slot slot) { return uniform(slot) < probability; }

  // Sequential draws, for pool-level streams; also a std::UniformRandomBitGenerator.
  using result_type = std::uint32_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return 0xffffffffu; }
  result_type operator()() {
    const std::uint32_t index = next_sequential_++;
    load(index / 4);
    return block_[index % 4];
  }

 private:
  static double to_uniform(std::uint32_t bits) { return (static_cast<double>(bits) + 0.5) * 0x1p-32; }

  void load(std::uint32_t block) {
    if (block == loaded_) return;
    counter_[1] = block;
    block_ = r123::Philox4x32()(counter_, key_);
    loaded_ = block;
  }

  r123::Philox4x32::key_type key_;
  r123::Philox4x32::ctr_type counter_;
  r123::Philox4x32::ctr_type block_{};
  std::uint32_t loaded_ = 0xffffffffu;
  std::uint32_t next_sequential_ = 0;
};

}  // namespace journeysim::engine

#pragma once
// Counter-based randomness: every draw is a pure function of
// (seed, stream id, replication, event number, slot), so results do not depend
// on which thread runs a customer or in what order.
#include <Random123/philox.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "engine/ziggurat_tables.hpp"

namespace journeysim::engine {

// Separates customer streams from pool-level streams (awareness counts).
enum class StreamDomain : std::uint32_t { customer = 0, pool = 1u << 31 };

// Each use of randomness within a customer event has its own slot, so a draw
// never shifts because an earlier one was or was not needed. Two runs of
// similar scenarios (a strategy and its baseline) then share their random
// numbers wherever their customers do the same thing: common random numbers,
// which make strategy deltas far less noisy than independent runs would.
// Every sampler reads one 32-bit slot (the ziggurats below take a layer, a
// sign and a position from one word), so the first Philox block (slots 0-3)
// covers the commonest events whole: a choice, a dwell of any kind, a
// clipped-normal experience and, at a purchase, the review; advocacy reads a
// second block.
//
// The samplers that reject (the ziggurats' wedges and tails, about 1.5 % of
// normals and 2 % of exponentials; the awareness time's rare rejection) read
// their further words from blocks of their own: the same key and counter,
// with counter word 1 (the block index, 0-1 for the slots) set to
// fallback_block | slot << 16 | n, n = 0, 1, ... in turn. So they stay a pure
// function of (key, stream, replication, event, slot) and never touch
// another slot's words.
enum class Slot : std::uint32_t {
  choice = 0,         // alias column and coin, from one word (see pick())
  dwell = 1,          // exponential, or the lognormal's normal
  experience = 2,     // the clipped normal's normal
  review = 3,
  advocacy = 4,
  advocate_days = 5,
  // Event 0 is awareness (start_customer): the time within its step.
  aware_time = 0,
  aware_accept = 1,
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

  // A customer stream with its block 0 already made (philox_batch.hpp): it
  // must be the block of this key and counter (domain customer).
  DrawStream(Key key, std::uint32_t stream, std::uint32_t replication, std::uint32_t event,
             const r123::Philox4x32::ctr_type& block0)
      : key_(key), counter_{{event, 0u, stream, replication}}, block_(block0), loaded_(0) {}

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

  // Ziggurat samplers (Marsaglia & Tsang 2000; tables in ziggurat_tables.hpp,
  // made by tools/ziggurat_tables.py). One word: bits 0-7 a layer of equal
  // area, for the normal bit 8 the sign, the rest a fixed-point position m in
  // the layer, x = (m + 1/2)·scale. A position under the curve throughout its
  // layer (m < keep) is the answer: a table load, a compare and a multiply.
  // The rest go to the cold wedge test or tail, which read their own blocks.
  double exponential(double mean, Slot slot) { return mean * standard_exponential(slot); }
  double standard_exponential(Slot slot) {
    const std::uint32_t word = bits(slot);
    const ziggurat::Layer& layer = ziggurat::exponential::layer[word & 255];
    const std::uint32_t m = word >> 8;
    if (m < layer.keep) [[likely]] return (static_cast<double>(m) + 0.5) * layer.scale;
    return exponential_fallback(word, slot);
  }
  double normal(Slot slot) {
    const std::uint32_t word = bits(slot);
    const ziggurat::Layer& layer = ziggurat::normal::layer[word & 511];
    const std::uint32_t m = word >> 9;
    if (m < layer.keep) [[likely]] return (static_cast<double>(m) + 0.5) * layer.scale;
    return normal_fallback(word, slot);
  }
  bool bernoulli(double probability, Slot slot) { return uniform(slot) < probability; }

  // A time in [0, length] with density proportional to e^(-rate·t): when a
  // customer became aware, given that it did within the step. mass is
  // 1 - e^(-rate·length). For rate·length <= 1/16 (every paid channel and
  // word of mouth at daily steps) it is t = u·length accepted with
  // probability e^(-rate·t) (a second uniform, tested against 1 - rate·t
  // first, so almost never an exp); beyond that, inversion.
  double truncated_exponential(double rate, double length, double mass, Slot slot, Slot accept_slot) {
    const double lambda = rate * length;
    if (lambda <= 0.0625) {
      const double u = uniform(slot);
      const double a = uniform(accept_slot);
      if (a <= 1.0 - lambda * u) [[likely]] return u * length;
      return truncated_exponential_fallback(lambda, length, u, a, slot);
    }
    return std::min(length, -std::log1p(-uniform(slot) * mass) / rate);
  }

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
  static constexpr std::uint32_t fallback_block = 0x80000000u;

  static double to_uniform(std::uint32_t bits) { return (static_cast<double>(bits) + 0.5) * 0x1p-32; }

  void load(std::uint32_t block) {
    if (block == loaded_) return;
    counter_[1] = block;
    block_ = r123::Philox4x32()(counter_, key_);
    loaded_ = block;
  }

  // The further words of one slot's sampler (see Slot), four to a block.
  class Fallback {
   public:
    Fallback(const Key& key, r123::Philox4x32::ctr_type counter, Slot slot) : key_(key), counter_(counter) {
      counter_[1] = fallback_block | static_cast<std::uint32_t>(slot) << 16;
    }
    std::uint32_t next() {
      if (used_ == 4) {
        block_ = r123::Philox4x32()(counter_, key_);
        ++counter_[1];
        used_ = 0;
      }
      return block_[used_++];
    }
    double uniform() { return to_uniform(next()); }

   private:
    Key key_;
    r123::Philox4x32::ctr_type counter_;
    r123::Philox4x32::ctr_type block_{};
    unsigned used_ = 4;
  };

  // The ziggurats' slow paths, from the first word on (random.cpp).
  [[gnu::cold, gnu::noinline]] double normal_fallback(std::uint32_t word, Slot slot) const;
  [[gnu::cold, gnu::noinline]] double exponential_fallback(std::uint32_t word, Slot slot) const;
  [[gnu::cold, gnu::noinline]] double truncated_exponential_fallback(double lambda, double length, double u,
                                                                     double a, Slot slot) const;

  r123::Philox4x32::key_type key_;
  r123::Philox4x32::ctr_type counter_;
  r123::Philox4x32::ctr_type block_{};
  std::uint32_t loaded_ = 0xffffffffu;
  std::uint32_t next_sequential_ = 0;
};

}  // namespace journeysim::engine

#pragma once
// Counter-based randomness: every draw is a pure function of
// (seed, stream id, replication, event number), so results do not depend on
// which thread runs a customer or in what order.
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>

namespace journeysim::engine {

// Separates customer streams from pool-level streams (awareness counts).
enum class StreamDomain : std::uint32_t { customer = 0, pool = 1u << 31 };

class DrawStream {
 public:
  DrawStream(std::uint64_t seed, std::uint32_t stream, std::uint32_t replication, std::uint32_t event,
             StreamDomain domain = StreamDomain::customer)
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
        counter_{{event, 0u, stream, replication | static_cast<std::uint32_t>(domain)}} {}

  std::uint32_t next_u32() {
    if (used_ == 4) {
      block_ = r123::Philox4x32()(counter_, key_);
      ++counter_[1];
      used_ = 0;
    }
    return block_[used_++];
  }

  // Uniform on the open interval (0, 1): never 0, so log() is always finite.
  double uniform() { return (static_cast<double>(next_u32()) + 0.5) * 0x1p-32; }

  double exponential(double mean) { return -mean * std::log(uniform()); }

  double normal() {  // Box–Muller, one of the pair
    const double radius = std::sqrt(-2.0 * std::log(uniform()));
    return radius * std::cos(6.283185307179586 * uniform());
  }

  bool bernoulli(double probability) { return uniform() < probability; }

  // std::UniformRandomBitGenerator, for std:: distributions in pool-level draws.
  using result_type = std::uint32_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return 0xffffffffu; }
  result_type operator()() { return next_u32(); }

 private:
  r123::Philox4x32::key_type key_;
  r123::Philox4x32::ctr_type counter_;
  r123::Philox4x32::ctr_type block_{};
  int used_ = 4;
};

}  // namespace journeysim::engine

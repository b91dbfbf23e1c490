// The samplers' slow paths: rare, so out of line (see random.hpp).
#include "engine/random.hpp"

namespace journeysim::engine {

// Layer i's rectangle is [0, x[i]] × [f(x[i]), f(x[i+1])]. A position beyond
// x[i+1] is kept if a uniform height in the rectangle falls under the curve;
// in the base strip (i = 0) a position beyond r is a draw from the tail.
// Either way a rejected word is replaced by the next word of the slot's own
// fallback blocks, and the ziggurat starts again.
double DrawStream::normal_fallback(std::uint32_t word, Slot slot) const {
  using namespace ziggurat::normal;
  Fallback more(key_, counter_, slot);
  while (true) {
    const std::uint32_t i = word & 255;
    const std::uint32_t m = word >> 9;
    const ziggurat::Layer& entry = layer[word & 511];
    const double x = (static_cast<double>(m) + 0.5) * entry.scale;  // signed
    if (m < entry.keep) return x;
    if (i == 0) {
      // Marsaglia's tail: r + a, a exponential of rate r, accepted with probability e^(-a²/2).
      double a = 0.0, b = 0.0;
      do {
        a = -std::log(more.uniform()) / r;
        b = -std::log(more.uniform());
      } while (b + b < a * a);
      return (word & 256) ? -(r + a) : r + a;
    }
    const double height = f[i] + more.uniform() * (f[i + 1] - f[i]);
    if (height < std::exp(-0.5 * x * x)) return x;
    word = more.next();
  }
}

// The same for e^(-x); beyond r the tail is r + a fresh exponential (memoryless).
double DrawStream::exponential_fallback(std::uint32_t word, Slot slot) const {
  using namespace ziggurat::exponential;
  Fallback more(key_, counter_, slot);
  double offset = 0.0;
  while (true) {
    const std::uint32_t i = word & 255;
    const std::uint32_t m = word >> 8;
    const double x = (static_cast<double>(m) + 0.5) * layer[i].scale;
    if (m < layer[i].keep) return offset + x;
    if (i == 0) {
      offset += r;
    } else {
      const double height = f[i] + more.uniform() * (f[i + 1] - f[i]);
      if (height < std::exp(-x)) return offset + x;
    }
    word = more.next();
  }
}

// The exact test the squeeze left open, then fresh pairs until one is kept.
double DrawStream::truncated_exponential_fallback(double lambda, double length, double u, double a,
                                                  Slot slot) const {
  Fallback more(key_, counter_, slot);
  while (!(a <= 1.0 - lambda * u) && !(a < std::exp(-lambda * u))) {
    u = more.uniform();
    a = more.uniform();
  }
  return u * length;
}

}  // namespace journeysim::engine

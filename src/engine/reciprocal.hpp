#pragma once
// 1/n from a table, for running means: satisfaction += (x − satisfaction)/n
// on every rated experience put a double division (13 or more cycles, not
// pipelined) on the chain from the experience draw to the stored mean; it
// was 6.9% of the ecosystem's samples (perf, 10 M market, 1 thread). A
// multiply by the tabled 1/n (one L1 load, issued early: n does not wait for
// the draw) differs from the division by at most 2 ulps of a double, which
// the float the mean is stored in rounds away: for 2·10^8 random (mean,
// experience, n < 256) every stored mean equalled the division's, and so
// did every result of the ecosystem at 200,000 customers.
#include <cstdint>

namespace journeysim::engine {

struct ReciprocalTable {
  static constexpr std::uint32_t size = 256;
  double value[size];
  constexpr ReciprocalTable() : value{} {
    for (std::uint32_t n = 1; n < size; ++n) value[n] = 1.0 / n;
  }
};
inline constexpr ReciprocalTable reciprocal_table{};

// 1/n for n ≥ 1: tabled up to 255, divided beyond.
inline double reciprocal(std::uint32_t n) {
  return n < ReciprocalTable::size ? reciprocal_table.value[n] : 1.0 / static_cast<double>(n);
}

}  // namespace journeysim::engine

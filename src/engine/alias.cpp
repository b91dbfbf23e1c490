#include "engine/alias.hpp"

#include <cmath>
#include <stdexcept>

namespace journeysim::engine {

namespace {
std::uint32_t to_threshold(double probability) {
  if (probability >= 1.0) return 0xffffffffu;
  if (probability <= 0.0) return 0u;
  return static_cast<std::uint32_t>(std::llround(probability * 4294967296.0 > 4294967295.0
                                                     ? 4294967295.0
                                                     : probability * 4294967296.0));
}
}  // namespace

void build_alias(std::span<const double> probabilities, std::uint32_t first_outcome,
                 std::span<AliasSlot> slots) {
  const size_t n = probabilities.size();
  double total = 0.0;
  for (double p : probabilities) {
    if (!std::isfinite(p) || p < 0.0)
      throw std::invalid_argument("internal error: a transition probability is negative or not finite");
    total += p;
  }
  std::vector<double> scaled(n);
  std::vector<size_t> small, large;
  for (size_t i = 0; i < n; ++i) {
    scaled[i] = total > 0.0 ? probabilities[i] * static_cast<double>(n) / total : 1.0;
    (scaled[i] < 1.0 ? small : large).push_back(i);
  }
  for (size_t i = 0; i < n; ++i) slots[i] = {0xffffffffu, first_outcome + static_cast<std::uint32_t>(i),
                                             first_outcome + static_cast<std::uint32_t>(i)};
  while (!small.empty() && !large.empty()) {
    const size_t less = small.back();
    small.pop_back();
    const size_t more = large.back();
    slots[less].threshold = to_threshold(scaled[less]);
    slots[less].alias = first_outcome + static_cast<std::uint32_t>(more);
    scaled[more] = (scaled[more] + scaled[less]) - 1.0;
    if (scaled[more] < 1.0) {
      large.pop_back();
      small.push_back(more);
    }
  }
  // Leftovers are 1 up to rounding: they always keep their own outcome.
  for (size_t i : small) slots[i].threshold = 0xffffffffu;
  for (size_t i : large) slots[i].threshold = 0xffffffffu;
}

}  // namespace journeysim::engine

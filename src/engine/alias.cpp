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

void build_alias(std::span<const double> probabilities, std::uint32_t first_outcome, std::span<AliasSlot> slots,
                 AliasWorkspace& workspace) {
  const auto n = static_cast<std::uint32_t>(probabilities.size());
  double total = 0.0;
  for (double p : probabilities) {
    if (!std::isfinite(p) || p < 0.0)
      throw std::invalid_argument("internal error: a transition probability is negative or not finite");
    total += p;
  }
  auto& scaled = workspace.scaled;
  auto& small = workspace.small;
  auto& large = workspace.large;
  scaled.resize(n);
  small.clear();
  large.clear();
  for (std::uint32_t i = 0; i < n; ++i) {
    scaled[i] = total > 0.0 ? probabilities[i] * n / total : 1.0;
    (scaled[i] < 1.0 ? small : large).push_back(i);
    slots[i] = {0xffffffffu, first_outcome + i, first_outcome + i};
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t less = small.back();
    small.pop_back();
    const std::uint32_t more = large.back();
    slots[less].threshold = to_threshold(scaled[less]);
    slots[less].alias = first_outcome + more;
    scaled[more] = (scaled[more] + scaled[less]) - 1.0;
    if (scaled[more] < 1.0) {
      large.pop_back();
      small.push_back(more);
    }
  }
  // Leftovers are 1 up to rounding: they always keep their own outcome.
  for (std::uint32_t i : small) slots[i].threshold = 0xffffffffu;
  for (std::uint32_t i : large) slots[i].threshold = 0xffffffffu;
}

}  // namespace journeysim::engine

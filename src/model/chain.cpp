#include "journeysim/chain.hpp"

#include <algorithm>
#include <cmath>

namespace journeysim {

namespace {
constexpr double max_rating_factor = 1e12;
}  // namespace

std::vector<Segment> effective_segments(const Scenario& scenario) {
  if (!scenario.segments.empty()) return scenario.segments;
  Segment everyone;
  everyone.name = "all";
  everyone.share = 1.0;
  return {everyone};
}

bool has_rating_elasticity(const Scenario& scenario) {
  for (const auto& transition : scenario.transitions)
    if (transition.rating_elasticity != 0.0) return true;
  return false;
}

std::vector<std::vector<Outgoing>> transition_rows(const Scenario& scenario, const Segment& segment,
                                                   double rating) {
  std::vector<std::vector<Outgoing>> rows(scenario.touchpoints.size());
  const double relative_rating =
      scenario.reviews.prior_rating > 0.0 ? rating / scenario.reviews.prior_rating : 1.0;
  for (const auto& transition : scenario.transitions) {
    const int from = scenario.touchpoint_index(transition.from);
    const int to = scenario.touchpoint_index(transition.to);
    if (from < 0 || to < 0) continue;  // removed by a strategy: that flow drops off
    double probability = transition.probability;
    for (const auto& scale : segment.transition_scale)
      if (scale.from == transition.from && scale.to == transition.to) probability *= scale.factor;
    if (transition.rating_elasticity != 0.0) {
      // A zero rating with a negative elasticity (or a huge exponent) would
      // make the factor infinite: cap it, and the row rescaling below then
      // gives this transition (almost) all of the row, as the formula's limit does.
      const double factor = std::pow(relative_rating, transition.rating_elasticity * segment.review_sensitivity);
      probability *= std::isfinite(factor) ? std::min(factor, max_rating_factor) : max_rating_factor;
    }
    rows[static_cast<size_t>(from)].push_back({to, probability});
  }
  for (auto& row : rows) {
    double total = 0.0;
    for (const auto& out : row) total += out.probability;
    if (total > 1.0)
      for (auto& out : row) out.probability /= total;
  }
  return rows;
}

}  // namespace journeysim

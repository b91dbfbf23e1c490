#include "journeysim/chain.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>

namespace journeysim {

namespace {
// (rating/prior)^e is infinite for a zero rating and negative e: capped, the
// row rescaling then gives that edge (almost) all of the row, as the limit does.
constexpr double max_rating_factor = 1e12;
}  // namespace

std::vector<Segment> effective_segments(const Scenario& scenario) {
  if (!scenario.segments.empty()) return scenario.segments;
  Segment everyone;
  everyone.name = "all";
  everyone.share = 1.0;
  return {everyone};
}

std::vector<std::string> channel_names(const Scenario& scenario) {
  std::vector<std::string> names;
  for (const auto& channel : scenario.awareness.channels) {
    std::string name = channel.via;
    for (int k = 2; std::find(names.begin(), names.end(), name) != names.end(); ++k)
      name = channel.via + "#" + std::to_string(k);
    names.push_back(std::move(name));
  }
  return names;
}

bool has_rating_elasticity(const Scenario& scenario) {
  for (const auto& transition : scenario.transitions)
    if (transition.rating_elasticity != 0.0) return true;
  return false;
}

double relative_rating(const Scenario& scenario, double rating) {
  return scenario.reviews.prior_rating > 0.0 ? rating / scenario.reviews.prior_rating : 1.0;
}

std::vector<std::vector<RatedOutgoing>> rated_rows(const Scenario& scenario, const Segment& segment) {
  std::vector<std::vector<RatedOutgoing>> rows(scenario.touchpoints.size());
  // A map, not touchpoint_index(): fitted higher-order scenarios have
  // thousands of touchpoints, and a linear search per transition is quadratic.
  std::unordered_map<std::string_view, int> index;
  for (size_t i = 0; i < scenario.touchpoints.size(); ++i) index.emplace(scenario.touchpoints[i].name, static_cast<int>(i));
  auto index_of = [&](const std::string& name) {
    const auto found = index.find(name);
    return found == index.end() ? -1 : found->second;
  };
  for (size_t t = 0; t < scenario.transitions.size(); ++t) {
    const Transition& transition = scenario.transitions[t];
    const int from = index_of(transition.from);
    const int to = index_of(transition.to);
    if (from < 0 || to < 0) continue;  // removed by a strategy: that flow drops off
    double probability = transition.probability;
    for (const auto& scale : segment.transition_scale)
      if (scale.from == transition.from && scale.to == transition.to) probability *= scale.factor;
    rows[static_cast<size_t>(from)].push_back(
        {to, probability, transition.rating_elasticity * segment.review_sensitivity, static_cast<int>(t)});
  }
  return rows;
}

void apply_rating(std::span<const RatedOutgoing> row, double relative_rating, std::span<double> probabilities) {
  double total = 0.0;
  for (size_t i = 0; i < row.size(); ++i) {
    double probability = row[i].base_probability;
    if (row[i].rating_exponent != 0.0) {
      const double factor = std::pow(relative_rating, row[i].rating_exponent);
      probability *= std::isfinite(factor) ? std::min(factor, max_rating_factor) : max_rating_factor;
    }
    probabilities[i] = probability;
    total += probability;
  }
  if (total > 1.0)
    for (size_t i = 0; i < row.size(); ++i) probabilities[i] /= total;
}

std::vector<std::vector<Outgoing>> transition_rows(const Scenario& scenario, const Segment& segment,
                                                   double rating) {
  const auto rated = rated_rows(scenario, segment);
  const double relative = relative_rating(scenario, rating);
  std::vector<std::vector<Outgoing>> rows(rated.size());
  std::vector<double> probabilities;
  for (size_t from = 0; from < rated.size(); ++from) {
    probabilities.resize(rated[from].size());
    apply_rating(rated[from], relative, probabilities);
    for (size_t i = 0; i < rated[from].size(); ++i) rows[from].push_back({rated[from][i].to, probabilities[i]});
  }
  return rows;
}

}  // namespace journeysim

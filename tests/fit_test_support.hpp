#pragma once
// Observed journeys made by known processes, for checking that fit recovers them.
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "journeysim/load.hpp"
#include "journeysim/scenario.hpp"

namespace journeysim::fit_testing {

// Uniform in [0, 1) from mt19937_64's standardised output.
inline double uniform(std::mt19937_64& generator) { return static_cast<double>(generator() >> 11) * 0x1.0p-53; }

inline std::size_t pick(std::mt19937_64& generator, const std::vector<double>& probabilities) {
  double u = uniform(generator);
  for (std::size_t i = 0; i + 1 < probabilities.size(); ++i) {
    if (u < probabilities[i]) return i;
    u -= probabilities[i];
  }
  return probabilities.size() - 1;
}

// Path data (ChannelAttribution format) of `journeys` journeys over channels
// a, b, c whose next channel depends on the last two: after x then y it is
// mostly the channel after x (a→b→c→a), which a first-order chain cannot see.
// Each step ends the journey with probability 0.3; it converts then with
// probability 0.2 after a, 0.5 after b and 0.35 after c (value 10 each).
inline std::string second_order_paths(std::uint64_t journeys, std::uint64_t seed) {
  std::mt19937_64 generator(seed);
  const std::vector<std::string> names = {"a", "b", "c"};
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> rows;  // path → (conversions, nulls)
  for (std::uint64_t j = 0; j < journeys; ++j) {
    std::vector<std::size_t> path = {pick(generator, {1.0 / 3, 1.0 / 3, 1.0 / 3})};
    while (uniform(generator) >= 0.3 && path.size() < 40) {
      if (path.size() == 1) {
        path.push_back(pick(generator, {1.0 / 3, 1.0 / 3, 1.0 / 3}));
        continue;
      }
      const std::size_t before_last = path[path.size() - 2];
      std::vector<double> next(3, 0.1);
      next[(before_last + 1) % 3] = 0.8;
      path.push_back(pick(generator, next));
    }
    const double conversion[] = {0.2, 0.5, 0.35};
    std::string text;
    for (std::size_t touch : path) text += (text.empty() ? "" : " > ") + names[touch];
    auto& row = rows[text];
    (uniform(generator) < conversion[path.back()] ? row.first : row.second) += 1;
  }
  std::string out = "path;total_conversions;total_conversion_value;total_null\n";
  for (const auto& [path, counts] : rows)
    out += fmt::format("{};{};{};{}\n", path, counts.first, 10.0 * static_cast<double>(counts.first), counts.second);
  return out;
}

inline Scenario load_text_or_fail(const std::string& yaml, const std::string& name = "fitted.yaml") {
  Diagnostics diagnostics;
  auto scenario = load_scenario_text(yaml, name, diagnostics);
  if (!scenario) throw ScenarioError(diagnostics);
  return *scenario;
}

inline double transition_probability(const Scenario& scenario, const std::string& from, const std::string& to) {
  for (const auto& transition : scenario.transitions)
    if (transition.from == from && transition.to == to) return transition.probability;
  return 0.0;
}

inline const Touchpoint& touchpoint(const Scenario& scenario, const std::string& name) {
  const int index = scenario.touchpoint_index(name);
  if (index < 0) throw std::out_of_range("no touchpoint " + name);
  return scenario.touchpoints[static_cast<std::size_t>(index)];
}

inline std::string shared_paths_file() {
  return std::string(JOURNEYSIM_SOURCE_DIR) + "/../shared/data/paths_channelattribution.csv";
}

}  // namespace journeysim::fit_testing

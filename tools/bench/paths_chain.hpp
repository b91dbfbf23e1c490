#pragma once
// The first-order Markov chain fitted from a ChannelAttribution-style path
// file (`path;total_conversions;total_conversion_value;total_null`, channels
// separated by " > "), as a journeysim Scenario.
#include <cstdint>
#include <optional>
#include <string>

#include "journeysim/scenario.hpp"

namespace journeysim::bench {

struct PathsFit {
  Scenario scenario;
  std::uint64_t distinct_paths = 0;
  double journeys = 0.0;     // Σ (conversions + nulls)
  double conversions = 0.0;  // Σ conversions
  double value = 0.0;        // Σ conversion value
  double touches = 0.0;      // Σ path length × (conversions + nulls)
  std::size_t channels = 0;
};

// Fits the chain: touchpoints = channels (consideration, exponential dwell of
// mean 1 day) plus `conversion` (purchase, revenue = value / conversions);
// everyone aware at day 0, entering at a channel with the share of journeys
// starting there; transitions from consecutive pairs weighted by
// (conversions + nulls), last channel → conversion by conversions and
// → drop-off (the remainder) by nulls. Empty when the file cannot be read;
// throws std::runtime_error on a malformed line.
std::optional<PathsFit> fit_paths_chain(const std::string& path, std::uint64_t customers);

}  // namespace journeysim::bench

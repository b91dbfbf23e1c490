#pragma once
// A scenario from observed journeys: the Markov chain that the data imply,
// written as a v1 scenario that loads, analyzes and runs unchanged.
//
//   ObservedJourneys data = read_observed_journeys("paths.csv");
//   FittedScenario fitted = fit_scenario(data, {.order = 2});
//   write_file_atomically("fitted.yaml", fitted.yaml);
//
// Order K: a touchpoint is a channel history of up to K channels (the last
// K, written "alpha>beta"), so a K-order process is a first-order chain over
// histories. Transition probabilities are the observed frequencies (maximum
// likelihood); a journey that ends without converting drops off.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "journeysim/observed.hpp"

namespace journeysim {

constexpr int max_fit_order = 4;

struct FitOptions {
  int order = 1;             // 1..max_fit_order
  bool choose_order = false; // pick the order by held-out likelihood (--order auto)
  // Event logs with times: customers become aware through channels at a
  // constant hazard in a market of this size (it must exceed the customers
  // observed); without it everyone observed is aware at day 0.
  std::optional<std::uint64_t> market_size;
  double holdout_share = 0.2;  // journeys kept out of the fit to score orders
  std::uint64_t holdout_seed = 1;
  std::string command_line;    // for the header comment
};

// How well each order explains the data. Held-out: the model fitted on the
// other journeys, smoothed (Witten–Bell, interpolated down to order 0) so an
// unseen step is unlikely rather than impossible.
struct OrderScore {
  int order = 0;
  std::size_t touchpoints = 0;     // histories seen, with `conversion`
  std::size_t transitions = 0;
  double log_likelihood = 0.0;     // all journeys, unsmoothed fit (natural log)
  double heldout_log_likelihood = 0.0;  // per held-out journey
  double heldout_standard_error = 0.0;  // of the per-journey difference to the best order
};

struct FittedScenario {
  std::string yaml;  // the scenario, with a comment header saying where it came from
  int order = 1;
  std::vector<OrderScore> scores;  // orders 1..max_fit_order
  std::uint64_t heldout_journeys = 0;
  std::string summary;             // what was read and fitted, for the terminal
};

// Throws InputError for options out of range.
FittedScenario fit_scenario(const ObservedJourneys& data, const FitOptions& options);

}  // namespace journeysim

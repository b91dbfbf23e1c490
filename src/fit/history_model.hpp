#pragma once
// Counting observed journeys as a K-order Markov chain: a state is the last
// K touches (fewer at a journey's start), an outcome is the next touch, a
// conversion (path data) or a drop-off.
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "journeysim/observed.hpp"

namespace journeysim::fit_detail {

// A history of up to 4 touches packed into 64 bits: 16 bits a touch
// (touch + 1, so 0 is "none"), the most recent in the lowest bits.
using HistoryKey = std::uint64_t;
HistoryKey history_at(const ObservedJourney& journey, std::size_t position, int order);
// Touches of a history, oldest first.
std::vector<std::uint32_t> history_touches(HistoryKey key);
std::uint32_t last_touch(HistoryKey key);

// Outcomes are touches 0..T-1, then these two.
struct Outcomes {
  std::uint32_t touchpoints = 0;
  std::uint32_t conversion() const { return touchpoints; }
  std::uint32_t drop_off() const { return touchpoints + 1; }
  std::uint32_t count() const { return touchpoints + 2; }
};

// The outcome after `position`, or none (a censored journey's last touch).
std::optional<std::uint32_t> outcome_after(const ObservedJourney& journey, std::size_t position,
                                           const Outcomes& outcomes);

struct StateCounts {
  double total = 0.0;  // every outcome counted from this state
  std::vector<std::pair<std::uint32_t, double>> next;  // outcome → count, in order of first appearance
  void add(std::uint32_t outcome, double weight);
  double count(std::uint32_t outcome) const;
};

// A K-order model's counts. `weights[j]` is how many times journey j counts
// (its `count`, or its training share).
struct HistoryModel {
  int order = 1;
  Outcomes outcomes;
  std::vector<HistoryKey> states;  // in order of first appearance
  std::unordered_map<HistoryKey, std::size_t> index;
  std::vector<StateCounts> counts;  // per state
  std::vector<double> start;        // per touchpoint: journeys starting there
  double journeys = 0.0;

  static HistoryModel count(const ObservedJourneys& data, int order, const std::vector<double>& weights);
  const StateCounts* find(HistoryKey key) const;
  std::size_t transitions() const;      // state → touch or conversion pairs seen (drop-off is not a transition)
  double log_likelihood() const;        // of the data it was counted from, at its own frequencies
};

// Smoothed probabilities for scoring unseen journeys: Witten–Bell
// interpolation from order K down to order 0 (outcome frequencies with one
// added to each), so an unseen step has a small probability, not zero.
class SmoothedScorer {
 public:
  SmoothedScorer(const ObservedJourneys& data, const std::vector<double>& weights);
  // log P(journey) under the model of each order 1..max_order, added to `log_likelihood[order - 1]`.
  void score(const ObservedJourney& journey, std::vector<double>& log_likelihood) const;

 private:
  Outcomes outcomes_;
  std::vector<HistoryModel> models_;  // orders 1..max
  std::vector<double> order0_;        // outcome frequencies, add-one
  std::vector<double> start_;         // first touch, add-one
};

}  // namespace journeysim::fit_detail

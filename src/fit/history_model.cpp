#include "fit/history_model.hpp"

#include <cmath>

#include "journeysim/fit.hpp"

namespace journeysim::fit_detail {

HistoryKey history_at(const ObservedJourney& journey, std::size_t position, int order) {
  HistoryKey key = 0;
  for (int back = 0; back < order && back <= static_cast<int>(position); ++back)
    key |= static_cast<HistoryKey>(journey.touches[position - static_cast<std::size_t>(back)] + 1) << (16 * back);
  return key;
}

std::vector<std::uint32_t> history_touches(HistoryKey key) {
  std::vector<std::uint32_t> touches;
  for (; key != 0; key >>= 16) touches.insert(touches.begin(), static_cast<std::uint32_t>(key & 0xFFFF) - 1);
  return touches;
}

std::uint32_t last_touch(HistoryKey key) { return static_cast<std::uint32_t>(key & 0xFFFF) - 1; }

std::optional<std::uint32_t> outcome_after(const ObservedJourney& journey, std::size_t position,
                                           const Outcomes& outcomes) {
  if (position + 1 < journey.touches.size()) return journey.touches[position + 1];
  switch (journey.end) {
    case ObservedJourney::End::conversion: return outcomes.conversion();
    case ObservedJourney::End::drop_off: return outcomes.drop_off();
    case ObservedJourney::End::in_progress: return std::nullopt;
  }
  return std::nullopt;
}

void StateCounts::add(std::uint32_t outcome, double weight) {
  total += weight;
  for (auto& [known, count] : next)
    if (known == outcome) {
      count += weight;
      return;
    }
  next.emplace_back(outcome, weight);
}

double StateCounts::count(std::uint32_t outcome) const {
  for (const auto& [known, count] : next)
    if (known == outcome) return count;
  return 0.0;
}

HistoryModel HistoryModel::count(const ObservedJourneys& data, int order, const std::vector<double>& weights) {
  HistoryModel model;
  model.order = order;
  model.outcomes.touchpoints = static_cast<std::uint32_t>(data.touchpoints.size());
  model.start.assign(data.touchpoints.size(), 0.0);
  for (std::size_t j = 0; j < data.journeys.size(); ++j) {
    const double weight = weights[j];
    if (weight <= 0.0) continue;
    const ObservedJourney& journey = data.journeys[j];
    model.start[journey.touches.front()] += weight;
    model.journeys += weight;
    for (std::size_t t = 0; t < journey.touches.size(); ++t) {
      const HistoryKey key = history_at(journey, t, order);
      auto [where, added] = model.index.emplace(key, model.states.size());
      if (added) {
        model.states.push_back(key);
        model.counts.emplace_back();
      }
      if (const auto outcome = outcome_after(journey, t, model.outcomes))
        model.counts[where->second].add(*outcome, weight);
    }
  }
  return model;
}

const StateCounts* HistoryModel::find(HistoryKey key) const {
  const auto found = index.find(key);
  return found == index.end() ? nullptr : &counts[found->second];
}

std::size_t HistoryModel::transitions() const {
  std::size_t total = 0;
  for (const auto& state : counts)
    for (const auto& [outcome, n] : state.next) total += outcome != outcomes.drop_off();
  return total;
}

double HistoryModel::log_likelihood() const {
  double total = 0.0;
  for (double n : start)
    if (n > 0.0) total += n * std::log(n / journeys);
  for (const auto& state : counts)
    for (const auto& [outcome, n] : state.next) total += n * std::log(n / state.total);
  return total;
}

SmoothedScorer::SmoothedScorer(const ObservedJourneys& data, const std::vector<double>& weights) {
  for (int order = 1; order <= max_fit_order; ++order) models_.push_back(HistoryModel::count(data, order, weights));
  outcomes_ = models_.front().outcomes;
  order0_.assign(outcomes_.count(), 1.0);
  double order0_total = outcomes_.count();
  for (const auto& state : models_.front().counts)
    for (const auto& [outcome, n] : state.next) {
      order0_[outcome] += n;
      order0_total += n;
    }
  for (double& p : order0_) p /= order0_total;
  start_ = models_.front().start;
  const double start_total = models_.front().journeys + static_cast<double>(start_.size());
  for (double& p : start_) p = (p + 1.0) / start_total;
}

void SmoothedScorer::score(const ObservedJourney& journey, std::vector<double>& log_likelihood) const {
  const double first = std::log(start_[journey.touches.front()]);
  for (double& total : log_likelihood) total += first;
  for (std::size_t t = 0; t < journey.touches.size(); ++t) {
    const auto outcome = outcome_after(journey, t, outcomes_);
    if (!outcome) continue;
    double probability = order0_[*outcome];
    for (std::size_t k = 0; k < models_.size(); ++k) {
      const StateCounts* state = models_[k].find(history_at(journey, t, static_cast<int>(k) + 1));
      if (state != nullptr && state->total > 0.0) {
        const double distinct = static_cast<double>(state->next.size());  // Witten–Bell's weight for the unseen
        probability = (state->count(*outcome) + distinct * probability) / (state->total + distinct);
      }
      log_likelihood[k] += std::log(probability);
    }
  }
}

}  // namespace journeysim::fit_detail

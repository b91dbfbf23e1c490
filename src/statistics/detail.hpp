#pragma once
// Internal to src/statistics.
#include <string>
#include <vector>

#include "journeysim/statistics.hpp"

namespace journeysim::statistics_detail {

// Clips a CI to what a metric of this unit can be (rates in [0, 1], NPS in
// [−100, 100], counts and money ≥ 0 unless it may be negative, as profit).
void clip_to_range(Interval& value, const std::string& unit, bool may_be_negative = false);

template <class T>
T at_or_zero(const std::vector<T>& values, std::size_t i) {
  return i < values.size() ? values[i] : T{};
}

// The CI over replications of element i of the vector `get(run)` picks.
template <class Get>
Interval interval_over_runs(const Results& results, std::size_t i, Get get) {
  std::vector<double> values;
  values.reserve(results.runs.size());
  for (const RunResult& run : results.runs) values.push_back(static_cast<double>(at_or_zero(get(run), i)));
  return confidence_interval(values);
}

}  // namespace journeysim::statistics_detail

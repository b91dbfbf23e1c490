#pragma once
// Shared by the writers in src/io: the headline metric definitions (so JSON,
// HDF5 and the table list the same metrics in the same order) and checks of
// the per-replication vector shapes the writers lay out as arrays.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "journeysim/results.hpp"

namespace journeysim::io_detail {

// num / den, or 0 when den is 0 (JSON cannot hold NaN, and "no purchasers"
// reads better as a 0% rate than as a missing value).
double safe_div(double num, double den);

struct MetricDef {
  const char* key;    // JSON key and HDF5 dataset name
  const char* label;  // for tables
  const char* unit;   // "" (in [0, 1]), "%", "score" (NPS), "days", "money", "count"
  double (*value)(const Results& results, const RunResult& run);
};

// The headline metrics in display order.
const std::vector<MetricDef>& metric_definitions();

// One value per replication.
std::vector<double> metric_per_run(const Results& results, const MetricDef& def);

// Throws std::invalid_argument unless every per-replication vector has the
// length its name list implies (touchpoints, flows, segments, channels, days)
// or is empty (meaning "not recorded": read as zeros).
void check_shapes(const Results& results);

// Number of days in the daily series: the longest series of any replication.
std::size_t series_days(const Results& results);

template <class T>
T at_or_zero(const std::vector<T>& values, std::size_t i) {
  return i < values.size() ? values[i] : T{};
}

// Mean over replications of element i of the vector picked by `get`.
template <class Get>
double mean_over_runs(const Results& results, std::size_t i, Get get) {
  if (results.runs.empty()) return 0.0;
  double sum = 0.0;
  for (const RunResult& run : results.runs) sum += static_cast<double>(at_or_zero(get(run), i));
  return sum / static_cast<double>(results.runs.size());
}

}  // namespace journeysim::io_detail

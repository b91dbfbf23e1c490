// Results built in code (or read back) must have consistent shapes before a
// writer lays them out as arrays; a mismatch is a bug, not bad input.
#include <initializer_list>

#include <fmt/format.h>

#include "io/detail.hpp"
#include "journeysim/errors.hpp"

namespace journeysim::io_detail {

namespace {

template <class T>
void check_length(const std::vector<T>& values, std::size_t expected, const RunResult& run, std::size_t run_index,
                  const char* what, const char* of) {
  if (values.empty() || values.size() == expected) return;
  throw InternalError(fmt::format("results: replication {} (run #{}) has {} entries in {} but there are {} {}",
                                  run.replication, run_index, values.size(), what, expected, of));
}

}  // namespace

void check_shapes(const Results& results) {
  if (results.touchpoint_cost.size() != results.touchpoints.size()) {
    throw InternalError(fmt::format("results: {} touchpoint costs for {} touchpoints", results.touchpoint_cost.size(),
                                    results.touchpoints.size()));
  }
  for (const auto* amounts : {&results.touchpoint_revenue, &results.touchpoint_refund}) {
    if (!amounts->empty() && amounts->size() != results.touchpoints.size()) {
      throw InternalError(fmt::format("results: {} touchpoint {} for {} touchpoints", amounts->size(),
                                      amounts == &results.touchpoint_revenue ? "revenues" : "refunds",
                                      results.touchpoints.size()));
    }
  }
  const std::size_t days = series_days(results);
  for (std::size_t i = 0; i < results.runs.size(); ++i) {
    const RunResult& run = results.runs[i];
    const std::size_t tps = results.touchpoints.size();
    check_length(run.touchpoint_visits, tps, run, i, "touchpoint_visits", "touchpoints");
    check_length(run.touchpoint_dropoffs, tps, run, i, "touchpoint_dropoffs", "touchpoints");
    check_length(run.touchpoint_purchases, tps, run, i, "touchpoint_purchases", "touchpoints");
    check_length(run.touchpoint_refunds, tps, run, i, "touchpoint_refunds", "touchpoints");
    check_length(run.touchpoint_visits_after_purchase, tps, run, i, "touchpoint_visits_after_purchase",
                 "touchpoints");
    check_length(run.flow_traversals, results.flows.size(), run, i, "flow_traversals", "flows");
    check_length(run.entry_dropoffs, results.entries.size(), run, i, "entry_dropoffs", "entries");
    check_length(run.segments, results.segments.size(), run, i, "segments", "segments");
    const DailySeries& s = run.series;
    check_length(s.newly_aware_by_channel, results.channels.size(), run, i, "series.newly_aware_by_channel",
                 "channels");
    for (const auto& channel : s.newly_aware_by_channel)
      check_length(channel, days, run, i, "a series.newly_aware_by_channel row", "days");
    check_length(s.newly_aware_initial, days, run, i, "series.newly_aware_initial", "days");
    check_length(s.newly_aware_word_of_mouth, days, run, i, "series.newly_aware_word_of_mouth", "days");
    check_length(s.purchases, days, run, i, "series.purchases", "days");
    check_length(s.new_purchasers, days, run, i, "series.new_purchasers", "days");
    check_length(s.purchasers_cumulative, days, run, i, "series.purchasers_cumulative", "days");
    check_length(s.active_advocates, days, run, i, "series.active_advocates", "days");
    check_length(s.public_rating, days, run, i, "series.public_rating", "days");
  }
}

}  // namespace journeysim::io_detail

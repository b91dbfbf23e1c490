// Results as an HDF5 file for analysis in Python/R/Julia. Layout of a run
// (the root of a run file; /baseline and /arms/<label> of a comparison file):
//   /            attributes: format ("journeysim-run/1"), version, scenario_text,
//                scenario_path, scenario_name, label, strategy, strategies[n], edits[n]
//                (string arrays, in the order applied), seed, market_size, horizon_days,
//                step_days, threads, replications, wall_seconds, events, events_per_s,
//                run_wall_seconds[R], run_events[R]
//   /summary     <metric>[R] (double) with attributes mean, ci95_low, ci95_high (NaN when
//                there is no interval), label, unit; and note ("NaN: undefined, e.g. no
//                purchasers", or "… no reviews" for the rating) on metrics that can be undefined
//   /touchpoints name[T], cost_per_visit[T], revenue_per_purchase[T], refund_amount[T],
//                visits/dropoffs/purchases/refund_count/visits_after_purchase[R×T] (uint64)
//   /flows       from[F], to[F], entry[F] (uint8), traversals[R×F] (uint64),
//                entry_names[E], entry_dropoffs[R×E] (uint64)
//   /series      day[D], <series>[R×D], channels[C], newly_aware_by_channel[R×C×D];
//                public_rating is NaN without reviews (with the note attribute)
//   /segments    name[S], <tally>[R×S]
//   /runs        every scalar field of RunResult, one [R] dataset each under the field's
//                name: replication (uint32); aware, purchasers, …, events,
//                satisfaction_count, final_active_advocates (uint64); revenue, refunds, cost,
//                cost_acquisition, cost_retention, satisfaction_sum, first_purchase_days_*,
//                journey_days_*, final_public_rating (double; the last three NaN when
//                undefined, with the note attribute) — and wall_seconds[R] as an attribute
// Timing is only ever an attribute (so RunResult::wall_seconds is an attribute
// of /runs, not a dataset), so datasets of runs with different thread counts
// compare equal. read_results_hdf5 (hdf5_read.cpp) rebuilds the Results.
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <H5Cpp.h>
#include <fmt/format.h>

#include "io/detail.hpp"
#include "io/hdf5_detail.hpp"
#include "journeysim/io.hpp"

namespace journeysim {

namespace hdf5_detail {

void string_attribute(H5::H5Object& object, const std::string& name, const std::string& value) {
  const H5::StrType type = string_type();
  H5::Attribute attribute = object.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
  attribute.write(type, value);
}

namespace {

std::vector<const char*> c_strings(const std::vector<std::string>& values) {
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const std::string& value : values) pointers.push_back(value.c_str());
  return pointers;
}

}  // namespace

void strings_attribute(H5::H5Object& object, const std::string& name,
                       const std::vector<std::string>& values) {
  const H5::StrType type = string_type();
  const hsize_t dims[1] = {values.size()};
  H5::Attribute attribute = object.createAttribute(name, type, H5::DataSpace(1, dims));
  const std::vector<const char*> pointers = c_strings(values);
  if (!pointers.empty()) attribute.write(type, pointers.data());
}

void strings_dataset(H5::Group& group, const std::string& name,
                     const std::vector<std::string>& values) {
  const H5::StrType type = string_type();
  const hsize_t dims[1] = {values.size()};
  H5::DataSet dataset = group.createDataSet(name, type, H5::DataSpace(1, dims));
  const std::vector<const char*> pointers = c_strings(values);
  if (!pointers.empty()) dataset.write(pointers.data(), type);
}

H5::Group create_utf8_group(H5::Group& parent, const std::string& name) {
  H5::LinkCreatPropList lcpl;
  lcpl.setCharEncoding(H5T_CSET_UTF8);
  return parent.createGroup(name, lcpl);
}

namespace {

using io_detail::at_or_zero;

// [R × cols] from the vector `get(run)` of every replication (empty = zeros).
template <class T, class Get>
std::vector<T> per_run_matrix(const Results& results, std::size_t cols, Get get) {
  std::vector<T> out;
  out.reserve(results.runs.size() * cols);
  for (const RunResult& run : results.runs) {
    for (std::size_t c = 0; c < cols; ++c) out.push_back(static_cast<T>(get(run, c)));
  }
  return out;
}

// One value per replication.
template <class T, class Get>
std::vector<T> per_run(const Results& results, Get get) {
  std::vector<T> out;
  out.reserve(results.runs.size());
  for (const RunResult& run : results.runs) out.push_back(static_cast<T>(get(run)));
  return out;
}

hsize_t runs_of(const Results& results) { return results.runs.size(); }

void write_attributes(H5::Group& group, const Results& results) {
  string_attribute(group, "format", kRunFormat);
  string_attribute(group, "version", JOURNEYSIM_VERSION);
  string_attribute(group, "scenario_text", results.scenario_text);
  string_attribute(group, "scenario_path", results.scenario_path);
  string_attribute(group, "scenario_name", results.scenario_name);
  string_attribute(group, "label", results.label);
  string_attribute(group, "strategy", results.strategy);
  strings_attribute(group, "strategies", results.strategies);
  strings_attribute(group, "edits", results.edits);
  scalar_attribute<std::uint64_t>(group, "seed", results.seed);
  scalar_attribute<std::uint64_t>(group, "market_size", results.market_size);
  scalar_attribute<double>(group, "horizon_days", results.horizon_days);
  scalar_attribute<double>(group, "step_days", results.step_days);
  scalar_attribute<std::uint32_t>(group, "threads", results.threads);
  scalar_attribute<std::uint32_t>(group, "replications",
                                  static_cast<std::uint32_t>(results.runs.size()));
  scalar_attribute<double>(group, "wall_seconds", results.wall_seconds);
  scalar_attribute<std::uint64_t>(group, "events", results.total_events());
  scalar_attribute<double>(group, "events_per_s", results.events_per_second());
  array_attribute(group, "run_wall_seconds",
                  per_run<double>(results, [](const RunResult& r) { return r.wall_seconds; }));
  array_attribute(group, "run_events",
                  per_run<std::uint64_t>(results, [](const RunResult& r) { return r.events; }));
}

void write_summary(H5::Group& parent, const Results& results) {
  H5::Group group = parent.createGroup("summary");
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  for (const MetricDefinition& def : headline_metrics()) {
    const std::vector<double> values = metric_values(results, def);
    const Interval interval = confidence_interval(values);
    H5::DataSet dataset = array_dataset<double>(group, def.key, {runs_of(results)}, values);
    scalar_attribute<double>(dataset, "mean", interval.mean);
    scalar_attribute<double>(dataset, "ci95_low", interval.low.value_or(nan));
    scalar_attribute<double>(dataset, "ci95_high", interval.high.value_or(nan));
    string_attribute(dataset, "label", def.label);
    string_attribute(dataset, "unit", def.unit);
    if (def.may_be_undefined)
      string_attribute(dataset, "note", std::string(def.key) == "public_rating" ? kNoRatingNote : kUndefinedNote);
  }
}

void write_touchpoints(H5::Group& parent, const Results& results) {
  H5::Group group = parent.createGroup("touchpoints");
  const std::size_t n = results.touchpoints.size();
  strings_dataset(group, "name", results.touchpoints);
  array_dataset<double>(group, "cost_per_visit", {n}, results.touchpoint_cost);
  const auto per_touchpoint = [n](const std::vector<double>& amounts) {
    std::vector<double> out(n);
    for (std::size_t t = 0; t < n; ++t) out[t] = at_or_zero(amounts, t);
    return out;
  };
  array_dataset<double>(group, "revenue_per_purchase", {n}, per_touchpoint(results.touchpoint_revenue));
  array_dataset<double>(group, "refund_amount", {n}, per_touchpoint(results.touchpoint_refund));
  const std::vector<hsize_t> dims{runs_of(results), n};
  for (const auto& [name, member] : touchpoint_tallies()) {
    array_dataset(group, name, dims,
                  per_run_matrix<std::uint64_t>(results, n, [m = member](const RunResult& r,
                                                                        std::size_t t) {
                    return at_or_zero(r.*m, t);
                  }));
  }
}

void write_flows(H5::Group& parent, const Results& results) {
  H5::Group group = parent.createGroup("flows");
  const std::size_t n = results.flows.size();
  std::vector<std::string> from, to;
  std::vector<std::uint8_t> entry;
  for (const FlowLink& link : results.flows) {
    from.push_back(link.from);
    to.push_back(link.to);
    entry.push_back(link.entry ? 1 : 0);
  }
  strings_dataset(group, "from", from);
  strings_dataset(group, "to", to);
  array_dataset<std::uint8_t>(group, "entry", {n}, entry);
  array_dataset(group, "traversals", {runs_of(results), n},
                per_run_matrix<std::uint64_t>(results, n, [](const RunResult& r, std::size_t f) {
                  return at_or_zero(r.flow_traversals, f);
                }));
  // Aware customers who entered no touchpoint, per entry (initial, channels, word of mouth).
  const std::size_t entries = results.entries.size();
  strings_dataset(group, "entry_names", results.entries);
  array_dataset(group, "entry_dropoffs", {runs_of(results), entries},
                per_run_matrix<std::uint64_t>(results, entries, [](const RunResult& r, std::size_t e) {
                  return at_or_zero(r.entry_dropoffs, e);
                }));
}

void write_series(H5::Group& parent, const Results& results) {
  H5::Group group = parent.createGroup("series");
  const std::size_t days = series_days(results);
  std::vector<std::uint32_t> day(days);
  for (std::size_t d = 0; d < days; ++d) day[d] = static_cast<std::uint32_t>(d);
  array_dataset<std::uint32_t>(group, "day", {days}, day);
  const std::vector<hsize_t> dims{runs_of(results), days};
  for (const auto& [name, member] : daily_counts()) {
    array_dataset(group, name, dims,
                  per_run_matrix<std::uint64_t>(results, days, [m = member](const RunResult& r,
                                                                           std::size_t d) {
                    return at_or_zero(r.series.*m, d);
                  }));
  }
  H5::DataSet rating = array_dataset(group, "public_rating", dims,
                                     per_run_matrix<double>(results, days, [](const RunResult& r, std::size_t d) {
                                       return at_or_zero(r.series.public_rating, d);
                                     }));
  string_attribute(rating, "note", kNoRatingNote);
  const std::size_t channels = results.channels.size();
  strings_dataset(group, "channels", results.channels);
  std::vector<std::uint64_t> by_channel;
  by_channel.reserve(results.runs.size() * channels * days);
  for (const RunResult& run : results.runs) {
    for (std::size_t c = 0; c < channels; ++c) {
      for (std::size_t d = 0; d < days; ++d) {
        by_channel.push_back(c < run.series.newly_aware_by_channel.size()
                                 ? at_or_zero(run.series.newly_aware_by_channel[c], d)
                                 : 0);
      }
    }
  }
  array_dataset(group, "newly_aware_by_channel", {runs_of(results), channels, days}, by_channel);
}

void write_segments(H5::Group& parent, const Results& results) {
  H5::Group group = parent.createGroup("segments");
  const std::size_t n = results.segments.size();
  strings_dataset(group, "name", results.segments);
  const std::vector<hsize_t> dims{runs_of(results), n};
  for (const auto& [name, member] : segment_counts()) {
    array_dataset(group, name, dims,
                  per_run_matrix<std::uint64_t>(results, n, [m = member](const RunResult& r,
                                                                        std::size_t s) {
                    return at_or_zero(r.segments, s).*m;
                  }));
  }
  for (const auto& [name, member] : segment_amounts()) {
    array_dataset(group, name, dims,
                  per_run_matrix<double>(results, n, [m = member](const RunResult& r,
                                                                 std::size_t s) {
                    return at_or_zero(r.segments, s).*m;
                  }));
  }
}

void write_runs(H5::Group& parent, const Results& results) {
  H5::Group group = parent.createGroup("runs");
  const std::vector<hsize_t> dims{runs_of(results)};
  array_dataset(group, "replication", dims,
                per_run<std::uint32_t>(results, [](const RunResult& r) { return r.replication; }));
  for (const auto& [name, member] : run_counts()) {
    array_dataset(group, name, dims,
                  per_run<std::uint64_t>(results, [m = member](const RunResult& r) { return r.*m; }));
  }
  for (const auto& [name, member] : run_amounts()) {
    H5::DataSet dataset =
        array_dataset(group, name, dims, per_run<double>(results, [m = member](const RunResult& r) { return r.*m; }));
    if (may_be_undefined(name))
      string_attribute(dataset, "note", std::string(name) == "final_public_rating" ? kNoRatingNote : kUndefinedNote);
  }
  // Timing: an attribute, so datasets do not depend on the machine.
  array_attribute(group, "wall_seconds",
                  per_run<double>(results, [](const RunResult& r) { return r.wall_seconds; }));
}

}  // namespace

void write_run(H5::Group& group, const Results& results) {
  write_attributes(group, results);
  write_summary(group, results);
  write_touchpoints(group, results);
  write_flows(group, results);
  write_series(group, results);
  write_segments(group, results);
  write_runs(group, results);
}

}  // namespace hdf5_detail

void write_results_hdf5(const Results& results, const std::string& path) {
  io_detail::check_shapes(results);
  write_file_atomically(path, [&](const std::string& temp) {
    const hdf5_detail::QuietHdf5 quiet;
    try {
      H5::H5File file(temp, H5F_ACC_TRUNC);
      H5::Group root = file.openGroup("/");
      hdf5_detail::write_run(root, results);
      root.close();
      file.close();
    } catch (const H5::Exception& e) {
      // H5::Exception is not a std::exception; callers should not need HDF5 headers.
      throw std::runtime_error(fmt::format("cannot write HDF5 file '{}': {} (in {})", path,
                                           e.getDetailMsg(), e.getFuncName()));
    }
  });
}

}  // namespace journeysim

// Results as an HDF5 file for analysis in Python/R/Julia. Layout of a run
// (the root of a run file; /baseline and /arms/<label> of a comparison file):
//   /            attributes: format ("journeysim-run/1"), version, scenario_text,
//                scenario_path, scenario_name, label, strategy, strategies[n], edits[n]
//                (string arrays, in the order applied), seed, market_size, horizon_days,
//                step_days, threads, replications, wall_seconds, events, events_per_s,
//                run_wall_seconds[R], run_events[R], run_off (uint8: 1 when purchasers'
//                journeys were run off past the horizon), and provenance: command_line,
//                created_utc, git_commit; only in results a stop cut short (run --partial):
//                complete (uint8 0) and interrupted (what was cut short, e.g. "interrupted
//                (SIGINT) after 3 of 10 replications") — a file without them is complete
//   /summary     <metric>[R] (double) with attributes mean, ci95_low, ci95_high (summarize()'s:
//                clipped to the metric's range, as in JSON; NaN when there is no interval),
//                label, unit, display_unit (the table's: "%" for a fraction shown as a
//                percentage); and note (the metric's own undefined case: undefined_note())
//                on metrics that can be undefined
//   /touchpoints name[T], cost_per_visit[T], revenue_per_purchase[T], refund_amount[T],
//                visits/dropoffs/purchases/refund_count/visits_after_purchase[R×T] (uint64)
//   /flows       from[F], to[F], entry[F] (uint8), traversals[R×F] (uint64),
//                entry_names[E], entry_dropoffs[R×E] (uint64);
//                dropoffs/ from[K], to[K] ("drop-off"), entry[K] (uint8), traversals[R×K]:
//                the drop-off links, as JSON's `flows` lists them after the links above
//                (one per entry and touchpoint that loses anyone in some replication)
//   /series      day[D] (uint32; attributes say what an index covers), day_start[D],
//                day_end[D] (double, days; the last day ends at the horizon),
//                <series>[R×D], channels[C], newly_aware_by_channel[R×C×D];
//                public_rating is NaN without reviews (with the note attribute)
//   /segments    name[S], <tally>[R×S]
//   /runs        every scalar field of RunResult, one [R] dataset each under the field's
//                name: replication (uint32); aware, purchasers, …, events,
//                satisfaction_count, final_active_advocates, run_off_truncated (uint64);
//                revenue, refunds, cost, cost_acquisition, cost_retention, satisfaction_sum,
//                first_purchase_days_*, journey_days_*, final_public_rating,
//                lifetime_net_revenue (double; first_purchase_days_*, journey_days_* and
//                final_public_rating NaN when undefined, with the note attribute) — and
//                wall_seconds[R] as an attribute
// Every dataset has the attributes `dims` (a name per dimension, e.g.
// ["replication", "touchpoint"]) and `unit` (hdf5_detail.hpp lists them).
// Timing is only ever an attribute (so RunResult::wall_seconds is an attribute
// of /runs, not a dataset), so datasets of runs with different thread counts
// compare equal. read_results_hdf5 (hdf5_read.cpp) rebuilds the Results.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <functional>
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

H5::DataSet strings_dataset(H5::Group& group, const std::string& name, const std::vector<std::string>& values,
                            const std::string& dim) {
  const H5::StrType type = string_type();
  const hsize_t dims[1] = {values.size()};
  H5::DataSet dataset = group.createDataSet(name, type, H5::DataSpace(1, dims));
  const std::vector<const char*> pointers = c_strings(values);
  if (!pointers.empty()) dataset.write(pointers.data(), type);
  describe(dataset, {dim}, "text");
  return dataset;
}

void describe(H5::H5Object& dataset, const std::vector<std::string>& dims, const std::string& unit) {
  strings_attribute(dataset, "dims", dims);
  string_attribute(dataset, "unit", unit);
}

void provenance_attributes(H5::H5Object& object, const Results& results) {
  string_attribute(object, "command_line", results.command_line);
  string_attribute(object, "created_utc", results.created_utc);
  string_attribute(object, "git_commit", results.git_commit);
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

const std::vector<std::string> kByRun{"replication"};

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
  scalar_attribute<std::uint32_t>(group, "processes", results.processes);
  scalar_attribute<std::uint32_t>(group, "replications",
                                  static_cast<std::uint32_t>(results.runs.size()));
  scalar_attribute<double>(group, "wall_seconds", results.wall_seconds);
  scalar_attribute<std::uint64_t>(group, "events", results.total_events());
  scalar_attribute<double>(group, "events_per_s", results.events_per_second());
  array_attribute(group, "run_wall_seconds",
                  per_run<double>(results, [](const RunResult& r) { return r.wall_seconds; }));
  array_attribute(group, "run_events",
                  per_run<std::uint64_t>(results, [](const RunResult& r) { return r.events; }));
  scalar_attribute<std::uint8_t>(group, "run_off", results.run_off ? 1 : 0);
  if (!results.interrupted.empty()) {  // run --partial: say so where every reader looks first
    scalar_attribute<std::uint8_t>(group, "complete", 0);
    string_attribute(group, "interrupted", results.interrupted);
  }
  provenance_attributes(group, results);
}

void write_summary(H5::Group& parent, const Results& results) {
  H5::Group group = parent.createGroup("summary");
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  for (const MetricDefinition& def : headline_metrics()) {
    const std::vector<double> values = metric_values(results, def);
    const Interval interval = summarize_metric(def, values);  // as summarize(): JSON and tables show the same
    H5::DataSet dataset =
        array_dataset<double>(group, def.key, {runs_of(results)}, values, kByRun, data_unit(def.unit));
    scalar_attribute<double>(dataset, "mean", interval.mean);
    scalar_attribute<double>(dataset, "ci95_low", interval.low.value_or(nan));
    scalar_attribute<double>(dataset, "ci95_high", interval.high.value_or(nan));
    string_attribute(dataset, "label", def.label);
    string_attribute(dataset, "display_unit", def.unit);
    if (const char* note = undefined_note(def)) string_attribute(dataset, "note", note);
  }
}

void write_touchpoints(H5::Group& parent, const Results& results) {
  H5::Group group = parent.createGroup("touchpoints");
  const std::size_t n = results.touchpoints.size();
  const std::vector<std::string> by_touchpoint{"touchpoint"};
  strings_dataset(group, "name", results.touchpoints, "touchpoint");
  array_dataset<double>(group, "cost_per_visit", {n}, results.touchpoint_cost, by_touchpoint, "money");
  const auto per_touchpoint = [n](const std::vector<double>& amounts) {
    std::vector<double> out(n);
    for (std::size_t t = 0; t < n; ++t) out[t] = at_or_zero(amounts, t);
    return out;
  };
  array_dataset<double>(group, "revenue_per_purchase", {n}, per_touchpoint(results.touchpoint_revenue),
                        by_touchpoint, "money");
  array_dataset<double>(group, "refund_amount", {n}, per_touchpoint(results.touchpoint_refund), by_touchpoint,
                        "money");
  const std::vector<hsize_t> dims{runs_of(results), n};
  for (const auto& [name, member] : touchpoint_tallies()) {
    array_dataset(group, name, dims,
                  per_run_matrix<std::uint64_t>(results, n, [m = member](const RunResult& r,
                                                                        std::size_t t) {
                    return at_or_zero(r.*m, t);
                  }),
                  {"replication", "touchpoint"}, "count");
  }
}

// The drop-off links of summarize_flows, per replication: a link per entry,
// then per touchpoint, that loses anyone in some replication (a mean above 0).
void write_dropoff_links(H5::Group& parent, const Results& results) {
  H5::Group group = parent.createGroup("dropoffs");
  std::vector<std::string> from;
  std::vector<std::uint8_t> entry;
  std::vector<std::function<std::uint64_t(const RunResult&)>> counts;
  const auto add = [&](const std::vector<std::string>& names, bool is_entry,
                       std::vector<std::uint64_t> RunResult::*member) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto count = [member, i](const RunResult& r) { return at_or_zero(r.*member, i); };
      bool any = false;
      for (const RunResult& run : results.runs) any = any || count(run) > 0;
      if (!any) continue;
      from.push_back(names[i]);
      entry.push_back(is_entry ? 1 : 0);
      counts.emplace_back(count);
    }
  };
  add(results.entries, true, &RunResult::entry_dropoffs);
  add(results.touchpoints, false, &RunResult::touchpoint_dropoffs);
  const std::size_t n = from.size();
  strings_dataset(group, "from", from, "link");
  strings_dataset(group, "to", std::vector<std::string>(n, "drop-off"), "link");
  array_dataset<std::uint8_t>(group, "entry", {n}, entry, {"link"}, "flag");
  array_dataset(group, "traversals", {runs_of(results), n},
                per_run_matrix<std::uint64_t>(results, n, [&](const RunResult& r, std::size_t k) { return counts[k](r); }),
                {"replication", "link"}, "count");
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
  strings_dataset(group, "from", from, "flow");
  strings_dataset(group, "to", to, "flow");
  array_dataset<std::uint8_t>(group, "entry", {n}, entry, {"flow"}, "flag");
  array_dataset(group, "traversals", {runs_of(results), n},
                per_run_matrix<std::uint64_t>(results, n, [](const RunResult& r, std::size_t f) {
                  return at_or_zero(r.flow_traversals, f);
                }),
                {"replication", "flow"}, "count");
  // Aware customers who entered no touchpoint, per entry (initial, channels, word of mouth).
  const std::size_t entries = results.entries.size();
  strings_dataset(group, "entry_names", results.entries, "entry");
  array_dataset(group, "entry_dropoffs", {runs_of(results), entries},
                per_run_matrix<std::uint64_t>(results, entries, [](const RunResult& r, std::size_t e) {
                  return at_or_zero(r.entry_dropoffs, e);
                }),
                {"replication", "entry"}, "count");
  write_dropoff_links(group, results);
}

constexpr const char* kPerDay = "count per day: what happened within [day_start, day_end)";
constexpr const char* kEndOfDay = "value at the end of the day, at time day_end";

// /series/day, day_start, day_end: what an index of the daily series means.
void write_days(H5::Group& group, const Results& results, std::size_t days) {
  std::vector<std::uint32_t> day(days);
  std::vector<double> start(days), end(days);
  for (std::size_t d = 0; d < days; ++d) {
    day[d] = static_cast<std::uint32_t>(d);
    start[d] = static_cast<double>(d);
    end[d] = static_cast<double>(d + 1);
  }
  // The last day ends at the horizon (a horizon of 10.5 days has 11 days, the last half long).
  if (days > 0 && results.horizon_days > start.back() && results.horizon_days < end.back())
    end.back() = results.horizon_days;
  H5::DataSet index = array_dataset<std::uint32_t>(group, "day", {days}, day, {"day"}, "index");
  string_attribute(index, "covers",
                   "index d covers the days [d, d + 1), i.e. from day_start[d] to day_end[d]; the last day ends "
                   "at the horizon");
  string_attribute(index, "counts",
                   "purchases, new_purchasers, newly_aware_initial, newly_aware_word_of_mouth and "
                   "newly_aware_by_channel count what happened within day d");
  string_attribute(index, "levels",
                   "purchasers_cumulative (cumulative) and active_advocates, public_rating (levels) are values "
                   "at the end of day d, at time day_end[d] = d + 1: index 0 holds the value at the end of the "
                   "first day (t = 1), not at t = 0; public_rating is the rating in force then, and on the last "
                   "day the rating counting every review posted by the horizon");
  array_dataset<double>(group, "day_start", {days}, start, {"day"}, "days");
  array_dataset<double>(group, "day_end", {days}, end, {"day"}, "days");
}

void write_series(H5::Group& parent, const Results& results) {
  H5::Group group = parent.createGroup("series");
  const std::size_t days = series_days(results);
  write_days(group, results, days);
  const std::vector<hsize_t> dims{runs_of(results), days};
  const std::vector<std::string> by_day{"replication", "day"};
  for (const auto& [name, member] : daily_counts()) {
    H5::DataSet dataset =
        array_dataset(group, name, dims,
                      per_run_matrix<std::uint64_t>(results, days, [m = member](const RunResult& r, std::size_t d) {
                        return at_or_zero(r.series.*m, d);
                      }),
                      by_day, "count");
    const bool level = std::string(name) == "purchasers_cumulative" || std::string(name) == "active_advocates";
    string_attribute(dataset, "kind", level ? kEndOfDay : kPerDay);
  }
  H5::DataSet rating = array_dataset(group, "public_rating", dims,
                                     per_run_matrix<double>(results, days, [](const RunResult& r, std::size_t d) {
                                       return at_or_zero(r.series.public_rating, d);
                                     }),
                                     by_day, "1");
  string_attribute(rating, "kind", kEndOfDay);
  string_attribute(rating, "note", kNoRatingNote);
  const std::size_t channels = results.channels.size();
  strings_dataset(group, "channels", results.channels, "channel");
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
  H5::DataSet channel_counts = array_dataset(group, "newly_aware_by_channel", {runs_of(results), channels, days},
                                             by_channel, {"replication", "channel", "day"}, "count");
  string_attribute(channel_counts, "kind", kPerDay);
}

void write_segments(H5::Group& parent, const Results& results) {
  H5::Group group = parent.createGroup("segments");
  const std::size_t n = results.segments.size();
  strings_dataset(group, "name", results.segments, "segment");
  const std::vector<hsize_t> dims{runs_of(results), n};
  const std::vector<std::string> by_segment{"replication", "segment"};
  for (const auto& [name, member] : segment_counts()) {
    array_dataset(group, name, dims,
                  per_run_matrix<std::uint64_t>(results, n, [m = member](const RunResult& r,
                                                                        std::size_t s) {
                    return at_or_zero(r.segments, s).*m;
                  }),
                  by_segment, "count");
  }
  for (const auto& [name, member] : segment_amounts()) {
    array_dataset(group, name, dims,
                  per_run_matrix<double>(results, n, [m = member](const RunResult& r,
                                                                 std::size_t s) {
                    return at_or_zero(r.segments, s).*m;
                  }),
                  by_segment, field_unit(name));
  }
}

void write_runs(H5::Group& parent, const Results& results) {
  H5::Group group = parent.createGroup("runs");
  const std::vector<hsize_t> dims{runs_of(results)};
  array_dataset(group, "replication", dims,
                per_run<std::uint32_t>(results, [](const RunResult& r) { return r.replication; }), kByRun,
                "index");
  for (const auto& [name, member] : run_counts()) {
    array_dataset(group, name, dims,
                  per_run<std::uint64_t>(results, [m = member](const RunResult& r) { return r.*m; }), kByRun,
                  "count");
  }
  for (const auto& [name, member] : run_amounts()) {
    H5::DataSet dataset = array_dataset(group, name, dims,
                                        per_run<double>(results, [m = member](const RunResult& r) { return r.*m; }),
                                        kByRun, field_unit(name));
    if (const char* note = undefined_note_of_run_field(name)) string_attribute(dataset, "note", note);
  }
  H5::DataSet lifetime = group.openDataSet("lifetime_net_revenue");
  string_attribute(lifetime, "note",
                   "net revenue of the purchasers over the whole relationship, their journeys run off past the "
                   "horizon; 0 unless the root attribute run_off is 1");
  H5::DataSet run_off_truncated = group.openDataSet("run_off_truncated");
  string_attribute(run_off_truncated, "note", "run-off journeys stopped by the event cap; 0 unless run_off is 1");
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

namespace hdf5_detail {

namespace {

// All of `bytes` to a new file at `temp`, flushed; errors name `path`.
void write_image(const std::string& temp, const std::string& path, const std::vector<unsigned char>& bytes) {
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(fmt::format("cannot write HDF5 file '{}': {}", path, std::strerror(errno)));
  std::size_t written = 0;
  int error = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno;
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  if (error == 0 && ::fsync(fd) != 0 && errno != EINVAL && errno != EROFS) error = errno;
  if (::close(fd) != 0 && error == 0 && errno != EINTR) error = errno;
  if (error != 0)
    throw std::runtime_error(fmt::format("cannot write HDF5 file '{}': {} ({} of {} bytes written)", path,
                                         std::strerror(error), written, bytes.size()));
}

}  // namespace

void write_hdf5_atomically(const std::string& path, const std::function<void(H5::H5File& file)>& fill) {
  write_file_atomically(path, [&](const std::string& temp) {
    std::vector<unsigned char> image;
    {
      const QuietHdf5 quiet;
      try {
        H5::FileAccPropList access;
        if (H5Pset_fapl_core(access.getId(), std::size_t{1} << 20, /*backing_store=*/0) < 0)
          throw std::runtime_error(fmt::format("cannot write HDF5 file '{}': HDF5's in-memory driver is unavailable",
                                               path));
        H5::H5File file(temp, H5F_ACC_TRUNC, H5::FileCreatPropList::DEFAULT, access);
        fill(file);
        file.flush(H5F_SCOPE_GLOBAL);
        const ssize_t size = H5Fget_file_image(file.getId(), nullptr, 0);
        if (size < 0) throw std::runtime_error(fmt::format("cannot write HDF5 file '{}': H5Fget_file_image failed", path));
        image.resize(static_cast<std::size_t>(size));
        if (H5Fget_file_image(file.getId(), image.data(), image.size()) != size)
          throw std::runtime_error(fmt::format("cannot write HDF5 file '{}': H5Fget_file_image failed", path));
        file.close();
      } catch (const H5::Exception& e) {
        // H5::Exception is not a std::exception; callers should not need HDF5 headers.
        throw std::runtime_error(fmt::format("cannot write HDF5 file '{}': {} (in {})", path, e.getDetailMsg(),
                                             e.getFuncName()));
      }
    }
    write_image(temp, path, image);
  });
}

}  // namespace hdf5_detail

void write_results_hdf5(const Results& results, const std::string& path) {
  io_detail::check_shapes(results);
  hdf5_detail::write_hdf5_atomically(path, [&](H5::H5File& file) {
    H5::Group root = file.openGroup("/");
    hdf5_detail::write_run(root, results);
  });
}

}  // namespace journeysim

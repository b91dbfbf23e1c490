// Results as an HDF5 file for analysis in Python/R/Julia. Layout:
//   /            attributes: version, scenario_text, scenario_path, scenario_name, strategy,
//                seed, market_size, horizon_days, step_days, threads, replications,
//                wall_seconds, events, events_per_s, run_wall_seconds[R], run_events[R]
//   /summary     <metric>[R] (double) with attributes mean, ci95_low, ci95_high (NaN when
//                there is no interval), label, unit
//   /touchpoints name[T], cost_per_visit[T], visits/dropoffs/purchases[R×T] (uint64)
//   /flows       from[F], to[F], entry[F] (uint8), traversals[R×F] (uint64),
//                entry_names[E], entry_dropoffs[R×E] (uint64)
//   /series      day[D], <series>[R×D], channels[C], newly_aware_by_channel[R×C×D]
//   /segments    name[S], <tally>[R×S]
// Timing is only ever an attribute, so datasets of runs with different
// thread counts compare equal.
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <H5Cpp.h>
#include <fmt/format.h>

#include "io/detail.hpp"
#include "journeysim/io.hpp"

namespace journeysim {

namespace {

using io_detail::at_or_zero;

// Silences the HDF5 error stack printer while we write (errors become
// exceptions with messages), restoring whatever was set before.
class QuietHdf5 {
 public:
  QuietHdf5() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietHdf5(const QuietHdf5&) = delete;
  QuietHdf5& operator=(const QuietHdf5&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

H5::StrType string_type() {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  return type;
}

template <class T>
struct H5Types;
template <>
struct H5Types<std::uint64_t> {
  static const H5::PredType& file() { return H5::PredType::STD_U64LE; }
  static const H5::PredType& memory() { return H5::PredType::NATIVE_UINT64; }
};
template <>
struct H5Types<std::uint32_t> {
  static const H5::PredType& file() { return H5::PredType::STD_U32LE; }
  static const H5::PredType& memory() { return H5::PredType::NATIVE_UINT32; }
};
template <>
struct H5Types<std::uint8_t> {
  static const H5::PredType& file() { return H5::PredType::STD_U8LE; }
  static const H5::PredType& memory() { return H5::PredType::NATIVE_UINT8; }
};
template <>
struct H5Types<double> {
  static const H5::PredType& file() { return H5::PredType::IEEE_F64LE; }
  static const H5::PredType& memory() { return H5::PredType::NATIVE_DOUBLE; }
};

void string_attribute(H5::H5Object& object, const std::string& name, const std::string& value) {
  const H5::StrType type = string_type();
  H5::Attribute attribute = object.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
  attribute.write(type, value);
}

template <class T>
void scalar_attribute(H5::H5Object& object, const std::string& name, T value) {
  H5::Attribute attribute =
      object.createAttribute(name, H5Types<T>::file(), H5::DataSpace(H5S_SCALAR));
  attribute.write(H5Types<T>::memory(), &value);
}

template <class T>
void array_attribute(H5::H5Object& object, const std::string& name, const std::vector<T>& values) {
  const hsize_t dims[1] = {values.size()};
  H5::Attribute attribute =
      object.createAttribute(name, H5Types<T>::file(), H5::DataSpace(1, dims));
  if (!values.empty()) attribute.write(H5Types<T>::memory(), values.data());
}

// A dataset of shape `dims` from row-major `values`.
template <class T>
H5::DataSet array_dataset(H5::Group& group, const std::string& name,
                          const std::vector<hsize_t>& dims, const std::vector<T>& values) {
  H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
  H5::DataSet dataset = group.createDataSet(name, H5Types<T>::file(), space);
  if (!values.empty()) dataset.write(values.data(), H5Types<T>::memory());
  return dataset;
}

void strings_dataset(H5::Group& group, const std::string& name,
                     const std::vector<std::string>& values) {
  const H5::StrType type = string_type();
  const hsize_t dims[1] = {values.size()};
  H5::DataSet dataset = group.createDataSet(name, type, H5::DataSpace(1, dims));
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const std::string& value : values) pointers.push_back(value.c_str());
  if (!pointers.empty()) dataset.write(pointers.data(), type);
}

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

hsize_t runs_of(const Results& results) { return results.runs.size(); }

void write_root(H5::H5File& file, const Results& results) {
  H5::Group root = file.openGroup("/");
  string_attribute(root, "version", JOURNEYSIM_VERSION);
  string_attribute(root, "scenario_text", results.scenario_text);
  string_attribute(root, "scenario_path", results.scenario_path);
  string_attribute(root, "scenario_name", results.scenario_name);
  string_attribute(root, "strategy", results.strategy);
  scalar_attribute<std::uint64_t>(root, "seed", results.seed);
  scalar_attribute<std::uint64_t>(root, "market_size", results.market_size);
  scalar_attribute<double>(root, "horizon_days", results.horizon_days);
  scalar_attribute<double>(root, "step_days", results.step_days);
  scalar_attribute<std::uint32_t>(root, "threads", results.threads);
  scalar_attribute<std::uint32_t>(root, "replications",
                                  static_cast<std::uint32_t>(results.runs.size()));
  scalar_attribute<double>(root, "wall_seconds", results.wall_seconds);
  scalar_attribute<std::uint64_t>(root, "events", results.total_events());
  scalar_attribute<double>(root, "events_per_s", results.events_per_second());
  std::vector<double> run_wall;
  std::vector<std::uint64_t> run_events;
  for (const RunResult& run : results.runs) {
    run_wall.push_back(run.wall_seconds);
    run_events.push_back(run.events);
  }
  array_attribute(root, "run_wall_seconds", run_wall);
  array_attribute(root, "run_events", run_events);
}

void write_summary(H5::H5File& file, const Results& results) {
  H5::Group group = file.createGroup("/summary");
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
  }
}

void write_touchpoints(H5::H5File& file, const Results& results) {
  H5::Group group = file.createGroup("/touchpoints");
  const std::size_t n = results.touchpoints.size();
  strings_dataset(group, "name", results.touchpoints);
  array_dataset<double>(group, "cost_per_visit", {n}, results.touchpoint_cost);
  const std::vector<hsize_t> dims{runs_of(results), n};
  array_dataset(group, "visits", dims,
                per_run_matrix<std::uint64_t>(results, n, [](const RunResult& r, std::size_t t) {
                  return at_or_zero(r.touchpoint_visits, t);
                }));
  array_dataset(group, "dropoffs", dims,
                per_run_matrix<std::uint64_t>(results, n, [](const RunResult& r, std::size_t t) {
                  return at_or_zero(r.touchpoint_dropoffs, t);
                }));
  array_dataset(group, "purchases", dims,
                per_run_matrix<std::uint64_t>(results, n, [](const RunResult& r, std::size_t t) {
                  return at_or_zero(r.touchpoint_purchases, t);
                }));
}

void write_flows(H5::H5File& file, const Results& results) {
  H5::Group group = file.createGroup("/flows");
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

void write_series(H5::H5File& file, const Results& results) {
  H5::Group group = file.createGroup("/series");
  const std::size_t days = series_days(results);
  std::vector<std::uint32_t> day(days);
  for (std::size_t d = 0; d < days; ++d) day[d] = static_cast<std::uint32_t>(d);
  array_dataset<std::uint32_t>(group, "day", {days}, day);
  const std::vector<hsize_t> dims{runs_of(results), days};
  using Series = std::vector<std::uint64_t> DailySeries::*;
  const std::pair<const char*, Series> counts[] = {
      {"purchasers_cumulative", &DailySeries::purchasers_cumulative},
      {"purchases", &DailySeries::purchases},
      {"new_purchasers", &DailySeries::new_purchasers},
      {"newly_aware_initial", &DailySeries::newly_aware_initial},
      {"newly_aware_word_of_mouth", &DailySeries::newly_aware_word_of_mouth},
      {"active_advocates", &DailySeries::active_advocates},
  };
  for (const auto& [name, member] : counts) {
    array_dataset(group, name, dims,
                  per_run_matrix<std::uint64_t>(results, days, [m = member](const RunResult& r,
                                                                           std::size_t d) {
                    return at_or_zero(r.series.*m, d);
                  }));
  }
  array_dataset(group, "public_rating", dims,
                per_run_matrix<double>(results, days, [](const RunResult& r, std::size_t d) {
                  return at_or_zero(r.series.public_rating, d);
                }));
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

void write_segments(H5::H5File& file, const Results& results) {
  H5::Group group = file.createGroup("/segments");
  const std::size_t n = results.segments.size();
  strings_dataset(group, "name", results.segments);
  const std::vector<hsize_t> dims{runs_of(results), n};
  using Count = std::uint64_t SegmentTally::*;
  const std::pair<const char*, Count> counts[] = {
      {"aware", &SegmentTally::aware},           {"purchasers", &SegmentTally::purchasers},
      {"purchases", &SegmentTally::purchases},   {"promoters", &SegmentTally::promoters},
      {"detractors", &SegmentTally::detractors}, {"advocates", &SegmentTally::advocates},
      {"satisfaction_count", &SegmentTally::satisfaction_count},
  };
  for (const auto& [name, member] : counts) {
    array_dataset(group, name, dims,
                  per_run_matrix<std::uint64_t>(results, n, [m = member](const RunResult& r,
                                                                        std::size_t s) {
                    return at_or_zero(r.segments, s).*m;
                  }));
  }
  using Amount = double SegmentTally::*;
  const std::pair<const char*, Amount> amounts[] = {
      {"revenue", &SegmentTally::revenue},
      {"cost", &SegmentTally::cost},
      {"satisfaction_sum", &SegmentTally::satisfaction_sum},
  };
  for (const auto& [name, member] : amounts) {
    array_dataset(group, name, dims,
                  per_run_matrix<double>(results, n, [m = member](const RunResult& r,
                                                                 std::size_t s) {
                    return at_or_zero(r.segments, s).*m;
                  }));
  }
}

}  // namespace

void write_results_hdf5(const Results& results, const std::string& path) {
  io_detail::check_shapes(results);
  write_file_atomically(path, [&](const std::string& temp) {
    const QuietHdf5 quiet;
    try {
      H5::H5File file(temp, H5F_ACC_TRUNC);
      write_root(file, results);
      write_summary(file, results);
      write_touchpoints(file, results);
      write_flows(file, results);
      write_series(file, results);
      write_segments(file, results);
      file.close();
    } catch (const H5::Exception& e) {
      // H5::Exception is not a std::exception; callers should not need HDF5 headers.
      throw std::runtime_error(fmt::format("cannot write HDF5 file '{}': {} (in {})", path,
                                           e.getDetailMsg(), e.getFuncName()));
    }
  });
}

}  // namespace journeysim

// A comparison as one HDF5 file. Layout:
//   /                       attributes: format ("journeysim-compare/1"), version,
//                           pairing ("paired" | "unpaired"), arms[A] (the arms' labels, in order),
//                           threads, and provenance: command_line, created_utc, git_commit (the
//                           baseline's; each run group has its own too)
//   /baseline               the run layout (hdf5.cpp)
//   /arms/<label>           the run layout of each arm; '/' in a label becomes '∕' (U+2215)
//                           in the group name (an empty, "." or ".." label, or a repeated
//                           name, gets " #<k>" added, k = the arm's position from 1);
//                           the true label is in `arms` and in the group's `label`
//   /arms/<label>/delta/<metric>               float64[3]: mean, ci95 low, ci95 high (NaN
//   /arms/<label>/relative/<metric>            where there is none, or where the metric is
//                                              undefined: delta then has a `note`), arm − baseline
//   /arms/<label>/paired_differences/<metric>  float64[R]: arm − baseline per replication
//                                              (paired comparisons only)
//   /pairs/<A vs B>         arm A against arm B for every pair of arms (A before B in `arms`),
//                           named as in `pairs` (mapped as arm groups are): attributes label,
//                           arm, versus; delta/, relative/ and paired_differences/ as above, with
//                           A − B and relative to B (the group is empty with fewer than 2 arms)
// Every dataset has `dims` and `unit` (hdf5_detail.hpp); delta and relative also
// `statistics` = ["mean", "ci95_low", "ci95_high"], and relative is a fraction.
// for every headline metric, as compare_metrics(baseline, arm, pairing) gives them.
#include <cstdint>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <H5Cpp.h>
#include <fmt/format.h>

#include "io/detail.hpp"
#include "io/hdf5_detail.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/io.hpp"

namespace journeysim {

namespace hdf5_detail {

std::vector<std::string> arm_group_names(const std::vector<std::string>& labels) {
  static const std::string division_slash = "\u2215";
  std::vector<std::string> names;
  std::set<std::string> used;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    std::string base;
    for (char c : labels[i]) {
      if (c == '/') base += division_slash;
      else base += c;
    }
    std::string name = base;
    const bool reserved = base.empty() || base == "." || base == "..";
    for (std::size_t k = i + 1; reserved || used.count(name) != 0; ++k) {
      name = fmt::format("{} #{}", base, k);
      if (used.count(name) == 0) break;
    }
    used.insert(name);
    names.push_back(std::move(name));
  }
  return names;
}

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
const std::vector<std::string> kStatistics{"mean", "ci95_low", "ci95_high"};

const char* pairing_name(Pairing pairing) {
  return pairing == Pairing::paired ? "paired" : "unpaired";
}

std::vector<double> interval_values(const Interval& interval) {
  return {interval.mean, interval.low.value_or(nan), interval.high.value_or(nan)};
}

void write_differences(H5::Group& arm_group, const Results& baseline, const Results& arm,
                       Pairing pairing) {
  const std::vector<MetricComparison> rows = compare_metrics(baseline, arm, pairing);
  H5::Group delta = arm_group.createGroup("delta");
  H5::Group relative = arm_group.createGroup("relative");
  for (const MetricComparison& row : rows) {
    const MetricDefinition* metric = find_metric(row.key);
    const std::string unit = data_unit(metric != nullptr ? metric->unit : "");
    H5::DataSet absolute =
        array_dataset<double>(delta, row.key, {3}, interval_values(row.difference.delta), {"statistic"}, unit);
    H5::DataSet change = array_dataset<double>(relative, row.key, {3}, interval_values(row.difference.relative),
                                               {"statistic"}, "fraction");
    strings_attribute(absolute, "statistics", kStatistics);
    strings_attribute(change, "statistics", kStatistics);
    // A delta is undefined where the metric is, in either arm.
    if (metric != nullptr && metric->may_be_undefined)
      string_attribute(absolute, "note", kUndefinedNote);
  }
  if (pairing != Pairing::paired) return;
  H5::Group differences = arm_group.createGroup("paired_differences");
  for (const MetricDefinition& metric : headline_metrics()) {
    const std::vector<double> a = metric_values(baseline, metric);
    const std::vector<double> b = metric_values(arm, metric);
    std::vector<double> values(b.size());
    for (std::size_t k = 0; k < b.size(); ++k) values[k] = b[k] - a[k];
    array_dataset<double>(differences, metric.key, {values.size()}, values, {"replication"}, data_unit(metric.unit));
  }
}

}  // namespace

}  // namespace hdf5_detail

void write_comparison_hdf5(const Comparison& comparison, const std::string& path) {
  namespace d = hdf5_detail;
  io_detail::check_shapes(comparison.baseline);
  std::vector<std::string> labels;
  for (const Results& arm : comparison.arms) {
    io_detail::check_shapes(arm);
    labels.push_back(arm.label);
  }
  // Before any file is touched: a paired comparison needs matching replications.
  if (comparison.pairing == Pairing::paired) {
    for (const Results& arm : comparison.arms) {
      if (arm.runs.size() != comparison.baseline.runs.size()) {
        throw InternalError(fmt::format(
            "a paired comparison needs the same replications in every arm: the baseline has {}, "
            "arm '{}' has {}",
            comparison.baseline.runs.size(), arm.label, arm.runs.size()));
      }
    }
  }
  const std::vector<std::string> names = d::arm_group_names(labels);
  d::write_hdf5_atomically(path, [&](H5::H5File& file) {
    H5::Group root = file.openGroup("/");
    d::string_attribute(root, "format", d::kCompareFormat);
    d::string_attribute(root, "version", JOURNEYSIM_VERSION);
    d::string_attribute(root, "pairing", d::pairing_name(comparison.pairing));
    d::strings_attribute(root, "arms", labels);
    std::vector<std::string> pair_labels;
    for (const ArmPair& pair : comparison.pairs()) pair_labels.push_back(comparison.pair_label(pair));
    d::strings_attribute(root, "pairs", pair_labels);
    d::scalar_attribute<std::uint32_t>(root, "threads", comparison.baseline.threads);
    d::scalar_attribute<std::uint32_t>(root, "processes", comparison.baseline.processes);
    d::provenance_attributes(root, comparison.baseline);  // every arm's is the same
    H5::Group baseline = root.createGroup("baseline");
    d::write_run(baseline, comparison.baseline);
    H5::Group arms = root.createGroup("arms");
    for (std::size_t i = 0; i < comparison.arms.size(); ++i) {
      H5::Group arm = d::create_utf8_group(arms, names[i]);
      d::write_run(arm, comparison.arms[i]);
      d::write_differences(arm, comparison.baseline, comparison.arms[i], comparison.pairing);
    }
    H5::Group pairs = root.createGroup("pairs");
    const std::vector<std::string> pair_names = d::arm_group_names(pair_labels);
    const std::vector<ArmPair> arm_pairs = comparison.pairs();
    for (std::size_t i = 0; i < arm_pairs.size(); ++i) {
      const Results& arm = comparison.arms[arm_pairs[i].arm];
      const Results& versus = comparison.arms[arm_pairs[i].versus];
      H5::Group pair = d::create_utf8_group(pairs, pair_names[i]);
      d::string_attribute(pair, "label", pair_labels[i]);
      d::string_attribute(pair, "arm", arm.label);
      d::string_attribute(pair, "versus", versus.label);
      d::write_differences(pair, versus, arm, comparison.pairing);
    }
  });
}

Comparison read_comparison_hdf5(const std::string& path) {
  namespace d = hdf5_detail;
  const d::QuietHdf5 quiet;
  try {
    H5::H5File file = d::open_journeysim_file(path, d::kCompareFormat, "comparison file");
    const H5::Group root = file.openGroup("/");
    Comparison comparison;
    const std::string pairing = d::read_string_attribute(root, "pairing", path);
    if (pairing == "paired") {
      comparison.pairing = Pairing::paired;
    } else if (pairing == "unpaired") {
      comparison.pairing = Pairing::unpaired;
    } else {
      throw InputError(fmt::format(
          "'{}' is damaged or was not written by journeysim: pairing is '{}', expected 'paired' or "
          "'unpaired'",
          path, pairing));
    }
    const std::vector<std::string> labels = d::read_strings_attribute(root, "arms", path);
    comparison.baseline = d::read_run(d::open_child_group(root, "baseline", path), path);
    const H5::Group arms = d::open_child_group(root, "arms", path);
    const std::vector<std::string> names = d::arm_group_names(labels);
    for (std::size_t i = 0; i < labels.size(); ++i) {
      Results arm = d::read_run(d::open_child_group(arms, names[i], path), path);
      if (arm.label != labels[i]) {
        throw InputError(fmt::format(
            "'{}' is damaged or was not written by journeysim: /arms/{} is labelled '{}', expected "
            "'{}'",
            path, names[i], arm.label, labels[i]));
      }
      comparison.arms.push_back(std::move(arm));
    }
    return comparison;
  } catch (const H5::Exception& e) {
    throw std::runtime_error(fmt::format("cannot read HDF5 file '{}': {} (in {})", path,
                                         e.getDetailMsg(), e.getFuncName()));
  }
}

}  // namespace journeysim

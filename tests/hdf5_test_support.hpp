#pragma once
// Shared by the HDF5 round-trip suites (test_hdf5_roundtrip.cpp for run
// files, test_hdf5_compare_files.cpp for comparison files): field-by-field
// comparison of Results, a dump of every dataset and attribute of a file,
// and the Hdf5RoundTrip fixture.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <H5Cpp.h>
#include <gtest/gtest.h>

#include "io_test_support.hpp"
#include "journeysim/comparison.hpp"
#include "journeysim/engine.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/io.hpp"
#include "journeysim/load.hpp"
#include "journeysim/results.hpp"
#include "journeysim/statistics.hpp"

namespace journeysim::hdf5_testing {

namespace fs = std::filesystem;
using io_testing::make_results;

// ---- comparing results ------------------------------------------------------

inline bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

inline bool same(const std::optional<double>& a, const std::optional<double>& b) {
  return a.has_value() == b.has_value() && (!a || same(*a, *b));
}

inline void expect_same_interval(const Interval& a, const Interval& b, const std::string& what) {
  EXPECT_TRUE(same(a.mean, b.mean)) << what << ": mean " << a.mean << " vs " << b.mean;
  EXPECT_TRUE(same(a.low, b.low)) << what << ": ci95 low";
  EXPECT_TRUE(same(a.high, b.high)) << what << ": ci95 high";
}

#define EXPECT_SAME_DOUBLE(a, b) EXPECT_TRUE(same((a), (b))) << #a << ": " << (a) << " vs " << (b)

inline void expect_same_run(const RunResult& a, const RunResult& b) {
  SCOPED_TRACE("replication " + std::to_string(a.replication));
  EXPECT_EQ(a.replication, b.replication);
  EXPECT_EQ(a.aware, b.aware);
  EXPECT_EQ(a.purchasers, b.purchasers);
  EXPECT_EQ(a.purchases, b.purchases);
  EXPECT_EQ(a.advocates, b.advocates);
  EXPECT_EQ(a.promoters, b.promoters);
  EXPECT_EQ(a.passives, b.passives);
  EXPECT_EQ(a.detractors, b.detractors);
  EXPECT_EQ(a.reviews, b.reviews);
  EXPECT_EQ(a.in_progress, b.in_progress);
  EXPECT_EQ(a.truncated, b.truncated);
  EXPECT_EQ(a.finished, b.finished);
  EXPECT_EQ(a.events, b.events);
  EXPECT_SAME_DOUBLE(a.revenue, b.revenue);
  EXPECT_SAME_DOUBLE(a.refunds, b.refunds);
  EXPECT_SAME_DOUBLE(a.cost, b.cost);
  EXPECT_SAME_DOUBLE(a.cost_acquisition, b.cost_acquisition);
  EXPECT_SAME_DOUBLE(a.cost_retention, b.cost_retention);
  EXPECT_SAME_DOUBLE(a.satisfaction_sum, b.satisfaction_sum);
  EXPECT_EQ(a.satisfaction_count, b.satisfaction_count);
  EXPECT_SAME_DOUBLE(a.first_purchase_days_mean, b.first_purchase_days_mean);
  EXPECT_SAME_DOUBLE(a.first_purchase_days_p50, b.first_purchase_days_p50);
  EXPECT_SAME_DOUBLE(a.first_purchase_days_p90, b.first_purchase_days_p90);
  EXPECT_SAME_DOUBLE(a.journey_days_mean, b.journey_days_mean);
  EXPECT_SAME_DOUBLE(a.journey_days_variance, b.journey_days_variance);
  EXPECT_SAME_DOUBLE(a.final_public_rating, b.final_public_rating);
  EXPECT_EQ(a.final_active_advocates, b.final_active_advocates);
  EXPECT_EQ(a.touchpoint_visits, b.touchpoint_visits);
  EXPECT_EQ(a.touchpoint_dropoffs, b.touchpoint_dropoffs);
  EXPECT_EQ(a.touchpoint_purchases, b.touchpoint_purchases);
  EXPECT_EQ(a.touchpoint_refunds, b.touchpoint_refunds);
  EXPECT_EQ(a.touchpoint_visits_after_purchase, b.touchpoint_visits_after_purchase);
  EXPECT_EQ(a.flow_traversals, b.flow_traversals);
  EXPECT_EQ(a.entry_dropoffs, b.entry_dropoffs);
  ASSERT_EQ(a.segments.size(), b.segments.size());
  for (std::size_t s = 0; s < a.segments.size(); ++s) {
    SCOPED_TRACE("segment " + std::to_string(s));
    const SegmentTally &x = a.segments[s], &y = b.segments[s];
    EXPECT_EQ(x.aware, y.aware);
    EXPECT_EQ(x.purchasers, y.purchasers);
    EXPECT_EQ(x.purchases, y.purchases);
    EXPECT_EQ(x.promoters, y.promoters);
    EXPECT_EQ(x.detractors, y.detractors);
    EXPECT_EQ(x.advocates, y.advocates);
    EXPECT_SAME_DOUBLE(x.revenue, y.revenue);
    EXPECT_SAME_DOUBLE(x.refunds, y.refunds);
    EXPECT_SAME_DOUBLE(x.cost, y.cost);
    EXPECT_SAME_DOUBLE(x.cost_acquisition, y.cost_acquisition);
    EXPECT_SAME_DOUBLE(x.cost_retention, y.cost_retention);
    EXPECT_SAME_DOUBLE(x.satisfaction_sum, y.satisfaction_sum);
    EXPECT_EQ(x.satisfaction_count, y.satisfaction_count);
  }
  const DailySeries &s = a.series, &t = b.series;
  EXPECT_EQ(s.newly_aware_by_channel, t.newly_aware_by_channel);
  EXPECT_EQ(s.newly_aware_initial, t.newly_aware_initial);
  EXPECT_EQ(s.newly_aware_word_of_mouth, t.newly_aware_word_of_mouth);
  EXPECT_EQ(s.purchases, t.purchases);
  EXPECT_EQ(s.new_purchasers, t.new_purchasers);
  EXPECT_EQ(s.purchasers_cumulative, t.purchasers_cumulative);
  EXPECT_EQ(s.active_advocates, t.active_advocates);
  ASSERT_EQ(s.public_rating.size(), t.public_rating.size());
  for (std::size_t d = 0; d < s.public_rating.size(); ++d) EXPECT_SAME_DOUBLE(s.public_rating[d], t.public_rating[d]);
  EXPECT_SAME_DOUBLE(a.lifetime_net_revenue, b.lifetime_net_revenue);
  EXPECT_EQ(a.run_off_truncated, b.run_off_truncated);
  EXPECT_SAME_DOUBLE(a.wall_seconds, b.wall_seconds);
}

inline void expect_same_results(const Results& a, const Results& b) {
  EXPECT_EQ(a.scenario_name, b.scenario_name);
  EXPECT_EQ(a.scenario_text, b.scenario_text);
  EXPECT_EQ(a.scenario_path, b.scenario_path);
  EXPECT_EQ(a.label, b.label);
  EXPECT_EQ(a.strategy, b.strategy);
  EXPECT_EQ(a.strategies, b.strategies);
  EXPECT_EQ(a.edits, b.edits);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.market_size, b.market_size);
  EXPECT_SAME_DOUBLE(a.horizon_days, b.horizon_days);
  EXPECT_SAME_DOUBLE(a.step_days, b.step_days);
  EXPECT_EQ(a.threads, b.threads);
  EXPECT_EQ(a.touchpoints, b.touchpoints);
  EXPECT_EQ(a.touchpoint_cost, b.touchpoint_cost);
  EXPECT_EQ(a.touchpoint_revenue, b.touchpoint_revenue);
  EXPECT_EQ(a.touchpoint_refund, b.touchpoint_refund);
  EXPECT_EQ(a.channels, b.channels);
  EXPECT_EQ(a.segments, b.segments);
  ASSERT_EQ(a.flows.size(), b.flows.size());
  for (std::size_t f = 0; f < a.flows.size(); ++f) {
    EXPECT_EQ(a.flows[f].from, b.flows[f].from) << "flow " << f;
    EXPECT_EQ(a.flows[f].to, b.flows[f].to) << "flow " << f;
    EXPECT_EQ(a.flows[f].entry, b.flows[f].entry) << "flow " << f;
  }
  EXPECT_EQ(a.entries, b.entries);
  EXPECT_SAME_DOUBLE(a.wall_seconds, b.wall_seconds);
  EXPECT_EQ(a.run_off, b.run_off);
  EXPECT_EQ(a.command_line, b.command_line);
  EXPECT_EQ(a.created_utc, b.created_utc);
  EXPECT_EQ(a.git_commit, b.git_commit);
  ASSERT_EQ(a.runs.size(), b.runs.size());
  for (std::size_t r = 0; r < a.runs.size(); ++r) expect_same_run(a.runs[r], b.runs[r]);

  // What users see: summaries and JSON.
  const std::vector<Metric> ma = summarize(a), mb = summarize(b);
  ASSERT_EQ(ma.size(), mb.size());
  for (std::size_t i = 0; i < ma.size(); ++i) {
    EXPECT_EQ(ma[i].key, mb[i].key);
    expect_same_interval(ma[i].value, mb[i].value, ma[i].key);
  }
  EXPECT_EQ(results_to_json(a), results_to_json(b));
}

// ---- comparing files --------------------------------------------------------

// A dataset or attribute: its type class, shape and values (numbers as the
// native bytes, strings as text).
struct Stored {
  H5T_class_t type_class = H5T_NO_CLASS;
  std::vector<hsize_t> dims;
  std::string bytes;
  std::vector<std::string> strings;
  bool operator==(const Stored&) const = default;
};

template <class Object>
inline Stored stored(const Object& object, const H5::DataType& type, const H5::DataSpace& space) {
  Stored out;
  out.type_class = type.getClass();
  const int rank = space.getSimpleExtentNdims();
  out.dims.resize(static_cast<std::size_t>(rank));
  if (rank > 0) space.getSimpleExtentDims(out.dims.data());
  const auto count = static_cast<std::size_t>(space.getSimpleExtentNpoints());
  if (count == 0) return out;
  if (out.type_class == H5T_STRING) {
    const H5::StrType string_type = object.getStrType();
    if (string_type.isVariableStr()) {
      std::vector<char*> raw(count);
      if constexpr (std::is_same_v<Object, H5::Attribute>) {
        object.read(string_type, raw.data());
      } else {
        object.read(raw.data(), string_type);
      }
      for (char* s : raw) out.strings.emplace_back(s ? s : "");
      H5Dvlen_reclaim(string_type.getId(), space.getId(), H5P_DEFAULT, raw.data());
      return out;
    }
  }
  H5::DataType native(H5Tget_native_type(type.getId(), H5T_DIR_ASCEND));
  out.bytes.assign(count * native.getSize(), '\0');
  if constexpr (std::is_same_v<Object, H5::Attribute>) {
    object.read(native, out.bytes.data());
  } else {
    object.read(out.bytes.data(), native);
  }
  return out;
}

inline void add_attributes(const H5::H5Object& object, const std::string& path,
                    std::map<std::string, Stored>& out) {
  const int n = object.getNumAttrs();
  for (int i = 0; i < n; ++i) {
    const H5::Attribute attribute = object.openAttribute(static_cast<unsigned>(i));
    out[path + " @" + attribute.getName()] =
        stored(attribute, attribute.getDataType(), attribute.getSpace());
  }
}

// Every dataset (by path) and every attribute (by "path @name") of a file.
inline std::map<std::string, Stored> contents(const std::string& path) {
  std::map<std::string, Stored> out;
  const H5::H5File file(path, H5F_ACC_RDONLY);
  std::vector<std::pair<std::string, H5O_type_t>> objects;
  H5Ovisit(
      file.getId(), H5_INDEX_NAME, H5_ITER_INC,
      [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        static_cast<std::vector<std::pair<std::string, H5O_type_t>>*>(data)->emplace_back(name, info->type);
        return 0;
      },
      &objects);
  for (const auto& [name, type] : objects) {
    if (type == H5O_TYPE_GROUP) {
      add_attributes(file.openGroup(name), name, out);
    } else if (type == H5O_TYPE_DATASET) {
      const H5::DataSet dataset = file.openDataSet(name);
      out[name] = stored(dataset, dataset.getDataType(), dataset.getSpace());
      add_attributes(dataset, name, out);
    }
  }
  return out;
}

inline void expect_same_files(const std::string& first, const std::string& second) {
  const auto a = contents(first), b = contents(second);
  EXPECT_GT(a.size(), 50u);
  for (const auto& [name, value] : a) {
    const auto it = b.find(name);
    if (it == b.end()) {
      ADD_FAILURE() << name << " is missing from the rewritten file";
    } else {
      EXPECT_TRUE(it->second == value) << name << " differs in the rewritten file";
    }
  }
  for (const auto& [name, value] : b) {
    EXPECT_TRUE(a.count(name)) << name << " is new in the rewritten file";
  }
}

template <class T>
inline std::vector<T> read_dataset(const std::string& file_path, const std::string& name, const H5::PredType& type) {
  const H5::H5File file(file_path, H5F_ACC_RDONLY);
  const H5::DataSet dataset = file.openDataSet(name);
  std::vector<T> values(static_cast<std::size_t>(dataset.getSpace().getSimpleExtentNpoints()));
  if (!values.empty()) dataset.read(values.data(), type);
  return values;
}

inline std::vector<double> interval_values(const Interval& value) {
  const double nan = std::nan("");
  return {value.mean, value.low.value_or(nan), value.high.value_or(nan)};
}

inline void expect_same_doubles(const std::vector<double>& a, const std::vector<double>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(same(a[i], b[i])) << what << "[" << i << "]: " << a[i] << " vs " << b[i];
}

// ---- fixtures -----------------------------------------------------------------

class Hdf5RoundTrip : public io_testing::IoFiles {
 protected:
  std::string file(const std::string& name) const { return (dir_ / name).string(); }

  // Writes, reads back, compares, writes again and compares the files.
  void round_trip(const Results& original) {
    const std::string first = file("first.h5"), second = file("second.h5");
    write_results_hdf5(original, first);
    const Results read = read_results_hdf5(first);
    expect_same_results(original, read);
    write_results_hdf5(read, second);
    expect_same_files(first, second);
  }

  // A Results with provenance and run-off filled in (make_results leaves them empty).
  static Results with_provenance(Results results) {
    results.label = "fix_support+référence ✓";
    results.strategies = {"fix_support", "referral_programme"};
    results.edits = {"scale touchpoints.support.experience.mean by 1.4",
                     "set word_of_mouth.rate = 0.4"};
    results.entries = {"initial", "channel:search", "channel:social_ad", "word_of_mouth"};
    results.run_off = true;
    results.command_line = "journeysim run 'my scenario.yaml' --run-off -r 3";
    results.created_utc = "2026-11-23T18:30:00Z";
    results.git_commit = "812e40d";
    for (std::size_t r = 0; r < results.runs.size(); ++r) {
      results.runs[r].entry_dropoffs = {r, 0, 2 * r + 1, 0};
      results.runs[r].journey_days_variance = 0.25 * static_cast<double>(r + 1);
      results.runs[r].wall_seconds = 0.125 * static_cast<double>(r + 3);
      results.runs[r].lifetime_net_revenue = 1234.5 * static_cast<double>(r + 1);
      results.runs[r].run_off_truncated = r;
    }
    return results;
  }

  // An arm that differs from make_results(n) by a varying amount.
  static Results make_arm(std::size_t replications, const std::string& label) {
    Results arm = make_results(replications);
    arm.label = label;
    for (std::size_t r = 0; r < arm.runs.size(); ++r) {
      RunResult& run = arm.runs[r];
      run.purchasers += 3 + r * r;
      run.revenue *= 1.1 + 0.01 * static_cast<double>(r);
      run.promoters += r;
    }
    return arm;
  }

  std::string error_of(const std::function<void()>& read) {
    ::testing::internal::CaptureStderr();
    std::string message;
    try {
      read();
      ADD_FAILURE() << "expected an InputError";
    } catch (const InputError& e) {
      message = e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "expected an InputError, got: " << e.what();
    }
    const std::string printed = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(printed, "") << "HDF5 printed its error stack";
    return message;
  }
};

inline ::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' lacks '" << part << "'";
}

}  // namespace journeysim::hdf5_testing

// HDF5 files read back: run files (read_results_hdf5) and comparison files
// (write_comparison_hdf5 / read_comparison_hdf5). A round trip must give the
// same Results field by field, the same summaries and JSON, and a rewritten
// file whose every dataset and attribute equals the first file's.
#include <cmath>
#include <cstdint>
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

namespace journeysim {
namespace {

namespace fs = std::filesystem;
using io_testing::make_results;

// ---- comparing results ------------------------------------------------------

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

bool same(const std::optional<double>& a, const std::optional<double>& b) {
  return a.has_value() == b.has_value() && (!a || same(*a, *b));
}

void expect_same_interval(const Interval& a, const Interval& b, const std::string& what) {
  EXPECT_TRUE(same(a.mean, b.mean)) << what << ": mean " << a.mean << " vs " << b.mean;
  EXPECT_TRUE(same(a.low, b.low)) << what << ": ci95 low";
  EXPECT_TRUE(same(a.high, b.high)) << what << ": ci95 high";
}

#define EXPECT_SAME_DOUBLE(a, b) EXPECT_TRUE(same((a), (b))) << #a << ": " << (a) << " vs " << (b)

void expect_same_run(const RunResult& a, const RunResult& b) {
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
  EXPECT_SAME_DOUBLE(a.cost, b.cost);
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
    EXPECT_SAME_DOUBLE(x.cost, y.cost);
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
  EXPECT_EQ(s.public_rating, t.public_rating);
  EXPECT_SAME_DOUBLE(a.wall_seconds, b.wall_seconds);
}

void expect_same_results(const Results& a, const Results& b) {
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
Stored stored(const Object& object, const H5::DataType& type, const H5::DataSpace& space) {
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

void add_attributes(const H5::H5Object& object, const std::string& path,
                    std::map<std::string, Stored>& out) {
  const int n = object.getNumAttrs();
  for (int i = 0; i < n; ++i) {
    const H5::Attribute attribute = object.openAttribute(static_cast<unsigned>(i));
    out[path + " @" + attribute.getName()] =
        stored(attribute, attribute.getDataType(), attribute.getSpace());
  }
}

// Every dataset (by path) and every attribute (by "path @name") of a file.
std::map<std::string, Stored> contents(const std::string& path) {
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

void expect_same_files(const std::string& first, const std::string& second) {
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
std::vector<T> read_dataset(const std::string& file_path, const std::string& name, const H5::PredType& type) {
  const H5::H5File file(file_path, H5F_ACC_RDONLY);
  const H5::DataSet dataset = file.openDataSet(name);
  std::vector<T> values(static_cast<std::size_t>(dataset.getSpace().getSimpleExtentNpoints()));
  if (!values.empty()) dataset.read(values.data(), type);
  return values;
}

std::vector<double> interval_values(const Interval& value) {
  const double nan = std::nan("");
  return {value.mean, value.low.value_or(nan), value.high.value_or(nan)};
}

void expect_same_doubles(const std::vector<double>& a, const std::vector<double>& b, const std::string& what) {
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

  // A Results with provenance filled in (make_results leaves it empty).
  static Results with_provenance(Results results) {
    results.label = "fix_support+référence ✓";
    results.strategies = {"fix_support", "referral_programme"};
    results.edits = {"scale touchpoints.support.experience.mean by 1.4",
                     "set word_of_mouth.rate = 0.4"};
    results.entries = {"initial", "channel:search", "channel:social_ad", "word_of_mouth"};
    for (std::size_t r = 0; r < results.runs.size(); ++r) {
      results.runs[r].entry_dropoffs = {r, 0, 2 * r + 1, 0};
      results.runs[r].journey_days_variance = 0.25 * static_cast<double>(r + 1);
      results.runs[r].wall_seconds = 0.125 * static_cast<double>(r + 3);
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

::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' lacks '" << part << "'";
}

// ---- run files ------------------------------------------------------------------

TEST_F(Hdf5RoundTrip, ThreeReplications) { round_trip(with_provenance(make_results(3))); }

TEST_F(Hdf5RoundTrip, OneReplication) { round_trip(with_provenance(make_results(1))); }

TEST_F(Hdf5RoundTrip, SyntheticAsMadeAndEmptyLists) {
  round_trip(make_results(3));  // no label, strategies, edits or entries
  Results empty = make_results(2);
  empty.segments.clear();
  empty.flows.clear();
  empty.channels.clear();
  for (RunResult& run : empty.runs) {
    run.segments.clear();
    run.flow_traversals.clear();
    run.series.newly_aware_by_channel.clear();
  }
  round_trip(empty);
}

TEST_F(Hdf5RoundTrip, RunFileHasFormatProvenanceAndRuns) {
  const Results original = with_provenance(make_results(3));
  write_results_hdf5(original, file("run.h5"));
  const auto stored = contents(file("run.h5"));
  ASSERT_TRUE(stored.count(". @format"));
  EXPECT_EQ(stored.at(". @format").strings, std::vector<std::string>{"journeysim-run/1"});
  EXPECT_EQ(stored.at(". @label").strings, std::vector<std::string>{original.label});
  EXPECT_EQ(stored.at(". @strategies").strings, original.strategies);
  EXPECT_EQ(stored.at(". @edits").strings, original.edits);
  // Every scalar of RunResult under /runs, one value per replication.
  EXPECT_EQ(read_dataset<std::uint32_t>(file("run.h5"), "/runs/replication", H5::PredType::NATIVE_UINT32),
            (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_EQ(read_dataset<std::uint64_t>(file("run.h5"), "/runs/purchasers", H5::PredType::NATIVE_UINT64),
            (std::vector<std::uint64_t>{10, 20, 30}));
  EXPECT_EQ(read_dataset<double>(file("run.h5"), "/runs/journey_days_variance", H5::PredType::NATIVE_DOUBLE),
            (std::vector<double>{0.25, 0.5, 0.75}));
  for (const char* name :
       {"aware", "purchases", "advocates", "promoters", "passives", "detractors", "reviews", "in_progress",
        "truncated", "finished", "events", "revenue", "cost", "satisfaction_sum", "satisfaction_count",
        "first_purchase_days_mean", "first_purchase_days_p50", "first_purchase_days_p90", "journey_days_mean",
        "final_public_rating", "final_active_advocates"}) {
    EXPECT_TRUE(stored.count(std::string("runs/") + name)) << name;
  }
  // Timing stays an attribute (datasets must not depend on the machine).
  EXPECT_FALSE(stored.count("runs/wall_seconds"));
  ASSERT_TRUE(stored.count("runs @wall_seconds"));
  // The names scripts use are still there.
  for (const char* name : {". @version", ". @scenario_text", ". @run_wall_seconds", ". @events_per_s",
                           "summary/conversion_rate", "touchpoints/visits", "flows/traversals",
                           "flows/entry_dropoffs", "series/newly_aware_by_channel", "segments/revenue"}) {
    EXPECT_TRUE(stored.count(name)) << name;
  }
}

TEST_F(Hdf5RoundTrip, EngineOutput) {
  Diagnostics diagnostics;
  const auto scenario =
      load_scenario_file(std::string(JOURNEYSIM_SOURCE_DIR) + "/scenarios/ecosystem.yaml", diagnostics);
  ASSERT_TRUE(scenario) << diagnostics.format();
  RunOptions options;
  options.market_size = 20000;
  options.replications = 2;
  const Results results = run_scenario(*scenario, options);
  ASSERT_EQ(results.runs.size(), 2u);
  ASSERT_GT(results.runs[0].purchasers, 0u);
  ASSERT_FALSE(results.runs[0].series.newly_aware_by_channel.empty());
  round_trip(results);
}

// ---- errors -------------------------------------------------------------------------

TEST_F(Hdf5RoundTrip, MissingFileIsAnInputError) {
  const std::string path = file("no-such.h5");
  const std::string message = error_of([&] { read_results_hdf5(path); });
  EXPECT_TRUE(contains(message, path));
  EXPECT_TRUE(contains(message, "does not exist"));
  EXPECT_TRUE(contains(message, "run file"));
  EXPECT_TRUE(contains(error_of([&] { read_comparison_hdf5(path); }), "comparison file"));
  EXPECT_TRUE(contains(error_of([&] { read_results_hdf5(dir_.string()); }), "is a directory"));
}

TEST_F(Hdf5RoundTrip, TextFileIsAnInputError) {
  const std::string path = file("notes.txt");
  std::ofstream(path) << "name: not hdf5 at all\n";
  const std::string message = error_of([&] { read_results_hdf5(path); });
  EXPECT_TRUE(contains(message, path));
  EXPECT_TRUE(contains(message, "not an HDF5 file"));
  EXPECT_TRUE(contains(message, "journeysim-run/1"));
  std::ofstream(file("empty.h5")).flush();
  EXPECT_TRUE(contains(error_of([&] { read_results_hdf5(file("empty.h5")); }), "not an HDF5 file"));
}

TEST_F(Hdf5RoundTrip, OtherJourneysimFilesAreRefusedByName) {
  const Comparison comparison{make_results(2), {make_arm(2, "arm")}, Pairing::paired};
  write_comparison_hdf5(comparison, file("compare.h5"));
  std::string message = error_of([&] { read_results_hdf5(file("compare.h5")); });
  EXPECT_TRUE(contains(message, "'" + file("compare.h5") + "' is not a journeysim run file"));
  EXPECT_TRUE(contains(message, "format 'journeysim-compare/1'"));

  write_results_hdf5(make_results(2), file("run.h5"));
  message = error_of([&] { read_comparison_hdf5(file("run.h5")); });
  EXPECT_TRUE(contains(message, "is not a journeysim comparison file"));
  EXPECT_TRUE(contains(message, "format 'journeysim-run/1'"));

  {  // A sweep file, as far as its format says.
    H5::H5File sweep(file("sweep.h5"), H5F_ACC_TRUNC);
    H5::Group root = sweep.openGroup("/");
    const H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
    root.createAttribute("format", type, H5::DataSpace(H5S_SCALAR)).write(type, std::string("journeysim-sweep/1"));
  }
  message = error_of([&] { read_results_hdf5(file("sweep.h5")); });
  EXPECT_TRUE(contains(message, "is not a journeysim run file (format 'journeysim-sweep/1'"));

  {  // Some other HDF5 file.
    H5::H5File other(file("other.h5"), H5F_ACC_TRUNC);
    const hsize_t dims[1] = {3};
    const double values[3] = {1, 2, 3};
    other.createDataSet("x", H5::PredType::IEEE_F64LE, H5::DataSpace(1, dims))
        .write(values, H5::PredType::NATIVE_DOUBLE);
  }
  message = error_of([&] { read_results_hdf5(file("other.h5")); });
  EXPECT_TRUE(contains(message, "not a journeysim run file"));
  EXPECT_TRUE(contains(message, "without a 'format' attribute"));
}

TEST_F(Hdf5RoundTrip, FilesOfThePreviousVersionAreRefusedClearly) {
  write_results_hdf5(make_results(2), file("old.h5"));
  {  // What the previous writer made: no format, no /runs.
    H5::H5File old(file("old.h5"), H5F_ACC_RDWR);
    old.openGroup("/").removeAttr("format");
    old.unlink("/runs");
  }
  const std::string message = error_of([&] { read_results_hdf5(file("old.h5")); });
  EXPECT_TRUE(contains(message, "earlier journeysim"));
  EXPECT_TRUE(contains(message, "journeysim-run/1"));
}

TEST_F(Hdf5RoundTrip, DamagedFilesAreInputErrorsNotCrashes) {
  write_results_hdf5(make_results(2), file("run.h5"));
  fs::copy_file(file("run.h5"), file("missing.h5"));
  {
    H5::H5File damaged(file("missing.h5"), H5F_ACC_RDWR);
    damaged.unlink("/runs/aware");
  }
  std::string message = error_of([&] { read_results_hdf5(file("missing.h5")); });
  EXPECT_TRUE(contains(message, "/runs/aware is missing"));

  fs::copy_file(file("run.h5"), file("shape.h5"));
  {
    H5::H5File damaged(file("shape.h5"), H5F_ACC_RDWR);
    damaged.unlink("/touchpoints/visits");
    const hsize_t dims[2] = {2, 2};
    const std::uint64_t values[4] = {1, 2, 3, 4};
    damaged.createDataSet("/touchpoints/visits", H5::PredType::STD_U64LE, H5::DataSpace(2, dims))
        .write(values, H5::PredType::NATIVE_UINT64);
  }
  message = error_of([&] { read_results_hdf5(file("shape.h5")); });
  EXPECT_TRUE(contains(message, "/touchpoints/visits is [2×2], expected [2×3]"));

  // Truncated: the signature is there, the rest is not.
  const std::string bytes = io_testing::IoFiles::slurp(file("run.h5"));
  std::ofstream(file("cut.h5"), std::ios::binary) << bytes.substr(0, bytes.size() / 3);
  ::testing::internal::CaptureStderr();
  EXPECT_ANY_THROW(read_results_hdf5(file("cut.h5")));
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

// ---- comparison files -------------------------------------------------------------

void expect_differences_stored(const std::string& path, const Comparison& comparison, std::size_t arm,
                               const std::string& group) {
  const std::vector<MetricComparison> rows = comparison.metrics(arm);
  ASSERT_EQ(rows.size(), headline_metrics().size());
  const H5::H5File h5(path, H5F_ACC_RDONLY);
  for (const MetricComparison& row : rows) {
    expect_same_doubles(read_dataset<double>(path, group + "/delta/" + row.key, H5::PredType::NATIVE_DOUBLE),
                        interval_values(row.difference.delta), group + "/delta/" + row.key);
    expect_same_doubles(
        read_dataset<double>(path, group + "/relative/" + row.key, H5::PredType::NATIVE_DOUBLE),
        interval_values(row.difference.relative), group + "/relative/" + row.key);
    const std::string differences = group + "/paired_differences/" + row.key;
    if (comparison.pairing == Pairing::paired) {
      const MetricDefinition* metric = find_metric(row.key);
      ASSERT_NE(metric, nullptr);
      const std::vector<double> a = metric_values(comparison.baseline, *metric);
      const std::vector<double> b = metric_values(comparison.arms[arm], *metric);
      std::vector<double> expected;
      for (std::size_t k = 0; k < a.size(); ++k) expected.push_back(b[k] - a[k]);
      expect_same_doubles(read_dataset<double>(path, differences, H5::PredType::NATIVE_DOUBLE), expected,
                          differences);
    } else {
      EXPECT_FALSE(h5.nameExists(group + "/paired_differences")) << group;
    }
  }
}

void expect_same_comparison(const Comparison& a, const Comparison& b) {
  EXPECT_EQ(a.pairing, b.pairing);
  {
    SCOPED_TRACE("baseline");
    expect_same_results(a.baseline, b.baseline);
  }
  ASSERT_EQ(a.arms.size(), b.arms.size());
  for (std::size_t i = 0; i < a.arms.size(); ++i) {
    SCOPED_TRACE("arm " + a.arms[i].label);
    expect_same_results(a.arms[i], b.arms[i]);
    const auto ra = a.metrics(i), rb = b.metrics(i);
    ASSERT_EQ(ra.size(), rb.size());
    for (std::size_t m = 0; m < ra.size(); ++m) {
      expect_same_interval(ra[m].difference.delta, rb[m].difference.delta, ra[m].key + " delta");
      expect_same_interval(ra[m].difference.relative, rb[m].difference.relative, ra[m].key + " relative");
    }
  }
}

std::vector<std::string> strings_attribute(const std::string& path, const std::string& name) {
  const H5::H5File h5(path, H5F_ACC_RDONLY);
  const H5::Attribute attribute = h5.openGroup("/").openAttribute(name);
  const H5::StrType type = attribute.getStrType();
  std::vector<char*> raw(static_cast<std::size_t>(attribute.getSpace().getSimpleExtentNpoints()));
  if (raw.empty()) return {};
  attribute.read(type, raw.data());
  std::vector<std::string> out(raw.begin(), raw.end());
  H5Dvlen_reclaim(type.getId(), attribute.getSpace().getId(), H5P_DEFAULT, raw.data());
  return out;
}

std::string string_attribute(const std::string& path, const std::string& name) {
  const H5::H5File h5(path, H5F_ACC_RDONLY);
  const H5::Attribute attribute = h5.openGroup("/").openAttribute(name);
  std::string value;
  attribute.read(attribute.getStrType(), value);
  return value;
}

TEST_F(Hdf5RoundTrip, PairedComparison) {
  Results baseline = make_results(3);
  baseline.label = "baseline";
  const Comparison comparison{baseline, {make_arm(3, "fix/support"), make_arm(3, "référence ✓")}, Pairing::paired};
  const std::string path = file("compare.h5");
  write_comparison_hdf5(comparison, path);
  EXPECT_EQ(listing(), std::vector<std::string>{"compare.h5"});  // atomic: no temporary left

  EXPECT_EQ(string_attribute(path, "format"), "journeysim-compare/1");
  EXPECT_EQ(string_attribute(path, "version"), JOURNEYSIM_VERSION);
  EXPECT_EQ(string_attribute(path, "pairing"), "paired");
  EXPECT_EQ(strings_attribute(path, "arms"), (std::vector<std::string>{"fix/support", "référence ✓"}));
  {
    const H5::H5File h5(path, H5F_ACC_RDONLY);
    EXPECT_TRUE(h5.nameExists("/baseline/summary/conversion_rate"));
    EXPECT_TRUE(h5.nameExists("/baseline/runs/purchasers"));
    EXPECT_TRUE(h5.nameExists("/arms/fix\u2215support/runs/purchasers"));  // '/' → '∕'
    EXPECT_TRUE(h5.nameExists("/arms/référence ✓/series/newly_aware_by_channel"));
  }
  expect_differences_stored(path, comparison, 0, "/arms/fix\u2215support");
  expect_differences_stored(path, comparison, 1, "/arms/référence ✓");
  // The deltas are not all trivial: purchasers rose in every replication.
  const auto purchasers = read_dataset<double>(path, "/arms/fix\u2215support/delta/purchasers",
                                               H5::PredType::NATIVE_DOUBLE);
  EXPECT_DOUBLE_EQ(purchasers[0], (3.0 + 4.0 + 7.0) / 3.0);
  EXPECT_FALSE(std::isnan(purchasers[1]));

  const Comparison read = read_comparison_hdf5(path);
  ASSERT_EQ(read.arms.size(), 2u);
  EXPECT_EQ(read.arms[0].label, "fix/support");
  EXPECT_EQ(read.arms[1].label, "référence ✓");
  expect_same_comparison(comparison, read);
  write_comparison_hdf5(read, file("again.h5"));
  expect_same_files(path, file("again.h5"));
}

TEST_F(Hdf5RoundTrip, UnpairedComparison) {
  // Two files compared: independent results, even of different replication counts.
  const Comparison comparison{make_results(3), {make_arm(2, "ecosystem.yaml")}, Pairing::unpaired};
  const std::string path = file("compare.h5");
  write_comparison_hdf5(comparison, path);
  EXPECT_EQ(string_attribute(path, "pairing"), "unpaired");
  expect_differences_stored(path, comparison, 0, "/arms/ecosystem.yaml");
  const Comparison read = read_comparison_hdf5(path);
  expect_same_comparison(comparison, read);
  write_comparison_hdf5(read, file("again.h5"));
  expect_same_files(path, file("again.h5"));
}

TEST_F(Hdf5RoundTrip, LabelsThatAreNotGroupNamesSurvive) {
  const Comparison comparison{make_results(2),
                              {make_arm(2, ""), make_arm(2, "a/b"), make_arm(2, "a/b"), make_arm(2, "."),
                               make_arm(2, "a\u2215b")},
                              Pairing::paired};
  write_comparison_hdf5(comparison, file("compare.h5"));
  const Comparison read = read_comparison_hdf5(file("compare.h5"));
  ASSERT_EQ(read.arms.size(), comparison.arms.size());
  for (std::size_t i = 0; i < read.arms.size(); ++i) EXPECT_EQ(read.arms[i].label, comparison.arms[i].label);
  expect_same_comparison(comparison, read);
}

TEST_F(Hdf5RoundTrip, PairedComparisonNeedsMatchingReplications) {
  const Comparison comparison{make_results(3), {make_arm(2, "short")}, Pairing::paired};
  EXPECT_THROW(write_comparison_hdf5(comparison, file("compare.h5")), InternalError);
  EXPECT_TRUE(listing().empty());
}

TEST_F(Hdf5RoundTrip, EngineComparison) {
  Diagnostics diagnostics;
  const auto scenario =
      load_scenario_file(std::string(JOURNEYSIM_SOURCE_DIR) + "/scenarios/ecosystem.yaml", diagnostics);
  ASSERT_TRUE(scenario) << diagnostics.format();
  const auto fixed = apply_strategy(*scenario, "fix_support", diagnostics);
  ASSERT_TRUE(fixed) << diagnostics.format();
  RunOptions options;
  options.market_size = 20000;
  options.replications = 2;
  Comparison comparison{run_scenario(*scenario, options), {run_scenario(*fixed, options)}, Pairing::paired};
  comparison.baseline.label = "baseline";
  comparison.arms[0].label = "fix_support";
  EXPECT_EQ(comparison.arms[0].strategies, std::vector<std::string>{"fix_support"});
  const std::string path = file("compare.h5");
  write_comparison_hdf5(comparison, path);
  expect_differences_stored(path, comparison, 0, "/arms/fix_support");
  const Comparison read = read_comparison_hdf5(path);
  expect_same_comparison(comparison, read);
  write_comparison_hdf5(read, file("again.h5"));
  expect_same_files(path, file("again.h5"));
}

}  // namespace
}  // namespace journeysim

// HDF5 run files read back (read_results_hdf5). A round trip must give the
// same Results field by field, the same summaries and JSON, and a rewritten
// file whose every dataset and attribute equals the first file's.
// Comparison files: test_hdf5_compare_files.cpp.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "hdf5_test_support.hpp"

namespace journeysim {
namespace {

using namespace hdf5_testing;

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
        "truncated", "finished", "events", "revenue", "refunds", "cost", "cost_acquisition", "cost_retention",
        "satisfaction_sum", "satisfaction_count",
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
  // The cost split and refunds, per run, touchpoint and segment.
  for (const char* name : {"summary/cac", "summary/profit", "summary/net_revenue", "touchpoints/refund_count",
                           "touchpoints/visits_after_purchase", "touchpoints/revenue_per_purchase",
                           "touchpoints/refund_amount", "segments/refunds", "segments/cost_acquisition",
                           "segments/cost_retention"}) {
    EXPECT_TRUE(stored.count(name)) << name;
  }
  // Metrics that can be undefined say what a NaN means; totals do not need to.
  ASSERT_TRUE(stored.count("summary/cac @note"));
  EXPECT_EQ(stored.at("summary/cac @note").strings, std::vector<std::string>{"NaN: undefined without purchasers"});
  EXPECT_TRUE(stored.count("runs/first_purchase_days_mean @note"));
  EXPECT_TRUE(stored.count("series/public_rating @note"));
  EXPECT_FALSE(stored.count("summary/revenue @note"));
}

// Undefined values (no purchasers, no reviews) are NaN in the file and come
// back as NaN, not as 0.
TEST_F(Hdf5RoundTrip, UndefinedValuesStayNaN) {
  Results results = with_provenance(make_results(2));
  const double nan = std::nan("");
  RunResult& run = results.runs[1];
  run.purchasers = run.promoters = run.detractors = run.passives = 0;
  run.first_purchase_days_mean = run.first_purchase_days_p50 = run.first_purchase_days_p90 = nan;
  run.final_public_rating = nan;
  for (double& rating : run.series.public_rating) rating = nan;
  round_trip(results);
  write_results_hdf5(results, file("nan.h5"));
  const auto cac = read_dataset<double>(file("nan.h5"), "/summary/cac", H5::PredType::NATIVE_DOUBLE);
  ASSERT_EQ(cac.size(), 2u);
  EXPECT_TRUE(std::isfinite(cac[0]));
  EXPECT_TRUE(std::isnan(cac[1]));
  const auto stored = contents(file("nan.h5"));
  double mean = 0.0;
  std::memcpy(&mean, stored.at("summary/cac @mean").bytes.data(), sizeof mean);
  EXPECT_TRUE(std::isnan(mean));  // one undefined replication: the mean is undefined
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

TEST_F(Hdf5RoundTrip, FilesWithoutTheCostSplitAreRefusedClearly) {
  write_results_hdf5(make_results(2), file("before.h5"));
  {  // What the writer made before acquisition/retention cost and refunds.
    H5::H5File before(file("before.h5"), H5F_ACC_RDWR);
    for (const char* name : {"/runs/cost_acquisition", "/runs/cost_retention", "/runs/refunds"})
      before.unlink(name);
  }
  const std::string message = error_of([&] { read_results_hdf5(file("before.h5")); });
  EXPECT_TRUE(contains(message, "earlier journeysim"));
  EXPECT_TRUE(contains(message, "run the scenario again"));
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

}  // namespace
}  // namespace journeysim

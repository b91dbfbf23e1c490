// HDF5 files that describe themselves: every dataset of run, comparison and
// sweep files names its dimensions (`dims`) and its unit (`unit`); the day
// axis of the series says what an index covers (day_start, day_end); the
// drop-off links of JSON's `flows` are in /flows/dropoffs; run-off totals
// and provenance are kept and read back, and files without them still read.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "hdf5_test_support.hpp"
#include "journeysim/ensemble.hpp"
#include "journeysim/load.hpp"
#include "journeysim/sweep.hpp"
#include "journeysim/sweep_plan.hpp"

namespace journeysim {
namespace {

using namespace hdf5_testing;

const std::set<std::string> kUnits{"count", "money", "days", "days^2", "fraction", "score", "1", "index", "flag",
                                   "text"};

std::vector<std::string> strings_of(const std::map<std::string, Stored>& stored, const std::string& name) {
  const auto it = stored.find(name);
  return it == stored.end() ? std::vector<std::string>{} : it->second.strings;
}

// Every dataset of `stored` (a file's contents) has `dims` with a name per
// dimension and a known `unit`; returns how many datasets there are.
std::size_t expect_every_dataset_described(const std::map<std::string, Stored>& stored,
                                           const std::set<std::string>& units = kUnits) {
  std::size_t datasets = 0;
  for (const auto& [name, value] : stored) {
    if (name.find(" @") != std::string::npos) continue;  // an attribute
    ++datasets;
    SCOPED_TRACE(name);
    EXPECT_TRUE(stored.count(name + " @dims")) << name << " has no dims";
    EXPECT_EQ(strings_of(stored, name + " @dims").size(), value.dims.size()) << name;
    const std::vector<std::string> unit = strings_of(stored, name + " @unit");
    EXPECT_EQ(unit.size(), 1u) << name << " has no unit";
    if (unit.size() == 1) EXPECT_TRUE(units.count(unit[0])) << name << ": unit '" << unit[0] << "'";
  }
  return datasets;
}

using Strings = std::vector<std::string>;

TEST_F(Hdf5RoundTrip, EveryRunDatasetHasDimsAndUnit) {
  write_results_hdf5(with_provenance(make_results(3)), file("run.h5"));
  const auto stored = contents(file("run.h5"));
  EXPECT_GT(expect_every_dataset_described(stored), 60u);
  EXPECT_EQ(strings_of(stored, "summary/aware @dims"), Strings{"replication"});
  EXPECT_EQ(strings_of(stored, "summary/aware @unit"), Strings{"count"});
  EXPECT_EQ(strings_of(stored, "summary/conversion_rate @unit"), Strings{"fraction"});
  EXPECT_EQ(strings_of(stored, "summary/conversion_rate @display_unit"), Strings{"%"});
  EXPECT_EQ(strings_of(stored, "summary/nps @unit"), Strings{"score"});
  EXPECT_EQ(strings_of(stored, "summary/revenue @unit"), Strings{"money"});
  EXPECT_EQ(strings_of(stored, "summary/time_to_first_purchase_mean @unit"), Strings{"days"});
  EXPECT_EQ(strings_of(stored, "summary/mean_satisfaction @unit"), Strings{"1"});
  EXPECT_EQ(strings_of(stored, "touchpoints/visits @dims"), (Strings{"replication", "touchpoint"}));
  EXPECT_EQ(strings_of(stored, "touchpoints/cost_per_visit @unit"), Strings{"money"});
  EXPECT_EQ(strings_of(stored, "touchpoints/name @unit"), Strings{"text"});
  EXPECT_EQ(strings_of(stored, "series/purchases @dims"), (Strings{"replication", "day"}));
  EXPECT_EQ(strings_of(stored, "series/newly_aware_by_channel @dims"), (Strings{"replication", "channel", "day"}));
  EXPECT_EQ(strings_of(stored, "series/public_rating @unit"), Strings{"1"});
  EXPECT_EQ(strings_of(stored, "flows/traversals @dims"), (Strings{"replication", "flow"}));
  EXPECT_EQ(strings_of(stored, "flows/entry @unit"), Strings{"flag"});
  EXPECT_EQ(strings_of(stored, "segments/revenue @dims"), (Strings{"replication", "segment"}));
  EXPECT_EQ(strings_of(stored, "runs/journey_days_variance @unit"), Strings{"days^2"});
  EXPECT_EQ(strings_of(stored, "runs/lifetime_net_revenue @unit"), Strings{"money"});
  EXPECT_EQ(strings_of(stored, "runs/replication @unit"), Strings{"index"});
}

TEST_F(Hdf5RoundTrip, SeriesDayAxisSaysWhatAnIndexCovers) {
  Results results = make_results(2);  // 4 days, horizon 4
  write_results_hdf5(results, file("whole.h5"));
  EXPECT_EQ(read_dataset<double>(file("whole.h5"), "/series/day_start", H5::PredType::NATIVE_DOUBLE),
            (std::vector<double>{0, 1, 2, 3}));
  EXPECT_EQ(read_dataset<double>(file("whole.h5"), "/series/day_end", H5::PredType::NATIVE_DOUBLE),
            (std::vector<double>{1, 2, 3, 4}));
  const auto stored = contents(file("whole.h5"));
  EXPECT_EQ(strings_of(stored, "series/day_start @unit"), Strings{"days"});
  for (const char* attribute : {"covers", "counts", "levels"}) {
    ASSERT_EQ(strings_of(stored, std::string("series/day @") + attribute).size(), 1u) << attribute;
  }
  const std::string levels = strings_of(stored, "series/day @levels")[0];
  EXPECT_TRUE(contains(levels, "end of day d")) << levels;
  EXPECT_TRUE(contains(levels, "index 0 holds the value at the end of the first day (t = 1)")) << levels;
  EXPECT_TRUE(contains(strings_of(stored, "series/day @covers")[0], "[d, d + 1)"));
  EXPECT_TRUE(contains(strings_of(stored, "series/purchases @kind")[0], "count per day"));
  EXPECT_TRUE(contains(strings_of(stored, "series/purchasers_cumulative @kind")[0], "end of the day"));
  EXPECT_TRUE(contains(strings_of(stored, "series/active_advocates @kind")[0], "end of the day"));
  EXPECT_TRUE(contains(strings_of(stored, "series/public_rating @kind")[0], "end of the day"));

  // A horizon that is not a whole number of days: the last day ends at it.
  results.horizon_days = 3.5;
  write_results_hdf5(results, file("part.h5"));
  EXPECT_EQ(read_dataset<double>(file("part.h5"), "/series/day_end", H5::PredType::NATIVE_DOUBLE),
            (std::vector<double>{1, 2, 3, 3.5}));
}

TEST_F(Hdf5RoundTrip, DropoffLinksAreTheJsonFlows) {
  Results results = with_provenance(make_results(3));
  results.runs[1].touchpoint_dropoffs[1] = 0;  // website loses someone in other replications only
  for (RunResult& run : results.runs) run.touchpoint_dropoffs[2] = 0;  // checkout never does
  write_results_hdf5(results, file("run.h5"));
  const auto stored = contents(file("run.h5"));
  std::vector<FlowSummary> expected;
  for (const FlowSummary& flow : summarize_flows(results))
    if (flow.dropoff) expected.push_back(flow);
  ASSERT_FALSE(expected.empty());
  const Strings from = strings_of(stored, "flows/dropoffs/from");
  ASSERT_EQ(from.size(), expected.size());
  EXPECT_EQ(strings_of(stored, "flows/dropoffs/to"), Strings(expected.size(), "drop-off"));
  const auto entry = read_dataset<std::uint8_t>(file("run.h5"), "/flows/dropoffs/entry", H5::PredType::NATIVE_UINT8);
  const auto traversals =
      read_dataset<std::uint64_t>(file("run.h5"), "/flows/dropoffs/traversals", H5::PredType::NATIVE_UINT64);
  ASSERT_EQ(traversals.size(), expected.size() * results.runs.size());
  for (std::size_t k = 0; k < expected.size(); ++k) {
    SCOPED_TRACE(expected[k].from);
    EXPECT_EQ(from[k], expected[k].from);
    EXPECT_EQ(entry[k] != 0, expected[k].entry);
    double sum = 0;
    for (std::size_t r = 0; r < results.runs.size(); ++r) sum += static_cast<double>(traversals[r * expected.size() + k]);
    EXPECT_DOUBLE_EQ(sum / static_cast<double>(results.runs.size()), expected[k].traversals.mean);
  }
  EXPECT_EQ(strings_of(stored, "flows/dropoffs/traversals @dims"), (Strings{"replication", "link"}));
  // The existing datasets are unchanged: transitions and entries only.
  EXPECT_EQ(strings_of(stored, "flows/from").size(), results.flows.size());
}

TEST_F(Hdf5RoundTrip, RunOffAndProvenanceAreKeptAndReadBack) {
  const Results original = with_provenance(make_results(3));
  write_results_hdf5(original, file("run.h5"));
  const auto stored = contents(file("run.h5"));
  EXPECT_EQ(strings_of(stored, ". @command_line"), Strings{original.command_line});
  EXPECT_EQ(strings_of(stored, ". @created_utc"), Strings{"2026-11-23T18:30:00Z"});
  EXPECT_EQ(strings_of(stored, ". @git_commit"), Strings{"812e40d"});
  ASSERT_TRUE(stored.count(". @threads"));
  ASSERT_TRUE(stored.count(". @run_off"));
  EXPECT_EQ(read_dataset<double>(file("run.h5"), "/runs/lifetime_net_revenue", H5::PredType::NATIVE_DOUBLE),
            (std::vector<double>{1234.5, 2469.0, 3703.5}));
  EXPECT_EQ(read_dataset<std::uint64_t>(file("run.h5"), "/runs/run_off_truncated", H5::PredType::NATIVE_UINT64),
            (std::vector<std::uint64_t>{0, 1, 2}));
  const Results read = read_results_hdf5(file("run.h5"));
  EXPECT_TRUE(read.run_off);
  EXPECT_EQ(read.command_line, original.command_line);
  EXPECT_EQ(read.created_utc, original.created_utc);
  EXPECT_EQ(read.git_commit, original.git_commit);
  EXPECT_EQ(read.runs[2].lifetime_net_revenue, 3703.5);
  EXPECT_EQ(read.runs[1].run_off_truncated, 1u);
}

TEST_F(Hdf5RoundTrip, FilesWithoutRunOffOrProvenanceStillRead) {
  write_results_hdf5(with_provenance(make_results(2)), file("run.h5"));
  {  // as a file written before them
    H5::H5File h5(file("run.h5"), H5F_ACC_RDWR);
    H5::Group root = h5.openGroup("/");
    for (const char* name : {"run_off", "command_line", "created_utc", "git_commit"}) root.removeAttr(name);
    H5::Group runs = h5.openGroup("/runs");
    runs.unlink("lifetime_net_revenue");
    runs.unlink("run_off_truncated");
  }
  const Results read = read_results_hdf5(file("run.h5"));
  EXPECT_FALSE(read.run_off);
  EXPECT_EQ(read.command_line, "");
  EXPECT_EQ(read.git_commit, "");
  EXPECT_EQ(read.runs[1].lifetime_net_revenue, 0.0);
  EXPECT_EQ(read.runs[1].run_off_truncated, 0u);
}

TEST_F(Hdf5RoundTrip, ComparisonFileIsDescribedWithProvenanceAtTheRoot) {
  Comparison comparison{with_provenance(make_results(3)), {make_arm(3, "arm")}, Pairing::paired};
  comparison.arms[0].command_line = comparison.baseline.command_line;
  write_comparison_hdf5(comparison, file("compare.h5"));
  const auto stored = contents(file("compare.h5"));
  EXPECT_GT(expect_every_dataset_described(stored), 150u);
  EXPECT_EQ(strings_of(stored, ". @command_line"), Strings{comparison.baseline.command_line});
  EXPECT_EQ(strings_of(stored, ". @created_utc"), Strings{comparison.baseline.created_utc});
  EXPECT_EQ(strings_of(stored, ". @git_commit"), Strings{comparison.baseline.git_commit});
  ASSERT_TRUE(stored.count(". @threads"));
  EXPECT_EQ(strings_of(stored, "arms/arm/delta/revenue @dims"), Strings{"statistic"});
  EXPECT_EQ(strings_of(stored, "arms/arm/delta/revenue @unit"), Strings{"money"});
  EXPECT_EQ(strings_of(stored, "arms/arm/delta/revenue @statistics"), (Strings{"mean", "ci95_low", "ci95_high"}));
  EXPECT_EQ(strings_of(stored, "arms/arm/relative/revenue @unit"), Strings{"fraction"});
  EXPECT_EQ(strings_of(stored, "arms/arm/paired_differences/nps @dims"), Strings{"replication"});
  EXPECT_EQ(strings_of(stored, "arms/arm/paired_differences/nps @unit"), Strings{"score"});
  // Read back whole, provenance included.
  const Comparison read = read_comparison_hdf5(file("compare.h5"));
  EXPECT_EQ(read.baseline.git_commit, "812e40d");
}

TEST(Provenance, BuildCommitAndTimeHaveTheirFormats) {
  const std::string commit = build_git_commit();
  EXPECT_TRUE(commit == "unknown" ||
              (commit.size() >= 4 && commit.find_first_not_of("0123456789abcdef") == std::string::npos))
      << commit;
  const std::string now = utc_now();
  ASSERT_EQ(now.size(), 20u) << now;  // 2026-11-23T18:30:00Z
  EXPECT_EQ(now[4], '-');
  EXPECT_EQ(now[10], 'T');
  EXPECT_EQ(now.back(), 'Z');
  EXPECT_GE(now.substr(0, 4), "2024");
}

class SweepFiles : public io_testing::IoFiles {};

TEST_F(SweepFiles, EveryDatasetIsDescribedAndProvenanceKept) {
  Diagnostics diagnostics;
  auto scenario = load_scenario_text(R"(name: tiny
horizon_days: 5
market: {size: 300}
awareness: {channels: [{via: ad, rate: 0.05}]}
touchpoints:
  ad:   {stage: awareness, cost: 0.5}
  shop: {stage: purchase, purchase: {revenue: 20}}
transitions:
  ad: {shop: 0.3}
)",
                                     "tiny.yaml", diagnostics);
  ASSERT_TRUE(scenario) << diagnostics.format();
  SweepJob job;
  job.scenario = *scenario;
  job.plan = plan_from_options({parse_parameter("transitions.ad.shop=list:0,0.3")}, false, 0, "");
  job.plan.plan_text = format_plan(job.plan);
  job.replications = 2;
  job.output_path = (dir_ / "sweep.h5").string();
  job.snapshot_seconds = 0;
  job.command_line = "journeysim sweep tiny.yaml --param transitions.ad.shop=list:0,0.3 -r 2";
  Engine engine(2);
  run_sweep(job, engine, diagnostics);
  ASSERT_FALSE(diagnostics.has_errors()) << diagnostics.format();
  const auto stored = contents(job.output_path);
  std::set<std::string> units = kUnits;
  units.insert("as in the scenario: each column in the unit of its path");
  EXPECT_GT(expect_every_dataset_described(stored, units), 30u);
  EXPECT_EQ(strings_of(stored, "metrics/purchasers @dims"), (Strings{"point", "replication"}));
  EXPECT_EQ(strings_of(stored, "metrics/conversion_rate @unit"), Strings{"fraction"});
  EXPECT_EQ(strings_of(stored, "summary/nps @dims"), (Strings{"point", "statistic"}));
  EXPECT_EQ(strings_of(stored, "series/purchases @dims"), (Strings{"point", "day"}));
  EXPECT_EQ(strings_of(stored, "parameters @dims"), (Strings{"point", "parameter"}));
  EXPECT_EQ(strings_of(stored, "done @unit"), Strings{"flag"});
  EXPECT_EQ(strings_of(stored, ". @command_line"), Strings{job.command_line});
  EXPECT_EQ(strings_of(stored, ". @git_commit"), Strings{build_git_commit()});
  ASSERT_EQ(strings_of(stored, ". @created_utc").size(), 1u);
  EXPECT_EQ(strings_of(stored, ". @created_utc")[0].size(), 20u);
  const SweepData data = read_sweep_hdf5(job.output_path);
  EXPECT_EQ(data.threads, 2u);
  EXPECT_EQ(data.processes, 1u);  // alone
  EXPECT_EQ(data.command_line, job.command_line);
  EXPECT_EQ(data.git_commit, build_git_commit());
}

}  // namespace
}  // namespace journeysim

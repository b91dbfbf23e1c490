// journeysim compare end to end: arms, JSON shape, HDF5, errors, threads.
#include <algorithm>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_test_support.hpp"
#include "journeysim/io.hpp"

using journeysim::cli_testing::CliResult;
using journeysim::cli_testing::contains;
using journeysim::cli_testing::kTinyScenario;
using journeysim::cli_testing::parse_json;
using journeysim::cli_testing::run_cli;
using journeysim::cli_testing::scenario_path;
using journeysim::cli_testing::TempDir;
using nlohmann::json;

namespace {

// Timing, thread counts and provenance (command line, time) differ between runs; everything else must not.
void drop_timing(json& run) {
  for (const char* key : {"wall_seconds", "events_per_s", "threads", "command_line", "created_utc"}) run.erase(key);
  for (auto& replication : run["runs"]) replication.erase("wall_seconds");
}

TEST(CliCompare, JsonHasTheDesignShapeAndEveryHeadlineMetric) {
  TempDir dir;
  const std::string file = dir.write("tiny.yaml", kTinyScenario);
  const CliResult r = run_cli({"compare", file, "-s", "better_site", "-s", "worse_site", "-r", "4", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r;
  const json j = parse_json(r);
  ASSERT_TRUE(j.contains("baseline"));
  EXPECT_EQ(j["pairing"], "paired");
  EXPECT_EQ(j["baseline"]["runs"].size(), 4u);
  for (const char* arm : {"better_site", "worse_site"}) {
    const json& s = j["strategies"][arm];
    EXPECT_EQ(s["result"]["strategies"], json::array({arm}));
    for (const char* metric : {"conversion_rate", "advocacy_rate", "nps", "purchasers", "revenue", "clv", "cac",
                               "time_to_first_purchase_mean"}) {
      ASSERT_TRUE(s["delta"].contains(metric)) << arm << " " << metric;
      EXPECT_TRUE(s["delta"][metric]["mean"].is_number()) << metric;
      ASSERT_EQ(s["delta"][metric]["ci95"].size(), 2u);
      EXPECT_TRUE(s["relative"].contains(metric));
    }
  }
  // better_site makes site->shop 0.5 instead of 0.2: clearly more purchasers.
  const json& better = j["strategies"]["better_site"]["delta"]["purchasers"];
  EXPECT_GT(better["ci95"][0].get<double>(), 0.0) << better;
  EXPECT_LT(j["strategies"]["worse_site"]["delta"]["purchasers"]["ci95"][1].get<double>(), 0.0);
  // Paired: the arms ran the baseline's replications with its seed.
  EXPECT_EQ(j["strategies"]["better_site"]["result"]["seed"], j["baseline"]["seed"]);
}

TEST(CliCompare, TableMarksSignificantDeltasAndComposedArms) {
  TempDir dir;
  const std::string file = dir.write("tiny.yaml", kTinyScenario);
  const CliResult r = run_cli({"compare", file, "-s", "better_site+worse_site", "-r", "3"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(contains(r.out, "better_site+worse_site vs baseline")) << r;
  // worse_site's set comes last, so this arm is worse_site's site->shop.
  EXPECT_TRUE(contains(r.out, "edits: scale transitions.site.shop by 2.5; set transitions.site.shop = 0.05")) << r;
  EXPECT_TRUE(contains(r.out, "3 paired replications (common random numbers)")) << r;
  EXPECT_TRUE(contains(r.out, " pp")) << r;  // rate differences in percentage points
  EXPECT_TRUE(contains(r.out, "*")) << r;
}

TEST(CliCompare, OneAndTwoThreadsGiveTheSameComparison) {
  const std::vector<std::string> args{"compare", scenario_path("ecosystem.yaml"), "-s", "fix_support",
                                      "-s", "remarketing", "--market-size", "20000", "-r", "3", "--json"};
  std::vector<std::string> one = args, two = args;
  one.insert(one.end(), {"--threads", "1"});
  two.insert(two.end(), {"--threads", "2"});
  const CliResult a = run_cli(one), b = run_cli(two);
  ASSERT_EQ(a.exit_code, 0) << a;
  ASSERT_EQ(b.exit_code, 0) << b;
  json ja = parse_json(a), jb = parse_json(b);
  drop_timing(ja["baseline"]);
  drop_timing(jb["baseline"]);
  for (auto& [name, arm] : ja["strategies"].items()) drop_timing(arm["result"]);
  for (auto& [name, arm] : jb["strategies"].items()) drop_timing(arm["result"]);
  for (json* j : {&ja, &jb})
    for (const char* key : {"command_line", "created_utc"}) j->erase(key);
  EXPECT_EQ(ja, jb);
}

// funnel.yaml and ecosystem.yaml both have seed 7: replication k of each
// draws from the same streams, so the two are compared pairwise (and say so),
// not as the independent samples they are not.
TEST(CliCompare, TwoFilesWithTheSameSeedArePaired) {
  const CliResult r = run_cli({"compare", scenario_path("funnel.yaml"), scenario_path("ecosystem.yaml"),
                               "--market-size", "20000", "-r", "3", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r;
  const json j = parse_json(r);
  EXPECT_EQ(j["pairing"], "paired");
  ASSERT_EQ(j["strategies"].size(), 1u);
  const json& arm = j["strategies"].begin().value();
  EXPECT_GT(arm["delta"]["purchasers"]["ci95"][0].get<double>(), 0.0);  // the ecosystem sells more
  // Each arm is what `run FILE -r 3` gives: reproducible on its own.
  EXPECT_EQ(arm["result"]["runs"][0]["replication"], 0);
  const CliResult alone = run_cli({"run", scenario_path("ecosystem.yaml"), "--market-size", "20000", "-r", "3",
                                   "--json", "--quiet"});
  ASSERT_EQ(alone.exit_code, 0) << alone;
  EXPECT_EQ(parse_json(alone)["metrics"]["purchasers"], arm["result"]["metrics"]["purchasers"]);
  EXPECT_EQ(j["arms"], json::array({arm["result"]["scenario"]}));
  EXPECT_TRUE(j["pairs"].empty());
  const CliResult table = run_cli({"compare", scenario_path("funnel.yaml"), scenario_path("ecosystem.yaml"),
                                   "--market-size", "20000", "-r", "3"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_TRUE(contains(table.out, "both files with seed 7")) << table;
  EXPECT_TRUE(contains(table.out, "the differences are paired")) << table;
  EXPECT_FALSE(contains(table.out, "independent")) << table;
}

// Different seeds share nothing: independent samples, Welch intervals.
TEST(CliCompare, TwoFilesWithDifferentSeedsAreUnpaired) {
  TempDir dir;
  const std::string a = dir.write("a.yaml", kTinyScenario);
  std::string other = kTinyScenario;
  other.replace(other.find("seed: 3"), 7, "seed: 4");
  const std::string b = dir.write("b.yaml", other);
  const CliResult r = run_cli({"compare", a, b, "-r", "3", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(parse_json(r)["pairing"], "unpaired");
  const CliResult table = run_cli({"compare", a, b, "-r", "3"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_TRUE(contains(table.out, "independent samples: Welch intervals")) << table;
}

// A file against itself is the same run twice: every difference is exactly
// 0 with a zero-width interval, and the table says why (before this, a Welch
// interval of ±782 purchasers suggested noise where there is none).
TEST(CliCompare, AFileAgainstItselfDiffersByExactlyNothing) {
  TempDir dir;
  const std::string file = dir.write("tiny.yaml", kTinyScenario);
  const CliResult r = run_cli({"compare", file, file, "-r", "3", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r;
  const json j = parse_json(r);
  const json& delta = j["strategies"].begin().value()["delta"]["purchasers"];
  EXPECT_EQ(delta["mean"].get<double>(), 0.0) << delta;
  EXPECT_EQ(delta["ci95"][0].get<double>(), 0.0) << delta;
  EXPECT_EQ(delta["ci95"][1].get<double>(), 0.0) << delta;
  const CliResult table = run_cli({"compare", file, file, "-r", "3"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_TRUE(contains(table.out, "identical results in every replication")) << table;
}

// Arm against arm: with two or more arms every pair A vs B gets A − B with
// the paired t-interval of the R per-replication differences, in JSON (under
// "pairs"), in the table (unless --no-pairs) and in --out.
TEST(CliCompare, ArmsAreComparedWithEachOtherPairwise) {
  TempDir dir;
  const std::string file = dir.write("tiny.yaml", kTinyScenario);
  const CliResult r = run_cli({"compare", file, "-s", "better_site", "-s", "worse_site", "-r", "4", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r;
  const json j = parse_json(r);
  ASSERT_TRUE(j.contains("pairs")) << j.dump();
  ASSERT_EQ(j["pairs"].size(), 1u);
  const json& pair = j["pairs"]["better_site vs worse_site"];
  EXPECT_EQ(pair["arm"], "better_site");
  EXPECT_EQ(pair["versus"], "worse_site");
  // By hand: the per-replication differences of purchasers, and their t-interval.
  const json& better_runs = j["strategies"]["better_site"]["result"]["runs"];
  const json& worse_runs = j["strategies"]["worse_site"]["result"]["runs"];
  ASSERT_EQ(better_runs.size(), 4u);
  std::vector<double> differences;
  for (std::size_t k = 0; k < 4; ++k)
    differences.push_back(better_runs[k]["purchasers"].get<double>() - worse_runs[k]["purchasers"].get<double>());
  double mean = 0.0;
  for (double d : differences) mean += d / 4.0;
  double squares = 0.0;
  for (double d : differences) squares += (d - mean) * (d - mean);
  const double half = 3.182446305284263 * std::sqrt(squares / 3.0) / 2.0;  // t(0.975, 3) · sd / √4
  const json& delta = pair["delta"]["purchasers"];
  EXPECT_NEAR(delta["mean"].get<double>(), mean, 1e-9 * std::fabs(mean));
  EXPECT_NEAR(delta["ci95"][0].get<double>(), mean - half, 1e-9 * std::fabs(mean));
  EXPECT_NEAR(delta["ci95"][1].get<double>(), mean + half, 1e-9 * std::fabs(mean));
  EXPECT_GT(delta["ci95"][0].get<double>(), 0.0);  // site->shop 0.5 against 0.05
  EXPECT_TRUE(pair["significant"]["purchasers"].get<bool>());
  EXPECT_TRUE(pair["relative"].contains("purchasers"));

  const CliResult table = run_cli({"compare", file, "-s", "better_site", "-s", "worse_site", "-r", "4"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_TRUE(contains(table.out, "Between arms")) << table;
  EXPECT_TRUE(contains(table.out, "\nbetter_site vs worse_site\n")) << table;
  const CliResult hidden =
      run_cli({"compare", file, "-s", "better_site", "-s", "worse_site", "-r", "4", "--no-pairs"});
  ASSERT_EQ(hidden.exit_code, 0) << hidden;
  EXPECT_FALSE(contains(hidden.out, "better_site vs worse_site")) << hidden;
  EXPECT_TRUE(contains(hidden.out, "worse_site vs baseline")) << hidden;
  const CliResult one = run_cli({"compare", file, "-s", "better_site", "-r", "4", "--json"});
  ASSERT_EQ(one.exit_code, 0) << one;
  EXPECT_TRUE(parse_json(one)["pairs"].empty());  // one arm: no pairs
}

TEST(CliCompare, OutWritesAComparisonFileThatReadsBack) {
  TempDir dir;
  const std::string file = dir.write("tiny.yaml", kTinyScenario);
  const std::string out = dir / "compare.h5";
  const CliResult r = run_cli({"compare", file, "-s", "better_site", "-r", "3", "--out", out, "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(contains(r.out, "Wrote " + out)) << r;
  const journeysim::Comparison comparison = journeysim::read_comparison_hdf5(out);
  ASSERT_EQ(comparison.arms.size(), 1u);
  EXPECT_EQ(comparison.arms[0].label, "better_site");
  EXPECT_EQ(comparison.baseline.runs.size(), 3u);
  EXPECT_GT(comparison.metrics(0)[1].difference.delta.mean, 0.0);  // purchasers
}

TEST(CliCompare, MistakesAreBadInput) {
  TempDir dir;
  const std::string file = dir.write("tiny.yaml", kTinyScenario);
  const CliResult none = run_cli({"compare", file});
  EXPECT_EQ(none.exit_code, 2) << none;
  EXPECT_TRUE(contains(none.err, "nothing to compare")) << none;
  const CliResult typo = run_cli({"compare", file, "-s", "beter_site"});
  EXPECT_EQ(typo.exit_code, 2) << typo;
  EXPECT_TRUE(contains(typo.err, "did you mean 'better_site'?")) << typo;
  const CliResult one_replication = run_cli({"compare", file, "-s", "better_site", "-r", "1"});
  EXPECT_EQ(one_replication.exit_code, 2) << one_replication;
  EXPECT_TRUE(contains(one_replication.err, "a confidence interval needs at least 2 replications"))
      << one_replication;
  const CliResult both = run_cli({"compare", file, file, "-s", "better_site"});
  EXPECT_EQ(both.exit_code, 2) << both;
  const CliResult twice = run_cli({"compare", file, "-s", "better_site", "-s", "better_site"});
  EXPECT_EQ(twice.exit_code, 2) << twice;
  EXPECT_TRUE(contains(twice.err, "given twice")) << twice;
}

TEST(CliRun, StrategiesComposeAndSetEditsAreRecorded) {
  TempDir dir;
  const std::string file = dir.write("tiny.yaml", kTinyScenario);
  const std::string more = dir.write("more.yaml", "strategies:\n  free_ads:\n    - {set: touchpoints.ad.cost, value: 0}\n");
  const CliResult r = run_cli({"run", file, "-s", "better_site", "--strategies", more, "-s", "free_ads", "--set",
                               "market.size=2000", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r;
  const json j = parse_json(r);
  EXPECT_EQ(j["strategies"], json::array({"better_site", "free_ads"}));
  EXPECT_EQ(j["strategy"], "better_site+free_ads");
  EXPECT_EQ(j["edits"].back(), "set market.size = 2000");
  EXPECT_EQ(j["market_size"], 2000);
  EXPECT_EQ(j["cost"]["mean"], 0);
  const CliResult bad = run_cli({"run", file, "--set", "market.sise=2000"});
  EXPECT_EQ(bad.exit_code, 2) << bad;
  EXPECT_TRUE(contains(bad.err, "--set: error: unknown key 'sise' in market; did you mean 'size'?")) << bad;
  const CliResult bad_file = run_cli({"run", file, "--strategies", dir.write("bad.yaml", "strategies:\n  x: [{scale: nothing.here, by: 2}]\n")});
  EXPECT_EQ(bad_file.exit_code, 2) << bad_file;
  EXPECT_TRUE(contains(bad_file.err, "bad.yaml:2:")) << bad_file;
}

TEST(CliCompare, RunOffGivesLifetimeValueDeltas) {
  const std::vector<std::string> args{"compare", scenario_path("shoe_shop.yaml"), "-s", "no_loyalty_email",
                                      "--market-size", "20000", "-r", "3", "--json"};
  const CliResult plain = run_cli(args);
  ASSERT_EQ(plain.exit_code, 0) << plain;
  EXPECT_TRUE(parse_json(plain)["strategies"]["no_loyalty_email"]["delta"]["lifetime_value"]["mean"].is_null());
  std::vector<std::string> with_run_off = args;
  with_run_off.push_back("--run-off");
  const CliResult r = run_cli(with_run_off);
  ASSERT_EQ(r.exit_code, 0) << r;
  const json j = parse_json(r);
  EXPECT_EQ(j["baseline"]["run_off"], true);
  // Without the loyalty email fewer pairs are bought again: lifetime value falls.
  EXPECT_LT(j["strategies"]["no_loyalty_email"]["delta"]["lifetime_value"]["mean"].get<double>(), 0.0);
}

TEST(CliRun, MoreThreadsThanCoresIsAWarningNotAnError) {
  TempDir dir;
  const std::string file = dir.write("tiny.yaml", kTinyScenario);
  const std::string threads = std::to_string(std::max(2u, std::thread::hardware_concurrency()) * 4);
  const CliResult loud = run_cli({"run", file, "--threads", threads});
  EXPECT_EQ(loud.exit_code, 0) << loud;
  EXPECT_TRUE(contains(loud.err, "warning: --threads " + threads + " is more than the")) << loud;
  EXPECT_TRUE(contains(loud.out, "Purchasers")) << loud;
  const CliResult quiet = run_cli({"run", file, "--threads", threads, "--quiet"});
  EXPECT_EQ(quiet.exit_code, 0) << quiet;
  EXPECT_EQ(quiet.err, "") << quiet;
  EXPECT_TRUE(contains(quiet.out, "Purchasers")) << quiet;  // quiet silences warnings, not results
}

}  // namespace

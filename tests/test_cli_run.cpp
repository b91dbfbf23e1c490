// End-to-end tests of the `journeysim` program, part 2: `run` (JSON layout,
// reproducibility across thread counts, overrides, replications, HDF5 output,
// strategies). Runs use a small market so each takes well under a second.
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_test_support.hpp"

using journeysim::cli_testing::CliResult;
using journeysim::cli_testing::contains;
using journeysim::cli_testing::kTinyScenario;
using journeysim::cli_testing::parse_json;
using journeysim::cli_testing::read_text;
using journeysim::cli_testing::run_cli;
using journeysim::cli_testing::scenario_path;
using journeysim::cli_testing::TempDir;
using journeysim::cli_testing::tiny_with_warning;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kMarket = "20000";

// `journeysim run FILE --market-size MARKET --json EXTRA...`, parsed.
json run_json(const std::string& file, const std::vector<std::string>& extra = {},
              const std::string& market = kMarket) {
  std::vector<std::string> args{"run", file, "--market-size", market, "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const CliResult r = run_cli(args);
  EXPECT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 0) << r;
  return r.exit_code == 0 ? parse_json(r) : json(nullptr);
}

// The same results with the keys that measure time (or the thread count) and
// the provenance of the run (its command line and time) removed.
json without_timing(json results) {
  for (const char* key : {"wall_seconds", "events_per_s", "threads", "command_line", "created_utc"})
    results.erase(key);
  if (results.contains("runs"))
    for (auto& run : results["runs"]) run.erase("wall_seconds");
  return results;
}

double conversion(const json& results) { return results.at("conversion_rate").at("mean").get<double>(); }

}  // namespace

TEST(CliRun, JsonHasTheFixedKeysWithTheirTypes) {
  const json r = run_json(scenario_path("ecosystem.yaml"), {"--threads", "2"});
  ASSERT_TRUE(r.is_object());
  for (const char* key : {"conversion_rate", "advocacy_rate", "nps"}) {
    ASSERT_TRUE(r.contains(key) && r[key].is_object()) << key;
    ASSERT_TRUE(r[key].contains("mean") && r[key]["mean"].is_number()) << key;
  }
  for (const char* key : {"purchasers", "aware", "events"})
    ASSERT_TRUE(r.contains(key) && r[key].is_number_integer()) << key << ": " << r.value(key, json()).dump();
  ASSERT_TRUE(r.contains("events_per_s") && r["events_per_s"].is_number());
  ASSERT_TRUE(r.contains("threads") && r["threads"].is_number_integer());
  EXPECT_EQ(r["threads"], 2);

  const double rate = conversion(r);
  EXPECT_GE(rate, 0.0);
  EXPECT_LE(rate, 1.0);
  EXPECT_GE(r["advocacy_rate"]["mean"].get<double>(), 0.0);
  EXPECT_LE(r["advocacy_rate"]["mean"].get<double>(), 1.0);
  EXPECT_GE(r["nps"]["mean"].get<double>(), -100.0);
  EXPECT_LE(r["nps"]["mean"].get<double>(), 100.0);
  const auto aware = r["aware"].get<std::int64_t>();
  const auto purchasers = r["purchasers"].get<std::int64_t>();
  EXPECT_GT(aware, 0);
  EXPECT_LE(aware, 20000);
  EXPECT_GT(purchasers, 0);
  EXPECT_LE(purchasers, aware);
  EXPECT_NEAR(rate, static_cast<double>(purchasers) / static_cast<double>(aware), 1e-12);
  EXPECT_GT(r["events"].get<std::int64_t>(), 0);
  EXPECT_GT(r["events_per_s"].get<double>(), 0.0);

  ASSERT_TRUE(r.contains("series") && r["series"].is_object());
  const json& series = r["series"];
  ASSERT_TRUE(series.contains("day") && series["day"].is_array());
  ASSERT_TRUE(series.contains("purchasers_cumulative") && series["purchasers_cumulative"].is_array());
  ASSERT_FALSE(series["day"].empty());
  EXPECT_EQ(series["purchasers_cumulative"].size(), series["day"].size());
  for (const auto& day : series["day"]) EXPECT_TRUE(day.is_number());
  double previous = 0.0;
  for (const auto& value : series["purchasers_cumulative"]) {
    ASSERT_TRUE(value.is_number());
    EXPECT_GE(value.get<double>(), previous) << "cumulative";
    previous = value.get<double>();
  }
  EXPECT_EQ(previous, static_cast<double>(purchasers)) << "ends at the purchaser count";
}

TEST(CliRun, OneAndTwoThreadsGiveIdenticalJson) {
  // ecosystem.yaml has every shared influence: reviews, word of mouth, segments.
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{}, std::vector<std::string>{"--replications", "2"}}) {
    std::vector<std::string> one{"--threads", "1"};
    std::vector<std::string> two{"--threads", "2"};
    one.insert(one.end(), extra.begin(), extra.end());
    two.insert(two.end(), extra.begin(), extra.end());
    const json a = run_json(scenario_path("ecosystem.yaml"), one);
    const json b = run_json(scenario_path("ecosystem.yaml"), two);
    ASSERT_TRUE(a.is_object() && b.is_object());
    EXPECT_EQ(a["threads"], 1);
    EXPECT_EQ(b["threads"], 2);
    const json diff = json::diff(without_timing(a), without_timing(b));
    EXPECT_TRUE(diff.empty()) << "differences (1 → 2 threads): " << diff.dump(1).substr(0, 3000);
  }
}

TEST(CliRun, ThreadCountsAreReportedAndAbsurdOnesDoNotCrash) {
  const json automatic = run_json(scenario_path("funnel.yaml"), {"--threads", "0"});
  ASSERT_TRUE(automatic.is_object());
  EXPECT_GE(automatic["threads"].get<std::int64_t>(), 1) << "0 means all cores";
  // More threads than cores is allowed (oversubscription), or refused with a
  // usage error; it must not crash, nor report a thread count it did not use
  // (the engine passes the count to tbb::task_arena as an int).
  for (const char* threads : {"100000", "2147483648", "4294967295"}) {
    SCOPED_TRACE(threads);
    const CliResult r =
        run_cli({"run", scenario_path("funnel.yaml"), "--market-size", "1000", "--json", "--threads", threads});
    if (!r.exited()) {
      ADD_FAILURE() << "crashed\n" << r;
      continue;
    }
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 2) << r;
    if (r.exit_code == 2) EXPECT_TRUE(contains(r.err, "threads")) << r;
    if (r.exit_code == 0) {
      const json results = parse_json(r);
      EXPECT_LE(results.value("threads", std::int64_t{-1}), std::int64_t{std::numeric_limits<int>::max()})
          << r.command;
    }
  }
}

TEST(CliRun, SeedOverridesTheScenariosAndChangesResults) {
  const std::string file = scenario_path("ecosystem.yaml");
  const json scenario_seed = run_json(file);
  const json seven = run_json(file, {"--seed", "7"});
  const json eight = run_json(file, {"--seed", "8"});
  const json eight_again = run_json(file, {"--seed", "8"});
  EXPECT_EQ(scenario_seed["seed"], 7);  // from the file
  EXPECT_EQ(eight["seed"], 8);
  EXPECT_EQ(without_timing(seven), without_timing(scenario_seed)) << "--seed 7 is the file's seed";
  EXPECT_EQ(without_timing(eight), without_timing(eight_again)) << "same seed, same numbers";
  EXPECT_NE(seven["aware"], eight["aware"]);
  EXPECT_NE(seven["purchasers"], eight["purchasers"]);
  EXPECT_NE(seven["events"], eight["events"]);
  // Different draws, same model: both near the same conversion rate.
  EXPECT_NEAR(conversion(seven), conversion(eight), 0.03);
}

TEST(CliRun, MarketSizeOverridesTheScenarios) {
  const std::string file = scenario_path("funnel.yaml");  // market.size 1,000,000
  const json small = run_json(file);
  ASSERT_TRUE(small.is_object());
  EXPECT_EQ(small["market_size"], 20000);
  EXPECT_LE(small["aware"].get<double>(), 20000.0);
  const json smaller = run_json(file, {}, "5000");
  ASSERT_TRUE(smaller.is_object());
  EXPECT_EQ(smaller["market_size"], 5000);
  // Awareness is a hazard per customer: about a quarter as many aware.
  EXPECT_NEAR(smaller["aware"].get<double>() / small["aware"].get<double>(), 0.25, 0.03);
}

TEST(CliRun, ReplicationsGiveConfidenceIntervals) {
  const json one = run_json(scenario_path("funnel.yaml"));
  ASSERT_TRUE(one.is_object());
  EXPECT_TRUE(one["conversion_rate"]["ci95_low"].is_null()) << "no interval from one replication";

  const json three = run_json(scenario_path("funnel.yaml"), {"--replications", "3"});
  ASSERT_TRUE(three.is_object());
  EXPECT_EQ(three["replications"], 3);
  const json& rate = three["conversion_rate"];
  ASSERT_TRUE(rate["ci95_low"].is_number()) << rate.dump();
  ASSERT_TRUE(rate["ci95_high"].is_number()) << rate.dump();
  const double low = rate["ci95_low"].get<double>();
  const double mean = rate["mean"].get<double>();
  const double high = rate["ci95_high"].get<double>();
  EXPECT_LT(low, mean);
  EXPECT_LT(mean, high);
  EXPECT_GE(low, 0.0 - 0.05);
  EXPECT_LE(high, 1.0);
  ASSERT_TRUE(three.contains("runs") && three["runs"].is_array());
  ASSERT_EQ(three["runs"].size(), 3u);
  double sum = 0.0;
  for (const auto& run : three["runs"]) sum += run.at("conversion_rate").get<double>();
  EXPECT_NEAR(sum / 3.0, mean, 1e-12);
}

TEST(CliRun, OutWritesAnHdf5FileAtomically) {
  TempDir dir;
  const std::string file = dir / "results.h5";
  for (int round = 0; round < 2; ++round) {  // the second replaces the first
    SCOPED_TRACE(round);
    const CliResult r = run_cli({"run", scenario_path("funnel.yaml"), "--market-size", kMarket, "--out", file,
                                 "--seed", std::to_string(round + 1)});
    ASSERT_TRUE(r.exited()) << r;
    ASSERT_EQ(r.exit_code, 0) << r;
    EXPECT_TRUE(contains(r.out, "Conversion rate")) << "without --quiet the table is still printed\n" << r;
    ASSERT_TRUE(fs::is_regular_file(file));
    EXPECT_GT(fs::file_size(file), 8u);
    const std::string bytes = read_text(file);
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89HDF\r\n\x1a\n", 8));
    for (const auto& entry : fs::directory_iterator(dir.path()))
      EXPECT_EQ(entry.path().filename().string().rfind("results.h5.tmp", 0), std::string::npos)
          << "temporary file left behind: " << entry.path();
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), {}), 1);
  }

  const CliResult quiet = run_cli({"run", scenario_path("funnel.yaml"), "--market-size", kMarket, "--out", file,
                                   "--quiet"});
  EXPECT_EQ(quiet.exit_code, 0) << quiet;
  EXPECT_EQ(quiet.err, "") << quiet;
}

TEST(CliRun, OutIntoMissingDirectoryFailsClearly) {
  TempDir dir;
  const std::string missing = dir / "no-such-dir";
  const CliResult r =
      run_cli({"run", scenario_path("funnel.yaml"), "--market-size", kMarket, "--out", missing + "/results.h5"});
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_NE(r.exit_code, 0) << r;
  EXPECT_TRUE(contains(r.err, missing)) << r;
  EXPECT_TRUE(contains(r.err, "does not exist")) << r;
  EXPECT_FALSE(fs::exists(missing));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), {}), 0);

  // --out naming a directory is refused too.
  const CliResult at_directory =
      run_cli({"run", scenario_path("funnel.yaml"), "--market-size", kMarket, "--out", dir.path().string()});
  ASSERT_TRUE(at_directory.exited()) << at_directory;
  EXPECT_NE(at_directory.exit_code, 0) << at_directory;
  EXPECT_TRUE(contains(at_directory.err, "directory")) << at_directory;
  EXPECT_TRUE(fs::is_directory(dir.path()));
}

TEST(CliRun, QuietPrintsNoWarnings) {
  TempDir dir;
  const std::string file = dir.write("warn.yaml", tiny_with_warning());
  const CliResult loud = run_cli({"run", file, "--json"});
  ASSERT_EQ(loud.exit_code, 0) << loud;
  EXPECT_TRUE(contains(loud.err, "warning")) << loud;
  EXPECT_TRUE(contains(loud.err, "lonely")) << loud;

  const CliResult quiet = run_cli({"run", file, "--json", "--quiet"});
  ASSERT_EQ(quiet.exit_code, 0) << quiet;
  EXPECT_EQ(quiet.err, "") << quiet;
  EXPECT_EQ(without_timing(parse_json(quiet)), without_timing(parse_json(loud))) << "same results";
}

TEST(CliRun, DefaultOutputIsATable) {
  const CliResult r = run_cli({"run", scenario_path("funnel.yaml"), "--market-size", kMarket});
  ASSERT_TRUE(r.exited()) << r;
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(contains(r.out, "Conversion rate")) << r;
  EXPECT_TRUE(contains(r.out, "funnel")) << r;
  EXPECT_TRUE(contains(r.out, "Purchasers")) << r;
  EXPECT_EQ(r.out.find('{'), std::string::npos) << "not JSON\n" << r;
  EXPECT_EQ(r.err, "") << "no progress bar when stderr is not a terminal\n" << r;
}

TEST(CliRun, MalformedScenarioExitsTwo) {
  TempDir dir;
  const std::string file = dir.write("bad.yaml", "horizon_days: [\n");
  const CliResult r = run_cli({"run", file, "--json"});
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_TRUE(contains(r.err, file)) << r;
}

// ---- strategies ------------------------------------------------------------------

TEST(CliRunStrategy, ScalingAConversionStepUpRaisesConversion) {
  TempDir dir;
  const std::string file = dir.write("tiny.yaml", kTinyScenario);
  const json base = run_json(file);
  const json better = run_json(file, {"--strategy", "better_site"});
  const json worse = run_json(file, {"--strategy", "worse_site"});
  ASSERT_TRUE(base.is_object() && better.is_object() && worse.is_object());
  EXPECT_EQ(better["strategy"], "better_site");
  EXPECT_EQ(base["strategy"], "");
  // Exact answers: 1/12, 0.2/0.96 and 0.02/0.96 of journeys that finish; a few
  // thousand aware customers give a standard error of about 0.005.
  EXPECT_NEAR(conversion(base), 0.08 / 0.96, 0.03);
  EXPECT_NEAR(conversion(better), 0.2 / 0.96, 0.03);
  EXPECT_NEAR(conversion(worse), 0.02 / 0.96, 0.02);
  EXPECT_GT(conversion(better), conversion(base) + 0.05);
  EXPECT_LT(conversion(worse), conversion(base) - 0.02);
  // Awareness does not depend on the journey here.
  EXPECT_EQ(better["aware"], base["aware"]);
}

TEST(CliRunStrategy, EcosystemStrategiesMoveResultsTheExpectedWay) {
  const std::string file = scenario_path("ecosystem.yaml");
  const json base = run_json(file);
  const json referral = run_json(file, {"--strategy", "referral_programme"});
  const json drop = run_json(file, {"--strategy", "drop_social"});
  ASSERT_TRUE(base.is_object() && referral.is_object() && drop.is_object());
  // A stronger word of mouth brings in more customers.
  EXPECT_GT(referral["aware"].get<double>(), base["aware"].get<double>());
  // Removing social_ad is its removal effect (as in Markov-chain attribution):
  // those the channel reaches are still aware but drop off at once, so paid
  // awareness holds while purchasers and the conversion rate fall...
  EXPECT_GT(drop["aware"].get<double>(), 0.9 * base["aware"].get<double>());
  EXPECT_LT(drop["purchasers"].get<double>(), base["purchasers"].get<double>());
  EXPECT_LT(conversion(drop), conversion(base));
  // ...and it is gone: no flow into it, no touchpoint row, no cost.
  for (const auto& flow : drop["flows"]) EXPECT_NE(flow.at("to"), "social_ad") << flow.dump();
  for (const auto& touchpoint : drop["touchpoints"]) EXPECT_NE(touchpoint.at("name"), "social_ad");
  EXPECT_LT(drop["cost"]["mean"].get<double>(), base["cost"]["mean"].get<double>());
}

TEST(CliRunStrategy, UnknownStrategyExitsTwoListingTheAvailableOnes) {
  const CliResult r = run_cli({"run", scenario_path("ecosystem.yaml"), "--market-size", kMarket, "--strategy",
                               "fix_everything"});
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_TRUE(contains(r.err, "fix_everything")) << r;
  for (const char* name : {"referral_programme", "fix_support", "drop_social"})
    EXPECT_TRUE(contains(r.err, name)) << name << '\n' << r;

  for (const char* command : {"graph", "analyze"}) {
    const CliResult other = run_cli({command, scenario_path("ecosystem.yaml"), "--strategy", "fix_everything"});
    EXPECT_EQ(other.exit_code, 2) << other;
    EXPECT_TRUE(contains(other.err, "drop_social")) << other;
  }
  // A scenario without strategies says so.
  const std::string funnel = scenario_path("funnel.yaml");
  const CliResult none = run_cli({"run", funnel, "--market-size", kMarket, "--strategy", "fix_support"});
  ASSERT_TRUE(none.exited()) << none;
  EXPECT_EQ(none.exit_code, 2) << none;
  EXPECT_TRUE(contains(none.err, "fix_support")) << none;
}

namespace {

TEST(CliUsage, SeedsBeyondSixtyFourBitsAreRefusedNotSaturated) {
  for (const char* seed : {"18446744073709551616", "99999999999999999999999", "12abc"}) {
    const CliResult r = run_cli({"run", scenario_path("funnel.yaml"), "--market-size", "1000", "--seed", seed});
    ASSERT_TRUE(r.exited()) << r;
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(contains(r.err, "is not a whole number")) << r;
  }
  const json top = parse_json(
      run_cli({"run", scenario_path("funnel.yaml"), "--market-size", "1000", "--json", "--seed", "18446744073709551615"}));
  EXPECT_EQ(top.at("seed").get<std::uint64_t>(), 18446744073709551615ull);
}

TEST(CliRunStrategy, WarningsArePrintedOnceWhenAStrategyReloadsTheFile) {
  TempDir dir;
  const std::string file = dir.write("w.yaml", tiny_with_warning());
  const CliResult r = run_cli({"analyze", file, "--strategy", "better_site"});
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 0) << r;
  const auto first = r.err.find("lonely");
  ASSERT_NE(first, std::string::npos) << r;
  EXPECT_EQ(r.err.find("lonely", r.err.find('\n', first)), std::string::npos) << r;
}

}  // namespace

// Writers (src/io), part 1: summary statistics and their intervals, the JSON
// layout scripts depend on, and the terminal table. Results are built in code
// (io_test_support.hpp): no engine needed. Files: test_io_files.cpp.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "io_test_support.hpp"
#include "journeysim/io.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/statistics.hpp"

using journeysim::Interval;
using journeysim::Metric;
using journeysim::Results;
using journeysim::RunResult;
using journeysim::io_testing::metric_named;
using journeysim::io_testing::kDays;
using journeysim::io_testing::kT975Df2;
using journeysim::io_testing::make_results;

// ---- confidence intervals and summary ---------------------------------------

TEST(IoSummary, ConfidenceIntervalMatchesHandComputation) {
  const Interval ci = journeysim::confidence_interval({1.0, 2.0, 3.0});
  EXPECT_DOUBLE_EQ(ci.mean, 2.0);
  ASSERT_TRUE(ci.low && ci.high);
  EXPECT_NEAR(kT975Df2, 4.302652729911275, 1e-9);
  const double half = kT975Df2 * 1.0 / std::sqrt(3.0);  // sd = 1
  EXPECT_NEAR(*ci.low, 2.0 - half, 1e-12);
  EXPECT_NEAR(*ci.high, 2.0 + half, 1e-12);
}

TEST(IoSummary, ConfidenceIntervalTwoValuesUsesOneDegreeOfFreedom) {
  const Interval ci = journeysim::confidence_interval({10.0, 12.0});
  // t(0.975, 1) = 12.706204736174707; sd = sqrt(2); half = t * sd / sqrt(2) = t.
  ASSERT_TRUE(ci.low && ci.high);
  EXPECT_NEAR(*ci.high - ci.mean, 12.706204736174707, 1e-9);
}

TEST(IoSummary, NoIntervalBelowTwoValues) {
  const Interval one = journeysim::confidence_interval({5.0});
  EXPECT_DOUBLE_EQ(one.mean, 5.0);
  EXPECT_FALSE(one.low);
  EXPECT_FALSE(one.high);
  const Interval none = journeysim::confidence_interval({});
  EXPECT_DOUBLE_EQ(none.mean, 0.0);
  EXPECT_FALSE(none.low);
}

TEST(IoSummary, ConstantValuesGiveZeroWidthInterval) {
  const Interval ci = journeysim::confidence_interval({0.25, 0.25, 0.25, 0.25});
  ASSERT_TRUE(ci.low && ci.high);
  EXPECT_DOUBLE_EQ(*ci.low, 0.25);
  EXPECT_DOUBLE_EQ(*ci.high, 0.25);
}

TEST(IoSummary, MetricsInDisplayOrder) {
  const std::vector<Metric> metrics = journeysim::summarize(make_results(1));
  const std::vector<std::string> expected = {
      "aware", "purchasers", "conversion_rate", "market_penetration", "advocates",
      "advocacy_rate", "nps", "mean_satisfaction", "purchases", "revenue", "refunds", "net_revenue", "cost",
      "cost_acquisition", "cost_retention", "profit", "clv", "lifetime_value", "cac", "retention_cost_per_purchaser",
      "profit_per_purchaser",
      "time_to_first_purchase_mean", "time_to_first_purchase_p50", "time_to_first_purchase_p90",
      "journey_days_mean", "public_rating", "active_advocates", "reviews", "in_progress",
      "truncated"};
  ASSERT_EQ(metrics.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(metrics[i].key, expected[i]);
    EXPECT_FALSE(metrics[i].label.empty()) << expected[i];
  }
  EXPECT_EQ(metric_named(metrics, "conversion_rate").unit, "%");
  EXPECT_EQ(metric_named(metrics, "revenue").unit, "money");
  EXPECT_EQ(metric_named(metrics, "time_to_first_purchase_p90").unit, "days");
  EXPECT_EQ(metric_named(metrics, "aware").unit, "count");
}

TEST(IoSummary, OneReplicationValues) {
  const std::vector<Metric> m = journeysim::summarize(make_results(1));
  const auto mean = [&](const char* key) { return metric_named(m, key).value.mean; };
  EXPECT_DOUBLE_EQ(mean("aware"), 100);
  EXPECT_DOUBLE_EQ(mean("purchasers"), 10);
  EXPECT_DOUBLE_EQ(mean("conversion_rate"), 0.1);
  EXPECT_DOUBLE_EQ(mean("market_penetration"), 0.01);
  EXPECT_DOUBLE_EQ(mean("advocates"), 2);
  EXPECT_DOUBLE_EQ(mean("advocacy_rate"), 0.2);
  EXPECT_DOUBLE_EQ(mean("nps"), 30.0);  // 100 * (5 - 2) / 10
  EXPECT_DOUBLE_EQ(mean("mean_satisfaction"), 0.8);
  EXPECT_DOUBLE_EQ(mean("purchases"), 12);
  EXPECT_DOUBLE_EQ(mean("revenue"), 960.0);
  EXPECT_DOUBLE_EQ(mean("refunds"), 48.0);
  EXPECT_DOUBLE_EQ(mean("net_revenue"), 912.0);
  EXPECT_DOUBLE_EQ(mean("cost"), 150.5);
  EXPECT_DOUBLE_EQ(mean("cost_acquisition"), 120.5);
  EXPECT_DOUBLE_EQ(mean("cost_retention"), 30.0);
  EXPECT_DOUBLE_EQ(mean("profit"), 761.5);                    // 960 − 48 − 150.5
  EXPECT_DOUBLE_EQ(mean("clv"), 91.2);                        // net revenue 912 / 10 purchasers
  EXPECT_DOUBLE_EQ(mean("cac"), 12.05);                       // acquisition cost 120.5 / 10, not all cost
  EXPECT_DOUBLE_EQ(mean("retention_cost_per_purchaser"), 3.0);
  EXPECT_DOUBLE_EQ(mean("profit_per_purchaser"), 76.15);
  EXPECT_DOUBLE_EQ(mean("time_to_first_purchase_mean"), 1.5);
  EXPECT_DOUBLE_EQ(mean("time_to_first_purchase_p50"), 1.0);
  EXPECT_DOUBLE_EQ(mean("time_to_first_purchase_p90"), 3.0);
  EXPECT_DOUBLE_EQ(mean("journey_days_mean"), 2.0);
  EXPECT_DOUBLE_EQ(mean("public_rating"), 0.7);
  EXPECT_DOUBLE_EQ(mean("active_advocates"), 1);
  EXPECT_DOUBLE_EQ(mean("reviews"), 1);
  EXPECT_DOUBLE_EQ(mean("in_progress"), 7);
  EXPECT_DOUBLE_EQ(mean("truncated"), 0);
  for (const Metric& metric : m) EXPECT_FALSE(metric.value.low) << metric.key;
}

TEST(IoSummary, ThreeReplicationsMeanAndInterval) {
  const std::vector<Metric> m = journeysim::summarize(make_results(3));
  // Conversion 0.1, 0.2, 0.3: mean 0.2, sd 0.1.
  const Interval& conversion = metric_named(m, "conversion_rate").value;
  EXPECT_NEAR(conversion.mean, 0.2, 1e-15);
  ASSERT_TRUE(conversion.low && conversion.high);
  const double half = kT975Df2 * 0.1 / std::sqrt(3.0);
  EXPECT_NEAR(*conversion.low, std::max(0.0, 0.2 - half), 1e-12);  // a rate: clipped at 0
  EXPECT_NEAR(*conversion.high, 0.2 + half, 1e-12);
  // Purchasers 10, 20, 30: mean 20, sd 10.
  const Interval& purchasers = metric_named(m, "purchasers").value;
  EXPECT_DOUBLE_EQ(purchasers.mean, 20.0);
  EXPECT_NEAR(*purchasers.high, 20.0 + kT975Df2 * 10.0 / std::sqrt(3.0), 1e-9);
  // Ratios are per replication, then averaged: NPS is 30 in every replication.
  const Interval& nps = metric_named(m, "nps").value;
  EXPECT_DOUBLE_EQ(nps.mean, 30.0);
  EXPECT_NEAR(*nps.low, 30.0, 1e-12);
  EXPECT_NEAR(*nps.high, 30.0, 1e-12);
}

// Undefined is not zero: with nobody aware and no purchasers, every ratio
// over them is NaN (null in JSON, n/a in tables), never a reassuring 0.
TEST(IoSummary, RatiosOverNobodyAreUndefinedNotZero) {
  Results res = make_results(1);
  RunResult& run = res.runs[0];
  run.aware = run.purchasers = run.advocates = run.promoters = run.detractors = 0;
  run.satisfaction_count = 0;
  run.finished = 0;
  for (journeysim::SegmentTally& segment : run.segments) segment.aware = segment.purchasers = segment.satisfaction_count = 0;
  const std::vector<Metric> m = journeysim::summarize(res);
  for (const char* key : {"conversion_rate", "advocacy_rate", "nps", "mean_satisfaction", "clv", "cac",
                          "retention_cost_per_purchaser", "profit_per_purchaser", "time_to_first_purchase_mean",
                          "time_to_first_purchase_p50", "time_to_first_purchase_p90", "journey_days_mean"}) {
    EXPECT_TRUE(std::isnan(metric_named(m, key).value.mean)) << key;
    const journeysim::MetricDefinition* definition = journeysim::find_metric(key);
    ASSERT_NE(definition, nullptr) << key;
    EXPECT_TRUE(definition->may_be_undefined) << key;
  }
  // Totals stay defined.
  for (const char* key : {"aware", "purchasers", "revenue", "net_revenue", "cost", "profit", "market_penetration"})
    EXPECT_TRUE(std::isfinite(metric_named(m, key).value.mean)) << key;
  for (const journeysim::SegmentSummary& segment : journeysim::summarize_segments(res))
    for (const char* key : {"conversion_rate", "nps", "mean_satisfaction", "clv", "cac"})
      EXPECT_TRUE(std::isnan(segment[key].mean)) << segment.name << " " << key;
  const nlohmann::json j = journeysim::results_to_json(res);
  EXPECT_TRUE(j.at("cac").at("mean").is_null());
  EXPECT_TRUE(j.at("conversion_rate").at("mean").is_null());
  EXPECT_TRUE(j.at("runs").at(0).at("nps").is_null());
  EXPECT_TRUE(j.at("segments").at(0).at("cac").is_null());
  const std::string table = journeysim::results_to_table(res);
  EXPECT_NE(table.find("CAC (acquisition cost per purchaser)"), std::string::npos);
  const std::size_t row = table.find("CAC (acquisition cost per purchaser)");
  EXPECT_EQ(table.substr(row, table.find('\n', row) - row).find("n/a") != std::string::npos, true) << table;
}

// One replication without purchasers makes the mean undefined: averaging
// only the defined replications would silently change what is averaged.
TEST(IoSummary, AnUndefinedReplicationMakesTheMeanUndefined) {
  const double nan = std::nan("");
  const Interval ci = journeysim::confidence_interval({10.0, nan, 12.0});
  EXPECT_TRUE(std::isnan(ci.mean));
  EXPECT_FALSE(ci.low);
  EXPECT_FALSE(ci.high);
  Results res = make_results(3);
  res.runs[1].purchasers = 0;
  const std::vector<Metric> m = journeysim::summarize(res);
  EXPECT_TRUE(std::isnan(metric_named(m, "cac").value.mean));
  EXPECT_FALSE(metric_named(m, "cac").value.low);
  EXPECT_TRUE(journeysim::results_to_json(res).at("cac").at("ci95_low").is_null());
}

// Profit can be negative: its interval is not clipped at 0 as revenue's is.
TEST(IoSummary, ProfitIntervalsMayGoBelowZero) {
  Results res = make_results(3);
  for (std::size_t r = 0; r < res.runs.size(); ++r) res.runs[r].cost = 1000.0 * static_cast<double>(r + 1);
  const std::vector<Metric> m = journeysim::summarize(res);
  const Interval& profit = metric_named(m, "profit").value;  // 912k − 1000k: −88, −176, −264
  EXPECT_DOUBLE_EQ(profit.mean, -176.0);
  ASSERT_TRUE(profit.low && profit.high);
  EXPECT_NEAR(*profit.low, -176.0 - kT975Df2 * 88.0 / std::sqrt(3.0), 1e-9);
  EXPECT_DOUBLE_EQ(metric_named(m, "profit_per_purchaser").value.mean, -8.8);
}

TEST(IoSummary, EventsAndRate) {
  Results res = make_results(3);
  EXPECT_EQ(res.total_events(), 6000u);
  EXPECT_DOUBLE_EQ(res.events_per_second(), 6000.0 / 1.5);
  res.wall_seconds = 0.0;
  EXPECT_DOUBLE_EQ(res.events_per_second(), 0.0);
  EXPECT_EQ(Results{}.total_events(), 0u);
  EXPECT_DOUBLE_EQ(Results{}.events_per_second(), 0.0);
}

// ---- JSON -------------------------------------------------------------------

TEST(IoJson, FixedKeysOneReplication) {
  const nlohmann::json j = journeysim::results_to_json(make_results(1));
  // The keys DESIGN.md fixes for scripts.
  ASSERT_TRUE(j.at("conversion_rate").at("mean").is_number());
  EXPECT_DOUBLE_EQ(j["conversion_rate"]["mean"].get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(j.at("advocacy_rate").at("mean").get<double>(), 0.2);
  EXPECT_DOUBLE_EQ(j.at("nps").at("mean").get<double>(), 30.0);
  ASSERT_TRUE(j.at("purchasers").is_number_integer());
  EXPECT_EQ(j["purchasers"].get<std::uint64_t>(), 10u);
  ASSERT_TRUE(j.at("aware").is_number_integer());
  EXPECT_EQ(j["aware"].get<std::uint64_t>(), 100u);
  ASSERT_TRUE(j.at("events").is_number_unsigned());
  EXPECT_EQ(j["events"].get<std::uint64_t>(), 1000u);
  ASSERT_TRUE(j.at("events_per_s").is_number());
  EXPECT_DOUBLE_EQ(j["events_per_s"].get<double>(), 2000.0);
  ASSERT_TRUE(j.at("threads").is_number_integer());
  EXPECT_EQ(j["threads"].get<unsigned>(), 8u);
  const auto& day = j.at("series").at("day");
  ASSERT_TRUE(day.is_array());
  EXPECT_EQ(day, nlohmann::json({0, 1, 2, 3}));
  const auto& cumulative = j.at("series").at("purchasers_cumulative");
  ASSERT_TRUE(cumulative.is_array());
  EXPECT_EQ(cumulative, nlohmann::json({0, 2, 5, 10}));
  // No interval with one replication: null bounds; the per-replication list
  // is there all the same, so scripts see one shape whatever the count.
  EXPECT_TRUE(j["conversion_rate"]["ci95_low"].is_null());
  EXPECT_TRUE(j["conversion_rate"]["ci95_high"].is_null());
  ASSERT_TRUE(j.contains("runs"));
  EXPECT_EQ(j["runs"].size(), 1u);
}

TEST(IoJson, RunFacts) {
  const nlohmann::json j = journeysim::results_to_json(make_results(1));
  EXPECT_EQ(j.at("scenario"), "synthetic");
  EXPECT_EQ(j.at("path"), "scenarios/synthetic.yaml");
  EXPECT_EQ(j.at("strategy"), "fix_support");
  EXPECT_EQ(j.at("seed"), 42);
  EXPECT_EQ(j.at("market_size"), 1000);
  EXPECT_DOUBLE_EQ(j.at("horizon_days").get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(j.at("step_days").get<double>(), 1.0);
  EXPECT_EQ(j.at("replications"), 1);
  EXPECT_DOUBLE_EQ(j.at("wall_seconds").get<double>(), 0.5);
  EXPECT_EQ(j.at("version"), JOURNEYSIM_VERSION);
}

TEST(IoJson, EveryMetricTopLevelAndUnderMetrics) {
  const nlohmann::json j = journeysim::results_to_json(make_results(3));
  for (const Metric& metric : journeysim::summarize(make_results(3))) {
    SCOPED_TRACE(metric.key);
    const auto& m = j.at("metrics").at(metric.key);
    EXPECT_DOUBLE_EQ(m.at("mean").get<double>(), metric.value.mean);
    EXPECT_DOUBLE_EQ(m.at("ci95_low").get<double>(), *metric.value.low);
    EXPECT_DOUBLE_EQ(m.at("ci95_high").get<double>(), *metric.value.high);
    if (metric.key == "aware" || metric.key == "purchasers") {
      ASSERT_TRUE(j.at(metric.key).is_number());  // plain numbers, by design
      EXPECT_DOUBLE_EQ(j[metric.key].get<double>(), metric.value.mean);
    } else {
      ASSERT_TRUE(j.at(metric.key).is_object());
      EXPECT_DOUBLE_EQ(j[metric.key].at("mean").get<double>(), metric.value.mean);
      EXPECT_DOUBLE_EQ(j[metric.key].at("ci95_low").get<double>(), *metric.value.low);
    }
  }
  const double half = kT975Df2 * 0.1 / std::sqrt(3.0);
  EXPECT_NEAR(j["conversion_rate"]["ci95_high"].get<double>(), 0.2 + half, 1e-12);
}

TEST(IoJson, ThreeReplicationsMeansAndRuns) {
  const nlohmann::json j = journeysim::results_to_json(make_results(3));
  EXPECT_EQ(j.at("replications"), 3);
  EXPECT_EQ(j.at("events"), 6000);
  EXPECT_DOUBLE_EQ(j.at("purchasers").get<double>(), 20.0);
  // Series: element-wise means over replications.
  EXPECT_EQ(j["series"]["purchasers_cumulative"], nlohmann::json({0, 4, 10, 20}));
  EXPECT_DOUBLE_EQ(j["series"]["newly_aware_by_channel"]["social_ad"][1].get<double>(), 2.0);
  EXPECT_NEAR(j["series"]["public_rating"][3].get<double>(), 0.71, 1e-12);
  const auto& runs = j.at("runs");
  ASSERT_EQ(runs.size(), 3u);
  for (std::size_t r = 0; r < 3; ++r) {
    EXPECT_EQ(runs[r].at("replication"), r);
    EXPECT_EQ(runs[r].at("purchasers"), 10 * (r + 1));
    EXPECT_DOUBLE_EQ(runs[r].at("conversion_rate").get<double>(), 0.1 * double(r + 1));
    EXPECT_EQ(runs[r].at("events"), 1000 * (r + 1));
  }
}

TEST(IoJson, TouchpointsFlowsSegmentsSeries) {
  const nlohmann::json j = journeysim::results_to_json(make_results(1));
  const auto& tps = j.at("touchpoints");
  ASSERT_EQ(tps.size(), 3u);
  EXPECT_EQ(tps[0].at("name"), "search");
  EXPECT_EQ(tps[0].at("visits"), 100);
  EXPECT_EQ(tps[0].at("dropoffs"), 40);
  EXPECT_DOUBLE_EQ(tps[0].at("cost").get<double>(), 125.0);
  EXPECT_EQ(tps[2].at("purchases"), 12);

  const auto& flows = j.at("flows");
  ASSERT_EQ(flows.size(), 6u);  // 3 links + 3 drop-off links
  EXPECT_EQ(flows[0].at("from"), "channel:search");
  EXPECT_EQ(flows[0].at("entry"), true);
  EXPECT_EQ(flows[0].at("traversals"), 100);
  EXPECT_EQ(flows[1].at("traversals"), 61);
  EXPECT_EQ(flows[3].at("from"), "search");
  EXPECT_EQ(flows[3].at("to"), "drop-off");
  EXPECT_EQ(flows[3].at("traversals"), 40);

  const auto& segments = j.at("segments");
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[1].at("name"), "impulsive");
  EXPECT_EQ(segments[1].at("purchasers"), 6);
  EXPECT_DOUBLE_EQ(segments[1].at("conversion_rate").get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(segments[1].at("nps").get<double>(), 100.0 * (3 - 1) / 6.0);
  EXPECT_DOUBLE_EQ(segments[1].at("mean_satisfaction").get<double>(), 0.8);

  const auto& series = j.at("series");
  for (const char* key : {"purchases", "new_purchasers", "newly_aware_initial",
                          "newly_aware_word_of_mouth", "active_advocates", "public_rating"}) {
    ASSERT_TRUE(series.at(key).is_array()) << key;
    EXPECT_EQ(series[key].size(), kDays) << key;
  }
  EXPECT_EQ(series.at("newly_aware_by_channel").at("search"), nlohmann::json({10, 20, 30, 40}));
}

TEST(IoJson, NoNaNEvenWithEmptyRuns) {
  Results res = make_results(1);
  RunResult& run = res.runs[0];
  run.aware = run.purchasers = run.promoters = run.detractors = run.satisfaction_count = 0;
  res.wall_seconds = 0;
  const std::string text = journeysim::results_to_json(res).dump();
  EXPECT_EQ(text.find("NaN"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::accept(text));

  Results empty;  // no replications at all
  const nlohmann::json j = journeysim::results_to_json(empty);
  EXPECT_EQ(j.at("replications"), 0);
  EXPECT_TRUE(j.at("series").at("day").empty());
}

TEST(IoJson, InconsistentShapesAreReported) {
  Results res = make_results(2);
  res.runs[1].touchpoint_visits.pop_back();
  try {
    (void)journeysim::results_to_json(res);
    FAIL() << "expected journeysim::InternalError";
  } catch (const journeysim::InternalError& e) {  // a bug in whoever built the results, not bad input
    EXPECT_NE(std::string(e.what()).find("touchpoint_visits"), std::string::npos) << e.what();
  }
  // Empty means "not recorded" and reads as zeros.
  Results partial = make_results(1);
  partial.runs[0].touchpoint_purchases.clear();
  const nlohmann::json j = journeysim::results_to_json(partial);
  EXPECT_EQ(j["touchpoints"][2]["purchases"], 0);
}

// ---- table ------------------------------------------------------------------

TEST(IoTable, OneReplication) {
  const std::string table = journeysim::results_to_table(make_results(1));
  for (const char* text : {"synthetic", "fix_support", "market 1,000", "seed 42",
                           "1 replication", "8 threads", "Conversion rate", "10.00%",
                           "960.00", "1.50 d", "search", "checkout", "Drop-offs", "Segments",
                           "impulsive", "1,000 events"}) {
    EXPECT_NE(table.find(text), std::string::npos) << "missing '" << text << "' in\n" << table;
  }
  EXPECT_EQ(table.find("95% CI"), std::string::npos) << table;
}

TEST(IoTable, ThreeReplicationsShowIntervals) {
  Results res = make_results(3);
  res.runs[2].revenue = 1'234'567.891;
  const std::string table = journeysim::results_to_table(res);
  EXPECT_NE(table.find("95% CI"), std::string::npos) << table;
  EXPECT_NE(table.find("20.00%"), std::string::npos) << table;
  EXPECT_NE(table.find("412,482.63"), std::string::npos) << table;  // mean revenue, grouped
  EXPECT_NE(table.find("3 replications"), std::string::npos) << table;
  std::cout << table;  // for humans reading the test log
}

TEST(IoTable, OneSegmentHasNoBreakdown) {
  Results res = make_results(1);
  res.segments = {"everyone"};
  for (RunResult& run : res.runs) run.segments.resize(1);
  EXPECT_EQ(journeysim::results_to_table(res).find("Segments"), std::string::npos);
}

TEST(IoJson, ProvenanceAndRunOff) {
  Results results = make_results(2);
  results.run_off = false;
  const nlohmann::json plain = journeysim::results_to_json(results);
  EXPECT_EQ(plain.at("run_off"), false);
  EXPECT_EQ(plain.at("command_line"), "");  // run from code
  results.run_off = true;
  results.command_line = "journeysim run s.yaml --run-off";
  results.created_utc = "2026-11-23T18:30:00Z";
  results.git_commit = "812e40d";
  const nlohmann::json j = journeysim::results_to_json(results);
  EXPECT_EQ(j.at("run_off"), true);
  EXPECT_EQ(j.at("command_line"), "journeysim run s.yaml --run-off");
  EXPECT_EQ(j.at("created_utc"), "2026-11-23T18:30:00Z");
  EXPECT_EQ(j.at("git_commit"), "812e40d");
}

TEST(IoTable, NotesJourneysStoppedByTheEventCap) {
  // The note is wrapped: compare with its line breaks as spaces.
  const auto table_of = [](const Results& results) {
    std::string text = journeysim::results_to_table(results);
    std::replace(text.begin(), text.end(), '\n', ' ');
    return text;
  };
  Results results = make_results(2);
  EXPECT_EQ(table_of(results).find("Note:"), std::string::npos);
  results.runs[0].truncated = 3;
  results.runs[1].truncated = 2;
  const std::string table = table_of(results);
  EXPECT_NE(table.find("Note: 5 journeys in all (2.5 per replication on average) hit the per-customer event cap "
                       "and were stopped: their later events were not simulated"),
            std::string::npos)
      << journeysim::results_to_table(results);
  EXPECT_NE(table.find("Raise the cap with --max-events N (default 1,000,000"), std::string::npos) << table;
  // Under the metrics, before the touchpoints.
  EXPECT_LT(table.find("Truncated (event cap)"), table.find("Note: 5 journeys"));
  EXPECT_LT(table.find("Note: 5 journeys"), table.find("Touchpoints"));
  std::istringstream text(journeysim::results_to_table(results));
  bool in_note = false;
  for (std::string line; std::getline(text, line);) {
    in_note = line.starts_with("Note:") || (in_note && !line.empty());
    if (in_note) EXPECT_LE(line.size(), 100u) << line;
  }
  Results one = make_results(1);
  one.runs[0].truncated = 1;
  EXPECT_NE(table_of(one).find("Note: 1 journey hit"), std::string::npos);
  one.runs[0].truncated = 0;
  one.runs[0].run_off_truncated = 4;
  EXPECT_NE(table_of(one).find("Note: 4 journeys of the run-off past the horizon hit the event cap"),
            std::string::npos)
      << journeysim::results_to_table(one);
}

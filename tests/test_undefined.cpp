// Undefined is not zero: ratio metrics with nobody to divide by are NaN in
// summaries and HDF5 (with a note), null in JSON, n/a in tables, and so are
// their deltas in a comparison. A scenario without reviews has no public
// rating; with reviews, the daily rating is the one behaviour used.
#include <gtest/gtest.h>

#include <H5Cpp.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

#include "journeysim/comparison.hpp"
#include "journeysim/engine.hpp"
#include "journeysim/io.hpp"
#include "journeysim/load.hpp"
#include "journeysim/statistics.hpp"
#include "support.hpp"

namespace journeysim {
namespace {

namespace fs = std::filesystem;
using testing::load_yaml;

// The purchase touchpoint can never be reached: nobody buys.
const std::string kNobodyBuys = R"(
horizon_days: 5
market: {size: 10000}
awareness: {channels: [{via: ad, rate: 0.1}]}
touchpoints:
  ad:       {stage: awareness, cost: 1}
  site:     {stage: consideration, experience: 0.5}
  checkout: {stage: purchase, purchase: {revenue: 50}}
transitions:
  ad: {site: 0.5}
strategies:
  cheaper_ads:
    - {scale: touchpoints.ad.cost, by: 0.5}
)";

const std::vector<std::string> kOverPurchasers = {
    "advocacy_rate", "nps", "mean_satisfaction", "clv", "lifetime_value", "cac", "retention_cost_per_purchaser",
    "profit_per_purchaser",
    "time_to_first_purchase_mean", "time_to_first_purchase_p50", "time_to_first_purchase_p90"};

const Interval& summary_of(const std::vector<Metric>& metrics, const std::string& key) {
  for (const Metric& metric : metrics)
    if (metric.key == key) return metric.value;
  throw std::runtime_error("no metric " + key);
}

// The cell of a metric's row in the terminal table, after its label.
std::string table_row(const std::string& table, const std::string& label) {
  const std::size_t at = table.find("  " + label + " ");
  if (at == std::string::npos) return "";
  return table.substr(at, table.find('\n', at) - at);
}

class Undefined : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("journeysim-undefined-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(Undefined, NoPurchasersMakesEveryRatioOverPurchasersUndefined) {
  const Scenario scenario = load_yaml(kNobodyBuys);
  RunOptions options;
  options.replications = 2;
  const Results results = run_scenario(scenario, options);
  ASSERT_EQ(results.runs[0].purchasers, 0u);
  ASSERT_GT(results.runs[0].aware, 0u);
  const std::vector<Metric> metrics = summarize(results);
  for (const std::string& key : kOverPurchasers) {
    EXPECT_TRUE(std::isnan(summary_of(metrics, key).mean)) << key;
    EXPECT_FALSE(summary_of(metrics, key).low) << key;
  }
  // Defined: nobody of the aware bought (0%), and journeys did finish.
  EXPECT_EQ(summary_of(metrics, "conversion_rate").mean, 0.0);
  EXPECT_TRUE(std::isfinite(summary_of(metrics, "journey_days_mean").mean));
  EXPECT_EQ(summary_of(metrics, "cost_acquisition").mean, summary_of(metrics, "cost").mean);
  EXPECT_LT(summary_of(metrics, "profit").mean, 0.0);  // all cost, no revenue
  for (const SegmentSummary& segment : summarize_segments(results))
    for (const char* key : {"nps", "mean_satisfaction", "clv", "cac"}) EXPECT_TRUE(std::isnan(segment[key].mean)) << key;

  // JSON: null, never 0.
  const nlohmann::json json = results_to_json(results);
  for (const std::string& key : kOverPurchasers) {
    EXPECT_TRUE(json.at(key).at("mean").is_null()) << key;
    EXPECT_TRUE(json.at("metrics").at(key).at("mean").is_null()) << key;
    EXPECT_TRUE(json.at("runs").at(0).at(key).is_null()) << key;
  }
  EXPECT_EQ(json.at("conversion_rate").at("mean").get<double>(), 0.0);
  EXPECT_TRUE(json.at("segments").at(0).at("cac").is_null());

  // The table: n/a.
  const std::string table = results_to_table(results);
  for (const char* label : {"CAC (acquisition cost per purchaser)", "NPS", "CLV (net revenue per purchaser)",
                            "Time to first purchase, mean"})
    EXPECT_NE(table_row(table, label).find("n/a"), std::string::npos) << label << "\n" << table;

  // HDF5: NaN, with a note saying what it means.
  const std::string path = (dir_ / "nobody.h5").string();
  write_results_hdf5(results, path);
  H5::H5File file(path, H5F_ACC_RDONLY);
  H5::DataSet cac = file.openDataSet("/summary/cac");
  std::vector<double> values(2);
  cac.read(values.data(), H5::PredType::NATIVE_DOUBLE);
  EXPECT_TRUE(std::isnan(values[0]) && std::isnan(values[1]));
  double mean = 0.0;
  cac.openAttribute("mean").read(H5::PredType::NATIVE_DOUBLE, &mean);
  EXPECT_TRUE(std::isnan(mean));
  std::string note;
  H5::Attribute attribute = cac.openAttribute("note");
  attribute.read(attribute.getStrType(), note);
  EXPECT_EQ(note, "NaN: undefined without purchasers");
  const Results read = read_results_hdf5(path);
  EXPECT_TRUE(std::isnan(summary_of(summarize(read), "cac").mean));
}

TEST_F(Undefined, NobodyAwareMakesConversionAndJourneyLengthUndefined) {
  const Scenario scenario = load_yaml(R"(
horizon_days: 1
market: {size: 1}
awareness: {channels: [{via: checkout, rate: 1.0e-12}]}
touchpoints:
  checkout: {stage: purchase, purchase: {revenue: 50}}
)");
  const Results results = run_scenario(scenario, {});
  ASSERT_EQ(results.runs[0].aware, 0u);
  const std::vector<Metric> metrics = summarize(results);
  EXPECT_TRUE(std::isnan(summary_of(metrics, "conversion_rate").mean));
  EXPECT_TRUE(std::isnan(summary_of(metrics, "journey_days_mean").mean));
  EXPECT_TRUE(std::isnan(summarize_segments(results)[0]["conversion_rate"].mean));
  EXPECT_TRUE(results_to_json(results).at("conversion_rate").at("mean").is_null());  // a fixed key: null, still there
}

TEST_F(Undefined, ComparisonsRenderUndefinedDeltasAsNA) {
  const Scenario scenario = load_yaml(kNobodyBuys);
  Diagnostics diagnostics;
  const auto cheaper = apply_strategy(scenario, "cheaper_ads", diagnostics);
  ASSERT_TRUE(cheaper) << diagnostics.format();
  RunOptions options;
  options.replications = 3;
  Results baseline = run_scenario(scenario, options), arm = run_scenario(*cheaper, options);
  baseline.label = "baseline";
  arm.label = "cheaper_ads";
  for (const Pairing pairing : {Pairing::paired, Pairing::unpaired}) {
    const Comparison comparison{baseline, {arm}, pairing};
    for (const MetricComparison& row : comparison.metrics(0)) {
      // Over purchasers, and the public rating (no reviews here).
      const bool undefined = row.key == "public_rating" ||
                             std::find(kOverPurchasers.begin(), kOverPurchasers.end(), row.key) != kOverPurchasers.end();
      EXPECT_EQ(std::isnan(row.difference.delta.mean), undefined) << row.key;
      if (undefined) EXPECT_FALSE(row.significant()) << row.key;
    }
    const nlohmann::json json = comparison_to_json(comparison);
    const nlohmann::json& delta = json.at("strategies").at("cheaper_ads").at("delta");
    EXPECT_TRUE(delta.at("cac").at("mean").is_null());
    EXPECT_TRUE(delta.at("cac").at("ci95").at(0).is_null());
    EXPECT_TRUE(delta.at("cost").at("mean").is_number());
    const std::string table = comparison_to_table(comparison);
    const std::string row = table_row(table, "CAC (acquisition cost per purchaser)");
    EXPECT_NE(row.find("n/a"), std::string::npos) << table;
    EXPECT_EQ(row.find("nan"), std::string::npos) << table;
  }
}

const std::string kNoReviews = R"(
horizon_days: 10
market: {size: 20000}
awareness: {channels: [{via: buy, rate: 0.05}]}
touchpoints:
  buy: {stage: purchase, purchase: {revenue: 1}, experience: 1.0}
)";

TEST_F(Undefined, WithoutReviewsThereIsNoPublicRating) {
  const Results results = run_scenario(load_yaml(kNoReviews), {});
  const RunResult& run = results.runs.at(0);
  EXPECT_TRUE(std::isnan(run.final_public_rating));
  ASSERT_EQ(run.series.public_rating.size(), 10u);
  for (double rating : run.series.public_rating) EXPECT_TRUE(std::isnan(rating));
  const nlohmann::json json = results_to_json(results);
  EXPECT_TRUE(json.at("public_rating").at("mean").is_null());
  for (const auto& day : json.at("series").at("public_rating")) EXPECT_TRUE(day.is_null());
  EXPECT_NE(table_row(results_to_table(results), "Public rating (final)").find("n/a"), std::string::npos);
}

// Every buyer rates 1.0 and half post a review, so the rating after n
// reviews is (0.6·100 + n)/(100 + n): n can be read back from a rating.
const std::string kRatedEveryTwoDays = kNoReviews + "step_days: 2\nreviews: {post_probability: 0.5, prior: {rating: 0.6, weight: 100}}\n";

double reviews_behind(double rating) { return 100.0 * (rating - 0.6) / (1.0 - rating); }

TEST_F(Undefined, TheDailyRatingIsTheOneBehaviourUsed) {
  const RunResult run = run_scenario(load_yaml(kRatedEveryTwoDays), {}).runs.at(0);
  const std::vector<double>& rating = run.series.public_rating;
  ASSERT_EQ(rating.size(), 10u);
  // Day 0 ends inside the first step, which uses the prior: reviews posted
  // during it move the rating only from day 2, when the next step starts.
  EXPECT_EQ(rating[0], 0.6);
  for (std::size_t d = 1; d + 1 < rating.size(); d += 2) {
    EXPECT_EQ(rating[d], rating[d + 1]) << "day " << d << " ends at a step start; day " << d + 1 << " within that step";
    EXPECT_GT(rating[d], rating[d - 1]) << "day " << d;
  }
  // Each value is the Bayesian mean of a whole number of reviews.
  for (double value : rating) {
    const double n = reviews_behind(value);
    EXPECT_NEAR(n, std::round(n), 1e-6);
  }
  // The last day ends at the horizon: every review counts.
  const double n = static_cast<double>(run.reviews);
  EXPECT_NEAR(rating.back(), (60.0 + n) / (100.0 + n), 1e-12);
  EXPECT_EQ(run.final_public_rating, rating.back());
  EXPECT_GT(rating.back(), rating[rating.size() - 2]);

  // With daily steps the rating moves every day, from day 0 on.
  const RunResult daily =
      run_scenario(load_yaml(kNoReviews + "reviews: {post_probability: 0.5, prior: {rating: 0.6, weight: 100}}\n"), {})
          .runs.at(0);
  EXPECT_GT(daily.series.public_rating[0], 0.6);
  for (std::size_t d = 1; d < daily.series.public_rating.size(); ++d)
    EXPECT_GT(daily.series.public_rating[d], daily.series.public_rating[d - 1]);
}

}  // namespace
}  // namespace journeysim

// The round trip a teacher can show: simulate a known scenario, follow its
// customers with --trace, fit the trace, and get the scenario back within
// sampling error.
#include <gtest/gtest.h>

#include <cmath>

#include "cli_test_support.hpp"
#include "fit_test_support.hpp"
#include "journeysim/observed.hpp"

namespace {

using namespace journeysim::cli_testing;
using namespace journeysim::fit_testing;

const std::string kKnown = R"(name: known
seed: 11
horizon_days: 400
market: {size: 4000}
awareness:
  channels:
    - {via: ad, rate: 0.05}
touchpoints:
  ad:   {stage: awareness, experience: 0.6, dwell_days: {exponential: 1.5}}
  site: {stage: consideration, experience: {mean: 0.7, sd: 0.1}, dwell_days: {lognormal: {mean: 2.0, sd: 0.8}}}
  shop: {stage: purchase, purchase: {revenue: 30}, experience: 0.9, dwell_days: 0.5}
  help: {stage: retention, dwell_days: {exponential: 3.0}}
transitions:
  ad:   {site: 0.6}
  site: {shop: 0.3, ad: 0.2}
  shop: {help: 0.4}
  help: {shop: 0.25}
)";

TEST(FitRoundTrip, ATraceFitsBackToTheScenarioThatMadeIt) {
  const TempDir dir;
  const auto scenario_file = dir.write("known.yaml", kKnown);
  const auto trace = dir / "trace.csv";
  const auto run = run_cli({"run", scenario_file, "--trace", trace, "--trace-customers", "3000", "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run;
  const auto fitted_file = dir / "fitted.yaml";
  const auto fit = run_cli({"fit", trace, "-o", fitted_file, "--quiet"});
  ASSERT_EQ(fit.exit_code, 0) << fit;
  const auto known = load_text_or_fail(kKnown, "known.yaml");
  const auto fitted = load_text_or_fail(read_text(fitted_file), "fitted.yaml");

  // Departures seen from each touchpoint: its visits in the trace.
  const auto data = journeysim::read_observed_journeys(trace);
  std::map<std::string, double> visits;
  for (const auto& journey : data.journeys)
    for (auto touch : journey.touches) visits[data.touchpoints[touch]] += 1.0;
  ASSERT_GT(visits["help"], 200.0);

  for (const auto& transition : known.transitions) {
    const double p = transition.probability;
    const double estimate = transition_probability(fitted, transition.from, transition.to);
    const double standard_error = std::sqrt(p * (1 - p) / visits[transition.from]);
    EXPECT_LT(std::abs(estimate - p) / standard_error, 4.0) << transition.from << " -> " << transition.to << ": "
                                                             << estimate << " vs " << p;
  }
  EXPECT_DOUBLE_EQ(*touchpoint(fitted, "shop").purchase_revenue, 30.0);
  EXPECT_EQ(touchpoint(fitted, "shop").stage, journeysim::Stage::purchase);

  // Dwell means within 4 standard errors of the mean; the families where the
  // samples are many enough to tell them apart.
  const auto& ad = touchpoint(fitted, "ad").dwell;
  EXPECT_EQ(ad.kind, journeysim::Dwell::Kind::exponential);
  EXPECT_LT(std::abs(ad.mean - 1.5) / (1.5 / std::sqrt(visits["ad"])), 4.0) << ad.mean;
  const auto& site = touchpoint(fitted, "site").dwell;
  EXPECT_EQ(site.kind, journeysim::Dwell::Kind::lognormal);
  EXPECT_LT(std::abs(site.mean - 2.0) / (0.8 / std::sqrt(visits["site"])), 4.0) << site.mean;
  const auto& help = touchpoint(fitted, "help").dwell;
  EXPECT_LT(std::abs(help.mean - 3.0) / (3.0 / std::sqrt(visits["help"])), 4.0) << help.mean;
  const auto& shop = touchpoint(fitted, "shop").dwell;
  EXPECT_EQ(shop.kind, journeysim::Dwell::Kind::fixed);
  EXPECT_DOUBLE_EQ(shop.mean, 0.5);

  // Experiences: fixed ones exactly, the normal one's mean within 4 SE.
  EXPECT_DOUBLE_EQ(touchpoint(fitted, "ad").experience.mean, 0.6);
  EXPECT_LT(std::abs(touchpoint(fitted, "site").experience.mean - 0.7) / (0.1 / std::sqrt(visits["site"])), 4.0);
  EXPECT_FALSE(touchpoint(fitted, "help").experience.rated);
}

}  // namespace

// attribute: removal effects exact and simulated, heuristics, and the CLI of fit and attribute.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numeric>

#include "cli_test_support.hpp"
#include "fit_test_support.hpp"
#include "journeysim/attribution.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/fit.hpp"

namespace {

using journeysim::Attribution;
using journeysim::AttributionOptions;
using journeysim::ChannelCredit;
using namespace journeysim::cli_testing;
using namespace journeysim::fit_testing;

// P(convert) = 0.2 + 0.5 · 0.4 = 0.4 for everyone entering at a.
// Without b: 0.2 (removal effect 0.5); without a: 0 (1); c is never visited (0).
const std::string kChain = R"(name: chain
horizon_days: 10
market: {size: 10000}
awareness:
  initial: {share: 1, via: {a: 1}}
touchpoints:
  a:    {stage: awareness}
  b:    {stage: consideration}
  c:    {stage: consideration}
  shop: {stage: purchase, purchase: {revenue: 5}}
transitions:
  a: {b: 0.5, shop: 0.2}
  b: {shop: 0.4}
  c: {shop: 1}
)";

const ChannelCredit& channel(const Attribution& attribution, const std::string& name) {
  for (const auto& credit : attribution.channels)
    if (credit.channel == name) return credit;
  throw std::out_of_range("no channel " + name);
}

TEST(Attribution, RemovalEffectsAreExact) {
  const auto scenario = load_text_or_fail(kChain, "chain.yaml");
  const Attribution attribution = journeysim::attribute(scenario, nullptr, {});
  EXPECT_NEAR(attribution.conversion_probability, 0.4, 1e-15);
  ASSERT_EQ(attribution.channels.size(), 3u);  // shop is the purchase, not a channel
  EXPECT_NEAR(channel(attribution, "a").removal_effect, 1.0, 1e-15);
  EXPECT_NEAR(channel(attribution, "b").removal_effect, 0.5, 1e-15);
  EXPECT_NEAR(channel(attribution, "c").removal_effect, 0.0, 1e-15);
  // Scaled to the scenario's expectation: 10,000 aware × 0.4 = 4,000 conversions worth 20,000.
  EXPECT_NEAR(attribution.total_conversions, 4000.0, 1e-9);
  EXPECT_NEAR(channel(attribution, "a").attributed_conversions, 4000.0 * 1.0 / 1.5, 1e-9);
  EXPECT_NEAR(channel(attribution, "b").attributed_value, 20000.0 * 0.5 / 1.5, 1e-9);
}

TEST(Attribution, HistoriesOfAFittedHigherOrderChainCountForTheirLastChannel) {
  const TempDir dir;
  const auto data = journeysim::read_observed_journeys(dir.write("p.csv", second_order_paths(3000, 8)));
  journeysim::FitOptions options;
  options.order = 2;
  const auto scenario = load_text_or_fail(journeysim::fit_scenario(data, options).yaml);
  const Attribution attribution = journeysim::attribute(scenario, &data, {});
  ASSERT_EQ(attribution.channels.size(), 3u);
  for (const auto& credit : attribution.channels)
    for (const auto& name : credit.touchpoints)
      EXPECT_TRUE(name == credit.channel || name.ends_with(">" + credit.channel)) << name;
  double attributed = 0.0;
  for (const auto& credit : attribution.channels) attributed += credit.attributed_conversions;
  EXPECT_NEAR(attributed, static_cast<double>(data.conversions()), 1e-6);
}

TEST(Attribution, PairedSimulationAgreesWithTheExactEffects) {
  const auto scenario = load_text_or_fail(kChain, "chain.yaml");
  AttributionOptions options;
  options.simulate = true;
  options.replications = 10;
  options.threads = 2;
  const Attribution attribution = journeysim::attribute(scenario, nullptr, options);
  for (const auto& credit : attribution.channels) {
    ASSERT_TRUE(credit.simulated_removal_effect.has_value());
    const auto& effect = *credit.simulated_removal_effect;
    if (credit.removal_effect == 0.0 || credit.removal_effect == 1.0) {
      EXPECT_EQ(effect.mean, credit.removal_effect) << credit.channel;  // no noise: nobody or everybody is lost
      continue;
    }
    ASSERT_TRUE(effect.low && effect.high);
    const double standard_error = (*effect.high - *effect.low) / 2.0 / 2.2621571627409915;  // t(0.975, 9)
    EXPECT_GT(standard_error, 0.0);
    EXPECT_NEAR(effect.mean, credit.removal_effect, 4.0 * standard_error) << credit.channel;
  }
}

TEST(Attribution, HeuristicsCreditFirstLastAndEveryTouch) {
  const TempDir dir;
  const auto data = journeysim::read_observed_journeys(dir.write("p.csv", "a>b>b;2;10;1\nb;1;4;0\nc>a;0;0;3\n"));
  const auto scenario = load_text_or_fail(journeysim::fit_scenario(data, {}).yaml);
  const Attribution attribution = journeysim::attribute(scenario, &data, {});
  std::map<std::string, journeysim::HeuristicCredit> credit;
  for (const auto& h : attribution.heuristics) credit[h.channel] = h;
  EXPECT_DOUBLE_EQ(credit["a"].first_touch, 2.0);
  EXPECT_DOUBLE_EQ(credit["b"].first_touch, 1.0);
  EXPECT_DOUBLE_EQ(credit["b"].last_touch, 3.0);
  EXPECT_DOUBLE_EQ(credit["a"].linear_touch, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(credit["b"].linear_touch, 2.0 * 2.0 / 3.0 + 1.0);
  EXPECT_DOUBLE_EQ(credit["b"].linear_touch_value, 10.0 * 2.0 / 3.0 + 4.0);
  EXPECT_DOUBLE_EQ(credit["c"].first_touch + credit["c"].last_touch + credit["c"].linear_touch, 0.0);
  EXPECT_DOUBLE_EQ(attribution.total_conversions, 3.0);  // the data's, not the scenario's expectation
  EXPECT_DOUBLE_EQ(attribution.total_value, 14.0);
}

TEST(Attribution, NobodyConvertingIsAnInputError) {
  auto text = kChain;
  text.replace(text.find("a: {b: 0.5, shop: 0.2}"), 22, "a: {b: 0.5}");
  text.replace(text.find("b: {shop: 0.4}"), 14, "b: {c: 0.4}");
  text.replace(text.find("c: {shop: 1}"), 12, "c: {}");
  const auto scenario = load_text_or_fail(text, "none.yaml");
  EXPECT_THROW(journeysim::attribute(scenario, nullptr, {}), journeysim::InputError);
}

TEST(AttributionSharedData, ChannelAttributionPaths) {
  const std::string file = shared_paths_file();
  if (!std::filesystem::exists(file)) GTEST_SKIP() << file << " is absent (../shared sits beside a checkout only)";
  const auto data = journeysim::read_observed_journeys(file);
  const auto scenario = load_text_or_fail(journeysim::fit_scenario(data, {}).yaml);
  for (const bool with_paths : {false, true}) {
    const Attribution attribution = journeysim::attribute(scenario, with_paths ? &data : nullptr, {});
    double conversions = 0.0, value = 0.0;
    for (const auto& credit : attribution.channels) {
      conversions += credit.attributed_conversions;
      value += credit.attributed_value;
    }
    EXPECT_NEAR(conversions, 19785.0, 1e-6) << "with paths: " << with_paths;
    EXPECT_NEAR(value, data.conversion_value(), 1e-6) << "with paths: " << with_paths;
  }
  const Attribution attribution = journeysim::attribute(scenario, &data, {});
  double first = 0, last = 0, linear = 0, first_value = 0, linear_value = 0;
  for (const auto& credit : attribution.heuristics) {
    first += credit.first_touch;
    last += credit.last_touch;
    linear += credit.linear_touch;
    first_value += credit.first_touch_value;
    linear_value += credit.linear_touch_value;
  }
  EXPECT_DOUBLE_EQ(first, 19785.0);
  EXPECT_DOUBLE_EQ(last, 19785.0);
  EXPECT_NEAR(linear, 19785.0, 1e-6);
  EXPECT_NEAR(first_value, data.conversion_value(), 1e-6);
  EXPECT_NEAR(linear_value, data.conversion_value(), 1e-6);
}

TEST(AttributionSharedData, SimulatedRemovalEffectsAgreeWithExactOnes) {
  const std::string file = shared_paths_file();
  if (!std::filesystem::exists(file)) GTEST_SKIP() << file << " is absent (../shared sits beside a checkout only)";
  const auto data = journeysim::read_observed_journeys(file);
  const auto scenario = load_text_or_fail(journeysim::fit_scenario(data, {}).yaml);
  AttributionOptions options;
  options.simulate = true;
  options.replications = 10;
  options.threads = 2;
  const Attribution attribution = journeysim::attribute(scenario, nullptr, options);
  for (const auto& credit : attribution.channels) {
    const auto& effect = *credit.simulated_removal_effect;
    ASSERT_TRUE(effect.low && effect.high) << credit.channel;
    const double standard_error = (*effect.high - *effect.low) / 2.0 / 2.2621571627409915;
    EXPECT_NEAR(effect.mean, credit.removal_effect, 4.0 * standard_error) << credit.channel;
  }
}

TEST(CliFit, WritesAScenarioThatValidatesAnalyzesAndRuns) {
  const TempDir dir;
  const auto data = dir.write("p.csv", second_order_paths(2000, 2));
  const auto fitted = dir / "fitted.yaml";
  const auto fit = run_cli({"fit", data, "-o", fitted, "--order", "auto"});
  ASSERT_EQ(fit.exit_code, 0) << fit;
  EXPECT_TRUE(contains(fit.err, "Fitted order 2")) << fit;
  EXPECT_TRUE(contains(fit.err, "<- chosen")) << fit;
  EXPECT_EQ(run_cli({"validate", fitted}).exit_code, 0);
  EXPECT_EQ(run_cli({"analyze", fitted}).exit_code, 0);
  const auto run = run_cli({"run", fitted, "--json", "--threads", "2"});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_GT(parse_json(run)["purchasers"].get<double>(), 0.0);
  // Standard output when no -o: the same scenario.
  const auto to_stdout = run_cli({"fit", data, "--order", "2", "-q"});
  ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout;
  EXPECT_TRUE(to_stdout.err.empty()) << to_stdout;
  EXPECT_EQ(to_stdout.out.substr(to_stdout.out.find("\nname:")), read_text(fitted).substr(read_text(fitted).find("\nname:")));
}

TEST(CliFit, BadDataAndOptionsExitTwoWithTheirPlace) {
  const TempDir dir;
  const auto bad = dir.write("bad.csv", "a>b;1;1;1\na>b;x;1;1\n");
  const auto result = run_cli({"fit", bad, "-o", dir / "out.yaml"});
  EXPECT_EQ(result.exit_code, 2) << result;
  EXPECT_TRUE(contains(result.err, bad + ":2:5: error: total_conversions is 'x'")) << result;
  EXPECT_FALSE(std::filesystem::exists(dir / "out.yaml"));
  const auto good = dir.write("good.csv", "a>b;1;1;1\n");
  EXPECT_EQ(run_cli({"fit", good, "--order", "7"}).exit_code, 2);
  EXPECT_EQ(run_cli({"fit", good, "--order", "two"}).exit_code, 2);
  EXPECT_EQ(run_cli({"fit", good, "--market-size", "10"}).exit_code, 2);
  EXPECT_EQ(run_cli({"fit", dir / "missing.csv"}).exit_code, 2);
  EXPECT_EQ(run_cli({"fit", good, "-o", dir / "no/such/dir/out.yaml"}).exit_code, 2);
}

TEST(CliAttribute, JsonHasTheDesignKeys) {
  const TempDir dir;
  const auto paths = dir.write("p.csv", "a>b>b;2;10;1\nb;1;4;0\nc>a;0;0;3\n");
  const auto fitted = dir / "fitted.yaml";
  ASSERT_EQ(run_cli({"fit", paths, "-o", fitted, "-q"}).exit_code, 0);
  const auto result = run_cli({"attribute", fitted, "--paths", paths, "--simulate", "-r", "3", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result;
  const auto json = parse_json(result);
  for (const char* key : {"removal_effect", "attributed_conversions", "attributed_value", "simulated_removal_effect"})
    for (const char* channel : {"a", "b", "c"}) EXPECT_TRUE(json[key].contains(channel)) << key << "." << channel;
  for (const char* heuristic : {"first_touch", "last_touch", "linear_touch"})
    EXPECT_TRUE(json["heuristics"][heuristic].contains("b")) << heuristic;
  EXPECT_DOUBLE_EQ(json["total_conversions"].get<double>(), 3.0);
  const auto table = run_cli({"attribute", fitted, "--paths", paths});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_TRUE(contains(table.out, "Removal effect")) << table;
  EXPECT_TRUE(contains(table.out, "First touch")) << table;
}

}  // namespace

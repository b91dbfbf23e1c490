// The `refund` key of a touchpoint: money given back on entering it (a
// return after checkout). Loaded like every other key: file:line:col errors,
// did-you-mean for unknown keys, and a pointer to it from a negative revenue.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "journeysim/load.hpp"
#include "load_test_helpers.hpp"

namespace journeysim {
namespace {

using namespace load_test;

// The 1-based column of `token` in line `line` of `text`.
int column_of(const std::string& text, int line, const std::string& token) {
  std::istringstream lines(text);
  std::string current;
  for (int n = 1; std::getline(lines, current); ++n)
    if (n == line) return static_cast<int>(current.find(token)) + 1;
  return 0;
}

const std::string kShop = R"(horizon_days: 30
market: {size: 1000}
awareness: {channels: [{via: ad, rate: 0.01}]}
touchpoints:
  ad: {stage: awareness}
  shop: {stage: purchase, purchase: {revenue: 95}}
  returns: {stage: retention, refund: {amount: 95}}
transitions:
  ad: {shop: 0.5}
  shop: {returns: 0.2}
strategies:
  cheaper_returns:
    - {scale: touchpoints.returns.refund.amount, by: 0.5}
  refund_at_checkout:
    - {add: touchpoints.shop.refund, value: {amount: 5}}
)";

TEST(LoadRefunds, ARefundTouchpointLoadsAndAStrategyCanScaleIt) {
  Loaded loaded = load(kShop.substr(0, kShop.find("strategies:")));
  ASSERT_TRUE(loaded.scenario) << loaded.diagnostics.format();
  const Scenario& s = *loaded.scenario;
  const Touchpoint& returns = s.touchpoints.at(2);
  EXPECT_EQ(returns.name, "returns");
  ASSERT_TRUE(returns.refund_amount);
  EXPECT_EQ(*returns.refund_amount, 95.0);
  EXPECT_FALSE(returns.purchase_revenue);
  EXPECT_FALSE(s.touchpoints.at(1).refund_amount);  // a purchase is not a refund

  Loaded with_strategies = load(kShop.substr(0, kShop.find("  refund_at_checkout:")));
  ASSERT_TRUE(with_strategies.scenario) << with_strategies.diagnostics.format();
  Diagnostics diagnostics;
  const auto cheaper = apply_strategy(*with_strategies.scenario, "cheaper_returns", diagnostics);
  ASSERT_TRUE(cheaper) << diagnostics.format();
  EXPECT_EQ(*cheaper->touchpoints.at(2).refund_amount, 47.5);
}

TEST(LoadRefunds, EveryMistakeIsReportedWhereItIs) {
  const std::string text = R"(horizon_days: 30
market: {size: 1000}
awareness: {channels: [{via: ad, rate: 0.01}]}
touchpoints:
  ad: {stage: awareness}
  shop: {stage: purchase, purchase: {revenue: -95}}
  a: {stage: retention, refund: {amount: 0}}
  b: {stage: retention, refund: {amout: 5}}
  c: {stage: retention, refund: 95}
  d: {stage: purchase, purchase: {revenue: 5}, refund: {amount: 5}}
  e: {stage: retention, refund: {amount: .inf}}
  f: {stage: retention, refund: {amount: -3}}
transitions:
  ad: {shop: 0.5}
)";
  Loaded loaded = load(text);
  // A negative revenue is money given back: the message says how to write that.
  EXPECT_ERROR(loaded, 6, column_of(text, 6, "-95"),
               "touchpoints.shop.purchase.revenue is -95; revenue cannot be negative");
  EXPECT_ERROR(loaded, 6, column_of(text, 6, "-95"), "`refund: {amount: 95}`");
  EXPECT_ERROR(loaded, 7, column_of(text, 7, "0}"), "touchpoints.a.refund.amount is 0; it must be greater than 0");
  EXPECT_ERROR(loaded, 8, column_of(text, 8, "amout"), "did you mean 'amount'?");
  EXPECT_ERROR(loaded, 8, column_of(text, 8, "{amout"), "touchpoints.b.refund is missing 'amount'");
  EXPECT_ERROR(loaded, 9, column_of(text, 9, "95"), "touchpoints.c.refund must be {amount: money given back}");
  EXPECT_ERROR(loaded, 10, column_of(text, 10, "refund"),
               "touchpoints.d has both `purchase` and `refund`; a touchpoint is either a sale or a return");
  EXPECT_ERROR(loaded, 11, column_of(text, 11, ".inf"), "touchpoints.e.refund.amount is .inf; it must be a finite number");
  EXPECT_ERROR(loaded, 12, column_of(text, 12, "-3"), "touchpoints.f.refund.amount is -3; it must be greater than 0");
  EXPECT_EQ(error_count(loaded.diagnostics), 8) << loaded.diagnostics.format();
}

TEST(LoadRefunds, AStrategyCannotMakeAPurchaseARefund) {
  Loaded loaded = load(kShop);
  // validate tries every strategy: the one that puts a refund on checkout fails, at its edit.
  EXPECT_FALSE(loaded.scenario);
  EXPECT_TRUE(has(loaded.diagnostics, Severity::error, 15, column_of(kShop, 15, "touchpoints"),
                  "has both `purchase` and `refund`"));
}

TEST(LoadRefunds, ARefundWhereNewCustomersEnterIsAWarning) {
  Loaded loaded = load(R"(horizon_days: 30
market: {size: 1000}
awareness: {channels: [{via: returns, rate: 0.01}]}
touchpoints:
  returns: {stage: retention, refund: {amount: 95}}
  shop: {stage: purchase, purchase: {revenue: 95}}
transitions:
  returns: {shop: 0.5}
)");
  ASSERT_TRUE(loaded.scenario) << loaded.diagnostics.format();
  EXPECT_TRUE(has(loaded.diagnostics, Severity::warning, 5, 3, "people who never bought get money back"));
}

}  // namespace
}  // namespace journeysim

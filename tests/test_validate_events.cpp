// A loop with a probability near 1 validates, with a warning computed from
// the exact chain: how many moves an aware customer is expected to make.
#include <gtest/gtest.h>

#include "journeysim/load.hpp"

namespace journeysim {
namespace {

std::string renewal_loop(const std::string& renew) {
  return R"(horizon_days: 365
market: {size: 1000}
awareness: {initial: {share: 1.0, via: {shop: 1.0}}}
touchpoints:
  shop:  {stage: purchase, purchase: {revenue: 10}}
  renew: {stage: retention}
transitions:
  shop:  {renew: 1.0}
  renew: {shop: )" + renew + "}\n";
}

TEST(ExpectedEvents, ALoopNearOneWarnsWithTheExpectedMoves) {
  Diagnostics diagnostics;
  ASSERT_TRUE(load_scenario_text(renewal_loop("0.9999"), "loop.yaml", diagnostics)) << diagnostics.format();
  // Each round is two moves (shop, renew); 10,000 rounds expected: 20,000
  // moves. The warning points at the row of the busiest touchpoint, shop.
  const std::string text = diagnostics.format();
  EXPECT_NE(text.find("loop.yaml:8:11: warning: an aware customer is expected to make 20000 moves"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("--max-events (default 1000000)"), std::string::npos) << text;
}

TEST(ExpectedEvents, OrdinaryLoopsDoNotWarn) {
  Diagnostics diagnostics;
  ASSERT_TRUE(load_scenario_text(renewal_loop("0.9"), "loop.yaml", diagnostics)) << diagnostics.format();
  EXPECT_TRUE(diagnostics.all().empty()) << diagnostics.format();
}

}  // namespace
}  // namespace journeysim

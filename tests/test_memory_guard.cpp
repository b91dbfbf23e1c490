// The memory guard counts customers in progress, not the market (issue J):
// customers' slots are reused when their journeys end, so a market far
// larger than memory runs if few travel at once. A run whose customers in
// progress cannot fit is refused before it starts, when the scenario says
// so, or stopped at the step where they would outgrow the memory — with
// what it needs, what there is and what to change, never std::bad_alloc or
// the OOM killer.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>

#include "cli_test_support.hpp"
#include "runtime_test_support.hpp"
#include "sanitizers.hpp"

namespace journeysim::cli_testing {
namespace {

using namespace std::chrono_literals;

// Everyone aware within days and then travelling for 10 days: the scenario
// alone says that nearly the whole market is in progress at once.
const std::string kLongJourneys = R"(name: long-journeys
horizon_days: 30
market: {size: 100000000}
awareness:
  channels:
    - {via: ad, rate: 0.5}
touchpoints:
  ad:   {stage: awareness, dwell_days: 10.0}
  shop: {stage: purchase, purchase: {revenue: 20}}
transitions:
  ad: {shop: 0.5}
)";

// Hardly anyone aware through the channel (the estimate before the run is
// small), but every buyer an advocate forever and word of mouth strong, so
// the market becomes aware within days, and each customer then stays 20
// days: the customers in progress outgrow the memory during the run.
const std::string kWordOfMouthWave = R"(name: word-of-mouth-wave
horizon_days: 60
market: {size: 40000000}
awareness:
  channels:
    - {via: shop, rate: 0.000001}
word_of_mouth: {via: shop, rate: 40}
touchpoints:
  shop:  {stage: purchase, purchase: {revenue: 20}, experience: 1.0}
  after: {stage: retention, dwell_days: 20.0}
transitions:
  shop: {after: 1.0}
advocacy: {promoter_at: 0.9, advocate_probability: 1.0}
)";

// Every test here runs the program under an address-space limit.
class MemoryGuard : public ::testing::Test {
 protected:
  void SetUp() override {
    if (journeysim::sanitizers::kSanitized) GTEST_SKIP() << kAddressSpaceLimitNeedsUnsanitizedBuild;
  }
};

TEST_F(MemoryGuard, ARunWhoseCustomersInProgressCannotFitIsRefusedBeforeItStarts) {
  const TempDir dir;
  const std::string scenario = dir.write("long.yaml", kLongJourneys);
  Child child({"run", scenario, "-t", "1", "-q"}, address_space_limit(1500ull << 20));
  const CliResult r = child.wait(60s);
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(std::regex_search(
      r.err, std::regex("^journeysim: this run needs about [0-9.]+ GB of memory \\([0-9.]+ GB for customers: "
                        "about 100000000 in progress at once × 48 bytes \\(their awareness rates × a mean journey "
                        "of 10 days, word of mouth aside\\) and 50000000 purchasers' first-purchase delays × 4 "
                        "bytes\\), but [0-9.]+ (MB|GB) is available \\(what the address-space limit \\(ulimit -v, "
                        "1.6 GB\\) leaves\\); to need less: ")))
      << r;
  EXPECT_FALSE(contains(r.err, "bad_alloc")) << r;
}

TEST_F(MemoryGuard, ARunWhoseCustomersInProgressOutgrowTheMemoryStopsWithWhatToChange) {
  const TempDir dir;
  const std::string scenario = dir.write("wave.yaml", kWordOfMouthWave);
  Child child({"run", scenario, "-t", "1", "-q"}, address_space_limit(1000ull << 20));
  const CliResult r = child.wait(120s);
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(std::regex_search(
      r.err, std::regex("^journeysim: this run needs more memory than is available: at day [0-9.]+ it would have "
                        "[0-9]+ customers in progress \\(48 bytes each, with [0-9]+ first-purchase delays so far: "
                        "[0-9.]+ (MB|GB)\\), but its customers may use [0-9.]+ (MB|GB) of the [0-9.]+ (MB|GB) available when "
                        "it started \\(what the address-space limit \\(ulimit -v, 1.0 GB\\) leaves\\); to need "
                        "less: a smaller --market-size")))
      << r;
  EXPECT_FALSE(contains(r.err, "bad_alloc")) << r;
}

// The same wave on a market a tenth the size fits: the guard stops only
// what cannot run.
TEST_F(MemoryGuard, TheSameWaveOnASmallerMarketRuns) {
  const TempDir dir;
  const std::string scenario = dir.write("wave.yaml", kWordOfMouthWave);
  Child child({"run", scenario, "-t", "1", "-q", "--market-size", "2000000", "--json"},
              address_space_limit(1000ull << 20));
  const CliResult r = child.wait(120s);
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_GT(parse_json(r)["aware"].get<double>(), 1'000'000.0) << "the wave reached most of the market";
}

}  // namespace
}  // namespace journeysim::cli_testing

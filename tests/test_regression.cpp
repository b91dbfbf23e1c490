// Bit-for-bit regression against stored outputs of the shipped scenarios
// (tests/data/regression/): a change to the engine that is meant to change
// no number — a new memory layout, slot reuse, a faster sampler that draws
// the same bits — must reproduce them exactly, under 1 and 2 threads and
// split over 2 ranks. When a change of results is intended, regenerate them
// with tools/regression_baseline.sh and say why in the commit.
//
// JOURNEYSIM_REGRESSION_WRITE=1 makes the test write the files instead of
// comparing (what the script does).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "journeysim/ensemble.hpp"
#include "journeysim/io.hpp"
#include "journeysim/load.hpp"
#include "partition_test_support.hpp"
#include "support.hpp"

namespace journeysim::testing {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string name;      // file stem under tests/data/regression/
  std::string scenario;  // relative to the source tree
  std::uint64_t market = 20'000;
  bool run_off = false;
  std::uint32_t trace = 0;  // customers traced
  std::uint32_t max_events = 1'000'000;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"bass", "scenarios/bass.yaml"},
      {"ecosystem", "scenarios/ecosystem.yaml", 100'000},
      // Run-off and a trace: the paths that iterate the customers still travelling.
      {"ecosystem_run_off_trace", "scenarios/ecosystem.yaml", 20'000, true, 40},
      // A low event cap: journeys truncated mid-walk.
      {"ecosystem_truncated", "scenarios/ecosystem.yaml", 20'000, false, 0, 6},
      {"funnel", "scenarios/funnel.yaml"},
      {"hourglass", "scenarios/hourglass.yaml"},
      {"shoe_shop", "scenarios/shoe_shop.yaml"},
      {"ladder", "scenarios/ladder/ladder.yaml"},
  };
  return all;
}

RunPlan plan_of(const Case& c) {
  RunOptions options;
  options.seed = 11;
  options.market_size = c.market;
  options.replications = 2;
  options.run_off = c.run_off;
  options.trace_customers = c.trace;
  options.max_events_per_customer = c.max_events;
  return plan_for(load_scenario_or_throw(source_path(c.scenario)), options);
}

// What a result says, without the facts of the machine that ran it.
std::string outputs(const Results& results) {
  nlohmann::json json = without_timing(results_to_json(results));
  // Provenance: where and when it ran, from which checkout.
  for (const char* key : {"path", "git_commit", "version", "created_utc", "command_line"}) json.erase(key);
  std::string text = json.dump(1) + "\n";
  if (!results.trace.rows.empty()) text += "# trace\n" + trace_to_csv(results);
  return text;
}

std::string run_with_threads(const Case& c, unsigned threads) {
  Engine engine(threads);
  return outputs(engine.run(plan_of(c)));
}

std::string run_on_ranks(const Case& c, std::uint32_t ranks) {
  ThreadGroup group(ranks);
  const RunPlan plan = plan_of(c);
  const auto texts = group.run<std::string>([&](MarketPartition& partition) {
    Engine engine(1, &partition);
    return outputs(engine.run(plan));
  });
  for (const auto& text : texts) EXPECT_EQ(text, texts.front()) << "every rank has the whole result";
  return texts.front();
}

fs::path stored_path(const Case& c) { return fs::path(source_path("tests/data/regression")) / (c.name + ".txt"); }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The first line where two texts differ, for a readable failure.
std::string first_difference(const std::string& expected, const std::string& actual) {
  std::istringstream a(expected), b(actual);
  std::string line_a, line_b;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, line_a));
    const bool more_b = static_cast<bool>(std::getline(b, line_b));
    if (!more_a && !more_b) return "no difference";
    if (!more_a || !more_b || line_a != line_b)
      return "line " + std::to_string(line) + ": stored '" + (more_a ? line_a : "<end>") + "', now '" +
             (more_b ? line_b : "<end>") + "'";
  }
}

class Regression : public ::testing::TestWithParam<Case> {};

TEST_P(Regression, OutputsAreBitIdenticalToTheStoredBaseline) {
  const Case& c = GetParam();
  const std::string one_thread = run_with_threads(c, 1);
  if (const char* write = std::getenv("JOURNEYSIM_REGRESSION_WRITE"); write && std::string(write) == "1") {
    fs::create_directories(stored_path(c).parent_path());
    std::ofstream(stored_path(c), std::ios::binary) << one_thread;
    GTEST_SKIP() << "wrote " << stored_path(c);
  }
  ASSERT_TRUE(fs::exists(stored_path(c))) << stored_path(c) << ": run tools/regression_baseline.sh";
  const std::string stored = read_file(stored_path(c));
  EXPECT_TRUE(one_thread == stored) << "1 thread, " << first_difference(stored, one_thread);
  const std::string two_threads = run_with_threads(c, 2);
  EXPECT_TRUE(two_threads == stored) << "2 threads, " << first_difference(stored, two_threads);
  const std::string two_ranks = run_on_ranks(c, 2);
  EXPECT_TRUE(two_ranks == stored) << "2 ranks, " << first_difference(stored, two_ranks);
}

INSTANTIATE_TEST_SUITE_P(ShippedScenarios, Regression, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

}  // namespace
}  // namespace journeysim::testing

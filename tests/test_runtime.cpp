// The process around a run (journeysim/runtime.hpp): stopping at a step
// boundary when asked (a signal), what the engine keeps of an interrupted
// run, the table of temporary files a second signal removes, and the memory
// check before a run allocates.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "journeysim/ensemble.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/runtime.hpp"
#include "support.hpp"

namespace journeysim {
namespace {

namespace fs = std::filesystem;
using testing::load_yaml;

const std::string kScenario = R"(name: steady
seed: 5
horizon_days: 100
market: {size: 20000}
awareness:
  channels:
    - {via: ad, rate: 0.01}
touchpoints:
  ad:   {stage: awareness, experience: 0.7}
  shop: {stage: purchase, purchase: {revenue: 10}, experience: 0.9, dwell_days: 1.0}
transitions:
  ad:   {shop: 0.3}
  shop: {ad: 0.5}
)";

// Every test leaves the flag as it found it: clear.
class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override { runtime::reset_stop(); }
  void TearDown() override { runtime::reset_stop(); }
};

RunPlan plan_of(const Scenario& scenario, std::uint32_t replications) {
  RunOptions options;
  options.replications = replications;
  return plan_for(scenario, options);
}

TEST_F(RuntimeTest, AStopBeforeTheRunStartsRunsNothing) {
  Engine engine(1);
  runtime::request_stop(SIGINT);
  try {
    engine.run(plan_of(load_yaml(kScenario), 2));
    FAIL() << "expected Interrupted";
  } catch (const Interrupted& stop) {
    EXPECT_EQ(stop.signal(), SIGINT);
    EXPECT_NE(std::string(stop.what()).find("interrupted (SIGINT) before the run started"), std::string::npos)
        << stop.what();
    EXPECT_TRUE(stop.partial().runs.empty());
  }
}

// A stop half way through the first replication: that replication, up to
// the step it reached, marked incomplete; nothing of the days after it.
TEST_F(RuntimeTest, AStopInTheFirstReplicationKeepsItUpToThatStep) {
  Engine engine(2);
  const Scenario scenario = load_yaml(kScenario);
  const Results whole = engine.run(plan_of(scenario, 1));
  try {
    engine.run(plan_of(scenario, 3), [](double fraction) {
      if (fraction >= 0.5 / 3) runtime::request_stop(SIGTERM);  // day 50 of replication 1
    });
    FAIL() << "expected Interrupted";
  } catch (const Interrupted& stop) {
    EXPECT_EQ(stop.signal(), SIGTERM);
    const Results& partial = stop.partial();
    ASSERT_EQ(partial.runs.size(), 1u);
    EXPECT_EQ(partial.interrupted, "interrupted (SIGTERM) at day 50 of 100, in replication 1 of 3: the results stop there");
    const DailySeries& cut = partial.runs[0].series;
    const DailySeries& full = whole.runs[0].series;
    ASSERT_EQ(cut.purchases.size(), 100u);
    for (std::size_t day = 0; day < 50; ++day) EXPECT_EQ(cut.purchases[day], full.purchases[day]) << "day " << day;
    for (std::size_t day = 50; day < 100; ++day) EXPECT_EQ(cut.purchases[day], 0u) << "day " << day;
    EXPECT_LT(partial.runs[0].aware, whole.runs[0].aware);
  }
}

// Later, the finished replications are kept whole and the one cut short is dropped.
TEST_F(RuntimeTest, AStopInALaterReplicationKeepsTheFinishedOnes) {
  Engine engine(1);
  const Scenario scenario = load_yaml(kScenario);
  const Results whole = engine.run(plan_of(scenario, 3));
  try {
    engine.run(plan_of(scenario, 3), [](double fraction) {
      if (fraction >= 0.5) runtime::request_stop(SIGINT);  // half way through replication 2
    });
    FAIL() << "expected Interrupted";
  } catch (const Interrupted& stop) {
    const Results& partial = stop.partial();
    ASSERT_EQ(partial.runs.size(), 1u);
    EXPECT_EQ(partial.interrupted, "interrupted (SIGINT) after 1 of 3 replications");
    EXPECT_EQ(partial.runs[0].purchasers, whole.runs[0].purchasers);
    EXPECT_EQ(partial.runs[0].series.purchases, whole.runs[0].series.purchases);
  }
}

// The engine reads the flag between steps only: once set, no step runs after it.
TEST_F(RuntimeTest, TheEngineStopsAtTheNextStepBoundary) {
  Engine engine(2);
  int steps_after = -1;
  try {
    engine.run(plan_of(load_yaml(kScenario), 1), [&](double fraction) {
      if (steps_after >= 0) ++steps_after;
      if (steps_after < 0 && fraction >= 0.1) {
        runtime::request_stop(SIGINT);
        steps_after = 0;
      }
    });
    FAIL() << "expected Interrupted";
  } catch (const Interrupted&) {
    EXPECT_EQ(steps_after, 0);
  }
}

TEST_F(RuntimeTest, AcknowledgedStopsLetTheNextRunFinish) {
  Engine engine(1);
  runtime::request_stop(SIGINT);
  runtime::acknowledge_stop();
  EXPECT_FALSE(runtime::stop_requested());
  EXPECT_EQ(engine.run(plan_of(load_yaml(kScenario), 1)).runs.size(), 1u);
}

TEST_F(RuntimeTest, TheTempFileTableRemovesWhatIsRegistered) {
  const fs::path dir = fs::temp_directory_path() / ("journeysim-runtime-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string a = (dir / "a.tmp").string(), b = (dir / "b.tmp").string();
  std::ofstream(a) << "a";
  std::ofstream(b) << "b";
  const int slot_a = runtime::register_temp_file(a);
  const int slot_b = runtime::register_temp_file(b);
  ASSERT_GE(slot_a, 0);
  ASSERT_GE(slot_b, 0);
  runtime::unregister_temp_file(slot_b);  // done with: renamed, say
  EXPECT_EQ(runtime::remove_registered_temp_files(), 1);
  EXPECT_FALSE(fs::exists(a));
  EXPECT_TRUE(fs::exists(b));
  EXPECT_EQ(runtime::register_temp_file(std::string(5000, 'x')), -1);  // too long for the table
  fs::remove_all(dir);
}

// The first signal only asks; the second removes the temporary files and
// ends the process by the signal (run in a child process).
TEST_F(RuntimeTest, ASecondSignalRemovesTempFilesAndEndsTheProcess) {
  const fs::path dir = fs::temp_directory_path() / ("journeysim-runtime2-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string temp = (dir / "out.h5.tmp-1-0").string();
  std::ofstream(temp) << "half a file";
  const pid_t child = ::fork();
  if (child == 0) {
    runtime::reset_stop();
    runtime::install_signal_handlers();
    runtime::register_temp_file(temp);
    ::raise(SIGINT);
    if (!runtime::stop_requested()) ::_exit(3);
    ::raise(SIGINT);
    ::_exit(4);  // not reached: the second signal ends the process
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGINT);
  EXPECT_FALSE(fs::exists(temp));
  fs::remove_all(dir);
}

TEST(Memory, AvailableMemoryIsKnownOnLinux) {
  const runtime::MemoryAvailable available = runtime::available_memory();
  EXPECT_FALSE(available.source.empty());
  EXPECT_GT(available.bytes, 1'000'000u);
  EXPECT_EQ(runtime::format_bytes(2'500'000'000), "2.5 GB");
  EXPECT_EQ(runtime::format_bytes(640'000'000), "640 MB");
}

}  // namespace
}  // namespace journeysim

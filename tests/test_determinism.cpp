// Same scenario and seed ⇒ identical results, whatever the thread count.
#include <gtest/gtest.h>

#include <H5Cpp.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "journeysim/engine.hpp"
#include "journeysim/io.hpp"
#include "hdf5_datasets.hpp"
#include "support.hpp"

namespace journeysim {
namespace {

Results run_with_threads(const Scenario& scenario, unsigned threads) {
  RunOptions options;
  options.threads = threads;
  options.replications = 2;
  return run_scenario(scenario, options);
}

TEST(Determinism, OneAndTwoThreadsGiveIdenticalJsonAndHdf5) {
  const Scenario scenario = testing::load_yaml(testing::kAllDynamicsScenario);
  const Results one = run_with_threads(scenario, 1);
  const Results two = run_with_threads(scenario, 2);
  ASSERT_GT(one.runs.at(0).purchasers, 1000u);
  ASSERT_GT(one.runs.at(0).reviews, 100u);
  ASSERT_GT(one.runs.at(0).advocates, 100u);
  EXPECT_GT(one.runs.at(0).series.newly_aware_word_of_mouth.back(), 0u);
  EXPECT_GT(one.runs.at(0).refunds, 0.0);
  EXPECT_GT(one.runs.at(0).cost_retention, 0.0);

  const auto difference = nlohmann::json::diff(testing::without_timing(results_to_json(one)), testing::without_timing(results_to_json(two)));
  EXPECT_TRUE(difference.empty()) << difference.dump().substr(0, 2000);

  const auto folder = std::filesystem::temp_directory_path() / ("journeysim-determinism-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  const std::string path_one = (folder / "one.h5").string();
  const std::string path_two = (folder / "two.h5").string();
  write_results_hdf5(one, path_one);
  write_results_hdf5(two, path_two);
  std::map<std::string, std::vector<char>> datasets_one;
  try {
    datasets_one = testing_hdf5::datasets_of(path_one);
  } catch (const H5::Exception& error) {
    FAIL() << error.getDetailMsg();
  }
  const auto datasets_two = testing_hdf5::datasets_of(path_two);
  EXPECT_GT(datasets_one.size(), 10u);
  EXPECT_TRUE(datasets_one == datasets_two);
  std::filesystem::remove_all(folder);
}

TEST(Determinism, ReplicationsDifferAndSeedsMatter) {
  const Scenario scenario = testing::load_yaml(testing::kAllDynamicsScenario);
  const Results results = run_with_threads(scenario, 2);
  EXPECT_NE(results.runs[0].purchasers, results.runs[1].purchasers);
  RunOptions other_seed;
  other_seed.seed = 99;
  EXPECT_NE(run_scenario(scenario, other_seed).runs[0].purchasers, results.runs[0].purchasers);
}

}  // namespace
}  // namespace journeysim

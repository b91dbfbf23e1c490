// Same scenario and seed ⇒ identical results, whatever the thread count.
#include <gtest/gtest.h>

#include <H5Cpp.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "journeysim/engine.hpp"
#include "journeysim/io.hpp"
#include "support.hpp"

namespace journeysim {
namespace {

// Every dynamic on: word of mouth, reviews moving a rating-elastic edge,
// advocacy with expiry, segments, loops, all dwell kinds, refunds and
// retention spending.
const char* const all_dynamics_yaml = R"(
name: all-dynamics
seed: 2024
horizon_days: 120
step_days: 0.5
market:
  size: 300000
  segments:
    - {name: researchers, share: 0.4, review_sensitivity: 1.5}
    - {name: impulsive, share: 0.6, awareness_multiplier: 1.3,
       transition_scale: {website->checkout: 1.4}, experience_shift: -0.05}
awareness:
  initial: {share: 0.01, via: {search: 0.7, website: 0.3}}
  channels:
    - {via: social_ad, rate: 0.004}
    - {via: search, rate: 0.002}
word_of_mouth: {via: friend_referral, rate: 0.3, advocate_days: 30}
touchpoints:
  social_ad:       {stage: awareness, cost: 0.5, experience: 0.6, dwell_days: {exponential: 1.0}}
  search:          {stage: awareness, cost: 1.2, experience: 0.7, dwell_days: 0.5}
  friend_referral: {stage: awareness, experience: 0.9}
  website:         {stage: consideration, experience: 0.7, dwell_days: {lognormal: {mean: 2.0, sd: 1.0}}}
  reviews:         {stage: consideration, experience: 0.6}
  checkout:        {stage: purchase, purchase: {revenue: 80.0}, experience: 0.95}
  support:         {stage: retention, cost: 4.0, experience: {mean: 0.5, sd: 0.2}, dwell_days: {exponential: 2.0}}
  returns:         {stage: retention, cost: 1.5, refund: {amount: 80.0}, dwell_days: 1.0}
transitions:
  social_ad:       {website: 0.25, reviews: 0.05}
  search:          {website: 0.50, reviews: 0.15}
  friend_referral: {website: 0.60, checkout: 0.20}
  website:         {reviews: 0.30, checkout: 0.12, social_ad: 0.05}
  reviews:         {website: 0.40, checkout: {p: 0.15, rating_elasticity: 2.0}}
  checkout:        {support: 0.20, checkout: 0.1}
  support:         {checkout: 0.10, returns: 0.3}
reviews: {post_probability: 0.3, prior: {rating: 0.7, weight: 20}}
advocacy: {promoter_at: 0.8, detractor_below: 0.7, advocate_probability: 0.5}
)";

Results run_with_threads(const Scenario& scenario, unsigned threads) {
  RunOptions options;
  options.threads = threads;
  options.replications = 2;
  return run_scenario(scenario, options);
}

nlohmann::json without_timing(nlohmann::json json) {
  for (const char* key : {"wall_seconds", "events_per_s", "threads"}) json.erase(key);
  if (json.contains("runs"))
    for (auto& run : json["runs"]) run.erase("wall_seconds");
  return json;
}

// Every dataset in an HDF5 file, as bytes (variable-length strings as text).
std::map<std::string, std::vector<std::string>> read_datasets(const std::string& path) {
  std::map<std::string, std::vector<std::string>> contents;
  H5::H5File file(path, H5F_ACC_RDONLY);
  std::vector<std::string> names;
  H5Ovisit(
      file.getId(), H5_INDEX_NAME, H5_ITER_INC,
      [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(data)->push_back(name);
        return 0;
      },
      &names);
  for (const auto& name : names) {
    H5::DataSet dataset = file.openDataSet(name);
    H5::DataType type = dataset.getDataType();
    const auto elements = static_cast<size_t>(dataset.getSpace().getSimpleExtentNpoints());
    std::vector<std::string>& values = contents[name];
    if (elements == 0) continue;
    if (type.getClass() == H5T_STRING && H5::StrType(dataset).isVariableStr()) {
      std::vector<char*> strings(elements);
      H5::StrType string_type = dataset.getStrType();  // keeps the file's character set
      dataset.read(strings.data(), string_type);
      for (char* s : strings) values.emplace_back(s ? s : "");
      H5Dvlen_reclaim(string_type.getId(), dataset.getSpace().getId(), H5P_DEFAULT, strings.data());
    } else {
      H5::DataType native(H5Tget_native_type(type.getId(), H5T_DIR_ASCEND));
      std::string bytes(elements * native.getSize(), '\0');
      dataset.read(bytes.data(), native);
      values.push_back(std::move(bytes));
    }
  }
  return contents;
}

TEST(Determinism, OneAndTwoThreadsGiveIdenticalJsonAndHdf5) {
  const Scenario scenario = testing::load_yaml(all_dynamics_yaml);
  const Results one = run_with_threads(scenario, 1);
  const Results two = run_with_threads(scenario, 2);
  ASSERT_GT(one.runs.at(0).purchasers, 1000u);
  ASSERT_GT(one.runs.at(0).reviews, 100u);
  ASSERT_GT(one.runs.at(0).advocates, 100u);
  EXPECT_GT(one.runs.at(0).series.newly_aware_word_of_mouth.back(), 0u);
  EXPECT_GT(one.runs.at(0).refunds, 0.0);
  EXPECT_GT(one.runs.at(0).cost_retention, 0.0);

  const auto difference = nlohmann::json::diff(without_timing(results_to_json(one)), without_timing(results_to_json(two)));
  EXPECT_TRUE(difference.empty()) << difference.dump().substr(0, 2000);

  const auto folder = std::filesystem::temp_directory_path() / ("journeysim-determinism-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  const std::string path_one = (folder / "one.h5").string();
  const std::string path_two = (folder / "two.h5").string();
  write_results_hdf5(one, path_one);
  write_results_hdf5(two, path_two);
  std::map<std::string, std::vector<std::string>> datasets_one;
  try {
    datasets_one = read_datasets(path_one);
  } catch (const H5::Exception& error) {
    FAIL() << error.getDetailMsg();
  }
  const auto datasets_two = read_datasets(path_two);
  EXPECT_GT(datasets_one.size(), 10u);
  EXPECT_TRUE(datasets_one == datasets_two);
  std::filesystem::remove_all(folder);
}

TEST(Determinism, ReplicationsDifferAndSeedsMatter) {
  const Scenario scenario = testing::load_yaml(all_dynamics_yaml);
  const Results results = run_with_threads(scenario, 2);
  EXPECT_NE(results.runs[0].purchasers, results.runs[1].purchasers);
  RunOptions other_seed;
  other_seed.seed = 99;
  EXPECT_NE(run_scenario(scenario, other_seed).runs[0].purchasers, results.runs[0].purchasers);
}

}  // namespace
}  // namespace journeysim

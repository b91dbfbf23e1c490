#pragma once
// A synthetic Results for the writer tests (test_io*.cpp), built in code so the
// writers are tested without the engine; and a fixture with a fresh directory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "journeysim/statistics.hpp"

namespace journeysim::io_testing {

namespace fs = std::filesystem;

// Student t 97.5% quantile with 2 degrees of freedom. With 2 dof it has a
// closed form, t = (2p-1)/sqrt(2p(1-p)) = 4.3026527297494638…; the often quoted
// 4.302652729911275 is 1.6e-10 off, so it only serves as a loose check.
inline const double kT975Df2 = 0.95 / std::sqrt(2.0 * 0.975 * 0.025);
inline constexpr std::size_t kDays = 4;

// Three touchpoints, two channels, two segments, four days. Replication r
// (0-based) has purchasers 10, 20, 30 … out of 100 aware, so per-replication
// conversion rates are 0.1, 0.2, 0.3.
inline Results make_results(std::size_t replications) {
  Results res;
  res.scenario_name = "synthetic";
  res.scenario_text = "name: synthetic\nhorizon_days: 4\n";
  res.scenario_path = "scenarios/synthetic.yaml";
  res.strategy = "fix_support";
  res.seed = 42;
  res.market_size = 1000;
  res.horizon_days = 4.0;
  res.step_days = 1.0;
  res.threads = 8;
  res.touchpoints = {"search", "website", "checkout"};
  res.touchpoint_cost = {1.25, 0.0, 0.5};
  res.touchpoint_revenue = {0.0, 0.0, 80.0};
  res.touchpoint_refund = {0.0, 0.0, 48.0};  // synthetic: checkout also refunds, once per replication × k
  res.channels = {"search", "social_ad"};
  res.segments = {"researchers", "impulsive"};
  res.flows = {{"channel:search", "search", true},
               {"search", "website", false},
               {"website", "checkout", false}};
  for (std::size_t r = 0; r < replications; ++r) {
    const std::uint64_t k = r + 1;
    RunResult run;
    run.replication = static_cast<std::uint32_t>(r);
    run.aware = 100;
    run.purchasers = 10 * k;
    run.purchases = 12 * k;
    run.advocates = 2 * k;
    run.promoters = 5 * k;
    run.passives = 3 * k;
    run.detractors = 2 * k;
    run.reviews = k;
    run.in_progress = 7;
    run.truncated = 0;
    run.finished = 90;
    run.events = 1000 * k;
    run.revenue = 960.0 * static_cast<double>(k);
    run.refunds = 48.0 * static_cast<double>(k);
    run.lifetime_net_revenue = 1.5 * (run.revenue - run.refunds);  // as if run off past the horizon
    run.cost = 150.5 * static_cast<double>(k);
    run.cost_acquisition = 120.5 * static_cast<double>(k);
    run.cost_retention = 30.0 * static_cast<double>(k);
    run.satisfaction_sum = 8.0 * static_cast<double>(k);
    run.satisfaction_count = 10 * k;
    run.first_purchase_days_mean = 1.5 + static_cast<double>(r);
    run.first_purchase_days_p50 = 1.0;
    run.first_purchase_days_p90 = 3.0;
    run.journey_days_mean = 2.0;
    run.final_public_rating = 0.7 + 0.01 * static_cast<double>(r);
    run.final_active_advocates = k;
    run.touchpoint_visits = {100, 60 + k, 12 * k};
    run.touchpoint_dropoffs = {40, 40, 3};
    run.touchpoint_purchases = {0, 0, 12 * k};
    run.touchpoint_refunds = {0, 0, k};
    run.touchpoint_visits_after_purchase = {0, 2, 4 * k};
    run.flow_traversals = {100, 60 + k, 12 * k};
    run.segments.resize(2);
    run.segments[0] = {40, 4 * k, 5 * k, 2 * k, k, k, 384.0 * k, 60.0, 3.2 * k, 4 * k, 19.2 * k, 48.0, 12.0};
    run.segments[1] = {60, 6 * k, 7 * k, 3 * k, k, k, 576.0 * k, 90.5, 4.8 * k, 6 * k, 28.8 * k, 72.5, 18.0};
    auto& s = run.series;
    s.newly_aware_by_channel = {{10, 20, 30, 40}, {0, k, 0, 0}};
    s.newly_aware_initial = {5, 0, 0, 0};
    s.newly_aware_word_of_mouth = {0, 0, k, 0};
    s.purchases = {0, 3 * k, 4 * k, 5 * k};
    s.new_purchasers = {0, 2 * k, 3 * k, 5 * k};
    s.purchasers_cumulative = {0, 2 * k, 5 * k, 10 * k};
    s.active_advocates = {0, 0, k, k};
    s.public_rating = {0.7, 0.7, 0.71, 0.7 + 0.01 * static_cast<double>(r)};
    run.wall_seconds = 0.5;
    res.runs.push_back(run);
  }
  res.wall_seconds = 0.5 * static_cast<double>(replications);
  res.run_off = true;
  return res;
}

inline const Metric& metric_named(const std::vector<Metric>& metrics, const std::string& key) {
  for (const Metric& m : metrics) {
    if (m.key == key) return m;
  }
  throw std::runtime_error("no metric " + key);
}

// A fresh, empty directory per test.
class IoFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("journeysim-io-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  static std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }

  fs::path dir_;
};

}  // namespace journeysim::io_testing

// Sweep plans: --param specs, plan files (every error at its line:col), and
// the points they make (grids, random, Latin hypercube, Sobol).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "journeysim/errors.hpp"
#include "journeysim/sweep_plan.hpp"

namespace journeysim {
namespace {

namespace fs = std::filesystem;

// The InputError message of `action`, or a failure when it does not throw one.
template <class Action>
std::string input_error(Action action) {
  try {
    action();
  } catch (const InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no InputError";
  return "";
}

#define EXPECT_CONTAINS(text, fragment) EXPECT_NE(std::string(text).find(fragment), std::string::npos) << (text)

SweepPlan grid_plan(const std::vector<std::string>& params, bool zip = false) {
  std::vector<SweepAxis> axes;
  for (const auto& param : params) axes.push_back(parse_parameter(param));
  return plan_from_options(axes, zip, 0, "");
}

SweepPlan sampled_plan(const std::vector<std::string>& params, std::uint64_t samples, const std::string& method) {
  std::vector<SweepAxis> axes;
  for (const auto& param : params) axes.push_back(parse_parameter(param));
  return plan_from_options(axes, false, samples, method);
}

// ---- --param specs ---------------------------------------------------------

TEST(SweepPlanSpec, ParsesEachForm) {
  const SweepAxis linear = parse_parameter("word_of_mouth.rate=0:0.5:11");
  EXPECT_EQ(linear.path, "word_of_mouth.rate");
  EXPECT_EQ(linear.kind, SweepAxis::Kind::linear);
  EXPECT_EQ(linear.low, 0.0);
  EXPECT_EQ(linear.high, 0.5);
  EXPECT_EQ(linear.count, 11u);
  EXPECT_EQ(linear.location.file, "--param word_of_mouth.rate=0:0.5:11");  // messages name which --param

  const SweepAxis log = parse_parameter("awareness.channels.search.rate=log:5e-4:0.02:7");
  EXPECT_EQ(log.kind, SweepAxis::Kind::log);
  EXPECT_EQ(log.low, 0.0005);
  EXPECT_EQ(log.high, 0.02);
  EXPECT_EQ(log.count, 7u);

  const SweepAxis list = parse_parameter(" touchpoints.support.experience.mean = list:0.4, 0.5,-0.7 ");
  EXPECT_EQ(list.path, "touchpoints.support.experience.mean");
  EXPECT_EQ(list.kind, SweepAxis::Kind::values);
  EXPECT_EQ(list.values, (std::vector<double>{0.4, 0.5, -0.7}));

  const SweepAxis uniform = parse_parameter("a.b=uniform:-1:2.5");
  EXPECT_EQ(uniform.kind, SweepAxis::Kind::uniform);
  EXPECT_EQ(uniform.low, -1.0);
  EXPECT_EQ(uniform.high, 2.5);

  EXPECT_EQ(parse_parameter("a=0:1:1e1").count, 10u);
}

TEST(SweepPlanSpec, EachErrorNamesTheTextAndTheForms) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"word_of_mouth.rate", "no '='"},
      {"=0:1:3", "path before '=' is empty"},
      {"a..b=0:1:3", "empty part"},
      {"a.=0:1:3", "empty part"},
      {"a=0:1", "'0:1' is not a sweep spec"},
      {"a=0:x:3", "hi 'x' is not a number"},
      {"a=0:1:0", "n is '0'"},
      {"a=0:1:2.5", "n is '2.5'"},
      {"a=0:1:20000000", "n is '20000000'"},
      {"a=0:inf:3", "inf is not a finite number"},
      {"a=log:0:1:3", "log spacing needs lo and hi greater than 0"},
      {"a=log:1:-2:3", "log spacing needs lo and hi greater than 0"},
      {"a=log:1:2", "does not have the form log:lo:hi:n"},
      {"a=list:", "the list of values is empty"},
      {"a=list:1,,2", "value '' is not a number"},
      {"a=list:1,nan", "nan is not a finite number"},
      {"a=uniform:1:1", "lo must be less than hi"},
      {"a=uniform:0:1:5", "does not have the form uniform:lo:hi"},
      {"a=lgo:1:2:3", "did you mean 'log'?"},
      {"a=linear:0:1:3", "a linear spec has no prefix: write lo:hi:n"},
  };
  for (const auto& [text, fragment] : cases) {
    // [&text = text]: clang 14 (the sanitizer tree) cannot capture a structured binding.
    const std::string message = input_error([&text = text] { parse_parameter(text); });
    EXPECT_CONTAINS(message, "--param '" + text + "'");
    EXPECT_CONTAINS(message, fragment);
    EXPECT_CONTAINS(message, "lo:hi:n");
    EXPECT_CONTAINS(message, "log:lo:hi:n");
    EXPECT_CONTAINS(message, "list:a,b,c");
    EXPECT_CONTAINS(message, "uniform:lo:hi");
  }
}

TEST(SweepPlanSpec, OptionCombinationsAreChecked) {
  EXPECT_CONTAINS(input_error([] { grid_plan({}); }), "at least one parameter");
  EXPECT_CONTAINS(input_error([] { grid_plan({"a=0:1:3", "b=list:1,2"}, true); }),
                  "--zip takes the parameters' values side by side, so they need as many values each, but a has 3 "
                  "and b has 2");
  EXPECT_CONTAINS(input_error([] { grid_plan({"a=0:1:3", "a=list:1,2"}); }), "a is swept twice");
  EXPECT_CONTAINS(input_error([] { grid_plan({"a=0:1:3", "b=uniform:0:1"}); }),
                  "grid parameters (a) and uniform parameters (b) cannot be mixed");
  EXPECT_CONTAINS(input_error([] { sampled_plan({"a=0:1:3"}, 10, ""); }), "--samples applies only to uniform");
  EXPECT_CONTAINS(input_error([] { sampled_plan({"a=0:1:3"}, 0, "latin"); }), "--method latin applies only");
  EXPECT_CONTAINS(input_error([] { sampled_plan({"a=uniform:0:1"}, 0, "latin"); }),
                  "uniform parameters need --samples (how many points to draw), e.g. --samples 100");
  EXPECT_CONTAINS(input_error([] { sampled_plan({"a=uniform:0:1"}, 20'000'000, "latin"); }),
                  "--samples is 20000000; a sweep has at most 10000000 points");
  EXPECT_CONTAINS(input_error([] { sampled_plan({"a=uniform:0:1"}, 10, "lattin"); }), "did you mean 'latin'?");
  EXPECT_CONTAINS(input_error([] { plan_from_options({parse_parameter("a=uniform:0:1")}, true, 10, ""); }),
                  "--zip applies to grids");
  EXPECT_CONTAINS(input_error([] { grid_plan({"a=0:1:1000", "b=0:1:1000", "c=0:1:11"}); }),
                  "more than 10000000 points (a has 1000, b has 1000 and c has 11 values)");

  const SweepPlan sampled = sampled_plan({"a=uniform:0:1"}, 10, "");
  EXPECT_EQ(sampled.method, SweepPlan::Method::random);  // the default
  EXPECT_EQ(sampled.samples, 10u);
}

// ---- grids ---------------------------------------------------------------

TEST(SweepPlanPoints, LinearAndLogEndsAreExact) {
  const SweepPoints linear = make_points(grid_plan({"a=0.1:0.7:7"}), 1);
  ASSERT_EQ(linear.count, 7u);
  EXPECT_EQ(linear.at(0, 0), 0.1);
  EXPECT_EQ(linear.at(6, 0), 0.7);
  EXPECT_NEAR(linear.at(3, 0), 0.4, 1e-15);

  const SweepPoints tenths = make_points(grid_plan({"a=0:0.5:11"}), 1);
  for (std::size_t i = 0; i < 11; ++i) EXPECT_NEAR(tenths.at(i, 0), 0.05 * static_cast<double>(i), 1e-15);
  EXPECT_EQ(tenths.at(3, 0), 0.15);  // 3 × 0.5 / 10, not 3 × 0.05 (0.15000000000000002)

  const SweepPoints log = make_points(grid_plan({"a=log:0.0005:0.02:7"}), 1);
  ASSERT_EQ(log.count, 7u);
  EXPECT_EQ(log.at(0, 0), 0.0005);
  EXPECT_EQ(log.at(6, 0), 0.02);
  for (std::size_t i = 1; i < 7; ++i)
    EXPECT_NEAR(log.at(i, 0) / log.at(i - 1, 0), std::pow(40.0, 1.0 / 6.0), 1e-12);

  EXPECT_EQ(make_points(grid_plan({"a=log:1e-4:1e2:7"}), 1).values,
            (std::vector<double>{1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100}));  // decades exactly
  EXPECT_EQ(make_points(grid_plan({"a=0.3:0.9:1"}), 1).values, std::vector<double>{0.3});  // n = 1 gives lo
  EXPECT_EQ(make_points(grid_plan({"a=1:0:3"}), 1).values, (std::vector<double>{1, 0.5, 0}));  // descending
}

TEST(SweepPlanPoints, ProductVariesTheFirstAxisSlowest) {
  const SweepPoints points = make_points(grid_plan({"a=list:1,2", "b=list:10,20,30"}), 1);
  EXPECT_EQ(points.paths, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(points.count, 6u);
  EXPECT_EQ(points.values, (std::vector<double>{1, 10, 1, 20, 1, 30, 2, 10, 2, 20, 2, 30}));
  EXPECT_EQ(points.at(4, 1), 20);
  EXPECT_THROW(points.at(6, 0), std::out_of_range);
  EXPECT_THROW(points.at(0, 2), std::out_of_range);

  const SweepPoints three = make_points(grid_plan({"x=list:1,2", "y=list:3,4", "z=list:5,6"}), 1);
  EXPECT_EQ(three.at(5, 0), 2);  // 5 = 0b101
  EXPECT_EQ(three.at(5, 1), 3);
  EXPECT_EQ(three.at(5, 2), 6);
}

TEST(SweepPlanPoints, ZipTakesValuesSideBySide) {
  const SweepPoints points = make_points(grid_plan({"a=0:1:3", "b=list:5,6,7"}, true), 1);
  ASSERT_EQ(points.count, 3u);
  EXPECT_EQ(points.values, (std::vector<double>{0, 5, 0.5, 6, 1, 7}));
}

TEST(SweepPlanPoints, PlansBuiltInCodeAreCheckedToo) {
  SweepPlan plan;
  for (const char* path : {"a", "b", "c", "d", "e"}) {
    SweepAxis axis;
    axis.path = path;
    axis.low = 0;
    axis.high = 1;
    axis.count = 10'000'000;  // 10^35 points in all: must not overflow into a small number
    plan.axes.push_back(axis);
  }
  EXPECT_CONTAINS(input_error([&] { make_points(plan, 1); }), "more than 10000000 points");
  plan.axes.resize(2);
  plan.axes[1].count = 1;
  EXPECT_EQ(make_points(plan, 1).count, 10'000'000u);  // exactly at the limit
  plan.axes[1].count = 2;
  EXPECT_CONTAINS(input_error([&] { make_points(plan, 1); }), "more than 10000000 points");

  plan.combine = SweepPlan::Combine::zip;
  EXPECT_CONTAINS(input_error([&] { make_points(plan, 1); }), "a has 10000000 and b has 2");
  plan.axes[0].count = 0;
  EXPECT_CONTAINS(input_error([&] { make_points(plan, 1); }), "a: n is 0");

  SweepPlan sampled;
  sampled.axes = {parse_parameter("u=uniform:0:1")};
  sampled.samples = 5;  // but no method
  EXPECT_CONTAINS(input_error([&] { make_points(sampled, 1); }), "need a sampling method");
}

// ---- sampling --------------------------------------------------------------

TEST(SweepPlanSampling, LatinHypercubeHitsEveryStratumOnce) {
  const std::vector<std::pair<double, double>> ranges = {{0, 1}, {-2, 6}, {10, 20}};
  const std::size_t n = 50;
  for (const std::uint64_t seed : {1u, 2u, 12345u}) {
    const SweepPoints points = make_points(sampled_plan({"a=uniform:0:1", "b=uniform:-2:6", "c=uniform:10:20"}, n,
                                                        "latin"), seed);
    ASSERT_EQ(points.count, n);
    for (std::size_t axis = 0; axis < 3; ++axis) {
      const auto [low, high] = ranges[axis];
      std::vector<std::size_t> strata;
      for (std::size_t p = 0; p < n; ++p) {
        const double value = points.at(p, axis);
        EXPECT_GE(value, low);
        EXPECT_LE(value, high);
        strata.push_back(static_cast<std::size_t>(std::floor((value - low) / (high - low) * n)));
      }
      std::sort(strata.begin(), strata.end());
      std::vector<std::size_t> each(n);
      std::iota(each.begin(), each.end(), 0u);
      EXPECT_EQ(strata, each) << "axis " << axis << ", seed " << seed;
    }
  }
}

TEST(SweepPlanSampling, SobolStartsWithTheKnownSequence) {
  const SweepPlan plan = sampled_plan({"x=uniform:0:1", "y=uniform:2:6"}, 4, "sobol");
  const SweepPoints points = make_points(plan, 1);
  // Sobol in 2 dimensions without its all-zero first point.
  EXPECT_EQ(points.values, (std::vector<double>{0.5, 2 + 4 * 0.5,  //
                                                0.75, 2 + 4 * 0.25,  //
                                                0.25, 2 + 4 * 0.75,  //
                                                0.375, 2 + 4 * 0.375}));
  EXPECT_EQ(make_points(plan, 99).values, points.values);  // no seed involved
}

TEST(SweepPlanSampling, RandomUniformsAverageToTheMidpoint) {
  const std::size_t n = 10'000;
  const SweepPoints points = make_points(sampled_plan({"a=uniform:2:4", "b=uniform:-1:0"}, n, "random"), 7);
  ASSERT_EQ(points.count, n);
  double sum_a = 0, sum_b = 0;
  for (std::size_t p = 0; p < n; ++p) {
    ASSERT_GE(points.at(p, 0), 2.0);
    ASSERT_LE(points.at(p, 0), 4.0);
    sum_a += points.at(p, 0);
    sum_b += points.at(p, 1);
  }
  const double standard_error = 2.0 / std::sqrt(12.0) / std::sqrt(static_cast<double>(n));
  EXPECT_LE(std::abs(sum_a / n - 3.0), 4 * standard_error);
  EXPECT_LE(std::abs(sum_b / n + 0.5), 4 * standard_error / 2);
}

TEST(SweepPlanSampling, SameSeedSamePointsOtherSeedOtherPoints) {
  for (const char* method : {"random", "latin"}) {
    const SweepPlan plan = sampled_plan({"a=uniform:0:1", "b=uniform:5:10"}, 20, method);
    const SweepPoints first = make_points(plan, 42);
    EXPECT_EQ(make_points(plan, 42).values, first.values) << method;
    EXPECT_NE(make_points(plan, 43).values, first.values) << method;
  }
  // Philox is the same everywhere: these values must never change, or old
  // sweeps could no longer be reproduced.
  const SweepPoints random = make_points(sampled_plan({"a=uniform:0:1"}, 2, "random"), 1);
  EXPECT_EQ(random.at(0, 0), 0x1.354cf9aca0eaep-2);
  EXPECT_EQ(random.at(1, 0), 0x1.794b2dfeb11d1p-1);
  const SweepPoints latin = make_points(sampled_plan({"a=uniform:0:1", "b=uniform:0:1"}, 4, "latin"), 1);
  EXPECT_EQ(latin.values, (std::vector<double>{0x1.1a24b7fa44ea7p-3, 0x1.6dd4195cae963p-3, 0x1.13fc46ae5adc7p-1,
                                               0x1.e732878c59c01p-1, 0x1.a04f3677a8c43p-1, 0x1.784dfab6d5693p-1,
                                               0x1.90ad54506db98p-2, 0x1.3fb2ea0fe7492p-2}));
}

// ---- plan files ------------------------------------------------------------

struct Loaded {
  Diagnostics diagnostics;
  std::optional<SweepPlan> plan;
};

Loaded load(const std::string& text) {
  Loaded loaded;
  loaded.plan = load_sweep_plan_text(text, "plan.yaml", loaded.diagnostics);
  return loaded;
}

int error_count(const Diagnostics& diagnostics) {
  return static_cast<int>(std::count_if(diagnostics.all().begin(), diagnostics.all().end(),
                                        [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

// Exactly one error, at line:column, containing `fragment`.
::testing::AssertionResult one_error(const std::string& text, int line, int column, const std::string& fragment) {
  const Loaded loaded = load(text);
  const auto& all = loaded.diagnostics.all();
  if (loaded.plan) return ::testing::AssertionFailure() << "the plan loaded";
  if (error_count(loaded.diagnostics) == 1 && all.front().location.file == "plan.yaml" &&
      all.front().location.line == line && all.front().location.column == column &&
      all.front().message.find(fragment) != std::string::npos)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected one error at " << line << ":" << column << " containing \""
                                       << fragment << "\"; got:\n"
                                       << loaded.diagnostics.format();
}

const std::string kHead = "scenario: s.yaml\nparameters:\n";  // parameters from line 3

TEST(SweepPlanFile, LoadsEveryField) {
  const std::string text = R"(scenario: ecosystem.yaml      # relative to the plan file
replications: 5
strategy: [fix_support, referral_programme]
seed: 7
market_size: 100000
parameters:
  word_of_mouth.rate: {linear: [0.0, 0.5, 11]}
  awareness.channels.search.rate: {log: [0.0005, 0.02, 7]}
  touchpoints.support.experience.mean: {values: [0.4, 0.5, 0.7]}
combine: product
)";
  Diagnostics diagnostics;
  const auto plan = load_sweep_plan_text(text, "plans/plan.yaml", diagnostics);
  ASSERT_TRUE(plan) << diagnostics.format();
  EXPECT_EQ(plan->scenario_path, "plans/ecosystem.yaml");
  EXPECT_EQ(plan->plan_text, text);
  EXPECT_EQ(plan->replications, 5u);
  EXPECT_EQ(plan->strategies, (std::vector<std::string>{"fix_support", "referral_programme"}));
  EXPECT_EQ(plan->seed, 7u);
  EXPECT_EQ(plan->market_size, 100000u);
  ASSERT_EQ(plan->axes.size(), 3u);
  EXPECT_EQ(plan->axes[1].path, "awareness.channels.search.rate");
  EXPECT_EQ(plan->axes[1].kind, SweepAxis::Kind::log);
  EXPECT_EQ(plan->axes[1].count, 7u);
  EXPECT_EQ(plan->axes[1].location.line, 8);
  EXPECT_EQ(plan->axes[1].location.column, 3);
  EXPECT_EQ(plan->axes[2].values, (std::vector<double>{0.4, 0.5, 0.7}));
  EXPECT_EQ(plan->method, SweepPlan::Method::grid);
  EXPECT_EQ(make_points(*plan, 1).count, 11u * 7u * 3u);

  Diagnostics more;
  EXPECT_EQ(load_sweep_plan_text("scenario: ../s.yaml\n" + kHead.substr(17) + "  a: {values: [1]}\n",
                                 "plans/p.yaml", more)->scenario_path, "s.yaml");
  EXPECT_EQ(load_sweep_plan_text(kHead + "  a: {values: [1]}\nstrategy: one\n", "p.yaml", more)->strategies,
            std::vector<std::string>{"one"});
  const auto sampled = load_sweep_plan_text(kHead + "  a: {uniform: [0, 1]}\nsamples: 8\n", "p.yaml", more);
  ASSERT_TRUE(sampled) << more.format();
  EXPECT_EQ(sampled->method, SweepPlan::Method::random);
  EXPECT_EQ(sampled->samples, 8u);
}

TEST(SweepPlanFile, ReadsFromDiskRelativeToThePlan) {
  char pattern[] = "/tmp/journeysim-sweep-plan-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const fs::path dir = pattern;
  fs::create_directory(dir / "plans");
  const std::string text = kHead + "  a: {values: [1, 2]}\n";
  std::ofstream(dir / "plans" / "plan.yaml") << "scenario: ecosystem.yaml\n" << text.substr(17);
  Diagnostics diagnostics;
  EXPECT_FALSE(load_sweep_plan((dir / "plans" / "plan.yaml").string(), diagnostics));
  ASSERT_EQ(error_count(diagnostics), 1) << diagnostics.format();
  EXPECT_EQ(diagnostics.all().front().location.line, 1);
  EXPECT_EQ(diagnostics.all().front().location.column, 11);
  EXPECT_CONTAINS(diagnostics.all().front().message, "scenario 'ecosystem.yaml' is not a file");

  std::ofstream(dir / "plans" / "ecosystem.yaml") << "name: x\n";
  Diagnostics ok;
  const auto plan = load_sweep_plan((dir / "plans" / "plan.yaml").string(), ok);
  ASSERT_TRUE(plan) << ok.format();
  EXPECT_EQ(plan->scenario_path, (dir / "plans" / "ecosystem.yaml").string());

  Diagnostics missing;
  EXPECT_FALSE(load_sweep_plan((dir / "none.yaml").string(), missing));
  EXPECT_CONTAINS(missing.format(), "cannot read the plan");
  fs::remove_all(dir);
}

TEST(SweepPlanFile, EachErrorAtItsPlace) {
  // Top level.
  EXPECT_TRUE(one_error("scenario: s.yaml\nreplication: 5\nparameters: {a: {values: [1]}}\n", 2, 1,
                        "unknown key 'replication' in the plan; did you mean 'replications'?"));
  EXPECT_TRUE(one_error("parameters: {a: {values: [1]}}\n", 1, 1, "the plan is missing 'scenario'"));
  EXPECT_TRUE(one_error("scenario: s.yaml\n", 1, 1, "the plan is missing 'parameters'"));
  EXPECT_TRUE(one_error("", 1, 1, "the plan is empty"));
  EXPECT_TRUE(one_error("- a\n", 1, 1, "the plan must be a map"));
  EXPECT_TRUE(one_error("scenario: [s\n", 2, 1, "not valid YAML"));
  EXPECT_TRUE(one_error(kHead + "  a: {values: [1]}\nreplications: 0\n", 4, 15, "positive whole number"));
  EXPECT_TRUE(one_error(kHead + "  a: {values: [1]}\nreplications: 2000000\n", 4, 15, "at most 1000000"));
  EXPECT_TRUE(one_error(kHead + "  a: {values: [1]}\nseed: -1\n", 4, 7, "whole number"));
  EXPECT_TRUE(one_error(kHead + "  a: {values: [1]}\nmarket_size: 0\n", 4, 14, "positive whole number"));
  EXPECT_TRUE(one_error(kHead + "  a: {values: [1]}\nstrategy: []\n", 4, 11, "strategy is an empty list"));
  EXPECT_TRUE(one_error(kHead + "  a: {values: [1]}\nstrategy: {a: 1}\n", 4, 11, "strategy must be a name"));
  EXPECT_TRUE(one_error("scenario: s.yaml\nparameters: {}\n", 2, 1, "parameters is empty"));
  EXPECT_TRUE(one_error("scenario: s.yaml\nparameters: [a]\n", 2, 13, "parameters must be a map"));

  // One parameter.
  EXPECT_TRUE(one_error(kHead + "  a.b: {linear: [0, 1, 0]}\n", 3, 24, "n of a.b is 0; it must be a positive"));
  EXPECT_TRUE(one_error(kHead + "  a.b: {linear: [0, 1, 2.5]}\n", 3, 24, "n of a.b is 2.5"));
  EXPECT_TRUE(one_error(kHead + "  a.b: {linear: [0, 1, 2e7]}\n", 3, 24, "a sweep has at most 10000000 points"));
  EXPECT_TRUE(one_error(kHead + "  a.b: {linear: [0, 1]}\n", 3, 17, "linear takes [lo, hi, n]"));
  EXPECT_TRUE(one_error(kHead + "  a.b: {linear: [0, x, 3]}\n", 3, 21, "hi of a.b must be a number"));
  EXPECT_TRUE(one_error(kHead + "  a.b: {linear: 3}\n", 3, 17, "must be a list"));
  EXPECT_TRUE(one_error(kHead + "  a.b: {log: [0, 1, 3]}\n", 3, 15, "lo of a.b is 0; log spacing needs values"));
  EXPECT_TRUE(one_error(kHead + "  a.b: {values: []}\n", 3, 17, "values of a.b is an empty list"));
  EXPECT_TRUE(one_error(kHead + "  a.b: {values: [1, .nan]}\n", 3, 21, "is .nan; it must be a finite number"));
  EXPECT_TRUE(one_error(kHead + "  a.b: {uniform: [1, 1]}\nsamples: 5\n", 3, 22, "hi greater than lo"));
  EXPECT_TRUE(one_error(kHead + "  a.b: {uniform: [0, 1, 2]}\nsamples: 5\n", 3, 18, "uniform takes [lo, hi]"));
  EXPECT_TRUE(one_error(kHead + "  a.b: {lenear: [0, 1, 3]}\n", 3, 9, "did you mean 'linear'?"));
  EXPECT_TRUE(one_error(kHead + "  a.b: {linear: [0, 1, 3], log: [1, 2, 3]}\n", 3, 28, "has both linear and log"));
  EXPECT_TRUE(one_error(kHead + "  a.b: 0.5\n", 3, 8, "a.b needs one of {linear: [lo, hi, n]}"));
  EXPECT_TRUE(one_error(kHead + "  a..b: {values: [1]}\n", 3, 3, "'a..b' has an empty part"));
  EXPECT_TRUE(one_error(kHead + "  a.b: {values: [1]}\n  a.b: {values: [2]}\n", 4, 3, "duplicate key 'a.b'"));

  // How the parameters fit together.
  EXPECT_TRUE(one_error(kHead + "  a: {values: [1]}\n  b: {uniform: [0, 1]}\nsamples: 10\n", 4, 3,
                        "grid parameters (a) and uniform parameters (b) cannot be mixed"));
  EXPECT_TRUE(one_error(kHead + "  b: {uniform: [0, 1]}\n", 3, 3,
                        "uniform parameters need samples (how many points to draw), e.g. samples: 100"));
  EXPECT_TRUE(one_error(kHead + "  b: {uniform: [0, 1]}\nsamples: 0\n", 4, 10, "positive whole number"));
  EXPECT_TRUE(one_error(kHead + "  b: {uniform: [0, 1]}\nsamples: 20000000\n", 4, 10, "at most 10000000 points"));
  EXPECT_TRUE(one_error(kHead + "  a: {values: [1]}\nsamples: 10\n", 4, 10, "samples applies only to uniform"));
  EXPECT_TRUE(one_error(kHead + "  a: {values: [1]}\nmethod: latin\n", 4, 9, "method latin applies only"));
  EXPECT_TRUE(one_error(kHead + "  b: {uniform: [0, 1]}\nsamples: 5\nmethod: lattin\n", 5, 9,
                        "method is 'lattin'; did you mean 'latin'?"));
  EXPECT_TRUE(one_error(kHead + "  a: {values: [1, 2]}\n  b: {linear: [0, 1, 3]}\ncombine: zip\n", 5, 10,
                        "combine: zip takes the parameters' values side by side, so they need as many values each, "
                        "but a has 2 and b has 3"));
  EXPECT_TRUE(one_error(kHead + "  b: {uniform: [0, 1]}\nsamples: 5\ncombine: zip\n", 5, 10,
                        "combine: zip applies to grids"));
  EXPECT_TRUE(one_error(kHead + "  a: {values: [1]}\ncombine: zipp\n", 4, 10, "did you mean 'zip'?"));
  EXPECT_TRUE(one_error(kHead + "  a: {linear: [0, 1, 1000]}\n  b: {linear: [0, 1, 1000]}\n  c: {values: [1, 2, 3, "
                                "4, 5, 6, 7, 8, 9, 10, 11]}\n",
                        2, 1, "more than 10000000 points (a has 1000, b has 1000 and c has 11 values)"));
}

TEST(SweepPlanFile, FormatPlanLoadsBackToTheSamePlan) {
  SweepPlan plan;
  plan.scenario_path = "my scenarios/null";
  plan.replications = 3;
  plan.strategies = {"fix support", "-odd\"name"};
  plan.seed = 18446744073709551615u;
  plan.market_size = 5000;
  plan.axes = {parse_parameter("a.b=0.1:1e-300:3"), parse_parameter("c=list:0.3333333333333333,-2")};
  plan.combine = SweepPlan::Combine::zip;
  plan.axes[1].values.push_back(1.0 / 3.0);

  Diagnostics diagnostics;
  const auto loaded = load_sweep_plan_text(format_plan(plan), "p.yaml", diagnostics);
  ASSERT_TRUE(loaded) << diagnostics.format() << "\n" << format_plan(plan);
  EXPECT_EQ(loaded->scenario_path, plan.scenario_path);
  EXPECT_EQ(loaded->replications, plan.replications);
  EXPECT_EQ(loaded->strategies, plan.strategies);
  EXPECT_EQ(loaded->seed, plan.seed);
  EXPECT_EQ(loaded->market_size, plan.market_size);
  EXPECT_EQ(loaded->combine, plan.combine);
  EXPECT_EQ(make_points(*loaded, 1).values, make_points(plan, 1).values);

  const SweepPlan sampled = sampled_plan({"x=uniform:0:1"}, 16, "sobol");
  EXPECT_EQ(sampled.plan_text, "parameters:\n  x: {uniform: [0, 1]}\nsamples: 16\nmethod: sobol\n");
  EXPECT_EQ(grid_plan({"w=0:0.5:11"}, false).plan_text, "parameters:\n  w: {linear: [0, 0.5, 11]}\n");
}

}  // namespace
}  // namespace journeysim

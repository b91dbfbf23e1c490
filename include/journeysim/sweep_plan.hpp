#pragma once
// Sweep plans: which scenario parameters a sweep varies, and the points it runs.
// Running the points is someone else's job; this only says what they are.
//
//   // journeysim sweep FILE --param word_of_mouth.rate=0:0.5:11 --param x=list:1,2
//   SweepPlan plan = plan_from_options({parse_parameter("word_of_mouth.rate=0:0.5:11"),
//                                       parse_parameter("x=list:1,2")}, false, 0, "");
//   plan.replications = 5;
//   plan.plan_text = format_plan(plan);     // keep the recorded text in step with the fields
//
//   // journeysim sweep --plan plan.yaml
//   Diagnostics diagnostics;
//   std::optional<SweepPlan> plan = load_sweep_plan("plans/plan.yaml", diagnostics);
//   // plan->scenario_path == "plans/ecosystem.yaml" for `scenario: ecosystem.yaml`
//
//   SweepPoints points = make_points(*plan, scenario.seed);
//   for (std::size_t p = 0; p < points.count; ++p)
//     for (std::size_t a = 0; a < points.paths.size(); ++a) set(points.paths[a], points.at(p, a));
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "journeysim/diagnostics.hpp"

namespace journeysim {

constexpr std::size_t max_sweep_points = 10'000'000;
constexpr std::uint32_t max_sweep_replications = 1'000'000;  // as `run --replications`

// One swept parameter.
//   linear  {linear: [0, 0.5, 11]}  lo:hi:n       0, 0.05, ..., 0.5 (last exactly hi; n = 1 gives lo)
//   log     {log: [1e-3, 1e-1, 3]}  log:lo:hi:n   0.001, 0.01, 0.1 (geometric; lo, hi > 0)
//   values  {values: [1, 2, 5]}     list:1,2,5
//   uniform {uniform: [0, 1]}       uniform:0:1   sampled, with `samples` and `method`
struct SweepAxis {
  enum class Kind { linear, log, values, uniform };
  std::string path;  // dotted scenario path, e.g. awareness.channels.search.rate (not checked against a scenario here)
  Kind kind = Kind::linear;
  double low = 0, high = 0;  // linear, log, uniform
  std::uint32_t count = 0;   // linear, log: number of values, both ends included
  std::vector<double> values;
  SourceLocation location;  // where it was written: the plan file, or {"--param", 0, 0}
};

struct SweepPlan {
  std::string scenario_path;  // resolved against the plan file's folder; "" from the command line
  std::string plan_text;      // the plan file as read, or format_plan() of a command-line plan
  std::optional<std::uint32_t> replications;
  std::vector<std::string> strategies;  // applied in order
  std::optional<std::uint64_t> seed;    // overrides the scenario's
  std::optional<std::uint64_t> market_size;
  std::vector<SweepAxis> axes;
  enum class Combine { product, zip } combine = Combine::product;
  // grid: every axis is linear, log or values. Otherwise every axis is uniform
  // and `samples` points are drawn with this method (random when not given).
  enum class Method { grid, random, latin, sobol } method = Method::grid;
  std::uint64_t samples = 0;  // sampling only
};

const char* to_string(SweepPlan::Method method);  // "grid", "random", "latin", "sobol"

// "PATH=SPEC", SPEC one of lo:hi:n, log:lo:hi:n, list:a,b,c, uniform:lo:hi.
// Throws InputError naming `text` and showing the accepted forms.
//   parse_parameter("word_of_mouth.rate=log:0.001:0.1:3")  // {kind log, low 0.001, high 0.1, count 3}
SweepAxis parse_parameter(const std::string& text);

// A plan from command-line pieces: `samples` 0 = not given, `method` "" (random
// when sampling), "random", "latin" or "sobol". Throws InputError when they do
// not fit together (zip with unequal counts, --samples without uniform axes, ...).
// plan_text is format_plan() of the result.
SweepPlan plan_from_options(std::vector<SweepAxis> axes, bool zip, std::uint64_t samples, const std::string& method);

// A plan file (YAML):
//   scenario: ecosystem.yaml      # required; relative to the plan file's folder
//   replications: 5               # optional, 1 to max_sweep_replications
//   strategy: fix_support         # optional; a name or a list of names
//   seed: 7                       # optional
//   market_size: 100000           # optional
//   parameters:                   # required; a Cartesian product unless combine: zip
//     word_of_mouth.rate: {linear: [0.0, 0.5, 11]}
//     touchpoints.support.experience.mean: {values: [0.4, 0.5, 0.7]}
//   combine: product              # or zip (equal counts, taken side by side)
//   samples: 100                  # only with uniform parameters
//   method: latin                 # random (default), latin or sobol; only with uniform parameters
// Every problem becomes a file:line:col diagnostic; returns nothing on any error.
// load_sweep_plan also reports a scenario file that does not exist.
std::optional<SweepPlan> load_sweep_plan(const std::string& path, Diagnostics& diagnostics);
std::optional<SweepPlan> load_sweep_plan_text(const std::string& text, const std::string& path,
                                              Diagnostics& diagnostics);

// The plan as a plan file: loads back to the same plan (numbers round-trip exactly).
// Fields left unset are left out; so is `scenario` when scenario_path is "".
std::string format_plan(const SweepPlan& plan);

struct SweepPoints {
  std::vector<std::string> paths;  // one per axis, in plan order
  std::size_t count = 0;           // number of points
  std::vector<double> values;      // row-major [count × paths.size()]
  double at(std::size_t point, std::size_t axis) const;  // throws std::out_of_range
};

// The points of a plan, the same on any machine for the same plan and seed.
// Grids: the first axis varies slowest, like nested loops in plan order; zip
// takes the i-th value of every axis. Sampling: random (independent uniforms)
// and latin (Latin hypercube: each axis cut into `samples` equal strata, one
// point in each) draw from Philox keyed by sampling_seed; sobol is Boost's
// unscrambled Sobol sequence (it starts (0.5, 0.5), (0.75, 0.25), ... scaled
// to the ranges) and ignores sampling_seed.
// Throws InputError on a plan that breaks the rules load_sweep_plan enforces
// (e.g. zip with different counts, more than max_sweep_points points).
SweepPoints make_points(const SweepPlan& plan, std::uint64_t sampling_seed);

}  // namespace journeysim

#pragma once
// The rules a sweep plan must follow, shared by the plan file loader (which
// pins each problem to a line:col), the command line (InputError) and
// make_points (plans built in code). Internal to src/ensemble.
#include <optional>
#include <string>
#include <vector>

#include "journeysim/sweep_plan.hpp"

namespace journeysim::sweep_detail {

// How the options are spelled where the user wrote them, so that a message
// names what they typed: `combine: zip` in a file, `--zip` on the command line.
struct Wording {
  std::string zip;                 // "combine: zip" / "--zip"
  std::string samples;             // "samples" / "--samples"
  std::string samples_example;     // "samples: 100" / "--samples 100"
  std::string method;              // "method" / "--method"
  std::string parameter_example;   // how to add a parameter
  static Wording plan_file();
  static Wording command_line();
};

// Which part of the plan a problem is about; the loader turns it into a place in the file.
struct PlanProblem {
  enum class Part { parameters, axis, combine, samples, method } part = Part::parameters;
  std::size_t axis = 0;  // Part::axis: its index
  std::string message;
};

// What is wrong with a parameter path ("" = nothing): empty, or an empty part.
std::string path_problem(const std::string& path);

// What is wrong with one axis on its own ("" = nothing): its path and its numbers.
std::string axis_problem(const SweepAxis& axis);

// Every rule: each axis, no path twice, grids and uniform axes not mixed,
// samples and method only (and always) with uniform axes, zip with equal
// counts, at most max_sweep_points points. Stops after problems with single
// axes, since the rules about their combination would only repeat them.
std::vector<PlanProblem> find_plan_problems(const SweepPlan& plan, const Wording& wording);

// The number of values a grid axis takes (linear/log: count; values: their number).
std::size_t grid_count(const SweepAxis& axis);

// The number of points of a plan without problems.
std::size_t point_count(const SweepPlan& plan);

// The method a name spells ("random", "latin", "sobol"), or nothing.
std::optional<SweepPlan::Method> method_from_name(const std::string& name);
const std::vector<std::string>& method_names();

// A path part or file name as YAML: plain when that reads back the same, else double-quoted.
std::string yaml_scalar(const std::string& text);

}  // namespace journeysim::sweep_detail

// Sweep plans from the command line (`--param PATH=SPEC`), the rules every
// plan follows, and a plan written back as a plan file.
#include "journeysim/sweep_plan.hpp"

#include <charconv>
#include <cmath>
#include <map>

#include <boost/random/sobol.hpp>

#include "ensemble/sweep_plan_rules.hpp"
#include "journeysim/errors.hpp"
#include "scenario/yaml_reader.hpp"

namespace journeysim {
namespace sweep_detail {
namespace {

using scenario_detail::format_number;
using scenario_detail::join;

bool is_uniform(const SweepAxis& axis) { return axis.kind == SweepAxis::Kind::uniform; }

const char* kind_name(SweepAxis::Kind kind) {
  switch (kind) {
    case SweepAxis::Kind::linear: return "linear";
    case SweepAxis::Kind::log: return "log";
    case SweepAxis::Kind::values: return "values";
    case SweepAxis::Kind::uniform: return "uniform";
  }
  return "unknown";
}

std::string count_problem(const SweepAxis& axis) {
  if (axis.count == 0)
    return axis.path + ": n is 0; it must be at least 1 (the number of values, both ends included)";
  if (axis.count > max_sweep_points)
    return axis.path + ": n is " + std::to_string(axis.count) + "; a sweep has at most " +
           std::to_string(max_sweep_points) + " points";
  return "";
}

std::string finite_problem(const SweepAxis& axis) {
  for (const double bound : {axis.low, axis.high})
    if (!std::isfinite(bound))
      return axis.path + ": " + format_number(bound) + " is not a finite number; give finite lo and hi";
  return "";
}

std::string names_with_counts(const SweepPlan& plan) {
  std::vector<std::string> parts;
  for (const auto& axis : plan.axes) parts.push_back(axis.path + " has " + std::to_string(grid_count(axis)));
  return join(parts);
}

}  // namespace

Wording Wording::plan_file() {
  return {"combine: zip", "samples", "samples: 100", "method",
          "e.g. `parameters: {word_of_mouth.rate: {linear: [0, 0.5, 11]}}`"};
}

Wording Wording::command_line() {
  return {"--zip", "--samples", "--samples 100", "--method", "e.g. --param word_of_mouth.rate=0:0.5:11"};
}

std::string path_problem(const std::string& path) {
  if (path.empty()) return "a parameter has an empty path; name a scenario value, e.g. word_of_mouth.rate";
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    if (dot == start || start == path.size())
      return "'" + path + "' has an empty part; write keys separated by single dots, e.g. touchpoints.support.cost";
    if (dot == std::string::npos) return "";
    start = dot + 1;
  }
}

std::string axis_problem(const SweepAxis& axis) {
  if (std::string problem = path_problem(axis.path); !problem.empty()) return problem;
  switch (axis.kind) {
    case SweepAxis::Kind::linear:
    case SweepAxis::Kind::log:
      if (std::string problem = count_problem(axis); !problem.empty()) return problem;
      if (std::string problem = finite_problem(axis); !problem.empty()) return problem;
      if (axis.kind == SweepAxis::Kind::log && (axis.low <= 0 || axis.high <= 0))
        return axis.path + ": log spacing needs lo and hi greater than 0, but they are " + format_number(axis.low) +
               " and " + format_number(axis.high) + "; use linear to include 0 or negative values";
      return "";
    case SweepAxis::Kind::values:
      if (axis.values.empty()) return axis.path + ": the list of values is empty; give at least one number";
      if (axis.values.size() > max_sweep_points)
        return axis.path + ": " + std::to_string(axis.values.size()) + " values; a sweep has at most " +
               std::to_string(max_sweep_points) + " points";
      for (const double value : axis.values)
        if (!std::isfinite(value)) return axis.path + ": " + format_number(value) + " is not a finite number";
      return "";
    case SweepAxis::Kind::uniform:
      if (std::string problem = finite_problem(axis); !problem.empty()) return problem;
      if (!(axis.low < axis.high))
        return axis.path + ": the uniform range from " + format_number(axis.low) + " to " +
               format_number(axis.high) + " is empty; lo must be less than hi";
      return "";
  }
  return "";
}

std::size_t grid_count(const SweepAxis& axis) {
  switch (axis.kind) {
    case SweepAxis::Kind::linear:
    case SweepAxis::Kind::log: return axis.count;
    case SweepAxis::Kind::values: return axis.values.size();
    case SweepAxis::Kind::uniform: break;
  }
  return 0;
}

std::size_t point_count(const SweepPlan& plan) {
  if (plan.method != SweepPlan::Method::grid) return static_cast<std::size_t>(plan.samples);
  if (plan.axes.empty()) return 0;
  if (plan.combine == SweepPlan::Combine::zip) return grid_count(plan.axes.front());
  std::size_t total = 1;
  for (const auto& axis : plan.axes) total *= grid_count(axis);
  return total;
}

std::vector<PlanProblem> find_plan_problems(const SweepPlan& plan, const Wording& wording) {
  using Part = PlanProblem::Part;
  std::vector<PlanProblem> problems;
  const auto report = [&](Part part, std::string message, std::size_t axis = 0) {
    problems.push_back({part, axis, std::move(message)});
  };
  if (plan.axes.empty()) {
    report(Part::parameters, "a sweep needs at least one parameter; add one, " + wording.parameter_example);
    return problems;
  }
  std::map<std::string, std::size_t> first_use;
  for (std::size_t i = 0; i < plan.axes.size(); ++i) {
    const SweepAxis& axis = plan.axes[i];
    if (std::string problem = axis_problem(axis); !problem.empty()) report(Part::axis, problem, i);
    const auto [first, inserted] = first_use.emplace(axis.path, i);
    if (!inserted) {
      const int line = plan.axes[first->second].location.line;
      report(Part::axis,
             axis.path + " is swept twice" + (line > 0 ? " (first at line " + std::to_string(line) + ")" : "") +
                 "; give each parameter once, with all its values",
             i);
    }
  }
  if (!problems.empty()) return problems;

  std::vector<std::string> grid_paths, uniform_paths;
  for (const auto& axis : plan.axes) (is_uniform(axis) ? uniform_paths : grid_paths).push_back(axis.path);
  if (!grid_paths.empty() && !uniform_paths.empty()) {
    // Point at the first axis that differs from the first one.
    std::size_t odd = 1;
    while (is_uniform(plan.axes[odd]) == is_uniform(plan.axes[0])) ++odd;
    report(Part::axis,
           "grid parameters (" + join(grid_paths) + ") and uniform parameters (" + join(uniform_paths) +
               ") cannot be mixed; make them all grids (linear, log or values) or all uniform",
           odd);
    return problems;
  }

  if (uniform_paths.empty()) {
    if (plan.samples != 0)
      report(Part::samples, wording.samples + " applies only to uniform parameters, and there are none; remove it "
                                              "or make the parameters uniform");
    if (plan.method != SweepPlan::Method::grid)
      report(Part::method, wording.method + " " + to_string(plan.method) +
                               " applies only to uniform parameters, and there are none; remove it or make the "
                               "parameters uniform");
    if (plan.combine == SweepPlan::Combine::zip) {
      for (const auto& axis : plan.axes)
        if (grid_count(axis) != grid_count(plan.axes.front())) {
          report(Part::combine, wording.zip + " takes the parameters' values side by side, so they need as many "
                                              "values each, but " + names_with_counts(plan) +
                                    "; give them equal counts or use a product");
          break;
        }
      return problems;
    }
    // The product of the counts, stopping before it could overflow.
    std::size_t total = 1;
    for (const auto& axis : plan.axes) {
      const std::size_t count = grid_count(axis);
      if (total > max_sweep_points / count) {
        report(Part::parameters, "the parameters make more than " + std::to_string(max_sweep_points) +
                                     " points (" + names_with_counts(plan) + " values); use fewer values");
        break;
      }
      total *= count;
    }
    return problems;
  }

  if (plan.combine == SweepPlan::Combine::zip)
    report(Part::combine, wording.zip + " applies to grids; uniform parameters are sampled together anyway, so "
                                        "remove it");
  if (plan.samples == 0)
    report(Part::axis, "uniform parameters need " + wording.samples + " (how many points to draw), e.g. " +
                           wording.samples_example);
  else if (plan.samples > max_sweep_points)
    report(Part::samples, wording.samples + " is " + std::to_string(plan.samples) + "; a sweep has at most " +
                              std::to_string(max_sweep_points) + " points");
  if (plan.method == SweepPlan::Method::grid)
    report(Part::method, "uniform parameters need a sampling " + wording.method + ": random, latin or sobol");
  constexpr std::size_t max_sobol_dimension = boost::random::default_sobol_table::max_dimension;
  if (plan.method == SweepPlan::Method::sobol && uniform_paths.size() > max_sobol_dimension)
    report(Part::method, "sobol sampling supports at most " + std::to_string(max_sobol_dimension) +
                             " uniform parameters, and there are " + std::to_string(uniform_paths.size()) +
                             "; use latin or random");
  return problems;
}

const std::vector<std::string>& method_names() {
  static const std::vector<std::string> names = {"random", "latin", "sobol"};
  return names;
}

std::optional<SweepPlan::Method> method_from_name(const std::string& name) {
  if (name == "random") return SweepPlan::Method::random;
  if (name == "latin") return SweepPlan::Method::latin;
  if (name == "sobol") return SweepPlan::Method::sobol;
  return {};
}

std::string yaml_scalar(const std::string& text) {
  const auto safe = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '/' || c == '-';
  };
  bool plain = !text.empty() && text.front() != '-' && text != "null" && text != "Null" && text != "NULL";
  for (const char c : text) plain = plain && safe(c);
  if (plain) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      static const char* const hex = "0123456789abcdef";
      quoted += "\\x";
      quoted += hex[byte >> 4];
      quoted += hex[byte & 0xf];
    } else {
      quoted += c;  // UTF-8 bytes stay as they are
    }
  }
  return quoted + "\"";
}

}  // namespace sweep_detail

namespace {

using scenario_detail::format_number;
using scenario_detail::parse_number;

const char* const kAcceptedForms =
    "write PATH=SPEC with SPEC one of lo:hi:n (n values from lo to hi, both included), log:lo:hi:n (n "
    "geometrically spaced values), list:a,b,c, or uniform:lo:hi (sampled; with --samples N)";

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(trim(text.substr(start, end == std::string::npos ? std::string::npos : end - start)));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

}  // namespace

const char* to_string(SweepPlan::Method method) {
  switch (method) {
    case SweepPlan::Method::grid: return "grid";
    case SweepPlan::Method::random: return "random";
    case SweepPlan::Method::latin: return "latin";
    case SweepPlan::Method::sobol: return "sobol";
  }
  return "unknown";
}

SweepAxis parse_parameter(const std::string& text) {
  const auto fail = [&text](const std::string& problem) {
    return InputError("--param '" + text + "': " + problem + "; " + kAcceptedForms);
  };
  const std::size_t equals = text.rfind('=');  // a spec never holds '='
  if (equals == std::string::npos) throw fail("there is no '=' between the path and its values");
  SweepAxis axis;
  axis.location = {"--param " + text, 0, 0};  // messages about its values name it
  axis.path = trim(text.substr(0, equals));
  if (axis.path.empty()) throw fail("the path before '=' is empty");
  const std::string spec = trim(text.substr(equals + 1));
  const std::vector<std::string> fields = split(spec, ':');

  const auto number = [&fail](const std::string& field, const char* name) {
    const std::optional<double> value = parse_number(field);
    if (!value) throw fail(std::string(name) + " '" + field + "' is not a number");
    return *value;
  };
  const auto whole_number = [&fail](const std::string& field) -> std::uint32_t {
    const std::string range = "; it must be a whole number from 1 to " + std::to_string(max_sweep_points);
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (error == std::errc() && end == field.data() + field.size()) {
      if (value >= 1 && value <= max_sweep_points) return static_cast<std::uint32_t>(value);
    } else if (const auto real = parse_number(field); real && *real == std::floor(*real) && *real >= 1 &&
                                                      *real <= static_cast<double>(max_sweep_points)) {
      return static_cast<std::uint32_t>(*real);  // 1e3
    }
    throw fail("n is '" + field + "'" + range);
  };

  const std::string& kind = fields.front();
  if (kind == "log" && fields.size() == 4) {
    axis.kind = SweepAxis::Kind::log;
    axis.low = number(fields[1], "lo");
    axis.high = number(fields[2], "hi");
    axis.count = whole_number(fields[3]);
  } else if (kind == "list" && fields.size() == 2) {
    axis.kind = SweepAxis::Kind::values;
    if (!fields[1].empty())  // "list:" is an empty list, reported below
      for (const std::string& item : split(fields[1], ',')) axis.values.push_back(number(item, "value"));
  } else if (kind == "uniform" && fields.size() == 3) {
    axis.kind = SweepAxis::Kind::uniform;
    axis.low = number(fields[1], "lo");
    axis.high = number(fields[2], "hi");
  } else if (fields.size() == 3 && parse_number(kind)) {
    axis.kind = SweepAxis::Kind::linear;
    axis.low = number(fields[0], "lo");
    axis.high = number(fields[1], "hi");
    axis.count = whole_number(fields[2]);
  } else if (kind == "log" || kind == "list" || kind == "uniform") {
    const char* form = kind == "log" ? "log:lo:hi:n" : kind == "list" ? "list:a,b,c" : "uniform:lo:hi";
    throw fail("'" + spec + "' does not have the form " + form);
  } else if (const std::string match = closest_match(kind, {"log", "list", "uniform", "linear"});
             !match.empty() && !parse_number(kind)) {
    if (match == "linear") throw fail("a linear spec has no prefix: write lo:hi:n, e.g. 0:0.5:11");
    throw fail("'" + kind + "' is not a kind of spec; did you mean '" + match + "'?");
  } else {
    throw fail("'" + spec + "' is not a sweep spec");
  }
  if (std::string problem = sweep_detail::axis_problem(axis); !problem.empty()) throw fail(problem);
  return axis;
}

SweepPlan plan_from_options(std::vector<SweepAxis> axes, bool zip, std::uint64_t samples, const std::string& method) {
  SweepPlan plan;
  plan.axes = std::move(axes);
  plan.combine = zip ? SweepPlan::Combine::zip : SweepPlan::Combine::product;
  plan.samples = samples;
  if (!method.empty()) {
    const auto chosen = sweep_detail::method_from_name(method);
    if (!chosen) {
      const std::string match = closest_match(method, sweep_detail::method_names());
      throw InputError("--method '" + method + "' is not a sampling method; " +
                       (match.empty() ? "use random, latin or sobol" : "did you mean '" + match + "'?"));
    }
    plan.method = *chosen;
  } else {
    for (const auto& axis : plan.axes)
      if (axis.kind == SweepAxis::Kind::uniform) plan.method = SweepPlan::Method::random;
  }
  const auto problems = sweep_detail::find_plan_problems(plan, sweep_detail::Wording::command_line());
  if (!problems.empty()) {
    std::string message;
    for (const auto& problem : problems) message += (message.empty() ? "" : "\n") + problem.message;
    throw InputError(message);
  }
  plan.plan_text = format_plan(plan);
  return plan;
}

std::string format_plan(const SweepPlan& plan) {
  using sweep_detail::yaml_scalar;
  std::string out;
  if (!plan.scenario_path.empty()) out += "scenario: " + yaml_scalar(plan.scenario_path) + "\n";
  if (plan.replications) out += "replications: " + std::to_string(*plan.replications) + "\n";
  if (plan.strategies.size() == 1) out += "strategy: " + yaml_scalar(plan.strategies.front()) + "\n";
  if (plan.strategies.size() > 1) {
    out += "strategy: [";
    for (std::size_t i = 0; i < plan.strategies.size(); ++i)
      out += (i > 0 ? ", " : "") + yaml_scalar(plan.strategies[i]);
    out += "]\n";
  }
  if (plan.seed) out += "seed: " + std::to_string(*plan.seed) + "\n";
  if (plan.market_size) out += "market_size: " + std::to_string(*plan.market_size) + "\n";
  out += plan.axes.empty() ? "parameters: {}\n" : "parameters:\n";
  for (const auto& axis : plan.axes) {
    std::vector<std::string> numbers;
    if (axis.kind == SweepAxis::Kind::values) {
      for (const double value : axis.values) numbers.push_back(format_number(value));
    } else {
      numbers = {format_number(axis.low), format_number(axis.high)};
      if (axis.kind != SweepAxis::Kind::uniform) numbers.push_back(std::to_string(axis.count));
    }
    out += "  " + yaml_scalar(axis.path) + ": {" + sweep_detail::kind_name(axis.kind) + ": [" +
           scenario_detail::join(numbers, ", ") + "]}\n";
  }
  if (plan.combine == SweepPlan::Combine::zip) out += "combine: zip\n";
  if (plan.samples != 0) out += "samples: " + std::to_string(plan.samples) + "\n";
  if (plan.method != SweepPlan::Method::grid) out += std::string("method: ") + to_string(plan.method) + "\n";
  return out;
}

}  // namespace journeysim

// Plan files (plan.yaml): read with the scenario loader's YamlReader, so each
// problem is a file:line:col diagnostic with the same wording and hints.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ensemble/sweep_plan_rules.hpp"
#include "journeysim/scenario.hpp"
#include "journeysim/sweep_plan.hpp"
#include "scenario/loader.hpp"
#include "scenario/yaml_reader.hpp"

namespace journeysim {
namespace {

using scenario_detail::describe;
using scenario_detail::Entry;
using scenario_detail::MapView;
using scenario_detail::Range;
using scenario_detail::YamlReader;

const std::vector<std::string> kPlanKeys = {"scenario", "replications", "strategy", "seed",  "market_size",
                                            "parameters", "combine",    "samples",  "method"};
const std::vector<std::string> kAxisKinds = {"linear", "log", "values", "uniform"};
const char* const kSpecForms =
    "{linear: [lo, hi, n]}, {log: [lo, hi, n]}, {values: [a, b, ...]} or {uniform: [lo, hi]}";

// Where the plan-wide rules point when they are broken.
struct Places {
  SourceLocation root;        // the top of the file
  SourceLocation parameters;  // the `parameters` key
  SourceLocation combine, samples, method;  // their values, when given
};

std::string resolve_scenario(const std::string& plan_path, const std::string& scenario) {
  const std::filesystem::path target(scenario);
  if (target.is_absolute()) return scenario;
  return (std::filesystem::path(plan_path).parent_path() / target).lexically_normal().string();
}

// The items of a [lo, hi, n] or [lo, hi] list, or nothing (reported).
std::optional<std::vector<YAML::Node>> bounds_list(const Entry& kind, const std::string& path, std::size_t size,
                                                   const std::string& form, YamlReader& reader) {
  auto items = reader.list(kind.value, path + "'s " + kind.key);
  if (!items) return {};
  if (items->size() != size) {
    reader.error(reader.where(kind.value), path + ": " + kind.key + " takes " + form + ", but this list has " +
                                               std::to_string(items->size()) + " item" +
                                               (items->size() == 1 ? "" : "s"));
    return {};
  }
  return items;
}

// One `path: {kind: [...]}` entry of `parameters`; nothing when it has errors (reported).
std::optional<SweepAxis> read_axis(const Entry& entry, YamlReader& reader) {
  SweepAxis axis;
  axis.path = entry.key;
  axis.location = reader.where_key(entry);
  const int errors_before = reader.error_count();
  if (std::string problem = sweep_detail::path_problem(axis.path); !problem.empty())
    reader.error(axis.location, problem);
  const YAML::Node& spec = entry.value;
  if (!spec.IsMap() || spec.size() == 0) {
    reader.error(reader.where(spec), axis.path + " needs one of " + kSpecForms + ", but it is " + describe(spec));
    return {};
  }
  const MapView kinds = reader.map(spec, "parameters." + axis.path, kAxisKinds);  // did-you-mean for typos
  if (kinds.entries.size() > 1) {
    reader.error(reader.where_key(kinds.entries[1]), axis.path + " has both " + kinds.entries[0].key + " and " +
                                                         kinds.entries[1].key + "; give only one of them");
    return {};
  }
  if (kinds.entries.empty()) return {};  // its only key was unknown (reported)
  const Entry& kind = kinds.entries.front();
  const std::string& path = axis.path;

  if (kind.key == "linear" || kind.key == "log") {
    axis.kind = kind.key == "linear" ? SweepAxis::Kind::linear : SweepAxis::Kind::log;
    const auto items = bounds_list(kind, path, 3, "[lo, hi, n] (n values from lo to hi, both included), e.g. [0, 0.5, 11]",
                                   reader);
    if (!items) return {};
    const auto low = reader.number((*items)[0], "lo of " + path, Range::finite);
    const auto high = reader.number((*items)[1], "hi of " + path, Range::finite);
    const auto count = reader.whole_number((*items)[2], "n of " + path, 1);
    if (count && *count > max_sweep_points)
      reader.error(reader.where((*items)[2]), "n of " + path + " is " + std::to_string(*count) +
                                                   "; a sweep has at most " + std::to_string(max_sweep_points) +
                                                   " points");
    else if (count)
      axis.count = static_cast<std::uint32_t>(*count);
    if (axis.kind == SweepAxis::Kind::log) {
      for (std::size_t i = 0; i < 2; ++i) {
        const auto& bound = i == 0 ? low : high;
        if (bound && *bound <= 0)
          reader.error(reader.where((*items)[i]), std::string(i == 0 ? "lo" : "hi") + " of " + path + " is " +
                                                      (*items)[i].Scalar() +
                                                      "; log spacing needs values greater than 0 (use linear to "
                                                      "include 0)");
      }
    }
    if (low) axis.low = *low;
    if (high) axis.high = *high;
  } else if (kind.key == "uniform") {
    axis.kind = SweepAxis::Kind::uniform;
    const auto items = bounds_list(kind, path, 2, "[lo, hi], e.g. [0, 1]", reader);
    if (!items) return {};
    const auto low = reader.number((*items)[0], "lo of " + path, Range::finite);
    const auto high = reader.number((*items)[1], "hi of " + path, Range::finite);
    if (low && high && !(*low < *high))
      reader.error(reader.where((*items)[1]), "hi of " + path + " is " + (*items)[1].Scalar() +
                                                  "; a uniform range needs hi greater than lo (" +
                                                  (*items)[0].Scalar() + ")");
    if (low) axis.low = *low;
    if (high) axis.high = *high;
  } else {
    axis.kind = SweepAxis::Kind::values;
    const auto items = reader.list(kind.value, path + "'s values");
    if (!items) return {};
    if (items->empty())
      reader.error(reader.where(kind.value), "values of " + path + " is an empty list; give at least one number");
    if (items->size() > max_sweep_points)
      reader.error(reader.where(kind.value), "values of " + path + " has " + std::to_string(items->size()) +
                                                 " items; a sweep has at most " + std::to_string(max_sweep_points) +
                                                 " points");
    for (const auto& item : *items)
      if (auto value = reader.number(item, "a value of " + path, Range::finite)) axis.values.push_back(*value);
  }
  if (reader.error_count() > errors_before) return {};
  return axis;
}

void read_parameters(const Entry& section, YamlReader& reader, SweepPlan& plan, Places& places) {
  places.parameters = reader.where_key(section);
  const MapView parameters = reader.map(section.value, "parameters");
  if (!parameters.is_map) return;
  if (section.value.size() == 0) {
    reader.error(places.parameters, "parameters is empty; add at least one, e.g. "
                                    "`word_of_mouth.rate: {linear: [0, 0.5, 11]}` on the next line, indented");
    return;
  }
  for (const auto& entry : parameters.entries)
    if (auto axis = read_axis(entry, reader)) plan.axes.push_back(std::move(*axis));
}

void read_strategies(const Entry& section, YamlReader& reader, SweepPlan& plan) {
  if (!section.value.IsSequence()) {
    if (auto name = reader.text(section.value, "strategy")) plan.strategies.push_back(*name);
    return;
  }
  const auto items = reader.list(section.value, "strategy");
  if (items && items->empty())
    reader.error(reader.where(section.value), "strategy is an empty list; name at least one, or remove the key");
  if (items)
    for (const auto& item : *items)
      if (auto name = reader.text(item, "a strategy in the list")) plan.strategies.push_back(*name);
}

// An optional key whose value is one of `names`; reports anything else with a hint.
std::optional<std::string> read_choice(const MapView& top, const std::string& key,
                                       const std::vector<std::string>& names, YamlReader& reader,
                                       SourceLocation& place) {
  const Entry* entry = top.find(key);
  if (entry == nullptr) return {};
  place = reader.where(entry->value);
  const auto text = reader.text(entry->value, key);
  if (!text) return {};
  if (std::find(names.begin(), names.end(), *text) != names.end()) return text;
  const std::string match = closest_match(*text, names);
  reader.error(place, key + " is '" + *text + "'; " +
                          (match.empty() ? "use " + scenario_detail::join(names, " or ")
                                         : "did you mean '" + match + "'?"));
  return {};
}

void read_plan(const YAML::Node& root, YamlReader& reader, SweepPlan& plan, bool check_scenario_file) {
  Places places;
  places.root = reader.where(root);
  if (places.root.line == 0) places.root = {reader.file(), 1, 1};
  if (root.IsNull()) {
    reader.error(places.root, "the plan is empty; it needs at least `scenario:` and `parameters:`");
    return;
  }
  const MapView top = reader.map(root, "the plan", kPlanKeys);
  if (!top.is_map) return;

  if (reader.require(top, "scenario", "the plan", places.root,
                     "add e.g. `scenario: ecosystem.yaml` (a path relative to this plan's folder)")) {
    const YAML::Node& value = top.find("scenario")->value;
    if (auto name = reader.text(value, "scenario")) {
      plan.scenario_path = resolve_scenario(reader.file(), *name);
      std::error_code error;
      if (check_scenario_file && !std::filesystem::is_regular_file(plan.scenario_path, error))
        reader.error(reader.where(value), "scenario '" + *name + "' is not a file (looked for " +
                                              plan.scenario_path + "; paths are relative to the plan's folder)");
    }
  }
  if (const Entry* entry = top.find("replications"))
    if (auto count = reader.whole_number(entry->value, "replications", 1)) {
      if (*count > max_sweep_replications)
        reader.error(reader.where(entry->value), "replications is " + std::to_string(*count) + "; at most " +
                                                     std::to_string(max_sweep_replications) + " are supported");
      else
        plan.replications = static_cast<std::uint32_t>(*count);
    }
  if (const Entry* entry = top.find("strategy")) read_strategies(*entry, reader, plan);
  if (const Entry* entry = top.find("seed"))
    if (auto seed = reader.whole_number(entry->value, "seed", 0)) plan.seed = *seed;
  if (const Entry* entry = top.find("market_size"))
    if (auto size = reader.whole_number(entry->value, "market_size", 1)) {
      if (*size > limits::max_market_size)
        reader.error(reader.where(entry->value), "market_size is " + std::to_string(*size) + "; one run simulates " +
                                                     "at most " + std::to_string(limits::max_market_size) +
                                                     " customers, so lower it");
      else
        plan.market_size = *size;
    }

  // The sweep itself. Its plan-wide rules are checked only when its parts
  // read cleanly, so that one mistake is not reported twice.
  const int errors_before_sweep = reader.error_count();
  places.parameters = places.root;
  if (reader.require(top, "parameters", "the plan", places.root,
                     "add e.g. `parameters: {word_of_mouth.rate: {linear: [0, 0.5, 11]}}`"))
    read_parameters(*top.find("parameters"), reader, plan, places);
  places.combine = places.samples = places.method = places.parameters;
  if (auto combine = read_choice(top, "combine", {"product", "zip"}, reader, places.combine))
    plan.combine = *combine == "zip" ? SweepPlan::Combine::zip : SweepPlan::Combine::product;
  if (const Entry* entry = top.find("samples")) {
    places.samples = reader.where(entry->value);
    if (auto samples = reader.whole_number(entry->value, "samples", 1)) plan.samples = *samples;
  }
  if (auto method = read_choice(top, "method", sweep_detail::method_names(), reader, places.method))
    plan.method = *sweep_detail::method_from_name(*method);
  else if (!top.has("method"))
    for (const auto& axis : plan.axes)
      if (axis.kind == SweepAxis::Kind::uniform) plan.method = SweepPlan::Method::random;  // the default
  if (reader.error_count() > errors_before_sweep) return;

  using Part = sweep_detail::PlanProblem::Part;
  for (const auto& problem : sweep_detail::find_plan_problems(plan, sweep_detail::Wording::plan_file())) {
    switch (problem.part) {
      case Part::parameters: reader.error(places.parameters, problem.message); break;
      case Part::axis: reader.error(plan.axes[problem.axis].location, problem.message); break;
      case Part::combine: reader.error(places.combine, problem.message); break;
      case Part::samples: reader.error(places.samples, problem.message); break;
      case Part::method: reader.error(places.method, problem.message); break;
    }
  }
}

std::optional<SweepPlan> load_plan(const std::string& text, const std::string& path, Diagnostics& diagnostics,
                                   bool check_scenario_file) {
  if (auto where = scenario_detail::first_invalid_utf8(text, path)) {
    diagnostics.error(*where, "this byte is not valid UTF-8; save the plan as UTF-8 text");
    return {};
  }
  const auto root = scenario_detail::parse_yaml(text, path, diagnostics);
  if (!root) return {};
  YamlReader reader(path, diagnostics);
  SweepPlan plan;
  plan.plan_text = text;
  try {
    read_plan(*root, reader, plan, check_scenario_file);
  } catch (const std::exception& e) {
    // The reader never throws on bad input; this is a bug, but still no crash.
    reader.error({path, 0, 0}, std::string("internal error while reading the plan: ") + e.what());
  }
  if (reader.error_count() > 0) return {};
  return plan;
}

}  // namespace

std::optional<SweepPlan> load_sweep_plan_text(const std::string& text, const std::string& path,
                                              Diagnostics& diagnostics) {
  return load_plan(text, path, diagnostics, false);
}

std::optional<SweepPlan> load_sweep_plan(const std::string& path, Diagnostics& diagnostics) {
  // Bounded, and only regular files: a FIFO or /dev/zero is refused, not read.
  auto text = scenario_detail::read_text_file(path, "the plan", diagnostics);
  if (!text) return {};
  return load_plan(*text, path, diagnostics, true);
}

}  // namespace journeysim

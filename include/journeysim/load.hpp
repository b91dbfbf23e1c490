#pragma once
// YAML → Scenario, with every error found reported as file:line:col.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "journeysim/diagnostics.hpp"
#include "journeysim/scenario.hpp"

namespace journeysim {

// Parses and validates a scenario file (format v1), including the graph checks
// of validate_graph(). Returns nothing when any error was found; warnings and
// errors are appended to `diagnostics`.
std::optional<Scenario> load_scenario_file(const std::string& path, Diagnostics& diagnostics);

// Same, from text; `file_name` is used in messages and for the default name.
std::optional<Scenario> load_scenario_text(const std::string& text, const std::string& file_name,
                                           Diagnostics& diagnostics);

// Strategies and edits. Edits apply to the scenario's source_text (the YAML
// as written; changes made to `scenario` in code are not kept), in order,
// and the result is validated as a whole, so a later edit may complete what
// an earlier one started (add a touchpoint, then a transition into it).
// `remove: touchpoints.X` marks X `removed: true`: it leaves
// Scenario::touchpoints (listed in removed_touchpoints instead) and everyone
// who would enter it drops off, as in Markov-chain attribution's removal
// effect. The result has no strategies (they were written for the scenario
// as it was); its source_text is the edited YAML and its applied_strategies /
// applied_edits say what was done. Locations in messages point at the edits.
//
//   auto arm = apply_strategies(scenario, {"fix_support", "referral_programme"}, diagnostics);
//   auto point = apply_edits(scenario, {parse_assignment("word_of_mouth.rate=0.4")}, diagnostics);
std::optional<Scenario> apply_strategies(const Scenario& scenario, const std::vector<std::string>& strategy_names,
                                         Diagnostics& diagnostics, const std::vector<StrategyEdit>& then = {});
std::optional<Scenario> apply_edits(const Scenario& scenario, const std::vector<StrategyEdit>& edits,
                                    Diagnostics& diagnostics);
std::optional<Scenario> apply_strategy(const Scenario& scenario, const std::string& strategy_name,
                                       Diagnostics& diagnostics);

// The same strategies and then the same edits with other values, many times
// (a sweep's points): apply(values) gives what
// apply_strategies(scenario, strategies, diagnostics, edits with these values)
// gives — the same Scenario and the same diagnostics — without parsing the
// scenario's YAML and applying the strategies each time, when every edit is a
// `set` or `scale` of a plain number the scenario (with the strategies) has,
// one edit per path, not shared through a YAML alias: then fast() is true.
// Otherwise every call is that apply_strategies. `with_text` false leaves
// source_text empty (emitting the edited YAML is a large share of the cost).
// apply() may be called from several threads at once.
//
//   RepeatedEdits points(scenario, {"fix_support"}, {parse_assignment("word_of_mouth.rate=0")});
//   for (double rate : {0.1, 0.2}) auto point = points.apply({rate}, diagnostics);
class RepeatedEdits {
 public:
  RepeatedEdits(const Scenario& scenario, std::vector<std::string> strategies, std::vector<StrategyEdit> edits);
  ~RepeatedEdits();
  RepeatedEdits(const RepeatedEdits&) = delete;
  RepeatedEdits& operator=(const RepeatedEdits&) = delete;

  // values[i] is the value of edits[i] (set: the value; scale: the factor).
  std::optional<Scenario> apply(const std::vector<double>& values, Diagnostics& diagnostics,
                                bool with_text = true) const;
  bool fast() const { return fast_; }

 private:
  struct Slot;  // a parsed tree with the strategies applied, for one call at a time
  std::unique_ptr<Slot> make_slot(Diagnostics& diagnostics) const;

  Scenario scenario_;
  std::vector<std::string> strategy_names_;
  std::vector<StrategyEdit> edits_;
  std::vector<double> originals_;  // each edit's number in the scenario with the strategies (for scale)
  bool fast_ = false;
  mutable std::mutex mutex_;
  mutable std::vector<std::unique_ptr<Slot>> free_;
};

// "PATH=VALUE" as a `set` edit, located at `where` (e.g. {"--set", 0, 0}).
// Throws InputError when it is not of that form or VALUE is not a number.
StrategyEdit parse_assignment(const std::string& text, const SourceLocation& where);

// Adds the strategies of a file whose top level is `strategies:` (the same
// syntax as in a scenario) to `scenario`, each tried on it like the
// scenario's own. Errors point into that file. False when there were any.
bool load_strategies_file(const std::string& path, Scenario& scenario, Diagnostics& diagnostics);
bool load_strategies_text(const std::string& text, const std::string& path, Scenario& scenario,
                          Diagnostics& diagnostics);

// Convenience for callers that want an exception: throws ScenarioError.
Scenario load_scenario_or_throw(const std::string& path);

}  // namespace journeysim

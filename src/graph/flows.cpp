// A run's traffic for drawing on a scenario's graph (graph --flows, the
// report's touchpoint map). The run must have been made from the scenario as
// drawn — the same touchpoints, transitions and entries — or widths would land
// on edges the customers never took; a mismatch is an error saying what differs.
#include <algorithm>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "journeysim/errors.hpp"
#include "journeysim/graph.hpp"
#include "journeysim/statistics.hpp"

namespace journeysim {

namespace {

using Link = std::pair<std::string, std::string>;

// The links the engine lists for `scenario` (CompiledModel::flows): entries
// into touchpoints that are still there, then transitions between them.
std::set<Link> expected_links(const Scenario& scenario) {
  std::set<Link> links;
  const auto entry = [&](const std::string& from, const std::string& via) {
    if (scenario.touchpoint_index(via) >= 0) links.insert({from, via});
  };
  for (const EntryShare& initial : scenario.awareness.initial_via) entry("initial", initial.via);
  const std::vector<std::string> names = channel_names(scenario);
  for (std::size_t c = 0; c < names.size() && c < scenario.awareness.channels.size(); ++c)
    entry("channel:" + names[c], scenario.awareness.channels[c].via);
  if (scenario.word_of_mouth.enabled) entry("word_of_mouth", scenario.word_of_mouth.via);
  for (const Transition& transition : scenario.transitions)
    if (scenario.touchpoint_index(transition.from) >= 0 && scenario.touchpoint_index(transition.to) >= 0)
      links.insert({transition.from, transition.to});
  return links;
}

std::string link_text(const Link& link) { return link.first + " \u2192 " + link.second; }

}  // namespace

GraphFlows graph_flows(const Scenario& scenario, const Results& results, const std::string& source) {
  std::vector<std::string> differences;
  const auto differ = [&](std::string what) { differences.push_back(std::move(what)); };

  std::set<std::string> scenario_touchpoints, run_touchpoints(results.touchpoints.begin(), results.touchpoints.end());
  for (const Touchpoint& touchpoint : scenario.touchpoints) scenario_touchpoints.insert(touchpoint.name);
  for (const std::string& name : run_touchpoints)
    if (!scenario_touchpoints.count(name)) differ(fmt::format("the run has touchpoint '{}', the scenario does not", name));
  for (const std::string& name : scenario_touchpoints)
    if (!run_touchpoints.count(name)) differ(fmt::format("the scenario has touchpoint '{}', the run does not", name));

  const std::set<Link> expected = expected_links(scenario);
  std::set<Link> run_links;
  for (const FlowLink& link : results.flows) run_links.insert({link.from, link.to});
  for (const Link& link : run_links)
    if (!expected.count(link)) differ(fmt::format("the run has the link {}, the scenario does not", link_text(link)));
  for (const Link& link : expected)
    if (!run_links.count(link)) differ(fmt::format("the scenario has the link {}, the run does not", link_text(link)));

  if (!differences.empty()) {
    constexpr std::size_t shown = 6;
    std::string list;
    for (std::size_t i = 0; i < differences.size() && i < shown; ++i) list += (i ? "; " : "") + differences[i];
    if (differences.size() > shown) list += fmt::format("; and {} more", differences.size() - shown);
    throw InputError(fmt::format(
        "'{}' was not made from this scenario (run '{}'{}): {}. Pass the scenario file the run used, with the "
        "same --strategy and --set options",
        source, results.scenario_name,
        results.strategy.empty() ? std::string() : ", strategies " + results.strategy, list));
  }

  GraphFlows flows;
  flows.source = source;
  for (const FlowSummary& flow : summarize_flows(results)) flows.traversals[{flow.from, flow.to}] += flow.traversals.mean;
  for (std::size_t t = 0; t < results.touchpoints.size(); ++t) {
    double sum = 0.0;
    for (const RunResult& run : results.runs) sum += t < run.touchpoint_visits.size() ? static_cast<double>(run.touchpoint_visits[t]) : 0.0;
    flows.visits[results.touchpoints[t]] = results.runs.empty() ? 0.0 : sum / static_cast<double>(results.runs.size());
  }
  const auto mean = [&](auto value) {
    double sum = 0.0;
    for (const RunResult& run : results.runs) sum += static_cast<double>(value(run));
    return results.runs.empty() ? std::numeric_limits<double>::quiet_NaN() : sum / static_cast<double>(results.runs.size());
  };
  flows.reviews = mean([](const RunResult& run) { return run.reviews; });
  flows.advocates = mean([](const RunResult& run) { return run.advocates; });
  flows.final_rating = mean([](const RunResult& run) { return run.final_public_rating; });
  return flows;
}

}  // namespace journeysim

#pragma once
// The touchpoint graph: touchpoints as vertices, transitions as edges with
// their probability. Used to validate, analyse and export a scenario.
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "journeysim/chain.hpp"
#include "journeysim/diagnostics.hpp"
#include "journeysim/results.hpp"
#include "journeysim/scenario.hpp"

namespace journeysim {

struct TouchpointVertex {
  std::string name;
  Stage stage = Stage::awareness;
  double cost = 0.0;
  bool purchase = false;
  double dropoff = 0.0;  // 1 - sum of outgoing probabilities
};

struct TransitionEdge {
  double probability = 0.0;
  double rating_elasticity = 0.0;
};

// Vertex i is scenario.touchpoints[i].
using TouchpointGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                              TouchpointVertex, TransitionEdge>;

TouchpointGraph build_graph(const Scenario& scenario);

// Graph-level checks on a scenario whose names already resolve: closed sets of
// touchpoints that can be entered but never left (error, naming them) and
// touchpoints no entry can reach (warning).
// Also warns when the exact chain expects thousands of moves per customer.
void validate_graph(const Scenario& scenario, Diagnostics& diagnostics);

// Only the closed-set errors of validate_graph (at the prior rating): what
// an exact solve needs to rule out.
void report_closed_sets(const Scenario& scenario, Diagnostics& diagnostics);

// Closed sets of a chain given by transition_rows(): strongly connected
// components whose rows sum to 1 (within 1e-9) and that no positive edge
// leaves. Members ascend by index; sets are ordered by their first member.
// Any of them makes I - Q singular, so the exact analysis needs none.
std::vector<std::vector<int>> find_closed_sets(const std::vector<std::vector<Outgoing>>& rows);

// Touchpoints where customers start a journey: awareness.initial.via entries
// with a positive share (when the initial share is positive), channels with a
// positive rate, and word_of_mouth.via when enabled. Ascending, unique.
std::vector<int> entry_touchpoints(const Scenario& scenario);

// A run's traffic drawn on the graph (graph --flows, the report's map): mean
// counts across replications, keyed as Results::flows names the ends — from
// a touchpoint or an entry ("initial", "channel:<via>", "word_of_mouth") to a
// touchpoint or "drop-off" — and mean visits per touchpoint.
struct GraphFlows {
  std::map<std::pair<std::string, std::string>, double> traversals;
  std::map<std::string, double> visits;
  // What fed the loops (means; NaN when the run had none): reviews posted,
  // customers who became advocates, and the public rating at the horizon.
  double reviews = 0.0, advocates = 0.0, final_rating = 0.0;
  std::string source;  // where they came from ("run.h5"), for the legend
};

// The flows of `results` for drawing on `scenario`. Throws InputError saying
// what differs (touchpoints, transitions, entries) when the run was not made
// from this scenario with these strategies, so no width lands on the wrong edge.
GraphFlows graph_flows(const Scenario& scenario, const Results& results, const std::string& source);

// Graphviz DOT (via boost::write_graphviz): edge labels show probabilities,
// and each touchpoint with drop-off gets an edge to a "drop-off" node. The
// feedback loops are drawn as dashed influence edges through two extra nodes
// — purchases → "public rating" → rating-elastic transitions' targets, and
// purchases → "active advocates" → the word-of-mouth entry — with a legend.
// With `flows`, edge widths and labels show traversals, nodes their visits.
std::string graph_to_dot(const Scenario& scenario, const GraphFlows* flows = nullptr);
// {"touchpoints":[...], "transitions":[...], "entries":[...], "influences":[...]}
std::string graph_to_json(const Scenario& scenario);

// Graphviz's `dot` program lays a DOT graph out as SVG. It runs as a child
// process (found on PATH, or named by the environment variable JOURNEYSIM_DOT),
// so journeysim starts and runs without Graphviz, and a Graphviz failure cannot
// take the program down. Throws GraphvizUnavailable when `dot` cannot be found
// or started, std::runtime_error (with dot's message) when it fails.
struct GraphvizUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};
std::string dot_to_svg(const std::string& dot);
// The `dot` program dot_to_svg would run, or "" when there is none (and then
// `why_not`, when given, says why and how to fix it).
std::string find_dot_program(std::string* why_not = nullptr);

}  // namespace journeysim

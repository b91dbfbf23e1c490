#pragma once
// The touchpoint graph: touchpoints as vertices, transitions as edges with
// their probability. Used to validate, analyse and export a scenario.
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "journeysim/chain.hpp"
#include "journeysim/diagnostics.hpp"
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

// Graphviz DOT (via boost::write_graphviz): edge labels show probabilities,
// and each touchpoint with drop-off gets an edge to a "drop-off" node.
std::string graph_to_dot(const Scenario& scenario);
// {"touchpoints":[...], "transitions":[...], "entries":[...]}
std::string graph_to_json(const Scenario& scenario);

}  // namespace journeysim

#include <algorithm>

#include <boost/graph/strong_components.hpp>

#include "journeysim/graph.hpp"

namespace journeysim {

namespace {

// Rows whose outgoing mass is this close to 1 leave nothing for drop-off;
// anything smaller is rounding in how the user wrote the probabilities.
constexpr double row_sum_tolerance = 1e-9;

}  // namespace

TouchpointGraph build_graph(const Scenario& scenario) {
  TouchpointGraph graph(scenario.touchpoints.size());
  for (size_t i = 0; i < scenario.touchpoints.size(); ++i) {
    const Touchpoint& touchpoint = scenario.touchpoints[i];
    TouchpointVertex& vertex = graph[i];
    vertex.name = touchpoint.name;
    vertex.stage = touchpoint.stage;
    vertex.cost = touchpoint.cost;
    vertex.purchase = touchpoint.purchase_revenue.has_value();
    vertex.dropoff = 1.0;
  }
  for (const Transition& transition : scenario.transitions) {
    const int from = scenario.touchpoint_index(transition.from);
    const int to = scenario.touchpoint_index(transition.to);
    // A strategy may have removed the target: that flow becomes drop-off.
    if (from < 0 || to < 0) continue;
    boost::add_edge(static_cast<size_t>(from), static_cast<size_t>(to),
                    TransitionEdge{transition.probability, transition.rating_elasticity}, graph);
    graph[static_cast<size_t>(from)].dropoff -= transition.probability;
  }
  // Rows written as e.g. 0.7 + 0.2 + 0.1 leave a rounding crumb, not a real
  // exit; the same tolerance decides what counts as closed.
  for (size_t i = 0; i < scenario.touchpoints.size(); ++i)
    if (graph[i].dropoff < row_sum_tolerance) graph[i].dropoff = 0.0;
  return graph;
}

std::vector<std::vector<int>> find_closed_sets(const std::vector<std::vector<Outgoing>>& rows) {
  // Zero-probability edges carry nobody, so they neither join a component nor
  // offer a way out of one.
  using Digraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  const size_t count = rows.size();
  Digraph digraph(count);
  for (size_t from = 0; from < count; ++from)
    for (const Outgoing& out : rows[from])
      if (out.probability > 0.0) boost::add_edge(from, static_cast<size_t>(out.to), digraph);

  std::vector<int> component(count, 0);
  const int component_count = count == 0 ? 0 : static_cast<int>(boost::strong_components(
      digraph, boost::make_iterator_property_map(component.begin(),
                                                 boost::get(boost::vertex_index, digraph))));

  std::vector<bool> closed(static_cast<size_t>(component_count), true);
  for (size_t from = 0; from < count; ++from) {
    double total = 0.0;
    for (const Outgoing& out : rows[from]) {
      total += out.probability;
      if (out.probability > 0.0 && component[static_cast<size_t>(out.to)] != component[from])
        closed[static_cast<size_t>(component[from])] = false;
    }
    if (total < 1.0 - row_sum_tolerance) closed[static_cast<size_t>(component[from])] = false;
  }

  // Visiting vertices in index order yields members ascending and sets
  // ordered by their first member, which is file order for the messages.
  std::vector<int> set_of_component(static_cast<size_t>(component_count), -1);
  std::vector<std::vector<int>> sets;
  for (size_t vertex = 0; vertex < count; ++vertex) {
    const auto c = static_cast<size_t>(component[vertex]);
    if (!closed[c]) continue;
    if (set_of_component[c] < 0) {
      set_of_component[c] = static_cast<int>(sets.size());
      sets.emplace_back();
    }
    sets[static_cast<size_t>(set_of_component[c])].push_back(static_cast<int>(vertex));
  }
  return sets;
}

std::vector<int> entry_touchpoints(const Scenario& scenario) {
  std::vector<int> entries;
  auto add = [&](const std::string& via) {
    const int index = scenario.touchpoint_index(via);
    if (index >= 0) entries.push_back(index);
  };
  if (scenario.awareness.initial_share > 0.0)
    for (const EntryShare& entry : scenario.awareness.initial_via)
      if (entry.share > 0.0) add(entry.via);
  for (const AwarenessChannel& channel : scenario.awareness.channels)
    if (channel.rate > 0.0) add(channel.via);
  if (scenario.word_of_mouth.enabled) add(scenario.word_of_mouth.via);
  std::sort(entries.begin(), entries.end());
  entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
  return entries;
}

}  // namespace journeysim

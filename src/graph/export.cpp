#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <boost/graph/graphviz.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "journeysim/graph.hpp"

namespace journeysim {

namespace {

// Below this a drop-off is rounding in how the row was written, not a real exit.
constexpr double dropoff_shown_above = 1e-12;

// Four significant digits keep 0.65 from printing as 0.6499999999999999.
std::string format_probability(double value) { return fmt::format("{:.4g}", value); }

// Graphviz quoted strings: escape quotes and backslashes; parts become lines.
std::string dot_label(const std::vector<std::string>& lines) {
  std::string label;
  for (const std::string& line : lines) {
    if (!label.empty()) label += "\\n";
    for (char c : line) {
      if (c == '"' || c == '\\') label += '\\';
      label += c;
    }
  }
  return "\"" + label + "\"";
}

// The picture needs nodes the touchpoint graph does not have (entries and
// drop-off), so the DOT is written from a separate display graph whose
// vertices and edges carry their finished Graphviz attributes. Bidirectional
// storage lists edges in insertion order, so the file reads like the scenario.
struct DotVertex {
  std::string id;
  std::string attributes;
};
struct DotEdge {
  std::string attributes;
};
using DotGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, DotVertex, DotEdge>;

class DotBuilder {
 public:
  explicit DotBuilder(const Scenario& scenario) : scenario_(scenario) {}

  std::string build() {
    const TouchpointGraph graph = build_graph(scenario_);
    for (size_t i = 0; i < scenario_.touchpoints.size(); ++i) add_touchpoint(graph[i], i);
    for (auto [edge, end] = boost::edges(graph); edge != end; ++edge) add_transition(graph, *edge);
    add_dropoffs(graph);
    add_entries();
    return write();
  }

 private:
  size_t add_vertex(const std::string& wanted_id, std::string attributes) {
    // Touchpoint names are user text; extra nodes must never merge with one.
    std::string id = wanted_id;
    for (int suffix = 2; !ids_.insert(id).second; ++suffix) id = fmt::format("{}#{}", wanted_id, suffix);
    // write_graphviz quotes ids and escapes their quotes, but not backslashes.
    std::string escaped;
    for (char c : id) escaped += c == '\\' ? std::string("\\\\") : std::string(1, c);
    return boost::add_vertex(DotVertex{escaped, std::move(attributes)}, dot_);
  }

  void add_touchpoint(const TouchpointVertex& vertex, size_t index) {
    const Touchpoint& tp = scenario_.touchpoints[index];
    std::vector<std::string> lines{vertex.name, to_string(vertex.stage),
                                   fmt::format("cost {:.2f}", vertex.cost)};
    std::string attributes;
    if (tp.refund_amount) lines.push_back(fmt::format("refund {:.2f}", *tp.refund_amount));
    if (vertex.purchase) {
      lines.push_back(fmt::format("purchase: revenue {:.2f}", *tp.purchase_revenue));
      attributes = fmt::format(
          "[label={}, shape=box, style=\"rounded,filled,bold\", peripheries=2, fillcolor=\"#ffe08a\"]",
          dot_label(lines));
    } else {
      attributes = fmt::format("[label={}, shape=box, style=\"rounded\"]", dot_label(lines));
    }
    // Touchpoints are added first, so display vertex i is touchpoint i and
    // transitions can reuse the touchpoint graph's vertex numbers.
    add_vertex(vertex.name, std::move(attributes));
  }

  void add_transition(const TouchpointGraph& graph, TouchpointGraph::edge_descriptor edge) {
    const TransitionEdge& transition = graph[edge];
    std::string label = format_probability(transition.probability);
    std::string style;
    if (transition.rating_elasticity != 0.0) {
      label += fmt::format(", e={:g}", transition.rating_elasticity);
      style = ", color=\"#1f6fb2\"";  // moves with the public rating
    }
    boost::add_edge(boost::source(edge, graph), boost::target(edge, graph),
                    DotEdge{fmt::format("[label={}{}]", dot_label({label}), style)}, dot_);
  }

  void add_dropoffs(const TouchpointGraph& graph) {
    std::vector<size_t> leaking;
    for (size_t i = 0; i < scenario_.touchpoints.size(); ++i)
      if (graph[i].dropoff > dropoff_shown_above) leaking.push_back(i);
    if (leaking.empty()) return;
    add_dropoff_vertex();
    for (size_t i : leaking)
      boost::add_edge(i, dropoff_vertex_,
                      DotEdge{fmt::format("[label={}, style=dashed, color=gray50]",
                                          dot_label({format_probability(graph[i].dropoff)}))},
                      dot_);
  }

  void add_dropoff_vertex() {
    if (dropoff_vertex_ == no_vertex)
      dropoff_vertex_ = add_vertex("drop-off", "[label=\"drop-off\", shape=box, style=dashed]");
  }

  void add_entries() {
    const Awareness& awareness = scenario_.awareness;
    if (awareness.initial_share > 0.0 && !awareness.initial_via.empty()) {
      const size_t initial = add_entry_vertex(
          "initial", {"aware at day 0", fmt::format("{:.4g}% of market", 100.0 * awareness.initial_share)});
      for (const EntryShare& entry : awareness.initial_via)
        add_entry_edge(initial, entry.via, format_probability(entry.share));
    }
    for (const AwarenessChannel& channel : awareness.channels) {
      const size_t source = add_entry_vertex(
          "channel " + channel.via, {"channel", fmt::format("rate {:.4g}/day", channel.rate)});
      add_entry_edge(source, channel.via, "");
    }
    const WordOfMouth& wom = scenario_.word_of_mouth;
    if (wom.enabled) {
      const size_t source =
          add_entry_vertex("word of mouth", {"word of mouth", fmt::format("q = {:.4g}", wom.rate)});
      add_entry_edge(source, wom.via, "");
    }
  }

  size_t add_entry_vertex(const std::string& id, const std::vector<std::string>& lines) {
    const size_t vertex =
        add_vertex(id, fmt::format("[label={}, shape=cds, style=filled, fillcolor=\"#d8ecd0\"]", dot_label(lines)));
    entry_vertices_.push_back(vertex);
    return vertex;
  }

  void add_entry_edge(size_t source, const std::string& via, const std::string& label) {
    const int target = scenario_.touchpoint_index(via);
    if (target < 0) {  // a removed touchpoint: its customers drop off at once
      add_dropoff_vertex();
      boost::add_edge(source, dropoff_vertex_,
                      DotEdge{fmt::format("[label={}, style=dashed, color=\"#b22222\"]",
                                          dot_label({via + " (removed)"}))},
                      dot_);
      return;
    }
    const std::string attributes =
        label.empty() ? "[color=\"#3c8d2f\"]"
                      : fmt::format("[label={}, color=\"#3c8d2f\"]", dot_label({label}));
    boost::add_edge(source, static_cast<size_t>(target), DotEdge{attributes}, dot_);
  }

  std::string write() const {
    auto write_vertex = [this](std::ostream& out, size_t v) { out << ' ' << dot_[v].attributes; };
    auto write_edge = [this](std::ostream& out, DotGraph::edge_descriptor e) { out << dot_[e].attributes; };
    // Ranks make the picture read left to right: entries first, drop-off last.
    auto write_graph = [this](std::ostream& out) {
      out << "rankdir=LR;\nnode [fontname=\"Helvetica\"];\nedge [fontname=\"Helvetica\"];\n";
      if (!entry_vertices_.empty()) {
        out << "{ rank=source;";
        for (size_t v : entry_vertices_) out << ' ' << boost::escape_dot_string(dot_[v].id) << ';';
        out << " }\n";
      }
      if (dropoff_vertex_ != no_vertex)
        out << "{ rank=sink; " << boost::escape_dot_string(dot_[dropoff_vertex_].id) << "; }\n";
    };
    std::ostringstream out;
    boost::write_graphviz(out, dot_, write_vertex, write_edge, write_graph,
                          boost::get(&DotVertex::id, dot_));
    return out.str();
  }

  static constexpr size_t no_vertex = static_cast<size_t>(-1);
  const Scenario& scenario_;
  DotGraph dot_;
  std::set<std::string> ids_;
  std::vector<size_t> entry_vertices_;
  size_t dropoff_vertex_ = no_vertex;
};

nlohmann::json dwell_to_json(const Dwell& dwell) {
  switch (dwell.kind) {
    case Dwell::Kind::fixed: return {{"kind", "fixed"}, {"mean", dwell.mean}};
    case Dwell::Kind::exponential: return {{"kind", "exponential"}, {"mean", dwell.mean}};
    case Dwell::Kind::lognormal: return {{"kind", "lognormal"}, {"mean", dwell.mean}, {"sd", dwell.sd}};
  }
  return nullptr;
}

}  // namespace

std::string graph_to_dot(const Scenario& scenario) { return DotBuilder(scenario).build(); }

std::string graph_to_json(const Scenario& scenario) {
  const TouchpointGraph graph = build_graph(scenario);
  nlohmann::json touchpoints = nlohmann::json::array();
  for (size_t i = 0; i < scenario.touchpoints.size(); ++i) {
    const Touchpoint& tp = scenario.touchpoints[i];
    nlohmann::json item = {{"index", i},
                           {"name", tp.name},
                           {"stage", to_string(tp.stage)},
                           {"cost", tp.cost},
                           {"dwell_days", dwell_to_json(tp.dwell)},
                           {"purchase", tp.purchase_revenue.has_value()},
                           {"dropoff", graph[i].dropoff}};
    item["revenue"] = tp.purchase_revenue ? nlohmann::json(*tp.purchase_revenue) : nlohmann::json();
    item["refund"] = tp.refund_amount ? nlohmann::json(*tp.refund_amount) : nlohmann::json();
    item["experience"] = tp.experience.rated
                             ? nlohmann::json{{"mean", tp.experience.mean}, {"sd", tp.experience.sd}}
                             : nlohmann::json();
    touchpoints.push_back(std::move(item));
  }

  nlohmann::json transitions = nlohmann::json::array();
  for (auto [edge, end] = boost::edges(graph); edge != end; ++edge) {
    const TransitionEdge& transition = graph[*edge];
    transitions.push_back({{"from", graph[boost::source(*edge, graph)].name},
                           {"to", graph[boost::target(*edge, graph)].name},
                           {"probability", transition.probability},
                           {"rating_elasticity", transition.rating_elasticity}});
  }

  nlohmann::json entries = nlohmann::json::array();
  const Awareness& awareness = scenario.awareness;
  // `removed`: the via names a removed touchpoint, so these customers drop off at once.
  auto entry = [&](nlohmann::json item, const std::string& via) {
    item["via"] = via;
    item["removed"] = scenario.touchpoint_index(via) < 0;
    entries.push_back(std::move(item));
  };
  if (awareness.initial_share > 0.0)
    for (const EntryShare& initial : awareness.initial_via)
      entry({{"kind", "initial"}, {"share", initial.share}, {"initial_share", awareness.initial_share}}, initial.via);
  for (const AwarenessChannel& channel : awareness.channels)
    entry({{"kind", "channel"}, {"rate", channel.rate}}, channel.via);
  if (scenario.word_of_mouth.enabled)
    entry({{"kind", "word_of_mouth"}, {"rate", scenario.word_of_mouth.rate}}, scenario.word_of_mouth.via);

  const nlohmann::json document = {{"name", scenario.name},
                                   {"touchpoints", std::move(touchpoints)},
                                   {"removed_touchpoints", scenario.removed_touchpoints},
                                   {"transitions", std::move(transitions)},
                                   {"entries", std::move(entries)}};
  return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);  // names need not be UTF-8
}

}  // namespace journeysim

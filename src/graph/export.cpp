#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <boost/graph/graphviz.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io/text_format.hpp"
#include "journeysim/graph.hpp"

namespace journeysim {

namespace {

// Below this a drop-off is rounding in how the row was written, not a real exit.
constexpr double dropoff_shown_above = 1e-12;

// Four significant digits keep 0.65 from printing as 0.6499999999999999.
std::string format_probability(double value) { return fmt::format("{:.4g}", value); }

// Graphviz's dot takes tens of seconds on a hundred touchpoints with a
// drop-off edge each and a label on every edge (labels become extra nodes to
// place). Above this many touchpoints the picture is compact: drop-off shares
// move into the node labels, probabilities into edge tooltips, and dot's
// crossing minimisation runs fewer passes. Smaller graphs are drawn in full.
constexpr size_t kCompactAbove = 40;

// The feedback loops' colours (Okabe–Ito, as the report), each loop its own,
// so the two loops can be told apart from each other and from the journey.
constexpr const char* kRatingColour = "#CC79A7";     // reviews → public rating → transitions
constexpr const char* kAdvocacyColour = "#D55E00";   // advocates → word of mouth
constexpr const char* kElasticColour = "#1f6fb2";    // a transition that moves with the rating
constexpr const char* kEntryColour = "#3c8d2f";

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
  DotBuilder(const Scenario& scenario, const GraphFlows* flows) : scenario_(scenario), flows_(flows) {
    if (flows_ != nullptr)
      for (const auto& [link, count] : flows_->traversals) busiest_ = std::max(busiest_, count);
  }

  std::string build() {
    const TouchpointGraph graph = build_graph(scenario_);
    for (size_t i = 0; i < scenario_.touchpoints.size(); ++i) add_touchpoint(graph[i], i);
    for (auto [edge, end] = boost::edges(graph); edge != end; ++edge) add_transition(graph, *edge);
    add_dropoffs(graph);
    add_entries();
    add_influences(graph);
    return write();
  }

 private:
  // Touchpoint names are user text; extra nodes must never merge with one.
  std::string unique_id(const std::string& wanted_id) {
    std::string id = wanted_id;
    for (int suffix = 2; !ids_.insert(id).second; ++suffix) id = fmt::format("{}#{}", wanted_id, suffix);
    // write_graphviz quotes ids and escapes their quotes, but not backslashes.
    std::string escaped;
    for (char c : id) escaped += c == '\\' ? std::string("\\\\") : std::string(1, c);
    return escaped;
  }

  size_t add_vertex(const std::string& wanted_id, std::string attributes) {
    return boost::add_vertex(DotVertex{unique_id(wanted_id), std::move(attributes)}, dot_);
  }

  // With a run's flows: ", penwidth=…" for the link (from, to), as wide as its
  // share of the busiest link, and its count as an extra label line.
  std::string flow_style(const std::string& from, const std::string& to, std::vector<std::string>& label) const {
    if (flows_ == nullptr) return "";
    const auto it = flows_->traversals.find({from, to});
    const double count = it == flows_->traversals.end() ? 0.0 : it->second;
    label.push_back(io_detail::format_count(count) + " traversals");
    const double width = count > 0.0 && busiest_ > 0.0 ? 1.0 + 11.0 * count / busiest_ : 0.5;
    return fmt::format(", penwidth={:.3g}", width);
  }

  void add_touchpoint(const TouchpointVertex& vertex, size_t index) {
    const Touchpoint& tp = scenario_.touchpoints[index];
    std::vector<std::string> lines{vertex.name, to_string(vertex.stage),
                                   fmt::format("cost {:.2f}", vertex.cost)};
    std::string attributes;
    if (tp.refund_amount) lines.push_back(fmt::format("refund {:.2f}", *tp.refund_amount));
    if (compact() && vertex.dropoff > dropoff_shown_above) {
      std::vector<std::string> dropoff{"drop-off " + format_probability(vertex.dropoff)};
      flow_style(vertex.name, "drop-off", dropoff);
      lines.push_back(dropoff.size() > 1 ? dropoff[0] + ": " + dropoff[1] : dropoff[0]);
    }
    if (flows_ != nullptr) {
      const auto visits = flows_->visits.find(vertex.name);
      lines.push_back(io_detail::format_count(visits == flows_->visits.end() ? 0.0 : visits->second) + " visits");
    }
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
      style = fmt::format(", color=\"{}\"", kElasticColour);  // moves with the public rating
    }
    std::vector<std::string> lines{label};
    style += flow_style(graph[boost::source(edge, graph)].name, graph[boost::target(edge, graph)].name, lines);
    boost::add_edge(boost::source(edge, graph), boost::target(edge, graph),
                    DotEdge{fmt::format("[{}={}{}]", compact() ? "tooltip" : "label", dot_label(lines), style)}, dot_);
  }

  void add_dropoffs(const TouchpointGraph& graph) {
    std::vector<size_t> leaking;
    for (size_t i = 0; i < scenario_.touchpoints.size(); ++i)
      if (graph[i].dropoff > dropoff_shown_above) leaking.push_back(i);
    if (leaking.empty() || compact()) return;  // compact: in the node labels instead
    add_dropoff_vertex();
    for (size_t i : leaking) {
      std::vector<std::string> lines{format_probability(graph[i].dropoff)};
      const std::string width = flow_style(graph[i].name, "drop-off", lines);
      boost::add_edge(i, dropoff_vertex_,
                      DotEdge{fmt::format("[label={}, style=dashed, color=gray50{}]", dot_label(lines), width)},
                      dot_);
    }
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
        add_entry_edge(initial, "initial", entry.via, format_probability(entry.share));
    }
    // Flows name a channel's entry as outputs do ("channel:search#2").
    const std::vector<std::string> names = channel_names(scenario_);
    for (size_t c = 0; c < awareness.channels.size(); ++c) {
      const AwarenessChannel& channel = awareness.channels[c];
      const size_t source = add_entry_vertex(
          "channel " + channel.via, {"channel", fmt::format("rate {:.4g}/day", channel.rate)});
      add_entry_edge(source, "channel:" + (c < names.size() ? names[c] : channel.via), channel.via, "");
    }
    const WordOfMouth& wom = scenario_.word_of_mouth;
    if (wom.enabled) {
      word_of_mouth_vertex_ =
          add_entry_vertex("word of mouth", {"word of mouth", fmt::format("q = {:.4g}", wom.rate)});
      add_entry_edge(word_of_mouth_vertex_, "word_of_mouth", wom.via, "");
    }
  }

  // The feedback loops that make the journey an ecosystem, as dashed edges
  // through two nodes that are not touchpoints. They are left out of the
  // ranking (constraint=false) where they point back, so the journey still
  // reads left to right.
  void add_influences(const TouchpointGraph& graph) {
    std::vector<size_t> purchases;
    for (size_t i = 0; i < scenario_.touchpoints.size(); ++i)
      if (graph[i].purchase) purchases.push_back(i);
    std::vector<TouchpointGraph::edge_descriptor> elastic;
    for (auto [edge, end] = boost::edges(graph); edge != end; ++edge)
      if (graph[*edge].rating_elasticity != 0.0) elastic.push_back(*edge);

    const Reviews& reviews = scenario_.reviews;
    if (reviews.enabled || !elastic.empty()) {
      has_rating_loop_ = true;
      std::vector<std::string> lines{"public rating",
                                     fmt::format("prior {:.4g}, weight {:.4g}", reviews.prior_rating, reviews.prior_weight)};
      if (flows_ != nullptr && std::isfinite(flows_->final_rating))
        lines.push_back(fmt::format("final {:.3f} after {} reviews", flows_->final_rating,
                                    io_detail::format_count(flows_->reviews)));
      const size_t rating = add_vertex(
          "public rating",
          fmt::format("[label={}, shape=ellipse, style=\"filled,dashed\", color=\"{}\", fillcolor=\"#f7e8f1\"]",
                      dot_label(lines), kRatingColour));
      if (reviews.enabled)
        for (size_t purchase : purchases)
          add_influence_edge(purchase, rating, kRatingColour,
                             fmt::format("review p={}", format_probability(reviews.post_probability)), true);
      for (const auto& edge : elastic) {
        const std::string& from = graph[boost::source(edge, graph)].name;
        const std::string& to = graph[boost::target(edge, graph)].name;
        add_influence_edge(rating, boost::target(edge, graph), kRatingColour,
                           fmt::format("e={:g} on {} \u2192 {}", graph[edge].rating_elasticity, from, to), false);
      }
    }

    const Advocacy& advocacy = scenario_.advocacy;
    if (word_of_mouth_vertex_ != no_vertex || advocacy.advocate_probability > 0.0) {
      has_advocacy_loop_ = true;
      const WordOfMouth& wom = scenario_.word_of_mouth;
      const std::string period =
          wom.advocate_days ? fmt::format("active ~{:.4g} days", *wom.advocate_days) : std::string("active forever");
      const size_t advocates = add_vertex(
          "active advocates",
          fmt::format("[label={}, shape=ellipse, style=\"filled,dashed\", color=\"{}\", fillcolor=\"#fbe7d9\"]",
                      dot_label(advocate_lines(period)), kAdvocacyColour));
      for (size_t purchase : purchases)
        add_influence_edge(purchase, advocates, kAdvocacyColour,
                           fmt::format("promoters (satisfaction \u2265 {:.4g}) \u00d7 {}", advocacy.promoter_at,
                                       format_probability(advocacy.advocate_probability)),
                           true);
      if (word_of_mouth_vertex_ != no_vertex)
        add_influence_edge(advocates, word_of_mouth_vertex_, kAdvocacyColour,
                           fmt::format("word of mouth: q \u00d7 advocates / market"), false);
    }
  }

  std::vector<std::string> advocate_lines(const std::string& period) const {
    std::vector<std::string> lines{"active advocates", period};
    if (flows_ != nullptr && std::isfinite(flows_->advocates))
      lines.push_back(io_detail::format_count(flows_->advocates) + " became advocates");
    return lines;
  }

  void add_influence_edge(size_t from, size_t to, const char* colour, const std::string& label, bool ranks) {
    boost::add_edge(from, to,
                    DotEdge{fmt::format("[label={}, style=dashed, color=\"{}\", fontcolor=\"{}\", "
                                        "arrowhead=vee{}]",
                                        dot_label({label}), colour, colour, ranks ? "" : ", constraint=false")},
                    dot_);
  }

  size_t add_entry_vertex(const std::string& id, const std::vector<std::string>& lines) {
    const size_t vertex =
        add_vertex(id, fmt::format("[label={}, shape=cds, style=filled, fillcolor=\"#d8ecd0\"]", dot_label(lines)));
    entry_vertices_.push_back(vertex);
    return vertex;
  }

  // `entry` names the entry as flows do: "initial", "channel:<name>", "word_of_mouth".
  void add_entry_edge(size_t source, const std::string& entry, const std::string& via, const std::string& label) {
    const int target = scenario_.touchpoint_index(via);
    if (target < 0) {  // a removed touchpoint: its customers drop off at once
      add_dropoff_vertex();
      std::vector<std::string> lines{via + " (removed)"};
      const std::string width = flow_style(entry, "drop-off", lines);
      boost::add_edge(source, dropoff_vertex_,
                      DotEdge{fmt::format("[label={}, style=dashed, color=\"#b22222\"{}]", dot_label(lines), width)},
                      dot_);
      return;
    }
    std::vector<std::string> lines;
    if (!label.empty()) lines.push_back(label);
    const std::string width = flow_style(entry, via, lines);
    const std::string attributes =
        lines.empty() ? fmt::format("[color=\"{}\"]", kEntryColour)
                      : fmt::format("[label={}, color=\"{}\"{}]", dot_label(lines), kEntryColour, width);
    boost::add_edge(source, static_cast<size_t>(target), DotEdge{attributes}, dot_);
  }

  // What each kind of line means, for the kinds the picture uses: one
  // table node (a sample line drawn in text, then the meaning) in a box of
  // its own, small beside the journey. Its id is one no touchpoint has.
  void add_legend() {
    struct Row {
      std::string colour, sample, meaning;
    };
    const std::string solid = "\u2500\u2500\u2500\u25b6", dashed = "\u254c\u254c\u254c\u25b6";
    std::vector<Row> rows{{"#000000", solid, compact() ? "transition (probability in its tooltip)" : "transition: probability"},
                          {kEntryColour, solid, "entry: how customers arrive"}};
    if (compact()) rows.push_back({"#7f7f7f", "", "drop-off: the rest of a row, in each touchpoint's label"});
    else rows.push_back({"#7f7f7f", dashed, "drop-off: the rest of a row"});
    if (has_rating_loop_) {
      rows.push_back({kElasticColour, solid, "moves with the public rating (e: elasticity)"});
      rows.push_back({kRatingColour, dashed, "influence: reviews \u2192 public rating \u2192 transitions"});
    }
    if (has_advocacy_loop_)
      rows.push_back({kAdvocacyColour, dashed, "influence: advocates \u2192 word of mouth"});
    if (flows_ != nullptr)
      rows.push_back({"#000000", "\u2501\u2501\u2501\u25b6",
                      "width: traversals" + (flows_->source.empty() ? std::string() : " in " + html_text(flows_->source))});
    std::string table = "<table border=\"0\" cellborder=\"0\" cellspacing=\"1\" cellpadding=\"1\">";
    for (const Row& row : rows)  // Graphviz rejects an empty <font>
      table += fmt::format("<tr><td align=\"left\"><font color=\"{}\">{}</font></td><td align=\"left\">{}</td></tr>",
                           row.colour, row.sample.empty() ? "\u00a0" : row.sample, row.meaning);
    table += "</table>";
    legend_ = fmt::format(
        "subgraph cluster_legend {{\nlabel=\"legend\"; fontname=\"Helvetica\"; fontsize=10; style=rounded; "
        "color=gray60;\n{} [shape=plaintext, fontsize=10, label=<{}>];\n}}\n",
        boost::escape_dot_string(unique_id("legend")), table);
  }

  // Text inside a Graphviz HTML-like label: &, < and > as entities.
  static std::string html_text(const std::string& text) {
    std::string out;
    for (char c : text) out += c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : std::string(1, c);
    return out;
  }

  std::string write() {
    add_legend();
    auto write_vertex = [this](std::ostream& out, size_t v) { out << ' ' << dot_[v].attributes; };
    auto write_edge = [this](std::ostream& out, DotGraph::edge_descriptor e) { out << dot_[e].attributes; };
    // Ranks make the picture read left to right: entries first, drop-off last.
    auto write_graph = [this](std::ostream& out) {
      out << "rankdir=LR;\nnode [fontname=\"Helvetica\"];\nedge [fontname=\"Helvetica\"];\n";
      if (compact()) out << "mclimit=0.2;\n";
      if (!entry_vertices_.empty()) {
        out << "{ rank=source;";
        for (size_t v : entry_vertices_) out << ' ' << boost::escape_dot_string(dot_[v].id) << ';';
        out << " }\n";
      }
      if (dropoff_vertex_ != no_vertex)
        out << "{ rank=sink; " << boost::escape_dot_string(dot_[dropoff_vertex_].id) << "; }\n";
      out << legend_;
    };
    std::ostringstream out;
    boost::write_graphviz(out, dot_, write_vertex, write_edge, write_graph,
                          boost::get(&DotVertex::id, dot_));
    return out.str();
  }

  bool compact() const { return scenario_.touchpoints.size() > kCompactAbove; }

  static constexpr size_t no_vertex = static_cast<size_t>(-1);
  const Scenario& scenario_;
  const GraphFlows* flows_;
  double busiest_ = 0.0;  // the largest traversal count: the widest edge
  DotGraph dot_;
  std::set<std::string> ids_;
  std::vector<size_t> entry_vertices_;
  size_t dropoff_vertex_ = no_vertex;
  size_t word_of_mouth_vertex_ = no_vertex;
  bool has_rating_loop_ = false, has_advocacy_loop_ = false;
  std::string legend_;
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

std::string graph_to_dot(const Scenario& scenario, const GraphFlows* flows) {
  return DotBuilder(scenario, flows).build();
}

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

  // The feedback loops, as the DOT draws them: "public_rating" and
  // "advocates" are the nodes that are not touchpoints.
  nlohmann::json influences = nlohmann::json::array();
  const bool elastic = std::any_of(scenario.transitions.begin(), scenario.transitions.end(),
                                   [](const Transition& t) { return t.rating_elasticity != 0.0; });
  for (size_t i = 0; i < scenario.touchpoints.size(); ++i) {
    if (!graph[i].purchase) continue;
    if (scenario.reviews.enabled)
      influences.push_back({{"kind", "review"}, {"from", graph[i].name}, {"to", "public_rating"},
                            {"post_probability", scenario.reviews.post_probability}});
    if (scenario.word_of_mouth.enabled || scenario.advocacy.advocate_probability > 0.0)
      influences.push_back({{"kind", "advocacy"}, {"from", graph[i].name}, {"to", "advocates"},
                            {"promoter_at", scenario.advocacy.promoter_at},
                            {"advocate_probability", scenario.advocacy.advocate_probability}});
  }
  if (elastic || scenario.reviews.enabled)
    for (auto [edge, end] = boost::edges(graph); edge != end; ++edge)
      if (graph[*edge].rating_elasticity != 0.0)
        influences.push_back({{"kind", "rating"}, {"from", "public_rating"},
                              {"transition", {{"from", graph[boost::source(*edge, graph)].name},
                                              {"to", graph[boost::target(*edge, graph)].name}}},
                              {"rating_elasticity", graph[*edge].rating_elasticity}});
  if (scenario.word_of_mouth.enabled)
    influences.push_back({{"kind", "word_of_mouth"}, {"from", "advocates"}, {"to", "word_of_mouth"},
                          {"via", scenario.word_of_mouth.via}, {"rate", scenario.word_of_mouth.rate}});

  const nlohmann::json document = {{"name", scenario.name},
                                   {"touchpoints", std::move(touchpoints)},
                                   {"removed_touchpoints", scenario.removed_touchpoints},
                                   {"transitions", std::move(transitions)},
                                   {"entries", std::move(entries)},
                                   {"influences", std::move(influences)}};
  return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);  // names need not be UTF-8
}

}  // namespace journeysim

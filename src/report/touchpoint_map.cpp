// The report's touchpoint map: the scenario a result file keeps, drawn by
// Graphviz (graph_to_dot → dot_to_svg) with the run's traversals as edge
// widths, and Graphviz's SVG made fit to sit inline in the page. Where
// Graphviz is missing or fails, the page says so in a note; it never fails.
#include <fmt/format.h>

#include "journeysim/errors.hpp"
#include "journeysim/graph.hpp"
#include "journeysim/load.hpp"
#include "journeysim/report.hpp"

namespace journeysim::report {

namespace {

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
  return count;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// A page holds several maps: each gets its own id prefix.
std::string next_prefix() {
  static thread_local unsigned maps = 0;
  return fmt::format("map{}-", ++maps);
}

std::string draw(const Scenario& scenario, const GraphFlows* flows, std::string& note) {
  std::string svg;
  try {
    svg = dot_to_svg(graph_to_dot(scenario, flows));
  } catch (const GraphvizUnavailable& missing) {
    note = std::string("Touchpoint map: not drawn, ") + missing.what() + ".";
    return "";
  } catch (const std::runtime_error& failure) {
    note = std::string("Touchpoint map: not drawn, Graphviz failed: ") + failure.what();
    return "";
  }
  return inline_graphviz_svg(svg, next_prefix());
}

}  // namespace

std::string inline_graphviz_svg(const std::string& graphviz_svg, const std::string& id_prefix) {
  const std::size_t start = graphviz_svg.find("<svg");
  const std::size_t end = graphviz_svg.rfind("</svg>");
  if (start == std::string::npos || end == std::string::npos || end < start) return "";
  std::string svg = graphviz_svg.substr(start, end + 6 - start);
  // Comments carry Graphviz's version and the node ids: nothing a reader needs.
  for (std::size_t open = svg.find("<!--"); open != std::string::npos; open = svg.find("<!--", open)) {
    const std::size_t close = svg.find("-->", open);
    if (close == std::string::npos) break;
    svg.erase(open, close + 3 - open);
  }
  // The xlink namespace is declared for links the map never has; without
  // it, the page names no address but the SVG namespace.
  const std::string xlink = " xmlns:xlink=\"http://www.w3.org/1999/xlink\"";
  if (const std::size_t at = svg.find(xlink);
      at != std::string::npos && svg.find("xlink:", at + xlink.size()) == std::string::npos)
    svg.erase(at, xlink.size());
  replace_all(svg, " id=\"", " id=\"" + id_prefix);
  // Nodes and edges are the map's marks, as the report's own charts count them.
  replace_all(svg, "class=\"node\"", "class=\"mark node\"");
  replace_all(svg, "class=\"edge\"", "class=\"mark edge\"");
  // Graphviz sizes the picture in points (a wide journey is 2,000 and more):
  // at that fixed size a half-width column shows only its left edge. The
  // viewBox alone sizes it, and the page's CSS scales it to its container's
  // width on screen and in print; the style attribute says the same for a
  // page that lacks the stylesheet.
  {
    const std::size_t tag_end = svg.find('>');
    std::string tag = svg.substr(0, tag_end);
    const bool has_view_box = tag.find("viewBox=") != std::string::npos;
    for (const char* dimension : {" width=\"", " height=\""}) {
      const std::size_t at = tag.find(dimension);
      if (at == std::string::npos || !has_view_box) continue;  // without a viewBox, the size is all there is
      const std::size_t close = tag.find('"', at + std::string(dimension).size());
      if (close == std::string::npos) continue;
      tag.erase(at, close + 1 - at);
    }
    tag += " preserveAspectRatio=\"xMidYMid meet\" style=\"width:100%;height:auto;max-width:100%\"";
    svg.replace(0, tag_end, tag);
  }
  const std::size_t marks = count_of(svg, "class=\"mark ");
  svg.replace(0, 4, fmt::format("<svg data-chart=\"touchpoint-map\" data-marks=\"{}\" role=\"img\" "
                                "aria-label=\"Touchpoint map: the journey and its feedback loops\"",
                                marks));
  return svg;
}

std::string touchpoint_map_svg(const Results& results, const std::string& source, std::string& note) {
  note.clear();
  if (results.scenario_text.empty()) {
    note = "Touchpoint map: not drawn, the file holds no scenario text.";
    return "";
  }
  Diagnostics diagnostics;
  const auto scenario = load_scenario_text(results.scenario_text, results.scenario_name + ".yaml", diagnostics);
  if (!scenario) {
    note = "Touchpoint map: not drawn, the scenario text in the file does not load.";
    return "";
  }
  try {
    const GraphFlows flows = graph_flows(*scenario, results, source);
    return draw(*scenario, &flows, note);
  } catch (const InputError& mismatch) {
    // The file's own scenario should always match its run; if not, draw the
    // scenario without traffic rather than widths on the wrong edges.
    std::string ignored;
    const std::string svg = draw(*scenario, nullptr, ignored);
    note = std::string("Touchpoint map: drawn without the run's flows, ") + mismatch.what();
    return svg;
  }
}

std::string touchpoint_map_svg(const std::string& scenario_text, const std::string& scenario_name,
                               std::string& note) {
  note.clear();
  if (scenario_text.empty()) {
    note = "Touchpoint map: not drawn, the file holds no scenario text.";
    return "";
  }
  Diagnostics diagnostics;
  const auto scenario = load_scenario_text(scenario_text, scenario_name + ".yaml", diagnostics);
  if (!scenario) {
    note = "Touchpoint map: not drawn, the scenario text in the file does not load.";
    return "";
  }
  return draw(*scenario, nullptr, note);
}

}  // namespace journeysim::report

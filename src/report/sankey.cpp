// The Sankey diagram of customer flows: entries → touchpoints (a column per
// stage) → drop-off, every link as wide as its traversal count. Journeys
// loop (website → ads, support → checkout), so a link that goes back or
// stays in its column is drawn as a loop under the nodes instead of a
// ribbon running backwards through them.
#include <algorithm>
#include <cmath>
#include <deque>
#include <map>

#include <fmt/format.h>

#include "io/text_format.hpp"
#include "journeysim/report.hpp"
#include "report/report_detail.hpp"
#include "report/svg.hpp"

namespace journeysim::report {

namespace {

std::string entry_label(const std::string& entry) {
  if (entry == "initial") return "initial awareness";
  if (entry == "word_of_mouth") return "word of mouth";
  if (entry.rfind("channel:", 0) == 0) return entry.substr(8) + " (channel)";
  return entry;
}

// Without stages: a touchpoint's column is its distance from the entries.
std::vector<int> distance_columns(const Results& results) {
  const std::size_t n = results.touchpoints.size();
  std::map<std::string, std::size_t> index;
  for (std::size_t t = 0; t < n; ++t) index[results.touchpoints[t]] = t;
  std::vector<int> column(n, -1);
  std::deque<std::size_t> queue;
  for (const FlowLink& link : results.flows) {
    const auto to = index.find(link.to);
    if (link.entry && to != index.end() && column[to->second] < 0) {
      column[to->second] = 1;
      queue.push_back(to->second);
    }
  }
  while (!queue.empty()) {
    const std::size_t t = queue.front();
    queue.pop_front();
    for (const FlowLink& link : results.flows) {
      if (link.entry || link.from != results.touchpoints[t]) continue;
      const auto to = index.find(link.to);
      if (to != index.end() && column[to->second] < 0) {
        column[to->second] = column[t] + 1;
        queue.push_back(to->second);
      }
    }
  }
  int deepest = 1;
  for (int c : column) deepest = std::max(deepest, c);
  for (int& c : column)
    if (c < 0) c = deepest + 1;  // unreachable from any entry
  return column;
}

}  // namespace

SankeyModel sankey_model(const Results& results, const std::vector<std::string>& stages) {
  const std::size_t n_tp = results.touchpoints.size();
  std::vector<int> column(n_tp, 1);
  const bool staged = std::any_of(stages.begin(), stages.end(), [](const std::string& s) { return !s.empty(); });
  if (staged) {
    // A column per stage that has touchpoints, in stage order.
    std::vector<int> stage_column(stage_names().size(), -1);
    for (std::size_t s = 0, next = 1; s < stage_names().size(); ++s) {
      if (std::find(stages.begin(), stages.end(), stage_names()[s]) != stages.end()) stage_column[s] = static_cast<int>(next++);
    }
    int last = 1;
    for (int c : stage_column) last = std::max(last, c);
    for (std::size_t t = 0; t < n_tp; ++t) {
      const auto it = t < stages.size() ? std::find(stage_names().begin(), stage_names().end(), stages[t])
                                        : stage_names().end();
      column[t] = it == stage_names().end() ? last + 1 : stage_column[static_cast<std::size_t>(it - stage_names().begin())];
    }
  } else {
    column = distance_columns(results);
  }

  SankeyModel model;
  std::map<std::string, std::size_t> entry_node, touchpoint_node;
  for (const std::string& entry : results.entries) {
    entry_node[entry] = model.nodes.size();
    model.nodes.push_back({entry, entry_label(entry), "entry", 0});
  }
  int deepest = 0;
  for (std::size_t t = 0; t < n_tp; ++t) {
    touchpoint_node[results.touchpoints[t]] = model.nodes.size();
    // Unknown stages are coloured apart; without any stages, all alike.
    std::string kind = "touchpoint";
    if (staged) kind = t < stages.size() && !stages[t].empty() ? stages[t] : "unknown";
    model.nodes.push_back({results.touchpoints[t], results.touchpoints[t], kind, column[t]});
    deepest = std::max(deepest, column[t]);
  }
  const std::size_t dropoff = model.nodes.size();
  model.nodes.push_back({"drop-off", "drop-off", "drop-off", deepest + 1});

  for (const FlowSummary& flow : summarize_flows(results)) {
    if (!(flow.traversals.mean > 0.0)) continue;  // NaN or nothing: no ribbon
    const auto& from_map = flow.entry ? entry_node : touchpoint_node;
    const auto from = from_map.find(flow.from);
    if (from == from_map.end()) continue;
    const auto to = touchpoint_node.find(flow.to);
    // Into drop-off, or into a touchpoint the run no longer has (removed): both end the journey.
    model.links.push_back({from->second, flow.dropoff || to == touchpoint_node.end() ? dropoff : to->second,
                           flow.traversals.mean});
  }

  // Keep only nodes that carry flow, renumbering the links.
  std::vector<bool> used(model.nodes.size(), false);
  for (const SankeyLink& link : model.links) used[link.from] = used[link.to] = true;
  std::vector<std::size_t> renumber(model.nodes.size(), 0);
  std::vector<SankeyNode> kept;
  for (std::size_t i = 0; i < model.nodes.size(); ++i) {
    if (!used[i]) continue;
    renumber[i] = kept.size();
    kept.push_back(model.nodes[i]);
  }
  for (SankeyLink& link : model.links) {
    link.from = renumber[link.from];
    link.to = renumber[link.to];
  }
  model.nodes = std::move(kept);
  // Close the gaps empty columns leave.
  std::vector<int> columns;
  for (const SankeyNode& node : model.nodes) columns.push_back(node.column);
  std::sort(columns.begin(), columns.end());
  columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
  for (SankeyNode& node : model.nodes)
    node.column = static_cast<int>(std::lower_bound(columns.begin(), columns.end(), node.column) - columns.begin());
  return model;
}

std::string sankey_svg(const SankeyModel& model, double width) {
  const std::size_t n = model.nodes.size();
  std::vector<double> in(n, 0.0), out(n, 0.0);
  for (const SankeyLink& link : model.links) {
    out[link.from] += link.value;
    in[link.to] += link.value;
  }
  int columns = 1;
  for (const SankeyNode& node : model.nodes) columns = std::max(columns, node.column + 1);
  std::vector<std::vector<std::size_t>> by_column(static_cast<std::size_t>(columns));
  for (std::size_t i = 0; i < n; ++i) by_column[static_cast<std::size_t>(model.nodes[i].column)].push_back(i);

  // Each node gets at least a label's height, so 100 touchpoints stay legible.
  constexpr double kNodeWidth = 12, kGap = 14;
  std::size_t tallest = 1;
  for (const auto& nodes : by_column) tallest = std::max(tallest, nodes.size());
  const double area = std::max(360.0, static_cast<double>(tallest) * 26.0);
  double scale = 1e300;
  for (const auto& nodes : by_column) {
    double total = 0;
    for (std::size_t i : nodes) total += std::max(in[i], out[i]);
    const double room = area - kGap * static_cast<double>(nodes.size() > 0 ? nodes.size() - 1 : 0);
    if (total > 0) scale = std::min(scale, room / total);
  }
  if (scale == 1e300) scale = 1.0;

  // The last column (drop-off) labels to its left, so only the width is needed.
  const double left = 8, usable = width - left - kNodeWidth - 8;
  const double pitch = columns > 1 ? usable / (columns - 1) : usable;
  constexpr double kLabelPx = 12, kHeadingPx = 12, kHeadingEm = 0.65;  // the page's CSS: .label, .axis-title
  // Column headings: entries, the stage of each column, drop-off. When
  // one row has no room for them ("consideratiopurchase"), they alternate
  // between two rows; what still does not fit is cut ("consider…"). The last
  // is anchored at its right edge, so the one before it on its row stops
  // short of it.
  std::vector<std::string> headings(static_cast<std::size_t>(columns));
  for (int c = 0; c < columns; ++c) {
    const auto& nodes = by_column[static_cast<std::size_t>(c)];
    if (nodes.empty()) continue;
    const std::string& kind = model.nodes[nodes.front()].kind;
    const bool staged_column = std::find(stage_names().begin(), stage_names().end(), kind) != stage_names().end();
    headings[static_cast<std::size_t>(c)] =
        kind == "entry" ? "entries" : kind == "drop-off" ? "drop-off" : staged_column && c > 0 ? kind : "";
  }
  const auto heading_width = [&](const std::string& text) { return text_width(text, kHeadingPx, kHeadingEm); };
  const auto fit_headings = [&](int step) {
    std::vector<std::string> fitted = headings;
    const double span = pitch * step;
    fitted.back() = fit_text(fitted.back(), std::max(span - 6, 0.0), kHeadingPx, kHeadingEm);
    for (int c = 0; c + 1 < columns; ++c) {
      double room = span - 6;
      if (c + step == columns - 1) room = span + kNodeWidth - heading_width(fitted.back()) - 8;
      room = std::min(room, width - (left + pitch * c) - 2);  // nor past the picture's right edge
      fitted[static_cast<std::size_t>(c)] =
          fit_text(fitted[static_cast<std::size_t>(c)], std::max(room, 0.0), kHeadingPx, kHeadingEm);
    }
    return fitted;
  };
  std::vector<std::string> fitted = fit_headings(1);
  const bool staggered = fitted != headings && columns > 2;
  if (staggered) fitted = fit_headings(2);
  headings = fitted;
  const double kTop = staggered ? 36 : 24;

  std::vector<double> x(n), y(n), h(n);
  for (const auto& nodes : by_column) {
    double cursor = kTop;
    for (std::size_t i : nodes) {
      const int c = model.nodes[i].column;
      x[i] = left + (columns > 1 ? usable * c / (columns - 1) : 0.0);
      y[i] = cursor;
      h[i] = std::max(std::max(in[i], out[i]) * scale, 1.0);
      cursor += h[i] + kGap;
    }
  }
  double bottom = kTop;
  for (std::size_t i = 0; i < n; ++i) bottom = std::max(bottom, y[i] + h[i]);

  // Where each link leaves and arrives: ribbons stacked in the order of the
  // other end's height, loops at the bottom of their nodes.
  const auto back = [&](const SankeyLink& link) { return model.nodes[link.to].column <= model.nodes[link.from].column; };
  std::vector<std::size_t> order(model.links.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::vector<double> y_out(model.links.size()), y_in(model.links.size());
  std::vector<double> out_cursor(n, 0.0), in_cursor(n, 0.0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const SankeyLink &la = model.links[a], &lb = model.links[b];
    if (back(la) != back(lb)) return !back(la);
    return y[la.to] < y[lb.to];
  });
  for (std::size_t k : order) {
    const SankeyLink& link = model.links[k];
    const double w = link.value * scale;
    y_out[k] = y[link.from] + out_cursor[link.from] + w / 2;
    out_cursor[link.from] += w;
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const SankeyLink &la = model.links[a], &lb = model.links[b];
    if (back(la) != back(lb)) return !back(la);
    return y[la.from] < y[lb.from];
  });
  for (std::size_t k : order) {
    const SankeyLink& link = model.links[k];
    const double w = link.value * scale;
    y_in[k] = y[link.to] + in_cursor[link.to] + w / 2;
    in_cursor[link.to] += w;
  }
  // Each loop gets a lane of its own below the nodes, tall enough for the
  // label that names it: a loop is the ecosystem's story, not clutter.
  constexpr double kLoopLabel = 15, kLoopMinWidth = 2.5;
  double lanes = bottom + 22;
  std::vector<double> lane(model.links.size(), 0.0);
  for (std::size_t k = 0; k < model.links.size(); ++k) {
    if (!back(model.links[k])) continue;
    const double w = std::max(model.links[k].value * scale, kLoopMinWidth);
    lanes += kLoopLabel;
    lane[k] = lanes + w / 2;
    lanes += w + 6;
  }
  const double height = lanes + 24;

  Svg svg(width, height, "Customer flows: entries, touchpoints and drop-off, widths proportional to traversals",
          "sankey");
  // Loops first, so the forward ribbons (the main story) lie on top.
  std::vector<std::size_t> drawing;
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t k = 0; k < model.links.size(); ++k)
      if (back(model.links[k]) == (pass == 0)) drawing.push_back(k);
  for (std::size_t k : drawing) {
    const SankeyLink& link = model.links[k];
    const double w = std::max(link.value * scale, back(link) ? kLoopMinWidth : 0.5);
    const double x0 = x[link.from] + kNodeWidth, x1 = x[link.to];
    std::string d;
    if (!back(link)) {
      const double mid = (x0 + x1) / 2;
      d = fmt::format("M{},{}C{},{} {},{} {},{}", coord(x0), coord(y_out[k]), coord(mid), coord(y_out[k]), coord(mid),
                      coord(y_in[k]), coord(x1), coord(y_in[k]));
    } else {
      const double r = 24 + w / 2;
      d = fmt::format("M{},{}C{},{} {},{} {},{}L{},{}C{},{} {},{} {},{}", coord(x0), coord(y_out[k]), coord(x0 + r),
                      coord(y_out[k]), coord(x0 + r), coord(lane[k]), coord(x0), coord(lane[k]), coord(x1),
                      coord(lane[k]), coord(x1 - r), coord(lane[k]), coord(x1 - r), coord(y_in[k]), coord(x1),
                      coord(y_in[k]));
    }
    const SankeyNode &from = model.nodes[link.from], &to = model.nodes[link.to];
    svg.open_group({}, fmt::format("{} → {}: {} traversals", from.label, to.label, io_detail::format_count(link.value)));
    svg.path(d, {{"class", back(link) ? "mark link loop" : "mark link"},
                 {"fill", "none"},
                 // An entry's ribbon takes the colour of where it leads.
                 {"stroke", kind_colour(from.kind == "entry" ? to.kind : from.kind)},
                 {"stroke-opacity", back(link) ? "0.4" : "0.45"},
                 {"stroke-width", coord(w)},
                 {"data-value", fmt::format("{:.6g}", link.value)}});
    svg.close_group();
    if (back(link)) {
      // Named on its lane, where it runs back: "↺ website → social_ad 1,234".
      svg.text(std::min(x0, x1) + 4, lane[k] - w / 2 - 3,
               fmt::format("\u21ba {} \u2192 {}: {}", from.label, to.label, io_detail::format_count(link.value)),
               {{"class", "tick loop-label"}});
    }
  }
  // Labels of the last column (drop-off) run leftwards into the gap the
  // column before it labels rightwards into: those share it where they meet.
  const auto label_lines = [&](std::size_t i) { return h[i] + kGap >= 28 ? 2 : 1; };
  std::vector<std::pair<double, double>> last_labels;  // vertical middle, width
  for (std::size_t i = 0; i < n && columns > 1; ++i) {
    if (model.nodes[i].column != columns - 1) continue;
    const std::string count = io_detail::format_count(std::max(in[i], out[i]));
    const double w = label_lines(i) == 2 ? std::max(text_width(model.nodes[i].label, kLabelPx), text_width(count, kLabelPx))
                                         : text_width(model.nodes[i].label + " " + count, kLabelPx);
    last_labels.emplace_back(y[i] + h[i] / 2, std::min(w, pitch - kNodeWidth - 10));
  }
  for (std::size_t i = 0; i < n; ++i) {
    const SankeyNode& node = model.nodes[i];
    const double value = std::max(in[i], out[i]);
    svg.open_group({}, fmt::format("{}: {}", node.label, io_detail::format_count(value)));
    svg.rect(x[i], y[i], kNodeWidth, h[i], {{"class", "mark node"}, {"fill", kind_colour(node.kind)}});
    svg.close_group();
    // Name and count on two lines, so labels fit between the columns; a
    // name longer than the gap to the next column is cut short (the
    // tooltip keeps it whole).
    const bool last = node.column == columns - 1;
    const double label_x = last ? x[i] - 4 : x[i] + kNodeWidth + 4;
    double room = pitch - kNodeWidth - 10;
    if (node.column == columns - 2) {
      for (const auto& [middle, w] : last_labels)
        if (std::fabs(middle - (y[i] + h[i] / 2)) < 14.0 * (label_lines(i) + 1)) room = std::min(room, pitch - kNodeWidth - 14 - w);
    }
    room = std::max(room, 0.0);
    const Attributes attributes{{"class", "label"}, {"text-anchor", last ? "end" : "start"}};
    const bool two_lines = h[i] + kGap >= 28;
    const std::string count = io_detail::format_count(value);
    if (two_lines) {
      svg.text(label_x, y[i] + h[i] / 2 - 2, fit_text(node.label, room, kLabelPx), attributes);
      svg.text(label_x, y[i] + h[i] / 2 + 11, fit_text(count, room, kLabelPx), attributes);
    } else {
      // Too small a node for two lines: the name and its count if both fit,
      // else the name alone (the count is in the tooltip).
      const std::string both = node.label + " " + count;
      svg.text(label_x, y[i] + h[i] / 2 + 4,
               text_width(both, kLabelPx) <= room ? both : fit_text(node.label, room, kLabelPx), attributes);
    }
  }
  for (int c = 0; c < columns; ++c) {
    const auto& nodes = by_column[static_cast<std::size_t>(c)];
    if (nodes.empty()) continue;
    const bool last = c == columns - 1;
    svg.text(last ? x[nodes.front()] + kNodeWidth : x[nodes.front()], staggered && c % 2 == 1 ? 27 : 14,
             headings[static_cast<std::size_t>(c)],
             {{"class", "axis-title"}, {"text-anchor", last ? "end" : "start"}});
  }
  return svg.str();
}

}  // namespace journeysim::report

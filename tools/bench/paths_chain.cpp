#include "paths_chain.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace journeysim::bench {

namespace {

struct PathRow {
  std::vector<std::string> channels;
  double conversions = 0.0;
  double value = 0.0;
  double nulls = 0.0;
};

std::vector<std::string> split(std::string_view text, std::string_view separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(separator, start);
    parts.emplace_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + separator.size();
  }
}

double number(const std::string& text, const std::string& path, std::size_t line) {
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used != text.size() || !(value >= 0.0)) throw std::invalid_argument(text);
    return value;
  } catch (const std::exception&) {
    throw std::runtime_error(fmt::format("{}:{}: '{}' is not a non-negative number", path, line, text));
  }
}

}  // namespace

std::optional<PathsFit> fit_paths_chain(const std::string& path, std::uint64_t customers) {
  std::ifstream in(path);
  if (!in) return std::nullopt;

  std::vector<PathRow> rows;
  std::map<std::string, std::size_t> index;  // channel → id, alphabetical after the read
  std::string line;
  for (std::size_t number_of_line = 1; std::getline(in, line); ++number_of_line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || number_of_line == 1) continue;  // header
    const auto fields = split(line, ";");
    if (fields.size() != 4)
      throw std::runtime_error(fmt::format("{}:{}: expected 4 fields separated by ';'", path, number_of_line));
    PathRow row;
    row.channels = split(fields[0], " > ");
    for (const auto& channel : row.channels) {
      if (channel.empty()) throw std::runtime_error(fmt::format("{}:{}: empty channel name", path, number_of_line));
      index.emplace(channel, 0);
    }
    row.conversions = number(fields[1], path, number_of_line);
    row.value = number(fields[2], path, number_of_line);
    row.nulls = number(fields[3], path, number_of_line);
    rows.push_back(std::move(row));
  }
  if (rows.empty()) throw std::runtime_error(path + ": no paths");

  std::vector<std::string> names;
  for (auto& [name, id] : index) {
    id = names.size();
    names.push_back(name);
  }
  const std::size_t n = names.size();

  PathsFit fit;
  fit.distinct_paths = rows.size();
  fit.channels = n;
  std::vector<double> starts(n, 0.0), to_conversion(n, 0.0), to_dropoff(n, 0.0);
  std::vector<double> pairs(n * n, 0.0);
  for (const PathRow& row : rows) {
    const double weight = row.conversions + row.nulls;
    fit.journeys += weight;
    fit.conversions += row.conversions;
    fit.value += row.value;
    fit.touches += weight * static_cast<double>(row.channels.size());
    starts[index.at(row.channels.front())] += weight;
    for (std::size_t k = 0; k + 1 < row.channels.size(); ++k)
      pairs[index.at(row.channels[k]) * n + index.at(row.channels[k + 1])] += weight;
    to_conversion[index.at(row.channels.back())] += row.conversions;
    to_dropoff[index.at(row.channels.back())] += row.nulls;
  }
  if (!(fit.journeys > 0.0)) throw std::runtime_error(path + ": no journeys (all counts are zero)");

  Scenario& s = fit.scenario;
  s.name = "channelattribution-first-order";
  s.seed = 1;
  s.horizon_days = 10000.0;  // journeys finish long before: one step, no synchronisation
  s.step_days = 10000.0;
  s.market_size = customers;
  s.awareness.initial_share = 1.0;
  for (std::size_t c = 0; c < n; ++c) {
    Touchpoint touchpoint;
    touchpoint.name = names[c];
    touchpoint.stage = Stage::consideration;
    touchpoint.dwell = {Dwell::Kind::exponential, 1.0, 0.0};
    s.touchpoints.push_back(std::move(touchpoint));
    if (starts[c] > 0.0) s.awareness.initial_via.push_back({names[c], starts[c] / fit.journeys, {}});
  }
  Touchpoint conversion;
  conversion.name = "conversion";
  conversion.stage = Stage::purchase;
  conversion.purchase_revenue = fit.conversions > 0.0 ? fit.value / fit.conversions : 0.0;
  s.touchpoints.push_back(std::move(conversion));

  for (std::size_t from = 0; from < n; ++from) {
    double out = to_conversion[from] + to_dropoff[from];
    for (std::size_t to = 0; to < n; ++to) out += pairs[from * n + to];
    if (!(out > 0.0)) continue;  // never left: only possible for a channel never seen, i.e. none
    for (std::size_t to = 0; to < n; ++to)
      if (pairs[from * n + to] > 0.0)
        s.transitions.push_back({names[from], names[to], pairs[from * n + to] / out, 0.0, {}});
    if (to_conversion[from] > 0.0)
      s.transitions.push_back({names[from], "conversion", to_conversion[from] / out, 0.0, {}});
  }

  s.source_text = fmt::format(
      "# Built in code by tools/bench (journeysim_bench): the first-order Markov chain fitted from\n"
      "# {} ({} distinct paths, {} journeys, {} conversions, {} channels).\n"
      "# Touchpoints: the channels (consideration, dwell exponential 1.0) and `conversion` (purchase,\n"
      "# revenue {:.6f} = value / conversions). Everyone aware at day 0, entering with the share of\n"
      "# journeys starting at each channel. Transitions: consecutive pairs weighted by conversions + nulls;\n"
      "# last channel -> conversion by conversions; drop-off (the remainder) by nulls.\n",
      path, fit.distinct_paths, fit.journeys, fit.conversions, n, *s.touchpoints.back().purchase_revenue);
  return fit;
}

}  // namespace journeysim::bench

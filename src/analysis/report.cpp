#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "journeysim/analysis.hpp"

namespace journeysim {

nlohmann::json analysis_to_json(const Scenario& scenario, const ExactAnalysis& analysis) {
  nlohmann::json touchpoints = nlohmann::json::array();
  for (size_t i = 0; i < scenario.touchpoints.size(); ++i)
    touchpoints.push_back({{"name", scenario.touchpoints[i].name},
                           {"entry", analysis.entry_distribution.at(i)},
                           {"visits", analysis.expected_visits.at(i)},
                           {"dropoffs", analysis.expected_dropoffs.at(i)},
                           {"conversion_from", analysis.conversion_from.at(i)}});
  return {{"conversion_probability", analysis.conversion_probability},
          {"expected_purchases", analysis.expected_purchases},
          {"expected_journey_days", analysis.expected_journey_days},
          {"expected_cost", analysis.expected_cost},
          {"expected_revenue", analysis.expected_revenue},
          {"expected_refunds", analysis.expected_refunds},
          {"lifetime_value", std::isfinite(analysis.lifetime_value) ? nlohmann::json(analysis.lifetime_value)
                                                                     : nlohmann::json(nullptr)},
          {"expected_aware", analysis.expected_aware},
          {"touchpoints", std::move(touchpoints)}};
}

std::string analysis_to_table(const Scenario& scenario, const ExactAnalysis& analysis) {
  std::string out = fmt::format(
      "Exact analysis of '{}' (public rating at its prior, no word of mouth, journeys to completion)\n",
      scenario.name);
  out += fmt::format("  expected aware by day {:g}: {:.1f}\n", scenario.horizon_days,
                     analysis.expected_aware);
  out += "  per aware customer:\n";
  out += fmt::format("    conversion probability  {:10.4f}\n", analysis.conversion_probability);
  out += fmt::format("    purchases               {:10.4f}\n", analysis.expected_purchases);
  out += fmt::format("    journey days            {:10.4f}\n", analysis.expected_journey_days);
  out += fmt::format("    cost                    {:10.4f}\n", analysis.expected_cost);
  out += fmt::format("    revenue (gross)         {:10.4f}\n", analysis.expected_revenue);
  out += fmt::format("    refunds                 {:10.4f}\n", analysis.expected_refunds);
  out += "  per purchaser, over the whole relationship:\n";
  out += std::isfinite(analysis.lifetime_value)
             ? fmt::format("    lifetime value (net)    {:10.4f}\n\n", analysis.lifetime_value)
             : std::string("    lifetime value (net)           n/a (nobody can purchase)\n\n");

  size_t name_width = std::string("touchpoint").size();
  for (const Touchpoint& tp : scenario.touchpoints) name_width = std::max(name_width, tp.name.size());
  out += fmt::format("  {:<{}}  {:<13}  {:>8}  {:>8}  {:>9}  {:>10}\n", "touchpoint", name_width, "stage",
                     "entry", "visits", "drop-offs", "P(convert)");
  for (size_t i = 0; i < scenario.touchpoints.size(); ++i) {
    const Touchpoint& tp = scenario.touchpoints[i];
    const std::string stage = std::string(to_string(tp.stage)) + (tp.purchase_revenue ? " *" : "");
    out += fmt::format("  {:<{}}  {:<13}  {:8.4f}  {:8.4f}  {:9.4f}  {:10.4f}\n", tp.name, name_width,
                       stage, analysis.entry_distribution.at(i), analysis.expected_visits.at(i),
                       analysis.expected_dropoffs.at(i), analysis.conversion_from.at(i));
  }
  out += "  (* purchase touchpoint; P(convert) = probability of a purchase after entering there)\n";
  return out;
}

}  // namespace journeysim

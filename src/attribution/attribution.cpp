#include "journeysim/attribution.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "journeysim/analysis.hpp"
#include "journeysim/diagnostics.hpp"
#include "journeysim/ensemble.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/load.hpp"

namespace journeysim {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Non-purchase touchpoints by channel: a fitted history "a>b" belongs to b.
std::vector<ChannelCredit> channels_of(const Scenario& scenario) {
  std::vector<ChannelCredit> channels;
  std::map<std::string, std::size_t> index;
  for (const Touchpoint& touchpoint : scenario.touchpoints) {
    if (touchpoint.purchase_revenue) continue;
    const std::size_t cut = touchpoint.name.rfind('>');
    const std::string channel = cut == std::string::npos ? touchpoint.name : touchpoint.name.substr(cut + 1);
    const auto [where, added] = index.emplace(channel, channels.size());
    if (added) {
      ChannelCredit credit;
      credit.channel = channel;
      channels.push_back(std::move(credit));
    }
    channels[where->second].touchpoints.push_back(touchpoint.name);
  }
  return channels;
}

std::vector<bool> removal_mask(const Scenario& scenario, const ChannelCredit& channel) {
  std::vector<bool> removed(scenario.touchpoints.size(), false);
  for (const std::string& name : channel.touchpoints) removed[static_cast<std::size_t>(scenario.touchpoint_index(name))] = true;
  return removed;
}

void simulate(const Scenario& scenario, const AttributionOptions& options, Attribution& attribution) {
  if (options.replications < 2)
    throw InputError("--replications must be at least 2 for a confidence interval of the simulated removal effect");
  const auto start = std::chrono::steady_clock::now();
  RunOptions run_options;
  run_options.seed = options.seed;
  run_options.market_size = options.market_size;
  run_options.replications = options.replications;
  run_options.max_events_per_customer = options.max_events_per_customer;
  Engine engine(options.threads);
  const MetricDefinition& conversion = *find_metric("conversion_rate");
  RunPlan baseline_plan = plan_for(scenario, run_options);
  baseline_plan.label = "baseline";
  const Results baseline = engine.run(baseline_plan);
  const std::vector<double> base = metric_values(baseline, conversion);
  attribution.seed = baseline_plan.seed;
  attribution.market_size = baseline_plan.market_size;
  for (ChannelCredit& channel : attribution.channels) {
    std::vector<StrategyEdit> edits;
    for (const std::string& name : channel.touchpoints) {
      StrategyEdit edit;
      edit.kind = StrategyEdit::Kind::remove;
      edit.path = "touchpoints." + name;
      edit.location = {"attribute", 0, 0};
      edits.push_back(edit);
    }
    Diagnostics diagnostics;
    const auto removed = apply_edits(scenario, edits, diagnostics);
    if (!removed) throw ScenarioError(diagnostics);
    RunPlan plan = plan_for(*removed, run_options);
    plan.label = "without " + channel.channel;
    // Same seed and replications as the baseline: common random numbers, so
    // each replication's ratio compares the same customers.
    const std::vector<double> arm = metric_values(engine.run(plan), conversion);
    std::vector<double> effect(arm.size());
    for (std::size_t r = 0; r < arm.size(); ++r) effect[r] = base[r] > 0.0 ? 1.0 - arm[r] / base[r] : NAN;
    channel.simulated_removal_effect = confidence_interval(effect);
  }
  attribution.replications = options.replications;
  attribution.simulation_seconds = seconds_since(start);
}

std::vector<HeuristicCredit> heuristics_of(const ObservedJourneys& data) {
  std::vector<HeuristicCredit> credit(data.touchpoints.size());
  for (std::size_t i = 0; i < credit.size(); ++i) credit[i].channel = touchpoint_name_for(data.touchpoints[i]);
  for (const ObservedJourney& journey : data.journeys) {
    std::vector<std::uint32_t> touches;  // those before the conversion
    double conversions = 0.0, value = 0.0;
    if (data.kind == ObservedJourneys::Kind::paths) {
      if (journey.end != ObservedJourney::End::conversion) continue;
      touches = journey.touches;
      conversions = static_cast<double>(journey.count);
      value = journey.conversion_value;
    } else {
      std::size_t first_purchase = 0;
      while (first_purchase < journey.touches.size() && !data.purchase[journey.touches[first_purchase]]) ++first_purchase;
      if (first_purchase == journey.touches.size()) continue;
      // A purchase as the first touch credits the purchase touchpoint itself (a direct visit).
      touches.assign(journey.touches.begin(), journey.touches.begin() + static_cast<std::ptrdiff_t>(std::max<std::size_t>(first_purchase, 1)));
      conversions = static_cast<double>(journey.count);
      value = journey.revenue[first_purchase] * static_cast<double>(journey.count);
    }
    HeuristicCredit& first = credit[touches.front()];
    first.first_touch += conversions;
    first.first_touch_value += value;
    HeuristicCredit& last = credit[touches.back()];
    last.last_touch += conversions;
    last.last_touch_value += value;
    const double share = 1.0 / static_cast<double>(touches.size());
    for (std::uint32_t touch : touches) {
      credit[touch].linear_touch += conversions * share;
      credit[touch].linear_touch_value += value * share;
    }
  }
  return credit;
}

}  // namespace

Attribution attribute(const Scenario& scenario, const ObservedJourneys* observed, const AttributionOptions& options) {
  Attribution attribution;
  attribution.scenario_name = scenario.name;
  const auto start = std::chrono::steady_clock::now();
  const ExactAnalysis exact = analyze(scenario);
  attribution.conversion_probability = exact.conversion_probability;
  if (!(exact.conversion_probability > 0.0))
    throw InputError(scenario.source_path + ": nobody can convert in this scenario (P(convert) is " +
                     fmt::format("{}", exact.conversion_probability) +
                     "), so there is nothing to attribute; check that a purchase touchpoint can be reached");
  attribution.channels = channels_of(scenario);
  for (ChannelCredit& channel : attribution.channels)
    channel.removal_effect =
        1.0 - conversion_probability_without(scenario, removal_mask(scenario, channel)) / exact.conversion_probability;
  attribution.exact_seconds = seconds_since(start);

  if (observed != nullptr) {
    attribution.total_conversions = static_cast<double>(observed->conversions());
    attribution.total_value = observed->conversion_value();
    attribution.totals_from = observed->source;
    attribution.heuristics = heuristics_of(*observed);
  } else {
    attribution.total_conversions = exact.expected_aware * exact.conversion_probability;
    attribution.total_value = exact.expected_aware * exact.expected_revenue;
    attribution.totals_from = "the scenario's expectation";
  }
  double effects = 0.0;
  for (const ChannelCredit& channel : attribution.channels) effects += channel.removal_effect;
  for (ChannelCredit& channel : attribution.channels) {
    const double share = effects > 0.0 ? channel.removal_effect / effects : NAN;
    channel.attributed_conversions = share * attribution.total_conversions;
    channel.attributed_value = share * attribution.total_value;
  }
  if (options.simulate) simulate(scenario, options, attribution);
  return attribution;
}

nlohmann::json attribution_to_json(const Attribution& attribution) {
  auto number = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
  nlohmann::json out;
  out["scenario"] = attribution.scenario_name;
  out["conversion_probability"] = number(attribution.conversion_probability);
  out["total_conversions"] = number(attribution.total_conversions);
  out["total_value"] = number(attribution.total_value);
  out["totals_from"] = attribution.totals_from;
  out["exact_seconds"] = attribution.exact_seconds;
  nlohmann::json& removal = out["removal_effect"] = nlohmann::json::object();
  nlohmann::json& conversions = out["attributed_conversions"] = nlohmann::json::object();
  nlohmann::json& value = out["attributed_value"] = nlohmann::json::object();
  nlohmann::json& touchpoints = out["channel_touchpoints"] = nlohmann::json::object();
  for (const ChannelCredit& channel : attribution.channels) {
    removal[channel.channel] = number(channel.removal_effect);
    conversions[channel.channel] = number(channel.attributed_conversions);
    value[channel.channel] = number(channel.attributed_value);
    touchpoints[channel.channel] = channel.touchpoints;
  }
  if (attribution.replications > 0) {
    nlohmann::json& simulated = out["simulated_removal_effect"] = nlohmann::json::object();
    for (const ChannelCredit& channel : attribution.channels) {
      const Interval& effect = *channel.simulated_removal_effect;
      simulated[channel.channel] = {{"mean", number(effect.mean)},
                                    {"ci95", {number(effect.low.value_or(NAN)), number(effect.high.value_or(NAN))}}};
    }
    out["simulation"] = {{"replications", attribution.replications},
                         {"seed", attribution.seed},
                         {"market_size", attribution.market_size},
                         {"seconds", attribution.simulation_seconds}};
  }
  if (!attribution.heuristics.empty()) {
    nlohmann::json& heuristics = out["heuristics"];
    nlohmann::json& values = out["heuristics_value"];
    for (const char* name : {"first_touch", "last_touch", "linear_touch"}) {
      heuristics[name] = nlohmann::json::object();
      values[name] = nlohmann::json::object();
    }
    for (const HeuristicCredit& credit : attribution.heuristics) {
      heuristics["first_touch"][credit.channel] = credit.first_touch;
      heuristics["last_touch"][credit.channel] = credit.last_touch;
      heuristics["linear_touch"][credit.channel] = credit.linear_touch;
      values["first_touch"][credit.channel] = credit.first_touch_value;
      values["last_touch"][credit.channel] = credit.last_touch_value;
      values["linear_touch"][credit.channel] = credit.linear_touch_value;
    }
  }
  return out;
}

std::string attribution_to_table(const Attribution& attribution) {
  std::string out = fmt::format(
      "Attribution · {} · P(convert) = {:.6f} · scaled to {:.0f} conversions and value {:.2f} ({})\n"
      "Removal effect = 1 − P(convert without the channel) / P(convert), exact from the absorbing chain ({:.3f} s);\n"
      "share = its part of the removal effects, which scale the conversions and value",
      attribution.scenario_name, attribution.conversion_probability, attribution.total_conversions,
      attribution.total_value, attribution.totals_from, attribution.exact_seconds);
  if (attribution.replications > 0)
    out += fmt::format(";\nsimulated: {} paired replications of {} customers, seed {} ({:.1f} s)",
                       attribution.replications, attribution.market_size, attribution.seed,
                       attribution.simulation_seconds);
  out += "\n\n";
  std::map<std::string, const HeuristicCredit*> heuristic;
  for (const HeuristicCredit& credit : attribution.heuristics) heuristic[credit.channel] = &credit;
  std::size_t width = 7;
  for (const ChannelCredit& channel : attribution.channels) width = std::max(width, channel.channel.size());
  out += fmt::format("  {:<{}}  {:>14}  {:>7}  {:>12}  {:>12}", "Channel", width, "Removal effect", "Share",
                     "Conversions", "Value");
  if (attribution.replications > 0) out += fmt::format("  {:>28}", "Simulated effect (95% CI)");
  if (!heuristic.empty()) out += fmt::format("  {:>11}  {:>11}  {:>11}", "First touch", "Last touch", "Linear");
  out += "\n";
  // Largest effect first: the order a reader ranks channels in.
  std::vector<const ChannelCredit*> ranked;
  for (const ChannelCredit& channel : attribution.channels) ranked.push_back(&channel);
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const ChannelCredit* a, const ChannelCredit* b) { return a->removal_effect > b->removal_effect; });
  for (const ChannelCredit* ranked_channel : ranked) {
    const ChannelCredit& channel = *ranked_channel;
    const double share = attribution.total_conversions > 0.0 ? channel.attributed_conversions / attribution.total_conversions : NAN;
    out += fmt::format("  {:<{}}  {:>14.6f}  {:>6.2f}%  {:>12.1f}  {:>12.2f}", channel.channel, width,
                       channel.removal_effect, 100.0 * share, channel.attributed_conversions, channel.attributed_value);
    if (channel.simulated_removal_effect) {
      const Interval& effect = *channel.simulated_removal_effect;
      out += effect.low ? fmt::format("  {:>8.5f} [{:>8.5f}, {:>8.5f}]", effect.mean, *effect.low, *effect.high)
                        : fmt::format("  {:>28}", "n/a");
    }
    if (!heuristic.empty()) {
      const auto found = heuristic.find(channel.channel);
      if (found != heuristic.end())
        out += fmt::format("  {:>11.1f}  {:>11.1f}  {:>11.1f}", found->second->first_touch, found->second->last_touch,
                           found->second->linear_touch);
    }
    out += "\n";
  }
  return out;
}

}  // namespace journeysim

// Observed journeys → a v1 scenario (the K-order chain of their frequencies).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <random>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fit/dwell_fit.hpp"
#include "fit/history_model.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/fit.hpp"

namespace journeysim {

using namespace fit_detail;

namespace {

// A name as a YAML key: plain where that reads the same, else double-quoted
// (JSON's escapes are YAML's).
std::string yaml_key(const std::string& name) {
  static const std::set<std::string> special = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"};
  bool plain = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name)
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '>' || c == '-');
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (plain && !special.contains(lower)) return name;
  return nlohmann::json(name).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string number(double value) { return fmt::format("{}", value); }

// A value seen only through printed sums and float arithmetic (a fixed dwell
// as a difference of times, a fixed experience as a float): 12 digits, so
// 0.19999999999999496 is written 0.2.
std::string settled(double value) { return number(std::stod(fmt::format("{:.12g}", value))); }

// Scenario names for the data's touchpoints: unique, legal in paths, and
// leaving `conversion` (or a variant) free for the purchase of path data.
struct Names {
  std::vector<std::string> touch;
  std::string conversion = "conversion";
};

Names scenario_names(const ObservedJourneys& data) {
  Names names;
  std::set<std::string> used;
  for (const std::string& raw : data.touchpoints) {
    std::string name = touchpoint_name_for(raw);
    if (name.empty()) name = "touchpoint";
    for (int k = 2; used.contains(name); ++k) name = touchpoint_name_for(raw) + "_" + std::to_string(k);
    used.insert(name);
    names.touch.push_back(name);
  }
  for (int k = 2; used.contains(names.conversion); ++k) names.conversion = "conversion_" + std::to_string(k);
  return names;
}

std::string state_name(HistoryKey key, const Names& names) {
  std::string name;
  for (std::uint32_t touch : history_touches(key)) name += (name.empty() ? "" : ">") + names.touch[touch];
  return name;
}

// Which journeys (of each row's `count`) are held out: a fixed-seed draw per
// journey, so the split is the same on every machine.
void split(const ObservedJourneys& data, const FitOptions& options, std::vector<double>& train,
           std::vector<double>& test) {
  std::mt19937_64 generator(options.holdout_seed);
  train.assign(data.journeys.size(), 0.0);
  test.assign(data.journeys.size(), 0.0);
  for (std::size_t j = 0; j < data.journeys.size(); ++j)
    for (std::uint64_t k = 0; k < data.journeys[j].count; ++k) {
      const double u = static_cast<double>(generator() >> 11) * 0x1.0p-53;  // the standard fixes mt19937_64's output
      (u < options.holdout_share ? test : train)[j] += 1.0;
    }
}

// Each order's model of all journeys (models[order - 1]), which the chosen
// order's scenario is written from, and its scores.
std::vector<OrderScore> score_orders(const ObservedJourneys& data, const FitOptions& options,
                                     std::vector<HistoryModel>& models, std::uint64_t& heldout_journeys) {
  std::vector<double> all(data.journeys.size()), train, test;
  for (std::size_t j = 0; j < all.size(); ++j) all[j] = static_cast<double>(data.journeys[j].count);
  split(data, options, train, test);

  std::vector<OrderScore> scores(max_fit_order);
  models.clear();
  for (int order = 1; order <= max_fit_order; ++order) {
    const HistoryModel& model = models.emplace_back(HistoryModel::count(data, order, all));
    OrderScore& score = scores[static_cast<std::size_t>(order - 1)];
    score.order = order;
    score.touchpoints = model.states.size() + (data.kind == ObservedJourneys::Kind::paths ? 1 : 0);
    score.transitions = model.transitions();
    score.log_likelihood = model.log_likelihood();
  }

  // Per held-out journey log-likelihoods, so the orders' difference gets a standard error.
  const SmoothedScorer scorer(data, train);
  std::vector<std::vector<double>> per_journey;  // [journey][order-1]
  double held_out = 0.0;
  for (std::size_t j = 0; j < data.journeys.size(); ++j) {
    std::vector<double> log_likelihood(max_fit_order, 0.0);
    if (test[j] > 0.0) scorer.score(data.journeys[j], log_likelihood);
    per_journey.push_back(std::move(log_likelihood));
    held_out += test[j];
  }
  heldout_journeys = static_cast<std::uint64_t>(held_out);
  if (held_out < 2.0) return scores;
  for (auto& score : scores) {
    double total = 0.0;
    for (std::size_t j = 0; j < per_journey.size(); ++j)
      total += test[j] * per_journey[j][static_cast<std::size_t>(score.order - 1)];
    score.heldout_log_likelihood = total / held_out;
  }
  const auto best = std::max_element(scores.begin(), scores.end(), [](const OrderScore& a, const OrderScore& b) {
    return a.heldout_log_likelihood < b.heldout_log_likelihood;
  });
  for (auto& score : scores) {
    double mean = 0.0, squares = 0.0;
    for (std::size_t j = 0; j < per_journey.size(); ++j)
      mean += test[j] * (per_journey[j][static_cast<std::size_t>(score.order - 1)] -
                         per_journey[j][static_cast<std::size_t>(best->order - 1)]);
    mean /= held_out;
    for (std::size_t j = 0; j < per_journey.size(); ++j) {
      const double d = per_journey[j][static_cast<std::size_t>(score.order - 1)] -
                       per_journey[j][static_cast<std::size_t>(best->order - 1)] - mean;
      squares += test[j] * d * d;
    }
    score.heldout_standard_error = std::sqrt(squares / (held_out - 1.0) / held_out);
  }
  return scores;
}

// The simplest order within one standard error of the best held-out score
// (the one-standard-error rule): a higher order has to earn its extra states.
int choose_order(const std::vector<OrderScore>& scores) {
  double best = -std::numeric_limits<double>::infinity();
  for (const auto& score : scores) best = std::max(best, score.heldout_log_likelihood);
  for (const auto& score : scores)
    if (score.heldout_log_likelihood >= best - score.heldout_standard_error) return score.order;
  return 1;
}

// What the chosen model says per state, from every journey.
struct StateFacts {
  std::uint64_t visits = 0;
  double money = 0.0;  // revenue (> 0) and refunds (< 0) at this state's touches
  std::vector<double> dwell_samples;
  std::vector<double> experiences;  // rated touches, when the log has them
};

// A touchpoint's experience from the rated touches a trace shows: fixed when
// they are all equal, else their mean and sd (the format's clipped normal;
// near 0 or 1 the clipping makes this a slight approximation).
std::string experience_yaml(const std::vector<double>& experiences) {
  if (experiences.empty()) return "";
  double mean = 0.0;
  for (double x : experiences) mean += x;
  mean /= static_cast<double>(experiences.size());
  double squares = 0.0;
  for (double x : experiences) squares += (x - mean) * (x - mean);
  const double sd = experiences.size() > 1 ? std::sqrt(squares / static_cast<double>(experiences.size() - 1)) : 0.0;
  if (sd <= 1e-6) return ", experience: " + settled(mean);
  return ", experience: {mean: " + number(mean) + ", sd: " + number(sd) + "}";
}

struct TouchFacts {
  double visits = 0, first_touches = 0, after_purchase = 0;
};

const char* stage_of(const ObservedJourneys& data, std::uint32_t touch, const TouchFacts& facts) {
  if (data.kind == ObservedJourneys::Kind::paths) return "awareness";
  if (data.purchase[touch]) return "purchase";
  if (data.refund[touch] || facts.after_purchase * 2 > facts.visits) return "retention";
  if (facts.first_touches * 2 > facts.visits) return "awareness";
  return "consideration";
}

std::string dwell_yaml(const Dwell& dwell) {
  switch (dwell.kind) {
    case Dwell::Kind::fixed: return settled(dwell.mean);
    case Dwell::Kind::exponential: return "{exponential: " + number(dwell.mean) + "}";
    case Dwell::Kind::lognormal:
      return "{lognormal: {mean: " + number(dwell.mean) + ", sd: " + number(dwell.sd) + "}}";
  }
  return "0";
}

std::string group_digits(std::uint64_t value) {
  std::string digits = std::to_string(value), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

FittedScenario fit_scenario(const ObservedJourneys& data, const FitOptions& options) {
  if (options.order < 1 || options.order > max_fit_order)
    throw InputError(fmt::format("--order is {}; it must be 1 to {} or auto", options.order, max_fit_order));
  if (!(options.holdout_share > 0.0 && options.holdout_share < 1.0))
    throw InputError("the held-out share must be between 0 and 1");
  if (data.journeys.empty()) throw InputError(data.source + ": no journeys to fit");
  if (data.touchpoints.size() >= 0xFFFF)
    throw InputError(fmt::format("{}: {} distinct touchpoints; fit handles at most 65,534", data.source,
                                 data.touchpoints.size()));
  const bool paths = data.kind == ObservedJourneys::Kind::paths;
  const std::uint64_t journeys = data.journey_count();
  if (options.market_size) {
    if (paths) throw InputError("--market-size needs an event log with times; path data has none");
    if (*options.market_size <= journeys)
      throw InputError(fmt::format("--market-size {} must exceed the {} customers observed (the rest of the market "
                                   "stays unaware)",
                                   *options.market_size, journeys));
  }

  FittedScenario fitted;
  std::vector<HistoryModel> models;
  fitted.scores = score_orders(data, options, models, fitted.heldout_journeys);
  fitted.order = options.choose_order ? choose_order(fitted.scores) : options.order;
  const int order = fitted.order;
  const HistoryModel& model = models[static_cast<std::size_t>(order - 1)];
  const Names names = scenario_names(data);

  std::vector<StateFacts> states(model.states.size());
  std::vector<TouchFacts> touches(data.touchpoints.size());
  double span = 0.0;
  std::vector<std::vector<std::uint64_t>> entries_by_day;  // [day][touch]
  for (const ObservedJourney& journey : data.journeys) {
    bool purchased = false;
    for (std::size_t t = 0; t < journey.touches.size(); ++t) {
      const std::uint32_t touch = journey.touches[t];
      StateFacts& state = states[model.index.at(history_at(journey, t, order))];
      state.visits += journey.count;
      TouchFacts& facts = touches[touch];
      facts.visits += static_cast<double>(journey.count);
      if (t == 0) facts.first_touches += static_cast<double>(journey.count);
      if (purchased) facts.after_purchase += static_cast<double>(journey.count);
      if (!paths) {
        state.money += journey.revenue[t];
        if (!journey.experience.empty() && !std::isnan(journey.experience[t]))
          state.experiences.push_back(journey.experience[t]);
        purchased = purchased || data.purchase[touch];
        const double left = t + 1 < journey.touches.size() ? journey.times[t + 1] : journey.end_time;
        if (!std::isnan(left)) state.dwell_samples.push_back(left - journey.times[t]);
        span = std::max(span, std::isnan(left) ? journey.times[t] : left);
      }
    }
    if (!paths) {
      const auto day = static_cast<std::size_t>(journey.times.front());
      if (day >= entries_by_day.size()) entries_by_day.resize(day + 1, std::vector<std::uint64_t>(data.touchpoints.size()));
      entries_by_day[day][journey.touches.front()] += journey.count;
    }
  }
  const double horizon = std::max(1.0, std::ceil(span));

  // The header: where the scenario came from, and how well each order fits.
  std::string out;
  const std::string source_name = std::filesystem::path(data.source).filename().string();
  out += fmt::format("# Fitted by journeysim {} `fit` from {}\n", JOURNEYSIM_VERSION, data.source);
  if (!options.command_line.empty()) out += "# Command: " + options.command_line + "\n";
  out += fmt::format("# {}: {} rows read, all used; {} journeys, {} converted, value {:.2f}.\n",
                     paths ? "Path data (ChannelAttribution format)" : "Event log", group_digits(data.rows),
                     group_digits(journeys), group_digits(data.conversions()), data.conversion_value());
  out += fmt::format("# Model: order {} Markov chain{} over {} touchpoints: maximum-likelihood transition "
                     "frequencies;\n# a journey that ends without {} drops off.{}\n",
                     order, order > 1 ? " (a touchpoint is the last " + std::to_string(order) + " touches, a>b)" : "",
                     data.touchpoints.size(), paths ? "converting" : "another touch",
                     paths ? " Everyone observed is aware at day 0 and enters at\n# their first touch (the "
                             "first-touch mix); dwell times are not in path data (0)."
                           : " Dwell times: exponential or lognormal, whichever fits better\n# by likelihood "
                             "(fixed when all equal).");
  out += fmt::format("# Log-likelihood by order (all journeys; held-out {:.0f}% of journeys, per journey, ± SE of the "
                     "difference to the best):\n",
                     options.holdout_share * 100);
  for (const auto& score : fitted.scores)
    out += fmt::format("#   order {}: {} touchpoints, {} transitions, log-likelihood {:.1f}; held-out {:.4f} ± {:.4f}{}\n",
                       score.order, score.touchpoints, score.transitions, score.log_likelihood,
                       score.heldout_log_likelihood, score.heldout_standard_error,
                       score.order == order ? "   <- written" : "");
  if (!entries_by_day.empty()) {
    out += "# Customers entering per day (first touches):";
    const std::size_t shown = std::min<std::size_t>(entries_by_day.size(), 31);
    for (std::size_t day = 0; day < shown; ++day) {
      std::uint64_t total = 0;
      for (auto n : entries_by_day[day]) total += n;
      out += fmt::format("{}day {}: {}", day % 8 == 0 ? "\n#   " : "; ", day, total);
    }
    out += shown < entries_by_day.size() ? "; …\n" : "\n";
  }
  out += "\n";

  std::string name = std::filesystem::path(data.source).stem().string();
  out += "name: " + yaml_key("fitted-" + (name.empty() ? std::string("data") : name)) + "\n";
  out += "seed: 1\n";
  out += "horizon_days: " + number(horizon) + "\n";
  out += "step_days: 1\n";
  const std::uint64_t market = options.market_size.value_or(journeys);
  out += "market:\n  size: " + std::to_string(market) + "\n";

  std::vector<std::pair<std::string, double>> entry_mix;
  for (std::uint32_t touch = 0; touch < data.touchpoints.size(); ++touch)
    if (model.start[touch] > 0.0)
      entry_mix.emplace_back(state_name(static_cast<HistoryKey>(touch + 1), names), model.start[touch] / model.journeys);
  out += "awareness:\n";
  if (options.market_size) {
    // All observed customers became aware within the horizon: a constant
    // hazard h with 1 - exp(-h H) = observed / market, split by entry.
    const double hazard = -std::log1p(-static_cast<double>(journeys) / static_cast<double>(market)) / horizon;
    out += "  channels:\n";
    for (const auto& [via, share] : entry_mix)
      out += "    - {via: " + yaml_key(via) + ", rate: " + number(hazard * share) + "}\n";
  } else {
    out += "  initial:\n    share: 1\n    via:\n";
    for (const auto& [via, share] : entry_mix) out += "      " + yaml_key(via) + ": " + number(share) + "\n";
  }

  out += "touchpoints:\n";
  for (std::size_t s = 0; s < model.states.size(); ++s) {
    const std::uint32_t touch = last_touch(model.states[s]);
    std::string fields = std::string("stage: ") + stage_of(data, touch, touches[touch]);
    const StateFacts& state = states[s];
    if (!paths) {
      const double mean_money = state.visits > 0 ? state.money / static_cast<double>(state.visits) : 0.0;
      if (data.purchase[touch]) fields += ", purchase: {revenue: " + number(std::max(mean_money, 0.0)) + "}";
      if (data.refund[touch] && mean_money < 0) fields += ", refund: {amount: " + number(-mean_money) + "}";
      fields += experience_yaml(state.experiences);
      const DwellFit dwell = fit_dwell(state.dwell_samples);
      if (dwell.dwell.kind != Dwell::Kind::fixed || dwell.dwell.mean > 0.0)
        fields += ", dwell_days: " + dwell_yaml(dwell.dwell);
    }
    out += "  " + yaml_key(state_name(model.states[s], names)) + ": {" + fields + "}\n";
  }
  const std::uint64_t conversions = data.conversions();
  if (paths && conversions > 0)
    out += "  " + yaml_key(names.conversion) + ": {stage: purchase, purchase: {revenue: " +
           number(data.conversion_value() / static_cast<double>(conversions)) + "}}\n";

  std::string rows;
  for (std::size_t s = 0; s < model.states.size(); ++s) {
    const StateCounts& counts = model.counts[s];
    std::string row;
    for (const auto& [outcome, n] : counts.next) {
      if (outcome == model.outcomes.drop_off()) continue;
      const std::string to =
          outcome == model.outcomes.conversion()
              ? names.conversion
              : state_name(((model.states[s] << 16) | (outcome + 1)) &
                               (order >= 4 ? ~HistoryKey{0} : ((HistoryKey{1} << (16 * order)) - 1)),
                           names);
      row += (row.empty() ? "" : ", ") + yaml_key(to) + ": " + number(n / counts.total);
    }
    if (!row.empty()) rows += "  " + yaml_key(state_name(model.states[s], names)) + ": {" + row + "}\n";
  }
  out += rows.empty() ? "transitions: {}\n" : "transitions:\n" + rows;
  fitted.yaml = std::move(out);

  const OrderScore& written = fitted.scores[static_cast<std::size_t>(order - 1)];
  fitted.summary = fmt::format(
      "Read {} ({}): {} rows, all used; {} journeys, {} converted, value {:.2f}\n", source_name,
      paths ? "path data" : "event log", group_digits(data.rows), group_digits(journeys),
      group_digits(conversions), data.conversion_value());
  fitted.summary += fmt::format("  order  touchpoints  transitions  log-likelihood  held-out per journey (± SE vs best; {} held out)\n",
                                group_digits(fitted.heldout_journeys));
  for (const auto& score : fitted.scores)
    fitted.summary += fmt::format("  {:>5}  {:>11}  {:>11}  {:>14.1f}  {:>10.4f} ± {:.4f}{}\n", score.order,
                                  score.touchpoints, score.transitions, score.log_likelihood,
                                  score.heldout_log_likelihood, score.heldout_standard_error,
                                  score.order == order ? (options.choose_order ? "  <- chosen" : "  <- written") : "");
  fitted.summary += fmt::format("Fitted order {}: {} touchpoints, {} transitions\n", order, written.touchpoints,
                                written.transitions);
  return fitted;
}

}  // namespace journeysim

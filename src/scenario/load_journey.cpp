// The journey itself: touchpoints and the transitions between them.
#include <array>
#include <cmath>

#include "scenario/keys.hpp"
#include "scenario/loader.hpp"

namespace journeysim::scenario_detail {
namespace {

const std::vector<std::string>& kTouchpointKeys = keys::touchpoint;

// `removed: true|false`; anything else is an error.
bool read_removed(const MapView& fields, const std::string& what, YamlReader& reader) {
  const Entry* removed = fields.find("removed");
  if (removed == nullptr) return false;
  if (removed->value.IsScalar()) {
    const std::string& text = removed->value.Scalar();
    if (text == "true") return true;
    if (text == "false") return false;
  }
  reader.error(reader.where(removed->value),
               what + ".removed must be true or false (true: nobody can enter it; whoever would, drops off)");
  return false;
}
const std::vector<std::string>& kExperienceKeys = keys::experience;
const std::vector<std::string>& kDwellKeys = keys::dwell;
const std::vector<std::string>& kLognormalKeys = keys::lognormal;
const std::vector<std::string>& kPurchaseKeys = keys::purchase;
const std::vector<std::string>& kRefundKeys = keys::refund;
const std::vector<std::string>& kTransitionKeys = keys::transition;

const std::vector<std::string>& stage_names() {
  static const std::vector<std::string> names = {"awareness", "consideration", "purchase", "retention", "advocacy"};
  return names;
}

void read_stage(const MapView& fields, const std::string& what, YamlReader& reader, Touchpoint& touchpoint) {
  const std::string choices = "one of " + join(stage_names(), " or ");
  if (!reader.require(fields, "stage", what, touchpoint.location, "add `stage:` with " + choices)) return;
  const YAML::Node& node = fields.find("stage")->value;
  const auto text = reader.text(node, what + ".stage");
  if (!text) return;
  const auto& names = stage_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == *text) {
      touchpoint.stage = static_cast<Stage>(i);
      return;
    }
  }
  const std::string match = closest_match(*text, names);
  reader.error(reader.where(node), what + ".stage '" + *text + "' is not a stage; " +
                                       (match.empty() ? "use " + choices : "did you mean '" + match + "'?"));
}

void read_experience(const YAML::Node& node, const std::string& what, YamlReader& reader, Experience& experience) {
  if (node.IsScalar()) {
    if (auto mean = reader.number(node, what, Range::unit)) experience = {true, *mean, 0.0};
    return;
  }
  if (!node.IsMap()) {
    reader.error(reader.where(node), what + " must be a number between 0 and 1, or {mean: m, sd: s}, but it is " +
                                         describe(node));
    return;
  }
  const MapView fields = reader.map(node, what, kExperienceKeys);
  if (!reader.require(fields, "mean", what, reader.where(node), "add `mean:` (between 0 and 1)")) return;
  const auto mean = reader.number(fields, "mean", what + ".mean", Range::unit);
  const auto sd = fields.has("sd") ? reader.number(fields, "sd", what + ".sd", Range::non_negative)
                                   : std::optional<double>(0.0);
  if (mean && sd) experience = {true, *mean, *sd};
}

void read_dwell(const YAML::Node& node, const std::string& what, YamlReader& reader, Dwell& dwell) {
  if (node.IsScalar()) {
    if (auto days = reader.number(node, what, Range::non_negative)) dwell = {Dwell::Kind::fixed, *days, 0.0};
    return;
  }
  const std::string forms = "a number of days, {exponential: mean} or {lognormal: {mean: m, sd: s}}";
  if (!node.IsMap()) {
    reader.error(reader.where(node), what + " must be " + forms + ", but it is " + describe(node));
    return;
  }
  const MapView fields = reader.map(node, what, kDwellKeys);
  if (!fields.is_map) return;
  if (fields.entries.size() != 1) {
    // Unknown keys were reported already; only complain about the choice itself.
    if (fields.entries.size() > 1)
      reader.error(reader.where(node), what + " gives both exponential and lognormal; keep one of them");
    else if (node.size() == 0)
      reader.error(reader.where(node), what + " is empty; write " + forms);
    return;
  }
  const Entry& entry = fields.entries.front();
  if (entry.key == "exponential") {
    if (auto mean = reader.number(entry.value, what + ".exponential", Range::positive))
      dwell = {Dwell::Kind::exponential, *mean, 0.0};
    return;
  }
  const std::string sub = what + ".lognormal";
  if (!entry.value.IsMap()) {
    reader.error(reader.where(entry.value), sub + " must be {mean: m, sd: s}, but it is " + describe(entry.value));
    return;
  }
  const MapView lognormal = reader.map(entry.value, sub, kLognormalKeys);
  bool ok = reader.require(lognormal, "mean", sub, reader.where(entry.value), "add `mean:` (days, above 0)");
  ok = reader.require(lognormal, "sd", sub, reader.where(entry.value), "add `sd:` (days, 0 or more)") && ok;
  if (!ok) return;
  const auto mean = reader.number(lognormal, "mean", sub + ".mean", Range::positive);
  const auto sd = reader.number(lognormal, "sd", sub + ".sd", Range::non_negative);
  if (mean && sd) dwell = {Dwell::Kind::lognormal, *mean, *sd};
}

void read_purchase(const YAML::Node& node, const std::string& what, YamlReader& reader, Touchpoint& touchpoint) {
  const MapView fields = reader.map(node, what, kPurchaseKeys);
  if (!reader.require(fields, "revenue", what, reader.where(node), "add e.g. `revenue: 80.0` (0 is allowed)"))
    return;
  const YAML::Node& value = fields.find("revenue")->value;
  // Money given back is a touchpoint of its own (a return after checkout),
  // not a negative sale: say how to write it.
  if (value.IsScalar() && value.Tag() != "!") {
    const std::optional<double> parsed = parse_number(value.Scalar());
    if (parsed && std::isfinite(*parsed) && *parsed < 0.0) {
      reader.error(reader.where(value),
                   what + ".revenue is " + value.Scalar() +
                       "; revenue cannot be negative. To give money back, add a touchpoint reached after the "
                       "purchase (e.g. returns) with `refund: {amount: " +
                       format_number(-*parsed) + "}`");
      return;
    }
  }
  if (auto revenue = reader.number(value, what + ".revenue", Range::non_negative)) touchpoint.purchase_revenue = *revenue;
}

void read_refund(const YAML::Node& node, const std::string& what, YamlReader& reader, Touchpoint& touchpoint) {
  if (!node.IsMap() && !node.IsNull()) {
    reader.error(reader.where(node), what + " must be {amount: money given back}, e.g. `refund: {amount: 95}`, but it is " +
                                         describe(node));
    return;
  }
  const MapView fields = reader.map(node, what, kRefundKeys);
  if (!reader.require(fields, "amount", what, reader.where(node),
                      "add e.g. `amount: 95.0` (the money given back on each entry, above 0)"))
    return;
  if (auto amount = reader.number(fields, "amount", what + ".amount", Range::positive))
    touchpoint.refund_amount = *amount;
}

// A transition's value: a probability, or {p, rating_elasticity}.
bool read_transition_value(const YAML::Node& node, const std::string& what, YamlReader& reader,
                           Transition& transition) {
  if (node.IsScalar()) {
    const auto p = reader.number(node, what, Range::probability);
    if (p) transition.probability = *p;
    return p.has_value();
  }
  if (!node.IsMap()) {
    reader.error(reader.where(node), what + " must be a probability or {p: probability, rating_elasticity: e}, but it is " +
                                         describe(node));
    return false;
  }
  const MapView fields = reader.map(node, what, kTransitionKeys);
  if (!reader.require(fields, "p", what, reader.where(node), "add `p:` (the probability, between 0 and 1)"))
    return false;
  const auto p = reader.number(fields, "p", what + ".p", Range::probability);
  const auto e = fields.has("rating_elasticity")
                     ? reader.number(fields, "rating_elasticity", what + ".rating_elasticity", Range::finite)
                     : std::optional<double>(0.0);
  if (!p || !e) return false;
  transition.probability = *p;
  transition.rating_elasticity = *e;
  return true;
}

}  // namespace

void read_touchpoints(const YAML::Node& node, YamlReader& reader, Scenario& scenario) {
  const MapView touchpoints = reader.map(node, "touchpoints");
  if (!touchpoints.is_map) return;
  if (touchpoints.entries.empty() && node.size() == 0) {
    reader.error(reader.where(node), "touchpoints is empty; define at least one, e.g. website: {stage: consideration}");
    return;
  }
  for (const auto& entry : touchpoints.entries) {
    Touchpoint touchpoint;
    touchpoint.name = entry.key;
    touchpoint.location = reader.where_key(entry);
    const std::string what = "touchpoints." + entry.key;
    if (entry.key.find('.') != std::string::npos || entry.key.find("->") != std::string::npos)
      reader.error(touchpoint.location, "touchpoint name '" + entry.key +
                                            "' cannot contain '.' or '->' (they separate names in paths and "
                                            "transition_scale keys); rename it, e.g. with '_'");
    // Even a touchpoint with errors is kept, so that references to it do not
    // produce a second, misleading "not a touchpoint" error.
    const MapView fields = reader.map(entry.value, what, kTouchpointKeys);
    if (fields.is_map) {
      read_stage(fields, what, reader, touchpoint);
      if (auto cost = reader.number(fields, "cost", what + ".cost", Range::non_negative)) touchpoint.cost = *cost;
      if (const Entry* experience = fields.find("experience"))
        read_experience(experience->value, what + ".experience", reader, touchpoint.experience);
      if (const Entry* dwell = fields.find("dwell_days"))
        read_dwell(dwell->value, what + ".dwell_days", reader, touchpoint.dwell);
      if (const Entry* purchase = fields.find("purchase"))
        read_purchase(purchase->value, what + ".purchase", reader, touchpoint);
      if (const Entry* refund = fields.find("refund")) {
        read_refund(refund->value, what + ".refund", reader, touchpoint);
        if (fields.has("purchase"))
          reader.error(reader.where_key(*refund),
                       what + " has both `purchase` and `refund`; a touchpoint is either a sale or a return, "
                              "so move the refund to a touchpoint of its own (e.g. returns) reached after this one");
      }
      if (read_removed(fields, what, reader)) {
        scenario.removed_touchpoints.push_back(touchpoint.name);
        continue;
      }
    }
    scenario.touchpoints.push_back(std::move(touchpoint));
  }
}

void read_transitions(const YAML::Node& node, YamlReader& reader, Scenario& scenario) {
  const MapView rows = reader.map(node, "transitions");
  for (const auto& row : rows.entries) {
    const std::string& from = row.key;
    const std::string what = "transitions." + from;
    const bool from_known = check_touchpoint_name(scenario, from, "transitions", reader.where_key(row), reader);
    const MapView targets = reader.map(row.value, what);
    bool complete = targets.is_map;
    double sum = 0.0;
    for (const auto& target : targets.entries) {
      Transition transition;
      transition.from = from;
      transition.to = target.key;
      transition.location = reader.where_key(target);
      const bool to_known = check_touchpoint_name(scenario, target.key, what, transition.location, reader);
      if (!read_transition_value(target.value, what + "." + target.key, reader, transition)) {
        complete = false;
        continue;
      }
      sum += transition.probability;
      if (from_known && to_known) scenario.transitions.push_back(transition);
    }
    if (complete && sum > 1.0 + kSumTolerance)
      reader.error(reader.where_key(row), what + " probabilities sum to " + format_sum(sum) +
                                              "; a row must sum to at most 1 (the remainder is drop-off), "
                                              "so lower them");
  }
}

}  // namespace journeysim::scenario_detail

#include "engine/compiled_model.hpp"

#include <cmath>
#include <map>
#include <utility>

#include "journeysim/chain.hpp"

namespace journeysim::engine {

namespace {

NodeTable compile_touchpoint(const Touchpoint& touchpoint) {
  NodeTable node;
  node.purchase = touchpoint.purchase_revenue.has_value();
  node.rated = touchpoint.experience.rated;
  node.experience_mean = touchpoint.experience.mean;
  node.experience_sd = touchpoint.experience.sd;
  const Dwell& dwell = touchpoint.dwell;
  switch (dwell.kind) {
    case Dwell::Kind::fixed:
      node.dwell_kind = DwellKind::fixed;
      node.dwell_a = dwell.mean;
      break;
    case Dwell::Kind::exponential:
      node.dwell_kind = DwellKind::exponential;
      node.dwell_a = dwell.mean;
      break;
    case Dwell::Kind::lognormal:
      if (dwell.mean <= 0.0 || dwell.sd <= 0.0) {  // degenerate: the mean, always
        node.dwell_kind = DwellKind::fixed;
        node.dwell_a = dwell.mean;
      } else {
        // Parameters of the log from the mean and sd of the dwell itself.
        const double log_variance = std::log1p((dwell.sd * dwell.sd) / (dwell.mean * dwell.mean));
        node.dwell_kind = DwellKind::lognormal;
        node.dwell_a = std::log(dwell.mean) - 0.5 * log_variance;
        node.dwell_b = std::sqrt(log_variance);
      }
      break;
  }
  return node;
}

}  // namespace

CompiledModel::CompiledModel(const Scenario& scenario)
    : scenario_(&scenario),
      touchpoint_count_(static_cast<std::uint32_t>(scenario.touchpoints.size())),
      channel_count_(static_cast<std::uint32_t>(scenario.awareness.channels.size())),
      rating_dependent_(has_rating_elasticity(scenario)),
      scenario_segments_(effective_segments(scenario)) {
  for (const auto& touchpoint : scenario.touchpoints) nodes_.push_back(compile_touchpoint(touchpoint));
  nodes_.resize(touchpoint_count_ + 2 + channel_count_);  // entry nodes: no cost, no dwell, unrated
  for (const auto& segment : scenario_segments_)
    segments_.push_back({segment.awareness_multiplier, segment.experience_shift});

  // Flow links, in a fixed order: entries first, then transitions in file order.
  for (const auto& entry : scenario.awareness.initial_via)
    flows_.push_back({"initial", entry.via, true});
  for (const auto& channel : scenario.awareness.channels)
    flows_.push_back({"channel:" + channel.via, channel.via, true});
  if (scenario.word_of_mouth.enabled)
    flows_.push_back({"word_of_mouth", scenario.word_of_mouth.via, true});
  for (const auto& transition : scenario.transitions)
    if (scenario.touchpoint_index(transition.from) >= 0 && scenario.touchpoint_index(transition.to) >= 0)
      flows_.push_back({transition.from, transition.to, false});

  build_rows(scenario.reviews.prior_rating);
}

void CompiledModel::set_rating(double rating) {
  if (rating_dependent_) build_rows(rating);
}

void CompiledModel::build_rows(double rating) {
  const Scenario& scenario = *scenario_;
  std::map<std::pair<std::string, std::string>, std::uint32_t> transition_flow;
  std::uint32_t first_transition_flow = 0;
  for (const auto& flow : flows_)
    if (flow.entry) ++first_transition_flow;
  for (std::uint32_t f = first_transition_flow; f < flows_.size(); ++f)
    transition_flow[{flows_[f].from, flows_[f].to}] = f;

  row_start_.clear();
  row_size_.clear();
  slots_.clear();
  outcomes_.clear();
  std::vector<double> probabilities;

  auto add_row = [&](const std::vector<Outcome>& targets, const std::vector<double>& target_probabilities) {
    probabilities = target_probabilities;
    double total = 0.0;
    for (double p : probabilities) total += p;
    probabilities.push_back(total < 1.0 ? 1.0 - total : 0.0);  // drop-off
    const auto first_outcome = static_cast<std::uint32_t>(outcomes_.size());
    outcomes_.insert(outcomes_.end(), targets.begin(), targets.end());
    outcomes_.push_back({dropoff_node, 0});
    row_start_.push_back(static_cast<std::uint32_t>(slots_.size()));
    row_size_.push_back(static_cast<std::uint32_t>(probabilities.size()));
    slots_.resize(slots_.size() + probabilities.size());
    build_alias(probabilities, first_outcome,
                std::span<AliasSlot>(slots_.data() + row_start_.back(), probabilities.size()));
  };

  std::vector<Outcome> targets;
  std::vector<double> target_probabilities;
  for (const auto& segment : scenario_segments_) {
    const auto rows = transition_rows(scenario, segment, rating);
    for (std::uint32_t from = 0; from < touchpoint_count_; ++from) {
      targets.clear();
      target_probabilities.clear();
      for (const auto& out : rows[from]) {
        const auto& to_name = scenario.touchpoints[static_cast<size_t>(out.to)].name;
        targets.push_back({static_cast<std::uint32_t>(out.to),
                           transition_flow.at({scenario.touchpoints[from].name, to_name})});
        target_probabilities.push_back(out.probability);
      }
      add_row(targets, target_probabilities);
    }
    // Entry rows, flows numbered as in the constructor.
    std::uint32_t flow = 0;
    targets.clear();
    target_probabilities.clear();
    for (const auto& entry : scenario.awareness.initial_via) {
      targets.push_back({static_cast<std::uint32_t>(scenario.touchpoint_index(entry.via)), flow++});
      target_probabilities.push_back(entry.share);
    }
    add_row(targets, target_probabilities);
    for (const auto& channel : scenario.awareness.channels) {
      add_row({{static_cast<std::uint32_t>(scenario.touchpoint_index(channel.via)), flow++}}, {1.0});
    }
    if (scenario.word_of_mouth.enabled)
      add_row({{static_cast<std::uint32_t>(scenario.touchpoint_index(scenario.word_of_mouth.via)), flow++}},
              {1.0});
    else
      add_row({}, {});
  }
}

}  // namespace journeysim::engine

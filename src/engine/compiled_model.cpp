#include "engine/compiled_model.hpp"

#include <cmath>
#include <utility>

#include "journeysim/chain.hpp"

namespace journeysim::engine {

namespace {

NodeTable compile_touchpoint(const Touchpoint& touchpoint) {
  NodeTable node;
  node.purchase = touchpoint.purchase_revenue.has_value();
  node.refund = touchpoint.refund_amount.has_value();
  node.rated = touchpoint.experience.rated;
  node.plain = !node.purchase && !node.refund && !node.rated;
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

CompiledModel::CompiledModel(const Scenario& scenario) { compile(scenario); }

void CompiledModel::compile(const Scenario& scenario) {
  scenario_ = &scenario;
  touchpoint_count_ = static_cast<std::uint32_t>(scenario.touchpoints.size());
  channel_count_ = static_cast<std::uint32_t>(scenario.awareness.channels.size());
  nodes_.clear();
  segments_.clear();
  flows_.clear();
  flow_targets_.clear();
  rows_.clear();
  row_first_outcome_.clear();
  slots_.clear();
  outcomes_.clear();
  choice_slots_.clear();
  rating_rows_.clear();
  rating_edges_.clear();
  for (const auto& touchpoint : scenario.touchpoints) nodes_.push_back(compile_touchpoint(touchpoint));
  nodes_.resize(touchpoint_count_ + 2 + channel_count_);  // entry nodes: no cost, no dwell, unrated
  node_count_ = static_cast<std::uint32_t>(nodes_.size());

  // Flow links, in a fixed order: entries first, then transitions in file
  // order. An entry at a touchpoint removed by a strategy has no flow: its
  // customers drop off at once.
  auto entry_target = [&](const std::string& from, const std::string& via) -> Outcome {
    const int index = scenario.touchpoint_index(via);
    if (index < 0) return {dropoff_node, 0};
    flows_.push_back({from, via, true});
    flow_targets_.push_back(static_cast<std::uint32_t>(index));
    return {static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(flows_.size() - 1)};
  };
  std::vector<Outcome> initial_targets, channel_targets;
  std::vector<double> initial_shares;
  for (const auto& entry : scenario.awareness.initial_via) {
    const Outcome target = entry_target("initial", entry.via);
    if (target.node == dropoff_node) continue;  // the remainder of the row drops off
    initial_targets.push_back(target);
    initial_shares.push_back(entry.share);
  }
  const auto names = channel_names(scenario);
  for (size_t c = 0; c < names.size(); ++c)
    channel_targets.push_back(entry_target("channel:" + names[c], scenario.awareness.channels[c].via));
  const Outcome word_of_mouth_target = scenario.word_of_mouth.enabled
                                           ? entry_target("word_of_mouth", scenario.word_of_mouth.via)
                                           : Outcome{dropoff_node, 0};
  std::vector<std::uint32_t> transition_flow(scenario.transitions.size());
  for (size_t t = 0; t < scenario.transitions.size(); ++t) {
    const Transition& transition = scenario.transitions[t];
    const int to = scenario.touchpoint_index(transition.to);
    if (scenario.touchpoint_index(transition.from) < 0 || to < 0) continue;
    transition_flow[t] = static_cast<std::uint32_t>(flows_.size());
    flows_.push_back({transition.from, transition.to, false});
    flow_targets_.push_back(static_cast<std::uint32_t>(to));
  }

  std::vector<Outcome> targets;
  std::vector<double> probabilities;
  for (const auto& segment : effective_segments(scenario)) {
    segments_.push_back({segment.awareness_multiplier, segment.experience_shift});
    const auto rows = rated_rows(scenario, segment);
    for (std::uint32_t from = 0; from < touchpoint_count_; ++from) {
      targets.clear();
      bool rating_dependent = false;
      for (const auto& edge : rows[from]) {
        targets.push_back({static_cast<std::uint32_t>(edge.to), transition_flow[static_cast<size_t>(edge.transition)]});
        rating_dependent |= edge.rating_exponent != 0.0;
      }
      const std::uint32_t row = add_row(targets);
      if (rating_dependent) {
        rating_rows_.push_back({row, static_cast<std::uint32_t>(rating_edges_.size()),
                                static_cast<std::uint32_t>(rows[from].size())});
        rating_edges_.insert(rating_edges_.end(), rows[from].begin(), rows[from].end());
      }
      probabilities.resize(rows[from].size());
      apply_rating(rows[from], 1.0, probabilities);
      fill_row(row, probabilities);
    }
    // Entry rows: where the newly aware enter (or drop off at once).
    fill_row(add_row(initial_targets), initial_shares);
    const double certain[] = {1.0};
    for (const Outcome& target : channel_targets) {
      if (target.node == dropoff_node) fill_row(add_row({}), {});
      else fill_row(add_row({target}), certain);
    }
    if (word_of_mouth_target.node == dropoff_node) fill_row(add_row({}), {});
    else fill_row(add_row({word_of_mouth_target}), certain);
  }
}

std::uint32_t CompiledModel::add_row(const std::vector<Outcome>& targets) {
  rows_.push_back({static_cast<std::uint32_t>(slots_.size()), static_cast<std::uint32_t>(targets.size() + 1)});
  row_first_outcome_.push_back(static_cast<std::uint32_t>(outcomes_.size()));
  outcomes_.insert(outcomes_.end(), targets.begin(), targets.end());
  outcomes_.push_back({dropoff_node, 0});
  slots_.resize(slots_.size() + targets.size() + 1);
  choice_slots_.resize(slots_.size());
  return static_cast<std::uint32_t>(rows_.size() - 1);
}

void CompiledModel::fill_row(std::uint32_t row, std::span<const double> target_probabilities) {
  probabilities_.assign(target_probabilities.begin(), target_probabilities.end());
  double total = 0.0;
  for (double p : probabilities_) total += p;
  probabilities_.push_back(total < 1.0 ? 1.0 - total : 0.0);  // drop-off
  const ChoiceRow& where = rows_[row];
  // Rows are laid out segment by segment, node_count_ each.
  const std::uint32_t segment_flows = row / node_count_ * flow_count();
  build_alias(probabilities_, row_first_outcome_[row], std::span<AliasSlot>(slots_.data() + where.start, where.size),
              workspace_);
  for (std::uint32_t i = where.start; i < where.start + where.size; ++i) {
    const Outcome& own = outcomes_[slots_[i].own];
    const Outcome& alias = outcomes_[slots_[i].alias];
    choice_slots_[i] = {slots_[i].threshold, static_cast<std::uint16_t>(own.node),
                        static_cast<std::uint16_t>(alias.node), segment_flows + own.flow, segment_flows + alias.flow};
  }
}

void CompiledModel::set_rating(double rating) {
  const double relative = relative_rating(*scenario_, rating);
  std::vector<double>& probabilities = workspace_probabilities_;
  for (const auto& rated : rating_rows_) {
    probabilities.resize(rated.edge_count);
    apply_rating(std::span<const RatedOutgoing>(rating_edges_.data() + rated.first_edge, rated.edge_count), relative,
                 probabilities);
    fill_row(rated.row, probabilities);
  }
}

}  // namespace journeysim::engine

#include <limits>
#include <cmath>
#include <vector>

#include <Eigen/Dense>

#include "journeysim/analysis.hpp"
#include "journeysim/chain.hpp"
#include "journeysim/graph.hpp"

namespace journeysim {

namespace {

// What one segment contributes: how many of its customers become aware by
// the horizon and where they enter.
struct SegmentEntries {
  double aware = 0.0;
  Eigen::VectorXd entries;  // expected customers entering each touchpoint
};

SegmentEntries segment_entries(const Scenario& scenario, const Segment& segment) {
  const size_t count = scenario.touchpoints.size();
  SegmentEntries result;
  result.entries = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(count));
  auto enter = [&](const std::string& via, double customers) {
    // A via removed by a strategy: those customers are aware but drop off at once.
    const int index = scenario.touchpoint_index(via);
    if (index >= 0) result.entries[index] += customers;
  };

  const Awareness& awareness = scenario.awareness;
  const double market = static_cast<double>(scenario.market_size) * segment.share;
  const double initially_aware = market * awareness.initial_share;
  for (const EntryShare& entry : awareness.initial_via) enter(entry.via, initially_aware * entry.share);

  // Without word of mouth every unaware customer faces the same constant
  // hazard, so the aware share by the horizon is 1 - exp(-h H).
  double total_rate = 0.0;
  for (const AwarenessChannel& channel : awareness.channels) total_rate += channel.rate;
  double channel_aware = 0.0;
  if (total_rate > 0.0) {
    const double hazard = total_rate * segment.awareness_multiplier;
    channel_aware = market * (1.0 - awareness.initial_share) * -std::expm1(-hazard * scenario.horizon_days);
    for (const AwarenessChannel& channel : awareness.channels)
      enter(channel.via, channel_aware * (channel.rate / total_rate));  // no overflow for huge rates
  }
  result.aware = initially_aware + channel_aware;
  return result;
}

Eigen::MatrixXd substochastic_matrix(const std::vector<std::vector<Outgoing>>& rows) {
  const auto count = static_cast<Eigen::Index>(rows.size());
  Eigen::MatrixXd q = Eigen::MatrixXd::Zero(count, count);
  for (Eigen::Index from = 0; from < count; ++from)
    for (const Outgoing& out : rows[static_cast<size_t>(from)]) q(from, out.to) += out.probability;
  return q;
}

// P(reach a purchase touchpoint | at touchpoint i): 1 on purchase touchpoints,
// and on the rest the first-passage equations x = Q_NN x + Q_NP 1.
Eigen::VectorXd conversion_from_each(const Scenario& scenario, const Eigen::MatrixXd& q) {
  const auto count = static_cast<Eigen::Index>(scenario.touchpoints.size());
  std::vector<Eigen::Index> purchase, other;
  for (Eigen::Index i = 0; i < count; ++i)
    (scenario.touchpoints[static_cast<size_t>(i)].purchase_revenue ? purchase : other).push_back(i);

  Eigen::VectorXd conversion = Eigen::VectorXd::Zero(count);
  for (Eigen::Index i : purchase) conversion[i] = 1.0;
  if (purchase.empty() || other.empty()) return conversion;

  const auto others = static_cast<Eigen::Index>(other.size());
  const Eigen::MatrixXd q_other = q(other, other);
  const Eigen::VectorXd into_purchase = q(other, purchase).rowwise().sum();
  const Eigen::MatrixXd system = Eigen::MatrixXd::Identity(others, others) - q_other;
  const Eigen::VectorXd solution = system.partialPivLu().solve(into_purchase);
  for (Eigen::Index k = 0; k < others; ++k) conversion[other[static_cast<size_t>(k)]] = solution[k];
  return conversion;
}

}  // namespace

ExactAnalysis analyze(const Scenario& scenario) {
  // A closed set makes I - Q singular; report it as the loader would rather
  // than return numbers from a failed solve.
  Diagnostics graph_diagnostics;
  report_closed_sets(scenario, graph_diagnostics);
  if (graph_diagnostics.has_errors()) throw ScenarioError(graph_diagnostics);

  const size_t count = scenario.touchpoints.size();
  const auto n = static_cast<Eigen::Index>(count);
  const std::vector<Segment> segments = effective_segments(scenario);

  std::vector<SegmentEntries> entries;
  double total_aware = 0.0;
  for (const Segment& segment : segments) {
    entries.push_back(segment_entries(scenario, segment));
    total_aware += entries.back().aware;
  }

  // Segments count in proportion to the aware customers they bring. With
  // nobody aware every expectation is zero, but conversion_from still
  // describes the chain, so it falls back to market shares.
  std::vector<double> weight(segments.size());
  for (size_t s = 0; s < segments.size(); ++s)
    weight[s] = total_aware > 0.0 ? entries[s].aware / total_aware : segments[s].share;

  Eigen::VectorXd entry_mix = Eigen::VectorXd::Zero(n);
  Eigen::VectorXd visits = Eigen::VectorXd::Zero(n);
  Eigen::VectorXd dropoffs = Eigen::VectorXd::Zero(n);
  Eigen::VectorXd conversion_from = Eigen::VectorXd::Zero(n);
  double conversion = 0.0;

  for (size_t s = 0; s < segments.size(); ++s) {
    const auto rows = transition_rows(scenario, segments[s], scenario.reviews.prior_rating);
    const Eigen::MatrixXd q = substochastic_matrix(rows);
    const Eigen::VectorXd conversion_s = conversion_from_each(scenario, q);
    conversion_from += weight[s] * conversion_s;
    if (total_aware <= 0.0) continue;

    const Eigen::VectorXd entry_s = entries[s].entries / total_aware;  // already weighted
    // visits^T = entry^T N with N = (I - Q)^{-1}, i.e. (I - Q)^T visits = entry.
    const Eigen::MatrixXd system = Eigen::MatrixXd::Identity(n, n) - q;
    const Eigen::VectorXd visits_s = system.partialPivLu().transpose().solve(entry_s);
    const Eigen::VectorXd leave_s =
        (Eigen::VectorXd::Ones(n) - q.rowwise().sum()).cwiseMax(0.0);  // row drop-off

    entry_mix += entry_s;
    visits += visits_s;
    dropoffs += visits_s.cwiseProduct(leave_s);
    conversion += entry_s.dot(conversion_s);
  }

  ExactAnalysis analysis;
  analysis.expected_aware = total_aware;
  analysis.conversion_probability = conversion;
  for (size_t i = 0; i < count; ++i) {
    const auto k = static_cast<Eigen::Index>(i);
    const Touchpoint& tp = scenario.touchpoints[i];
    analysis.entry_distribution.push_back(entry_mix[k]);
    analysis.expected_visits.push_back(visits[k]);
    analysis.expected_dropoffs.push_back(dropoffs[k]);
    analysis.conversion_from.push_back(conversion_from[k]);
    analysis.expected_journey_days += visits[k] * tp.dwell.mean;
    analysis.expected_cost += visits[k] * tp.cost;
    if (tp.purchase_revenue) {
      analysis.expected_purchases += visits[k];
      analysis.expected_revenue += visits[k] * *tp.purchase_revenue;
    }
    if (tp.refund_amount) analysis.expected_refunds += visits[k] * *tp.refund_amount;
  }
  analysis.lifetime_value = conversion > 0.0
                                ? (analysis.expected_revenue - analysis.expected_refunds) / conversion
                                : std::numeric_limits<double>::quiet_NaN();
  return analysis;
}

}  // namespace journeysim

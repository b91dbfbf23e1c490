#include <cmath>
#include <limits>
#include <new>
#include <stdexcept>
#include <vector>

#include <Eigen/Dense>
#include <Eigen/IterativeLinearSolvers>
#include <Eigen/SparseLU>
#include <fmt/format.h>

#include "journeysim/analysis.hpp"
#include "journeysim/chain.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/graph.hpp"
#include "journeysim/runtime.hpp"

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

using SparseMatrix = Eigen::SparseMatrix<double>;                   // column-major, as SparseLU wants
using RowMatrix = Eigen::SparseMatrix<double, Eigen::RowMajor>;      // for walking a touchpoint's edges

// Q, the touchpoint-to-touchpoint part of the chain, sparse: fitted
// higher-order scenarios have thousands of touchpoints but few edges each.
RowMatrix substochastic_matrix(const std::vector<std::vector<Outgoing>>& rows) {
  const auto count = static_cast<Eigen::Index>(rows.size());
  std::vector<Eigen::Triplet<double>> entries;
  for (Eigen::Index from = 0; from < count; ++from)
    for (const Outgoing& out : rows[static_cast<size_t>(from)]) entries.emplace_back(from, out.to, out.probability);
  RowMatrix q(count, count);
  q.setFromTriplets(entries.begin(), entries.end());  // duplicates are summed
  return q;
}

// Refuses a solve whose working memory (`nonzeros` coefficients of an
// `unknowns`-square system, sparse: value and index, several copies on the
// way, plus `extra` bytes) would not fit, before allocating it.
void check_memory(Eigen::Index unknowns, Eigen::Index nonzeros, double extra) {
  const double bytes = 4.0 * 16.0 * static_cast<double>(nonzeros) + 4.0 * 8.0 * static_cast<double>(unknowns) + extra;
  const runtime::MemoryAvailable available = runtime::available_memory();
  if (available.source.empty() || bytes <= static_cast<double>(available.bytes)) return;
  throw InputError(fmt::format(
      "the exact analysis needs about {} of memory for {} equations with {} non-zero coefficients, but {} is "
      "available ({}); analyze a scenario with fewer touchpoints or transitions, or free memory",
      runtime::format_bytes(static_cast<std::uint64_t>(bytes)), unknowns, nonzeros,
      runtime::format_bytes(available.bytes), available.source));
}

// I - Q of an absorbing chain is an M-matrix: BiCGSTAB (Jacobi-preconditioned)
// converges in a few iterations where a full LU's fill-in (histories of a
// fitted higher-order chain loop into each other) costs seconds. The direct
// solve remains for the rare system it does not settle.
Eigen::VectorXd solve(const SparseMatrix& system, const Eigen::VectorXd& rhs) {
  if (rhs.size() > 200) {
    // BiCGSTAB works in a handful of vectors and the preconditioner beside the matrix.
    check_memory(system.rows(), system.nonZeros(), 12.0 * 8.0 * static_cast<double>(system.rows()));
    Eigen::BiCGSTAB<SparseMatrix, Eigen::DiagonalPreconditioner<double>> iterative;
    iterative.setTolerance(1e-14);
    iterative.compute(system);
    if (iterative.info() == Eigen::Success) {
      Eigen::VectorXd solution = iterative.solve(rhs);
      if (iterative.info() == Eigen::Success && (system * solution - rhs).lpNorm<Eigen::Infinity>() <= 1e-12)
        return solution;
    }
  }
  Eigen::SparseLU<SparseMatrix> lu;
  try {
    lu.compute(system);
  } catch (const std::bad_alloc&) {
    // Fill-in cannot be known before factorising; say what ran out rather than a bare bad_alloc.
    throw std::runtime_error(fmt::format(
        "exact analysis: the direct solve of {} equations ({} non-zero coefficients) ran out of memory in its LU "
        "factors (the iterative solver did not settle this system); {} was available ({})",
        system.rows(), system.nonZeros(), runtime::format_bytes(runtime::available_memory().bytes),
        runtime::available_memory().source));
  }
  if (lu.info() != Eigen::Success)
    throw InternalError("exact analysis: the absorbing chain's system is singular although no closed set was found");
  return lu.solve(rhs);
}

// P(reach a purchase touchpoint | at touchpoint i): 1 on purchase touchpoints,
// 0 on those in `removed` (entering one is a drop-off), and on the rest the
// first-passage equations x = Q_NN x + Q_NP 1.
Eigen::VectorXd conversion_from_each(const Scenario& scenario, const RowMatrix& q,
                                     const std::vector<bool>& removed) {
  const auto count = static_cast<Eigen::Index>(scenario.touchpoints.size());
  std::vector<Eigen::Index> unknown_index(static_cast<size_t>(count), -1);
  Eigen::VectorXd conversion = Eigen::VectorXd::Zero(count);
  Eigen::Index unknowns = 0;
  for (Eigen::Index i = 0; i < count; ++i) {
    if (!removed.empty() && removed[static_cast<size_t>(i)]) continue;
    if (scenario.touchpoints[static_cast<size_t>(i)].purchase_revenue) conversion[i] = 1.0;
    else unknown_index[static_cast<size_t>(i)] = unknowns++;
  }
  if (unknowns == 0) return conversion;

  std::vector<Eigen::Triplet<double>> entries;
  Eigen::VectorXd into_purchase = Eigen::VectorXd::Zero(unknowns);
  for (Eigen::Index from = 0; from < count; ++from) {
    const Eigen::Index row = unknown_index[static_cast<size_t>(from)];
    if (row < 0) continue;
    entries.emplace_back(row, row, 1.0);
    for (RowMatrix::InnerIterator edge(q, from); edge; ++edge) {
      const Eigen::Index column = unknown_index[static_cast<size_t>(edge.col())];
      if (column >= 0) entries.emplace_back(row, column, -edge.value());
      else into_purchase[row] += edge.value() * conversion[edge.col()];
    }
  }
  SparseMatrix system(unknowns, unknowns);
  system.setFromTriplets(entries.begin(), entries.end());
  const Eigen::VectorXd solution = solve(system, into_purchase);
  for (Eigen::Index i = 0; i < count; ++i)
    if (unknown_index[static_cast<size_t>(i)] >= 0) conversion[i] = solution[unknown_index[static_cast<size_t>(i)]];
  return conversion;
}

// A closed set makes I - Q singular; report it as the loader would rather
// than return numbers from a failed solve.
void refuse_closed_sets(const Scenario& scenario) {
  Diagnostics graph_diagnostics;
  report_closed_sets(scenario, graph_diagnostics);
  if (graph_diagnostics.has_errors()) throw ScenarioError(graph_diagnostics);
}

std::vector<SegmentEntries> all_segment_entries(const Scenario& scenario, const std::vector<Segment>& segments,
                                                double& total_aware) {
  std::vector<SegmentEntries> entries;
  total_aware = 0.0;
  for (const Segment& segment : segments) {
    entries.push_back(segment_entries(scenario, segment));
    total_aware += entries.back().aware;
  }
  return entries;
}

}  // namespace

double conversion_probability_without(const Scenario& scenario, const std::vector<bool>& removed) {
  if (!removed.empty() && removed.size() != scenario.touchpoints.size())
    throw InternalError("conversion_probability_without: one flag per touchpoint expected");
  refuse_closed_sets(scenario);
  const std::vector<Segment> segments = effective_segments(scenario);
  double total_aware = 0.0;
  const std::vector<SegmentEntries> entries = all_segment_entries(scenario, segments, total_aware);
  if (total_aware <= 0.0) return std::numeric_limits<double>::quiet_NaN();
  double conversion = 0.0;
  for (size_t s = 0; s < segments.size(); ++s) {
    const RowMatrix q = substochastic_matrix(transition_rows(scenario, segments[s], scenario.reviews.prior_rating));
    conversion += entries[s].entries.dot(conversion_from_each(scenario, q, removed)) / total_aware;
  }
  return conversion;
}

ExactAnalysis analyze(const Scenario& scenario) {
  // Q, I - Q, its transpose and their triplets, before building any of them.
  check_memory(static_cast<Eigen::Index>(scenario.touchpoints.size()),
               static_cast<Eigen::Index>(scenario.transitions.size() + scenario.touchpoints.size()),
               16.0 * 8.0 * static_cast<double>(scenario.touchpoints.size()));
  refuse_closed_sets(scenario);
  const size_t count = scenario.touchpoints.size();
  const auto n = static_cast<Eigen::Index>(count);
  const std::vector<Segment> segments = effective_segments(scenario);
  double total_aware = 0.0;
  const std::vector<SegmentEntries> entries = all_segment_entries(scenario, segments, total_aware);

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
    const RowMatrix q = substochastic_matrix(rows);
    const Eigen::VectorXd conversion_s = conversion_from_each(scenario, q, {});
    conversion_from += weight[s] * conversion_s;
    if (total_aware <= 0.0) continue;

    const Eigen::VectorXd entry_s = entries[s].entries / total_aware;  // already weighted
    // visits^T = entry^T N with N = (I - Q)^{-1}, i.e. (I - Q)^T visits = entry.
    RowMatrix identity(n, n);
    identity.setIdentity();
    const SparseMatrix system = RowMatrix(identity - q).transpose();
    const Eigen::VectorXd visits_s = solve(system, entry_s);
    const Eigen::VectorXd leave_s =
        (Eigen::VectorXd::Ones(n) - q * Eigen::VectorXd::Ones(n)).cwiseMax(0.0);  // row drop-off

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

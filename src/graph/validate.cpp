#include <algorithm>
#include <deque>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "journeysim/analysis.hpp"
#include "journeysim/chain.hpp"
#include "journeysim/graph.hpp"

namespace journeysim {

namespace {

// The exact solve is dense (issue H will make it sparse): only where it is instant.
constexpr std::size_t max_touchpoints_for_event_check = 400;
constexpr double expected_events_warning = 1000.0;

std::string join_names(const Scenario& scenario, const std::vector<int>& members) {
  std::string names;
  for (int member : members) {
    if (!names.empty()) names += ", ";
    names += scenario.touchpoints[static_cast<size_t>(member)].name;
  }
  return names;
}

// Where to point the user: the row they would edit, else the touchpoint.
SourceLocation row_location(const Scenario& scenario, int touchpoint) {
  const Touchpoint& tp = scenario.touchpoints[static_cast<size_t>(touchpoint)];
  for (const Transition& transition : scenario.transitions)
    if (transition.from == tp.name) return transition.location;
  return tp.location;
}

// A segment-only closed set comes from the segment's transition_scale, so the
// scale entry on a member's row is what the user has to change.
SourceLocation segment_location(const Scenario& scenario, const Segment& segment,
                                const std::vector<int>& members) {
  for (const TransitionScale& scale : segment.transition_scale)
    for (int member : members)
      if (scale.from == scenario.touchpoints[static_cast<size_t>(member)].name) return scale.location;
  return row_location(scenario, members.front());
}

std::string closed_set_message(const Scenario& scenario, const std::vector<int>& members) {
  if (members.size() == 1)
    return fmt::format(
        "touchpoint {} forms a closed loop that customers can enter but never leave (it moves to "
        "itself with probability 1 and no probability is left for drop-off); lower the probability "
        "or add a way out",
        join_names(scenario, members));
  return fmt::format(
      "touchpoints {} form a closed loop that customers can enter but never leave (every transition "
      "stays inside and no probability is left for drop-off); lower a probability or add a way out",
      join_names(scenario, members));
}

void check_closed_sets(const Scenario& scenario, Diagnostics& diagnostics) {
  // A neutral segment at the prior rating reads the rows exactly as written
  // (apart from scaling a row above 1 back to 1, as the engine does).
  const Segment neutral;
  const auto base_sets =
      find_closed_sets(transition_rows(scenario, neutral, scenario.reviews.prior_rating));
  for (const auto& members : base_sets)
    diagnostics.error(row_location(scenario, members.front()), closed_set_message(scenario, members));

  for (const Segment& segment : scenario.segments) {
    const auto sets =
        find_closed_sets(transition_rows(scenario, segment, scenario.reviews.prior_rating));
    for (const auto& members : sets) {
      // Already reported for the base scenario; saying it once per segment is noise.
      if (std::find(base_sets.begin(), base_sets.end(), members) != base_sets.end()) continue;
      diagnostics.error(segment_location(scenario, segment, members),
                        fmt::format("for segment '{}' (after its transition_scale), {}", segment.name,
                                    closed_set_message(scenario, members)));
    }
  }
}

// Rating-elastic rows move with the public rating, which stays in [0, 1]:
// a row that only closes at an extreme rating is a warning (customers caught
// there loop until the per-customer event cap truncates them).
void check_closed_sets_at_extreme_ratings(const Scenario& scenario, Diagnostics& diagnostics) {
  if (!has_rating_elasticity(scenario) || !scenario.reviews.enabled) return;
  std::vector<Segment> segments = scenario.segments;
  if (segments.empty()) segments.push_back(Segment{});
  std::vector<std::vector<int>> reported =
      find_closed_sets(transition_rows(scenario, Segment{}, scenario.reviews.prior_rating));
  for (const Segment& segment : segments)
    for (const double rating : {0.0, 1.0})
      for (const auto& members : find_closed_sets(transition_rows(scenario, segment, rating))) {
        if (std::find(reported.begin(), reported.end(), members) != reported.end()) continue;
        reported.push_back(members);
        diagnostics.warning(row_location(scenario, members.front()),
                            fmt::format("if the public rating reaches {:.0f}, {}", rating,
                                        closed_set_message(scenario, members)));
      }
}

void check_reachability(const Scenario& scenario, Diagnostics& diagnostics) {
  const std::vector<int> entries = entry_touchpoints(scenario);
  // No entry at all is the loader's error ("no way to become aware"); warning
  // about every touchpoint on top of it would bury that message.
  if (entries.empty()) return;

  const Segment neutral;
  const auto rows = transition_rows(scenario, neutral, scenario.reviews.prior_rating);
  std::vector<bool> reached(scenario.touchpoints.size(), false);
  std::deque<int> frontier;
  for (int entry : entries) {
    reached[static_cast<size_t>(entry)] = true;
    frontier.push_back(entry);
  }
  while (!frontier.empty()) {
    const int from = frontier.front();
    frontier.pop_front();
    for (const Outgoing& out : rows[static_cast<size_t>(from)]) {
      if (out.probability <= 0.0 || reached[static_cast<size_t>(out.to)]) continue;
      reached[static_cast<size_t>(out.to)] = true;
      frontier.push_back(out.to);
    }
  }

  const std::string entry_names = join_names(scenario, entries);
  for (size_t i = 0; i < scenario.touchpoints.size(); ++i) {
    if (reached[i]) continue;
    const Touchpoint& tp = scenario.touchpoints[i];
    diagnostics.warning(
        tp.location,
        fmt::format("touchpoint '{}' cannot be reached from any entry point (entries: {}), so no "
                    "customer will ever visit it; add a transition into it or an awareness channel "
                    "entering at it",
                    tp.name, entry_names));
  }
}

// Loops with probabilities near 1 make journeys of thousands of moves: slow
// runs, journeys cut at --max-events and lifetime figures dominated by a few
// customers. The exact chain says how many moves to expect before the run.
void check_expected_events(const Scenario& scenario, Diagnostics& diagnostics) {
  if (scenario.touchpoints.empty() || scenario.touchpoints.size() > max_touchpoints_for_event_check) return;
  ExactAnalysis analysis;
  try {
    analysis = analyze(scenario);
  } catch (const std::exception&) {
    return;  // a chain the solver cannot handle gets no estimate, not a failed load
  }
  double events = 0.0;
  std::size_t busiest = 0;
  for (std::size_t t = 0; t < analysis.expected_visits.size(); ++t) {
    events += analysis.expected_visits[t];
    if (analysis.expected_visits[t] > analysis.expected_visits[busiest]) busiest = t;
  }
  if (!(events > expected_events_warning)) return;
  const Touchpoint& touchpoint = scenario.touchpoints[busiest];
  diagnostics.warning(row_location(scenario, static_cast<int>(busiest)),
                      fmt::format("an aware customer is expected to make {:.0f} moves (exact chain at the prior "
                                  "rating), {:.0f} of them at '{}': runs will be slow and journeys longer than "
                                  "--max-events (default 1000000) are cut short and reported as truncated; check "
                                  "loops whose probabilities are close to 1",
                                  events, analysis.expected_visits[busiest], touchpoint.name));
}

}  // namespace

void report_closed_sets(const Scenario& scenario, Diagnostics& diagnostics) { check_closed_sets(scenario, diagnostics); }

void validate_graph(const Scenario& scenario, Diagnostics& diagnostics) {
  const bool had_errors = diagnostics.has_errors();
  check_closed_sets(scenario, diagnostics);
  check_closed_sets_at_extreme_ratings(scenario, diagnostics);
  check_reachability(scenario, diagnostics);
  if (!had_errors && !diagnostics.has_errors()) check_expected_events(scenario, diagnostics);
}

}  // namespace journeysim

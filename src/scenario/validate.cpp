// Checks that need more than one section: can anyone become aware, can
// anyone buy, do the review and segment settings have any effect.
#include <algorithm>
#include <cstdint>
#include <limits>

#include <fmt/format.h>

#include "scenario/loader.hpp"

namespace journeysim::scenario_detail {
namespace {

void check_awareness(const Scenario& scenario, const Places& places, YamlReader& reader) {
  // Reported already: a mistake in these sections, or no touchpoints to enter.
  if (places.entry_errors || scenario.touchpoints.empty()) return;
  const Awareness& awareness = scenario.awareness;
  bool channel = false;
  for (const auto& c : awareness.channels) channel = channel || c.rate > 0.0;
  const bool initial = awareness.initial_share > 0.0;
  const bool word_of_mouth = scenario.word_of_mouth.enabled && scenario.word_of_mouth.rate > 0.0;
  if (!initial && !channel && !word_of_mouth) {
    reader.error(places.awareness,
                 "nobody can ever become aware: there is no awareness.initial share above 0, no awareness "
                 "channel with a rate above 0, and no word_of_mouth; add e.g. awareness: {channels: [{via: "
                 "<touchpoint>, rate: 0.01}]}");
    return;
  }
  if (!initial && !channel)
    reader.warning(scenario.word_of_mouth.location,
                   "word of mouth is the only way to become aware, but it needs advocates, who need to have "
                   "bought first, so nobody ever will; add awareness.initial or an awareness channel");
  if (initial) {
    double entering = 0.0;
    for (const auto& entry : awareness.initial_via) entering += entry.share;
    if (entering <= 0.0)
      reader.warning(places.initial,
                     "awareness.initial.share is above 0 but awareness.initial.via sends nobody anywhere, so "
                     "those customers drop off at once; add e.g. via: {<touchpoint>: 1.0}");
  }
}

void check_purchases(const Scenario& scenario, YamlReader& reader) {
  bool any = false;
  for (const auto& touchpoint : scenario.touchpoints) {
    if (touchpoint.purchase_revenue) any = true;
    if (touchpoint.stage == Stage::purchase && !touchpoint.purchase_revenue)
      reader.warning(touchpoint.location, "touchpoint '" + touchpoint.name +
                                              "' has stage purchase but no `purchase:`, so entering it is not "
                                              "counted as a purchase; add purchase: {revenue: <amount>} if it is one");
  }
  if (!any && !scenario.touchpoints.empty())
    reader.warning(scenario.touchpoints.front().location,
                   "no touchpoint has `purchase:`, so nobody can ever convert; add purchase: {revenue: <amount>} "
                   "to the touchpoint where customers buy");
}

// A refund where customers enter from outside gives money to people who
// never bought: almost certainly a mistake in the graph.
void check_refunds(const Scenario& scenario, YamlReader& reader) {
  for (const auto& touchpoint : scenario.touchpoints) {
    if (!touchpoint.refund_amount) continue;
    bool entry = scenario.word_of_mouth.enabled && scenario.word_of_mouth.via == touchpoint.name;
    for (const auto& channel : scenario.awareness.channels) entry = entry || channel.via == touchpoint.name;
    for (const auto& initial : scenario.awareness.initial_via) entry = entry || initial.via == touchpoint.name;
    if (entry)
      reader.warning(touchpoint.location, "touchpoint '" + touchpoint.name +
                                              "' gives a refund but newly aware customers enter there, so people "
                                              "who never bought get money back; reach it by a transition after the "
                                              "purchase instead");
  }
}

void check_reviews(const Scenario& scenario, const Places& places, YamlReader& reader) {
  const Transition* elastic = nullptr;
  for (const auto& transition : scenario.transitions)
    if (transition.rating_elasticity != 0.0 && elastic == nullptr) elastic = &transition;
  if (elastic == nullptr) return;
  if (!scenario.reviews.enabled) {
    reader.warning(elastic->location, "transitions." + elastic->from + "." + elastic->to +
                                          " has a rating_elasticity, but without a `reviews` section the public "
                                          "rating never moves, so it has no effect; add reviews: "
                                          "{post_probability: 0.1, prior: {rating: 0.7, weight: 50}}");
    return;
  }
  if (scenario.reviews.prior_rating <= 0.0)
    reader.error(places.prior_rating.line > 0 ? places.prior_rating : places.reviews,
                 "reviews.prior.rating is 0, but transitions with rating_elasticity scale by rating / "
                 "prior.rating; use a prior rating above 0");
}

// 65533 as "65,533".
std::string grouped(std::uint64_t value) {
  const std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// What the engine can hold (it checks again, but without a place in the
// file): touchpoints and awareness channels are nodes numbered in 16 bits,
// with two entry nodes of its own (initial awareness, word of mouth); its
// per-segment transition tables are indexed in 32 bits. Market size,
// segments, horizon and steps are checked where they are read.
void check_engine_limits(const Scenario& scenario, YamlReader& reader) {
  const std::size_t room = limits::max_nodes - 2;
  const std::size_t touchpoints = scenario.touchpoints.size();
  const std::size_t channels = scenario.awareness.channels.size();
  if (touchpoints + channels > room) {
    const std::string limit = fmt::format(
        "one run holds at most {} touchpoints and awareness channels together (the engine numbers them in 16 bits)",
        grouped(room));
    if (touchpoints > room)
      reader.error(scenario.touchpoints[room].location,
                   fmt::format("touchpoint '{}' is touchpoint number {} of {}; {}, so merge some or split the scenario",
                               scenario.touchpoints[room].name, grouped(room + 1), grouped(touchpoints), limit));
    else
      reader.error(scenario.awareness.channels[room - touchpoints].location,
                   fmt::format("this awareness channel makes {} touchpoints and channels ({} touchpoints, {} "
                               "channels); {}, so merge some channels or touchpoints",
                               grouped(room + 1), grouped(touchpoints), grouped(channels), limit));
    return;
  }
  const std::uint64_t segments = std::max<std::size_t>(1, scenario.segments.size());
  const std::uint64_t per_segment_max = std::numeric_limits<std::uint32_t>::max() / segments;
  // Each segment's table: one entry per transition and one drop-off per row.
  const std::uint64_t rows = touchpoints + channels + 2 + scenario.awareness.initial_via.size();
  if (rows + scenario.transitions.size() > per_segment_max) {
    const std::size_t first = static_cast<std::size_t>(per_segment_max > rows ? per_segment_max - rows : 0);
    const Transition& transition = scenario.transitions[std::min(first, scenario.transitions.size() - 1)];
    reader.error(transition.location,
                 fmt::format("transition {}->{} is transition number {} of {}; with {} segment(s) one run holds at "
                             "most {} transitions (the engine's tables are indexed in 32 bits), so use fewer "
                             "transitions or segments",
                             transition.from, transition.to, grouped(first + 1), grouped(scenario.transitions.size()),
                             grouped(segments), grouped(per_segment_max > rows ? per_segment_max - rows : 0)));
  }
}

void check_segments(const Scenario& scenario, YamlReader& reader) {
  for (const auto& segment : scenario.segments) {
    for (const auto& scale : segment.transition_scale) {
      bool exists = false;
      for (const auto& transition : scenario.transitions)
        exists = exists || (transition.from == scale.from && transition.to == scale.to);
      if (!exists)
        reader.warning(scale.location, "segment '" + segment.name + "' scales " + scale.from + "->" + scale.to +
                                           ", but there is no such transition, so it has no effect; add it "
                                           "under transitions." + scale.from + " or remove this scale");
    }
  }
}

}  // namespace

void check_scenario(const Scenario& scenario, const Places& places, YamlReader& reader) {
  check_engine_limits(scenario, reader);
  check_awareness(scenario, places, reader);
  check_purchases(scenario, reader);
  check_refunds(scenario, reader);
  check_reviews(scenario, places, reader);
  check_segments(scenario, reader);
}

}  // namespace journeysim::scenario_detail

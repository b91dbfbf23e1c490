#pragma once
// The journey as a Markov chain over touchpoints, as seen by one segment at a
// given public rating. Shared by the engine (which compiles it to alias tables)
// and by the exact analysis (which solves it), so both read the same model.
#include <span>
#include <vector>

#include "journeysim/scenario.hpp"

namespace journeysim {

struct Outgoing {
  int to = 0;  // touchpoint index
  double probability = 0.0;
};

// An edge before the public rating is applied: its probability is
// base_probability · (rating/prior)^rating_exponent (exponent 0: not elastic).
struct RatedOutgoing {
  int to = 0;
  double base_probability = 0.0;  // the segment's transition_scale applied
  double rating_exponent = 0.0;   // rating_elasticity · the segment's review_sensitivity
  int transition = 0;             // index into scenario.transitions
};

// The scenario's segments, or one neutral segment (share 1) when it has none.
std::vector<Segment> effective_segments(const Scenario& scenario);

// rows[i] = the edges leaving touchpoint i for this segment, in file order.
std::vector<std::vector<RatedOutgoing>> rated_rows(const Scenario& scenario, const Segment& segment);

// Probabilities of one row at relative_rating = rating / prior rating: the
// elastic factor (capped, never infinite), then a row summing above 1 scaled
// back to 1. The remainder is drop-off. Writes row.size() values; no allocation.
void apply_rating(std::span<const RatedOutgoing> row, double relative_rating, std::span<double> probabilities);

// rows[i] = where a customer leaving touchpoint i goes next, at this rating:
// rated_rows() with apply_rating().
std::vector<std::vector<Outgoing>> transition_rows(const Scenario& scenario, const Segment& segment,
                                                   double rating);

// rating / prior rating, or 1 when there is no prior to compare with.
double relative_rating(const Scenario& scenario, double rating);

// A name per awareness channel: its `via`, numbered when several channels
// enter at the same touchpoint ("search", "search#2"), so outputs can tell them apart.
std::vector<std::string> channel_names(const Scenario& scenario);

// Does any row depend on the public rating?
bool has_rating_elasticity(const Scenario& scenario);

}  // namespace journeysim

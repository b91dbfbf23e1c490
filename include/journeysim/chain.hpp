#pragma once
// The journey as a Markov chain over touchpoints, as seen by one segment at a
// given public rating. Shared by the engine (which compiles it to alias tables)
// and by the exact analysis (which solves it), so both read the same model.
#include <vector>

#include "journeysim/scenario.hpp"

namespace journeysim {

struct Outgoing {
  int to = 0;  // touchpoint index
  double probability = 0.0;
};

// The scenario's segments, or one neutral segment (share 1) when it has none.
std::vector<Segment> effective_segments(const Scenario& scenario);

// rows[i] = where a customer leaving touchpoint i goes next; the remainder of
// each row is drop-off. Applies the segment's transition_scale and the rating
// elasticity (p · (rating/prior)^(e · review_sensitivity)), then scales a row
// summing above 1 back to 1.
std::vector<std::vector<Outgoing>> transition_rows(const Scenario& scenario, const Segment& segment,
                                                   double rating);

// Does any row depend on the public rating?
bool has_rating_elasticity(const Scenario& scenario);

}  // namespace journeysim

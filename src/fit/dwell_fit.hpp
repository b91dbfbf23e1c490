#pragma once
// A touchpoint's dwell from observed times between touches.
#include <vector>

#include "journeysim/scenario.hpp"

namespace journeysim::fit_detail {

struct DwellFit {
  Dwell dwell;                   // fixed (all equal, or none observed), exponential or lognormal
  double log_likelihood = 0.0;   // of the samples under `dwell` (0 for fixed)
  double exponential_log_likelihood = 0.0;
  double lognormal_log_likelihood = 0.0;  // -inf when a sample is 0 or there are fewer than 2
};

// Exponential by maximum likelihood (mean = sample mean) and lognormal by
// moment matching (mean and sd of the samples); whichever explains the
// samples better by likelihood. Samples all equal: fixed at that value.
DwellFit fit_dwell(const std::vector<double>& samples);

}  // namespace journeysim::fit_detail

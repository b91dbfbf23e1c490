#include "fit/dwell_fit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace journeysim::fit_detail {

DwellFit fit_dwell(const std::vector<double>& samples) {
  DwellFit fit;
  constexpr double impossible = -std::numeric_limits<double>::infinity();
  fit.exponential_log_likelihood = fit.lognormal_log_likelihood = impossible;
  if (samples.empty()) return fit;  // fixed 0: nothing was seen
  const auto n = static_cast<double>(samples.size());
  const auto [low, high] = std::minmax_element(samples.begin(), samples.end());
  double mean = 0.0;
  for (double x : samples) mean += x;
  mean /= n;
  // Times in a log are differences of printed sums: equal dwells may differ in the last digits.
  if (*high - *low <= 1e-9 * std::max(1.0, std::abs(mean))) {
    fit.dwell = {Dwell::Kind::fixed, std::max(mean, 0.0), 0.0};
    return fit;
  }
  double squares = 0.0;
  for (double x : samples) squares += (x - mean) * (x - mean);
  const double sd = std::sqrt(squares / (n - 1.0));

  fit.exponential_log_likelihood = -n * std::log(mean) - n;
  if (*low > 0.0) {
    const double sigma2 = std::log1p(sd * sd / (mean * mean));
    const double mu = std::log(mean) - sigma2 / 2.0;
    double total = -0.5 * n * std::log(2.0 * std::numbers::pi * sigma2);
    for (double x : samples) {
      const double z = std::log(x) - mu;
      total -= std::log(x) + z * z / (2.0 * sigma2);
    }
    fit.lognormal_log_likelihood = total;
  }
  if (fit.lognormal_log_likelihood > fit.exponential_log_likelihood) {
    fit.dwell = {Dwell::Kind::lognormal, mean, sd};
    fit.log_likelihood = fit.lognormal_log_likelihood;
  } else {
    fit.dwell = {Dwell::Kind::exponential, mean, 0.0};
    fit.log_likelihood = fit.exponential_log_likelihood;
  }
  return fit;
}

}  // namespace journeysim::fit_detail

// Differences between an arm and its baseline. Paired: replication k of both
// used the same seed and per-customer streams (common random numbers), so the
// k differences are independent draws of the effect and their t-interval is
// the CI. Unpaired: Welch's interval, for results that share nothing.
#include <cmath>
#include <limits>
#include <stdexcept>

#include <boost/math/distributions/students_t.hpp>

#include "journeysim/errors.hpp"
#include "statistics/detail.hpp"

namespace journeysim {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

struct Moments {
  double n = 0, mean = 0, variance = 0;
};

Moments moments(const std::vector<double>& values) {
  Moments m;
  m.n = static_cast<double>(values.size());
  if (values.empty()) return m;
  for (double v : values) m.mean += v;
  m.mean /= m.n;
  if (values.size() < 2) return m;
  for (double v : values) m.variance += (v - m.mean) * (v - m.mean);
  m.variance /= m.n - 1;
  return m;
}

Interval t_interval(double mean, double standard_error, double degrees_of_freedom) {
  Interval out{mean, {}, {}};
  if (!(degrees_of_freedom > 0.0) || !std::isfinite(standard_error) || !std::isfinite(mean)) return out;
  const double half =
      standard_error > 0.0
          ? boost::math::quantile(boost::math::students_t(degrees_of_freedom), 0.975) * standard_error
          : 0.0;
  out.low = mean - half;
  out.high = mean + half;
  return out;
}

}  // namespace

Difference paired_difference(const std::vector<double>& baseline, const std::vector<double>& arm) {
  if (baseline.size() != arm.size())
    throw InternalError("paired difference of " + std::to_string(baseline.size()) + " and " +
                        std::to_string(arm.size()) + " replications");
  std::vector<double> deltas, relatives;
  bool relative_defined = true;
  for (std::size_t k = 0; k < arm.size(); ++k) {
    deltas.push_back(arm[k] - baseline[k]);
    // A change relative to zero or to a negative level (an NPS of −16) has no
    // meaningful sign or size: reported as undefined.
    if (!(baseline[k] > 0.0)) relative_defined = false;
    else relatives.push_back((arm[k] - baseline[k]) / baseline[k]);
  }
  Difference out;
  out.delta = confidence_interval(deltas);
  out.relative = relative_defined && !arm.empty() ? confidence_interval(relatives) : Interval{nan, {}, {}};
  return out;
}

Difference welch_difference(const std::vector<double>& baseline, const std::vector<double>& arm) {
  const Moments a = moments(baseline), b = moments(arm);
  Difference out;
  const double delta = b.mean - a.mean;
  if (a.n < 2 || b.n < 2) {
    out.delta = {delta, {}, {}};
    out.relative = {a.mean > 0.0 ? delta / a.mean : nan, {}, {}};
    return out;
  }
  const double va = a.variance / a.n, vb = b.variance / b.n;
  const double se = std::sqrt(va + vb);
  // Welch–Satterthwaite degrees of freedom.
  const double df = se > 0.0 ? (va + vb) * (va + vb) / (va * va / (a.n - 1) + vb * vb / (b.n - 1))
                             : a.n + b.n - 2;
  out.delta = t_interval(delta, se, df);
  if (!(a.mean > 0.0)) {
    out.relative = {nan, {}, {}};
  } else {
    // b/a − 1 by the delta method: the baseline's own uncertainty counts too.
    const double relative = delta / a.mean;
    const double relative_se = std::sqrt(vb / (a.mean * a.mean) + b.mean * b.mean * va / std::pow(a.mean, 4));
    out.relative = t_interval(relative, relative_se, df);
  }
  return out;
}

bool MetricComparison::significant() const {
  const Interval& delta = difference.delta;
  return delta.low && delta.high && (*delta.low > 0.0 || *delta.high < 0.0);
}

std::vector<MetricComparison> compare_metrics(const Results& baseline, const Results& arm, Pairing pairing) {
  if (pairing == Pairing::paired && baseline.runs.size() != arm.runs.size())
    throw InternalError("a paired comparison needs the same replications in both results");
  std::vector<MetricComparison> out;
  const std::vector<Metric> base_summary = summarize(baseline), arm_summary = summarize(arm);
  const auto& metrics = headline_metrics();
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    const std::vector<double> a = metric_values(baseline, metrics[i]), b = metric_values(arm, metrics[i]);
    out.push_back({metrics[i].key, metrics[i].label, metrics[i].unit, base_summary[i].value, arm_summary[i].value,
                   pairing == Pairing::paired ? paired_difference(a, b) : welch_difference(a, b)});
  }
  return out;
}

}  // namespace journeysim

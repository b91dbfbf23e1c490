// The points of a sweep plan: grids (product or zip), and samples drawn at
// random, by Latin hypercube or from the Sobol sequence.
#include <Random123/philox.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <boost/random/sobol.hpp>

#include "ensemble/sweep_plan_rules.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/sweep_plan.hpp"

namespace journeysim {
namespace {

// What a Philox draw is for; it is one word of the counter, so different uses
// never share random numbers. Changing these changes every sampled sweep.
enum class Purpose : std::uint32_t {
  random_value = 0x53570001,  // "SW" 1
  latin_shuffle = 0x53570002,
  latin_jitter = 0x53570003,
};

// Counter-based draws keyed by the sampling seed: each is a pure function of
// (seed, purpose, index, axis), with no library distribution in between, so
// the same seed gives the same points with any compiler and standard library.
class SamplingDraws {
 public:
  explicit SamplingDraws(std::uint64_t seed)
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}} {}

  std::uint64_t bits(Purpose purpose, std::size_t index, std::size_t axis, std::uint32_t attempt = 0) const {
    const r123::Philox4x32::ctr_type counter = {
        {static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(axis), static_cast<std::uint32_t>(purpose),
         attempt}};
    const r123::Philox4x32::ctr_type block = r123::Philox4x32()(counter, key_);
    return (static_cast<std::uint64_t>(block[0]) << 32) | block[1];
  }

  // Uniform on the open interval (0, 1), from 52 random bits (53 could round up to 1).
  double uniform(Purpose purpose, std::size_t index, std::size_t axis) const {
    return (static_cast<double>(bits(purpose, index, axis) >> 12) + 0.5) * 0x1p-52;
  }

  // Uniform on {0, ..., bound - 1}: draws below 2^64 mod bound are redrawn, so
  // every value is equally likely (plain modulo would favour small ones).
  std::uint64_t below(std::uint64_t bound, Purpose purpose, std::size_t index, std::size_t axis) const {
    const std::uint64_t threshold = (0 - bound) % bound;
    for (std::uint32_t attempt = 0;; ++attempt)
      if (const std::uint64_t draw = bits(purpose, index, axis, attempt); draw >= threshold) return draw % bound;
  }

 private:
  r123::Philox4x32::key_type key_;
};

// low + t·(high − low) for t in [0, 1], never outside [low, high] even after
// rounding. Written out rather than std::lerp, whose rounding may differ
// between standard libraries.
double between(double low, double high, double t) {
  const double span = high - low;
  const double value = std::isfinite(span) ? low + t * span : low * (1 - t) + high * t;
  return std::clamp(value, low, high);
}

std::vector<double> grid_values(const SweepAxis& axis) {
  if (axis.kind == SweepAxis::Kind::values) return axis.values;
  const std::uint32_t n = axis.count;
  std::vector<double> values(n);
  values.front() = axis.low;
  if (n == 1) return values;
  const double steps = n - 1;
  // Geometric spacing, evenly spaced in log10 rather than ln: the same
  // sequence, but decades come out exact (1e-3, 0.01, 0.1, not 0.010000000000000002).
  const bool log = axis.kind == SweepAxis::Kind::log;
  const double log_low = log ? std::log10(axis.low) : 0, log_high = log ? std::log10(axis.high) : 0;
  const double span = axis.high - axis.low;
  for (std::uint32_t i = 1; i + 1 < n; ++i) {
    if (log)
      values[i] = std::pow(10.0, log_low + i * (log_high - log_low) / steps);
    else if (std::isfinite(span))
      values[i] = axis.low + i * span / steps;
    else  // a range so wide that high − low overflows
      values[i] = axis.low / steps * (steps - i) + axis.high / steps * i;
  }
  values.back() = axis.high;  // exactly, whatever the rounding on the way
  return values;
}

void fill_grid(const SweepPlan& plan, SweepPoints& points) {
  const std::size_t width = plan.axes.size();
  std::vector<std::vector<double>> axis_values;
  for (const auto& axis : plan.axes) axis_values.push_back(grid_values(axis));
  for (std::size_t point = 0; point < points.count; ++point) {
    double* row = &points.values[point * width];
    if (plan.combine == SweepPlan::Combine::zip) {
      for (std::size_t a = 0; a < width; ++a) row[a] = axis_values[a][point];
      continue;
    }
    // Row-major: the last axis varies fastest, as in nested loops in plan order.
    std::size_t rest = point;
    for (std::size_t a = width; a-- > 0;) {
      row[a] = axis_values[a][rest % axis_values[a].size()];
      rest /= axis_values[a].size();
    }
  }
}

void fill_random(const SweepPlan& plan, const SamplingDraws& draws, SweepPoints& points) {
  const std::size_t width = plan.axes.size();
  for (std::size_t point = 0; point < points.count; ++point)
    for (std::size_t a = 0; a < width; ++a) {
      const SweepAxis& axis = plan.axes[a];
      points.values[point * width + a] = between(axis.low, axis.high, draws.uniform(Purpose::random_value, point, a));
    }
}

// Each axis is cut into `count` equal strata and every stratum holds exactly
// one point; which point gets which stratum is shuffled independently per
// axis, and the point lies at a uniform place within its stratum.
void fill_latin(const SweepPlan& plan, const SamplingDraws& draws, SweepPoints& points) {
  const std::size_t width = plan.axes.size(), count = points.count;
  std::vector<std::uint32_t> stratum_of_point(count);
  for (std::size_t a = 0; a < width; ++a) {
    std::iota(stratum_of_point.begin(), stratum_of_point.end(), 0u);
    for (std::size_t i = count; i-- > 1;)  // Fisher–Yates
      std::swap(stratum_of_point[i], stratum_of_point[draws.below(i + 1, Purpose::latin_shuffle, i, a)]);
    const SweepAxis& axis = plan.axes[a];
    for (std::size_t point = 0; point < count; ++point) {
      const double t = (stratum_of_point[point] + draws.uniform(Purpose::latin_jitter, point, a)) / count;
      points.values[point * width + a] = between(axis.low, axis.high, t);
    }
  }
}

// Boost's Sobol generator (Joe–Kuo direction numbers) leaves out the
// all-zero first point; each call gives the next coordinate of the current point.
void fill_sobol(const SweepPlan& plan, SweepPoints& points) {
  const std::size_t width = plan.axes.size();
  boost::random::sobol sequence(width);
  for (std::size_t point = 0; point < points.count; ++point)
    for (std::size_t a = 0; a < width; ++a) {
      const double t = static_cast<double>(sequence() >> 11) * 0x1p-53;  // 64 bits to [0, 1), exactly
      points.values[point * width + a] = between(plan.axes[a].low, plan.axes[a].high, t);
    }
}

}  // namespace

double SweepPoints::at(std::size_t point, std::size_t axis) const {
  if (point >= count || axis >= paths.size())
    throw std::out_of_range("SweepPoints::at(" + std::to_string(point) + ", " + std::to_string(axis) + ") of " +
                            std::to_string(count) + " points × " + std::to_string(paths.size()) + " parameters");
  return values[point * paths.size() + axis];
}

SweepPoints make_points(const SweepPlan& plan, std::uint64_t sampling_seed) {
  const auto problems = sweep_detail::find_plan_problems(plan, sweep_detail::Wording::plan_file());
  if (!problems.empty()) {
    std::string message;
    for (const auto& problem : problems) message += (message.empty() ? "" : "\n") + problem.message;
    throw InputError(message);
  }
  SweepPoints points;
  for (const auto& axis : plan.axes) points.paths.push_back(axis.path);
  points.count = sweep_detail::point_count(plan);
  points.values.resize(points.count * plan.axes.size());
  const SamplingDraws draws(sampling_seed);
  switch (plan.method) {
    case SweepPlan::Method::grid: fill_grid(plan, points); break;
    case SweepPlan::Method::random: fill_random(plan, draws, points); break;
    case SweepPlan::Method::latin: fill_latin(plan, draws, points); break;
    case SweepPlan::Method::sobol: fill_sobol(plan, points); break;
  }
  return points;
}

}  // namespace journeysim

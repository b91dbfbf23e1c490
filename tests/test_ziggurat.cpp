// The ziggurat normal and exponential and the truncated exponential of
// DrawStream (src/engine/random.hpp): their tables, moments and tails, their
// rare slow paths, and that every draw stays a pure function of its counter.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "engine/random.hpp"
#include "engine/ziggurat_tables.hpp"
#include "support.hpp"

namespace journeysim {
namespace {

using engine::DrawStream;
using engine::Slot;
namespace zig = engine::ziggurat;

// Draws n values, two per Philox block (slots dwell and experience of
// distinct streams), from a fixed key.
template <typename Draw>
std::vector<double> sample(int n, std::uint64_t seed, Draw draw) {
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(n));
  for (int i = 0; static_cast<int>(values.size()) < n; ++i) {
    DrawStream stream(seed, static_cast<std::uint32_t>(i), 2, 17);
    values.push_back(draw(stream, Slot::dwell));
    values.push_back(draw(stream, Slot::experience));
  }
  values.resize(static_cast<std::size_t>(n));
  return values;
}

double share_above(const std::vector<double>& values, double threshold) {
  std::size_t count = 0;
  for (double value : values) count += value > threshold;
  return static_cast<double>(count) / static_cast<double>(values.size());
}

// A share of n draws against its probability p, within 4 binomial SE.
void expect_share(const std::vector<double>& values, double threshold, double p) {
  const double n = static_cast<double>(values.size());
  EXPECT_WITHIN_SE(share_above(values, threshold), p, std::sqrt(p * (1.0 - p) / n), 4.0)
      << "P(X > " << threshold << ")";
}

double standard_normal_upper(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

// Layer i >= 1 is [0, x[i]] x [f(x[i]), f(x[i+1])], the base strip [0, x[0]] x [0, f(r)]: all of area v.
void expect_layers_of_equal_area(const char* name, double r, double v, const double* x, const double* f,
                                 double curve_at_r) {
  SCOPED_TRACE(name);
  EXPECT_DOUBLE_EQ(x[1], r);
  EXPECT_EQ(x[256], 0.0);
  EXPECT_NEAR(x[0] * f[1], v, 1e-15) << "base strip";
  EXPECT_NEAR(f[1], curve_at_r, 1e-17);
  EXPECT_EQ(f[256], 1.0);
  for (int i = 1; i < 256; ++i) {
    EXPECT_LT(x[i + 1], x[i]) << "layer " << i;
    EXPECT_NEAR(x[i] * (f[i + 1] - f[i]), v, 1e-13 * v) << "layer " << i;
  }
}

TEST(Ziggurat, TablesHaveLayersOfEqualAreaAndConsistentFastPaths) {
  using namespace zig;
  expect_layers_of_equal_area("normal", normal::r, normal::v, normal::x, normal::f,
                              std::exp(-0.5 * normal::r * normal::r));
  expect_layers_of_equal_area("exponential", exponential::r, exponential::v, exponential::x, exponential::f,
                              std::exp(-exponential::r));
  for (int i = 1; i < 256; ++i) {
    EXPECT_NEAR(zig::normal::f[i], std::exp(-0.5 * zig::normal::x[i] * zig::normal::x[i]), 1e-15);
    EXPECT_NEAR(zig::exponential::f[i], std::exp(-zig::exponential::x[i]), 1e-15);
  }
  // keep[i]: the first position whose point is not left of x[i+1]; the negative half mirrors the positive.
  for (int i = 0; i < 256; ++i) {
    const auto& n = zig::normal::layer[i];
    EXPECT_DOUBLE_EQ(n.scale, zig::normal::x[i] * 0x1p-23);
    EXPECT_EQ(zig::normal::layer[i + 256].scale, -n.scale);
    EXPECT_EQ(zig::normal::layer[i + 256].keep, n.keep);
    if (n.keep > 0) EXPECT_LT((n.keep - 0.5) * n.scale, zig::normal::x[i + 1]);
    EXPECT_GE((n.keep + 0.5) * n.scale, zig::normal::x[i + 1]);
    const auto& e = zig::exponential::layer[i];
    EXPECT_DOUBLE_EQ(e.scale, zig::exponential::x[i] * 0x1p-24);
    if (e.keep > 0) EXPECT_LT((e.keep - 0.5) * e.scale, zig::exponential::x[i + 1]);
    EXPECT_GE((e.keep + 0.5) * e.scale, zig::exponential::x[i + 1]);
  }
}

TEST(Ziggurat, NormalHasTheMomentsAndTailsOfTheStandardNormal) {
  const int n = 4'000'000;
  const std::vector<double> z = sample(n, 11, [](DrawStream& s, Slot slot) { return s.normal(slot); });
  double sum = 0, sq = 0, cube = 0, fourth = 0;
  for (double value : z) {
    sum += value;
    sq += value * value;
    cube += value * value * value;
    fourth += value * value * value * value;
  }
  const double mean = sum / n;
  EXPECT_WITHIN_SE(mean, 0.0, std::sqrt(1.0 / n), 4.0);
  EXPECT_WITHIN_SE(sq / n - mean * mean, 1.0, std::sqrt(2.0 / n), 4.0);  // Var(s²) = 2/n
  EXPECT_WITHIN_SE(cube / n, 0.0, std::sqrt(15.0 / n), 4.0);             // E Z⁶ = 15
  EXPECT_WITHIN_SE(fourth / n, 3.0, std::sqrt(96.0 / n), 4.0);           // E Z⁸ − 9 = 96
  // Tails, both sides, including beyond r (3.654: the tail algorithm) and 4.
  for (double t : {3.0, zig::normal::r, 4.0, 4.5}) {
    expect_share(z, t, standard_normal_upper(t));
    std::vector<double> negated(z.size());
    for (std::size_t i = 0; i < z.size(); ++i) negated[i] = -z[i];
    expect_share(negated, t, standard_normal_upper(t));
  }
  // The body, on a grid that crosses many layers' wedges.
  for (double t = -3.0; t <= 3.0; t += 0.25) expect_share(z, t, standard_normal_upper(t));
}

TEST(Ziggurat, NormalSlowPathAloneHasTheRightShape) {
  // Only the draws whose first word missed the fast path: the wedges and the
  // tail, 1.5% of draws. Their share of mass beyond r is what the tail
  // algorithm must give: P(|Z| > r) over P(slow path).
  const int streams = 3'000'000;
  std::vector<double> slow;
  double slow_count = 0;
  for (int i = 0; i < streams; ++i) {
    DrawStream stream(23, static_cast<std::uint32_t>(i), 0, 4);
    const std::uint32_t word = stream.bits(Slot::experience);
    if ((word >> 9) < zig::normal::layer[word & 511].keep) continue;
    ++slow_count;
    slow.push_back(stream.normal(Slot::experience));
  }
  double fast_share = 0;
  for (int i = 0; i < 256; ++i) fast_share += zig::normal::layer[i].keep * 0x1p-23 / 256.0;
  const double p_slow = 1.0 - fast_share;
  EXPECT_WITHIN_SE(slow_count / streams, p_slow, std::sqrt(p_slow * (1 - p_slow) / streams), 4.0);
  // Given the slow path: P(|Z| > r | slow) = 2·Φ̄(r) / p_slow.
  std::vector<double> magnitude(slow.size());
  for (std::size_t i = 0; i < slow.size(); ++i) magnitude[i] = std::abs(slow[i]);
  expect_share(magnitude, zig::normal::r, 2.0 * standard_normal_upper(zig::normal::r) / p_slow);
  // ... and beyond 4, entirely the tail algorithm's.
  expect_share(magnitude, 4.0, 2.0 * standard_normal_upper(4.0) / p_slow);
}

TEST(Ziggurat, ExponentialHasTheMomentsAndQuantilesOfTheExponential) {
  const int n = 4'000'000;
  const std::vector<double> e = sample(n, 12, [](DrawStream& s, Slot slot) { return s.exponential(2.5, slot); });
  double sum = 0, sq = 0;
  for (double value : e) {
    ASSERT_GT(value, 0.0);
    sum += value / 2.5;
    sq += (value / 2.5) * (value / 2.5);
  }
  const double mean = sum / n;
  EXPECT_WITHIN_SE(mean, 1.0, std::sqrt(1.0 / n), 4.0);
  EXPECT_WITHIN_SE(sq / n - mean * mean, 1.0, std::sqrt(8.0 / n), 4.0);  // Var(s²) = (μ₄ − 1)/n = 8/n
  // Quantiles from the body through r (7.697, the tail's restart) and beyond.
  for (double q : {0.01, 0.1, 0.5, 1.0, 2.0, 3.0, 5.0, zig::exponential::r, 10.0, 12.0})
    expect_share(e, 2.5 * q, std::exp(-q));
}

double truncated_mean(double lambda) { return 1.0 / lambda - 1.0 / std::expm1(lambda); }
double truncated_second_moment(double lambda) {
  const double l2 = lambda * lambda;
  return (2.0 / l2 - std::exp(-lambda) * (1.0 + 2.0 / lambda + 2.0 / l2)) / -std::expm1(-lambda);
}

TEST(Ziggurat, TruncatedExponentialMatchesItsMomentsAndQuantilesByRejectionAndByInversion) {
  // lambda = rate · length: 0.0625 and below by rejection (0.0625 rejects most
  // often, 3%, so the slow path is well exercised), above by inversion.
  for (double lambda : {0.001, 0.03, 0.0625, 0.07, 0.5, 4.0}) {
    SCOPED_TRACE(lambda);
    const double length = 2.0, rate = lambda / length, mass = -std::expm1(-lambda);
    const int n = 1'000'000;
    double sum = 0, sq = 0;
    std::vector<double> t;
    t.reserve(n);
    for (int i = 0; i < n; ++i) {
      DrawStream stream(31, static_cast<std::uint32_t>(i), 1, 0);
      const double value = stream.truncated_exponential(rate, length, mass, Slot::aware_time, Slot::aware_accept);
      ASSERT_GE(value, 0.0);
      ASSERT_LE(value, length);
      t.push_back(value / length);
      sum += value / length;
      sq += (value / length) * (value / length);
    }
    const double mean = truncated_mean(lambda);
    const double second = truncated_second_moment(lambda);
    const double variance = second - mean * mean;
    EXPECT_WITHIN_SE(sum / n, mean, std::sqrt(variance / n), 4.0);
    // SE of the second moment from the fourth: E t⁴ ≤ E t² (t in [0, 1]), so sqrt(E t²/n) bounds it.
    EXPECT_WITHIN_SE(sq / n, second, std::sqrt(second / n), 4.0);
    for (double q : {0.05, 0.25, 0.5, 0.75, 0.95})
      expect_share(t, q, 1.0 - (-std::expm1(-lambda * q)) / mass);
  }
}

TEST(Ziggurat, DrawsStayPureFunctionsOfTheirCounterOnTheSlowPathToo) {
  // Find streams whose experience normal and dwell exponential take the slow path.
  int found_normal = 0, found_exponential = 0;
  for (std::uint32_t i = 0; i < 20000 && (found_normal < 3 || found_exponential < 3); ++i) {
    DrawStream probe(5, i, 0, 3);
    const std::uint32_t nw = probe.bits(Slot::experience), ew = probe.bits(Slot::dwell);
    const bool slow_normal = (nw >> 9) >= zig::normal::layer[nw & 511].keep;
    const bool slow_exponential = (ew >> 8) >= zig::exponential::layer[ew & 255].keep;
    if (!slow_normal && !slow_exponential) continue;
    found_normal += slow_normal;
    found_exponential += slow_exponential;
    DrawStream a(5, i, 0, 3), b(5, i, 0, 3);
    b.bits(Slot::advocate_days);  // another block first
    const double dwell_b = b.exponential(1.0, Slot::dwell);
    const double z_b = b.normal(Slot::experience);
    const double z_a = a.normal(Slot::experience);
    const double dwell_a = a.exponential(1.0, Slot::dwell);
    EXPECT_EQ(z_a, z_b) << "stream " << i;
    EXPECT_EQ(dwell_a, dwell_b) << "stream " << i;
    // The slow path reads blocks of its own: the slots' words are unchanged after it.
    EXPECT_EQ(a.bits(Slot::choice), DrawStream(5, i, 0, 3).bits(Slot::choice));
    EXPECT_EQ(b.bits(Slot::review), DrawStream(5, i, 0, 3).bits(Slot::review));
    // Another event, stream or slot gives another draw.
    EXPECT_NE(z_a, DrawStream(5, i, 0, 4).normal(Slot::experience));
    EXPECT_NE(z_a, DrawStream(5, i + 1, 0, 3).normal(Slot::experience));
    EXPECT_NE(z_a, DrawStream(5, i, 0, 3).normal(Slot::dwell));
  }
  EXPECT_GE(found_normal, 3);
  EXPECT_GE(found_exponential, 3);
}

}  // namespace
}  // namespace journeysim

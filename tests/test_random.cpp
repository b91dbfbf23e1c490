// The sampling primitives under the engine: alias tables and Philox draws.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/alias.hpp"
#include "engine/random.hpp"
#include "support.hpp"

namespace journeysim {
namespace {

using engine::AliasSlot;
using engine::AliasWorkspace;
using engine::DrawStream;
using engine::Slot;

void expect_alias_frequencies(const std::vector<double>& probabilities) {
  SCOPED_TRACE(::testing::PrintToString(probabilities));
  std::vector<AliasSlot> slots(probabilities.size());
  AliasWorkspace workspace;
  engine::build_alias(probabilities, 0, slots, workspace);
  const int draws = 400000;
  std::vector<double> counts(probabilities.size(), 0.0);
  for (int i = 0; i < draws; ++i) {
    DrawStream stream(5, static_cast<std::uint32_t>(i), 0, 1);
    ++counts[engine::pick(slots.data(), static_cast<std::uint32_t>(slots.size()), stream.bits(Slot::choice))];
  }
  for (size_t k = 0; k < probabilities.size(); ++k) {
    const double p = probabilities[k];
    if (p == 0.0) {
      EXPECT_EQ(counts[k], 0.0) << "outcome " << k;
      continue;
    }
    EXPECT_WITHIN_SE(counts[k] / draws, p, std::sqrt(p * (1 - p) / draws), 4.0) << "outcome " << k;
  }
}

TEST(RandomAlias, FrequenciesMatchProbabilitiesForOddEvenAndPowerOfTwoRows) {
  expect_alias_frequencies({1.0});
  expect_alias_frequencies({0.25, 0.75});
  expect_alias_frequencies({0.1, 0.2, 0.3, 0.4});
  expect_alias_frequencies({0.5, 0.0, 0.2, 0.05, 0.05, 0.15, 0.05});
  expect_alias_frequencies({0.001, 0.999, 0.0});
  std::vector<double> wide(37, 1.0 / 40.0);
  wide.push_back(3.0 / 40.0);
  expect_alias_frequencies(wide);
}

TEST(RandomAlias, RefusesNonFiniteOrNegativeProbabilities) {
  std::vector<AliasSlot> slots(2);
  AliasWorkspace workspace;
  EXPECT_THROW(engine::build_alias(std::vector<double>{NAN, 0.5}, 0, slots, workspace), std::invalid_argument);
  EXPECT_THROW(engine::build_alias(std::vector<double>{-0.1, 1.1}, 0, slots, workspace), std::invalid_argument);
}

TEST(RandomDraws, UniformExponentialAndNormalHaveTheirMoments) {
  const int n = 200000;
  double u_sum = 0, e_sum = 0, e_sq = 0, z_sum = 0, z_sq = 0;
  for (int i = 0; i < n; ++i) {
    DrawStream stream(42, static_cast<std::uint32_t>(i), 3, 9);
    const double u = stream.uniform(Slot::review);
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    u_sum += u;
    const double e = stream.exponential(2.0, Slot::dwell);
    e_sum += e;
    e_sq += e * e;
    const double z = stream.normal(Slot::experience);
    z_sum += z;
    z_sq += z * z;
  }
  EXPECT_WITHIN_SE(u_sum / n, 0.5, std::sqrt(1.0 / 12 / n), 4.0);
  EXPECT_WITHIN_SE(e_sum / n, 2.0, std::sqrt(4.0 / n), 4.0);
  EXPECT_WITHIN_SE(e_sq / n - (e_sum / n) * (e_sum / n), 4.0, std::sqrt(8.0 * 16.0 / n), 4.0);
  EXPECT_WITHIN_SE(z_sum / n, 0.0, std::sqrt(1.0 / n), 4.0);
  EXPECT_WITHIN_SE(z_sq / n, 1.0, std::sqrt(2.0 / n), 4.0);
}

TEST(RandomDraws, AreAPureFunctionOfKeyCounterAndSlot) {
  DrawStream a(7, 123, 0, 5), b(7, 123, 0, 5);
  b.bits(Slot::advocate_days);  // touching another block first changes nothing
  EXPECT_EQ(a.bits(Slot::choice), b.bits(Slot::choice));
  EXPECT_EQ(a.bits(Slot::review), b.bits(Slot::review));
  EXPECT_NE(DrawStream(7, 123, 0, 5).bits(Slot::choice), DrawStream(7, 123, 0, 6).bits(Slot::choice));
  EXPECT_NE(DrawStream(7, 123, 0, 5).bits(Slot::choice), DrawStream(7, 124, 0, 5).bits(Slot::choice));
  EXPECT_NE(DrawStream(7, 123, 0, 5).bits(Slot::choice), DrawStream(7, 123, 1, 5).bits(Slot::choice));
  EXPECT_NE(DrawStream(7, 123, 0, 5).bits(Slot::choice),
            DrawStream(7, 123, 0, 5, engine::StreamDomain::pool).bits(Slot::choice));
}

}  // namespace
}  // namespace journeysim

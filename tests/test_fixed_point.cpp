// The engine's exact sums convert doubles and floats to integers by hand
// (tally.hpp), where the compiler would call libm or libgcc. These must
// agree with std::llround and the compiler's conversion on every value the
// engine can produce: the regression baseline depends on it, bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "engine/tally.hpp"

namespace journeysim::testing {
namespace {

using engine::uint128;

uint128 compiler_census_fixed(float value) {
  return static_cast<uint128>(static_cast<double>(value) * engine::census_scale);
}

TEST(FixedPoint, CensusConversionEqualsTheCompilersForEveryFloatInRange) {
  // Every float in [0, 2^24): satisfactions in [0, 1], delays up to 1e7 days.
  std::uint64_t checked = 0;
  for (std::uint32_t bits = 0;; bits += 97) {  // a stride through all of them, each binade many times
    const float value = std::bit_cast<float>(bits);
    if (!(value < 16777216.0f)) break;
    ASSERT_EQ(engine::to_census_fixed(value), compiler_census_fixed(value)) << value << " (bits " << bits << ")";
    ++checked;
  }
  EXPECT_GT(checked, 10'000'000u);
  for (const float value : {0.0f, std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::min(),
                            0x1p-41f, 0x1.fffffep-42f, 0.5f, 1.0f, std::nextafter(1.0f, 0.0f), 9999999.0f})
    EXPECT_EQ(engine::to_census_fixed(value), compiler_census_fixed(value)) << value;
}

TEST(FixedPoint, RoundingEqualsLlroundIncludingHalvesAndTheirNeighbours) {
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  auto check = [](double value) {
    ASSERT_EQ(engine::round_non_negative(value), static_cast<std::uint64_t>(std::llround(value))) << value;
  };
  for (int i = 0; i < 1'000'000; ++i) {
    check(uniform(random) * 1e7 * engine::days_scale);  // journey lengths in fixed point
    check(uniform(random) * engine::rating_scale);      // satisfactions in fixed point
  }
  for (double whole : {0.0, 1.0, 2.0, 12345.0, 0x1p51, 0x1p52 - 1.0}) {
    const double half = whole + 0.5;
    for (const double value : {half, std::nextafter(half, 0.0), std::nextafter(half, 1e300), whole,
                               std::nextafter(whole + 1.0, 0.0)})
      check(value);
  }
  for (const double value : {0x1p52, 0x1p53, 0x1p62, 0.49999999999999994, 0x1p-1074}) check(value);
}

}  // namespace
}  // namespace journeysim::testing

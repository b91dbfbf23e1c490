// The batched Philox (philox_batch.hpp) must give Random123's blocks bit for
// bit: the awareness times of every run, and so the regression baseline,
// are drawn from it.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "engine/philox_batch.hpp"
#include "engine/random.hpp"

namespace journeysim::testing {
namespace {

using engine::PhiloxBatch;

void expect_random123_blocks(const r123::Philox4x32::key_type& key, std::uint32_t word0, std::uint32_t word1,
                             std::uint32_t first_stream, std::uint32_t word3) {
  PhiloxBatch batched;
  engine::philox_streams(key, word0, word1, first_stream, word3, batched);
  for (std::uint32_t lane = 0; lane < PhiloxBatch::lanes; ++lane) {
    const std::uint32_t stream = first_stream + lane;  // wraps like the counter word does
    const r123::Philox4x32::ctr_type expected = r123::Philox4x32()({{word0, word1, stream, word3}}, key);
    for (std::uint32_t w = 0; w < 4; ++w) {
      ASSERT_EQ(batched.words[w][lane], expected[w]) << "lane " << lane << " word " << w << " stream " << stream;
    }
    EXPECT_EQ(batched.block(lane), expected);
  }
}

TEST(PhiloxBatch, EveryLaneIsRandom123sBlock) {
  std::mt19937 random(11);
  auto word = [&] { return static_cast<std::uint32_t>(random()); };
  for (int trial = 0; trial < 20'000; ++trial) {
    const r123::Philox4x32::key_type key{{word(), word()}};
    // The engine's awareness counters ({0, 0, position, replication}) and arbitrary ones.
    if (trial % 2 == 0) expect_random123_blocks(key, 0, 0, word(), word() % 64);
    else expect_random123_blocks(key, word(), word(), word(), word());
  }
}

TEST(PhiloxBatch, LanesWithTheirOwnKeysAndCountersAreRandom123sBlocks) {
  std::mt19937 random(12);
  auto word = [&] { return static_cast<std::uint32_t>(random()); };
  for (int trial = 0; trial < 20'000; ++trial) {
    engine::PhiloxLanes lanes;
    for (std::uint32_t lane = 0; lane < PhiloxBatch::lanes; ++lane) {
      lanes.key0[lane] = word();
      lanes.key1[lane] = word();
      lanes.word0[lane] = trial % 2 == 0 ? word() % 100 : word();  // an event counter, or anything
      lanes.word2[lane] = word();
    }
    const std::uint32_t word1 = trial % 2 == 0 ? 0 : word();
    const std::uint32_t word3 = word();
    PhiloxBatch batched, scalar;
    engine::philox_lanes(lanes, word1, word3, batched);
    engine::philox_lanes_scalar(lanes, word1, word3, scalar);
    for (std::uint32_t lane = 0; lane < PhiloxBatch::lanes; ++lane) {
      const r123::Philox4x32::ctr_type expected = r123::Philox4x32()(
          {{lanes.word0[lane], word1, lanes.word2[lane], word3}}, {{lanes.key0[lane], lanes.key1[lane]}});
      ASSERT_EQ(batched.block(lane), expected) << "trial " << trial << " lane " << lane;
      ASSERT_EQ(scalar.block(lane), expected) << "trial " << trial << " lane " << lane;
    }
  }
}

TEST(PhiloxBatch, StreamsWrapAtTheTopOfTheCounterWord) {
  const r123::Philox4x32::key_type key{{0x01234567u, 0x89abcdefu}};
  for (std::uint32_t first : {0xfffffff8u, 0xfffffffbu, 0xffffffffu, 0u})
    expect_random123_blocks(key, 0, 0, first, 0);
  expect_random123_blocks({{0, 0}}, 0, 0, 0, 0);
  expect_random123_blocks({{0xffffffffu, 0xffffffffu}}, 0xffffffffu, 0xffffffffu, 0xfffffffcu, 0xffffffffu);
}

TEST(PhiloxBatch, AStreamWithItsBlockGivenDrawsAsOneThatMakesIt) {
  const auto key = engine::DrawStream::group_key(42, engine::DrawStream::activation_group(3, 1, 2));
  PhiloxBatch batch;
  engine::philox_streams(key, 0, 0, 1000, 5, batch);
  for (std::uint32_t lane = 0; lane < PhiloxBatch::lanes; ++lane) {
    engine::DrawStream given(key, 1000 + lane, 5, 0, batch.block(lane));
    engine::DrawStream made(key, 1000 + lane, 5, 0);
    for (std::uint32_t slot = 0; slot < 8; ++slot)  // block 0, then block 1 (made by both)
      EXPECT_EQ(given.bits(static_cast<engine::Slot>(slot)), made.bits(static_cast<engine::Slot>(slot)));
    // Rejections read their own blocks from the key and counter: the same in both.
    engine::DrawStream given_again(key, 1000 + lane, 5, 0, batch.block(lane));
    engine::DrawStream made_again(key, 1000 + lane, 5, 0);
    for (const double rate : {0.01, 0.06, 0.5, 3.0})
      EXPECT_EQ(given_again.truncated_exponential(rate, 1.0, -std::expm1(-rate), engine::Slot::aware_time,
                                                  engine::Slot::aware_accept),
                made_again.truncated_exponential(rate, 1.0, -std::expm1(-rate), engine::Slot::aware_time,
                                                 engine::Slot::aware_accept));
  }
}

TEST(PhiloxBatch, ReportsWhetherItIsVectorised) {
#if defined(__x86_64__)
  EXPECT_EQ(engine::philox_batch_vectorised(), __builtin_cpu_supports("avx2") != 0);
#else
  EXPECT_FALSE(engine::philox_batch_vectorised());
#endif
}

}  // namespace
}  // namespace journeysim::testing

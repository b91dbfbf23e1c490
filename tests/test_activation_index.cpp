// engine::ActivationIndex: the activation of every id, as a search would find it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "engine/activation_index.hpp"

namespace journeysim {
namespace {

TEST(ActivationIndex, FindsTheActivationOfEveryIdForRunsOfAnySize) {
  std::mt19937 generator(3);
  // Runs of 1 id up to several blocks, and many runs inside one block.
  std::uniform_int_distribution<std::uint32_t> small(1, 40), large(1, 5000);
  engine::ActivationIndex index;
  std::vector<std::uint32_t> starts;
  std::uint32_t next = 0;
  for (int a = 0; a < 3000; ++a) {
    const std::uint32_t count = a % 7 == 0 ? large(generator) : small(generator);
    starts.push_back(next);
    index.add(next, count);
    next += count;
  }
  for (std::uint32_t id = 0; id < next; ++id) {
    const auto expected =
        static_cast<std::uint32_t>(std::upper_bound(starts.begin(), starts.end(), id) - starts.begin() - 1);
    ASSERT_EQ(index.find(id), expected) << "id " << id;
  }
}

TEST(ActivationIndex, OneActivationAndBlockBoundaries) {
  engine::ActivationIndex index;
  const std::uint32_t block = 1u << engine::ActivationIndex::block_bits;
  index.add(0, 1);
  index.add(1, block - 1);  // ends exactly at a block boundary
  index.add(block, block);  // starts at one
  index.add(2 * block, 3);
  EXPECT_EQ(index.find(0), 0u);
  EXPECT_EQ(index.find(1), 1u);
  EXPECT_EQ(index.find(block - 1), 1u);
  EXPECT_EQ(index.find(block), 2u);
  EXPECT_EQ(index.find(2 * block - 1), 2u);
  EXPECT_EQ(index.find(2 * block + 2), 3u);
}

}  // namespace
}  // namespace journeysim

#pragma once
// Walker/Vose alias tables: O(1) choice among a row's outcomes from two
// 32-bit random numbers, with no branches on the probabilities themselves.
#include <cstdint>
#include <span>
#include <vector>

namespace journeysim::engine {

struct AliasSlot {
  std::uint32_t threshold;  // keep this slot's own outcome when coin < threshold
  std::uint32_t own;        // outcome index (into the table's outcome array)
  std::uint32_t alias;      // outcome taken otherwise
};

// Scratch space, reused so that rebuilding rows every step allocates nothing.
struct AliasWorkspace {
  std::vector<double> scaled;
  std::vector<std::uint32_t> small;
  std::vector<std::uint32_t> large;
};

// Fills slots[0..n) for outcomes first_outcome + 0..n-1 with the given
// probabilities (which must sum to 1, up to rounding).
void build_alias(std::span<const double> probabilities, std::uint32_t first_outcome, std::span<AliasSlot> slots,
                 AliasWorkspace& workspace);

// One 32-bit word serves both draws: bits·size = column·2^32 + coin, where the
// column is uniform on [0, size) and the coin uniform on [0, 2^32) in steps of
// `size` (ample resolution for rows of up to thousands of outcomes).
inline std::uint32_t pick(const AliasSlot* slots, std::uint32_t size, std::uint32_t bits) {
  const std::uint64_t scaled = static_cast<std::uint64_t>(bits) * size;
  const AliasSlot& slot = slots[scaled >> 32];
  return static_cast<std::uint32_t>(scaled) < slot.threshold ? slot.own : slot.alias;
}

}  // namespace journeysim::engine

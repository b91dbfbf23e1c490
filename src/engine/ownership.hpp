#pragma once
// Which customers a process runs when one market is split across processes
// (journeysim/partition.hpp). Ids come in blocks of 4,096; block b belongs to
// rank b mod ranks. Where a customer's state is stored is another matter: a
// slot from the replication's free list, reused when its journey ends
// (customers.hpp), so nothing here says where. slot_of / id_of number a
// rank's ids densely (its share of the market is slots_below(market)).
//
// Small blocks spread each step's new customers (consecutive ids) over every
// rank. Nothing sums floating values in block order any more (the census's
// sums are exact integers, tally.hpp), so results do not depend on where a
// customer is stored, only on which rank runs it, and that only through
// integers.
#include <algorithm>
#include <cstdint>

namespace journeysim::engine {

struct Ownership {
  static constexpr std::uint32_t block_bits = 12;
  static constexpr std::uint32_t block_size = 1u << block_bits;
  static constexpr std::uint32_t offset_mask = block_size - 1;

  std::uint32_t rank = 0;
  std::uint32_t ranks = 1;

  bool owns_block(std::uint64_t block) const { return block % ranks == rank; }
  bool owns(std::uint64_t id) const { return owns_block(id >> block_bits); }
  // For ids this rank owns: the dense index of the id among them, and back.
  std::uint32_t slot_of(std::uint32_t id) const {
    return ((id >> block_bits) / ranks) << block_bits | (id & offset_mask);
  }
  std::uint32_t id_of(std::uint32_t slot) const {
    return ((slot >> block_bits) * ranks + rank) << block_bits | (slot & offset_mask);
  }
  // How many of the ids below `end` this rank owns.
  std::uint64_t slots_below(std::uint64_t end) const {
    const std::uint64_t blocks = end >> block_bits;  // whole blocks below end
    const std::uint64_t mine = blocks / ranks + (blocks % ranks > rank ? 1 : 0);
    const std::uint64_t partial = owns_block(blocks) ? end & offset_mask : 0;
    return mine * block_size + partial;
  }
  // The global block of this rank's local block.
  std::uint64_t block_of_local(std::uint64_t local_block) const { return local_block * ranks + rank; }
};

}  // namespace journeysim::engine

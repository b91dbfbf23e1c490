#pragma once
// Philox4x32-10 blocks for many counters at once: the same bits as
// r123::Philox4x32 for each (tests/test_philox_batch.cpp), sixteen at a time
// in AVX2 registers where the CPU has them, one by one otherwise. Random123
// makes one block per call, a chain of ten dependent rounds; here two sets
// of eight lanes interleave their rounds. The engine makes the first block
// of each advance this way (replication.cpp): of a step's new customers,
// whose counters differ only in the stream word, and of its waiting ones.
#include <Random123/philox.h>

#include <array>
#include <cstdint>

namespace journeysim::engine {

struct PhiloxBatch {
  static constexpr std::uint32_t lanes = 16;  // a multiple of 8 (AVX2 registers of 8 words)
  // words[w][lane]: word w of lane `lane`'s block.
  static_assert(lanes % 8 == 0);
  std::array<std::array<std::uint32_t, lanes>, 4> words;

  r123::Philox4x32::ctr_type block(std::uint32_t lane) const {
    return {{words[0][lane], words[1][lane], words[2][lane], words[3][lane]}};
  }
};

// Counters and keys that differ in more than the stream: lane i is
// the block of counter {word0[i], word1, word2[i], word3} under key
// {key0[i], key1[i]}.
struct PhiloxLanes {
  std::array<std::uint32_t, PhiloxBatch::lanes> key0{}, key1{}, word0{}, word2{};
};

// Fills `batch` for the lanes' keys and counters.
void philox_lanes(const PhiloxLanes& lanes, std::uint32_t word1, std::uint32_t word3, PhiloxBatch& batch);
// The same, one block at a time with Random123: what CPUs without AVX2 run.
void philox_lanes_scalar(const PhiloxLanes& lanes, std::uint32_t word1, std::uint32_t word3, PhiloxBatch& batch);

// philox_lanes for one key and counters {word0, word1, first_stream + lane, word3}.
void philox_streams(const r123::Philox4x32::key_type& key, std::uint32_t word0, std::uint32_t word1,
                    std::uint32_t first_stream, std::uint32_t word3, PhiloxBatch& batch);

// Whether philox_streams and philox_lanes run the AVX2 code on this CPU.
bool philox_batch_vectorised();

}  // namespace journeysim::engine

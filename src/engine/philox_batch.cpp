#include "engine/philox_batch.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace journeysim::engine {

void philox_lanes_scalar(const PhiloxLanes& lanes, std::uint32_t word1, std::uint32_t word3, PhiloxBatch& batch) {
  for (std::uint32_t lane = 0; lane < PhiloxBatch::lanes; ++lane) {
    const r123::Philox4x32::ctr_type block = r123::Philox4x32()(
        {{lanes.word0[lane], word1, lanes.word2[lane], word3}}, {{lanes.key0[lane], lanes.key1[lane]}});
    for (std::uint32_t w = 0; w < 4; ++w) batch.words[w][lane] = block[w];
  }
}

#if defined(__x86_64__)
namespace {

// (lo, hi) of M·x for each 32-bit lane, from two 32×32→64 multiplies (the
// even lanes, then the odd ones shifted down).
[[gnu::target("avx2"), gnu::always_inline]] inline void multiply_high_low(__m256i x, __m256i multiplier,
                                                                         __m256i& low, __m256i& high) {
  const __m256i even = _mm256_mul_epu32(x, multiplier);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), multiplier);
  low = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xaa);
  high = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xaa);
}

// Random123's ten rounds (philox.h: round, then bump the key and round
// again), for eight lanes in each of `groups` sets of registers: the sets'
// rounds interleave, so one's multiplies run while another's wait.
constexpr std::uint32_t groups = PhiloxBatch::lanes / 8;
struct Lanes {
  __m256i x0[groups], x1[groups], x2[groups], x3[groups], key0[groups], key1[groups];
};

[[gnu::target("avx2"), gnu::always_inline]] inline void philox_avx2(Lanes& v, PhiloxBatch& batch) {
  const __m256i multiplier0 = _mm256_set1_epi32(static_cast<int>(PHILOX_M4x32_0));
  const __m256i multiplier1 = _mm256_set1_epi32(static_cast<int>(PHILOX_M4x32_1));
  const __m256i bump0 = _mm256_set1_epi32(static_cast<int>(PHILOX_W32_0));
  const __m256i bump1 = _mm256_set1_epi32(static_cast<int>(PHILOX_W32_1));
  for (int round = 0; round < 10; ++round) {
    for (std::uint32_t g = 0; g < groups; ++g) {
      if (round > 0) {
        v.key0[g] = _mm256_add_epi32(v.key0[g], bump0);
        v.key1[g] = _mm256_add_epi32(v.key1[g], bump1);
      }
      __m256i low0, high0, low1, high1;
      multiply_high_low(v.x0[g], multiplier0, low0, high0);
      multiply_high_low(v.x2[g], multiplier1, low1, high1);
      v.x0[g] = _mm256_xor_si256(_mm256_xor_si256(high1, v.x1[g]), v.key0[g]);
      v.x1[g] = low1;
      v.x2[g] = _mm256_xor_si256(_mm256_xor_si256(high0, v.x3[g]), v.key1[g]);
      v.x3[g] = low0;
    }
  }
  for (std::uint32_t g = 0; g < groups; ++g) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(batch.words[0].data() + 8 * g), v.x0[g]);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(batch.words[1].data() + 8 * g), v.x1[g]);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(batch.words[2].data() + 8 * g), v.x2[g]);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(batch.words[3].data() + 8 * g), v.x3[g]);
  }
}

[[gnu::target("avx2"), gnu::always_inline]] inline __m256i broadcast(std::uint32_t word) {
  return _mm256_set1_epi32(static_cast<int>(word));
}

[[gnu::target("avx2"), gnu::always_inline]] inline __m256i load(
    const std::array<std::uint32_t, PhiloxBatch::lanes>& words, std::uint32_t group) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(words.data() + 8 * group));
}

[[gnu::target("avx2")]] void philox_lanes_avx2(const PhiloxLanes& lanes, std::uint32_t word1, std::uint32_t word3,
                                               PhiloxBatch& batch) {
  Lanes v;
  for (std::uint32_t g = 0; g < groups; ++g) {
    v.x0[g] = load(lanes.word0, g);
    v.x1[g] = broadcast(word1);
    v.x2[g] = load(lanes.word2, g);
    v.x3[g] = broadcast(word3);
    v.key0[g] = load(lanes.key0, g);
    v.key1[g] = load(lanes.key1, g);
  }
  philox_avx2(v, batch);
}

// Read during static initialisation: the CPU model must be set up first.
const bool has_avx2 = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") != 0;
}();

}  // namespace
#endif

bool philox_batch_vectorised() {
#if defined(__x86_64__)
  return has_avx2;
#else
  return false;
#endif
}

void philox_streams(const r123::Philox4x32::key_type& key, std::uint32_t word0, std::uint32_t word1,
                    std::uint32_t first_stream, std::uint32_t word3, PhiloxBatch& batch) {
  PhiloxLanes lanes;
  for (std::uint32_t lane = 0; lane < PhiloxBatch::lanes; ++lane) {
    lanes.key0[lane] = key[0];
    lanes.key1[lane] = key[1];
    lanes.word0[lane] = word0;
    lanes.word2[lane] = first_stream + lane;
  }
  philox_lanes(lanes, word1, word3, batch);
}

void philox_lanes(const PhiloxLanes& lanes, std::uint32_t word1, std::uint32_t word3, PhiloxBatch& batch) {
#if defined(__x86_64__)
  if (has_avx2) return philox_lanes_avx2(lanes, word1, word3, batch);
#endif
  philox_lanes_scalar(lanes, word1, word3, batch);
}

}  // namespace journeysim::engine

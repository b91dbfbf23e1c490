#pragma once
// Shared by the writers in src/io: a check of the per-replication vector
// shapes they lay out as arrays.
#include <cstddef>
#include <string>
#include <vector>

#include "journeysim/results.hpp"
#include "journeysim/statistics.hpp"

namespace journeysim::io_detail {

// Throws InternalError unless every per-replication vector has the length its
// name list implies (touchpoints, flows, segments, channels, days) or is
// empty (meaning "not recorded": read as zeros).
void check_shapes(const Results& results);

// "1 thread", "2 threads", "2 processes × 1 thread".
std::string threads_text(const Results& results);

template <class T>
T at_or_zero(const std::vector<T>& values, std::size_t i) {
  return i < values.size() ? values[i] : T{};
}

}  // namespace journeysim::io_detail

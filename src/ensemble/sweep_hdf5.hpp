#pragma once
// Sweep files (format "journeysim-sweep/1"; the layout is in sweep_hdf5.cpp
// and DESIGN.md). Internal to src/ensemble; read_sweep_hdf5 is public
// (journeysim/sweep.hpp).
#include <string>

#include "journeysim/sweep.hpp"

namespace journeysim::sweep_detail {

inline constexpr const char* kSweepFormat = "journeysim-sweep/1";

// Writes `data` to `path` atomically (temporary file, then rename). `data`
// must be complete: every array of the shape its counts say.
void write_sweep_file(const SweepData& data, const std::string& path);

}  // namespace journeysim::sweep_detail

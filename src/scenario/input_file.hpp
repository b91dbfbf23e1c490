#pragma once
// Opening input files without surprises: only regular files (a FIFO would
// block, /dev/zero never ends, a directory is not data), read with a bound.
// Used by the scenario, strategies and sweep plan readers, and by the CSV
// readers of src/fit.
#include <cstddef>
#include <optional>
#include <string>

#include "journeysim/diagnostics.hpp"

namespace journeysim::scenario_detail {

// Why `path` cannot be read as a data file ("it is a directory", "it is a
// named pipe (FIFO)", "No such file or directory", ...), or "" when it is a
// regular file that can be opened. Never blocks: a FIFO is opened with
// O_NONBLOCK and closed again.
std::string unreadable_file_problem(const std::string& path);

// The whole of a regular file of at most `max_bytes`, or nothing, reported as
// what it is (e.g. "the scenario"). A larger file is reported at the line
// and column where it passes the limit.
std::optional<std::string> read_bounded_file(const std::string& path, const std::string& what,
                                             std::size_t max_bytes, Diagnostics& diagnostics);

// "64 MB", "1.5 GB": a byte count for messages.
std::string format_bytes(double bytes);

}  // namespace journeysim::scenario_detail

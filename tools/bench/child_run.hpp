#pragma once
// Runs a program in a child process (fork + exec) and reports its own peak
// resident set size, so each memory figure is one run's alone.
#include <cstdint>
#include <string>
#include <vector>

namespace journeysim::bench {

struct ChildRun {
  int exit_code = -1;          // -1: did not exit normally (see signal)
  int signal = 0;
  std::string out;             // its standard output (standard error is passed through)
  std::uint64_t peak_rss_bytes = 0;  // ru_maxrss from wait4
  double wall_seconds = 0.0;
  double cpu_seconds = 0.0;          // user + system, all its threads
};

// Throws std::system_error if the child cannot be started.
ChildRun run_child(const std::vector<std::string>& argv);

}  // namespace journeysim::bench

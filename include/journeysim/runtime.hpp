#pragma once
// The process around a run: stopping on a signal (SIGINT, SIGTERM, SIGHUP) at
// the next step boundary, removing temporary files a signal would leave
// behind, and checking that a run fits in memory before it allocates.
//
// Stopping: install_signal_handlers() makes the first signal set a flag
// (stop_requested()) that the engine reads once per synchronisation step and
// a sweep between points; Engine::run then throws Interrupted with what it
// had finished. A second signal does not wait: the handler removes every
// registered temporary file (async-signal-safe unlink over a fixed table) and
// ends the process by that signal.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "journeysim/results.hpp"

namespace journeysim {

// Engine::run stopped because a stop was requested. partial() holds what it
// had finished — whole replications, or, when the first one was cut short,
// that one up to the step it reached — with Results::interrupted saying which.
class Interrupted : public std::runtime_error {
 public:
  Interrupted(const std::string& what, int signal, Results partial = {})
      : std::runtime_error(what), signal_(signal), partial_(std::move(partial)) {}
  int signal() const { return signal_; }
  const Results& partial() const { return partial_; }
  Results& partial() { return partial_; }

 private:
  int signal_;
  Results partial_;
};

namespace runtime {

// SIGINT, SIGTERM and SIGHUP as described above (idempotent).
void install_signal_handlers();

// Has a stop been requested (by a signal, or request_stop)? One relaxed
// atomic load: cheap enough for once per step.
bool stop_requested() noexcept;
// The signal that asked (0 when none, or request_stop(0)).
int stop_signal() noexcept;
// What the handler does on a first signal; for tests and embedding programs.
void request_stop(int signal) noexcept;
// Forget a stop that was handled (a command that writes partial results
// goes on writing); a further signal then counts as the second.
void acknowledge_stop() noexcept;
// Forget every stop, and the count of signals (tests).
void reset_stop() noexcept;

// "SIGINT", "SIGTERM", "SIGHUP", else "signal N".
std::string signal_name(int signal);
// 128 + signal, the exit status a shell reports for a program a signal ended.
inline int exit_code_for(int signal) { return 128 + (signal > 0 ? signal : 2); }

// Throws Interrupted("interrupted (SIGINT) " + what) when a stop was requested.
void throw_if_stop_requested(const std::string& what);

// Temporary files a signal must not leave behind. register_temp_file copies
// the path into a fixed table (paths longer than 4095 bytes, or more than 64
// at once, are not registered: the start-up sweep of stale files still finds
// them) and returns its slot, or -1.
int register_temp_file(const std::string& path) noexcept;
void unregister_temp_file(int slot) noexcept;
// unlink()s every registered file; async-signal-safe. Returns how many.
int remove_registered_temp_files() noexcept;

// ---- memory -----------------------------------------------------------------

struct MemoryAvailable {
  std::uint64_t bytes = 0;
  std::string source;  // "MemAvailable in /proc/meminfo", "the address-space limit (ulimit -v)"
};
// The lesser of MemAvailable and what RLIMIT_AS leaves above the process's
// current size; nullopt-like (bytes = UINT64_MAX, source "") when neither is known.
MemoryAvailable available_memory();

// "1.5 GB", "640 MB", "12 kB" (powers of 1000, as free -h --si).
std::string format_bytes(std::uint64_t bytes);

}  // namespace runtime

}  // namespace journeysim

#pragma once
// Two kinds of failure, told apart by type so the program can tell the user
// which one happened: bad input (the user can fix it; exit code 2) and an
// internal error (a bug in journeysim; exit code 1 and a request to report it).
// Failures of the environment (a disk full, a file that cannot be read) are
// plain std::runtime_error (exit code 1).
#include <stdexcept>
#include <string>

namespace journeysim {

// The input is wrong: a scenario value, a command-line option, a sweep spec.
// The message says what is wrong and how to fix it.
struct InputError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// journeysim broke one of its own invariants. Never the user's fault.
struct InternalError : std::logic_error {
  using std::logic_error::logic_error;
};

}  // namespace journeysim

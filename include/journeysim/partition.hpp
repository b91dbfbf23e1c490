#pragma once
// One market split across processes (issue F): each process simulates the
// customers it owns, and what they share — the reviews behind the public
// rating, the active advocates behind word of mouth, the tallies at the end —
// is combined through a MarketPartition (MPI in cluster::Session). Combining
// is exact: integers are summed, floating values are put in one fixed order,
// so results equal a one-process run's bit for bit for any number of processes.
//
//   auto partition = session.market_partition();   // every rank
//   journeysim::Engine engine(threads, partition.get());
//   Results results = engine.run(plan);            // the same Results on every rank
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace journeysim {

class MarketPartition {
 public:
  virtual ~MarketPartition() = default;
  virtual std::uint32_t rank() const = 0;
  virtual std::uint32_t ranks() const = 0;
  // Element-wise sums over every process, left in `values` on every process.
  virtual void sum(std::span<std::uint64_t> values) = 0;
  // Every process's bytes, in rank order, on every process.
  virtual std::vector<std::vector<std::byte>> gather(std::span<const std::byte> bytes) = 0;
  // While set, an error on this process must end every process (the others
  // may be waiting for it in a collective): the program aborts the job
  // instead of returning.
  virtual void set_in_flight(bool in_flight) = 0;
};

// Another process failed a step every process had to pass (all_or_none):
// it, or rank 0, has said why. Exit with exit_code().
class PeerFailed : public std::runtime_error {
 public:
  PeerFailed(std::uint32_t rank, int exit_code);
  std::uint32_t failed_rank() const { return rank_; }
  int exit_code() const { return exit_code_; }

 private:
  std::uint32_t rank_;
  int exit_code_;
};

// A failure of this process alone (all_or_none): the others are fine, so
// this one must say why, whatever rank it is.
class RankFailed : public std::runtime_error {
 public:
  RankFailed(const std::string& what, int exit_code) : std::runtime_error(what), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// Runs `step` (which returns an exit code, 0 for success, or throws) on every
// process, then lets them go on only together: when any failed, each throws —
// rank 0 its own error if it had one, any other rank its own error as
// RankFailed only when rank 0 had none (one message, not one per process),
// the rest PeerFailed.
// Returns 0, or this process's code when `step` failed without throwing
// (it reported the failure itself). Without a partition: `step`'s result.
int all_or_none(MarketPartition* partition, const std::function<int()>& step);

// The exit code of an exception as the program reports it: 2 for bad input
// (InputError, ScenarioError), 128 + the signal for Interrupted, 1 otherwise.
int exit_code_of(const std::exception_ptr& error);

}  // namespace journeysim

#pragma once
// Running as several processes (MPI ranks, issue F). The same binary runs
// alone or under mpirun/srun: MPI is initialised only when a launcher
// started more than one process, and a build without MPI refuses to be one
// of several instead of doing the same work twice.
//
//   cluster::Session session;                 // first thing in main
//   if (session.distributed()) {
//     auto exchange = session.point_exchange();    // sweep: for run_sweep / serve_sweep
//     auto partition = session.market_partition(); // run, compare: for Engine
//     …
//   }
#include <atomic>
#include <memory>
#include <string>

#include "journeysim/partition.hpp"
#include "journeysim/sweep.hpp"

namespace journeysim::cluster {

// What the environment says about how this process was started.
struct Launch {
  int rank = 0;
  int size = 1;             // processes started together
  int local_size = 1;       // of them, on this machine
  std::string launcher;     // "Open MPI", "Slurm", …; empty when started alone
};
Launch detect_launch();

bool mpi_compiled();

class Session {
 public:
  // Initialises MPI when launched as more than one process; throws
  // InputError when that is so but MPI was not compiled in.
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  bool distributed() const { return launch_.size > 1; }
  int rank() const { return launch_.rank; }
  int size() const { return launch_.size; }
  // Hardware threads per process when several share this machine.
  unsigned default_threads() const;

  // The sweep's point exchange over every rank (rank 0 coordinates).
  std::unique_ptr<PointExchange> point_exchange();
  // One market split across every rank (run, compare).
  std::unique_ptr<MarketPartition> market_partition();

  // True while this rank takes part in distributed work that the others
  // wait on (from a sweep's begin until its last point is handed in; a
  // partitioned Engine::run).
  bool work_in_flight() const { return work_in_flight_; }

  // Ends every rank at once with this exit code (after the message is out):
  // the others may be waiting for this one.
  [[noreturn]] void abort(int exit_code);

 private:
  Launch launch_;
  bool initialised_ = false;
  std::atomic<bool> work_in_flight_{false};
};

}  // namespace journeysim::cluster

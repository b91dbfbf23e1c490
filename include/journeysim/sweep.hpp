#pragma once
// Running a sweep: every point of a plan is the base scenario with the
// plan's strategies, then one `set` edit per parameter, run with the same
// seed and replications 0..R-1 (so neighbouring points differ by the
// parameter, not by noise). Results go to an HDF5 file whose layout is fixed
// (format "journeysim-sweep/1"); each finished point is made durable as it
// finishes, so a sweep killed at any moment loses at most the points in
// flight and `resume` runs only what is missing.
//
//   SweepJob job{scenario, plan, …, "sweep.h5"};
//   Engine engine(threads);
//   SweepOutcome outcome = run_sweep(job, engine, diagnostics, on_point);
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "journeysim/diagnostics.hpp"
#include "journeysim/ensemble.hpp"
#include "journeysim/scenario.hpp"
#include "journeysim/sweep_plan.hpp"

namespace journeysim {

struct SweepJob {
  Scenario scenario;  // as loaded: its strategies still defined (plan.strategies name them)
  SweepPlan plan;
  std::uint64_t seed = 1;          // every point's, and the sampling seed of make_points
  std::uint64_t market_size = 0;   // 0: each point's market.size
  std::uint32_t replications = 1;
  std::uint32_t max_events_per_customer = 1'000'000;
  bool run_off = false;  // lifetime value at every point (RunPlan::run_off)
  std::string output_path;  // the journal of finished points is `<output_path>.journal` while it runs
  // Keep the points an earlier run of the same job finished (in the file or
  // the journal) and run the rest.
  bool resume = false;
  // Start afresh, replacing the file and the journal whatever they hold.
  // Neither resume nor restart: a file or journal holding finished points of
  // this job, or made by another job, is refused (InputError) and left alone.
  bool restart = false;
  // The HDF5 snapshot is rewritten at most this often (and at the end); every
  // finished point is durable in `<output>.journal` in between. A snapshot that
  // takes long stretches the interval so writing stays a small share of the time.
  // 0: a snapshot after every point (for tests).
  double snapshot_seconds = 2.0;
  // Provenance the file keeps (root attribute command_line): how the sweep was started.
  std::string command_line;
  // Build each point's scenario from one parsed copy of the YAML (RepeatedEdits:
  // the same scenario as applying the edits to the text, checked by a test);
  // false: through apply_strategies, point by point.
  bool fast_point_edits = true;
  // Called from the calling thread during each point with the fraction of it done.
  std::function<void(std::size_t point, double fraction)> point_progress;
};

// A finished point as it travels between processes: its numbers in the
// order the sweep's journal keeps them.
struct FinishedPoint {
  std::size_t point = 0;
  std::vector<double> values;
};

// Spreads a sweep's points over processes (MPI ranks, journeysim/cluster.hpp).
// The coordinator runs run_sweep with it and alone writes the file; every
// other process runs serve_sweep with the same job. Points are handed out
// one at a time as processes ask, so points of different cost balance.
class PointExchange {
 public:
  virtual ~PointExchange() = default;
  virtual bool coordinator() const = 0;
  virtual std::size_t processes() const = 0;
  // Coordinator: the points to run, or none when the sweep stops before
  // running anything (a bad point, a refused resume): the others then return.
  virtual void begin(const std::vector<std::size_t>& todo, bool run, std::size_t values_per_point) = 0;
  // Coordinator: the next point for this process to run, if any is left.
  virtual std::optional<std::size_t> claim() = 0;
  // Coordinator: points the others finished since the last call; with
  // `wait`, blocks until there is one (empty when all have been handed in).
  virtual std::vector<FinishedPoint> take_finished(bool wait) = 0;
  // Other processes: whether points will run (begin's `run`).
  virtual bool await_begin() = 0;
  // Other processes: hands in a finished point (if any), gets the next.
  virtual std::optional<std::size_t> next(const FinishedPoint* finished) = 0;
};

struct SweepOutcome {
  std::size_t points = 0;
  std::size_t ran = 0;      // points run now
  std::size_t resumed = 0;  // points an earlier run had finished
  double wall_seconds = 0.0;
  double simulation_seconds = 0.0;  // of wall_seconds, inside this process's replications
  std::size_t processes = 1;        // that ran points (MPI ranks)
  std::size_t ran_here = 0;         // of `ran`, by this process
};

// Checks every point (its edits apply and the scenario validates) before
// running any; on a problem reports diagnostics naming the point and returns
// with nothing run (and no file written). `on_point(done, total)` is called
// once when the points start (done = the points resumed) and after each point.
// Throws InputError for a job that cannot run (e.g. resume of another plan, or
// finished points in the output without resume or restart).
SweepOutcome run_sweep(const SweepJob& job, Engine& engine, Diagnostics& diagnostics,
                       const std::function<void(std::size_t done, std::size_t total)>& on_point = {},
                       PointExchange* exchange = nullptr);

// A process other than the coordinator of a distributed sweep: runs the
// points the coordinator hands out until none are left. Reports nothing:
// the coordinator says what is wrong with a job.
void serve_sweep(const SweepJob& job, Engine& engine, PointExchange& exchange);

// A sweep file read back (for reports and tests).
struct SweepData {
  std::string scenario_name, scenario_text, plan_text, version;
  std::uint64_t seed = 0, market_size = 0;
  std::uint32_t replications = 0;
  std::vector<std::string> parameters;                // paths
  std::size_t points = 0;
  std::vector<double> parameter_values;               // [points × parameters]
  std::vector<std::string> metric_keys;               // headline metric keys, in order
  std::vector<std::vector<double>> metrics;           // [metric][points × replications], NaN where not run
  std::vector<std::vector<double>> summary;           // [metric][points × 3]: mean, ci95 low, ci95 high
  std::vector<std::string> series_names;
  std::vector<std::vector<double>> series;            // [series][points × days]
  std::size_t days = 0;
  std::vector<std::uint8_t> done;                     // [points]
  std::vector<std::string> strategies;                // applied to every point, in order
  std::string fingerprint;                            // of the job (resume checks it)
  // Provenance (root attributes; "" / 0 in files written before them): the
  // command that ran the sweep, when this file was written (ISO 8601 UTC),
  // the commit of the build, the engine's worker threads (per process) and
  // the processes that shared out the points (0 in files written before it).
  std::string command_line, created_utc, git_commit;
  std::uint32_t threads = 0;
  std::uint32_t processes = 0;
};
// Throws InputError when `path` is not a sweep file (or is damaged).
SweepData read_sweep_hdf5(const std::string& path);

}  // namespace journeysim

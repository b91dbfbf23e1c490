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

struct SweepOutcome {
  std::size_t points = 0;
  std::size_t ran = 0;      // points run now
  std::size_t resumed = 0;  // points an earlier run had finished
  double wall_seconds = 0.0;
  double simulation_seconds = 0.0;  // of wall_seconds, inside the engine's replications
};

// Checks every point (its edits apply and the scenario validates) before
// running any; on a problem reports diagnostics naming the point and returns
// with nothing run (and no file written). `on_point(done, total)` is called
// once when the points start (done = the points resumed) and after each point.
// Throws InputError for a job that cannot run (e.g. resume of another plan, or
// finished points in the output without resume or restart).
SweepOutcome run_sweep(const SweepJob& job, Engine& engine, Diagnostics& diagnostics,
                       const std::function<void(std::size_t done, std::size_t total)>& on_point = {});

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
  // the commit of the build, and the engine's worker threads.
  std::string command_line, created_utc, git_commit;
  std::uint32_t threads = 0;
};
// Throws InputError when `path` is not a sweep file (or is damaged).
SweepData read_sweep_hdf5(const std::string& path);

}  // namespace journeysim

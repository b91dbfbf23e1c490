// journeysim sweep: run a scenario over a grid or sample of parameter values
// and write every point's metrics and daily series to one HDF5 file.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/load.hpp"
#include "journeysim/runtime.hpp"
#include "journeysim/sweep.hpp"
#include "journeysim/sweep_plan.hpp"

namespace cli {

namespace {

// A sweep's diagnostics in the order it reported them — the scenario's
// warnings, then each failing point in point order — rather than sorted by
// place (its point errors are all at their --param); each line once.
void print_in_point_order(const journeysim::Diagnostics& diagnostics, bool quiet) {
  std::vector<std::string> printed;
  for (const auto& diagnostic : diagnostics.all()) {
    if (quiet && diagnostic.severity != journeysim::Severity::error) continue;
    std::string line = diagnostic.format();
    if (std::find(printed.begin(), printed.end(), line) != printed.end()) continue;
    std::cerr << line << '\n';
    printed.push_back(std::move(line));
  }
}

constexpr const char* kDescription =
    "Sweep parameters: run the scenario at every point of a grid or sample of parameter values\n"
    "and write each point's metrics (per replication), their means with 95% CIs and the mean\n"
    "daily series to an HDF5 file (format journeysim-sweep/1; read it with h5py or pandas).\n"
    "Replication k of every point uses the same seed, so neighbouring points differ by the\n"
    "parameter, not by noise. Finished points are saved as they finish: a sweep stopped at any\n"
    "moment (even kill -9) loses at most the point in flight, and --resume runs only the rest.\n"
    "An output that already holds finished points of the same sweep, or was made by a different\n"
    "plan or scenario, is not replaced unless --restart is given.\n"
    "\n"
    "  journeysim sweep FILE --param PATH=SPEC [--param ...] [--zip] --out sweep.h5\n"
    "  journeysim sweep FILE --param PATH=uniform:LO:HI ... --samples N [--method M] --out sweep.h5\n"
    "  journeysim sweep --plan plan.yaml --out sweep.h5\n"
    "\n"
    "PATH is a dotted scenario path; list items go by via, name or index, e.g.\n"
    "word_of_mouth.rate, awareness.channels.search.rate, touchpoints.support.experience.mean.\n"
    "SPEC is one of:\n"
    "  LO:HI:N          N evenly spaced values from LO to HI (both included)    0:0.5:11\n"
    "  log:LO:HI:N      N geometrically spaced values (LO, HI > 0)              log:0.001:0.1:3\n"
    "  list:A,B,...     exactly these values                                    list:0.4,0.5,0.7\n"
    "  uniform:LO:HI    drawn from [LO, HI]; with --samples N (and --method)    uniform:0:1\n"
    "Several --param make a Cartesian product (the first varies slowest), or with --zip\n"
    "take the i-th value of each (equal counts).\n"
    "With --plan, -r, --seed and --market-size given here override the plan's, and --strategy\n"
    "adds to its strategies. Default replications: the plan's, else 5.";

class SweepCommand : public Command {
 public:
  explicit SweepCommand(CLI::App& app) {
    subcommand_ = app.add_subcommand("sweep", kDescription);
    subcommand_->add_option("file", source_.file, "Scenario YAML (not with --plan: the plan names it)");
    subcommand_->add_option("--plan", plan_file_,
                            "A plan file (YAML: scenario, parameters, replications, strategy, combine, samples, "
                            "method, seed, market_size) instead of FILE and --param");
    subcommand_->add_option("--param,-p", params_,
                            "PATH=SPEC, a parameter and its values (see above); repeat for more");
    subcommand_->add_flag("--zip", zip_, "Take the i-th value of every --param together instead of all combinations");
    subcommand_->add_option("--samples", samples_, "Points to draw from uniform:LO:HI parameters")
        ->check(CLI::Range(std::size_t{1}, journeysim::max_sweep_points));  // whole numbers, not 300-digit doubles
    subcommand_->add_option("--method", method_, "How --samples are drawn: random (default), latin or sobol")
        ->check(CLI::IsMember({"random", "latin", "sobol"}));
    subcommand_->add_option("--strategy,-s", source_.strategies,
                            "Apply a named strategy to every point (before the parameters); repeatable, in order");
    subcommand_->add_option("--strategies", source_.strategies_files,
                            "Load more strategies from this file (top level `strategies:`); repeatable");
    options_.add_to(*subcommand_, 5);
    subcommand_->add_option("--out,-o", out_, "The HDF5 file to write (required)")->required();
    subcommand_->add_flag("--resume", resume_,
                          "Keep the points an interrupted sweep of the same plan finished and run the rest");
    subcommand_->add_flag("--restart", restart_,
                          "Run every point again, replacing the output even if it holds finished points or was "
                          "made by a different plan or scenario");
    // For tests: how often the HDF5 snapshot is rewritten (the journal keeps every point anyway).
    subcommand_->add_option("--snapshot-seconds", snapshot_seconds_)->group("")->check(CLI::NonNegativeNumber);
  }

  int run() override {
    check_arguments();
    journeysim::cluster::Session& session = cluster_session();
    std::unique_ptr<journeysim::PointExchange> exchange;
    if (session.distributed()) exchange = session.point_exchange();
    // Rank 0 alone writes, and says what is wrong with the path; the others
    // are told that nothing runs (they wait for the sweep's start).
    if (session.rank() == 0) {
      try {
        check_output_file(out_);
      } catch (...) {
        if (exchange) exchange->begin({}, false, 0);
        throw;
      }
    }
    std::optional<journeysim::SweepPlan> plan = make_plan();
    if (!plan) return exit_bad_input;
    const auto scenario = source_.load_base(options_.quiet);
    if (!scenario) return exit_bad_input;

    journeysim::SweepJob job;
    job.scenario = *scenario;
    job.plan = *plan;
    job.seed = plan->seed.value_or(scenario->seed);
    job.market_size = plan->market_size.value_or(0);
    job.replications = plan->replications.value_or(5);
    job.max_events_per_customer = options_.max_events;
    job.run_off = options_.run_off;
    job.output_path = out_;
    job.resume = resume_;
    job.restart = restart_;
    job.snapshot_seconds = snapshot_seconds_;
    job.command_line = command_line();

    journeysim::Engine engine(options_.threads_for(session));
    if (exchange && !exchange->coordinator()) {
      journeysim::serve_sweep(job, engine, *exchange);
      return exit_ok;
    }
    Bar bar(!options_.quiet && stderr_is_terminal());
    job.point_progress = [&bar](std::size_t, double fraction) { bar.within(fraction); };
    journeysim::Diagnostics diagnostics;
    std::size_t finished = 0, total = 0;
    journeysim::SweepOutcome outcome;
    try {
      outcome = journeysim::run_sweep(job, engine, diagnostics, [&](std::size_t done, std::size_t points) {
        finished = done;
        total = points;
        bar.points(done, points);
      }, exchange.get());
    } catch (const journeysim::Interrupted& stop) {
      // Every finished point is in the journal (or the snapshot): --resume runs only the rest.
      bar.finish();
      if (total == 0) throw;
      throw journeysim::Interrupted(
          fmt::format("{}, in point {} of {}: {} finished {} kept in {}; run the same command with --resume to run "
                      "the other {}",
                      stop.what(), finished + 1, total, finished, finished == 1 ? "point is" : "points are", out_,
                      total - finished),
          stop.signal());
    }
    bar.finish();
    print_in_point_order(diagnostics, options_.quiet);
    if (diagnostics.has_errors()) return exit_bad_input;
    print_summary(outcome);
    return exit_ok;
  }

 private:
  // Points done / total with an ETA from the points run so far, on stderr.
  class Bar {
   public:
    explicit Bar(bool enabled) : enabled_(enabled), started_(Clock::now()) {}
    ~Bar() { finish(); }  // an error or an interruption leaves no half-drawn bar
    Bar(const Bar&) = delete;
    Bar& operator=(const Bar&) = delete;
    void points(std::size_t done, std::size_t total) {
      if (!first_) first_ = done;
      done_ = done;
      total_ = total;
      fraction_ = 0.0;
      draw();
    }
    void within(double fraction) {
      fraction_ = fraction;
      draw();
    }
    void finish() {
      if (shown_) std::fprintf(stderr, "\r%*s\r", 78, "");
      shown_ = false;
      std::fflush(stderr);
    }

   private:
    using Clock = std::chrono::steady_clock;
    void draw() {
      const auto now = Clock::now();
      if (!enabled_ || total_ == 0 || now - started_ < std::chrono::milliseconds(500) ||
          (shown_ && now - last_ < std::chrono::milliseconds(100)))
        return;
      last_ = now;
      shown_ = true;
      const double done = static_cast<double>(done_) + fraction_;
      const double share = done / static_cast<double>(total_);
      const double ran = done - static_cast<double>(first_.value_or(0));
      const double elapsed = std::chrono::duration<double>(now - started_).count();
      std::string eta = "?";
      if (ran > 0.0) {
        const auto left = static_cast<long>(elapsed / ran * (static_cast<double>(total_) - done) + 0.5);
        eta = left >= 3600 ? fmt::format("{}h{:02}m", left / 3600, left / 60 % 60)
                           : left >= 60 ? fmt::format("{}m{:02}s", left / 60, left % 60) : fmt::format("{}s", left);
      }
      constexpr int width = 30;
      const int filled = static_cast<int>(share * width);
      std::fprintf(stderr, "\r[%s%s] %zu/%zu points  ETA %s   ", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                   std::string(static_cast<std::size_t>(width - filled), ' ').c_str(), done_, total_, eta.c_str());
      std::fflush(stderr);
    }
    bool enabled_;
    bool shown_ = false;
    Clock::time_point started_, last_;
    std::optional<std::size_t> first_;
    std::size_t done_ = 0, total_ = 0;
    double fraction_ = 0.0;
  };

  void check_arguments() const {
    using journeysim::InputError;
    if (resume_ && restart_)
      throw InputError("--resume and --restart cannot be used together: --resume keeps the finished points, "
                       "--restart runs every point again");
    if (plan_file_.empty()) {
      if (source_.file.empty())
        throw InputError("sweep needs a scenario FILE with --param PATH=SPEC, or --plan plan.yaml (see --help)");
      if (params_.empty())
        throw InputError("sweep needs at least one --param PATH=SPEC, e.g. --param word_of_mouth.rate=0:0.5:11 "
                         "(or a --plan file; see --help)");
      return;
    }
    if (!source_.file.empty())
      throw InputError("give a scenario FILE or --plan, not both: the plan names its scenario (`scenario:`)");
    if (!params_.empty()) throw InputError("--param cannot be used with --plan: the plan lists its parameters");
    if (zip_) throw InputError("--zip cannot be used with --plan: write `combine: zip` in the plan");
    if (samples_ != 0) throw InputError("--samples cannot be used with --plan: write `samples: N` in the plan");
    if (!method_.empty()) throw InputError("--method cannot be used with --plan: write `method: ...` in the plan");
  }

  bool given(const std::string& option) const { return subcommand_->get_option(option)->count() > 0; }

  // The plan, with the command line's -r, --seed, --market-size and --strategy
  // over the plan file's; a command-line plan records all of them in its text.
  std::optional<journeysim::SweepPlan> make_plan() {
    journeysim::SweepPlan plan;
    const std::vector<std::string> extra_strategies = source_.strategies;
    if (!plan_file_.empty()) {
      journeysim::Diagnostics diagnostics;
      auto loaded = journeysim::load_sweep_plan(plan_file_, diagnostics);
      print_diagnostics(diagnostics, options_.quiet);
      if (!loaded) return std::nullopt;
      plan = std::move(*loaded);
      source_.file = plan.scenario_path;
    } else {
      std::vector<journeysim::SweepAxis> axes;
      for (const std::string& param : params_) axes.push_back(journeysim::parse_parameter(param));
      plan = journeysim::plan_from_options(std::move(axes), zip_, samples_, method_);
    }
    plan.strategies.insert(plan.strategies.end(), extra_strategies.begin(), extra_strategies.end());
    if (given("--replications") || !plan.replications) plan.replications = options_.replications;
    if (options_.seed) plan.seed = options_.seed;
    if (options_.market_size) plan.market_size = options_.market_size;
    if (plan_file_.empty()) plan.plan_text = journeysim::format_plan(plan);
    return plan;
  }

  void print_summary(const journeysim::SweepOutcome& outcome) const {
    std::cout << fmt::format("Swept {} {} in {:.2f} s", outcome.points, outcome.points == 1 ? "point" : "points",
                             outcome.wall_seconds);
    std::cout << fmt::format(": {} run now", outcome.ran);
    if (outcome.processes > 1)
      std::cout << fmt::format(" on {} processes, {} of them by rank 0", outcome.processes, outcome.ran_here);
    if (outcome.ran > 0 && outcome.processes > 1)
      std::cout << fmt::format(" ({:.3g} s of wall each)", outcome.wall_seconds / static_cast<double>(outcome.ran));
    else if (outcome.ran > 0)
      std::cout << fmt::format(" ({:.3g} s each, of which {:.3g} s simulating)",
                               outcome.wall_seconds / static_cast<double>(outcome.ran),
                               outcome.simulation_seconds / static_cast<double>(outcome.ran));
    std::cout << fmt::format(", {} resumed\nWrote {}\n", outcome.resumed, out_);
    if (outcome.points > 20) return;
    const journeysim::SweepData data = journeysim::read_sweep_hdf5(out_);
    const auto metric = [&data](const std::string& key) -> const std::vector<double>* {
      for (std::size_t k = 0; k < data.metric_keys.size(); ++k)
        if (data.metric_keys[k] == key) return &data.summary[k];
      return nullptr;
    };
    struct Column {
      std::string header;
      const std::vector<double>* summary;
      std::string (*show)(double);
    };
    std::vector<Column> columns;
    const auto add = [&](const std::string& key, std::string (*show)(double)) {
      if (const auto* summary = metric(key)) columns.push_back({key + " (mean)", summary, show});
    };
    add("conversion_rate", [](double v) { return fmt::format("{:.2f}%", 100.0 * v); });
    add("purchasers", [](double v) { return fmt::format("{:.1f}", v); });
    add("revenue", [](double v) { return fmt::format("{:.2f}", v); });
    add("nps", [](double v) { return fmt::format("{:.1f}", v); });
    std::vector<std::vector<std::string>> rows{{"point"}};
    for (const std::string& parameter : data.parameters) rows[0].push_back(parameter);
    for (const Column& column : columns) rows[0].push_back(column.header);
    for (std::size_t p = 0; p < data.points; ++p) {
      std::vector<std::string> row{std::to_string(p)};
      for (std::size_t a = 0; a < data.parameters.size(); ++a)
        row.push_back(fmt::format("{:.6g}", data.parameter_values[p * data.parameters.size() + a]));
      for (const Column& column : columns) {
        // Not run yet: "-"; an undefined mean (NaN: without purchasers there is no NPS): "n/a", as in every table.
        const double mean = (*column.summary)[p * 3];
        row.push_back(!data.done[p] ? "-" : std::isnan(mean) ? "n/a" : column.show(mean));
      }
      rows.push_back(std::move(row));
    }
    std::vector<std::size_t> widths(rows[0].size(), 0);
    for (const auto& row : rows)
      for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
    std::cout << '\n';
    for (const auto& row : rows) {
      std::string line = " ";
      for (std::size_t c = 0; c < row.size(); ++c) line += fmt::format(" {:>{}}", row[c], widths[c]);
      std::cout << line << '\n';
    }
  }

  ScenarioSource source_;
  SimulationOptions options_;
  std::string plan_file_;
  std::vector<std::string> params_;
  bool zip_ = false;
  std::uint64_t samples_ = 0;
  std::string method_;
  std::string out_;
  bool resume_ = false;
  bool restart_ = false;
  double snapshot_seconds_ = 2.0;
};

}  // namespace

std::unique_ptr<Command> sweep_command(CLI::App& app) { return std::make_unique<SweepCommand>(app); }

}  // namespace cli

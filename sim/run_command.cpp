// journeysim run: simulate one scenario (with strategies and edits applied).
#include <filesystem>
#include <iostream>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "command.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/io.hpp"
#include "journeysim/partition.hpp"
#include "journeysim/runtime.hpp"
#include "progress_bar.hpp"

namespace cli {

namespace {

// Do two paths name one file? (Then one output would overwrite the other.)
bool same_file(const std::string& a, const std::string& b) {
  namespace fs = std::filesystem;
  std::error_code ec_a, ec_b;
  const fs::path canonical_a = fs::weakly_canonical(fs::absolute(a, ec_a), ec_a);
  const fs::path canonical_b = fs::weakly_canonical(fs::absolute(b, ec_b), ec_b);
  return ec_a || ec_b ? a == b : canonical_a == canonical_b;
}

class RunCommand : public Command {
 public:
  explicit RunCommand(CLI::App& app) {
    subcommand_ = app.add_subcommand("run", "Simulate the scenario and print its results");
    source_.add_to(*subcommand_);
    options_.add_to(*subcommand_, 1);
    subcommand_->add_flag("--json", json_, "Print results as one JSON object");
    subcommand_->add_option("--out,-o", out_, "Also write results to an HDF5 file (atomically)");
    CLI::Option* trace =
        subcommand_
            ->add_option("--trace", trace_,
                         "Follow customers event by event: write their journeys to FILE.csv (atomically), one row "
                         "per event (customer,segment,time,touchpoint,event,experience,satisfaction,revenue). The "
                         "same customers for any thread count; the first replication only, up to the horizon")
            ->type_name("FILE.csv");
    subcommand_
        ->add_option("--trace-customers", trace_customers_,
                     fmt::format("How many customers --trace follows (default 10, at most {})",
                                 journeysim::max_trace_customers))
        ->check(CLI::Range(1u, journeysim::max_trace_customers))
        ->needs(trace);
    subcommand_->add_flag("--partial", partial_,
                          "When interrupted (Ctrl-C, SIGTERM, SIGHUP), still write and print what was finished, "
                          "marked incomplete (HDF5 root attributes complete = 0 and interrupted; JSON keys "
                          "\"complete\": false and \"interrupted\"); without it an interrupted run writes nothing. "
                          "Exit status 130 (128 + the signal) either way");
  }

  int run() override {
    // Under mpirun/srun the ranks split the market (journeysim/partition.hpp);
    // each runs this, and only rank 0 prints and writes.
    journeysim::cluster::Session& session = cluster_session();
    std::unique_ptr<journeysim::MarketPartition> partition;
    if (session.distributed()) partition = session.market_partition();
    const bool speaks = session.rank() == 0;
    const bool tracing = subcommand_->count("--trace") > 0;
    std::optional<journeysim::Scenario> scenario;
    if (const int code = journeysim::all_or_none(partition.get(), [&] {
          if (tracing) check_trace_path();
          scenario = source_.load(options_.quiet);
          if (!scenario) return exit_bad_input;
          if (speaks && !out_.empty()) check_output_file(out_);
          if (speaks && tracing) check_output_file(trace_);
          return exit_ok;
        }))
      return code;
    journeysim::Engine engine(options_.threads_for(session), partition.get());
    ProgressBar progress(speaks && !options_.quiet && stderr_is_terminal());
    journeysim::RunOptions run_options = options_.run_options();
    if (tracing) run_options.trace_customers = trace_customers_;
    journeysim::Results results;
    std::optional<journeysim::Interrupted> interrupted;
    try {
      results = engine.run(journeysim::plan_for(*scenario, run_options),
                           [&progress](double fraction) { progress.update(fraction); });
    } catch (journeysim::Interrupted& stop) {
      progress.finish();
      const bool any = !stop.partial().runs.empty();
      if (!partial_ || !any) {
        const std::string written = !out_.empty() || tracing ? "; nothing written" : "";
        throw journeysim::Interrupted(
            fmt::format("{}{}{}", stop.what(), written,
                        partial_ || out_.empty() ? "" : " (--partial writes what was finished, marked incomplete)"),
            stop.signal());
      }
      // --partial: write and print what was finished, then exit as interrupted.
      journeysim::runtime::acknowledge_stop();  // a further signal stops the writing at once
      if (!speaks) return journeysim::runtime::exit_code_for(stop.signal());
      results = std::move(stop.partial());
      interrupted.emplace(stop);
    }
    progress.finish();
    if (!speaks) return exit_ok;  // rank 0 has the same results, and writes them
    stamp(results);  // one provenance for the file and the JSON
    if (!out_.empty()) journeysim::write_results_hdf5(results, out_);
    if (tracing) {
      journeysim::write_trace_csv(results, trace_);
      const journeysim::JourneyTrace& trace = results.trace;
      const std::uint64_t aware = results.runs.front().aware;
      if (!options_.quiet && trace.customers < trace.requested)
        std::cerr << fmt::format(
            "journeysim: warning: the trace follows {} customers, not {}: {}only {} became aware\n", trace.customers,
            trace.requested,
            trace.stride > 1 ? fmt::format("it takes every {}th id, from the number expected to, but ", trace.stride)
                             : std::string(),
            aware);
    }
    if (json_) {
      nlohmann::json json = journeysim::results_to_json(results);
      if (!results.interrupted.empty()) {
        json["complete"] = false;
        json["interrupted"] = results.interrupted;
      }
      std::cout << json_text(json) << '\n';
    } else {
      std::cout << journeysim::results_to_table(results);
      if (!results.interrupted.empty()) std::cout << "INCOMPLETE: " << results.interrupted << '\n';
    }
    if (interrupted) {
      std::cout.flush();
      std::cerr << fmt::format("journeysim: {}; {} what was finished{}\n", interrupted->what(),
                               out_.empty() ? "printed" : "wrote " + out_ + " with",
                               results.interrupted.empty() ? "" : ", marked incomplete");
      const int code = finish_output(exit_ok);
      return code != exit_ok ? code : journeysim::runtime::exit_code_for(interrupted->signal());
    }
    return finish_output(exit_ok);
  }

 private:
  // Mistakes in the trace's path are found before the run, like --out's.
  void check_trace_path() const {
    if (trace_.empty()) throw journeysim::InputError("--trace needs a file path, e.g. --trace journeys.csv");
    if (trace_ == "-")
      throw journeysim::InputError("--trace needs a file path, e.g. --trace journeys.csv; standard output has the "
                                   "results");
    if (!out_.empty() && same_file(trace_, out_))
      throw journeysim::InputError("--trace and --out name the same file '" + trace_ + "'; give each its own");
  }

  ScenarioSource source_;
  SimulationOptions options_;
  bool json_ = false;
  std::string out_;
  std::string trace_;
  std::uint32_t trace_customers_ = 10;
  bool partial_ = false;
};

}  // namespace

std::unique_ptr<Command> run_command(CLI::App& app) { return std::make_unique<RunCommand>(app); }

}  // namespace cli

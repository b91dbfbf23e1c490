// journeysim run: simulate one scenario (with strategies and edits applied).
#include <iostream>

#include "command.hpp"
#include "journeysim/io.hpp"
#include "progress_bar.hpp"

namespace cli {

namespace {

class RunCommand : public Command {
 public:
  explicit RunCommand(CLI::App& app) {
    subcommand_ = app.add_subcommand("run", "Simulate the scenario and print its results");
    source_.add_to(*subcommand_);
    options_.add_to(*subcommand_, 1);
    subcommand_->add_flag("--json", json_, "Print results as one JSON object");
    subcommand_->add_option("--out,-o", out_, "Also write results to an HDF5 file (atomically)");
  }

  int run() override {
    auto scenario = source_.load(options_.quiet);
    if (!scenario) return exit_bad_input;
    if (!out_.empty()) check_output_file(out_);
    options_.warn_about_threads();
    journeysim::Engine engine(options_.threads);
    ProgressBar progress(!options_.quiet && stderr_is_terminal());
    journeysim::Results results = engine.run(journeysim::plan_for(*scenario, options_.run_options()),
                                             [&progress](double fraction) { progress.update(fraction); });
    progress.finish();
    stamp(results);  // one provenance for the file and the JSON
    if (!out_.empty()) journeysim::write_results_hdf5(results, out_);
    if (json_) std::cout << json_text(journeysim::results_to_json(results)) << '\n';
    else std::cout << journeysim::results_to_table(results);
    return finish_output(exit_ok);
  }

 private:
  ScenarioSource source_;
  SimulationOptions options_;
  bool json_ = false;
  std::string out_;
};

}  // namespace

std::unique_ptr<Command> run_command(CLI::App& app) { return std::make_unique<RunCommand>(app); }

}  // namespace cli

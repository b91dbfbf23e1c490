// journeysim compare: a baseline and strategies with paired CIs (common
// random numbers), or two scenario files side by side (Welch).
#include <iostream>
#include <set>

#include <fmt/format.h>

#include "command.hpp"
#include "journeysim/comparison.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/io.hpp"
#include "journeysim/load.hpp"
#include "journeysim/partition.hpp"
#include "journeysim/runtime.hpp"
#include "progress_bar.hpp"

namespace cli {

namespace {

// "a+b" applies strategy a, then b, as one arm.
std::vector<std::string> split_plus(const std::string& arm) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (true) {
    const auto plus = arm.find('+', start);
    names.push_back(arm.substr(start, plus == std::string::npos ? std::string::npos : plus - start));
    if (plus == std::string::npos) return names;
    start = plus + 1;
  }
}

class CompareCommand : public Command {
 public:
  explicit CompareCommand(CLI::App& app) {
    subcommand_ = app.add_subcommand(
        "compare",
        "Compare strategies against the baseline, and with each other, with paired 95% CIs\n"
        "(common random numbers); or two scenario files side by side (paired when both have\n"
        "the same seed, since they then share random streams; Welch CIs otherwise).\n"
        "  journeysim compare scenarios/ecosystem.yaml -s fix_support -s referral_programme\n"
        "  journeysim compare scenarios/funnel.yaml scenarios/ecosystem.yaml");
    subcommand_->add_option("scenario", first_file_, "The scenario YAML (with --strategy arms)")->required();
    subcommand_->add_option("other", second_file_, "A second scenario YAML to compare with the first (no --strategy)");
    subcommand_->add_option("--strategy,-s", arms_,
                            "An arm: a named strategy, or several joined by + (applied in order); repeatable");
    subcommand_->add_option("--strategies", strategies_files_,
                            "Load more strategies from this file (top level `strategies:`); repeatable");
    options_.add_to(*subcommand_, 10);
    subcommand_->get_option("--replications")
        ->check(CLI::Validator(
            [](std::string& text) -> std::string {
              return text == "0" || text == "1" ? "a confidence interval needs at least 2 replications" : "";
            },
            "R >= 2"));
    subcommand_->add_flag("--no-pairs", no_pairs_,
                          "With two or more arms, do not print the arm-vs-arm tables (A vs B = A − B); "
                          "--json and --out always have them");
    subcommand_->add_flag("--json", json_, "Print the comparison as one JSON object");
    subcommand_->add_option("--out,-o", out_, "Also write every arm's runs and the deltas to an HDF5 file");
  }

  int run() override {
    // Under mpirun/srun the ranks split each arm's market (journeysim/partition.hpp);
    // each runs this, and only rank 0 prints and writes.
    journeysim::cluster::Session& session = cluster_session();
    std::unique_ptr<journeysim::MarketPartition> partition;
    if (session.distributed()) partition = session.market_partition();
    const bool speaks = session.rank() == 0;
    std::vector<journeysim::RunPlan> plans;
    journeysim::Comparison comparison;
    if (const int code = journeysim::all_or_none(partition.get(), [&] {
          files_ = {first_file_};
          if (!second_file_.empty()) files_.push_back(second_file_);
          if (files_.size() == 2 && !arms_.empty())
            throw journeysim::InputError(
                "compare takes either one scenario with --strategy arms, or two scenario files without --strategy; "
                "to compare strategies of two files, run compare on each");
          if (files_.size() == 1 && arms_.empty())
            throw journeysim::InputError(
                "nothing to compare: give --strategy NAME (repeatable), or a second scenario file");
          if (speaks && !out_.empty()) check_output_file(out_);
          if (files_.size() == 1) {
            if (!paired_plans(plans)) return exit_bad_input;
            comparison.pairing = journeysim::Pairing::paired;
          } else {
            if (!two_file_plans(plans)) return exit_bad_input;
            // The same seed and replications: replication k of both files draws from
            // the same streams, so the k differences are paired (a paired t-interval
            // is valid whatever the correlation; Welch's assumes none).
            comparison.pairing =
                plans[0].seed == plans[1].seed ? journeysim::Pairing::paired : journeysim::Pairing::unpaired;
            comparison.two_files = true;
          }
          return exit_ok;
        }))
      return code;

    journeysim::Engine engine(options_.threads_for(session), partition.get());
    ProgressBar progress(speaks && !options_.quiet && stderr_is_terminal());
    for (std::size_t i = 0; i < plans.size(); ++i) {
      journeysim::Results results;
      try {
        results = engine.run(plans[i], [&](double fraction) {
          progress.update((static_cast<double>(i) + fraction) / static_cast<double>(plans.size()));
        });
      } catch (const journeysim::Interrupted& stop) {
        throw journeysim::Interrupted(fmt::format("{}, in {} ({} of {}); {}", stop.what(), plans[i].label, i + 1,
                                                  plans.size(), out_.empty() ? "nothing printed" : "nothing written"),
                                      stop.signal());
      }
      if (i == 0) comparison.baseline = std::move(results);
      else comparison.arms.push_back(std::move(results));
    }
    progress.finish();
    if (!speaks) return exit_ok;  // rank 0 has the same results, and writes them
    stamp(comparison.baseline);
    for (journeysim::Results& arm : comparison.arms) {  // one comparison, one provenance
      arm.command_line = comparison.baseline.command_line;
      arm.created_utc = comparison.baseline.created_utc;
      arm.git_commit = comparison.baseline.git_commit;
    }
    if (!out_.empty()) journeysim::write_comparison_hdf5(comparison, out_);
    if (json_) std::cout << json_text(journeysim::comparison_to_json(comparison)) << '\n';
    else std::cout << journeysim::comparison_to_table(comparison, !no_pairs_);
    if (!out_.empty() && !json_) std::cout << "Wrote " << out_ << '\n';
    return exit_ok;
  }

 private:
  // Baseline and arms from one scenario: same seed, same replications.
  bool paired_plans(std::vector<journeysim::RunPlan>& plans) const {
    ScenarioSource source{files_[0], strategies_files_, {}, {}};
    auto scenario = source.load_base(options_.quiet);
    if (!scenario) return false;
    journeysim::RunPlan baseline = journeysim::plan_for(*scenario, options_.run_options());
    baseline.label = "baseline";
    plans.push_back(baseline);
    journeysim::Diagnostics diagnostics;
    std::set<std::string> seen;
    for (const std::string& arm : arms_) {
      if (!seen.insert(arm).second) throw journeysim::InputError("the arm '" + arm + "' is given twice");
      auto edited = journeysim::apply_strategies(*scenario, split_plus(arm), diagnostics);
      if (!edited) break;
      journeysim::RunPlan plan = baseline;
      plan.scenario = std::move(*edited);
      plan.label = arm;
      plans.push_back(std::move(plan));
    }
    print_diagnostics(diagnostics, options_.quiet);
    return !diagnostics.has_errors();
  }

  // Two files: each runs as `journeysim run FILE -r R` would (its own seed,
  // replications 0..R-1), so either arm can be reproduced on its own. With
  // different seeds they are independent samples (Welch); with the same seed
  // they share random streams and are compared pairwise.
  bool two_file_plans(std::vector<journeysim::RunPlan>& plans) const {
    for (std::size_t f = 0; f < 2; ++f) {
      ScenarioSource source{files_[f], strategies_files_, {}, {}};
      auto scenario = source.load(options_.quiet);
      if (!scenario) return false;
      journeysim::RunPlan plan = journeysim::plan_for(*scenario, options_.run_options());
      plan.label = scenario->name;
      plans.push_back(std::move(plan));
    }
    if (plans[0].label == plans[1].label) {
      plans[0].label += " (1)";
      plans[1].label += " (2)";
    }
    return true;
  }

  std::string first_file_, second_file_;
  std::vector<std::string> files_;
  std::vector<std::string> arms_;
  std::vector<std::string> strategies_files_;
  SimulationOptions options_;
  bool json_ = false;
  bool no_pairs_ = false;
  std::string out_;
};

}  // namespace

std::unique_ptr<Command> compare_command(CLI::App& app) { return std::make_unique<CompareCommand>(app); }

}  // namespace cli

// journeysim attribute: removal effects per channel, exact and simulated, beside heuristics.
#include <iostream>

#include "command.hpp"
#include "journeysim/attribution.hpp"

namespace cli {

namespace {

class AttributeCommand : public Command {
 public:
  explicit AttributeCommand(CLI::App& app) {
    subcommand_ = app.add_subcommand(
        "attribute", "Credit each channel (touchpoint that is not a purchase) with conversions: Markov-chain "
                     "removal effects, exact from the absorbing chain; --simulate adds paired-simulation CIs, "
                     "--paths adds first-, last- and linear-touch heuristics");
    source_.add_to(*subcommand_);
    subcommand_->add_option("--paths", paths_,
                            "Observed journeys (path data or event log, as `fit` reads): scale to their totals "
                            "and add the heuristics");
    subcommand_->add_flag("--simulate", options_.simulate,
                          "Also estimate each removal effect by simulation: baseline and channel-removed runs with "
                          "common random numbers, Student-t 95% CI over the replications");
    subcommand_->add_option("--replications,-r", options_.replications, "Replications for --simulate (default 10)")
        ->check(CLI::Range(2u, 100000u));
    subcommand_->add_option("--threads,-t", options_.threads, "Worker threads for --simulate (0, the default: all cores)")
        ->check(CLI::Range(0u, journeysim::max_threads));
    subcommand_->add_option("--seed", seed_, "Seed for --simulate (default: the scenario's)");
    subcommand_->add_option("--market-size", market_size_, "Customers for --simulate (default: market.size)");
    subcommand_->add_flag("--json", json_, "Print one JSON object");
    subcommand_->add_flag("--quiet,-q", quiet_, "No warnings; errors and results are still printed");
  }

  int run() override {
    auto scenario = source_.load(quiet_);
    if (!scenario) return exit_bad_input;
    if (seed_) options_.seed = *seed_;
    if (market_size_) options_.market_size = *market_size_;
    std::optional<journeysim::ObservedJourneys> observed;
    if (!paths_.empty()) observed = journeysim::read_observed_journeys(paths_);
    const auto attribution = journeysim::attribute(*scenario, observed ? &*observed : nullptr, options_);
    if (json_) std::cout << json_text(journeysim::attribution_to_json(attribution)) << '\n';
    else std::cout << journeysim::attribution_to_table(attribution);
    return exit_ok;
  }

 private:
  ScenarioSource source_;
  std::string paths_;
  journeysim::AttributionOptions options_;
  std::optional<std::uint64_t> seed_, market_size_;
  bool json_ = false;
  bool quiet_ = false;
};

}  // namespace

std::unique_ptr<Command> attribute_command(CLI::App& app) { return std::make_unique<AttributeCommand>(app); }

}  // namespace cli

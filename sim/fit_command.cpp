// journeysim fit: observed journeys (path data or an event log) → a scenario.
#include <iostream>

#include "command.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/fit.hpp"
#include "journeysim/load.hpp"

namespace cli {

namespace {

class FitCommand : public Command {
 public:
  explicit FitCommand(CLI::App& app) {
    subcommand_ = app.add_subcommand(
        "fit", "Build a scenario from observed journeys: path data (ChannelAttribution's "
               "path;total_conversions;total_conversion_value;total_null) or an event log "
               "(CSV customer,time,touchpoint[,revenue], or a journeysim --trace file)");
    subcommand_->add_option("data", data_, "Path data or event log (CSV)")->required();
    subcommand_->add_option("--out,-o", out_, "Write the scenario here (atomically); default: standard output");
    subcommand_->add_option("--order", order_,
                            "Markov order 1-4 (a touchpoint is then the last K touches, 'a>b'), or auto: the "
                            "simplest order within one standard error of the best held-out likelihood")
        ->default_str("1");
    subcommand_->add_option("--market-size", market_size_,
                            "Event logs: customers arrive through channels at a constant hazard in a market of "
                            "this size (more than the customers observed); default: all observed aware at day 0");
    subcommand_->add_option("--purchase", purchase_,
                            "Event logs: this touchpoint is a purchase even where a row shows no revenue; repeatable");
    subcommand_->add_option("--holdout", options_.holdout_share,
                            "Share of journeys held out to score the orders (default 0.2)")
        ->check(CLI::Range(0.01, 0.9));
    subcommand_->add_flag("--quiet,-q", quiet_, "No summary on standard error; errors are still printed");
  }

  int run() override {
    if (order_ == "auto") {
      options_.choose_order = true;
    } else {
      try {
        std::size_t used = 0;
        options_.order = std::stoi(order_, &used);
        if (used != order_.size()) throw std::invalid_argument(order_);
      } catch (const std::exception&) {
        throw journeysim::InputError("--order is '" + order_ + "'; give 1, 2, 3, 4 or auto");
      }
    }
    if (market_size_ > 0) options_.market_size = market_size_;
    options_.command_line = command_line();
    if (!out_.empty() && out_ != "-") check_output_file(out_);

    const journeysim::ObservedJourneys data = journeysim::read_observed_journeys(data_, purchase_);
    const journeysim::FittedScenario fitted = journeysim::fit_scenario(data, options_);

    // The promise is a scenario that loads unchanged: check it before writing.
    journeysim::Diagnostics diagnostics;
    if (!journeysim::load_scenario_text(fitted.yaml, out_.empty() ? "fitted.yaml" : out_, diagnostics))
      throw journeysim::InternalError("the fitted scenario does not load:\n" + diagnostics.format());
    if (!quiet_) {
      std::cerr << fitted.summary;
      print_diagnostics(diagnostics, quiet_);
    }
    write_output(out_, fitted.yaml);
    if (!quiet_ && !out_.empty() && out_ != "-") std::cerr << "Wrote " << out_ << '\n';
    return exit_ok;
  }

 private:
  std::string data_;
  std::string out_;
  std::string order_ = "1";
  std::uint64_t market_size_ = 0;
  std::vector<std::string> purchase_;
  journeysim::FitOptions options_;
  bool quiet_ = false;
};

}  // namespace

std::unique_ptr<Command> fit_command(CLI::App& app) { return std::make_unique<FitCommand>(app); }

}  // namespace cli

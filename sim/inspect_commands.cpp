// Commands that read a scenario without simulating it: validate, graph, analyze.
#include <iostream>

#include <fmt/format.h>

#include "command.hpp"
#include "journeysim/analysis.hpp"
#include "journeysim/graph.hpp"
#include "journeysim/load.hpp"

namespace cli {

namespace {

class ValidateCommand : public Command {
 public:
  explicit ValidateCommand(CLI::App& app) {
    subcommand_ = app.add_subcommand("validate", "Check a scenario file; errors as file:line:col (exit 2)");
    subcommand_->add_option("file", source_.file, "Scenario YAML")->required();
    subcommand_->add_option("--strategies", source_.strategies_files,
                            "Also check the strategies in this file (top level `strategies:`); repeatable");
    subcommand_->add_flag("--quiet,-q", quiet_, "No warnings; errors and results are still printed");
  }

  int run() override {
    auto scenario = source_.load_base(quiet_);
    if (!scenario) return exit_bad_input;
    std::cout << fmt::format("{}: ok — {} touchpoints, {} transitions, {} strategies\n", source_.file,
                             scenario->touchpoints.size(), scenario->transitions.size(),
                             scenario->strategies.size());
    return finish_output(exit_ok);
  }

 private:
  ScenarioSource source_;
  bool quiet_ = false;
};

class GraphCommand : public Command {
 public:
  explicit GraphCommand(CLI::App& app) {
    subcommand_ = app.add_subcommand("graph", "Export the touchpoint graph (Graphviz DOT or JSON)");
    source_.add_to(*subcommand_);
    subcommand_->add_option("--format,-f", format_, "dot or json")->check(CLI::IsMember({"dot", "json"}));
    subcommand_->add_option("--out,-o", out_, "Write to this file instead of standard output");
    subcommand_->add_flag("--quiet,-q", quiet_, "No warnings; errors and the graph are still printed");
  }

  int run() override {
    auto scenario = source_.load(quiet_);
    if (!scenario) return exit_bad_input;
    write_output(out_, format_ == "dot" ? journeysim::graph_to_dot(*scenario)
                                        : journeysim::graph_to_json(*scenario) + "\n");
    return finish_output(exit_ok);
  }

 private:
  ScenarioSource source_;
  std::string format_ = "dot";
  std::string out_;
  bool quiet_ = false;
};

class AnalyzeCommand : public Command {
 public:
  explicit AnalyzeCommand(CLI::App& app) {
    subcommand_ = app.add_subcommand("analyze", "Exact absorbing-Markov-chain analysis of the static journey");
    source_.add_to(*subcommand_);
    subcommand_->add_flag("--json", json_, "Print one JSON object");
    subcommand_->add_flag("--quiet,-q", quiet_, "No warnings; errors and the analysis are still printed");
  }

  int run() override {
    auto scenario = source_.load(quiet_);
    if (!scenario) return exit_bad_input;
    const auto analysis = journeysim::analyze(*scenario);
    if (json_) std::cout << json_text(journeysim::analysis_to_json(*scenario, analysis)) << '\n';
    else std::cout << journeysim::analysis_to_table(*scenario, analysis);
    return finish_output(exit_ok);
  }

 private:
  ScenarioSource source_;
  bool json_ = false;
  bool quiet_ = false;
};

}  // namespace

std::unique_ptr<Command> validate_command(CLI::App& app) { return std::make_unique<ValidateCommand>(app); }
std::unique_ptr<Command> graph_command(CLI::App& app) { return std::make_unique<GraphCommand>(app); }
std::unique_ptr<Command> analyze_command(CLI::App& app) { return std::make_unique<AnalyzeCommand>(app); }

}  // namespace cli

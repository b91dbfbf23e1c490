// Commands that read a scenario without simulating it: validate, graph, analyze.
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "command.hpp"
#include "journeysim/analysis.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/graph.hpp"
#include "journeysim/io.hpp"
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
    const auto count = [](std::size_t n, const char* one, const char* many) {
      return fmt::format("{} {}", n, n == 1 ? one : many);
    };
    std::cout << fmt::format("{}: ok — {}, {}, {}\n", source_.file,
                             count(scenario->touchpoints.size(), "touchpoint", "touchpoints"),
                             count(scenario->transitions.size(), "transition", "transitions"),
                             count(scenario->strategies.size(), "strategy", "strategies"));
    return finish_output(exit_ok);
  }

 private:
  ScenarioSource source_;
  bool quiet_ = false;
};

class GraphCommand : public Command {
 public:
  explicit GraphCommand(CLI::App& app) {
    subcommand_ = app.add_subcommand(
        "graph",
        "Export the touchpoint graph with its feedback loops: Graphviz DOT, SVG (laid out by Graphviz's dot) "
        "or JSON; --flows RESULT.h5 draws a run's traversals as edge widths");
    source_.add_to(*subcommand_);
    subcommand_->add_option("--format,-f", format_, "dot, svg (needs Graphviz) or json")
        ->check(CLI::IsMember({"dot", "svg", "json"}));
    subcommand_->add_option("--flows", flows_file_,
                            "A run file (journeysim run --out) of this scenario: edge widths and labels from its "
                            "traversals (dot and svg)");
    subcommand_->add_option("--out,-o", out_, "Write to this file instead of standard output");
    subcommand_->add_flag("--quiet,-q", quiet_, "No warnings; errors and the graph are still printed");
  }

  int run() override {
    // What cannot work is said before anything is read.
    if (!flows_file_.empty() && format_ == "json")
      throw journeysim::InputError("--flows draws a run's traffic on the picture: use --format dot or svg");
    std::string no_graphviz;
    if (format_ == "svg" && journeysim::find_dot_program(&no_graphviz).empty())
      throw journeysim::InputError("--format svg needs Graphviz: " + no_graphviz);
    if (!out_.empty() && out_ != "-") check_output_file(out_);
    auto scenario = source_.load(quiet_);
    if (!scenario) return exit_bad_input;
    std::optional<journeysim::GraphFlows> flows;
    if (!flows_file_.empty()) flows = journeysim::graph_flows(*scenario, read_run_file(flows_file_), flows_file_);
    const journeysim::GraphFlows* drawn = flows ? &*flows : nullptr;
    if (format_ == "json") {
      write_output(out_, journeysim::graph_to_json(*scenario) + "\n");
    } else if (format_ == "svg") {
      write_output(out_, journeysim::dot_to_svg(journeysim::graph_to_dot(*scenario, drawn)));
    } else {
      write_output(out_, journeysim::graph_to_dot(*scenario, drawn));
    }
    return finish_output(exit_ok);
  }

 private:
  // A damaged file is input the user can replace (exit 2), as for `report`.
  static journeysim::Results read_run_file(const std::string& path) {
    try {
      return journeysim::read_results_hdf5(path);
    } catch (const journeysim::InputError& error) {
      throw journeysim::InputError(fmt::format("--flows: {}", error.what()));
    } catch (const std::runtime_error& error) {
      throw journeysim::InputError(fmt::format("--flows: cannot read '{}': {}", path, error.what()));
    }
  }

  ScenarioSource source_;
  std::string format_ = "dot";
  std::string flows_file_;
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

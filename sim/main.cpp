// journeysim: the command-line program. Subcommands: validate, graph, analyze, run.
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "journeysim/analysis.hpp"
#include "journeysim/engine.hpp"
#include "journeysim/graph.hpp"
#include "journeysim/io.hpp"
#include "journeysim/load.hpp"
#include "progress_bar.hpp"

namespace {

constexpr int exit_bad_input = 2;

using journeysim::Diagnostics;
using journeysim::Scenario;

// Names in a scenario need not be valid UTF-8; JSON output must be.
std::string json_text(const nlohmann::json& json) {
  return json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

// In file order, so a long list reads top to bottom alongside the file; once
// each (a strategy reloads the file, which repeats its warnings).
void print_diagnostics(const Diagnostics& diagnostics, bool quiet) {
  std::vector<journeysim::Diagnostic> sorted = diagnostics.all();
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return std::tie(a.location.line, a.location.column) < std::tie(b.location.line, b.location.column);
  });
  std::string previous;
  for (const auto& diagnostic : sorted) {
    if (quiet && diagnostic.severity != journeysim::Severity::error) continue;
    std::string line = diagnostic.format();
    if (line != previous) std::cerr << line << '\n';
    previous = std::move(line);
  }
}

// Loads FILE (and applies --strategy); prints diagnostics. Empty on error.
std::optional<Scenario> load(const std::string& path, const std::string& strategy, bool quiet) {
  Diagnostics diagnostics;
  auto scenario = journeysim::load_scenario_file(path, diagnostics);
  if (scenario && !strategy.empty()) scenario = journeysim::apply_strategy(*scenario, strategy, diagnostics);
  print_diagnostics(diagnostics, quiet);
  return scenario;
}

// An output path that cannot be written is bad input (exit 2), found before
// a long run rather than after it.
void check_output_file(const std::string& path) {
  try {
    journeysim::check_output_path(path);
  } catch (const std::runtime_error& error) {
    throw std::invalid_argument(error.what());
  }
}

void write_output(const std::string& out, const std::string& text) {
  if (out.empty() || out == "-") {
    std::cout << text;
    return;
  }
  check_output_file(out);
  journeysim::write_text_atomically(out, text);
}

// A result that could not be written is a failure: scripts read the exit code.
int finish_output(int code) {
  std::cout.flush();
  if (code == 0 && !std::cout) {
    std::cerr << "journeysim: error: cannot write to standard output\n";
    return 1;
  }
  return code;
}

// CLI11 would saturate out-of-range numbers silently; a seed must be exact.
const CLI::Validator whole_number_below_2_64(
    [](std::string& text) -> std::string {
      std::uint64_t value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size())
        return "'" + text + "' is not a whole number from 0 to 18446744073709551615";
      return "";
    },
    "UINT64");

struct RunCommand {
  std::string file;
  std::string strategy;
  unsigned threads = 0;
  std::optional<std::uint64_t> seed;
  std::optional<std::uint64_t> market_size;
  std::uint32_t replications = 1;
  std::uint32_t max_events = 1'000'000;
  bool json = false;
  bool quiet = false;
  std::string out;

  int operator()() const {
    auto scenario = load(file, strategy, quiet);
    if (!scenario) return exit_bad_input;
    if (!out.empty()) check_output_file(out);
    journeysim::RunOptions options;
    options.threads = threads;
    options.seed = seed;
    options.market_size = market_size;
    options.replications = replications;
    options.max_events_per_customer = max_events;
    ProgressBar progress(!quiet && isatty(STDERR_FILENO));
    options.progress = [&progress](double fraction) { progress.update(fraction); };
    journeysim::Results results = journeysim::run_scenario(*scenario, options);
    progress.finish();
    results.strategy = strategy;
    if (!out.empty()) journeysim::write_results_hdf5(results, out);
    if (json) std::cout << json_text(journeysim::results_to_json(results)) << '\n';
    else if (!quiet || out.empty()) std::cout << journeysim::results_to_table(results);
    return 0;
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"journeysim — discrete-event customer-journey simulator.\n"
               "A YAML scenario describes touchpoints, transitions, reviews and word of mouth;\n"
               "journeysim predicts conversion, advocacy, NPS, revenue, CLV and CAC."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(JOURNEYSIM_VERSION));

  std::string file;
  bool quiet = false;
  bool json = false;
  std::string out;
  std::string strategy;

  auto* validate = app.add_subcommand("validate", "Check a scenario file; errors as file:line:col (exit 2)");
  validate->add_option("file", file, "Scenario YAML")->required();
  validate->add_flag("--quiet,-q", quiet, "Print errors only, not warnings");

  std::string format = "dot";
  auto* graph = app.add_subcommand("graph", "Export the touchpoint graph (Graphviz DOT or JSON)");
  graph->add_option("file", file, "Scenario YAML")->required();
  graph->add_option("--format,-f", format, "dot or json")->check(CLI::IsMember({"dot", "json"}));
  graph->add_option("--out,-o", out, "Write to this file instead of standard output");
  graph->add_option("--strategy,-s", strategy, "Apply a named strategy from the scenario first");

  auto* analyze = app.add_subcommand("analyze", "Exact absorbing-Markov-chain analysis of the static journey");
  analyze->add_option("file", file, "Scenario YAML")->required();
  analyze->add_flag("--json", json, "Print one JSON object");
  analyze->add_option("--strategy,-s", strategy, "Apply a named strategy from the scenario first");

  RunCommand run_command;
  auto* run = app.add_subcommand("run", "Simulate the scenario and print its results");
  run->add_option("file", run_command.file, "Scenario YAML")->required();
  run->add_option("--threads,-t", run_command.threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(0u, journeysim::max_threads));
  run->add_option("--seed", run_command.seed, "Random seed (overrides the scenario's)")
      ->check(whole_number_below_2_64);
  run->add_option("--market-size", run_command.market_size, "Potential customers (overrides market.size)")
      ->check(CLI::PositiveNumber);
  run->add_option("--replications,-r", run_command.replications,
                  "Independent replications; 95% confidence intervals across them")
      ->check(CLI::Range(1u, 1000000u));
  run->add_option("--strategy,-s", run_command.strategy, "Apply a named strategy from the scenario");
  run->add_option("--max-events", run_command.max_events,
                  "Per-customer event cap; journeys hitting it are reported as truncated")
      ->check(CLI::PositiveNumber);
  run->add_flag("--json", run_command.json, "Print results as one JSON object");
  run->add_option("--out,-o", run_command.out, "Write results to an HDF5 file (atomically)");
  run->add_flag("--quiet,-q", run_command.quiet, "No warnings, no progress bar");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : exit_bad_input;
  }

  try {
    if (*validate) {
      Diagnostics diagnostics;
      auto scenario = journeysim::load_scenario_file(file, diagnostics);
      print_diagnostics(diagnostics, quiet);
      if (!scenario) return exit_bad_input;
      std::cout << fmt::format("{}: ok — {} touchpoints, {} transitions, {} strategies\n", file,
                               scenario->touchpoints.size(), scenario->transitions.size(),
                               scenario->strategies.size());
      return 0;
    }
    if (*graph) {
      auto scenario = load(file, strategy, false);
      if (!scenario) return exit_bad_input;
      write_output(out, format == "dot" ? journeysim::graph_to_dot(*scenario)
                                        : journeysim::graph_to_json(*scenario) + "\n");
      return finish_output(0);
    }
    if (*analyze) {
      auto scenario = load(file, strategy, false);
      if (!scenario) return exit_bad_input;
      const auto analysis = journeysim::analyze(*scenario);
      if (json) std::cout << json_text(journeysim::analysis_to_json(*scenario, analysis)) << '\n';
      else std::cout << journeysim::analysis_to_table(*scenario, analysis);
      return finish_output(0);
    }
    if (*run) return finish_output(run_command());
  } catch (const std::invalid_argument& error) {
    std::cerr << "journeysim: " << error.what() << '\n';
    return exit_bad_input;
  } catch (const std::exception& error) {
    std::cerr << "journeysim: error: " << error.what() << '\n';
    return 1;
  }
  return 0;
}

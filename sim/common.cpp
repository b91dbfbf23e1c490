// Helpers the subcommands share.
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <unordered_set>

#include "command.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/io.hpp"
#include "journeysim/load.hpp"

namespace cli {

using journeysim::Diagnostics;

namespace {

std::string& stored_command_line() {
  static std::string text;
  return text;
}

// `argument` as a POSIX shell reads it back: as is when it only has safe
// characters, else in single quotes (a quote inside as '\'').
std::string shell_quoted(const std::string& argument) {
  const bool safe = !argument.empty() && std::all_of(argument.begin(), argument.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_-+=@%:,./").find(c) != std::string_view::npos;
  });
  if (safe) return argument;
  std::string out = "'";
  for (char c : argument) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

void set_command_line(int argc, const char* const* argv) {
  std::string text;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) text += ' ';
    text += shell_quoted(argv[i] != nullptr ? argv[i] : "");
  }
  stored_command_line() = std::move(text);
}

const std::string& command_line() { return stored_command_line(); }

void stamp(journeysim::Results& results) {
  results.command_line = command_line();
  results.created_utc = journeysim::utc_now();
  results.git_commit = journeysim::build_git_commit();
}

namespace {
journeysim::cluster::Session* the_session = nullptr;
int the_rank = 0;  // kept when the session ends, for the messages printed after
}  // namespace

void set_cluster_session(journeysim::cluster::Session* session) {
  the_session = session;
  if (session != nullptr) the_rank = session->rank();
}

journeysim::cluster::Session& cluster_session() {
  if (the_session == nullptr) throw journeysim::InternalError("no cluster session: main sets it before any command");
  return *the_session;
}

void print_diagnostics(const Diagnostics& diagnostics, bool quiet) {
  if (the_rank != 0) return;
  // In file order, so a long list reads top to bottom alongside the file; once
  // each (a strategy reloads the file, which repeats its warnings).
  std::vector<journeysim::Diagnostic> sorted = diagnostics.all();
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return std::tie(a.location.file, a.location.line, a.location.column) <
           std::tie(b.location.file, b.location.line, b.location.column);
  });
  std::unordered_set<std::string> printed;  // a set: a file with 70,000 errors prints in linear time
  for (const auto& diagnostic : sorted) {
    if (quiet && diagnostic.severity != journeysim::Severity::error) continue;
    std::string line = diagnostic.format();
    if (!printed.insert(line).second) continue;
    std::cerr << line << '\n';
  }
}

namespace {

std::optional<journeysim::Scenario> load_with_files(const ScenarioSource& source, Diagnostics& diagnostics) {
  auto scenario = journeysim::load_scenario_file(source.file, diagnostics);
  for (const auto& path : source.strategies_files) {
    if (!scenario) break;
    if (!journeysim::load_strategies_file(path, *scenario, diagnostics)) scenario.reset();
  }
  return scenario;
}

}  // namespace

void ScenarioSource::add_to(CLI::App& command, bool with_set) {
  command.add_option("file", file, "Scenario YAML")->required();
  command.add_option("--strategy,-s", strategies,
                     "Apply a named strategy from the scenario; repeat to apply several in order");
  command.add_option("--strategies", strategies_files,
                     "Load more strategies from this file (top level `strategies:`); repeatable");
  if (with_set)
    command.add_option("--set", assignments,
                       "Set PATH=VALUE after the strategies, e.g. --set word_of_mouth.rate=0.3; repeatable");
}

std::optional<journeysim::Scenario> ScenarioSource::load_base(bool quiet) const {
  Diagnostics diagnostics;
  auto scenario = load_with_files(*this, diagnostics);
  print_diagnostics(diagnostics, quiet);
  return scenario;
}

std::optional<journeysim::Scenario> ScenarioSource::load(bool quiet) const {
  // One list of diagnostics, printed once: applying edits reloads the file,
  // which would repeat its warnings.
  Diagnostics diagnostics;
  auto scenario = load_with_files(*this, diagnostics);
  if (scenario && !(strategies.empty() && assignments.empty())) {
    std::vector<journeysim::StrategyEdit> edits;
    for (const auto& assignment : assignments)
      edits.push_back(journeysim::parse_assignment(assignment, {"--set", 0, 0}));
    scenario = journeysim::apply_strategies(*scenario, strategies, diagnostics, edits);
  }
  print_diagnostics(diagnostics, quiet);
  return scenario;
}

void SimulationOptions::add_to(CLI::App& command, std::uint32_t default_replications) {
  replications = default_replications;
  command.add_option("--threads,-t", threads, "Worker threads (0, the default: all cores)")
      ->check(CLI::Range(0u, journeysim::max_threads));
  command
      .add_option("--seed", seed, "Random seed (overrides the scenario's)")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            // CLI11 would saturate out-of-range numbers silently; a seed must be exact.
            std::uint64_t value = 0;
            const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (error != std::errc() || end != text.data() + text.size())
              return "'" + text + "' is not a whole number from 0 to 18446744073709551615";
            return "";
          },
          "UINT64"));
  // Whole-number ranges: CLI::PositiveNumber would print its range as doubles
  // with 300 digits ("not in range 2.2250738585072014e-308 to ...").
  command.add_option("--market-size", market_size, "Potential customers (overrides market.size)")
      ->check(CLI::Range(std::uint64_t{1}, journeysim::limits::max_market_size));
  command
      .add_option("--replications,-r", replications,
                  "Independent replications; 95% confidence intervals across them (default " +
                      std::to_string(default_replications) + ")")
      ->check(CLI::Range(1u, 1000000u));
  command.add_option("--max-events", max_events,
                     "Per-customer event cap (default 1000000); journeys hitting it are reported as truncated")
      ->check(CLI::Range(std::uint32_t{1}, std::numeric_limits<std::uint32_t>::max()));
  command.add_flag("--run-off", run_off,
                   "After the horizon, let purchasers' journeys run to their end (influences frozen at their "
                   "final values) and report lifetime value: net revenue per purchaser over the whole relationship");
  command.add_flag("--quiet,-q", quiet,
                   "No warnings and no progress bar; errors and results are still printed, --out still written");
}

journeysim::RunOptions SimulationOptions::run_options() const {
  journeysim::RunOptions options;
  options.threads = threads;
  options.seed = seed;
  options.market_size = market_size;
  options.replications = replications;
  options.max_events_per_customer = max_events;
  options.run_off = run_off;
  return options;
}

void SimulationOptions::warn_about_threads() const {
  const unsigned cores = std::thread::hardware_concurrency();
  if (quiet || cores == 0 || threads <= cores) return;
  std::cerr << "journeysim: warning: --threads " << threads << " is more than the " << cores
            << " cores here; the extra threads only take turns (0 means all cores)\n";
}

unsigned SimulationOptions::threads_for(const journeysim::cluster::Session& session) const {
  if (session.rank() == 0) warn_about_threads();
  return session.distributed() && threads == 0 ? session.default_threads() : threads;
}

std::string json_text(const nlohmann::json& json) {
  return json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

void check_output_file(const std::string& path) {
  try {
    journeysim::check_output_path(path);
  } catch (const std::runtime_error& error) {
    throw journeysim::InputError(error.what());
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

int finish_output(int code) {
  std::cout.flush();
  if (code == 0 && !std::cout) {
    std::cerr << "journeysim: error: cannot write to standard output\n";
    return exit_failure;
  }
  return code;
}

bool stderr_is_terminal() { return isatty(STDERR_FILENO) != 0; }

}  // namespace cli

#pragma once
// The command-line program's pieces: one Command object per subcommand
// (validate, graph, analyze, run, compare, sweep, fit, attribute), each registering its own
// options, and the helpers they share.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "journeysim/cluster.hpp"
#include "journeysim/diagnostics.hpp"
#include "journeysim/ensemble.hpp"
#include "journeysim/scenario.hpp"

namespace cli {

constexpr int exit_ok = 0;
constexpr int exit_failure = 1;    // the environment failed (a file could not be written) or a bug
constexpr int exit_bad_input = 2;  // the user can fix it: a scenario, an option

class Command {
 public:
  virtual ~Command() = default;
  bool selected() const { return subcommand_ != nullptr && subcommand_->parsed(); }
  virtual int run() = 0;

 protected:
  CLI::App* subcommand_ = nullptr;
};

std::unique_ptr<Command> validate_command(CLI::App& app);
std::unique_ptr<Command> graph_command(CLI::App& app);
std::unique_ptr<Command> analyze_command(CLI::App& app);
std::unique_ptr<Command> run_command(CLI::App& app);
std::unique_ptr<Command> compare_command(CLI::App& app);
std::unique_ptr<Command> sweep_command(CLI::App& app);
std::unique_ptr<Command> fit_command(CLI::App& app);
std::unique_ptr<Command> attribute_command(CLI::App& app);
std::unique_ptr<Command> report_command(CLI::App& app);

// The command line as typed, for the provenance result files keep: main sets
// it from argv; arguments are quoted for a POSIX shell where they need it.
void set_command_line(int argc, const char* const* argv);
const std::string& command_line();

// Fills a result's provenance: command_line(), created_utc = now (call it
// when the run has finished) and git_commit = the commit of this build.
void stamp(journeysim::Results& results);

// The process's MPI session (main owns it): distributed when started as one
// of several processes. Only rank 0 reports diagnostics; the others run silent.
void set_cluster_session(journeysim::cluster::Session* session);
// " (rank 3)" on ranks other than 0, for their messages; empty on rank 0.
inline std::string rank_suffix(int rank) { return rank == 0 ? "" : " (rank " + std::to_string(rank) + ")"; }
journeysim::cluster::Session& cluster_session();

// Diagnostics on stderr in file order, each once; warnings unless quiet.
// Nothing on ranks other than 0 of a distributed run (rank 0 says it).

void print_diagnostics(const journeysim::Diagnostics& diagnostics, bool quiet);

// Loads a scenario, adds --strategies files, applies strategies then edits,
// in order. Prints diagnostics; empty on error.
struct ScenarioSource {
  std::string file;
  std::vector<std::string> strategies_files;
  std::vector<std::string> strategies;  // applied in order
  std::vector<std::string> assignments;  // --set PATH=VALUE, applied after the strategies

  // FILE, --strategy (repeatable), --strategies, and --set when `with_set`.
  void add_to(CLI::App& command, bool with_set = true);

  std::optional<journeysim::Scenario> load_base(bool quiet) const;  // the file and --strategies files only
  std::optional<journeysim::Scenario> load(bool quiet) const;       // with strategies and --set applied
};

// Options every simulating command shares.
struct SimulationOptions {
  unsigned threads = 0;
  std::optional<std::uint64_t> seed;
  std::optional<std::uint64_t> market_size;
  std::uint32_t replications = 1;
  std::uint32_t max_events = 1'000'000;
  bool run_off = false;
  bool quiet = false;

  void add_to(CLI::App& command, std::uint32_t default_replications);
  journeysim::RunOptions run_options() const;
  // More threads than cores only adds switching: say so (unless quiet).
  void warn_about_threads() const;
  // --threads, else (0) all cores, or as one of several processes its share
  // of this machine's cores; warns once (rank 0) of more threads than cores.
  unsigned threads_for(const journeysim::cluster::Session& session) const;
};

// Names in a scenario need not be valid UTF-8; JSON output must be.
std::string json_text(const nlohmann::json& json);

// An output path that cannot be written is bad input (InputError), found
// before a long run rather than after it.
void check_output_file(const std::string& path);

// Text to `out`, or to stdout when out is "" or "-".
void write_output(const std::string& out, const std::string& text);

// A result that could not be written is a failure: scripts read the exit code.
int finish_output(int code);

// Is stderr a terminal (for progress bars)?
bool stderr_is_terminal();

}  // namespace cli

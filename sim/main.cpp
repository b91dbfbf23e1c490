// journeysim: the command-line program. Each subcommand is a Command (command.hpp).
#include <chrono>
#include <iostream>
#include <thread>
#include <optional>

#include <fmt/format.h>

#include "command.hpp"
#include "journeysim/cluster.hpp"
#include "journeysim/diagnostics.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/partition.hpp"
#include "journeysim/runtime.hpp"

int main(int argc, char** argv) {
  // SIGINT, SIGTERM, SIGHUP: stop at the next step, say what was cut short,
  // leave no temporary file (journeysim/runtime.hpp).
  journeysim::runtime::install_signal_handlers();
  cli::set_command_line(argc, argv);
  CLI::App app{"journeysim — discrete-event customer-journey simulator.\n"
               "A YAML scenario describes touchpoints, transitions, reviews and word of mouth;\n"
               "journeysim predicts conversion, advocacy, NPS, revenue, CLV and CAC,\n"
               "compares strategies with confidence intervals and sweeps parameters.\n"
               "Exit codes: 0 ok, 1 failure (a file could not be written, or a bug), 2 bad input."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(JOURNEYSIM_VERSION));

  std::vector<std::unique_ptr<cli::Command>> commands;
  commands.push_back(cli::validate_command(app));
  commands.push_back(cli::graph_command(app));
  commands.push_back(cli::analyze_command(app));
  commands.push_back(cli::run_command(app));
  commands.push_back(cli::compare_command(app));
  commands.push_back(cli::sweep_command(app));
  commands.push_back(cli::fit_command(app));
  commands.push_back(cli::attribute_command(app));
  commands.push_back(cli::report_command(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // Started as several processes, each parses the same command line: one says it.
    if (journeysim::cluster::detect_launch().rank != 0) return error.get_exit_code() == 0 ? cli::exit_ok : cli::exit_bad_input;
    const int code = app.exit(error);
    return code == 0 ? cli::finish_output(cli::exit_ok) : cli::exit_bad_input;  // --help, --version: printed?
  }

  // MPI, when started as one of several processes. An error while points
  // are running on other ranks ends them all (MPI_Abort), once it is said:
  // they may be waiting for this one.
  std::optional<journeysim::cluster::Session> session;
  // The launcher's word until MPI's: a build without MPI refuses on every
  // process, and rank 0 alone says why.
  int rank = journeysim::cluster::detect_launch().rank;
  const auto end_with = [&session](int code) {
    if (session && session->work_in_flight()) session->abort(code);
    return code;
  };
  try {
    session.emplace();
    cli::set_cluster_session(&*session);
    rank = session->rank();
    // sweep shares out points; run and compare split each market across the processes.
    if (session->distributed() && !app.got_subcommand("sweep") && !app.got_subcommand("run") &&
        !app.got_subcommand("compare")) {
      if (rank != 0) return cli::exit_bad_input;  // rank 0 says why
      throw journeysim::InputError(fmt::format(
          "started as {} processes: only `run`, `compare` and `sweep` run distributed; run `{}` as one process",
          session->size(), app.get_subcommands().front()->get_name()));
    }
    for (const auto& command : commands)
      if (command->selected()) return cli::finish_output(command->run());
  } catch (const journeysim::Interrupted& error) {
    // The progress bar cleared its line as the stack unwound; say what stopped (rank 0 for all).
    std::cout.flush();
    if (rank == 0) std::cerr << "journeysim: " << error.what() << '\n';
    // A sweep's ranks end together by MPI_Abort: the others give rank 0 a
    // moment to say what was kept (and to end the job itself) first.
    if (rank != 0 && session && session->work_in_flight()) std::this_thread::sleep_for(std::chrono::seconds(2));
    return end_with(journeysim::runtime::exit_code_for(error.signal()));
  } catch (const journeysim::PeerFailed& peer) {
    // Another process failed a step all had to pass; it, or rank 0, said why.
    if (rank == 0)
      std::cerr << fmt::format("journeysim: rank {} stopped with exit status {}; it says why above (ranks "
                               "other than 0 print no messages about the scenario: check that rank {} can read "
                               "the same files)\n",
                               peer.failed_rank(), peer.exit_code(), peer.failed_rank());
    return end_with(peer.exit_code());
  } catch (const journeysim::RankFailed& error) {  // this rank alone failed: it speaks
    std::cerr << "journeysim" << cli::rank_suffix(rank) << ": " << journeysim::escape_for_terminal(error.what())
              << '\n';
    return end_with(error.exit_code());
  } catch (const journeysim::ScenarioError& error) {
    cli::print_diagnostics(error.diagnostics, false);
    return end_with(cli::exit_bad_input);
  } catch (const journeysim::InternalError& error) {
    // Messages can hold names from files and paths: escaped, like diagnostics.
    std::cerr << "journeysim" << cli::rank_suffix(rank)
              << ": internal error: " << journeysim::escape_for_terminal(error.what())
              << "\nThis is a bug in journeysim, not in your input; please report it with the command line.\n";
    return end_with(cli::exit_failure);
  } catch (const std::invalid_argument& error) {  // InputError and the library's argument checks
    // Every process reads the same input: rank 0 says what is wrong with it.
    // One that fails while the others work (out of memory, say) says why itself.
    if (rank != 0 && !(session && session->work_in_flight())) return end_with(cli::exit_bad_input);
    std::cerr << "journeysim" << cli::rank_suffix(rank) << ": " << journeysim::escape_for_terminal(error.what())
              << '\n';
    return end_with(cli::exit_bad_input);
  } catch (const std::exception& error) {
    std::cerr << "journeysim" << cli::rank_suffix(rank) << ": error: " << journeysim::escape_for_terminal(error.what())
              << '\n';
    return end_with(cli::exit_failure);
  }
  return cli::exit_ok;
}

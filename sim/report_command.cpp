// journeysim report: run, compare and sweep files → one self-contained HTML
// page with inline SVG charts.
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/io.hpp"
#include "journeysim/report.hpp"

namespace cli {

namespace {

constexpr const char* kDescription =
    "Write an HTML report of result files: KPI cards with 95% CIs, a Sankey diagram of customer\n"
    "flows, the stage view and daily series of a run (journeysim run --out); delta bars and arms side\n"
    "by side of a comparison (journeysim compare --out); metric curves or heat maps of a sweep\n"
    "(journeysim sweep --out). One self-contained file: no scripts, no fonts, no network.\n"
    "\n"
    "With --steps, a comparison also gets a \"Step by step\" section: each arm minus the arm before it\n"
    "(the first arm minus the baseline), from the file's arm-vs-arm differences: an ablation ladder's\n"
    "rungs, one mechanism at a time.\n"
    "\n"
    "  journeysim report RESULT.h5 [MORE.h5 ...] -o report.html [--steps] [--title TEXT]";

class ReportCommand : public Command {
 public:
  explicit ReportCommand(CLI::App& app) {
    subcommand_ = app.add_subcommand("report", kDescription);
    subcommand_->add_option("files", files_, "Result files (HDF5) from run, compare or sweep --out")->required();
    subcommand_->add_option("--out,-o", out_, "The HTML file to write (required)")->required();
    subcommand_->add_flag("--steps", options_.steps,
                          "Comparisons: also show each arm minus the arm before it (the first minus the baseline), "
                          "with 95% CIs, from the file's arm-vs-arm differences (/pairs)");
    subcommand_->add_option("--title", options_.title, "The page's title and heading (default: journeysim report: FILE)");
    subcommand_->add_flag("--quiet,-q", quiet_, "Do not say what was written");
  }

  int run() override {
    // A path that cannot be written is found before any file is read.
    check_output_file(out_);
    std::vector<journeysim::ReportSource> sources;
    for (const std::string& file : files_) {
      try {
        sources.push_back(journeysim::read_report_source(file));
      } catch (const journeysim::InputError&) {
        throw;
      } catch (const std::runtime_error& error) {
        // HDF5 failing part-way through a file we were given is a damaged
        // input the user can replace, not a failure of this program.
        throw journeysim::InputError(fmt::format("cannot read '{}': {}", file, error.what()));
      }
    }
    const std::string html = journeysim::report_html(sources, options_);
    journeysim::write_text_atomically(out_, html);
    if (!quiet_) std::cerr << fmt::format("Wrote {} ({:.1f} kB)\n", out_, static_cast<double>(html.size()) / 1000.0);
    return exit_ok;
  }

 private:
  std::vector<std::string> files_;
  std::string out_;
  bool quiet_ = false;
  journeysim::ReportOptions options_;
};

}  // namespace

std::unique_ptr<Command> report_command(CLI::App& app) { return std::make_unique<ReportCommand>(app); }

}  // namespace cli

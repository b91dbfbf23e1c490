// Outputs that scripts and readers can trust, end to end: every JSON key is
// documented in scenarios/README.md; result files and JSON say how they were
// made; --quiet means the same for every command; undefined sweep means
// print "n/a"; an initial awareness that leaks is a warning.
#include <algorithm>
#include <cmath>
#include <limits>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <H5Cpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_test_support.hpp"
#include "journeysim/io.hpp"
#include "journeysim/sweep.hpp"

using journeysim::cli_testing::CliResult;
using journeysim::cli_testing::contains;
using journeysim::cli_testing::kTinyScenario;
using journeysim::cli_testing::parse_json;
using journeysim::cli_testing::read_text;
using journeysim::cli_testing::run_cli;
using journeysim::cli_testing::scenario_path;
using journeysim::cli_testing::TempDir;
using journeysim::cli_testing::tiny_with_warning;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The "## JSON output" section of scenarios/README.md.
std::string json_output_section() {
  const std::string readme = read_text(std::string(JOURNEYSIM_SOURCE_DIR) + "/scenarios/README.md");
  const auto start = readme.find("\n## JSON output\n");
  if (start == std::string::npos) return "";
  const auto end = readme.find("\n## ", start + 1);
  return readme.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// Every key of `object` that the section does not name as `key`.
std::vector<std::string> undocumented(const json& object, const std::string& section, const std::string& where,
                                      const std::set<std::string>& skip = {}) {
  std::vector<std::string> missing;
  for (const auto& item : object.items()) {
    if (skip.count(item.key())) continue;
    if (!contains(section, "`" + item.key() + "`")) missing.push_back(where + item.key());
  }
  return missing;
}

bool is_utc_time(const std::string& text) {
  return text.size() == 20 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':' &&
         text.back() == 'Z';
}

TEST(CliOutputs, EveryJsonKeyIsDocumentedInTheFormatReference) {
  const std::string section = json_output_section();
  ASSERT_FALSE(section.empty()) << "scenarios/README.md has no '## JSON output' section";
  const CliResult r = run_cli({"run", scenario_path("ecosystem.yaml"), "--market-size", "20000", "--json", "-r", "2"});
  ASSERT_EQ(r.exit_code, 0) << r;
  const json j = parse_json(r);
  ASSERT_TRUE(j.is_object());
  std::vector<std::string> missing = undocumented(j, section, "");
  const auto add = [&](const json& object, const std::string& where, const std::set<std::string>& skip = {}) {
    const std::vector<std::string> more = undocumented(object, section, where, skip);
    missing.insert(missing.end(), more.begin(), more.end());
  };
  ASSERT_TRUE(j.contains("metrics") && j["metrics"].is_object());
  EXPECT_GT(j["metrics"].size(), 25u);
  add(j["metrics"], "metrics.");
  for (const auto& metric : j["metrics"].items()) add(metric.value(), "metrics." + metric.key() + ".");
  add(j["touchpoints"].at(0), "touchpoints[].");
  add(j["touchpoints"].at(0)["ci95"], "touchpoints[].ci95.");
  add(j["flows"].at(0), "flows[].");
  add(j["segments"].at(0), "segments[].");
  add(j["segments"].at(0)["ci95"], "segments[].ci95.");
  add(j["series"], "series.");
  add(j["runs"].at(0), "runs[].");
  EXPECT_TRUE(missing.empty()) << "not in scenarios/README.md '## JSON output': " << testing::PrintToString(missing);

  TempDir dir;
  const std::string file = dir.write("tiny.yaml", kTinyScenario);
  const CliResult c = run_cli({"compare", file, "-s", "better_site", "-r", "2", "--json"});
  ASSERT_EQ(c.exit_code, 0) << c;
  const json cj = parse_json(c);
  std::vector<std::string> compare_missing = undocumented(cj, section, "compare.");
  for (const auto& item : cj["strategies"]["better_site"].items())
    if (!contains(section, "`strategies.<arm>." + item.key()))
      compare_missing.push_back("compare.strategies.<arm>." + item.key());
  EXPECT_TRUE(compare_missing.empty()) << testing::PrintToString(compare_missing);
}

// ---- provenance ----------------------------------------------------------------

TEST(CliProvenance, CompareStampsJsonAndItsFile) {
  TempDir dir;
  const std::string file = dir.write("my tiny.yaml", kTinyScenario);
  const std::string out = dir / "compare.h5";
  const CliResult r = run_cli({"compare", file, "-s", "better_site", "-r", "2", "--json", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r;
  const json j = parse_json(r);
  // As typed, the path with a space quoted so it can be pasted back into a shell.
  const std::string command = j.value("command_line", "");
  EXPECT_TRUE(contains(command, "compare '" + file + "' -s better_site -r 2 --json --out")) << command;
  EXPECT_TRUE(is_utc_time(j.value("created_utc", ""))) << j.value("created_utc", "");
  EXPECT_EQ(j.value("git_commit", ""), journeysim::build_git_commit());
  EXPECT_EQ(j["baseline"].value("command_line", ""), command);
  EXPECT_EQ(j["strategies"]["better_site"]["result"].value("created_utc", ""), j.value("created_utc", ""));
  EXPECT_EQ(j["baseline"]["run_off"], false);

  const journeysim::Comparison read = journeysim::read_comparison_hdf5(out);
  EXPECT_EQ(read.baseline.command_line, command);
  EXPECT_EQ(read.arms.at(0).git_commit, journeysim::build_git_commit());
  EXPECT_TRUE(is_utc_time(read.baseline.created_utc));
}

TEST(CliProvenance, SweepFileKeepsHowItWasMade) {
  TempDir dir;
  const std::string file = dir.write("tiny.yaml", kTinyScenario);
  const std::string out = dir / "sweep.h5";
  const CliResult r = run_cli({"sweep", file, "--param", "transitions.site.shop=list:0.1,0.2", "-r", "2",
                               "--market-size", "2000", "--threads", "1", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r;
  const journeysim::SweepData data = journeysim::read_sweep_hdf5(out);
  EXPECT_TRUE(contains(data.command_line, "sweep " + file + " --param transitions.site.shop=list:0.1,0.2"))
      << data.command_line;
  EXPECT_TRUE(is_utc_time(data.created_utc)) << data.created_utc;
  EXPECT_EQ(data.git_commit, journeysim::build_git_commit());
  EXPECT_EQ(data.threads, 1u);
}

// Needs `run` to call cli::stamp(results) once the run has finished.
TEST(CliProvenance, RunStampsJsonAndItsFile) {
  TempDir dir;
  const std::string file = dir.write("tiny.yaml", kTinyScenario);
  const std::string out = dir / "run.h5";
  const CliResult r = run_cli({"run", file, "--json", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r;
  const json j = parse_json(r);
  EXPECT_TRUE(contains(j.value("command_line", ""), "run " + file + " --json --out " + out)) << j;
  EXPECT_TRUE(is_utc_time(j.value("created_utc", "")));
  EXPECT_EQ(j.value("git_commit", ""), journeysim::build_git_commit());
  const journeysim::Results read = journeysim::read_results_hdf5(out);
  EXPECT_EQ(read.command_line, j.value("command_line", ""));
  EXPECT_EQ(read.created_utc, j.value("created_utc", ""));
}

// ---- one set of statistics: JSON, run files and sweep files agree -----------------

double attribute_of(const H5::DataSet& dataset, const char* name) {
  double value = 0.0;
  dataset.openAttribute(name).read(H5::PredType::NATIVE_DOUBLE, &value);
  return value;
}

// JSON's number, or NaN for its null: what HDF5 must hold for the same statistic.
double json_number(const json& value) {
  return value.is_null() ? std::numeric_limits<double>::quiet_NaN() : value.get<double>();
}

bool same_number(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

// Writers render the statistics module's numbers only: with 3 replications of
// a 300-customer market several t-intervals reach below 0 (reviews,
// in_progress, cost_retention), and the file must hold them clipped as JSON
// does, for every headline metric, in a run file (/summary/<metric>
// attributes) and in a sweep file (/summary/<metric> [point, 3]) alike.
TEST(CliOutputs, JsonAndHdf5ConfidenceIntervalsAreTheSame) {
  TempDir dir;
  const std::string out = dir / "run.h5", swept = dir / "sweep.h5";
  const std::string scenario = scenario_path("ecosystem.yaml");
  const CliResult r = run_cli({"run", scenario, "--market-size", "300", "-r", "3", "--json", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r;
  const json metrics = parse_json(r)["metrics"];
  // One point whose value is the scenario's own (search costs 1.20): the same runs.
  const CliResult s = run_cli({"sweep", scenario, "--param", "touchpoints.search.cost=list:1.2", "--market-size",
                               "300", "-r", "3", "--out", swept, "--quiet"});
  ASSERT_EQ(s.exit_code, 0) << s;
  const journeysim::SweepData data = journeysim::read_sweep_hdf5(swept);
  const H5::H5File file(out, H5F_ACC_RDONLY);
  std::size_t clipped = 0;
  ASSERT_EQ(data.metric_keys.size(), metrics.size());
  for (std::size_t k = 0; k < data.metric_keys.size(); ++k) {
    const std::string& key = data.metric_keys[k];
    SCOPED_TRACE(key);
    const json& metric = metrics.at(key);
    const double mean = json_number(metric["mean"]), low = json_number(metric["ci95_low"]),
                 high = json_number(metric["ci95_high"]);
    const H5::DataSet summary = file.openDataSet("/summary/" + key);
    EXPECT_TRUE(same_number(attribute_of(summary, "mean"), mean));
    EXPECT_TRUE(same_number(attribute_of(summary, "ci95_low"), low)) << attribute_of(summary, "ci95_low") << " vs " << low;
    EXPECT_TRUE(same_number(attribute_of(summary, "ci95_high"), high));
    EXPECT_TRUE(same_number(data.summary[k][0], mean));
    EXPECT_TRUE(same_number(data.summary[k][1], low)) << data.summary[k][1] << " vs " << low;
    EXPECT_TRUE(same_number(data.summary[k][2], high));
    if (low == 0.0) ++clipped;
  }
  EXPECT_GE(clipped, 3u) << "the case this test is about: intervals clipped at 0";
}

// ---- the table notes truncated journeys ---------------------------------------------

TEST(CliOutputs, TableNotesJourneysStoppedByTheEventCap) {
  TempDir dir;
  const std::string file = dir.write("tiny.yaml", kTinyScenario);
  const CliResult capped = run_cli({"run", file, "--max-events", "2"});
  ASSERT_EQ(capped.exit_code, 0) << capped;
  std::string out = capped.out;  // the note is wrapped
  std::replace(out.begin(), out.end(), '\n', ' ');
  EXPECT_TRUE(contains(out, "journeys hit the per-customer event cap")) << capped.out;
  EXPECT_TRUE(contains(out, "later events were not simulated")) << capped.out;
  EXPECT_TRUE(contains(out, "--max-events N (default 1,000,000")) << capped.out;
  const CliResult plain = run_cli({"run", file});
  ASSERT_EQ(plain.exit_code, 0) << plain;
  EXPECT_FALSE(contains(plain.out, "event cap and were stopped")) << plain.out;
}

// ---- sweep summaries ------------------------------------------------------------------

TEST(CliSweepSummary, UndefinedMeansPrintNotAvailable) {
  TempDir dir;
  const std::string file = dir.write("tiny.yaml", kTinyScenario);
  // At site->shop 0 nobody buys: NPS over no purchasers is undefined.
  const CliResult r = run_cli({"sweep", file, "--param", "transitions.site.shop=list:0,0.2", "-r", "2",
                               "--market-size", "2000", "--out", dir / "s.h5"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(contains(r.out, "n/a")) << r.out;
  EXPECT_FALSE(contains(r.out, "nan")) << r.out;
}

// ---- initial awareness that leaks ------------------------------------------------------

constexpr const char* kLeakyInitial = R"(name: leaky
horizon_days: 5
market: {size: 100}
awareness:
  initial: {share: 0.5, via: {ad: 0.6, shop: 0.3}}
  channels: [{via: ad, rate: 0.01}]
touchpoints:
  ad:   {stage: awareness}
  shop: {stage: purchase, purchase: {revenue: 20}}
transitions:
  ad: {shop: 0.3}
)";

TEST(CliValidate, InitialViaSharesBelowOneWarnAtTheViaKey) {
  TempDir dir;
  const std::string file = dir.write("leaky.yaml", kLeakyInitial);
  const CliResult r = run_cli({"validate", file});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(contains(r.err, file + ":5:25: warning: the via shares sum to 0.9: a share 0.1 of the initially "
                                     "aware enter no touchpoint and are counted as aware but drop off at once; "
                                     "make them sum to 1"))
      << r.err;
  // Summing to 1, or no one aware at day 0: nothing to say.
  std::string whole = kLeakyInitial;
  whole.replace(whole.find("shop: 0.3}}"), 11, "shop: 0.4}}");
  EXPECT_EQ(run_cli({"validate", dir.write("whole.yaml", whole)}).err, "");
  std::string none = kLeakyInitial;
  none.replace(none.find("share: 0.5"), 10, "share: 0.0");
  EXPECT_EQ(run_cli({"validate", dir.write("none.yaml", none)}).err, "");
}

TEST(CliValidate, ShippedScenariosHaveNoWarnings) {
  for (const auto& entry : fs::directory_iterator(std::string(JOURNEYSIM_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    const CliResult r = run_cli({"validate", entry.path().string()});
    EXPECT_EQ(r.exit_code, 0) << r;
    EXPECT_EQ(r.err, "") << r;
  }
}

// ---- --quiet ---------------------------------------------------------------------------

// A command with and without --quiet on a scenario that warns: the results
// are the same, only warnings (and progress bars) go.
struct QuietCase {
  std::vector<std::string> args;
  std::string result;  // what stdout must hold either way
  std::string file;    // an --out file that must be written either way ("" for none)
};

TEST(CliQuiet, NeverSuppressesResultsOnlyWarnings) {
  TempDir dir;
  const std::string file = dir.write("warns.yaml", tiny_with_warning());
  const std::string small = "2000";
  const std::vector<QuietCase> cases{
      {{"validate", file}, ": ok", ""},
      {{"run", file, "--market-size", small}, "Conversion rate", ""},
      {{"run", file, "--market-size", small, "--json"}, "\"conversion_rate\"", ""},
      {{"run", file, "--market-size", small, "--out", dir / "run.h5"}, "Conversion rate", dir / "run.h5"},
      {{"run", file, "--market-size", small, "--json", "--out", dir / "run2.h5"}, "\"conversion_rate\"",
       dir / "run2.h5"},
      {{"compare", file, "-s", "better_site", "-r", "2", "--market-size", small}, "better_site vs baseline", ""},
      {{"compare", file, "-s", "better_site", "-r", "2", "--market-size", small, "--json"}, "\"strategies\"", ""},
      {{"compare", file, "-s", "better_site", "-r", "2", "--market-size", small, "--out", dir / "c.h5"},
       "better_site vs baseline", dir / "c.h5"},
      {{"sweep", file, "--param", "transitions.site.shop=list:0.1,0.2", "-r", "2", "--market-size", small, "--out",
        dir / "s.h5"},
       "Swept 2 points", dir / "s.h5"},
  };
  for (const QuietCase& c : cases) {
    for (const bool quiet : {false, true}) {
      if (!c.file.empty()) fs::remove(c.file);
      std::vector<std::string> args = c.args;
      if (quiet) args.push_back("--quiet");
      const CliResult r = run_cli(args);
      SCOPED_TRACE(r.command);
      ASSERT_EQ(r.exit_code, 0) << r;
      EXPECT_TRUE(contains(r.out, c.result)) << r;
      if (!c.file.empty()) EXPECT_TRUE(fs::exists(c.file)) << r;
      if (quiet) EXPECT_EQ(r.err, "") << r;
      else EXPECT_TRUE(contains(r.err, "warning:")) << r;
    }
  }
  // Errors are not warnings: --quiet still prints them.
  const std::string bad = dir.write("bad.yaml", "horizon_days: 5\n");
  for (const char* command : {"validate", "run"}) {
    const CliResult r = run_cli({command, bad, "--quiet"});
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(contains(r.err, "error:")) << r;
  }
}

TEST(CliQuiet, HelpSaysResultsAreStillPrinted) {
  for (const char* command : {"validate", "run", "compare", "sweep"}) {
    const CliResult r = run_cli({command, "--help"});
    ASSERT_EQ(r.exit_code, 0) << r;
    std::string line;
    for (const std::string& candidate : journeysim::cli_testing::lines_of(r.out))
      if (contains(candidate, "--quiet")) line = candidate;
    EXPECT_TRUE(contains(line, "results are still printed")) << command << ": " << line;
    EXPECT_FALSE(contains(line, "errors only")) << command << ": " << line;
  }
}

}  // namespace

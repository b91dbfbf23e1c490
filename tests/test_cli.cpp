// End-to-end tests of the `journeysim` program, part 1: validate, graph,
// analyze and command-line usage. The real binary runs as a subprocess; see
// cli_test_support.hpp. `run` is in test_cli_run.cpp.
#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_test_support.hpp"

using journeysim::cli_testing::contains;
using journeysim::cli_testing::kTinyScenario;
using journeysim::cli_testing::lines_of;
using journeysim::cli_testing::parse_json;
using journeysim::cli_testing::read_text;
using journeysim::cli_testing::run_cli;
using journeysim::cli_testing::scenario_path;
using journeysim::cli_testing::TempDir;
using journeysim::cli_testing::tiny_with_warning;
using nlohmann::json;

namespace {

constexpr int kBadInput = 2;

// One `path:line:col: severity: message` line of stderr.
struct Located {
  std::string path;
  int line = 0;
  int column = 0;
  std::string severity;
  std::string message;
};

std::vector<Located> located_lines(const std::string& err) {
  static const std::regex pattern(R"(^(.+):(\d+):(\d+): (error|warning): (.+)$)");
  std::vector<Located> found;
  for (const auto& line : lines_of(err)) {
    std::smatch m;
    if (std::regex_match(line, m, pattern))
      found.push_back({m[1], std::stoi(m[2]), std::stoi(m[3]), m[4], m[5]});
  }
  return found;
}

}  // namespace

// ---- validate ------------------------------------------------------------------

TEST(CliValidate, GoodFilesExitZeroAndSayOk) {
  TempDir dir;
  for (const auto& file : {scenario_path("funnel.yaml"), scenario_path("ecosystem.yaml"),
                           dir.write("tiny.yaml", kTinyScenario)}) {
    const auto r = run_cli({"validate", file});
    ASSERT_TRUE(r.exited()) << r;
    EXPECT_EQ(r.exit_code, 0) << r;
    EXPECT_TRUE(contains(r.out, file + ": ok")) << r;
    EXPECT_EQ(r.err, "") << r;
  }
  const auto tiny = run_cli({"validate", dir / "tiny.yaml"});
  EXPECT_TRUE(contains(tiny.out, "3 touchpoints")) << tiny;
  EXPECT_TRUE(contains(tiny.out, "2 strategies")) << tiny;
}

TEST(CliValidate, ReportsEveryErrorAsPathLineColumnWithHints) {
  TempDir dir;
  const std::string file = dir.write("bad.yaml",
                                     "name: bad\n"                                         // 1
                                     "horizon_days: 30\n"                                  // 2
                                     "market:\n"                                           // 3
                                     "  size: 1000\n"                                      // 4
                                     "awareness:\n"                                        // 5
                                     "  channels:\n"                                       // 6
                                     "    - {via: ad, rate: 0.01}\n"                       // 7
                                     "touchpoints:\n"                                      // 8
                                     "  ad: {stage: awareness, cost: 1.0}\n"               // 9
                                     "  site:\n"                                           // 10
                                     "    stage: consideration\n"                          // 11
                                     "    experiance: 0.7\n"                               // 12
                                     "  shop: {stage: purchase, purchase: {revenue: 10}}\n"  // 13
                                     "transitions:\n"                                      // 14
                                     "  ad: {site: 0.5, shop: 0.2}\n"                      // 15
                                     "  site: {shop: 1.5}\n"                               // 16
                                     "  shop: {nowhere: 0.2}\n");                          // 17
  const auto r = run_cli({"validate", file});
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, kBadInput) << r;
  EXPECT_FALSE(contains(r.out, "ok")) << r;

  const auto errors = located_lines(r.err);
  auto find = [&](const std::string& needle) -> const Located* {
    for (const auto& e : errors)
      if (contains(e.message, needle)) return &e;
    return nullptr;
  };
  // All three are reported, not just the first.
  const Located* unknown = find("experiance");
  const Located* probability = find("1.5");
  const Located* undefined = find("nowhere");
  ASSERT_NE(unknown, nullptr) << r;
  ASSERT_NE(probability, nullptr) << r;
  ASSERT_NE(undefined, nullptr) << r;
  for (const Located* e : {unknown, probability, undefined}) {
    EXPECT_EQ(e->path, file) << r;
    EXPECT_EQ(e->severity, "error") << r;
  }
  EXPECT_EQ(unknown->line, 12) << r;
  EXPECT_EQ(unknown->column, 5) << r;
  EXPECT_TRUE(contains(unknown->message, "did you mean 'experience'")) << r;
  EXPECT_EQ(probability->line, 16) << r;
  EXPECT_GE(probability->column, 9) << r;  // at `shop` or at its value
  EXPECT_TRUE(contains(probability->message, "between 0 and 1")) << r;
  EXPECT_EQ(undefined->line, 17) << r;
  EXPECT_EQ(undefined->column, 10) << r;
  // Every line on stderr is a located diagnostic.
  EXPECT_EQ(located_lines(r.err).size(), lines_of(r.err).size()) << r;
}

TEST(CliValidate, MissingFileExitsTwoWithClearMessage) {
  TempDir dir;
  const std::string missing = dir / "no-such-scenario.yaml";
  const auto r = run_cli({"validate", missing});
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, kBadInput) << r;
  EXPECT_TRUE(contains(r.err, missing)) << r;
  EXPECT_TRUE(contains(r.err, "error")) << r;
  EXPECT_TRUE(contains(r.err, "No such file") || contains(r.err, "does not exist") || contains(r.err, "cannot"))
      << r;
  EXPECT_EQ(r.out, "") << r;

  const auto directory = run_cli({"validate", dir.path().string()});
  ASSERT_TRUE(directory.exited()) << directory;
  EXPECT_EQ(directory.exit_code, kBadInput) << directory;
  EXPECT_TRUE(contains(directory.err, "directory")) << directory;
}

TEST(CliValidate, MalformedYamlExitsTwoWithoutCrashing) {
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"unclosed.yaml", "name: [unclosed\nhorizon_days: {a: \n  - x\n"},
      {"tab.yaml", "horizon_days: 30\n\tmarket: 3\n"},
      {"empty.yaml", ""},
      {"list.yaml", "- a\n- b\n"},
      {"scalar.yaml", "just a string\n"},
      {"anchor.yaml", "horizon_days: *nowhere\n"},
      {"duplicate.yaml", "horizon_days: 30\nhorizon_days: 40\n"},
      {"binary.yaml", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe \"\\q\x01\x02", 24)},
      {"deep.yaml", "a: " + std::string(100000, '[') + "\n"},
      {"wrong_types.yaml", "horizon_days: soon\nmarket: [1, 2]\ntouchpoints: 7\n"},
  };
  for (const auto& [name, text] : cases) {
    SCOPED_TRACE(name);
    const std::string file = dir.write(name, text);
    const auto r = run_cli({"validate", file});
    ASSERT_TRUE(r.exited()) << r;
    EXPECT_EQ(r.exit_code, kBadInput) << r;
    EXPECT_TRUE(contains(r.err, file)) << r;
    EXPECT_TRUE(contains(r.err, "error")) << r;
    EXPECT_FALSE(contains(r.out, "ok")) << r;
  }
}

TEST(CliValidate, BadStrategyPathIsAnErrorAtItsLine) {
  TempDir dir;
  const std::string file =
      dir.write("strategy.yaml", kTinyScenario + "  broken:\n    - {set: touchpoints.nosuch.cost, value: 1.0}\n");
  const auto r = run_cli({"validate", file});
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, kBadInput) << r;
  const auto errors = located_lines(r.err);
  ASSERT_FALSE(errors.empty()) << r;
  EXPECT_EQ(errors.front().line, static_cast<int>(lines_of(kTinyScenario).size()) + 2) << r;
  EXPECT_TRUE(contains(errors.front().message, "nosuch")) << r;
}

TEST(CliValidate, QuietHidesWarningsOnly) {
  TempDir dir;
  const std::string file = dir.write("warn.yaml", tiny_with_warning());
  const auto loud = run_cli({"validate", file});
  ASSERT_TRUE(loud.exited()) << loud;
  EXPECT_EQ(loud.exit_code, 0) << loud;
  const auto warnings = located_lines(loud.err);
  ASSERT_EQ(warnings.size(), 1u) << loud;
  EXPECT_EQ(warnings[0].severity, "warning") << loud;
  EXPECT_TRUE(contains(warnings[0].message, "lonely")) << loud;

  const auto quiet = run_cli({"validate", "--quiet", file});
  EXPECT_EQ(quiet.exit_code, 0) << quiet;
  EXPECT_EQ(quiet.err, "") << quiet;
  EXPECT_TRUE(contains(quiet.out, "ok")) << quiet;
}

// graph and analyze print the scenario's warnings too; --quiet means what it
// means elsewhere: no warnings, the same output, errors still printed.
TEST(CliInspect, GraphAndAnalyzeQuietHideWarningsOnly) {
  TempDir dir;
  const std::string file = dir.write("warn.yaml", tiny_with_warning());
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"graph", file, "--format", "json"}, std::vector<std::string>{"analyze", file}}) {
    const auto loud = run_cli(command);
    ASSERT_EQ(loud.exit_code, 0) << loud;
    EXPECT_TRUE(contains(loud.err, "warning")) << loud;
    std::vector<std::string> quiet_command = command;
    quiet_command.push_back("--quiet");
    const auto quiet = run_cli(quiet_command);
    EXPECT_EQ(quiet.exit_code, 0) << quiet;
    EXPECT_EQ(quiet.err, "") << quiet;
    EXPECT_EQ(quiet.out, loud.out) << quiet;
  }
  const std::string bad = dir.write("bad.yaml", "horizon_days: -1\n");
  for (const char* command : {"graph", "analyze"}) {
    const auto r = run_cli({command, bad, "-q"});
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(contains(r.err, "error")) << r;
  }
}

// ---- graph ---------------------------------------------------------------------

TEST(CliGraph, DotIsADigraphWithLabelledEdges) {
  const auto r = run_cli({"graph", scenario_path("funnel.yaml"), "--format", "dot"});
  ASSERT_TRUE(r.exited()) << r;
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.out.rfind("digraph", 0), 0u) << r;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(social_ad\s*->\s*website\s*\[[^\]]*label="0\.25")")))
      << r;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(website\s*->\s*checkout\s*\[[^\]]*label="0\.12")"))) << r;
  EXPECT_EQ(r.out.find_last_not_of(" \n"), r.out.rfind('}')) << "ends with the closing brace\n" << r;

  const auto by_default = run_cli({"graph", scenario_path("funnel.yaml")});
  EXPECT_EQ(by_default.out, r.out) << "dot is the default format";
}

TEST(CliGraph, JsonHasTouchpointsAndTransitions) {
  const auto r = run_cli({"graph", scenario_path("funnel.yaml"), "--format", "json"});
  ASSERT_TRUE(r.exited()) << r;
  ASSERT_EQ(r.exit_code, 0) << r;
  const json graph = parse_json(r);
  ASSERT_TRUE(graph.is_object()) << r;
  ASSERT_TRUE(graph.contains("touchpoints") && graph["touchpoints"].is_array()) << r;
  ASSERT_TRUE(graph.contains("transitions") && graph["transitions"].is_array()) << r;

  std::set<std::string> names;
  for (const auto& tp : graph["touchpoints"]) names.insert(tp.at("name").get<std::string>());
  EXPECT_EQ(names, (std::set<std::string>{"social_ad", "search", "website", "reviews", "checkout", "support",
                                          "loyalty_email"}));
  EXPECT_EQ(graph["transitions"].size(), 9u);  // as in funnel.yaml
  bool found = false;
  for (const auto& t : graph["transitions"]) {
    if (t.at("from") == "reviews" && t.at("to") == "checkout") {
      found = true;
      EXPECT_DOUBLE_EQ(t.at("probability").get<double>(), 0.15);
    }
  }
  EXPECT_TRUE(found) << r;
}

TEST(CliGraph, OutWritesTheFileInsteadOfStdout) {
  TempDir dir;
  const auto to_stdout = run_cli({"graph", scenario_path("ecosystem.yaml"), "-f", "json"});
  const std::string file = dir / "graph.json";
  const auto r = run_cli({"graph", scenario_path("ecosystem.yaml"), "-f", "json", "--out", file});
  ASSERT_TRUE(r.exited()) << r;
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_EQ(read_text(file), to_stdout.out);

  const std::string dot = dir / "graph.dot";
  const auto d = run_cli({"graph", scenario_path("ecosystem.yaml"), "--out", dot});
  EXPECT_EQ(d.exit_code, 0) << d;
  EXPECT_EQ(read_text(dot).rfind("digraph", 0), 0u);
  // Only the two outputs: no temporary files left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 2);
}

TEST(CliGraph, OutIntoMissingDirectoryFailsClearly) {
  TempDir dir;
  const std::string file = dir / "missing/graph.dot";
  const auto r = run_cli({"graph", scenario_path("funnel.yaml"), "--out", file});
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_NE(r.exit_code, 0) << r;
  EXPECT_TRUE(contains(r.err, dir / "missing")) << r;
  EXPECT_TRUE(contains(r.err, "does not exist")) << r;
}

TEST(CliGraph, StrategyRemovingATouchpointRemovesItFromTheGraph) {
  const auto r = run_cli({"graph", scenario_path("ecosystem.yaml"), "-f", "json", "--strategy", "drop_social"});
  ASSERT_TRUE(r.exited()) << r;
  ASSERT_EQ(r.exit_code, 0) << r;
  const json graph = parse_json(r);
  for (const auto& tp : graph["touchpoints"]) EXPECT_NE(tp.at("name"), "social_ad");
  for (const auto& t : graph["transitions"]) {
    EXPECT_NE(t.at("from"), "social_ad");
    EXPECT_NE(t.at("to"), "social_ad");
  }
}

// ---- analyze -------------------------------------------------------------------

TEST(CliAnalyze, JsonConversionProbabilityIsAProbability) {
  for (const char* name : {"funnel.yaml", "ecosystem.yaml"}) {
    const auto r = run_cli({"analyze", scenario_path(name), "--json"});
    ASSERT_TRUE(r.exited()) << r;
    ASSERT_EQ(r.exit_code, 0) << r;
    const json analysis = parse_json(r);
    ASSERT_TRUE(analysis.contains("conversion_probability")) << r;
    ASSERT_TRUE(analysis["conversion_probability"].is_number()) << r;
    const double p = analysis["conversion_probability"].get<double>();
    EXPECT_GT(p, 0.0) << r;
    EXPECT_LE(p, 1.0) << r;
  }
}

TEST(CliAnalyze, MatchesTheHandComputedChainAndFollowsStrategies) {
  TempDir dir;
  const std::string file = dir.write("tiny.yaml", kTinyScenario);
  auto conversion = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"analyze", file, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 0) << r;
    const json analysis = parse_json(r);
    return analysis.is_object() ? analysis.value("conversion_probability", -1.0) : -1.0;
  };
  EXPECT_NEAR(conversion({}), 0.08 / 0.96, 1e-12);
  EXPECT_NEAR(conversion({"--strategy", "better_site"}), 0.2 / 0.96, 1e-12);
  EXPECT_NEAR(conversion({"--strategy", "worse_site"}), 0.02 / 0.96, 1e-12);
}

TEST(CliAnalyze, TableIsReadable) {
  const auto r = run_cli({"analyze", scenario_path("funnel.yaml")});
  ASSERT_TRUE(r.exited()) << r;
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(contains(r.out, "funnel")) << r;
  EXPECT_TRUE(contains(r.out, "conversion probability")) << r;
  for (const char* touchpoint : {"social_ad", "search", "website", "reviews", "checkout"})
    EXPECT_TRUE(contains(r.out, touchpoint)) << touchpoint << '\n' << r;
  EXPECT_FALSE(contains(r.out, "{")) << "a table, not JSON\n" << r;
  EXPECT_EQ(r.err, "") << r;
}

// ---- usage ---------------------------------------------------------------------

TEST(CliUsage, BadCommandLinesExitTwo) {
  const std::string funnel = scenario_path("funnel.yaml");
  const std::vector<std::vector<std::string>> cases = {
      {},                                              // no subcommand
      {"frobnicate", funnel},                          // unknown subcommand
      {"run", funnel, "--bogus"},                      // unknown option
      {"validate", funnel, "--json"},                  // option of another subcommand
      {"run"},                                         // missing file argument
      {"validate"},
      {"graph"},
      {"analyze"},
      {"run", funnel, "--threads", "abc"},             // not a number
      {"run", funnel, "--threads"},                    // missing value
      {"run", funnel, "--seed", "-x"},
      {"run", funnel, "--replications", "0"},          // out of range
      {"run", funnel, "--market-size", "0"},
      {"run", funnel, "--market-size", "lots"},
      {"graph", funnel, "--format", "png"},            // not one of dot, svg, json
      {"run", funnel, funnel},                         // two files
  };
  for (const auto& args : cases) {
    const auto r = run_cli(args);
    ASSERT_TRUE(r.exited()) << r;
    EXPECT_EQ(r.exit_code, kBadInput) << r;
    EXPECT_FALSE(r.err.empty()) << "says what is wrong\n" << r;
    EXPECT_FALSE(contains(r.out, "Conversion rate")) << "does not run\n" << r;
  }
}

TEST(CliUsage, HelpAndVersionExitZero) {
  const auto help = run_cli({"--help"});
  EXPECT_EQ(help.exit_code, 0) << help;
  for (const char* sub : {"validate", "graph", "analyze", "run"}) EXPECT_TRUE(contains(help.out, sub)) << help;
  const auto run_help = run_cli({"run", "--help"});
  EXPECT_EQ(run_help.exit_code, 0) << run_help;
  EXPECT_TRUE(contains(run_help.out, "--strategy")) << run_help;
  const auto version = run_cli({"--version"});
  EXPECT_EQ(version.exit_code, 0) << version;
  EXPECT_TRUE(std::regex_search(version.out, std::regex(R"(\d+\.\d+)"))) << version;
}

// An unsigned option must not turn "-1" into 18446744073709551615 silently.
TEST(CliUsage, NegativeSeedIsRejected) {
  const auto r = run_cli({"run", scenario_path("funnel.yaml"), "--market-size", "1000", "--json", "--seed", "-1"});
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, kBadInput) << r;
  EXPECT_TRUE(contains(r.err, "--seed")) << r;
}

// Output that cannot be written (a full disk) is an error, not exit 0 with a
// truncated file that scripts would then read.
TEST(CliUsage, FailingToWriteStdoutIsAnError) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full here";
  const std::string funnel = scenario_path("funnel.yaml");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"run", funnel, "--market-size", "1000", "--json"},
           {"graph", funnel, "--format", "json"},
           {"analyze", funnel, "--json"}}) {
    const auto r = run_cli(args, "/dev/full");
    ASSERT_TRUE(r.exited()) << r;
    EXPECT_NE(r.exit_code, 0) << r;
    EXPECT_FALSE(r.err.empty()) << "says why\n" << r;
  }
}

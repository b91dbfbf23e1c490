// The touchpoint graph as a picture of the ecosystem: influence edges for the
// feedback loops (DOT and JSON), a run's flows as edge widths (--flows), SVG
// laid out by Graphviz (`graph --format svg`), and what happens without it.
// Tests that need Graphviz's dot skip, saying so, only where it is absent.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "cli_test_support.hpp"
#include "journeysim/graph.hpp"
#include "journeysim/load.hpp"
#include "journeysim/report.hpp"

using journeysim::cli_testing::CliResult;
using journeysim::cli_testing::contains;
using journeysim::cli_testing::kTinyScenario;
using journeysim::cli_testing::parse_json;
using journeysim::cli_testing::read_text;
using journeysim::cli_testing::run_cli;
using journeysim::cli_testing::scenario_path;
using journeysim::cli_testing::TempDir;

namespace {

bool have_dot() { return !journeysim::find_dot_program().empty(); }
constexpr const char* kNoDot = "Graphviz's dot is not installed (apt-get install graphviz; tools/setup.sh does)";

// Sets an environment variable for one scope; the CLI runs inherit it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::string dot_of(const std::string& scenario_file) {
  journeysim::Diagnostics diagnostics;
  const auto scenario = journeysim::load_scenario_file(scenario_file, diagnostics);
  EXPECT_TRUE(scenario.has_value()) << scenario_file;
  return scenario ? journeysim::graph_to_dot(*scenario) : "";
}

bool has_edge(const std::string& dot, const std::string& from, const std::string& to, const std::string& attribute) {
  const std::regex edge(std::regex_replace(from, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") + "->" +
                        std::regex_replace(to, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") + R"( \[([^\n]*)\])");
  for (auto it = std::sregex_iterator(dot.begin(), dot.end(), edge); it != std::sregex_iterator(); ++it)
    if (contains((*it)[1], attribute)) return true;
  return false;
}

CliResult must_run(const std::vector<std::string>& args) {
  CliResult result = run_cli(args, "", std::chrono::seconds(300));
  EXPECT_EQ(result.exit_code, 0) << result;
  return result;
}

}  // namespace

TEST(GraphInfluences, EcosystemDrawsBothFeedbackLoopsDashedWithALegend) {
  const std::string dot = dot_of(scenario_path("ecosystem.yaml"));
  // Purchases post reviews into the public rating, which moves reviews → checkout.
  EXPECT_NE(dot.find("\"public rating\" [label=\"public rating\\nprior 0.7"), std::string::npos) << dot;
  EXPECT_TRUE(has_edge(dot, "checkout", "\"public rating\"", "style=dashed")) << dot;
  EXPECT_TRUE(has_edge(dot, "\"public rating\"", "checkout", "e=2 on reviews")) << dot;
  EXPECT_TRUE(has_edge(dot, "\"public rating\"", "checkout", "constraint=false")) << dot;
  // Promoters become advocates, whose word of mouth is an entry: the node
  // that had nothing pointing into it now does.
  EXPECT_TRUE(has_edge(dot, "checkout", "\"active advocates\"", "style=dashed")) << dot;
  EXPECT_TRUE(has_edge(dot, "\"active advocates\"", "\"word of mouth\"", "style=dashed")) << dot;
  EXPECT_NE(dot.find("subgraph cluster_legend"), std::string::npos) << dot;
  EXPECT_NE(dot.find("influence: reviews"), std::string::npos) << dot;
  EXPECT_NE(dot.find("influence: advocates"), std::string::npos) << dot;
  // The journey itself is drawn as before.
  EXPECT_TRUE(has_edge(dot, "\"word of mouth\"", "friend_referral", "#3c8d2f")) << dot;
  EXPECT_TRUE(has_edge(dot, "reviews", "checkout", "label=\"0.15, e=2\"")) << dot;
}

TEST(GraphInfluences, AFunnelHasNoLoopsToDraw) {
  const std::string dot = dot_of(scenario_path("funnel.yaml"));
  EXPECT_EQ(dot.find("public rating"), std::string::npos) << dot;
  EXPECT_EQ(dot.find("active advocates"), std::string::npos) << dot;
  EXPECT_EQ(dot.find("influence:"), std::string::npos) << "the legend lists only what is drawn\n" << dot;
  EXPECT_NE(dot.find("transition: probability"), std::string::npos) << dot;
}

TEST(GraphInfluences, LegendNodesNeverMergeWithTouchpoints) {
  const TempDir dir;
  std::string text = kTinyScenario;
  text.replace(text.find("  ad:   {stage"), 4, "  legend: {stage: consideration}\n  ad");
  const std::string file = dir.write("legend.yaml", text);
  journeysim::Diagnostics diagnostics;
  const auto scenario = journeysim::load_scenario_file(file, diagnostics);
  ASSERT_TRUE(scenario) << diagnostics.format();
  const std::string dot = journeysim::graph_to_dot(*scenario);
  EXPECT_NE(dot.find("legend [label=\"legend\\nconsideration"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"legend#2\" [shape=plaintext"), std::string::npos) << dot;
}

TEST(GraphInfluences, JsonListsTheInfluences) {
  const CliResult r = must_run({"graph", scenario_path("ecosystem.yaml"), "-f", "json"});
  const auto graph = parse_json(r);
  ASSERT_TRUE(graph.contains("influences")) << r;
  std::map<std::string, int> kinds;
  for (const auto& influence : graph["influences"]) ++kinds[influence.at("kind").get<std::string>()];
  EXPECT_EQ(kinds["review"], 1);
  EXPECT_EQ(kinds["rating"], 1);
  EXPECT_EQ(kinds["advocacy"], 1);
  EXPECT_EQ(kinds["word_of_mouth"], 1);
  for (const auto& influence : graph["influences"]) {
    if (influence["kind"] == "rating") {
      EXPECT_EQ(influence["transition"]["from"], "reviews");
      EXPECT_EQ(influence["transition"]["to"], "checkout");
      EXPECT_DOUBLE_EQ(influence["rating_elasticity"].get<double>(), 2.0);
    }
    if (influence["kind"] == "word_of_mouth") EXPECT_EQ(influence["via"], "friend_referral");
  }
}

TEST(GraphFlowsCli, EdgeWidthsFollowTheRunsTraversalCounts) {
  const TempDir dir;
  const std::string eco = scenario_path("ecosystem.yaml");
  must_run({"run", eco, "-r", "2", "--market-size", "20000", "--quiet", "--out", dir / "run.h5"});
  const CliResult r = must_run({"graph", eco, "--flows", dir / "run.h5"});
  // Every edge with a count: label "…\n12,345 traversals", penwidth=w.
  const std::regex edge(R"re((\S+)->(\S+) \[label="(?:[^"]*\\n)?([0-9,.]+) traversals"[^\n]*penwidth=([0-9.e+]+))re");
  std::vector<std::pair<double, double>> count_width;
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), edge); it != std::sregex_iterator(); ++it) {
    const std::string count = std::regex_replace((*it)[3].str(), std::regex(","), "");
    count_width.emplace_back(std::stod(count), std::stod((*it)[4]));
  }
  ASSERT_GE(count_width.size(), 15u) << r.out;
  std::sort(count_width.begin(), count_width.end());
  for (std::size_t i = 1; i < count_width.size(); ++i)
    EXPECT_LE(count_width[i - 1].second, count_width[i].second)
        << "a link of " << count_width[i - 1].first << " is drawn wider than one of " << count_width[i].first;
  EXPECT_GT(count_width.back().second, 5 * count_width.front().second) << "widths spread with the counts";
  EXPECT_DOUBLE_EQ(count_width.back().second, 12.0) << "the busiest link is the widest";
  // Visits on the nodes, and the legend names the run.
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(website\\nconsideration\\ncost 0.00\\n[0-9,.]+ visits)"))) << r.out;
  EXPECT_TRUE(contains(r.out, "width: traversals in " + (dir / "run.h5"))) << r.out;
  // The word-of-mouth entry carries the referred customers.
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"("word of mouth"->friend_referral \[label="[0-9,.]+ traversals")")))
      << r.out;
}

TEST(GraphFlowsCli, ARunOfAnotherScenarioIsAClearError) {
  const TempDir dir;
  const std::string tiny = dir.write("tiny.yaml", kTinyScenario);
  must_run({"run", tiny, "--quiet", "--out", dir / "tiny.h5"});
  const auto expect_bad = [&](const std::vector<std::string>& args, const std::string& says) {
    const CliResult r = run_cli(args);
    EXPECT_TRUE(r.exited()) << r;
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(contains(r.err, says)) << "expected '" << says << "'\n" << r;
    EXPECT_EQ(r.out, "") << r;
  };
  expect_bad({"graph", scenario_path("ecosystem.yaml"), "--flows", dir / "tiny.h5"},
             "was not made from this scenario (run 'tiny')");
  expect_bad({"graph", scenario_path("ecosystem.yaml"), "--flows", dir / "tiny.h5"},
             "the run has touchpoint 'ad', the scenario does not");
  // Same touchpoints, another transition: still not this run's graph.
  std::string other = kTinyScenario;
  other.replace(other.find("site: {shop: 0.2, ad: 0.1}"), 26, "site: {shop: 0.2, ad: 0.1}\n  shop: {site: 0.1}");
  expect_bad({"graph", dir.write("other.yaml", other), "--flows", dir / "tiny.h5"},
             "the scenario has the link shop \u2192 site, the run does not");
  // A strategy that changes the graph must be given again.
  must_run({"run", scenario_path("ecosystem.yaml"), "-s", "drop_social", "--market-size", "5000", "--quiet", "--out",
            dir / "drop.h5"});
  expect_bad({"graph", scenario_path("ecosystem.yaml"), "--flows", dir / "drop.h5"}, "strategies drop_social");
  must_run({"graph", scenario_path("ecosystem.yaml"), "-s", "drop_social", "--flows", dir / "drop.h5"});
  // Files that are not run files.
  expect_bad({"graph", tiny, "--flows", dir / "missing.h5"}, "--flows");
  expect_bad({"graph", tiny, "--flows", dir.write("text.h5", "not hdf5\n")}, "--flows");
  must_run({"sweep", tiny, "--param", "transitions.site.shop=0.1:0.2:2", "-r", "1", "--quiet", "--out", dir / "sweep.h5"});
  expect_bad({"graph", tiny, "--flows", dir / "sweep.h5"}, "--flows");
  expect_bad({"graph", tiny, "--flows", dir / "tiny.h5", "-f", "json"}, "use --format dot or svg");
}

TEST(GraphSvg, LaidOutByGraphvizWithNodesAndInfluenceEdges) {
  if (!have_dot()) GTEST_SKIP() << kNoDot;
  const TempDir dir;
  const CliResult r = must_run({"graph", scenario_path("ecosystem.yaml"), "--format", "svg"});
  ASSERT_NE(r.out.find("<svg"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("</svg>"), std::string::npos);
  for (const char* node : {"social_ad", "search", "friend_referral", "website", "reviews", "checkout", "support",
                           "loyalty_email", "public rating", "active advocates", "word of mouth", "drop-off"})
    EXPECT_TRUE(contains(r.out, "<title>" + std::regex_replace(node, std::regex("-"), "&#45;") + "</title>"))
        << "no node " << node;  // Graphviz writes '-' as &#45;
  // Graphviz titles an edge "from&#45;&gt;to"; dashed edges get a dash array.
  for (const char* edge : {"checkout&#45;&gt;public rating", "public rating&#45;&gt;checkout",
                           "checkout&#45;&gt;active advocates", "active advocates&#45;&gt;word of mouth"})
    EXPECT_TRUE(contains(r.out, std::string("<title>") + edge + "</title>")) << "no influence edge " << edge;
  EXPECT_TRUE(contains(r.out, "stroke-dasharray")) << "influences are dashed";
  EXPECT_TRUE(contains(r.out, "#cc79a7") || contains(r.out, "#CC79A7"));
  EXPECT_TRUE(contains(r.out, "legend"));

  // --out writes it atomically; with --flows the widths are there too.
  must_run({"run", scenario_path("ecosystem.yaml"), "--market-size", "5000", "--quiet", "--out", dir / "run.h5"});
  must_run({"graph", scenario_path("ecosystem.yaml"), "-f", "svg", "--flows", dir / "run.h5", "-o", dir / "map.svg"});
  const std::string svg = read_text(dir / "map.svg");
  EXPECT_TRUE(contains(svg, "traversals")) << svg.substr(0, 2000);
  EXPECT_TRUE(contains(svg, "stroke-width=\"12\"")) << "the busiest link at full width";
}

TEST(GraphSvg, WithoutGraphvizItSaysSoAndExitsTwo) {
  const TempDir dir;
  {
    const ScopedEnv no_dot("JOURNEYSIM_DOT", (dir / "no-such-dot").c_str());
    const CliResult r = run_cli({"graph", scenario_path("ecosystem.yaml"), "-f", "svg", "-o", dir / "map.svg"});
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(contains(r.err, "--format svg needs Graphviz")) << r;
    EXPECT_TRUE(contains(r.err, "no-such-dot")) << r;
    EXPECT_FALSE(std::filesystem::exists(dir / "map.svg"));
    // Other formats do not need it.
    must_run({"graph", scenario_path("ecosystem.yaml"), "-f", "dot"});
  }
  {
    const ScopedEnv empty_path("PATH", dir.path().c_str());
    const CliResult r = run_cli({"graph", scenario_path("ecosystem.yaml"), "-f", "svg"});
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(contains(r.err, "not found on PATH")) << r;
    EXPECT_TRUE(contains(r.err, "apt-get install graphviz")) << r;
  }
}

TEST(GraphSvg, AFailingDotIsAnInternalFailureNotACrash) {
  const TempDir dir;
  const std::string fake = dir.write("dot", "#!/bin/sh\necho 'Error: layout exploded' >&2\nexit 3\n");
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  const ScopedEnv broken("JOURNEYSIM_DOT", fake.c_str());
  const CliResult r = run_cli({"graph", scenario_path("ecosystem.yaml"), "-f", "svg", "-o", dir / "map.svg"});
  EXPECT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_TRUE(contains(r.err, "failed with exit code 3")) << r;
  EXPECT_TRUE(contains(r.err, "layout exploded")) << r;
  EXPECT_FALSE(std::filesystem::exists(dir / "map.svg"));
}

TEST(GraphSvg, InlineGraphvizSvgPrefixesIdsAndCountsMarks) {
  const std::string graphviz =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<!-- Generated by graphviz -->\n<svg width=\"10pt\" height=\"5pt\">\n"
      "<g id=\"graph0\" class=\"graph\"><!-- a --><g id=\"node1\" class=\"node\"><title>a</title></g>\n"
      "<g id=\"edge1\" class=\"edge\"><title>a&#45;&gt;b</title></g></g>\n</svg>\n";
  const std::string svg = journeysim::report::inline_graphviz_svg(graphviz, "map7-");
  EXPECT_EQ(svg.rfind("<svg data-chart=\"touchpoint-map\" data-marks=\"2\"", 0), 0u) << svg;
  EXPECT_TRUE(contains(svg, "id=\"map7-node1\" class=\"mark node\"")) << svg;
  EXPECT_TRUE(contains(svg, "id=\"map7-edge1\" class=\"mark edge\"")) << svg;
  EXPECT_FALSE(contains(svg, "<!--")) << svg;
  EXPECT_FALSE(contains(svg, "<?xml")) << svg;
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
}

TEST(ReportMap, EmbeddedWhereGraphvizIsAndANoteWhereNot) {
  const TempDir dir;
  must_run({"run", scenario_path("ecosystem.yaml"), "--market-size", "5000", "--quiet", "--out", dir / "run.h5"});
  if (have_dot()) {
    must_run({"report", dir / "run.h5", "-o", dir / "with.html"});
    const std::string html = read_text(dir / "with.html");
    EXPECT_TRUE(contains(html, "data-chart=\"touchpoint-map\"")) << "no map in the report";
    EXPECT_TRUE(contains(html, "<title>active advocates&#45;&gt;word of mouth</title>"));
    EXPECT_FALSE(contains(html, "<?xml"));
  }
  const ScopedEnv no_dot("JOURNEYSIM_DOT", (dir / "no-such-dot").c_str());
  must_run({"report", dir / "run.h5", "-o", dir / "without.html"});
  const std::string html = read_text(dir / "without.html");
  EXPECT_FALSE(contains(html, "data-chart=\"touchpoint-map\""));
  EXPECT_TRUE(contains(html, "Touchpoint map: not drawn")) << "the page says why";
  EXPECT_TRUE(contains(html, "data-chart=\"sankey\"")) << "every other chart is still there";
}

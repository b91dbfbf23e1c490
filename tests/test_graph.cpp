// Touchpoint graph: construction, closed-set and reachability checks, exports.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "journeysim/graph.hpp"
#include "journeysim/load.hpp"

namespace journeysim {
namespace {

// Scenarios are built in code so these tests do not depend on the loader.
// Each touchpoint and transition gets its own line so locations can be checked.
class GraphScenario {
 public:
  GraphScenario() {
    scenario_.name = "graph-test";
    scenario_.horizon_days = 30;
    scenario_.market_size = 1000;
  }

  GraphScenario& touchpoint(const std::string& name, Stage stage = Stage::consideration) {
    Touchpoint tp;
    tp.name = name;
    tp.stage = stage;
    tp.location = {"graph.yaml", next_line_++, 3};
    scenario_.touchpoints.push_back(tp);
    return *this;
  }
  GraphScenario& purchase(const std::string& name, double revenue) {
    touchpoint(name, Stage::purchase);
    scenario_.touchpoints.back().purchase_revenue = revenue;
    return *this;
  }
  GraphScenario& edge(const std::string& from, const std::string& to, double p, double elasticity = 0) {
    scenario_.transitions.push_back({from, to, p, elasticity, {"graph.yaml", next_line_++, 5}});
    return *this;
  }
  GraphScenario& channel(const std::string& via, double rate = 0.01) {
    scenario_.awareness.channels.push_back({via, rate, {"graph.yaml", next_line_++, 7}});
    return *this;
  }
  Scenario& get() { return scenario_; }

 private:
  Scenario scenario_;
  int next_line_ = 10;
};

Segment segment(const std::string& name, double share) {
  Segment result;
  result.name = name;
  result.share = share;
  return result;
}

std::vector<Diagnostic> of_severity(const Diagnostics& diagnostics, Severity severity) {
  std::vector<Diagnostic> found;
  for (const auto& d : diagnostics.all())
    if (d.severity == severity) found.push_back(d);
  return found;
}

TEST(GraphBuild, VerticesFollowFileOrderAndEdgesCarryProbabilities) {
  GraphScenario s;
  s.touchpoint("ad", Stage::awareness).touchpoint("site").purchase("checkout", 80);
  s.edge("ad", "site", 0.25).edge("site", "checkout", 0.15, 2.0).edge("site", "ad", 0.05).channel("ad");
  s.get().touchpoints[0].cost = 0.5;
  const TouchpointGraph graph = build_graph(s.get());

  ASSERT_EQ(boost::num_vertices(graph), 3u);
  ASSERT_EQ(boost::num_edges(graph), 3u);
  EXPECT_EQ(graph[0].name, "ad");
  EXPECT_EQ(graph[0].stage, Stage::awareness);
  EXPECT_DOUBLE_EQ(graph[0].cost, 0.5);
  EXPECT_FALSE(graph[1].purchase);
  EXPECT_TRUE(graph[2].purchase);
  EXPECT_NEAR(graph[0].dropoff, 0.75, 1e-15);
  EXPECT_NEAR(graph[1].dropoff, 0.8, 1e-15);
  EXPECT_EQ(graph[2].dropoff, 1.0);

  auto [edge, found] = boost::edge(1, 2, graph);
  ASSERT_TRUE(found);
  EXPECT_EQ(graph[edge].probability, 0.15);
  EXPECT_EQ(graph[edge].rating_elasticity, 2.0);
  EXPECT_EQ(boost::in_degree(0, graph), 1u);  // bidirectional: site -> ad is visible from ad
}

TEST(GraphBuild, RowSummingToOneHasNoNegativeDropoff) {
  GraphScenario s;
  s.touchpoint("a").touchpoint("b").touchpoint("c");
  s.edge("a", "b", 0.7).edge("a", "c", 0.2).edge("a", "a", 0.1).channel("a");
  EXPECT_EQ(build_graph(s.get())[0].dropoff, 0.0);
}

TEST(GraphClosedSets, TwoNodeLoopWithoutDropoffIsAnError) {
  GraphScenario s;
  s.touchpoint("entry", Stage::awareness).touchpoint("a").touchpoint("b");
  s.edge("entry", "a", 0.5).edge("a", "b", 1.0).edge("b", "a", 1.0).channel("entry");
  Diagnostics diagnostics;
  validate_graph(s.get(), diagnostics);

  const auto errors = of_severity(diagnostics, Severity::error);
  ASSERT_EQ(errors.size(), 1u) << diagnostics.format();
  EXPECT_NE(errors[0].message.find("touchpoints a, b form a closed loop that customers can enter but "
                                   "never leave"),
            std::string::npos)
      << errors[0].message;
  EXPECT_NE(errors[0].message.find("add a way out"), std::string::npos);
  // Points at a's transitions row, the first member's.
  EXPECT_EQ(errors[0].location.line, s.get().transitions[1].location.line);
  EXPECT_TRUE(diagnostics.has_errors());
}

TEST(GraphClosedSets, MembersAreNamedInFileOrder) {
  GraphScenario s;
  s.touchpoint("entry", Stage::awareness).touchpoint("zeta").touchpoint("alpha").touchpoint("mid");
  // Rows are written out of file order; the message still follows the touchpoints.
  s.edge("entry", "mid", 0.5).edge("mid", "alpha", 1.0).edge("alpha", "zeta", 1.0).edge("zeta", "mid", 1.0);
  s.channel("entry");
  Diagnostics diagnostics;
  validate_graph(s.get(), diagnostics);
  const auto errors = of_severity(diagnostics, Severity::error);
  ASSERT_EQ(errors.size(), 1u) << diagnostics.format();
  EXPECT_NE(errors[0].message.find("touchpoints zeta, alpha, mid form a closed loop"), std::string::npos)
      << errors[0].message;
  EXPECT_EQ(errors[0].location.line, s.get().transitions[3].location.line);  // zeta's row
}

TEST(GraphClosedSets, SelfLoopWithProbabilityOneIsAnError) {
  GraphScenario s;
  s.touchpoint("entry", Stage::awareness).touchpoint("trap");
  s.edge("entry", "trap", 0.3).edge("trap", "trap", 1.0).channel("entry");
  Diagnostics diagnostics;
  validate_graph(s.get(), diagnostics);
  const auto errors = of_severity(diagnostics, Severity::error);
  ASSERT_EQ(errors.size(), 1u) << diagnostics.format();
  EXPECT_NE(errors[0].message.find("touchpoint trap forms a closed loop"), std::string::npos)
      << errors[0].message;
}

TEST(GraphClosedSets, SelfLoopSplitOverSeveralOutgoingEntriesIsClosed) {
  std::vector<std::vector<Outgoing>> rows = {{{1, 0.3}}, {{1, 0.6}, {1, 0.4}}};
  const auto sets = find_closed_sets(rows);
  ASSERT_EQ(sets.size(), 1u);
  EXPECT_EQ(sets[0], std::vector<int>{1});
}

TEST(GraphClosedSets, SelfLoopBelowOneIsFine) {
  GraphScenario s;
  s.touchpoint("entry", Stage::awareness).touchpoint("page");
  s.edge("entry", "page", 0.3).edge("page", "page", 0.9).channel("entry");
  Diagnostics diagnostics;
  validate_graph(s.get(), diagnostics);
  EXPECT_TRUE(diagnostics.all().empty()) << diagnostics.format();
}

TEST(GraphClosedSets, LoopWithDropoffIsFine) {
  GraphScenario s;
  s.touchpoint("entry", Stage::awareness).touchpoint("a").touchpoint("b");
  s.edge("entry", "a", 0.5).edge("a", "b", 1.0).edge("b", "a", 0.9).channel("entry");
  Diagnostics diagnostics;
  validate_graph(s.get(), diagnostics);
  EXPECT_TRUE(diagnostics.all().empty()) << diagnostics.format();
}

TEST(GraphClosedSets, LoopWithAnExitEdgeIsFine) {
  GraphScenario s;
  s.touchpoint("entry", Stage::awareness).touchpoint("a").touchpoint("b").purchase("checkout", 10);
  s.edge("entry", "a", 0.5).edge("a", "b", 1.0).edge("b", "a", 0.6).edge("b", "checkout", 0.4);
  s.channel("entry");
  Diagnostics diagnostics;
  validate_graph(s.get(), diagnostics);
  EXPECT_TRUE(diagnostics.all().empty()) << diagnostics.format();
}

TEST(GraphClosedSets, ZeroProbabilityEdgeIsNoWayOut) {
  std::vector<std::vector<Outgoing>> rows = {{{1, 1.0}, {2, 0.0}}, {{0, 1.0}}, {}};
  const auto sets = find_closed_sets(rows);
  ASSERT_EQ(sets.size(), 1u);
  EXPECT_EQ(sets[0], (std::vector<int>{0, 1}));
}

TEST(GraphClosedSets, RowsWithinToleranceOfOneCount) {
  std::vector<std::vector<Outgoing>> nearly = {{{1, 0.7}, {0, 0.3 - 1e-12}}, {{0, 1.0}}};
  EXPECT_EQ(find_closed_sets(nearly).size(), 1u);
  std::vector<std::vector<Outgoing>> leaky = {{{1, 0.7}, {0, 0.3 - 1e-6}}, {{0, 1.0}}};
  EXPECT_TRUE(find_closed_sets(leaky).empty());
  EXPECT_TRUE(find_closed_sets({}).empty());
}

TEST(GraphClosedSets, SegmentScaleThatClosesALoopIsAnErrorNamingTheSegment) {
  GraphScenario s;
  s.touchpoint("entry", Stage::awareness).touchpoint("website").touchpoint("reviews");
  s.edge("entry", "website", 0.5).edge("website", "reviews", 1.0).edge("reviews", "website", 0.8);
  s.channel("entry");
  Segment calm = segment("calm", 0.5);
  Segment looping = segment("loopers", 0.5);
  looping.transition_scale.push_back({"reviews", "website", 1.25, {"graph.yaml", 99, 9}});
  s.get().segments = {calm, looping};

  Diagnostics diagnostics;
  validate_graph(s.get(), diagnostics);
  const auto errors = of_severity(diagnostics, Severity::error);
  ASSERT_EQ(errors.size(), 1u) << diagnostics.format();
  EXPECT_NE(errors[0].message.find("segment 'loopers'"), std::string::npos) << errors[0].message;
  EXPECT_NE(errors[0].message.find("touchpoints website, reviews form a closed loop"), std::string::npos);
  EXPECT_EQ(errors[0].location.line, 99);  // the scale entry that closes it

  // Scaling past 1 is scaled back to 1, which is just as closed.
  s.get().segments[1].transition_scale[0].factor = 2.0;
  Diagnostics scaled_past_one;
  validate_graph(s.get(), scaled_past_one);
  EXPECT_EQ(of_severity(scaled_past_one, Severity::error).size(), 1u) << scaled_past_one.format();
}

TEST(GraphClosedSets, BaseClosedSetIsReportedOnceNotPerSegment) {
  GraphScenario s;
  s.touchpoint("entry", Stage::awareness).touchpoint("trap");
  s.edge("entry", "trap", 0.3).edge("trap", "trap", 1.0).channel("entry");
  s.get().segments = {segment("x", 0.5), segment("y", 0.5)};
  Diagnostics diagnostics;
  validate_graph(s.get(), diagnostics);
  const auto errors = of_severity(diagnostics, Severity::error);
  ASSERT_EQ(errors.size(), 1u) << diagnostics.format();
  EXPECT_EQ(errors[0].message.find("segment"), std::string::npos);
}

TEST(GraphReachability, TouchpointNoEntryReachesIsAWarning) {
  GraphScenario s;
  s.touchpoint("ad", Stage::awareness).touchpoint("site").touchpoint("orphan").touchpoint("dead_end");
  s.edge("ad", "site", 0.5).edge("orphan", "site", 0.5).edge("site", "dead_end", 0.0).channel("ad");
  Diagnostics diagnostics;
  validate_graph(s.get(), diagnostics);
  EXPECT_FALSE(diagnostics.has_errors());
  const auto warnings = of_severity(diagnostics, Severity::warning);
  ASSERT_EQ(warnings.size(), 2u) << diagnostics.format();
  EXPECT_NE(warnings[0].message.find("touchpoint 'orphan' cannot be reached from any entry point"),
            std::string::npos)
      << warnings[0].message;
  EXPECT_NE(warnings[0].message.find("ad"), std::string::npos);
  EXPECT_EQ(warnings[0].location.line, s.get().touchpoints[2].location.line);
  // A zero-probability edge carries nobody.
  EXPECT_NE(warnings[1].message.find("'dead_end'"), std::string::npos);
}

TEST(GraphReachability, EveryKindOfEntryCounts) {
  GraphScenario s;
  s.touchpoint("initial_page").touchpoint("channel_page").touchpoint("referral").touchpoint("unused");
  Scenario& scenario = s.get();
  scenario.awareness.initial_share = 0.1;
  scenario.awareness.initial_via = {{"initial_page", 1.0, {}}, {"unused", 0.0, {}}};
  scenario.awareness.channels = {{"channel_page", 0.01, {}}};
  scenario.word_of_mouth.enabled = true;
  scenario.word_of_mouth.via = "referral";
  scenario.word_of_mouth.rate = 0.3;

  EXPECT_EQ(entry_touchpoints(scenario), (std::vector<int>{0, 1, 2}));
  Diagnostics diagnostics;
  validate_graph(scenario, diagnostics);
  ASSERT_EQ(diagnostics.all().size(), 1u) << diagnostics.format();
  EXPECT_NE(diagnostics.all()[0].message.find("'unused'"), std::string::npos);

  // Nobody is aware at day 0, so initial_via delivers nobody.
  scenario.awareness.initial_share = 0.0;
  EXPECT_EQ(entry_touchpoints(scenario), (std::vector<int>{1, 2}));
}

TEST(GraphReachability, NoEntryAtAllIsLeftToTheLoader) {
  GraphScenario s;
  s.touchpoint("a").touchpoint("b");
  Diagnostics diagnostics;
  validate_graph(s.get(), diagnostics);
  EXPECT_TRUE(diagnostics.all().empty()) << diagnostics.format();
}

Scenario export_scenario() {
  GraphScenario s;
  s.touchpoint("social_ad", Stage::awareness).touchpoint("website").purchase("checkout", 80);
  s.edge("social_ad", "website", 0.25).edge("website", "checkout", 0.15, 2.0).edge("checkout", "website", 1.0);
  s.channel("social_ad", 0.004);
  Scenario& scenario = s.get();
  scenario.touchpoints[0].cost = 0.5;
  scenario.touchpoints[1].dwell = {Dwell::Kind::lognormal, 2.0, 1.0};
  scenario.awareness.initial_share = 0.1;
  scenario.awareness.initial_via = {{"website", 1.0, {}}};
  scenario.word_of_mouth.enabled = true;
  scenario.word_of_mouth.via = "website";
  scenario.word_of_mouth.rate = 0.25;
  return scenario;
}

TEST(GraphDot, ShowsProbabilitiesDropoffPurchaseAndEntries) {
  const std::string dot = graph_to_dot(export_scenario());
  EXPECT_EQ(dot.rfind("digraph", 0), 0u) << dot;
  // Node labels: name, stage, cost.
  EXPECT_NE(dot.find("label=\"social_ad\\nawareness\\ncost 0.50\""), std::string::npos) << dot;
  // Edge labels: probability, and elasticity when rating-elastic.
  EXPECT_NE(dot.find("social_ad->website [label=\"0.25\"]"), std::string::npos) << dot;
  EXPECT_NE(dot.find("label=\"0.15, e=2\""), std::string::npos) << dot;
  // Drop-off: one node, dashed edges labelled with each row's remainder.
  EXPECT_NE(dot.find("\"drop-off\" [label=\"drop-off\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("social_ad->\"drop-off\" [label=\"0.75\", style=dashed"), std::string::npos) << dot;
  EXPECT_NE(dot.find("website->\"drop-off\" [label=\"0.85\", style=dashed"), std::string::npos) << dot;
  EXPECT_EQ(dot.find("checkout->\"drop-off\""), std::string::npos) << dot;  // row sums to 1
  // Purchase touchpoints stand out.
  EXPECT_NE(dot.find("purchase: revenue 80.00\", shape=box, style=\"rounded,filled,bold\", peripheries=2"),
            std::string::npos)
      << dot;
  // Entries are source nodes pointing at their touchpoints.
  EXPECT_NE(dot.find("\"channel social_ad\" [label=\"channel\\nrate 0.004/day\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"channel social_ad\"->social_ad"), std::string::npos) << dot;
  EXPECT_NE(dot.find("initial [label=\"aware at day 0\\n10% of market\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("initial->website [label=\"1\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"word of mouth\"->website"), std::string::npos) << dot;
  EXPECT_NE(dot.find("rank=source; initial; \"channel social_ad\"; \"word of mouth\";"), std::string::npos)
      << dot;
  EXPECT_EQ(dot.back(), '\n');
}

TEST(GraphDot, ExtraNodesNeverMergeWithTouchpointsOfTheSameName) {
  GraphScenario s;
  s.touchpoint("initial", Stage::awareness).touchpoint("drop-off");
  s.edge("initial", "drop-off", 0.5).channel("initial");
  s.get().awareness.initial_share = 0.2;
  s.get().awareness.initial_via = {{"initial", 1.0, {}}};
  const std::string dot = graph_to_dot(s.get());
  EXPECT_NE(dot.find("\"drop-off#2\" [label=\"drop-off\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"initial#2\"->initial"), std::string::npos) << dot;
  EXPECT_NE(dot.find("initial->\"drop-off\" [label=\"0.5\"]"), std::string::npos) << dot;
}

TEST(GraphDot, QuotesInNamesAreEscaped) {
  GraphScenario s;
  s.touchpoint("say \"hi\"", Stage::awareness).channel("say \"hi\"");
  const std::string dot = graph_to_dot(s.get());
  EXPECT_NE(dot.find("label=\"say \\\"hi\\\"\\nawareness"), std::string::npos) << dot;
}

TEST(GraphJson, HasTouchpointsTransitionsDropoffAndEntries) {
  const auto json = nlohmann::json::parse(graph_to_json(export_scenario()));
  EXPECT_EQ(json["name"], "graph-test");

  const auto& touchpoints = json.at("touchpoints");
  ASSERT_EQ(touchpoints.size(), 3u);
  EXPECT_EQ(touchpoints[0]["name"], "social_ad");
  EXPECT_EQ(touchpoints[0]["stage"], "awareness");
  EXPECT_EQ(touchpoints[0]["cost"], 0.5);
  EXPECT_EQ(touchpoints[0]["purchase"], false);
  EXPECT_TRUE(touchpoints[0]["revenue"].is_null());
  EXPECT_NEAR(touchpoints[0]["dropoff"].get<double>(), 0.75, 1e-15);
  EXPECT_EQ(touchpoints[1]["dwell_days"]["kind"], "lognormal");
  EXPECT_EQ(touchpoints[1]["dwell_days"]["mean"], 2.0);
  EXPECT_EQ(touchpoints[1]["dwell_days"]["sd"], 1.0);
  EXPECT_EQ(touchpoints[2]["purchase"], true);
  EXPECT_EQ(touchpoints[2]["revenue"], 80.0);
  EXPECT_EQ(touchpoints[2]["dropoff"], 0.0);

  const auto& transitions = json.at("transitions");
  ASSERT_EQ(transitions.size(), 3u);
  EXPECT_EQ(transitions[1]["from"], "website");
  EXPECT_EQ(transitions[1]["to"], "checkout");
  EXPECT_EQ(transitions[1]["probability"], 0.15);
  EXPECT_EQ(transitions[1]["rating_elasticity"], 2.0);

  const auto& entries = json.at("entries");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0]["kind"], "initial");
  EXPECT_EQ(entries[0]["via"], "website");
  EXPECT_EQ(entries[0]["initial_share"], 0.1);
  EXPECT_EQ(entries[1]["kind"], "channel");
  EXPECT_EQ(entries[1]["rate"], 0.004);
  EXPECT_EQ(entries[2]["kind"], "word_of_mouth");
  EXPECT_EQ(entries[2]["via"], "website");
}

TEST(GraphLoader, LoaderReportsAClosedLoopAtItsTransitionsRow) {
  const std::string yaml = R"(horizon_days: 30
market: {size: 1000}
awareness:
  channels: [{via: entry, rate: 0.01}]
touchpoints:
  entry: {stage: awareness}
  a: {stage: consideration}
  b: {stage: consideration}
transitions:
  entry: {a: 0.5}
  a: {b: 1.0}
  b: {a: 1.0}
)";
  Diagnostics diagnostics;
  EXPECT_FALSE(load_scenario_text(yaml, "loop.yaml", diagnostics).has_value());
  const auto errors = of_severity(diagnostics, Severity::error);
  const auto loop = std::find_if(errors.begin(), errors.end(), [](const Diagnostic& d) {
    return d.message.find("touchpoints a, b form a closed loop") != std::string::npos;
  });
  ASSERT_NE(loop, errors.end()) << diagnostics.format();
  EXPECT_EQ(loop->location.file, "loop.yaml");
  EXPECT_EQ(loop->location.line, 11);  // a's row
}

}  // namespace
}  // namespace journeysim

namespace journeysim {
namespace {

TEST(GraphValidate, ALoopThatClosesOnlyAtAnExtremeRatingIsAWarning) {
  Diagnostics diagnostics;
  const auto scenario = load_scenario_text(R"(horizon_days: 30
market: {size: 1000}
awareness: {initial: {share: 1.0, via: {a: 1.0}}}
touchpoints:
  a: {stage: awareness}
  b: {stage: purchase, purchase: {revenue: 1}, experience: 1.0}
transitions:
  a: {b: {p: 0.8, rating_elasticity: 2}}
  b: {a: 1.0}
reviews: {post_probability: 1.0, prior: {rating: 0.5, weight: 1}}
)",
                                           "loop.yaml", diagnostics);
  ASSERT_TRUE(scenario) << diagnostics.format();
  EXPECT_NE(diagnostics.format().find("loop.yaml:8:7: warning: if the public rating reaches 1, touchpoints a, b "
                                      "form a closed loop"),
            std::string::npos)
      << diagnostics.format();
}

}  // namespace
}  // namespace journeysim

namespace journeysim {
namespace {

TEST(GraphDot, BackslashesInNamesAreEscapedAndRemovedEntriesLeadToDropOff) {
  Diagnostics diagnostics;
  const auto scenario = load_scenario_text(R"(horizon_days: 10
market: {size: 100}
awareness: {channels: [{via: "a\\b", rate: 0.1}, {via: ad, rate: 0.1}]}
touchpoints:
  "a\\b": {stage: awareness}
  ad: {stage: awareness, removed: true}
)",
                                           "bs.yaml", diagnostics);
  ASSERT_TRUE(scenario) << diagnostics.format();
  const std::string dot = graph_to_dot(*scenario);
  EXPECT_NE(dot.find("\"a\\\\b\" [label="), std::string::npos) << dot;  // "a\\b": a quoted, escaped id
  EXPECT_EQ(dot.find("\"a\\b\" [label="), std::string::npos) << dot;
  EXPECT_NE(dot.find("->\"drop-off\" [label=\"ad (removed)\""), std::string::npos) << dot;
  const auto json = nlohmann::json::parse(graph_to_json(*scenario));
  EXPECT_EQ(json.at("removed_touchpoints"), nlohmann::json::array({"ad"}));
  EXPECT_EQ(json.at("entries").at(1).at("removed"), true);
  EXPECT_EQ(json.at("entries").at(0).at("removed"), false);
}

}  // namespace
}  // namespace journeysim

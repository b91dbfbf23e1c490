// The report's SVG builders and model, without a browser: escaping, axis
// ticks, Sankey widths proportional to traversals, loops drawn apart, stages
// from the scenario text, and undefined values shown as "n/a", never "NaN".
#include <gtest/gtest.h>

#include <H5Cpp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <regex>
#include <string>
#include <vector>

#include "cli_test_support.hpp"
#include "journeysim/io.hpp"
#include "journeysim/report.hpp"
#include "report/report_detail.hpp"
#include "report/svg.hpp"

namespace {

using namespace journeysim;
using namespace journeysim::report;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ad → site → shop with a loop site → ad, two replications, by hand:
// flows [channel:ad→ad, ad→site, site→shop, site→ad].
Results hand_made_results() {
  Results results;
  results.scenario_name = "tiny";
  results.scenario_text = journeysim::cli_testing::kTinyScenario;
  results.market_size = 5000;
  results.horizon_days = 3;
  results.touchpoints = {"ad", "site", "shop"};
  results.touchpoint_cost = {0.5, 0, 0};
  results.touchpoint_revenue = {0, 0, 20};
  results.touchpoint_refund = {0, 0, 0};
  results.channels = {"ad"};
  results.segments = {"all"};
  results.entries = {"channel:ad"};
  results.flows = {{"channel:ad", "ad", true}, {"ad", "site", false}, {"site", "shop", false}, {"site", "ad", false}};
  for (std::uint32_t r = 0; r < 2; ++r) {
    RunResult run;
    run.replication = r;
    run.aware = 1000 + 20 * r;
    run.purchasers = 80 + 4 * r;
    run.purchases = run.purchasers;
    run.touchpoint_visits = {1100 + 20 * r, 440 + 8 * r, 88 + 4 * r};
    run.touchpoint_dropoffs = {660, 308, 88};
    run.touchpoint_purchases = {0, 0, 88 + 4 * r};
    run.touchpoint_refunds = {0, 0, 0};
    run.touchpoint_visits_after_purchase = {0, 0, 0};
    run.flow_traversals = {1000 + 20 * r, 440 + 8 * r, 88 + 4 * r, 44};
    run.entry_dropoffs = {0};
    run.segments.resize(1);
    run.final_public_rating = kNaN;
    run.series.newly_aware_by_channel = {{400, 300, 300 + 20 * r}};
    run.series.newly_aware_initial = {0, 0, 0};
    run.series.newly_aware_word_of_mouth = {0, 0, 0};
    run.series.purchases = {10, 30, 40 + 4 * r};
    run.series.new_purchasers = run.series.purchases;
    run.series.purchasers_cumulative = {10, 40, 80 + 4 * r};
    run.series.active_advocates = {0, 0, 0};
    run.series.public_rating = {kNaN, kNaN, kNaN};
    results.runs.push_back(run);
  }
  return results;
}

std::vector<std::pair<double, double>> link_widths(const std::string& svg) {
  // stroke-width and data-value of every link, in the order written.
  const std::regex link(R"re(class="mark link[^"]*"[^>]*stroke-width="([0-9.]+)" data-value="([0-9.e+]+)")re");
  std::vector<std::pair<double, double>> out;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), link); it != std::sregex_iterator(); ++it) {
    out.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]));
  }
  return out;
}

TEST(ReportSvg, EscapesEveryTextAndRepairsBadUtf8) {
  EXPECT_EQ(xml_escape("<script>&\"'"), "&lt;script&gt;&amp;&quot;&#39;");
  EXPECT_EQ(xml_escape("caf\xC3\xA9"), "caf\xC3\xA9");         // valid UTF-8 kept
  EXPECT_EQ(xml_escape("a\xFF" "b"), "a\xEF\xBF\xBD" "b");       // a stray byte → U+FFFD
  EXPECT_EQ(xml_escape("a\x01" "b\n"), "ab\n");                  // control characters XML forbids
  Svg svg(100, 50, "t<i>tle", "x\"y");
  svg.text(1, 2, "</svg><script>alert(1)</script>", {{"class", "a\"b"}});
  const std::string out = svg.str();
  EXPECT_EQ(out.find("<script"), std::string::npos) << out;
  EXPECT_NE(out.find("t&lt;i&gt;tle"), std::string::npos);
  EXPECT_NE(out.find("data-chart=\"x&quot;y\""), std::string::npos);
}

TEST(ReportSvg, NiceTicksCoverTheRangeAtRoundSteps) {
  EXPECT_EQ(nice_ticks(0, 97), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  const auto tenths = nice_ticks(0.2, 0.8, 3);
  ASSERT_EQ(tenths.size(), 4u);
  for (std::size_t i = 0; i < tenths.size(); ++i) EXPECT_NEAR(tenths[i], 0.2 + 0.2 * static_cast<double>(i), 1e-12);
  const auto negative = nice_ticks(-17.5, -3);
  ASSERT_FALSE(negative.empty());
  EXPECT_LE(negative.front(), -17.5);
  EXPECT_GE(negative.back(), -3);
  EXPECT_EQ(nice_ticks(5, 5).size() >= 2, true);  // a flat series still gets an axis
  EXPECT_TRUE(nice_ticks(kNaN, 1).empty());
  EXPECT_EQ(tick_label(2500, 500), "2,500");
  EXPECT_EQ(tick_label(0.25, 0.05), "0.25");
  EXPECT_EQ(tick_label(0.75, 0.25), "0.75");
  EXPECT_EQ(tick_label(-20, 10), "\xE2\x88\x92" "20");
  EXPECT_EQ(tick_label(0, 0.1), "0.0");
  EXPECT_EQ(coord(kNaN), "0");
  EXPECT_EQ(coord(12.04), "12");
  EXPECT_EQ(coord(-0.01), "0");
}

TEST(ReportSankey, WidthsAreProportionalToTraversals) {
  const Results results = hand_made_results();
  const RunView view = run_view(results);
  const SankeyModel& model = view.sankey;
  // Entry, three touchpoints, drop-off; the stages put them in four columns.
  ASSERT_EQ(model.nodes.size(), 5u);
  EXPECT_EQ(model.nodes.front().kind, "entry");
  EXPECT_EQ(model.nodes[1].kind, "awareness");
  EXPECT_EQ(model.nodes[2].kind, "consideration");
  EXPECT_EQ(model.nodes[3].kind, "purchase");
  EXPECT_EQ(model.nodes.back().name, "drop-off");
  // The flows, then a drop-off link per touchpoint that loses anyone.
  ASSERT_EQ(model.links.size(), 7u);
  EXPECT_DOUBLE_EQ(model.links[0].value, 1010);
  EXPECT_DOUBLE_EQ(model.links[1].value, 444);
  EXPECT_DOUBLE_EQ(model.links[3].value, 44);

  const std::string svg = sankey_svg(model, 900);
  const auto widths = link_widths(svg);
  ASSERT_EQ(widths.size(), model.links.size()) << svg;
  // The widest link gives the scale most precisely (widths are written with one decimal).
  const auto widest = *std::max_element(widths.begin(), widths.end());
  const double scale = widest.first / widest.second;
  for (const auto& [width, value] : widths) {
    EXPECT_NEAR(width, value * scale, 0.06) << "width " << width << " for " << value;  // one decimal written
  }
  // site → ad goes back a column: a loop, not a ribbon through the nodes.
  EXPECT_NE(svg.find("mark link loop"), std::string::npos);
  EXPECT_NE(svg.find("data-marks=\"12\""), std::string::npos) << "7 links and 5 nodes";
}

TEST(ReportSankey, WithoutStagesTouchpointsGoByDistance) {
  Results results = hand_made_results();
  const SankeyModel model = sankey_model(results, {"", "", ""});
  ASSERT_EQ(model.nodes.size(), 5u);
  EXPECT_EQ(model.nodes[1].column, 1);  // ad: entered from the channel
  EXPECT_EQ(model.nodes[2].column, 2);  // site
  EXPECT_EQ(model.nodes[3].column, 3);  // shop
  EXPECT_EQ(model.nodes[4].column, 4);  // drop-off
}

TEST(ReportModel, StagesComeFromTheScenarioText) {
  const RunView view = run_view(hand_made_results());
  ASSERT_EQ(view.stages.size(), 5u);
  EXPECT_EQ(view.stages[0].stage, "awareness");
  EXPECT_EQ(view.stages[0].touchpoints, std::vector<std::string>{"ad"});
  EXPECT_DOUBLE_EQ(view.stages[0].visits.mean, 1110);
  EXPECT_EQ(view.stages[0].customers_label, "aware");
  EXPECT_DOUBLE_EQ(view.stages[2].customers.mean, 82);  // purchasers
  EXPECT_TRUE(view.stages[3].touchpoints.empty());      // no retention touchpoints
  const std::string svg = stage_svg(view.stages, 900);
  EXPECT_NE(svg.find("no touchpoints at this stage"), std::string::npos);
  EXPECT_NE(svg.find("1,110 visits"), std::string::npos) << svg;

  Results lost = hand_made_results();
  lost.scenario_text = "not: [a scenario";
  const RunView without = run_view(lost);
  EXPECT_TRUE(without.stages.empty());
  ASSERT_FALSE(without.notes.empty());
  EXPECT_NE(without.notes.front().find("no stages"), std::string::npos);
}

TEST(ReportModel, EveryStageCountsItsCustomersOrArrivals) {
  const RunView view = run_view(hand_made_results());
  ASSERT_EQ(view.stages.size(), 5u);
  // Arrivals: traversals into the stage from an entry or an earlier stage
  // (site → ad goes back, so it is not an arrival at awareness).
  EXPECT_DOUBLE_EQ(view.stages[0].arrivals.mean, 1010);
  EXPECT_DOUBLE_EQ(view.stages[1].arrivals.mean, 444);
  EXPECT_DOUBLE_EQ(view.stages[2].arrivals.mean, 90);
  const std::string svg = stage_svg(view.stages, 900);
  EXPECT_NE(svg.find("1,010 aware"), std::string::npos) << svg;
  EXPECT_NE(svg.find("444 arrivals from earlier stages"), std::string::npos) << svg;
  EXPECT_NE(svg.find("82 purchasers"), std::string::npos) << svg;
  // A dark customers bar inside each stage's visits bar.
  const std::regex customers("class=\"mark customers\"");
  EXPECT_EQ(std::distance(std::sregex_iterator(svg.begin(), svg.end(), customers), std::sregex_iterator()), 3) << svg;
}

TEST(ReportSankey, LoopsAreNamedOnTheirOwnLanes) {
  const std::string svg = sankey_svg(run_view(hand_made_results()).sankey, 900);
  EXPECT_NE(svg.find("\u21ba site \u2192 ad: 44"), std::string::npos) << svg;
}

TEST(ReportCharts, LogGridsGetALogAxisAndSampledSweepsDots) {
  LineChart chart{"curve-x", "x", "rate (log scale)", "y", {}, true, false, true, false};
  Line line{"y", {0.001, 0.01, 0.1, 1.0}, {}};
  for (double y : {1.0, 2.0, 3.0, 4.0}) line.y.push_back({y, y - 0.5, y + 0.5});
  chart.lines.push_back(line);
  const std::string log_svg = line_chart_svg(chart, 450, 280);
  for (const char* tick : {">0.001<", ">0.01<", ">0.1<", ">1<"}) EXPECT_NE(log_svg.find(tick), std::string::npos) << tick;
  // Equal ratios are equal steps: the points of the line are evenly spaced.
  const std::regex polyline(R"re(points="([0-9.]+),[0-9.]+ ([0-9.]+),[0-9.]+ ([0-9.]+),[0-9.]+ ([0-9.]+),)re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(log_svg, m, polyline)) << log_svg;
  const double step = std::stod(m[2]) - std::stod(m[1]);
  EXPECT_NEAR(std::stod(m[3]) - std::stod(m[2]), step, 0.2);
  EXPECT_NEAR(std::stod(m[4]) - std::stod(m[3]), step, 0.2);

  chart.x_log = false;
  chart.scatter = true;
  const std::string dots = line_chart_svg(chart, 450, 280);
  EXPECT_EQ(dots.find("polyline"), std::string::npos) << "no line through sampled points";
  EXPECT_EQ(dots.find("class=\"band\""), std::string::npos);
  EXPECT_NE(dots.find("data-marks=\"4\""), std::string::npos) << dots;
}

TEST(ReportModel, UndefinedIsNotAvailableNeverNaN) {
  const RunView view = run_view(hand_made_results());
  // No reviews: the rating chart is left out with a note, not drawn empty.
  for (const LineChart& chart : view.series) EXPECT_NE(chart.id, "series-rating");
  bool noted = false;
  for (const std::string& note : view.notes) noted = noted || note.find("Public rating: n/a") != std::string::npos;
  EXPECT_TRUE(noted);

  EXPECT_EQ(format_kpi(kNaN, "money"), "n/a");
  EXPECT_EQ(format_kpi(10.71, "%"), "10.71%");
  EXPECT_EQ(format_ci({kNaN, {}, {}}, "money"), "undefined in at least one replication");

  LineChart chart{"c", "title", "day", "y (count)", {{"a", {0, 1, 2, 3}, {{1, 0.5, 1.5}, {kNaN, {}, {}}, {2, 1, 3}, {3, 2, 4}}}}};
  const std::string line = line_chart_svg(chart, 400, 250);
  EXPECT_EQ(line.find("NaN"), std::string::npos);
  EXPECT_EQ(line.find("nan"), std::string::npos);
  EXPECT_NE(line.find("class=\"mark point\""), std::string::npos) << "the lone point before the gap";
  EXPECT_NE(line.find("class=\"mark line\""), std::string::npos);
  EXPECT_NE(line.find(">y (count)</text>"), std::string::npos) << "the y axis is labelled";

  DeltaPanel panel{"cac", "CAC", "money", {{"a", {-0.3, -0.4, -0.2}, true}, {"b", {kNaN, {}, {}}, false}}};
  const std::string delta = delta_svg(panel, 450);
  EXPECT_NE(delta.find("n/a (undefined)"), std::string::npos);
  EXPECT_EQ(delta.find("NaN"), std::string::npos);
  EXPECT_NE(delta.find("data-marks=\"1\""), std::string::npos);

  HeatMap map{"h", "Revenue", "x", "y", "money", {0, 1}, {0, 1}, {1, 2, kNaN, 4}};
  const std::string heat = heat_map_svg(map, 450);
  EXPECT_EQ(heat.find("NaN"), std::string::npos);
  EXPECT_NE(heat.find("data-marks=\"3\""), std::string::npos) << "three cells with values, one grey";
}

TEST(ReportHtml, OnePageWithNothingFetched) {
  ReportSource source;
  source.path = "<run>.h5";
  source.run = hand_made_results();
  const std::string html = report_html({source});
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  // The only address is the SVG namespace, which is a name, not a fetch.
  std::string rest = html;
  for (std::size_t at; (at = rest.find("http://www.w3.org/2000/svg")) != std::string::npos;) rest.erase(at, 26);
  EXPECT_EQ(rest.find("http://"), std::string::npos);
  EXPECT_NE(html.find("&lt;run&gt;.h5"), std::string::npos);
  EXPECT_NE(html.find("data-kpi=\"conversion_rate\""), std::string::npos);
  EXPECT_EQ(html.find("NaN"), std::string::npos);
}

}  // namespace

namespace {

// Graphviz's SVG for a wide map scales to its column: no fixed pixel size
// on the root element, the viewBox kept, and CSS width 100%.
TEST(ReportMap, EmbeddedMapScalesToItsContainer) {
  const std::string graphviz =
      "<?xml version=\"1.0\"?>\n<!-- Generated by graphviz -->\n"
      "<svg width=\"2114pt\" height=\"436pt\"\n viewBox=\"0.00 0.00 2114.00 436.00\" "
      "xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n"
      "<g id=\"graph0\" class=\"graph\"><g id=\"node1\" class=\"node\"><text>tv</text></g>"
      "<polygon fill=\"white\" width=\"5\" points=\"0,0 1,1\"/></g>\n</svg>\n";
  const std::string svg = journeysim::report::inline_graphviz_svg(graphviz, "m-");
  ASSERT_FALSE(svg.empty());
  const std::string root = svg.substr(0, svg.find('>'));
  EXPECT_EQ(root.find(" width=\""), std::string::npos) << root;
  EXPECT_EQ(root.find(" height=\""), std::string::npos) << root;
  EXPECT_NE(root.find("viewBox=\"0.00 0.00 2114.00 436.00\""), std::string::npos) << root;
  EXPECT_NE(root.find("width:100%"), std::string::npos) << root;
  EXPECT_NE(root.find("height:auto"), std::string::npos) << root;
  EXPECT_NE(svg.find("width=\"5\""), std::string::npos) << "inner attributes stay";
  EXPECT_NE(svg.find("class=\"mark node\""), std::string::npos);
}

// The page's stylesheet scales maps too and no longer scrolls them sideways.
TEST(ReportMap, StylesheetScalesMapsToTheColumn) {
  ReportSource source;
  source.path = "run.h5";
  source.run = hand_made_results();
  const std::string html = report_html({source});
  EXPECT_NE(html.find("figure.map svg { width: 100%"), std::string::npos);
  EXPECT_EQ(html.find("overflow-x: auto"), std::string::npos);
  EXPECT_EQ(html.find("figure.map svg { max-width: none"), std::string::npos);
}

}  // namespace

namespace {

// The y tick labels of every chart with data-chart="`id`", in page order.
std::vector<std::vector<std::string>> y_ticks_of(const std::string& html, const std::string& id) {
  std::vector<std::vector<std::string>> out;
  const std::string key = "data-chart=\"" + id + "\"";
  const std::regex tick(R"re(<text x="([0-9.]+)"[^>]*class="tick"[^>]*text-anchor="end"[^>]*>([^<]*)</text>)re");
  for (std::size_t at = html.find(key); at != std::string::npos; at = html.find(key, at + key.size())) {
    const std::string svg = html.substr(at, html.find("</svg>", at) - at);
    std::vector<std::string> ticks;
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), tick); it != std::sregex_iterator(); ++it)
      ticks.push_back((*it)[2]);
    out.push_back(ticks);
  }
  return out;
}

// Arms side by side draw the same daily series on one y range, so a taller
// line means a larger value; here the arm sells five times the baseline.
TEST(ReportHtml, SideBySideArmsShareEachSeriesYRange) {
  Comparison comparison;
  comparison.baseline = hand_made_results();
  comparison.baseline.label = "baseline";
  Results arm = hand_made_results();
  arm.label = "bigger";
  for (RunResult& run : arm.runs) {
    for (auto& v : run.series.purchases) v *= 5;
  }
  comparison.arms.push_back(arm);
  ReportSource source;
  source.path = "compare.h5";
  source.comparison = comparison;
  const std::string html = report_html({source});
  const auto ticks = y_ticks_of(html, "series-purchases");
  ASSERT_EQ(ticks.size(), 2u) << "a purchases chart per arm";
  ASSERT_GE(ticks[0].size(), 2u) << "y ticks read";
  EXPECT_EQ(ticks[0], ticks[1]) << "arms drawn on different y ranges";
  // The shared range covers the larger arm: its top tick is at least 5 × 44.
  EXPECT_GE(std::stod(std::regex_replace(ticks[0].back(), std::regex(","), "")), 220.0);
}

}  // namespace

namespace {

struct DrawnText {
  double x0, x1, y;
  std::string text;
};

// Every <text> of `svg` (but loop names, drawn on their own lanes) as the
// span it covers, by the report's own width estimate at 12 px.
std::vector<DrawnText> drawn_texts(const std::string& svg) {
  const std::regex text(R"re(<text x="([0-9.]+)" y="([0-9.]+)"([^>]*)>([^<]*)</text>)re");
  std::vector<DrawnText> out;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), text); it != std::sregex_iterator(); ++it) {
    const std::string content = (*it)[4], attributes = (*it)[3];
    if (content.empty() || content.rfind("\xE2\x86\xBA", 0) == 0) continue;
    const double x = std::stod((*it)[1]), y = std::stod((*it)[2]);
    const double em = attributes.find("axis-title") != std::string::npos ? 0.65 : 0.6;
    const double w = text_width(content, 12, em);
    const double x0 = attributes.find("\"end\"") != std::string::npos      ? x - w
                      : attributes.find("\"middle\"") != std::string::npos ? x - w / 2
                                                                         : x;
    out.push_back({x0, x0 + w, y, content});
  }
  return out;
}

void expect_no_overlap(const std::string& svg, double width, bool inside = true) {
  const auto texts = drawn_texts(svg);
  ASSERT_FALSE(texts.empty());
  for (std::size_t a = 0; a < texts.size(); ++a) {
    if (inside) {
      EXPECT_GE(texts[a].x0, -0.5) << texts[a].text;
      EXPECT_LE(texts[a].x1, width + 0.5) << texts[a].text;
    }
    for (std::size_t b = a + 1; b < texts.size(); ++b) {
      if (std::fabs(texts[a].y - texts[b].y) >= 12) continue;  // different rows
      const bool apart = texts[a].x1 <= texts[b].x0 || texts[b].x1 <= texts[a].x0;
      EXPECT_TRUE(apart) << "\"" << texts[a].text << "\" overlaps \"" << texts[b].text << "\"";
    }
  }
}

// Six columns in a half-width panel: long stage names and touchpoint names
// must be wrapped or cut, never run into each other.
TEST(ReportSankey, LabelsAndHeadingsDoNotOverlapInAHalfColumn) {
  SankeyModel model;
  const std::vector<std::pair<std::string, std::string>> nodes{
      {"social_ad (channel)", "entry"}, {"social_ad_campaign", "awareness"}, {"website_and_blog", "consideration"},
      {"checkout_page", "purchase"},    {"loyalty_email", "retention"},     {"drop-off", "drop-off"}};
  for (std::size_t i = 0; i < nodes.size(); ++i)
    model.nodes.push_back({nodes[i].first, nodes[i].first, nodes[i].second, static_cast<int>(i)});
  for (std::size_t i = 0; i + 1 < nodes.size(); ++i) {
    SankeyLink link;
    link.from = i;
    link.to = i + 1;
    link.value = 1000.0 / static_cast<double>(i + 1);
    model.links.push_back(link);
  }
  expect_no_overlap(sankey_svg(model, 450), 450);
  expect_no_overlap(sankey_svg(model, 920), 920);
}

// A stage without touchpoints says so without covering its own name.
TEST(ReportCharts, StageNoteDoesNotCoverTheStageName) {
  std::vector<StageBar> bars(2);
  bars[0].stage = "purchase";
  bars[0].touchpoints = {"shop"};
  bars[0].visits = {100, 90.0, 110.0};
  bars[0].customers = {80, {}, {}};
  bars[0].customers_label = "purchasers";
  bars[1].stage = "advocacy";
  bars[1].visits = {0, {}, {}};
  bars[1].customers = {5, {}, {}};
  bars[1].customers_label = "advocates";
  expect_no_overlap(stage_svg(bars, 450), 450, false);
}

}  // namespace

namespace {

// The value texts ("+15.5", "+25.5 *") of the chart data-chart="`id`" inside `html`, top to bottom.
std::vector<std::string> bar_values(const std::string& html, const std::string& id) {
  const std::size_t at = html.find("data-chart=\"" + id + "\"");
  if (at == std::string::npos) return {};
  const std::string svg = html.substr(at, html.find("</svg>", at) - at);
  const std::regex value(R"re(class="value"[^>]*>([^<]*)</text>)re");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), value); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

// --steps on a compare file of two arms: the second step is arm2 − arm1 as
// the file's /pairs stores it, not arm2 − baseline; a file without /pairs
// says so and has no step section.
TEST(ReportHtml, StepsShowEachArmAgainstTheArmBeforeFromThePairs) {
  Comparison comparison;
  comparison.baseline = hand_made_results();
  comparison.baseline.label = "baseline";
  Results first = hand_made_results(), second = hand_made_results();
  first.label = "first";
  second.label = "second";
  for (std::size_t r = 0; r < 2; ++r) {
    first.runs[r].purchasers += 10;       // first − baseline: 10, 10
    second.runs[r].purchasers += 25 + r;  // second − first: 15, 16; second − baseline: 25, 26
  }
  comparison.arms = {first, second};
  const cli_testing::TempDir dir;
  const std::string path = (dir.path() / "ladder.h5").string();
  write_comparison_hdf5(comparison, path);

  const ReportSource source = read_report_source(path);
  ASSERT_TRUE(source.pairs.has_value());
  ASSERT_EQ(source.pairs->size(), 1u);
  const StoredPair& pair = source.pairs->front();  // "first vs second": first − second
  EXPECT_EQ(pair.arm, "first");
  EXPECT_EQ(pair.versus, "second");
  ASSERT_EQ(pair.delta.count("purchasers"), 1u);
  EXPECT_DOUBLE_EQ(pair.delta.at("purchasers").mean, -15.5);

  const std::string html = report_html({source}, ReportOptions{"One mechanism at a time", true});
  EXPECT_NE(html.find("<title>One mechanism at a time</title>"), std::string::npos);
  EXPECT_NE(html.find("<h1>One mechanism at a time</h1>"), std::string::npos);
  const std::size_t steps = html.find("data-section=\"steps\"");
  ASSERT_NE(steps, std::string::npos) << "no step section";
  EXPECT_LT(html.find("<h3>Headline metrics</h3>"), steps);
  EXPECT_LT(steps, html.find("<h3>Differences: arm")) << "the steps come before the arm − baseline charts";
  const std::string section = html.substr(steps, html.find("</section>", steps) - steps);
  const std::vector<std::string> values = bar_values(section, "step-purchasers");
  ASSERT_EQ(values.size(), 2u) << "a bar per step";
  EXPECT_EQ(values[0].substr(0, values[0].find(' ')), format_delta(10.0, "count"));  // first − baseline
  EXPECT_EQ(values[1].substr(0, values[1].find(' ')), format_delta(15.5, "count"));  // second − first
  EXPECT_NE(format_delta(15.5, "count"), format_delta(25.5, "count"));
  // The arm − baseline charts are still there, second − baseline in them.
  const std::vector<std::string> against_baseline = bar_values(html, "delta-purchasers");
  ASSERT_EQ(against_baseline.size(), 2u);
  EXPECT_EQ(against_baseline[1].substr(0, against_baseline[1].find(' ')), format_delta(25.5, "count"));
  // Without --steps: the page as before.
  EXPECT_EQ(report_html({source}).find("data-section=\"steps\""), std::string::npos);

  // A file without /pairs: a note, and no step section.
  {
    H5::H5File file(path, H5F_ACC_RDWR);
    ASSERT_GE(H5Ldelete(file.getId(), "pairs", H5P_DEFAULT), 0);
  }
  const ReportSource bare = read_report_source(path);
  EXPECT_FALSE(bare.pairs.has_value());
  const std::string note_html = report_html({bare}, ReportOptions{"", true});
  EXPECT_EQ(note_html.find("data-section=\"steps\""), std::string::npos);
  EXPECT_NE(note_html.find("Step by step is not shown: this comparison file has no arm-vs-arm differences"),
            std::string::npos);
  EXPECT_NE(note_html.find("data-chart=\"delta-purchasers\""), std::string::npos) << "the other sections stay";
}

}  // namespace

// End-to-end tests of `journeysim report`: bad inputs exit 2 with a clear
// message, and the reports of a run, a comparison and sweeps render in a real
// browser (Debian's chromium, headless) with every chart present and holding
// data: an SVG per chart with its marks, no empty panel, no "NaN".
#include <H5Cpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "cli_test_support.hpp"
#include "journeysim/graph.hpp"

using journeysim::cli_testing::CliResult;
using journeysim::cli_testing::contains;
using journeysim::cli_testing::kTinyScenario;
using journeysim::cli_testing::read_text;
using journeysim::cli_testing::run_cli;
using journeysim::cli_testing::scenario_path;
using journeysim::cli_testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::string chromium() {
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (fs::exists(candidate)) return candidate;
  return "";
}

// The DOM chromium builds from the page, after layout; "" when it failed.
std::string dump_dom(const std::string& html_path, const TempDir& dir) {
  const std::string out = dir / "dom.html";
  const std::string command = "timeout 180 " + chromium() + " --headless --no-sandbox --disable-gpu --user-data-dir=" +
                              (dir / "profile") + " --dump-dom 'file://" + html_path + "' > '" + out + "' 2>/dev/null";
  if (std::system(command.c_str()) != 0) return "";
  return read_text(out);
}

bool screenshot(const std::string& html_path, const std::string& png, const TempDir& dir) {
  const std::string command = "timeout 180 " + chromium() + " --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir=" +
                              (dir / "profile") + " --window-size=1100,2400 --screenshot='" + png + "' 'file://" +
                              html_path + "' >/dev/null 2>&1";
  return std::system(command.c_str()) == 0 && fs::exists(png);
}

struct Chart {
  std::string id;
  int marks = 0;           // what the writer counted (data-marks)
  int mark_elements = 0;   // what the browser's DOM holds
};

// Every <svg> of the DOM with its data-chart, data-marks and mark elements.
std::vector<Chart> charts_in(const std::string& dom) {
  std::vector<Chart> charts;
  const std::regex open(R"re(<svg[^>]*data-chart="([^"]*)"[^>]*data-marks="([0-9]+)")re");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), open); it != std::sregex_iterator(); ++it) {
    const std::size_t start = static_cast<std::size_t>(it->position(0));
    const std::size_t end = dom.find("</svg>", start);
    const std::string body = dom.substr(start, end - start);
    Chart chart{(*it)[1], std::stoi((*it)[2]), 0};
    const std::regex mark(R"re(class="mark[ "])re");
    chart.mark_elements = static_cast<int>(std::distance(std::sregex_iterator(body.begin(), body.end(), mark), std::sregex_iterator()));
    charts.push_back(chart);
  }
  return charts;
}

// Renders `html` in chromium and checks the charts; returns their ids.
std::set<std::string> check_in_browser(const std::string& html, const TempDir& dir) {
  const std::string dom = dump_dom(html, dir);
  EXPECT_FALSE(dom.empty()) << "chromium did not render " << html;
  EXPECT_EQ(dom.find("NaN"), std::string::npos) << "the page shows NaN";
  EXPECT_EQ(dom.find(">nan<"), std::string::npos);
  std::set<std::string> ids;
  for (const Chart& chart : charts_in(dom)) {
    ids.insert(chart.id);
    EXPECT_GT(chart.marks, 0) << "empty chart " << chart.id;
    EXPECT_EQ(chart.mark_elements, chart.marks) << chart.id << ": the browser's DOM lost marks";
  }
  EXPECT_FALSE(ids.empty()) << "no charts in " << html;
  const std::string png = html + ".png";
  EXPECT_TRUE(screenshot(html, png, dir)) << "no screenshot of " << html;
  if (fs::exists(png)) EXPECT_GT(fs::file_size(png), 20'000u) << "a nearly blank screenshot";
  return ids;
}

CliResult must_run(const std::vector<std::string>& args) {
  CliResult result = run_cli(args, "", std::chrono::seconds(300));
  EXPECT_EQ(result.exit_code, 0) << result;
  return result;
}

TEST(ReportCli, BadInputsExitTwoWithAClearMessage) {
  const TempDir dir;
  const auto expect_bad = [&](const std::vector<std::string>& args, const std::string& says) {
    const CliResult r = run_cli(args);
    EXPECT_TRUE(r.exited()) << r;
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(contains(r.err, says)) << "expected '" << says << "'\n" << r;
    EXPECT_FALSE(fs::exists(dir / "out.html")) << "nothing written for bad input";
  };
  expect_bad({"report", dir / "missing.h5", "-o", dir / "out.html"}, "does not exist");
  expect_bad({"report", dir.write("text.h5", "not hdf5\n"), "-o", dir / "out.html"}, "is not an HDF5 file");
  {
    H5::H5File file(dir / "plain.h5", H5F_ACC_TRUNC);
    file.createGroup("/data");
  }
  expect_bad({"report", dir / "plain.h5", "-o", dir / "out.html"}, "without a journeysim 'format' attribute");
  {
    H5::H5File file(dir / "other.h5", H5F_ACC_TRUNC);
    H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
    file.openGroup("/").createAttribute("format", type, H5::DataSpace(H5S_SCALAR)).write(type, std::string("other/1"));
  }
  expect_bad({"report", dir / "other.h5", "-o", dir / "out.html"}, "unknown kind (format 'other/1'");
  expect_bad({"report", dir / "other.h5", "-o", dir / "no-such-dir/out.html"}, "no-such-dir");
  expect_bad({"report", "-o", dir / "out.html"}, "files is required");
}

TEST(ReportBrowser, RunCompareAndSweepRenderWithEveryChart) {
  if (chromium().empty()) GTEST_SKIP() << "chromium is not installed (apt-get install chromium; tools/setup.sh does)";
  const TempDir dir;
  const std::string tiny = dir.write("tiny.yaml", kTinyScenario);
  const std::string eco = scenario_path("ecosystem.yaml");

  // A run with reviews, word of mouth and loops.
  must_run({"run", eco, "-r", "3", "--market-size", "20000", "--quiet", "--out", dir / "run.h5"});
  must_run({"report", dir / "run.h5", "-o", dir / "run.html"});
  const auto run_ids = check_in_browser(dir / "run.html", dir);
  for (const char* id : {"sankey", "stages", "series-aware", "series-purchases", "series-advocates", "series-rating"})
    EXPECT_EQ(run_ids.count(id), 1u) << "no chart " << id;
  // The touchpoint map where Graphviz is (tools/setup.sh installs it), else a note.
  if (!journeysim::find_dot_program().empty()) EXPECT_EQ(run_ids.count("touchpoint-map"), 1u) << "no touchpoint map";
  else EXPECT_TRUE(contains(read_text(dir / "run.html"), "Touchpoint map: not drawn"));

  // A comparison of two strategies: delta bars and the arms side by side.
  must_run({"compare", tiny, "-s", "better_site", "-s", "worse_site", "-r", "3", "--quiet", "--out", dir / "cmp.h5"});
  must_run({"report", dir / "cmp.h5", "-o", dir / "cmp.html"});
  const auto cmp_ids = check_in_browser(dir / "cmp.html", dir);
  for (const char* id : {"delta-conversion_rate", "delta-purchasers", "delta-revenue", "sankey"})
    EXPECT_EQ(cmp_ids.count(id), 1u) << "no chart " << id;
  const std::string cmp_html = read_text(dir / "cmp.html");
  EXPECT_TRUE(contains(cmp_html, "better_site") && contains(cmp_html, "worse_site"));

  // Two scenario files: panels side by side.
  must_run({"compare", scenario_path("funnel.yaml"), eco, "-r", "2", "--market-size", "10000", "--quiet", "--out",
            dir / "files.h5"});
  must_run({"report", dir / "files.h5", "-o", dir / "files.html"});
  check_in_browser(dir / "files.html", dir);

  // One parameter: curves with bands. Two on a grid: heat maps.
  must_run({"sweep", tiny, "--param", "transitions.site.shop=0.05:0.5:6", "-r", "2", "--quiet", "--out", dir / "s1.h5"});
  must_run({"sweep", tiny, "--param", "transitions.site.shop=0.05:0.5:4", "--param", "transitions.ad.site=list:0.2,0.4,0.6",
            "-r", "2", "--quiet", "--out", dir / "s2.h5"});
  // Several files make one page.
  must_run({"report", dir / "s1.h5", dir / "s2.h5", "-o", dir / "sweeps.html"});
  const auto sweep_ids = check_in_browser(dir / "sweeps.html", dir);
  for (const char* id : {"curve-conversion_rate", "curve-revenue", "heat-conversion_rate", "heat-revenue"})
    EXPECT_EQ(sweep_ids.count(id), 1u) << "no chart " << id;
}

TEST(ReportBrowser, TheTouchpointMapShowsTheLoopsAndTheFlows) {
  if (chromium().empty()) GTEST_SKIP() << "chromium is not installed (apt-get install chromium; tools/setup.sh does)";
  if (journeysim::find_dot_program().empty())
    GTEST_SKIP() << "Graphviz's dot is not installed (apt-get install graphviz; tools/setup.sh does)";
  const TempDir dir;
  must_run({"run", scenario_path("ecosystem.yaml"), "-r", "2", "--market-size", "20000", "--quiet", "--out", dir / "run.h5"});
  must_run({"report", dir / "run.h5", "-o", dir / "map.html"});
  const std::string dom = dump_dom(dir / "map.html", dir);
  ASSERT_FALSE(dom.empty()) << "chromium did not render the page";
  const std::size_t start = dom.find("data-chart=\"touchpoint-map\"");
  ASSERT_NE(start, std::string::npos) << "no map in the rendered page";
  const std::string map = dom.substr(start, dom.find("</svg>", start) - start);
  // Every touchpoint, both loop nodes and the word-of-mouth entry are drawn…
  for (const char* node : {"social_ad", "search", "friend_referral", "website", "reviews", "checkout", "support",
                           "loyalty_email", "public rating", "active advocates", "word of mouth", "drop-off"})
    EXPECT_TRUE(contains(map, std::string(">") + node + "<")) << "no node " << node;
  // …the influences point into the rating and into word of mouth, dashed…
  EXPECT_TRUE(contains(map, "advocates / market")) << "nothing points into word of mouth";
  EXPECT_TRUE(contains(map, "e=2 on reviews")) << "the rating's influence on reviews → checkout";
  EXPECT_TRUE(contains(map, "stroke-dasharray"));
  // …and the run's flows label the edges, the busiest drawn widest.
  EXPECT_TRUE(contains(map, "traversals"));
  EXPECT_TRUE(contains(map, "stroke-width=\"12\""));
  const auto charts = charts_in(dom);
  const auto it = std::find_if(charts.begin(), charts.end(), [](const Chart& c) { return c.id == "touchpoint-map"; });
  ASSERT_NE(it, charts.end());
  EXPECT_GE(it->marks, 12 + 20) << "nodes and edges counted";
  EXPECT_EQ(it->mark_elements, it->marks) << "the browser's DOM lost marks";
}

}  // namespace

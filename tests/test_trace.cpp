// run --trace: the journeys of a few customers, one row per event. The rows
// must be what the model does (a fixed-dwell chain is checked to the last
// bit), the same for any thread count, complete (with every customer traced
// they add up to the run's own counts), and tracing must change no result.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cli_test_support.hpp"
#include "journeysim/ensemble.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/io.hpp"
#include "support.hpp"

namespace journeysim {
namespace {

using cli_testing::CliResult;
using cli_testing::contains;
using cli_testing::lines_of;
using cli_testing::read_text;
using cli_testing::run_cli;
using cli_testing::scenario_path;
using cli_testing::TempDir;
using testing::load_yaml;
using testing::without_timing;

// Everyone is aware at day 0 and walks ad → site → shop → returns → out,
// with fixed dwells that are exact in binary, so every time is an exact sum.
// The purchase posts a review (post_probability 1) and, satisfaction being
// 0.75 ≥ promoter_at, makes an advocate (advocate_probability 1).
const char* const kChain = R"(name: chain
seed: 11
horizon_days: 30
market: {size: 1000}
awareness: {initial: {share: 1.0, via: {ad: 1.0}}}
touchpoints:
  ad:      {stage: awareness, cost: 1.0, experience: 0.5, dwell_days: 0.25}
  site:    {stage: consideration, experience: 0.75, dwell_days: 1.5}
  shop:    {stage: purchase, purchase: {revenue: 40}, experience: 1.0, dwell_days: 2.0}
  returns: {stage: retention, refund: {amount: 15}, dwell_days: 0.5}
transitions:
  ad:   {site: 1.0}
  site: {shop: 1.0}
  shop: {returns: 1.0}
reviews: {post_probability: 1.0, prior: {rating: 0.7, weight: 10}}
advocacy: {promoter_at: 0.7, detractor_below: 0.6, advocate_probability: 1.0}
)";

const double nan = std::numeric_limits<double>::quiet_NaN();

Results run_traced(const Scenario& scenario, std::uint32_t customers, unsigned threads = 2,
                   std::uint32_t replications = 1, std::uint32_t max_events = 1'000'000) {
  Engine engine(threads);
  RunOptions options;
  options.replications = replications;
  options.max_events_per_customer = max_events;
  options.trace_customers = customers;
  return engine.run(plan_for(scenario, options));
}

std::string place_of(const Results& results, const TraceRow& row) {
  const auto touchpoints = results.touchpoints.size();
  return row.place < touchpoints ? results.touchpoints[row.place] : results.entries[row.place - touchpoints];
}

// A row as text, NaN as "-", for readable failures.
std::string describe(const Results& results, const TraceRow& row) {
  auto number = [](double value) { return std::isnan(value) ? std::string("-") : fmt::format("{}", value); };
  return fmt::format("{} {} t={} {} {} exp={} sat={} rev={}", row.customer, results.segments[row.segment],
                     row.time, place_of(results, row), trace_event_name(row.event), number(row.experience),
                     number(row.satisfaction), number(row.revenue));
}

std::map<std::uint32_t, std::vector<TraceRow>> by_customer(const Results& results) {
  std::map<std::uint32_t, std::vector<TraceRow>> journeys;
  for (const TraceRow& row : results.trace.rows) journeys[row.customer].push_back(row);
  return journeys;
}

TEST(Trace, AFixedDwellChainGivesExactRows) {
  const Results results = run_traced(load_yaml(kChain), 4);
  const JourneyTrace& trace = results.trace;
  EXPECT_EQ(trace.requested, 4u);
  EXPECT_EQ(trace.stride, 250u) << "1000 expected aware / 4";
  EXPECT_EQ(trace.customers, 4u);
  EXPECT_EQ(trace.replication, 0u);

  struct Expected {
    double time;
    const char* place;
    TraceEvent event;
    double experience, satisfaction, revenue;
  };
  const std::vector<Expected> journey = {
      {0.0, "initial", TraceEvent::aware, nan, nan, nan},
      {0.0, "ad", TraceEvent::enter, 0.5, 0.5, nan},
      {0.25, "site", TraceEvent::enter, 0.75, 0.625, nan},
      {1.75, "shop", TraceEvent::purchase, 1.0, 0.75, 40.0},
      {1.75, "shop", TraceEvent::review, nan, 0.75, nan},
      {1.75, "shop", TraceEvent::advocate, nan, 0.75, nan},
      {3.75, "returns", TraceEvent::refund, nan, 0.75, -15.0},  // unrated: satisfaction unchanged
      {4.25, "returns", TraceEvent::drop_off, nan, 0.75, nan},  // left at the end of its dwell
  };
  const auto journeys = by_customer(results);
  ASSERT_EQ(journeys.size(), 4u);
  std::uint32_t expected_id = 0;
  for (const auto& [id, rows] : journeys) {
    EXPECT_EQ(id, expected_id) << "ids 0, stride, 2·stride, …";
    expected_id += 250;
    ASSERT_EQ(rows.size(), journey.size()) << "customer " << id;
    for (size_t i = 0; i < rows.size(); ++i) {
      const TraceRow& row = rows[i];
      const Expected& want = journey[i];
      SCOPED_TRACE(describe(results, row));
      EXPECT_EQ(row.time, want.time);  // exact: sums of dwells that binary holds exactly
      EXPECT_EQ(place_of(results, row), want.place);
      EXPECT_EQ(row.event, want.event);
      EXPECT_EQ(results.segments[row.segment], "all");
      auto same = [](double got, double wanted) { return std::isnan(wanted) ? std::isnan(got) : got == wanted; };
      EXPECT_TRUE(same(row.experience, want.experience)) << "experience";
      EXPECT_TRUE(same(row.satisfaction, want.satisfaction)) << "satisfaction";
      EXPECT_TRUE(same(row.revenue, want.revenue)) << "revenue";
    }
  }
}

TEST(Trace, TheCsvSaysWhatTheRowsSay) {
  const Results results = run_traced(load_yaml(kChain), 1);
  EXPECT_EQ(trace_to_csv(results),
            "customer,segment,time,touchpoint,event,experience,satisfaction,revenue\n"
            "0,all,0,initial,aware,,,\n"
            "0,all,0,ad,enter,0.5,0.5,\n"
            "0,all,0.25,site,enter,0.75,0.625,\n"
            "0,all,1.75,shop,purchase,1,0.75,40\n"
            "0,all,1.75,shop,review,,0.75,\n"
            "0,all,1.75,shop,advocate,,0.75,\n"
            "0,all,3.75,returns,refund,,0.75,-15\n"
            "0,all,4.25,returns,drop_off,,0.75,\n");
}

TEST(Trace, TheHorizonAndTheEventCapEndJourneysVisibly) {
  // Horizon 3: customers wait at the shop (until 3.75) when time runs out.
  std::string short_horizon = kChain;
  short_horizon.replace(short_horizon.find("horizon_days: 30"), 16, "horizon_days: 3");
  const Results stopped = run_traced(load_yaml(short_horizon), 2);
  for (const auto& [id, rows] : by_customer(stopped)) {
    ASSERT_FALSE(rows.empty());
    const TraceRow& last = rows.back();
    EXPECT_EQ(last.event, TraceEvent::in_progress) << describe(stopped, last);
    EXPECT_EQ(last.time, 3.0) << "the horizon";
    EXPECT_EQ(place_of(stopped, last), "shop");
    EXPECT_EQ(rows.size(), 7u) << "aware, ad, site, purchase, review, advocate, in_progress";
  }
  EXPECT_EQ(stopped.runs[0].in_progress, 1000u);

  // A cap of two events: ad and site, then truncated where it stands.
  const Results capped = run_traced(load_yaml(kChain), 2, 2, 1, 2);
  for (const auto& [id, rows] : by_customer(capped)) {
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[2].event, TraceEvent::enter);
    EXPECT_EQ(place_of(capped, rows[2]), "site");
    EXPECT_EQ(rows[3].event, TraceEvent::truncated);
    EXPECT_EQ(place_of(capped, rows[3]), "site");
    EXPECT_EQ(rows[3].time, 1.75) << "when it would have left the site";
  }
}

TEST(Trace, CustomersWhoEnterNothingDropOffAtTheirEntry) {
  // Half of the initially aware enter nowhere (the via shares sum to 0.5).
  std::string half = kChain;
  half.replace(half.find("via: {ad: 1.0}"), 14, "via: {ad: 0.5}");
  const Scenario scenario = load_yaml(half);
  const Results results = run_traced(scenario, 1000);  // every customer
  EXPECT_EQ(results.trace.stride, 1u);
  std::uint64_t entered_nothing = 0;
  for (const auto& [id, rows] : by_customer(results)) {
    if (rows.size() != 2) continue;
    ++entered_nothing;
    EXPECT_EQ(rows[0].event, TraceEvent::aware);
    EXPECT_EQ(rows[1].event, TraceEvent::drop_off) << describe(results, rows[1]);
    EXPECT_EQ(place_of(results, rows[1]), "initial");
    EXPECT_EQ(rows[1].time, 0.0);
    EXPECT_TRUE(std::isnan(rows[1].satisfaction));
  }
  EXPECT_EQ(entered_nothing, results.runs[0].entry_dropoffs[0]);
  EXPECT_GT(entered_nothing, 400u);
  EXPECT_LT(entered_nothing, 600u);
}

TEST(Trace, TracingChangesNoResult) {
  const Scenario scenario = load_yaml(read_text(scenario_path("ecosystem.yaml")));
  for (const std::uint32_t replications : {1u, 2u}) {
    Engine engine(2);
    RunOptions options;
    options.market_size = 30000;
    options.replications = replications;
    const Results plain = engine.run(plan_for(scenario, options));
    options.trace_customers = 5000;
    const Results traced = engine.run(plan_for(scenario, options));
    EXPECT_FALSE(traced.trace.rows.empty());
    EXPECT_TRUE(plain.trace.rows.empty());
    const auto difference =
        nlohmann::json::diff(without_timing(results_to_json(plain)), without_timing(results_to_json(traced)));
    EXPECT_TRUE(difference.empty()) << difference.dump(1).substr(0, 2000);
  }
}

TEST(Trace, OneAndTwoThreadsGiveTheSameBytes) {
  const Scenario scenario = load_yaml(read_text(scenario_path("ecosystem.yaml")));
  RunOptions options;
  options.market_size = 40000;
  options.trace_customers = 300;
  options.threads = 1;
  const std::string one = trace_to_csv(run_scenario(scenario, options));
  options.threads = 2;
  const std::string two = trace_to_csv(run_scenario(scenario, options));
  EXPECT_GT(lines_of(one).size(), 300u);
  EXPECT_EQ(one, two);
}

TEST(Trace, TheRequestedCustomersAppearEachAWholeJourney) {
  const Scenario scenario = load_yaml(read_text(scenario_path("ecosystem.yaml")));
  const Results results = run_traced(scenario, 25, 2, 1);
  const JourneyTrace& trace = results.trace;
  EXPECT_EQ(trace.stride, trace_stride(scenario, scenario.market_size, 25));
  EXPECT_GT(trace.stride, 1000u);
  EXPECT_EQ(trace.customers, 25u);
  const auto journeys = by_customer(results);
  ASSERT_EQ(journeys.size(), 25u);
  std::uint32_t k = 0;
  for (const auto& [id, rows] : journeys) {
    EXPECT_EQ(id, k++ * trace.stride);
    EXPECT_EQ(rows.front().event, TraceEvent::aware);
    const TraceEvent end = rows.back().event;
    EXPECT_TRUE(end == TraceEvent::drop_off || end == TraceEvent::in_progress || end == TraceEvent::truncated)
        << describe(results, rows.back());
    for (size_t i = 1; i < rows.size(); ++i) {
      EXPECT_LE(rows[i - 1].time, rows[i].time) << describe(results, rows[i]);
      EXPECT_EQ(rows[i].segment, rows[0].segment);
    }
  }
}

TEST(Trace, WithEveryCustomerTracedTheRowsAddUpToTheRun) {
  // A small market traced whole: every count the run reports is in the rows.
  const Scenario scenario = load_yaml(read_text(scenario_path("ecosystem.yaml")));
  const std::uint64_t market = 4000;
  Engine engine(2);
  RunOptions options;
  options.market_size = market;
  options.trace_customers = static_cast<std::uint32_t>(market);
  const Results results = engine.run(plan_for(scenario, options));
  const RunResult& run = results.runs[0];
  ASSERT_EQ(results.trace.stride, 1u);
  ASSERT_EQ(results.trace.customers, run.aware);
  std::map<TraceEvent, std::uint64_t> count;
  double revenue = 0.0;
  for (const TraceRow& row : results.trace.rows) {
    ++count[row.event];
    if (row.event == TraceEvent::purchase) revenue += row.revenue;
  }
  std::uint64_t visits = 0;
  for (const std::uint64_t v : run.touchpoint_visits) visits += v;
  EXPECT_EQ(count[TraceEvent::aware], run.aware);
  EXPECT_EQ(count[TraceEvent::enter] + count[TraceEvent::purchase] + count[TraceEvent::refund], visits);
  EXPECT_EQ(count[TraceEvent::purchase], run.purchases);
  EXPECT_EQ(count[TraceEvent::review], run.reviews);
  EXPECT_GE(count[TraceEvent::advocate], run.advocates) << "some become advocates more than once";
  EXPECT_EQ(count[TraceEvent::drop_off], run.finished);
  EXPECT_EQ(count[TraceEvent::in_progress], run.in_progress);
  EXPECT_EQ(count[TraceEvent::truncated], run.truncated);
  EXPECT_DOUBLE_EQ(revenue, run.revenue);
}

TEST(Trace, OnlyThePlansFirstReplicationIsTraced) {
  const Scenario scenario = load_yaml(read_text(scenario_path("ecosystem.yaml")));
  RunOptions options;
  options.market_size = 20000;
  options.trace_customers = 40;
  const std::string once = trace_to_csv(run_scenario(scenario, options));
  options.replications = 3;
  EXPECT_EQ(trace_to_csv(run_scenario(scenario, options)), once);
}

TEST(Trace, TooManyCustomersIsBadInput) {
  const Scenario scenario = load_yaml(kChain);
  Engine engine(1);
  RunPlan plan = plan_for(scenario);
  plan.trace_customers = max_trace_customers + 1;
  EXPECT_THROW(engine.run(plan), InputError);
}

TEST(Trace, NamesThatNeedQuotingAreQuoted) {
  Results results;
  results.touchpoints = {"plain", "a, b"};
  results.entries = {"initial", "channel:say \"hi\""};
  results.segments = {" padded"};
  TraceRow aware;
  aware.event = TraceEvent::aware;
  aware.place = 3;  // the channel
  aware.time = 0.1;
  TraceRow enter;
  enter.place = 1;
  enter.time = 1.0 / 3.0;
  enter.experience = 0.1;
  enter.satisfaction = 0.1f;
  results.trace.rows = {aware, enter};
  EXPECT_EQ(trace_to_csv(results),
            "customer,segment,time,touchpoint,event,experience,satisfaction,revenue\n"
            "0,\" padded\",0.1,\"channel:say \"\"hi\"\"\",aware,,,\n"
            "0,\" padded\",0.3333333333333333,\"a, b\",enter,0.1,0.1,\n");
}

// --- the command line ---

TEST(TraceCli, WritesTheFileTheSameForOneAndTwoThreadsAndChangesNoResult) {
  const TempDir dir;
  auto run = [&](const std::string& threads, const std::vector<std::string>& extra) {
    std::vector<std::string> args{"run", scenario_path("ecosystem.yaml"), "--market-size", "20000",
                                  "--threads", threads, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 0) << r;
    return r;
  };
  const CliResult one = run("1", {"--trace", dir / "one.csv", "--trace-customers", "7"});
  const CliResult two = run("2", {"--trace", dir / "two.csv", "--trace-customers", "7"});
  const CliResult plain = run("2", {});
  const std::string text = read_text(dir / "one.csv");
  EXPECT_EQ(text, read_text(dir / "two.csv"));
  const auto lines = lines_of(text);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "customer,segment,time,touchpoint,event,experience,satisfaction,revenue");
  std::set<std::string> customers;
  for (size_t i = 1; i < lines.size(); ++i) customers.insert(lines[i].substr(0, lines[i].find(',')));
  EXPECT_EQ(customers.size(), 7u);

  auto results = [](const CliResult& r) {
    nlohmann::json json = nlohmann::json::parse(r.out);
    for (const char* key : {"wall_seconds", "events_per_s", "threads", "command_line", "created_utc"}) json.erase(key);
    for (auto& run : json["runs"]) run.erase("wall_seconds");
    return json;
  };
  EXPECT_EQ(results(two), results(plain));
}

TEST(TraceCli, DefaultsToTenCustomers) {
  const TempDir dir;
  const CliResult r =
      run_cli({"run", scenario_path("ecosystem.yaml"), "--market-size", "20000", "--trace", dir / "t.csv"});
  ASSERT_EQ(r.exit_code, 0) << r;
  std::set<std::string> customers;
  const auto lines = lines_of(read_text(dir / "t.csv"));
  for (size_t i = 1; i < lines.size(); ++i) customers.insert(lines[i].substr(0, lines[i].find(',')));
  EXPECT_EQ(customers.size(), 10u);
}

TEST(TraceCli, FewerAwareThanAskedForIsAWarningNotAnError) {
  const TempDir dir;
  const std::string scenario = dir.write("tiny.yaml", cli_testing::kTinyScenario);
  const CliResult r = run_cli({"run", scenario, "--market-size", "30", "--trace", dir / "t.csv",
                               "--trace-customers", "1000", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r;
  const auto aware = nlohmann::json::parse(r.out).at("aware").get<std::uint64_t>();
  EXPECT_TRUE(contains(r.err, "warning: the trace follows " + std::to_string(aware) + " customers, not 1000")) << r;
  const CliResult quiet = run_cli({"run", scenario, "--market-size", "30", "--trace", dir / "t.csv",
                                   "--trace-customers", "1000", "--quiet"});
  EXPECT_EQ(quiet.exit_code, 0) << quiet;
  EXPECT_FALSE(contains(quiet.err, "warning")) << quiet;
}

TEST(TraceCli, BadRequestsExitTwoBeforeRunning) {
  const TempDir dir;
  const std::string file = scenario_path("ecosystem.yaml");
  const std::string csv = dir / "t.csv";
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"--trace", csv, "--trace-customers", "0"}, "--trace-customers"},
      {{"--trace", csv, "--trace-customers", "1000001"}, "--trace-customers"},
      {{"--trace", csv, "--trace-customers", "ten"}, "--trace-customers"},
      {{"--trace", csv, "--trace-customers", "-3"}, "--trace-customers"},
      {{"--trace-customers", "5"}, "--trace"},
      {{"--trace"}, "--trace"},
      {{"--trace", ""}, "--trace needs a file path"},
      {{"--trace", "-"}, "--trace needs a file path"},
      {{"--trace", dir / "missing/t.csv"}, "does not exist"},
      {{"--trace", dir.path().string()}, "is a directory"},
      {{"--trace", csv, "--out", csv}, "the same file"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args{"run", file, "--market-size", "1000"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const CliResult r = run_cli(args);
    EXPECT_TRUE(r.exited()) << r;
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(contains(r.err, c.says)) << "expected '" << c.says << "' in\n" << r;
    EXPECT_TRUE(r.out.empty()) << "no results: it stopped before the run\n" << r;
  }
  EXPECT_FALSE(std::filesystem::exists(csv));
}

}  // namespace
}  // namespace journeysim

// Reading observed journeys: ChannelAttribution path data and event logs,
// and every bad row an error with its file:line:col.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "cli_test_support.hpp"
#include "journeysim/diagnostics.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/observed.hpp"

namespace {

using journeysim::ObservedJourney;
using journeysim::ObservedJourneys;
using journeysim::cli_testing::TempDir;

// The messages of a read that must fail, joined.
std::string errors_of(const std::string& path) {
  try {
    journeysim::read_observed_journeys(path);
  } catch (const journeysim::ScenarioError& error) {
    return error.diagnostics.format();
  } catch (const journeysim::InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << path << " was read without an error";
  return "";
}

TEST(ObservedPaths, ReadsChannelAttributionRows) {
  const TempDir dir;
  const auto file = dir.write("paths.csv",
                              "path;total_conversions;total_conversion_value;total_null\n"
                              "a > b;2;10.5;3\n"
                              "b>a>c;0;0;4\n"
                              "\n"
                              "c;1;2.5;0\n");
  const ObservedJourneys data = journeysim::read_observed_journeys(file);
  EXPECT_EQ(data.kind, ObservedJourneys::Kind::paths);
  EXPECT_EQ(data.rows, 3u);
  EXPECT_EQ(data.journey_count(), 10u);
  EXPECT_EQ(data.conversions(), 3u);
  EXPECT_DOUBLE_EQ(data.conversion_value(), 13.0);
  ASSERT_EQ(data.touchpoints, (std::vector<std::string>{"a", "b", "c"}));
  // Row 1 is a converted journey (count 2) and a dropped one (count 3).
  ASSERT_EQ(data.journeys.size(), 4u);
  EXPECT_EQ(data.journeys[0].touches, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(data.journeys[0].end, ObservedJourney::End::conversion);
  EXPECT_EQ(data.journeys[0].count, 2u);
  EXPECT_EQ(data.journeys[1].end, ObservedJourney::End::drop_off);
  EXPECT_EQ(data.journeys[1].count, 3u);
  EXPECT_EQ(data.journeys[2].touches, (std::vector<std::uint32_t>{1, 0, 2}));
  EXPECT_EQ(data.journeys[3].line, 5);
}

TEST(ObservedPaths, AHeaderIsOptional) {
  const TempDir dir;
  const ObservedJourneys data = journeysim::read_observed_journeys(dir.write("p.csv", "x>y;1;1;1\n"));
  EXPECT_EQ(data.rows, 1u);
  EXPECT_EQ(data.journey_count(), 2u);
}

TEST(ObservedPaths, EveryBadRowIsAnErrorWithItsPlace) {
  const TempDir dir;
  const auto file = dir.write("bad.csv",
                              "path;total_conversions;total_conversion_value;total_null\n"
                              "a>b;1;2\n"         // 3 fields
                              "a>b;-1;0;2\n"      // negative count
                              "a>b;1;lots;2\n"    // value not a number
                              ";1;1;1\n"          // empty path
                              "a>>b;1;1;1\n"      // empty channel
                              "a;0;0;0\n"         // no journeys
                              "a;0;3;1\n"         // value without conversions
                              "a;1.5;1;1\n");     // fractional count
  const std::string errors = errors_of(file);
  EXPECT_NE(errors.find(file + ":2:1: error: 3 fields where path data has 4"), std::string::npos) << errors;
  EXPECT_NE(errors.find(file + ":3:5: error: total_conversions is '-1'"), std::string::npos) << errors;
  EXPECT_NE(errors.find(file + ":4:7: error: total_conversion_value is 'lots'"), std::string::npos) << errors;
  EXPECT_NE(errors.find(file + ":5:1: error: empty path"), std::string::npos) << errors;
  EXPECT_NE(errors.find(file + ":6:3: error: empty channel name"), std::string::npos) << errors;
  EXPECT_NE(errors.find(file + ":7:3: error: this row stands for no journey"), std::string::npos) << errors;
  EXPECT_NE(errors.find(file + ":8:5: error: a conversion value without conversions"), std::string::npos) << errors;
  EXPECT_NE(errors.find(file + ":9:3: error: total_conversions is '1.5'"), std::string::npos) << errors;
}

TEST(ObservedPaths, MissingFilesAndDirectoriesAreClearErrors) {
  const TempDir dir;
  EXPECT_NE(errors_of(dir / "nothere.csv").find("cannot open the data file"), std::string::npos);
  EXPECT_NE(errors_of(dir.path().string()).find("is a directory"), std::string::npos);
  EXPECT_NE(errors_of(dir.write("empty.csv", "")).find("no data rows"), std::string::npos);
}

TEST(ObservedEvents, GroupsByCustomerInTimeOrderWithPurchasesAndRefunds) {
  const TempDir dir;
  const auto file = dir.write("log.csv",
                              "customer,time,touchpoint,revenue\n"
                              "c1,2.5,checkout,40\n"
                              "c1,0,ad,\n"
                              "c2,1,ad,\n"
                              "c1,1,site,\n"
                              "c1,4,returns,-40\n"
                              "c2,1.5,site,\n");
  const ObservedJourneys data = journeysim::read_observed_journeys(file);
  EXPECT_EQ(data.kind, ObservedJourneys::Kind::event_log);
  EXPECT_EQ(data.rows, 6u);
  ASSERT_EQ(data.journeys.size(), 2u);
  const auto& names = data.touchpoints;
  std::vector<std::string> first;
  for (auto touch : data.journeys[0].touches) first.push_back(names[touch]);
  EXPECT_EQ(first, (std::vector<std::string>{"ad", "site", "checkout", "returns"}));
  EXPECT_EQ(data.journeys[0].times, (std::vector<double>{0, 1, 2.5, 4}));
  EXPECT_TRUE(data.purchase[static_cast<std::size_t>(std::find(names.begin(), names.end(), "checkout") - names.begin())]);
  EXPECT_TRUE(data.refund[static_cast<std::size_t>(std::find(names.begin(), names.end(), "returns") - names.begin())]);
  EXPECT_EQ(data.conversions(), 1u);
  EXPECT_DOUBLE_EQ(data.conversion_value(), 40.0);
  EXPECT_TRUE(std::isnan(data.journeys[1].end_time));
}

TEST(ObservedEvents, IsoTimesBecomeDaysSinceTheFirstEvent) {
  const TempDir dir;
  const auto file = dir.write("iso.csv",
                              "time,customer,touchpoint\n"
                              "2026-03-01T12:00:00Z,a,ad\n"
                              "2026-03-02,a,site\n"
                              "2026-03-02T14:00:00+02:00,a,shop\n"
                              "2026-02-28T23:59:60.5Z,b,ad\n");
  const ObservedJourneys data = journeysim::read_observed_journeys(file, {"shop"});
  ASSERT_EQ(data.journeys.size(), 2u);
  const auto& times = data.journeys[0].times;
  ASSERT_EQ(times.size(), 3u);
  const double half_second = 0.5 / 86400.0;  // b's leap-second time is 0.5 s into March 1st: the earliest
  EXPECT_NEAR(times[0], 0.5 - half_second, 1e-9);
  EXPECT_NEAR(times[1], 1.0 - half_second, 1e-9);
  EXPECT_NEAR(times[2], 1.5 - half_second, 1e-9);  // 14:00 at +02:00 is noon UTC
  EXPECT_EQ(data.conversions(), 1u);      // --purchase shop, though no revenue was logged
}

TEST(ObservedEvents, ATraceIsAnEventLog) {
  const TempDir dir;
  const auto file = dir.write("trace.csv",
                              "customer,segment,time,touchpoint,event,experience,satisfaction,revenue\n"
                              "7,all,0,ad,enter,0.7,0.7,\n"
                              "7,all,1,shop,purchase,0.9,0.8,20\n"
                              "7,all,1,shop,review,,0.8,\n"
                              "7,all,3,shop,drop_off,,0.8,\n"
                              "9,all,2,ad,enter,0.7,0.7,\n"
                              "9,all,60,ad,in_progress,,0.7,\n");
  const ObservedJourneys data = journeysim::read_observed_journeys(file);
  ASSERT_EQ(data.journeys.size(), 2u);
  EXPECT_EQ(data.journeys[0].touches.size(), 2u);
  EXPECT_DOUBLE_EQ(data.journeys[0].end_time, 3.0);
  EXPECT_EQ(data.journeys[0].end, ObservedJourney::End::drop_off);
  EXPECT_EQ(data.journeys[1].end, ObservedJourney::End::in_progress);
}

TEST(ObservedEvents, EveryBadRowIsAnErrorWithItsPlace) {
  const TempDir dir;
  const auto file = dir.write("bad.csv",
                              "customer,time,touchpoint,revenue\n"
                              "a,yesterday,ad,\n"
                              "a,1,ad\n"
                              ",2,ad,\n"
                              "a,3,,\n"
                              "a,4,shop,ten\n"
                              "a,2026-01-01,ad,\n"
                              "b,1,shop,5\n"
                              "b,2,shop,-5\n");
  const std::string errors = errors_of(file);
  EXPECT_NE(errors.find(file + ":2:3: error: time 'yesterday' is neither a number of days nor ISO 8601"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find(file + ":3:1: error: 3 fields where the header names 4"), std::string::npos) << errors;
  EXPECT_NE(errors.find(file + ":4:1: error: empty customer id"), std::string::npos) << errors;
  EXPECT_NE(errors.find(file + ":5:5: error: empty touchpoint"), std::string::npos) << errors;
  EXPECT_NE(errors.find(file + ":6:10: error: revenue 'ten' is not a number"), std::string::npos) << errors;
  EXPECT_NE(errors.find(file + ":7:3: error: this time is written differently"), std::string::npos) << errors;
  EXPECT_NE(errors.find("both takes money (revenue > 0) and gives it back"), std::string::npos) << errors;
}

TEST(ObservedEvents, AHeaderWithoutTheColumnsSaysWhichAndSuggests) {
  const TempDir dir;
  const auto file = dir.write("h.csv", "customer,tme,touchpoint\na,1,ad\n");
  const std::string errors = errors_of(file);
  EXPECT_NE(errors.find(file + ":1:1: error: the header has no 'time' column; did you mean 'tme'?"), std::string::npos)
      << errors;
}

TEST(ObservedEvents, AnUnknownTraceEventIsAnError) {
  const TempDir dir;
  const auto file = dir.write("t.csv", "customer,time,touchpoint,event\na,1,ad,entr\n");
  EXPECT_NE(errors_of(file).find(file + ":2:8: error: unknown event 'entr'"), std::string::npos) << errors_of(file);
}

TEST(ObservedNames, DotsAndArrowsBecomeUnderscores) {
  EXPECT_EQ(journeysim::touchpoint_name_for("google.com"), "google_com");
  EXPECT_EQ(journeysim::touchpoint_name_for("a->b"), "a_b");
  EXPECT_EQ(journeysim::touchpoint_name_for("plain"), "plain");
}

}  // namespace

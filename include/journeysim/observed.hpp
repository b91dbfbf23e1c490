#pragma once
// Observed journeys, as a strategist's data has them: path exports of an
// analytics tool (ChannelAttribution's format) or event logs (who touched
// what, when). `fit` builds a scenario from them, `attribute` scores
// heuristics on them.
//
//   ObservedJourneys data = read_observed_journeys("paths.csv");  // either format, by its header
//   std::cout << data.journey_count() << " journeys, " << data.conversions() << " conversions\n";
//
// Nothing is dropped silently: a row that cannot be used is an InputError
// "file:line:col: what is wrong and how to fix it".
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace journeysim {

struct ObservedJourney {
  std::vector<std::uint32_t> touches;  // indices into ObservedJourneys::touchpoints, in time order
  std::vector<double> times;           // event logs: when each touch began, days since the first event
  std::vector<double> revenue;         // event logs: money taken (> 0) or given back (< 0) at each touch
  std::vector<double> experience;      // event logs with an `experience` column (a trace): per touch, NaN if unrated
  // How the observation ends. Path data: a conversion after the last touch,
  // or none (drop-off). Event logs: drop-off after the last touch, or
  // in_progress when the log says the journey was still going (a trace's
  // `in_progress` or `truncated` row): censored, nothing is known of its end.
  enum class End { drop_off, conversion, in_progress };
  End end = End::drop_off;
  // Event logs: when the last touch was left (a trace's `drop_off` row); NaN when unknown.
  double end_time = std::numeric_limits<double>::quiet_NaN();
  std::uint64_t count = 1;        // identical journeys this row stands for (path data)
  double conversion_value = 0.0;  // path data: the value of all `count` conversions
  int line = 0;                   // the CSV line it starts on
};

struct ObservedJourneys {
  enum class Kind { paths, event_log };
  Kind kind = Kind::paths;
  std::string source;                    // the file read
  std::vector<std::string> touchpoints;  // names as written in the data, in order of first appearance
  // Event logs: touchpoints where money was taken (a purchase) or given back (a refund).
  std::vector<bool> purchase;
  std::vector<bool> refund;
  std::vector<ObservedJourney> journeys;
  std::uint64_t rows = 0;  // data rows read (the header not counted); every one is used

  std::uint64_t journey_count() const;  // path data: conversions + nulls of every row
  std::uint64_t conversions() const;    // path data: conversions; event logs: journeys with a purchase
  double conversion_value() const;      // path data: total value; event logs: total revenue (refunds not deducted)
};

// `path;total_conversions;total_conversion_value;total_null`, channels joined
// by '>' (spaces around it optional), a header line optional.
ObservedJourneys read_path_data(const std::string& path);

// CSV with a header naming at least `customer,time,touchpoint` (any order;
// `revenue` and `experience` optional; a journeysim trace's `event` column
// understood; other columns ignored). Time is days or ISO 8601 (2026-03-01, 2026-03-01T12:30:00Z,
// with an offset), converted to days since the earliest event. A touchpoint is
// a purchase where a row takes money (revenue > 0), or when named in
// `purchase_touchpoints`; a refund where a row gives money back (revenue < 0).
ObservedJourneys read_event_log(const std::string& path, const std::vector<std::string>& purchase_touchpoints = {});

// Either, by the first line: a `customer` column means an event log.
ObservedJourneys read_observed_journeys(const std::string& path,
                                        const std::vector<std::string>& purchase_touchpoints = {});

// The data's name as a scenario touchpoint name: '.' and "->" separate names
// in scenario paths, so they become '_'.
std::string touchpoint_name_for(const std::string& data_name);

}  // namespace journeysim

// Path data and event logs into ObservedJourneys.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include <fmt/format.h>

#include "fit/csv.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/observed.hpp"

namespace journeysim {

using fit_detail::DelimitedReader;
using fit_detail::Field;

std::uint64_t ObservedJourneys::journey_count() const {
  std::uint64_t total = 0;
  for (const auto& journey : journeys) total += journey.count;
  return total;
}

std::uint64_t ObservedJourneys::conversions() const {
  std::uint64_t total = 0;
  for (const auto& journey : journeys) {
    if (kind == Kind::paths) {
      if (journey.end == ObservedJourney::End::conversion) total += journey.count;
    } else if (std::any_of(journey.touches.begin(), journey.touches.end(),
                           [&](std::uint32_t touch) { return purchase[touch]; })) {
      total += journey.count;
    }
  }
  return total;
}

double ObservedJourneys::conversion_value() const {
  double total = 0.0;
  for (const auto& journey : journeys) {
    total += journey.conversion_value;
    for (double money : journey.revenue) total += std::max(money, 0.0);
  }
  return total;
}

std::string touchpoint_name_for(const std::string& data_name) {
  std::string name;
  for (std::size_t i = 0; i < data_name.size(); ++i) {
    if (data_name[i] == '.') name += '_';
    else if (data_name.compare(i, 2, "->") == 0) name += '_', ++i;
    else name += data_name[i];
  }
  return name;
}

namespace {

class NameTable {
 public:
  explicit NameTable(std::vector<std::string>& names) : names_(names) {}
  std::uint32_t index(const std::string& name) {
    const auto [where, added] = index_.emplace(name, static_cast<std::uint32_t>(names_.size()));
    if (added) names_.push_back(name);
    return where->second;
  }

 private:
  std::vector<std::string>& names_;
  std::unordered_map<std::string, std::uint32_t> index_;
};

bool too_many(const Diagnostics& diagnostics) { return diagnostics.all().size() >= fit_detail::max_reported_errors; }

}  // namespace

ObservedJourneys read_path_data(const std::string& path) {
  ObservedJourneys data;
  data.kind = ObservedJourneys::Kind::paths;
  data.source = path;
  NameTable names(data.touchpoints);
  DelimitedReader reader(path, ';');
  Diagnostics diagnostics;
  const char* layout = "path;total_conversions;total_conversion_value;total_null";
  bool first = true;
  while (auto fields = reader.next(diagnostics)) {
    if (too_many(diagnostics)) break;
    const bool header = first && fields->size() == 4 && !fit_detail::parse_count((*fields)[1].text);
    first = false;
    if (header) continue;
    ++data.rows;
    if (fields->size() != 4) {
      diagnostics.error(reader.where(1), fmt::format("{} fields where path data has 4 ({}); separate them with ';'",
                                                     fields->size(), layout));
      continue;
    }
    const Field& path_field = (*fields)[0];
    ObservedJourney journey;
    journey.line = reader.line();
    std::size_t start = 0;
    bool bad_path = false;
    while (true) {
      const std::size_t end = path_field.text.find('>', start);
      std::string channel = path_field.text.substr(start, end == std::string::npos ? std::string::npos : end - start);
      channel.erase(0, channel.find_first_not_of(" \t"));
      channel.erase(channel.find_last_not_of(" \t") + 1);
      if (channel.empty()) {
        diagnostics.error(reader.where(path_field.column + static_cast<int>(start)),
                          path_field.text.empty() ? "empty path; a journey needs at least one channel"
                                                  : "empty channel name in the path; write channels as 'a > b > c'");
        bad_path = true;
        break;
      }
      journey.touches.push_back(names.index(channel));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    const auto conversions = fit_detail::parse_count((*fields)[1].text);
    const auto value = fit_detail::parse_number((*fields)[2].text);
    const auto nulls = fit_detail::parse_count((*fields)[3].text);
    if (!conversions)
      diagnostics.error(reader.where((*fields)[1].column),
                        "total_conversions is '" + (*fields)[1].text + "'; it must be a whole number >= 0");
    if (!value || *value < 0)
      diagnostics.error(reader.where((*fields)[2].column),
                        "total_conversion_value is '" + (*fields)[2].text + "'; it must be a number >= 0");
    if (!nulls)
      diagnostics.error(reader.where((*fields)[3].column),
                        "total_null is '" + (*fields)[3].text + "'; it must be a whole number >= 0");
    if (bad_path || !conversions || !value || *value < 0 || !nulls) continue;
    if (*conversions == 0 && *nulls == 0) {
      diagnostics.error(reader.where((*fields)[1].column),
                        "this row stands for no journey (total_conversions and total_null are both 0); remove it");
      continue;
    }
    if (*conversions == 0 && *value > 0) {
      diagnostics.error(reader.where((*fields)[2].column),
                        "a conversion value without conversions; set total_conversions or the value to 0");
      continue;
    }
    if (*conversions > 0) {
      ObservedJourney converted = journey;
      converted.end = ObservedJourney::End::conversion;
      converted.count = *conversions;
      converted.conversion_value = *value;
      data.journeys.push_back(std::move(converted));
    }
    if (*nulls > 0) {
      journey.count = *nulls;
      data.journeys.push_back(std::move(journey));
    }
  }
  if (data.rows == 0 && !diagnostics.has_errors())
    diagnostics.error({path, 0, 0}, std::string("no data rows; path data has lines of the form ") + layout);
  fit_detail::throw_if_errors(diagnostics);
  return data;
}

namespace {

// What a journeysim trace's `event` column says about a row.
enum class RowKind { touch, drop_off, in_progress, other };

std::optional<RowKind> row_kind(const std::string& event) {
  if (event.empty() || event == "enter" || event == "purchase" || event == "refund") return RowKind::touch;
  if (event == "drop_off") return RowKind::drop_off;
  if (event == "in_progress" || event == "truncated") return RowKind::in_progress;
  if (event == "aware" || event == "review" || event == "advocate") return RowKind::other;
  return std::nullopt;
}

struct Row {
  std::uint32_t touchpoint = 0;
  double time = 0.0;
  double revenue = 0.0;
  double experience = std::numeric_limits<double>::quiet_NaN();
  RowKind event = RowKind::touch;
  int line = 0;
};

}  // namespace

ObservedJourneys read_event_log(const std::string& path, const std::vector<std::string>& purchase_touchpoints) {
  ObservedJourneys data;
  data.kind = ObservedJourneys::Kind::event_log;
  data.source = path;
  NameTable names(data.touchpoints);
  DelimitedReader reader(path, ',');
  Diagnostics diagnostics;

  const auto header = reader.next(diagnostics);
  fit_detail::throw_if_errors(diagnostics);
  if (!header) throw InputError(path + ": empty file; an event log starts with a header line customer,time,touchpoint");
  std::vector<std::string> columns;
  for (const Field& field : *header) columns.push_back(field.text);
  auto column_of = [&](const char* name) -> int {
    const auto found = std::find(columns.begin(), columns.end(), name);
    return found == columns.end() ? -1 : static_cast<int>(found - columns.begin());
  };
  const int customer_column = column_of("customer"), time_column = column_of("time"),
            touchpoint_column = column_of("touchpoint"), revenue_column = column_of("revenue"),
            event_column = column_of("event"), experience_column = column_of("experience");
  for (const char* required : {"customer", "time", "touchpoint"}) {
    if (column_of(required) >= 0) continue;
    const std::string match = closest_match(required, columns);
    diagnostics.error(reader.where(1), std::string("the header has no '") + required + "' column" +
                                           (match.empty() ? "" : "; did you mean '" + match + "'?") +
                                           " An event log's header names customer,time,touchpoint[,revenue]");
  }
  fit_detail::throw_if_errors(diagnostics);

  std::vector<std::string> customers;
  NameTable customer_ids(customers);
  std::vector<std::vector<Row>> rows_of;  // per customer, in file order
  int time_kind = -1;                     // 0 numbers, 1 ISO 8601: one kind per file
  while (auto fields = reader.next(diagnostics)) {
    if (too_many(diagnostics)) break;
    ++data.rows;
    if (fields->size() != columns.size()) {
      diagnostics.error(reader.where(1), fmt::format("{} fields where the header names {}; every row needs one "
                                                     "value per column (an empty one is fine)",
                                                     fields->size(), columns.size()));
      continue;
    }
    const auto field = [&](int column) -> const Field& { return (*fields)[static_cast<std::size_t>(column)]; };
    Row row;
    row.line = reader.line();
    bool ok = true;
    if (event_column >= 0) {
      const auto event = row_kind(field(event_column).text);
      if (!event) {
        diagnostics.error(reader.where(field(event_column).column),
                          "unknown event '" + field(event_column).text +
                              "'; a trace's events are enter, purchase, refund, drop_off, in_progress, truncated, "
                              "aware, review, advocate");
        ok = false;
      } else {
        row.event = *event;
      }
    }
    if (field(customer_column).text.empty()) {
      diagnostics.error(reader.where(field(customer_column).column), "empty customer id");
      ok = false;
    }
    bool iso = false;
    const auto time = fit_detail::parse_time_days(field(time_column).text, iso);
    if (!time) {
      diagnostics.error(reader.where(field(time_column).column),
                        "time '" + field(time_column).text +
                            "' is neither a number of days nor ISO 8601 (2026-03-01 or 2026-03-01T12:30:00Z)");
      ok = false;
    } else if (time_kind >= 0 && time_kind != static_cast<int>(iso)) {
      diagnostics.error(reader.where(field(time_column).column),
                        "this time is written differently from the first row's (days and ISO 8601 mixed); use one");
      ok = false;
    } else {
      time_kind = static_cast<int>(iso);
      row.time = *time;
    }
    const std::string& touchpoint = field(touchpoint_column).text;
    if (touchpoint.empty() && row.event == RowKind::touch) {
      diagnostics.error(reader.where(field(touchpoint_column).column), "empty touchpoint");
      ok = false;
    }
    if (revenue_column >= 0 && !field(revenue_column).text.empty()) {
      const auto revenue = fit_detail::parse_number(field(revenue_column).text);
      if (!revenue) {
        diagnostics.error(reader.where(field(revenue_column).column),
                          "revenue '" + field(revenue_column).text + "' is not a number; leave it empty for none");
        ok = false;
      } else {
        row.revenue = *revenue;
      }
    }
    if (experience_column >= 0 && !field(experience_column).text.empty()) {
      const auto experience = fit_detail::parse_number(field(experience_column).text);
      if (!experience || *experience < 0.0 || *experience > 1.0) {
        diagnostics.error(reader.where(field(experience_column).column),
                          "experience '" + field(experience_column).text +
                              "' is not a number from 0 to 1; leave it empty for an unrated touch");
        ok = false;
      } else {
        row.experience = *experience;
      }
    }
    if (!ok) continue;
    if (row.event == RowKind::touch) row.touchpoint = names.index(touchpoint);
    const std::uint32_t customer = customer_ids.index(field(customer_column).text);
    if (customer >= rows_of.size()) rows_of.resize(customer + 1);
    rows_of[customer].push_back(row);
  }
  if (data.rows == 0 && !diagnostics.has_errors())
    diagnostics.error({path, 0, 0}, "no data rows after the header");

  data.purchase.assign(data.touchpoints.size(), false);
  data.refund.assign(data.touchpoints.size(), false);
  for (const std::string& name : purchase_touchpoints) {
    const auto found = std::find(data.touchpoints.begin(), data.touchpoints.end(), name);
    if (found == data.touchpoints.end())
      diagnostics.error({path, 0, 0}, "--purchase names '" + name + "', which no row of the log touches" +
                                          (closest_match(name, data.touchpoints).empty()
                                               ? std::string()
                                               : "; did you mean '" + closest_match(name, data.touchpoints) + "'?"));
    else data.purchase[static_cast<std::size_t>(found - data.touchpoints.begin())] = true;
  }
  std::vector<int> first_line(data.touchpoints.size(), 0);
  for (const auto& rows : rows_of)
    for (const Row& row : rows) {
      if (row.event != RowKind::touch) continue;
      if (row.revenue > 0) data.purchase[row.touchpoint] = true;
      if (row.revenue < 0) data.refund[row.touchpoint] = true;
      if (data.purchase[row.touchpoint] && data.refund[row.touchpoint] && !first_line[row.touchpoint]) {
        first_line[row.touchpoint] = row.line;
        diagnostics.error({path, row.line, 1}, "touchpoint '" + data.touchpoints[row.touchpoint] +
                                                   "' both takes money (revenue > 0) and gives it back (< 0); "
                                                   "log refunds at a touchpoint of their own");
      }
    }
  fit_detail::throw_if_errors(diagnostics);

  double earliest = std::numeric_limits<double>::infinity();
  for (const auto& rows : rows_of)
    for (const Row& row : rows) earliest = std::min(earliest, row.time);
  for (auto& rows : rows_of) {
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.time < b.time; });
    ObservedJourney journey;
    journey.line = rows.front().line;
    for (const Row& row : rows) {
      const double time = row.time - earliest;
      switch (row.event) {
        case RowKind::touch:
          journey.touches.push_back(row.touchpoint);
          journey.times.push_back(time);
          journey.revenue.push_back(row.revenue);
          if (experience_column >= 0) journey.experience.push_back(row.experience);
          break;
        case RowKind::drop_off: journey.end_time = time; break;
        case RowKind::in_progress: journey.end = ObservedJourney::End::in_progress; break;
        case RowKind::other: break;
      }
    }
    if (!journey.touches.empty()) data.journeys.push_back(std::move(journey));
  }
  return data;
}

ObservedJourneys read_observed_journeys(const std::string& path,
                                        const std::vector<std::string>& purchase_touchpoints) {
  // Only a regular file, and only its first line (bounded): a FIFO or
  // /dev/zero is refused here, not read whole.
  const std::string first = fit_detail::first_line(path);
  const bool event_log = first.find("customer") != std::string::npos && first.find(';') == std::string::npos;
  if (!event_log) {
    if (!purchase_touchpoints.empty())
      throw InputError(path + ": --purchase is for event logs; in path data the conversion is its own column");
    return read_path_data(path);
  }
  return read_event_log(path, purchase_touchpoints);
}

}  // namespace journeysim

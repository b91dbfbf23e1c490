// A run's trace as CSV: DESIGN fixes the first seven columns, and `revenue`
// makes it an event log (customer,time,touchpoint[,revenue]) that `fit`
// reads back by column name.
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

#include "journeysim/io.hpp"

namespace journeysim {

namespace {

constexpr const char* trace_header = "customer,segment,time,touchpoint,event,experience,satisfaction,revenue\n";

// RFC 4180 quoting where a name needs it. Leading or trailing blanks are
// quoted too: CSV readers (fit's among them) trim unquoted fields.
void put_name(std::string& line, std::string_view name) {
  const bool quote = name.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!name.empty() && (name.front() == ' ' || name.front() == '\t' || name.back() == ' ' ||
                                        name.back() == '\t'));
  if (!quote) {
    line += name;
    return;
  }
  line += '"';
  for (const char c : name) {
    if (c == '"') line += '"';
    line += c;
  }
  line += '"';
}

// Shortest text that reads back to the same value; empty for none (NaN).
// Satisfaction is a float in the engine: written as one, 0.7 stays "0.7".
template <typename Number>
void put_number(std::string& line, Number value) {
  if (!std::isnan(value)) fmt::format_to(std::back_inserter(line), "{}", value);
}

void write_csv(const Results& results, std::ostream& out) {
  out << trace_header;
  const auto touchpoints = static_cast<std::uint32_t>(results.touchpoints.size());
  std::string line;
  for (const TraceRow& row : results.trace.rows) {
    line.clear();
    fmt::format_to(std::back_inserter(line), "{},", row.customer);
    put_name(line, row.segment < results.segments.size() ? results.segments[row.segment] : std::string());
    line += ',';
    put_number(line, row.time);
    line += ',';
    const std::string_view place = row.place < touchpoints ? std::string_view(results.touchpoints[row.place])
                                   : row.place - touchpoints < results.entries.size()
                                       ? std::string_view(results.entries[row.place - touchpoints])
                                       : std::string_view();
    put_name(line, place);
    line += ',';
    line += trace_event_name(row.event);
    line += ',';
    put_number(line, row.experience);
    line += ',';
    put_number(line, row.satisfaction);
    line += ',';
    put_number(line, row.revenue);
    line += '\n';
    out << line;
  }
}

}  // namespace

std::string trace_to_csv(const Results& results) {
  std::ostringstream out;
  write_csv(results, out);
  return out.str();
}

void write_trace_csv(const Results& results, const std::string& path) {
  // Streamed, not built in memory first: a trace of many customers is large.
  write_file_atomically(path, [&](const std::string& temp) {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
    write_csv(results, out);
    out.close();
    if (!out) throw std::runtime_error(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  });
}

}  // namespace journeysim

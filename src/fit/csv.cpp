#include "fit/csv.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "journeysim/errors.hpp"
#include "scenario/input_file.hpp"

namespace journeysim::fit_detail {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// Fields of one line; false on an unterminated quote.
bool split(const std::string& line, char delimiter, std::vector<Field>& fields) {
  fields.clear();
  std::size_t i = 0;
  while (true) {
    Field field;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    field.column = static_cast<int>(i) + 1;
    if (i < line.size() && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field.text += '"';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        field.text += line[i++];
      }
      if (!closed) return false;
      while (i < line.size() && line[i] != delimiter) ++i;  // spaces after the closing quote
    } else {
      const std::size_t end = line.find(delimiter, i);
      const std::size_t stop = end == std::string::npos ? line.size() : end;
      field.text = std::string(trim(std::string_view(line).substr(i, stop - i)));
      i = stop;
    }
    fields.push_back(std::move(field));
    if (i >= line.size()) return true;
    ++i;  // the delimiter
  }
}

// Opens `path` as a data file, or throws InputError saying why it cannot be.
void open_data_file(const std::string& path, std::ifstream& in) {
  // Checked without blocking before the stream opens it: opening a FIFO
  // waits for a writer, and a device may never end.
  const std::string problem = scenario_detail::unreadable_file_problem(path);
  if (!problem.empty())
    throw InputError(escape_for_terminal(path) + ": cannot open the data file: " + problem);
  in.open(path, std::ios::binary);
  if (!in) throw InputError(escape_for_terminal(path) + ": cannot open the data file (does it exist, and may it be read?)");
}

// One line of at most max_line_bytes (without its '\n'); false at the end of
// the input. `too_long`: the line went on past the limit (the rest is unread).
bool read_line(std::istream& in, std::string& line, bool& too_long) {
  line.clear();
  too_long = false;
  std::streambuf* buffer = in.rdbuf();
  bool any = false;
  while (true) {
    const int c = buffer->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      in.setstate(std::ios::eofbit);
      return any;
    }
    any = true;
    if (c == '\n') return true;
    if (line.size() >= max_line_bytes) {
      too_long = true;
      return true;
    }
    line.push_back(static_cast<char>(c));
  }
}

}  // namespace

DelimitedReader::DelimitedReader(const std::string& path, char delimiter) : path_(path), delimiter_(delimiter) {
  open_data_file(path, in_);
}

std::string first_line(const std::string& path) {
  std::ifstream in;
  open_data_file(path, in);
  std::string line;
  bool too_long = false;
  read_line(in, line, too_long);
  return line;
}

std::optional<std::vector<Field>> DelimitedReader::next(Diagnostics& diagnostics) {
  std::string line;
  std::vector<Field> fields;
  bool too_long = false;
  while (!done_ && read_line(in_, line, too_long)) {
    ++line_;
    if (too_long) {
      diagnostics.error(where(1), "this line is longer than " + scenario_detail::format_bytes(max_line_bytes) +
                                      "; path data and event logs have one journey or event per line, so this "
                                      "does not look like one (reading stopped here)");
      done_ = true;
      return std::nullopt;
    }
    if (line_ == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a spreadsheet's byte-order mark
    if (trim(line).empty()) continue;
    if (!split(line, delimiter_, fields)) {
      diagnostics.error(where(1), "a quoted field is not closed on this line; close it with '\"' (a field "
                                  "cannot span lines)");
      continue;
    }
    return fields;
  }
  return std::nullopt;
}

void throw_if_errors(const Diagnostics& diagnostics) {
  if (diagnostics.has_errors()) throw ScenarioError(diagnostics);
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    // Exports often write counts as 3.0.
    const auto number = parse_number(text);
    if (!number || *number < 0 || *number != std::floor(*number) || *number > 9.0e15) return std::nullopt;
    return static_cast<std::uint64_t>(*number);
  }
  return value;
}

std::optional<double> parse_number(std::string_view text) {
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

namespace {

// Reads exactly `digits` decimal digits at text[i...]; advances i.
bool read_digits(std::string_view text, std::size_t& i, int digits, int& value) {
  if (i + static_cast<std::size_t>(digits) > text.size()) return false;
  value = 0;
  for (int k = 0; k < digits; ++k) {
    const char c = text[i++];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return true;
}

std::optional<double> parse_iso(std::string_view text) {
  using namespace std::chrono;
  std::size_t i = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!read_digits(text, i, 4, y) || i >= text.size() || text[i++] != '-' || !read_digits(text, i, 2, mo) ||
      i >= text.size() || text[i++] != '-' || !read_digits(text, i, 2, d))
    return std::nullopt;
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;
  double seconds = 0.0;
  if (i < text.size()) {
    if (text[i] != 'T' && text[i] != ' ') return std::nullopt;
    ++i;
    if (!read_digits(text, i, 2, h) || i >= text.size() || text[i++] != ':' || !read_digits(text, i, 2, mi))
      return std::nullopt;
    if (i < text.size() && text[i] == ':') {
      ++i;
      if (!read_digits(text, i, 2, s)) return std::nullopt;
      if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
        const std::size_t start = ++i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
        if (i == start) return std::nullopt;
        seconds += std::stod("0." + std::string(text.substr(start, i - start)));
      }
    }
    if (h > 24 || mi > 59 || s > 60) return std::nullopt;
    seconds += h * 3600.0 + mi * 60.0 + s;
    if (i < text.size()) {
      if (text[i] == 'Z') {
        ++i;
      } else if (text[i] == '+' || text[i] == '-') {
        const double sign = text[i++] == '+' ? 1.0 : -1.0;
        int oh = 0, om = 0;
        if (!read_digits(text, i, 2, oh)) return std::nullopt;
        if (i < text.size() && text[i] == ':') ++i;
        if (i < text.size() && !read_digits(text, i, 2, om)) return std::nullopt;
        seconds -= sign * (oh * 3600.0 + om * 60.0);  // local time = UTC + offset
      }
    }
    if (i != text.size()) return std::nullopt;
  }
  const double days = static_cast<double>(sys_days(date).time_since_epoch().count());
  return days + seconds / 86400.0;
}

}  // namespace

std::optional<double> parse_time_days(std::string_view text, bool& iso) {
  if (auto number = parse_number(text)) {
    iso = false;
    return number;
  }
  iso = true;
  return parse_iso(text);
}

}  // namespace journeysim::fit_detail

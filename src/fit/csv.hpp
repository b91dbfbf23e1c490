#pragma once
// Reading delimited text a line at a time, with each field's column kept so
// that errors can say file:line:col. Quoted fields ("a,b", "say ""hi""")
// follow RFC 4180 within one line.
#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "journeysim/diagnostics.hpp"

namespace journeysim::fit_detail {

struct Field {
  std::string text;  // unquoted, surrounding spaces trimmed
  int column = 1;    // 1-based, where the field starts
};

class DelimitedReader {
 public:
  // Throws InputError when the file cannot be opened or is not a regular file
  // (a FIFO would block, a device such as /dev/zero never ends).
  DelimitedReader(const std::string& path, char delimiter);

  // The next non-blank line split into fields; empty at the end of the file.
  // A line that cannot be split (an unterminated quote) is reported to
  // `diagnostics` and skipped. A line longer than max_line_bytes is reported
  // and ends the read: the file is streamed, never held whole, and a line
  // that long is not of these formats.
  std::optional<std::vector<Field>> next(Diagnostics& diagnostics);

  int line() const { return line_; }  // of the last line returned
  SourceLocation where(int column) const { return {path_, line_, column}; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  char delimiter_;
  std::ifstream in_;
  int line_ = 0;
  bool done_ = false;  // a line was too long: nothing more is read
};

// The longest line read (a path of thousands of touches fits many times over).
constexpr std::size_t max_line_bytes = 16u << 20;

// The first line of `path`, at most max_line_bytes of it ("" for an empty
// file); throws InputError like DelimitedReader when it is not a regular file.
std::string first_line(const std::string& path);

// Stops a read after this many errors: past them the data is likely not of this format.
constexpr std::size_t max_reported_errors = 50;

// Throws ScenarioError with the errors found, if any.
void throw_if_errors(const Diagnostics& diagnostics);

std::optional<std::uint64_t> parse_count(std::string_view text);  // a non-negative integer
std::optional<double> parse_number(std::string_view text);        // a finite number
// Days: a number, or ISO 8601 (date, date and time, optional Z or ±hh:mm)
// as days since 1970-01-01 UTC.
std::optional<double> parse_time_days(std::string_view text, bool& iso);

}  // namespace journeysim::fit_detail

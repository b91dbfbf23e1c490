#pragma once
// Errors and warnings about a scenario, each pinned to a place in its file.
#include <string>
#include <vector>

namespace journeysim {

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 = unknown (the whole file)
  int column = 0;  // 1-based
};

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  SourceLocation location;
  std::string message;  // what is wrong and how to fix it

  // "file:line:col: error: message"
  std::string format() const;
};

class Diagnostics {
 public:
  void error(SourceLocation where, std::string message);
  void warning(SourceLocation where, std::string message);

  bool has_errors() const;
  const std::vector<Diagnostic>& all() const { return items_; }
  std::string format() const;  // one line per diagnostic

 private:
  std::vector<Diagnostic> items_;
};

// Thrown by the high-level entry points when a scenario has errors.
struct ScenarioError : std::exception {
  Diagnostics diagnostics;
  std::string text;
  explicit ScenarioError(Diagnostics d) : diagnostics(std::move(d)), text(diagnostics.format()) {}
  const char* what() const noexcept override { return text.c_str(); }
};

// `text` safe to print on a terminal: control characters (NUL, newline, CR,
// ESC, DEL, C1 controls, bidirectional overrides) and bytes that are not
// UTF-8 become visible escapes (\n, \r, \t, \x1b, \u202e), so a name
// in a file cannot forge a line of output or send escape codes.
// Diagnostic::format() applies it to the file name and the message.
std::string escape_for_terminal(const std::string& text);

// The closest of `candidates` to `word` by edit distance, or "" if none is close.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace journeysim

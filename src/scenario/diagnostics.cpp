// Diagnostics (file:line:col messages), the "did you mean" matcher, and the
// small non-loading parts of scenario.hpp.
#include "journeysim/diagnostics.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "journeysim/scenario.hpp"

namespace journeysim {

std::string escape_for_terminal(const std::string& text) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  const auto byte_escape = [&](unsigned char c) {
    out += "\\x";
    out += hex[c >> 4];
    out += hex[c & 0xF];
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20 || c == 0x7F) byte_escape(c);
          else out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // A UTF-8 sequence: kept when well formed and not a control character.
    const std::size_t length = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) valid = (static_cast<unsigned char>(text[i + k]) >> 6) == 0x2;
    if (!valid) {
      byte_escape(c);
      ++i;
      continue;
    }
    char32_t code = length == 2 ? c & 0x1F : length == 3 ? c & 0x0F : c & 0x07;
    for (std::size_t k = 1; k < length; ++k) code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    const bool control = (code >= 0x80 && code <= 0x9F) || (code >= 0x202A && code <= 0x202E) ||
                         (code >= 0x2066 && code <= 0x2069) || code == 0x2028 || code == 0x2029;
    if (control) {
      char buffer[16];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(code));
      out += buffer;
    } else {
      out.append(text, i, length);
    }
    i += length;
  }
  return out;
}

std::string Diagnostic::format() const {
  std::string out = location.file.empty() ? std::string("<scenario>") : escape_for_terminal(location.file);
  if (location.line > 0) {
    out += ':' + std::to_string(location.line);
    if (location.column > 0) out += ':' + std::to_string(location.column);
  }
  out += severity == Severity::error ? ": error: " : ": warning: ";
  out += escape_for_terminal(message);
  return out;
}

void Diagnostics::error(SourceLocation where, std::string message) {
  items_.push_back({Severity::error, std::move(where), std::move(message)});
}

void Diagnostics::warning(SourceLocation where, std::string message) {
  items_.push_back({Severity::warning, std::move(where), std::move(message)});
}

bool Diagnostics::has_errors() const {
  return std::any_of(items_.begin(), items_.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::error; });
}

std::string Diagnostics::format() const {
  std::string out;
  for (const auto& item : items_) {
    if (!out.empty()) out += '\n';
    out += item.format();
  }
  return out;
}

namespace {

// Optimal string alignment distance (Levenshtein plus adjacent transpositions),
// ignoring case: "stge", "Stage" and "satge" are all one edit from "stage".
std::size_t edit_distance(const std::string& a, const std::string& b) {
  const auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

bool starts_with_ignoring_case(const std::string& text, const std::string& prefix) {
  if (prefix.size() > text.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 0;
  for (const auto& candidate : candidates) {
    std::size_t distance = edit_distance(word, candidate);
    // A close typo: about one edit per three letters, at least one.
    const std::size_t allowed = std::max<std::size_t>(1, std::max(word.size(), candidate.size()) / 3);
    bool close = distance <= allowed;
    // A shortened key ("horizon" for "horizon_days") counts as close too.
    if (!close && word.size() >= 4 && starts_with_ignoring_case(candidate, word)) {
      close = true;
      distance = allowed + 1;  // ranks after genuine typos
    }
    if (close && (best.empty() || distance < best_distance)) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

const char* to_string(Stage stage) {
  switch (stage) {
    case Stage::awareness: return "awareness";
    case Stage::consideration: return "consideration";
    case Stage::purchase: return "purchase";
    case Stage::retention: return "retention";
    case Stage::advocacy: return "advocacy";
  }
  return "unknown";
}

int Scenario::touchpoint_index(const std::string& touchpoint_name) const {
  for (std::size_t i = 0; i < touchpoints.size(); ++i)
    if (touchpoints[i].name == touchpoint_name) return static_cast<int>(i);
  return -1;
}

}  // namespace journeysim

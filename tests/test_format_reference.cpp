// scenarios/README.md is the format reference users see: every key the
// loader accepts (its own tables, scenario/keys.hpp) must appear, in
// backticks, in the section that documents its map.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "scenario/keys.hpp"

namespace journeysim {
namespace {

std::string readme() {
  std::ifstream in(std::string(JOURNEYSIM_SOURCE_DIR) + "/scenarios/README.md");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The text from "## heading" to the next "## " heading.
std::string section(const std::string& text, const std::string& heading) {
  const auto start = text.find("\n## " + heading + "\n");
  if (start == std::string::npos) return "";
  const auto end = text.find("\n## ", start + 1);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// The names written in backticks: `initial.share` gives initial and share,
// `{exponential: mean}` gives exponential and mean.
std::set<std::string> names_in_code(const std::string& text) {
  std::set<std::string> names;
  std::size_t at = 0;
  while ((at = text.find('`', at)) != std::string::npos) {
    const auto end = text.find('`', at + 1);
    if (end == std::string::npos) break;
    std::string name;
    for (std::size_t i = at + 1; i <= end; ++i) {
      const char c = text[i];
      if (i < end && (std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
        name += c;
      } else if (!name.empty()) {
        names.insert(name);
        name.clear();
      }
    }
    at = end + 1;
  }
  return names;
}

TEST(FormatReference, EveryKeyTheLoaderAcceptsIsDocumentedInItsSection) {
  const std::string text = readme();
  ASSERT_FALSE(text.empty());
  std::vector<std::string> missing;
  std::size_t keys = 0;
  for (const auto& table : scenario_detail::keys::all()) {
    const std::string part = section(text, table.section);
    ASSERT_FALSE(part.empty()) << "scenarios/README.md has no '## " << table.section << "' section";
    const std::set<std::string> documented = names_in_code(part);
    for (const std::string& key : *table.keys) {
      ++keys;
      if (documented.count(key) == 0) missing.push_back(std::string(table.path) + "." + key + " (in ## " + table.section + ")");
    }
  }
  EXPECT_GT(keys, 40u);
  EXPECT_TRUE(missing.empty()) << "not documented: " << ::testing::PrintToString(missing);
}

// The check itself: a key the README does not have is reported.
TEST(FormatReference, AMissingKeyIsFound) {
  const std::set<std::string> names = names_in_code("| `initial.share` | `{exponential: mean}` | plain words |");
  EXPECT_EQ(names, (std::set<std::string>{"initial", "share", "exponential", "mean"}));
}

}  // namespace
}  // namespace journeysim

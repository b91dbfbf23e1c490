// The loader's defences against hostile input, in the library: escaping of
// messages, alias-safe tree walks, limits checked at their place in the file,
// and money that cannot overflow. tests/test_bad_scenarios.cpp runs the
// program on such input; these pin the pieces it relies on.
#include <chrono>
#include <string>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "journeysim/diagnostics.hpp"
#include "journeysim/load.hpp"
#include "scenario/yaml_tree.hpp"
#include "support.hpp"

namespace {

using journeysim::Diagnostics;

const std::string& kBase = journeysim::testing::kMinimalScenario;

bool has(const Diagnostics& d, const std::string& text) { return d.format().find(text) != std::string::npos; }

TEST(EscapeForTerminal, ControlCharactersBecomeVisibleAndTextStays) {
  using journeysim::escape_for_terminal;
  EXPECT_EQ(escape_for_terminal("plain café → ok"), "plain café → ok");
  EXPECT_EQ(escape_for_terminal("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(escape_for_terminal(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(escape_for_terminal("\x1b[31mred\x7f"), "\\x1b[31mred\\x7f");
  EXPECT_EQ(escape_for_terminal("\xc2\x9b" "2J"), "\\u009b2J");        // C1 CSI
  EXPECT_EQ(escape_for_terminal("\xe2\x80\xae" "evil"), "\\u202eevil");  // right-to-left override
  EXPECT_EQ(escape_for_terminal("bad \xff byte"), "bad \\xff byte");
}

TEST(EscapeForTerminal, EveryFormattedDiagnosticIsOneLine) {
  Diagnostics d;
  d.error({"evil\nname.yaml", 1, 2}, "key 'x\nother.yaml:1:1: error: forged\x1b]0;title\x07'");
  const std::string line = d.all().front().format();
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
  EXPECT_EQ(line.rfind("evil\\nname.yaml:1:2: error: ", 0), 0u) << line;
}

TEST(YamlTree, CopyKeepsMarksTagsAndAliases) {
  const YAML::Node root = YAML::Load("a: &x {p: 1}\nb: *x\nc: \"2\"\nstrategies: {s: []}\n");
  const YAML::Node copy = journeysim::scenario_detail::copy_tree(root, "strategies");
  EXPECT_FALSE(copy["strategies"]);
  EXPECT_EQ(copy["c"].Tag(), "!");
  EXPECT_EQ(copy["a"]["p"].Mark().line, root["a"]["p"].Mark().line);
  EXPECT_EQ(copy["a"]["p"].Mark().column, root["a"]["p"].Mark().column);
  EXPECT_TRUE(copy["a"].is(copy["b"]));   // still one node
  EXPECT_FALSE(copy["a"].is(root["a"]));  // but not the original's
  EXPECT_TRUE(journeysim::scenario_detail::Sharing(copy).any());
  EXPECT_FALSE(journeysim::scenario_detail::Sharing(YAML::Load("a: {p: 1}\nb: {p: 1}")).any());
}

TEST(YamlTree, SizeStopsCountingAtItsLimit) {
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 12; ++i) {
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 9; ++k) bomb += (k ? ", *a" : "*a") + std::to_string(i - 1);
    bomb += "]\n";
  }
  const auto start = std::chrono::steady_clock::now();
  const auto size = journeysim::scenario_detail::tree_size(YAML::Load(bomb), 1'000'000, 100);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  ASSERT_TRUE(size.too_big.has_value());
  EXPECT_TRUE(size.shared);
  EXPECT_LT(size.distinct, 200u);
}

TEST(LoaderLimits, AliasBombUnderAnUnknownKeyWithAStrategyIsRefusedAtOnce) {
  std::string text = kBase + "bomb:\n  l0: &b0 [x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    text += "  l" + std::to_string(i) + ": &b" + std::to_string(i) + " [";
    for (int k = 0; k < 9; ++k) text += (k ? ", *b" : "*b") + std::to_string(i - 1);
    text += "]\n";
  }
  text += "strategies:\n  cheaper:\n    - {set: touchpoints.ad.cost, value: 0.2}\n";
  Diagnostics d;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(journeysim::load_scenario_text(text, "bomb.yaml", d));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_TRUE(has(d, "alias bomb")) << d.format();
}

TEST(LoaderLimits, AnAliasThatIsReusedALittleStillLoadsAndGuardsItsEdits) {
  const std::string text = kBase + "strategies:\n  cheaper:\n    - {set: touchpoints.ad.cost, value: 0.2}\n";
  std::string shared = text;
  shared.replace(shared.find("experience: 0.7}"), 16, "experience: &good {mean: 0.8, sd: 0.1}}");
  shared.replace(shared.find("experience: {mean: 0.8, sd: 0.1}}"), 33, "experience: *good}");
  Diagnostics d;
  const auto scenario = journeysim::load_scenario_text(shared, "alias.yaml", d);
  ASSERT_TRUE(scenario) << d.format();
  Diagnostics edit;
  EXPECT_FALSE(journeysim::apply_edits(
      *scenario, {journeysim::parse_assignment("touchpoints.checkout.experience.sd=0.2", {"--set", 0, 0})}, edit));
  EXPECT_TRUE(has(edit, "shared with another place through a YAML alias")) << edit.format();
  Diagnostics ok;
  EXPECT_TRUE(journeysim::apply_edits(*scenario, {journeysim::parse_assignment("touchpoints.ad.cost=0.1", {"--set", 0, 0})}, ok))
      << ok.format();
}

TEST(LoaderLimits, HugeMoneyIsRefusedWhereItIsWrittenAndAfterAStrategy) {
  std::string text = kBase;
  text.replace(text.find("revenue: 50"), 11, "revenue: 1e308");
  Diagnostics d;
  EXPECT_FALSE(journeysim::load_scenario_text(text, "money.yaml", d));
  EXPECT_TRUE(has(d, "money.yaml:8:51: error: touchpoints.checkout.purchase.revenue is 1e308")) << d.format();
  Diagnostics base;
  const auto scenario = journeysim::load_scenario_text(kBase, "base.yaml", base);
  ASSERT_TRUE(scenario) << base.format();
  Diagnostics set;
  EXPECT_FALSE(journeysim::apply_edits(
      *scenario, {journeysim::parse_assignment("touchpoints.ad.cost=1e200", {"--set", 0, 0})}, set));
  EXPECT_TRUE(has(set, "at most 1e100")) << set.format();
  // Up to the limit is fine.
  std::string big = kBase;
  big.replace(big.find("revenue: 50"), 11, "revenue: 1e100");
  Diagnostics fine;
  EXPECT_TRUE(journeysim::load_scenario_text(big, "big.yaml", fine)) << fine.format();
}

TEST(LoaderLimits, TooManyTouchpointsAndChannelsIsAnErrorAtTheFirstOneBeyond) {
  std::string text = "horizon_days: 10\nmarket: {size: 100}\nawareness:\n  channels:\n";
  for (int i = 0; i < 3; ++i) text += "    - {via: t0, rate: 0.1}\n";
  text += "touchpoints:\n";
  for (int i = 0; i < 65'531; ++i) text += "  t" + std::to_string(i) + ": {stage: awareness}\n";
  Diagnostics d;
  EXPECT_FALSE(journeysim::load_scenario_text(text, "nodes.yaml", d));
  // 65,531 touchpoints + 3 channels = 65,534 > 65,533: the third channel (line 7).
  EXPECT_TRUE(has(d, "nodes.yaml:7:7: error: this awareness channel makes 65,534 touchpoints and channels")) << d.format();
}

TEST(LoaderLimits, DeepNestingIsNamedWithItsPlace) {
  Diagnostics d;
  EXPECT_FALSE(journeysim::load_scenario_text(kBase + "deep: " + std::string(5000, '[') + std::string(5000, ']') + "\n",
                                              "deep.yaml", d));
  EXPECT_TRUE(has(d, "deep.yaml:11:106: error: nesting deeper than 100 levels")) << d.format();
}

}  // namespace

// Strategies: parsing and checking their edits when loading, and applying
// them (set, set creating a leaf, scale, remove with its clean-up).
#include <gtest/gtest.h>

#include "journeysim/load.hpp"
#include "journeysim/chain.hpp"
#include "load_test_helpers.hpp"

namespace journeysim {
namespace {

using namespace load_test;

// The DESIGN.md example, then more strategies from line 61 on.
std::string example_with(const std::string& more_strategies) { return std::string(kDesignExample) + more_strategies; }

Scenario applied(const Scenario& scenario, const std::string& strategy) {
  Diagnostics diagnostics;
  auto result = apply_strategy(scenario, strategy, diagnostics);
  EXPECT_TRUE(result) << diagnostics.format();
  EXPECT_FALSE(diagnostics.has_errors()) << diagnostics.format();
  return result ? *result : Scenario{};
}

const Touchpoint* find_touchpoint(const Scenario& s, const std::string& name) {
  const int i = s.touchpoint_index(name);
  return i < 0 ? nullptr : &s.touchpoints[static_cast<std::size_t>(i)];
}

bool has_transition(const Scenario& s, const std::string& from, const std::string& to) {
  for (const auto& t : s.transitions)
    if (t.from == from && t.to == to) return true;
  return false;
}

TEST(LoadStrategy, SetReplacesAValueAndCreatesAMissingLeaf) {
  Loaded base = load(kDesignExample);
  ASSERT_TRUE(base.scenario) << base.diagnostics.format();
  const Scenario s = applied(*base.scenario, "referral_programme");
  EXPECT_EQ(s.word_of_mouth.rate, 0.4);
  ASSERT_TRUE(find_touchpoint(s, "friend_referral"));
  EXPECT_EQ(find_touchpoint(s, "friend_referral")->cost, 5.0);  // absent from the file: created
  EXPECT_EQ(find_touchpoint(s, "friend_referral")->experience.mean, 0.9);
  // Everything else is as it was, and places still point into the original file.
  EXPECT_EQ(s.name, "ecosystem-demo");
  EXPECT_EQ(s.touchpoints.size(), 8u);
  EXPECT_EQ(s.transitions.size(), 15u);
  EXPECT_EQ(s.word_of_mouth.advocate_days, 90.0);
  EXPECT_EQ(s.touchpoints[6].location.line, 31);
  EXPECT_EQ(s.source_path, "s.yaml");
  // The result describes itself: its text is the edited scenario, without strategies.
  EXPECT_TRUE(s.strategies.empty());
  EXPECT_EQ(s.source_text.rfind("# scenario 'ecosystem-demo' with strategy 'referral_programme' applied\n", 0), 0u);
  Diagnostics again;
  auto reloaded = load_scenario_text(s.source_text, "again.yaml", again);
  ASSERT_TRUE(reloaded) << again.format() << "\n" << s.source_text;
  EXPECT_EQ(reloaded->word_of_mouth.rate, 0.4);
  EXPECT_EQ(reloaded->touchpoints[2].cost, 5.0);
  EXPECT_EQ(reloaded->transitions.size(), 15u);
  EXPECT_EQ(reloaded->segments[1].transition_scale[0].factor, 1.4);
}

TEST(LoadStrategy, ScaleMultipliesAnExistingNumber) {
  Loaded base = load(kDesignExample);
  ASSERT_TRUE(base.scenario) << base.diagnostics.format();
  const Scenario s = applied(*base.scenario, "fix_support");
  const Touchpoint* support = find_touchpoint(s, "support");
  ASSERT_TRUE(support);
  EXPECT_DOUBLE_EQ(support->experience.mean, 0.7);
  EXPECT_EQ(support->experience.sd, 0.2);
  EXPECT_EQ(support->cost, 4.0);
  // The original is untouched.
  EXPECT_EQ(base.scenario->touchpoints[6].experience.mean, 0.5);
}

// Every flow into a removed touchpoint leads to drop-off: the rows the engine
// and the analysis use (transition_rows) no longer reach it.
bool reaches(const Scenario& scenario, const std::string& from, const std::string& to) {
  const int from_index = scenario.touchpoint_index(from);
  if (from_index < 0) return false;
  const Segment everyone = effective_segments(scenario).front();
  const auto rows = transition_rows(scenario, everyone, scenario.reviews.prior_rating);
  for (const Outgoing& out : rows[static_cast<size_t>(from_index)])
    if (scenario.touchpoints[static_cast<size_t>(out.to)].name == to) return true;
  return false;
}

TEST(LoadStrategy, RemovingATouchpointSendsEveryoneWhoWouldEnterItToDropOff) {
  Loaded base = load(example_with(R"(  drop_search:
    - {remove: touchpoints.search}
  drop_website:
    - {remove: touchpoints.website}
  drop_referral:
    - {remove: touchpoints.friend_referral}
)"));
  ASSERT_TRUE(base.scenario) << base.diagnostics.format();

  const Scenario social = applied(*base.scenario, "drop_social");
  EXPECT_EQ(find_touchpoint(social, "social_ad"), nullptr);
  EXPECT_EQ(social.touchpoints.size(), 7u);
  EXPECT_EQ(social.removed_touchpoints, std::vector<std::string>{"social_ad"});
  // The channel entering at social_ad stays, naming it: its customers are aware and drop off at once.
  ASSERT_EQ(social.awareness.channels.size(), 2u);
  EXPECT_EQ(social.awareness.channels[0].via, "social_ad");
  EXPECT_LT(social.touchpoint_index(social.awareness.channels[0].via), 0);
  EXPECT_FALSE(reaches(social, "website", "social_ad"));  // that 0.05 becomes drop-off
  EXPECT_TRUE(reaches(social, "website", "checkout"));
  // The edited text says what ran and loads on its own.
  EXPECT_NE(social.source_text.find("removed: true"), std::string::npos);
  Diagnostics again;
  EXPECT_TRUE(load_scenario_text(social.source_text, "edited.yaml", again)) << again.format();

  const Scenario search = applied(*base.scenario, "drop_search");
  ASSERT_EQ(search.awareness.initial_via.size(), 1u);  // still named: those customers drop off at once
  EXPECT_LT(search.touchpoint_index(search.awareness.initial_via[0].via), 0);
  EXPECT_FALSE(reaches(search, "reviews", "search"));

  const Scenario website = applied(*base.scenario, "drop_website");
  for (const auto& touchpoint : website.touchpoints) {
    EXPECT_NE(touchpoint.name, "website");
    EXPECT_FALSE(reaches(website, touchpoint.name, "website"));
  }

  const Scenario referral = applied(*base.scenario, "drop_referral");
  // Word of mouth entered there: still on, its referred customers drop off at once.
  EXPECT_TRUE(referral.word_of_mouth.enabled);
  EXPECT_LT(referral.touchpoint_index(referral.word_of_mouth.via), 0);
}

TEST(LoadStrategy, RemovingTheOnlyEntryTouchpointIsValidAndEditsToItsChannelStick) {
  Loaded base = load(R"(
horizon_days: 10
market: {size: 1000}
awareness: {channels: [{via: ad, rate: 0.1}]}
touchpoints:
  ad: {stage: awareness}
  buy: {stage: purchase, purchase: {revenue: 1}}
transitions:
  ad: {buy: 0.5}
strategies:
  drop_ad:
    - {set: awareness.channels.0.rate, value: 0.2}
    - {remove: touchpoints.ad}
)");
  ASSERT_TRUE(base.scenario) << base.diagnostics.format();
  const Scenario dropped = applied(*base.scenario, "drop_ad");
  ASSERT_EQ(dropped.awareness.channels.size(), 1u);
  EXPECT_EQ(dropped.awareness.channels[0].rate, 0.2);
  EXPECT_LT(dropped.touchpoint_index("ad"), 0);
}

TEST(LoadStrategy, RemovedMustBeTrueOrFalse) {
  Loaded loaded = load(R"(
horizon_days: 10
market: {size: 1000}
awareness: {initial: {share: 1.0, via: {a: 1.0}}}
touchpoints:
  a: {stage: awareness, removed: maybe}
)");
  EXPECT_FALSE(loaded.scenario);
  EXPECT_NE(loaded.diagnostics.format().find("s.yaml:6:34: error: touchpoints.a.removed must be true or false"),
            std::string::npos)
      << loaded.diagnostics.format();
}

TEST(LoadStrategy, PathsReachAnyKeyAndListItemsByIndexOrName) {
  Loaded base = load(example_with(R"(  tweaks:
    - {remove: word_of_mouth}
    - {remove: transitions.reviews.checkout}
    - {set: market.segments.impulsive.awareness_multiplier, value: 2}
    - {scale: awareness.channels.1.rate, by: 10}
    - {set: reviews.prior.weight, value: 10}
    - {set: touchpoints.website.dwell_days, value: 3}
    - {remove: touchpoints.support.experience}
    - {set: seed, value: 99}
)"));
  ASSERT_TRUE(base.scenario) << base.diagnostics.format();
  const Scenario s = applied(*base.scenario, "tweaks");
  EXPECT_FALSE(s.word_of_mouth.enabled);
  EXPECT_FALSE(has_transition(s, "reviews", "checkout"));
  EXPECT_TRUE(has_transition(s, "reviews", "website"));
  EXPECT_EQ(s.segments[1].awareness_multiplier, 2.0);
  EXPECT_DOUBLE_EQ(s.awareness.channels[1].rate, 0.02);
  EXPECT_EQ(s.reviews.prior_weight, 10.0);
  EXPECT_EQ(find_touchpoint(s, "website")->dwell.kind, Dwell::Kind::fixed);
  EXPECT_EQ(find_touchpoint(s, "website")->dwell.mean, 3.0);
  EXPECT_FALSE(find_touchpoint(s, "support")->experience.rated);
  EXPECT_EQ(s.seed, 99u);
}

TEST(LoadStrategy, PathsThatNameNothingAreErrorsWhenLoading) {
  Loaded loaded = load(example_with(R"(  typos:
    - {set: touchpoints.suport.cost, value: 1}
    - {scale: horizon_dys, by: 2}
    - {remove: transitions.website.nowhere}
    - {set: touchpoints.search.experience.mean, value: 0.5}
    - {scale: touchpoints.friend_referral.cost, by: 2}
    - {scale: touchpoints.support.experience, by: 2}
    - {set: awareness.channels.7.rate, value: 1}
)"));
  EXPECT_ERROR(loaded, 62, 13, "strategy 'typos': set 'touchpoints.suport.cost' names nothing: there is no 'suport' "
                               "in touchpoints; did you mean 'touchpoints.support.cost'?");
  EXPECT_ERROR(loaded, 63, 15, "strategy 'typos': scale 'horizon_dys' names nothing: there is no 'horizon_dys' in "
                               "the scenario; did you mean 'horizon_days'?");
  EXPECT_ERROR(loaded, 64, 16, "remove 'transitions.website.nowhere' names nothing: there is no 'nowhere' in "
                               "transitions.website; it has reviews, checkout and social_ad");
  EXPECT_ERROR(loaded, 65, 13, "set 'touchpoints.search.experience.mean' names nothing: touchpoints.search.experience "
                               "is the text '0.7', which has no 'mean'");
  EXPECT_ERROR(loaded, 66, 15, "scale 'touchpoints.friend_referral.cost' names nothing: there is no 'cost' in "
                               "touchpoints.friend_referral");
  EXPECT_ERROR(loaded, 67, 15, "scale needs a number at 'touchpoints.support.experience', but it is a map; scale one "
                               "of its keys, e.g. touchpoints.support.experience.mean");
  EXPECT_ERROR(loaded, 68, 13, "there is no '7' in awareness.channels; it has items 0 to 1");
  EXPECT_EQ(error_count(loaded.diagnostics), 7) << loaded.diagnostics.format();
}

TEST(LoadStrategy, EditsThatBreakTheScenarioAreErrorsWhenLoading) {
  Loaded loaded = load(example_with(R"(  broken:
    - {set: touchpoints.search.cost, value: -5}
    - {set: touchpoints.search.costs, value: 1}
    - {scale: transitions.website.checkout, by: 10}
  no_awareness:
    - {remove: awareness}
    - {remove: word_of_mouth}
)"));
  EXPECT_ERROR(loaded, 62, 13, "with strategy 'broken' applied: touchpoints.search.cost is -5; it cannot be negative");
  EXPECT_ERROR(loaded, 63, 13, "with strategy 'broken' applied: unknown key 'costs' in touchpoints.search; did you "
                               "mean 'cost'?");
  EXPECT_ERROR(loaded, 64, 15, "with strategy 'broken' applied: transitions.website.checkout is 1.2; a probability "
                               "must be between 0 and 1");
  EXPECT_ERROR(loaded, 1, 1, "with strategy 'no_awareness' applied: nobody can ever become aware");
  EXPECT_EQ(error_count(loaded.diagnostics), 4) << loaded.diagnostics.format();
}

TEST(LoadStrategy, MalformedEditsAreReported) {
  Loaded loaded = load(example_with(R"(  malformed:
    - {set: word_of_mouth.rate}
    - {set: seed, scale: seed, by: 2}
    - {value: 3}
    - {remove: word_of_mouth, by: 2}
    - {scale: seed, value: 2}
    - {set: seed, value: lots}
    - {sett: seed, value: 1}
  not_a_list: {set: seed, value: 1}
)"));
  EXPECT_ERROR(loaded, 62, 7, "strategies.malformed.0 is missing 'value'; add `value: 0.4` next to set");
  EXPECT_ERROR(loaded, 63, 7, "strategies.malformed.1 combines set, scale, add and remove; an edit does one of them");
  EXPECT_ERROR(loaded, 64, 7, "strategies.malformed.2 does nothing; give it one of set, scale, add or remove");
  EXPECT_ERROR(loaded, 65, 31, "'by' goes with scale, not with remove; remove it");
  EXPECT_ERROR(loaded, 66, 21, "'value' goes with set, not with scale; use 'by' here");
  EXPECT_ERROR(loaded, 67, 26, "strategies.malformed.5.value must be a number, but it is the text 'lots'");
  EXPECT_ERROR(loaded, 68, 8, "unknown key 'sett' in strategies.malformed.6; did you mean 'set'?");
  EXPECT_ERROR(loaded, 69, 15, "strategies.not_a_list must be a list, but it is a map");
  EXPECT_EQ(error_count(loaded.diagnostics), 8) << loaded.diagnostics.format();
}

TEST(LoadStrategy, UnknownStrategyNamesListTheAvailableOnes) {
  Loaded base = load(kDesignExample);
  ASSERT_TRUE(base.scenario) << base.diagnostics.format();
  Diagnostics diagnostics;
  EXPECT_FALSE(apply_strategy(*base.scenario, "fix_suport", diagnostics));
  ASSERT_EQ(diagnostics.all().size(), 1u);
  EXPECT_EQ(diagnostics.all()[0].format(),
            "s.yaml: error: there is no strategy 'fix_suport' in scenario 'ecosystem-demo'; did you mean "
            "'fix_support'? the strategies are referral_programme, fix_support and drop_social (strategies written "
            "in another file are loaded with --strategies FILE)");
  Diagnostics none;
  Loaded plain = load(kBase);
  ASSERT_TRUE(plain.scenario);
  EXPECT_FALSE(apply_strategy(*plain.scenario, "anything", none));
  EXPECT_NE(none.format().find("it defines no strategies"), std::string::npos) << none.format();
  Scenario in_code = *base.scenario;
  in_code.source_text.clear();
  Diagnostics no_text;
  EXPECT_FALSE(apply_strategy(in_code, "fix_support", no_text));
  EXPECT_NE(no_text.format().find("the scenario has no source text"), std::string::npos) << no_text.format();
}

}  // namespace
}  // namespace journeysim

namespace journeysim {
namespace {

TEST(LoadStrategy, EditsThroughAYamlAliasAreRefusedRatherThanChangingEveryUse) {
  Loaded loaded = load(R"(
horizon_days: 10
market: {size: 1000}
awareness: {initial: {share: 1.0, via: {ad: 1.0}}}
touchpoints:
  ad: {stage: awareness, cost: &c 1.0}
  site: {stage: purchase, cost: *c, purchase: {revenue: 1}}
transitions:
  ad: {site: 0.5}
strategies:
  cheap_ad: [{scale: touchpoints.ad.cost, by: 0.5}]
)");
  EXPECT_FALSE(loaded.scenario);
  EXPECT_NE(loaded.diagnostics.format().find("is shared with another place through a YAML alias"), std::string::npos)
      << loaded.diagnostics.format();
}

}  // namespace
}  // namespace journeysim

namespace journeysim {
namespace {

TEST(LoadLimits, SizesTheEngineCannotRunAreErrorsWithTheirPlace) {
  Loaded loaded = load(R"(horizon_days: 5e8
market: {size: 18446744073709551615}
awareness: {initial: {share: 1.0, via: {a: 1.0}}}
touchpoints:
  a: {stage: awareness}
)");
  EXPECT_FALSE(loaded.scenario);
  const std::string text = loaded.diagnostics.format();
  EXPECT_NE(text.find("s.yaml:1:15: error: horizon_days is 500000000; at most 10000000"), std::string::npos) << text;
  EXPECT_NE(text.find("s.yaml:2:16: error: market.size is 18446744073709551615; one run simulates at most"),
            std::string::npos)
      << text;

  Loaded fine_steps = load(R"(horizon_days: 100
step_days: 0.00000001
market: {size: 100}
awareness: {initial: {share: 1.0, via: {a: 1.0}}}
touchpoints:
  a: {stage: awareness}
)");
  EXPECT_FALSE(fine_steps.scenario);
  EXPECT_NE(fine_steps.diagnostics.format().find("s.yaml:2:12: error: horizon_days / step_days makes more than"),
            std::string::npos)
      << fine_steps.diagnostics.format();
}

}  // namespace
}  // namespace journeysim

namespace journeysim {
namespace {

TEST(LoadText, BytesThatAreNotUtf8AreAnErrorAtTheirPlace) {
  Loaded loaded = load("horizon_days: 10\nmarket: {size: 100}\ntouchpoints:\n  caf\xe9: {stage: awareness}\n");
  EXPECT_FALSE(loaded.scenario);
  EXPECT_NE(loaded.diagnostics.format().find("s.yaml:4:6: error: this byte is not valid UTF-8"), std::string::npos)
      << loaded.diagnostics.format();
  Loaded fine = load("horizon_days: 10\nmarket: {size: 100}\nawareness: {initial: {share: 1.0, via: {café: 1.0}}}\n"
                     "touchpoints:\n  café: {stage: awareness}\n");
  EXPECT_TRUE(fine.scenario) << fine.diagnostics.format();
}

}  // namespace
}  // namespace journeysim

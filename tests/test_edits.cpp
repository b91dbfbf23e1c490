// Edits as an API: `add`, strategies composed in order, strategies from a
// separate file, PATH=VALUE assignments, and the provenance a result keeps.
#include <gtest/gtest.h>

#include "journeysim/errors.hpp"
#include "journeysim/load.hpp"
#include "load_test_helpers.hpp"

namespace journeysim {
namespace {

using namespace load_test;

std::string example_with(const std::string& more_strategies) { return std::string(kDesignExample) + more_strategies; }

Scenario must_apply(const Scenario& scenario, const std::vector<std::string>& names,
                    const std::vector<StrategyEdit>& then = {}) {
  Diagnostics diagnostics;
  auto result = apply_strategies(scenario, names, diagnostics, then);
  EXPECT_TRUE(result) << diagnostics.format();
  return result ? *result : Scenario{};
}

double probability(const Scenario& s, const std::string& from, const std::string& to) {
  for (const auto& t : s.transitions)
    if (t.from == from && t.to == to) return t.probability;
  return -1.0;
}

TEST(Edits, AddMakesANewTouchpointAndTransitionValidatedAsAWhole) {
  Loaded base = load(example_with(R"(  remarketing:
    - {add: touchpoints.retarget, value: {stage: consideration, cost: 0.3, experience: 0.6}}
    - {add: transitions.retarget, value: {website: 0.2}}
    - {scale: transitions.website.reviews, by: 0.5}
    - {add: transitions.website.retarget, value: 0.15}
)"));
  ASSERT_TRUE(base.scenario) << base.diagnostics.format();
  const Scenario s = must_apply(*base.scenario, {"remarketing"});
  const int retarget = s.touchpoint_index("retarget");
  ASSERT_GE(retarget, 0);
  EXPECT_EQ(s.touchpoints[static_cast<std::size_t>(retarget)].cost, 0.3);
  EXPECT_EQ(probability(s, "website", "retarget"), 0.15);
  EXPECT_EQ(probability(s, "retarget", "website"), 0.2);
  EXPECT_EQ(probability(s, "website", "reviews"), 0.15);
  // Provenance: what was applied, in order.
  EXPECT_EQ(s.applied_strategies, std::vector<std::string>{"remarketing"});
  ASSERT_EQ(s.applied_edits.size(), 4u);
  EXPECT_EQ(s.applied_edits[2], "scale transitions.website.reviews by 0.5");
  EXPECT_NE(s.source_text.find("#   add transitions.website.retarget = 0.15"), std::string::npos) << s.source_text;
}

TEST(Edits, AddRefusesAKeyThatExists) {
  Loaded base = load(example_with(R"(  twice:
    - {add: touchpoints.website, value: {stage: consideration}}
)"));
  EXPECT_FALSE(base.scenario);
  EXPECT_ERROR(base, 62, 13, "strategy 'twice': add 'touchpoints.website' exists already; add makes a new key — use set");
}

TEST(Edits, AddedValuesAreCheckedAtTheEdit) {
  Loaded base = load(example_with(R"(  bad_add:
    - {add: touchpoints.retarget, value: {stage: consideraton}}
)"));
  EXPECT_FALSE(base.scenario);
  EXPECT_ERROR(base, 62, 13, "with strategy 'bad_add' applied:");
  EXPECT_ERROR(base, 62, 13, "consideraton");
}

TEST(Edits, AddAppendsAListItemCalledByThePath) {
  Loaded base = load(example_with(R"(  email:
    - {add: awareness.channels.loyalty_email, value: {via: loyalty_email, rate: 0.001}}
  misnamed:
    - {add: awareness.channels.email, value: {via: website, rate: 0.001}}
)"));
  EXPECT_FALSE(base.scenario);
  EXPECT_ERROR(base, 64, 13,
               "would add a list item, but the value is not called 'email'; give it `via: email` as the other items");
  Loaded good = load(example_with(R"(  email:
    - {add: awareness.channels.loyalty_email, value: {via: loyalty_email, rate: 0.001}}
)"));
  ASSERT_TRUE(good.scenario) << good.diagnostics.format();
  const Scenario s = must_apply(*good.scenario, {"email"});
  ASSERT_EQ(s.awareness.channels.size(), 3u);
  EXPECT_EQ(s.awareness.channels[2].via, "loyalty_email");
  EXPECT_EQ(s.awareness.channels[2].rate, 0.001);
}

TEST(Edits, StrategiesComposeInOrderAndTheResultIsValidatedAsAWhole) {
  Loaded base = load(example_with(R"(  cheap_referrals:
    - {set: touchpoints.friend_referral.cost, value: 1.0}
)"));
  ASSERT_TRUE(base.scenario) << base.diagnostics.format();
  // Later wins where both edit the same key.
  const Scenario both = must_apply(*base.scenario, {"referral_programme", "cheap_referrals"});
  EXPECT_EQ(both.word_of_mouth.rate, 0.4);
  EXPECT_EQ(both.touchpoints[static_cast<std::size_t>(both.touchpoint_index("friend_referral"))].cost, 1.0);
  EXPECT_EQ(both.applied_strategies, (std::vector<std::string>{"referral_programme", "cheap_referrals"}));
  EXPECT_EQ(both.source_text.rfind(
                "# scenario 'ecosystem-demo' with strategies 'referral_programme', 'cheap_referrals' applied\n", 0),
            0u);
  const Scenario reversed = must_apply(*base.scenario, {"cheap_referrals", "referral_programme"});
  EXPECT_EQ(reversed.touchpoints[static_cast<std::size_t>(reversed.touchpoint_index("friend_referral"))].cost, 5.0);

  // Each fine alone, together a row above 1: an error at the edit that made it.
  Loaded rows = load(example_with(R"(  more_checkout:
    - {set: transitions.website.checkout, value: 0.4}
  more_reviews:
    - {set: transitions.website.reviews, value: 0.6}
)"));
  ASSERT_TRUE(rows.scenario) << rows.diagnostics.format();
  Diagnostics diagnostics;
  EXPECT_FALSE(apply_strategies(*rows.scenario, {"more_checkout", "more_reviews"}, diagnostics));
  EXPECT_TRUE(diagnostics.has_errors());
  EXPECT_NE(diagnostics.format().find("s.yaml:"), std::string::npos) << diagnostics.format();
}

TEST(Edits, UnknownStrategyNamesTheChoices) {
  Loaded base = load(kDesignExample);
  ASSERT_TRUE(base.scenario);
  Diagnostics diagnostics;
  EXPECT_FALSE(apply_strategies(*base.scenario, {"fix_support", "fix_suport"}, diagnostics));
  EXPECT_NE(diagnostics.format().find("there is no strategy 'fix_suport'"), std::string::npos);
  EXPECT_NE(diagnostics.format().find("did you mean 'fix_support'?"), std::string::npos);
}

TEST(Edits, AssignmentsAreSetEditsWithProvenance) {
  const StrategyEdit edit = parse_assignment("word_of_mouth.rate=0.35", {"--set", 0, 0});
  EXPECT_EQ(edit.kind, StrategyEdit::Kind::set);
  EXPECT_EQ(edit.path, "word_of_mouth.rate");
  EXPECT_EQ(edit.value, 0.35);
  EXPECT_THROW(parse_assignment("word_of_mouth.rate", {}), InputError);
  EXPECT_THROW(parse_assignment("=3", {}), InputError);
  EXPECT_THROW(parse_assignment("seed=lots", {}), InputError);

  Loaded base = load(kDesignExample);
  ASSERT_TRUE(base.scenario);
  const Scenario s = must_apply(*base.scenario, {"fix_support"}, {edit});
  EXPECT_EQ(s.word_of_mouth.rate, 0.35);
  EXPECT_EQ(s.applied_edits.back(), "set word_of_mouth.rate = 0.35");
  Diagnostics diagnostics;
  EXPECT_FALSE(apply_edits(*base.scenario, {parse_assignment("word_of_mouth.rat=1", {"--set", 0, 0})}, diagnostics));
  EXPECT_NE(diagnostics.format().find("--set: error: unknown key 'rat' in word_of_mouth; did you mean 'rate'?"),
            std::string::npos)
      << diagnostics.format();
}

TEST(Edits, StrategiesFromAFileAreCheckedAndPointIntoIt) {
  Loaded base = load(kDesignExample);
  ASSERT_TRUE(base.scenario);
  Scenario scenario = *base.scenario;
  Diagnostics diagnostics;
  ASSERT_TRUE(load_strategies_text(R"(strategies:
  halve_ads:
    - {scale: awareness.channels.social_ad.rate, by: 0.5}
)", "more.yaml", scenario, diagnostics)) << diagnostics.format();
  const Scenario s = must_apply(scenario, {"halve_ads", "fix_support"});
  EXPECT_EQ(s.awareness.channels[0].rate, 0.002);

  Scenario again = *base.scenario;
  Diagnostics errors;
  EXPECT_FALSE(load_strategies_text(R"(strategies:
  typo:
    - {scale: awareness.channels.social.rate, by: 0.5}
  fix_support:
    - {set: seed, value: 3}
)", "more.yaml", again, errors));
  const std::string text = errors.format();
  EXPECT_NE(text.find("more.yaml:3:15: error: strategy 'typo': scale 'awareness.channels.social.rate' names nothing"),
            std::string::npos) << text;
  EXPECT_NE(text.find("more.yaml:4:3: error: strategy 'fix_support' is already defined at s.yaml:"), std::string::npos)
      << text;

  Diagnostics wrong_top;
  EXPECT_FALSE(load_strategies_text("strategy: {}\n", "more.yaml", again, wrong_top));
  EXPECT_NE(wrong_top.format().find("more.yaml:1:1: error: unknown key 'strategy'"), std::string::npos)
      << wrong_top.format();
}

}  // namespace
}  // namespace journeysim

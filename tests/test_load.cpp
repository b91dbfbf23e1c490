// The scenario loader: the DESIGN.md example, every class of error with its
// exact place, and strategies.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "journeysim/load.hpp"
#include "load_test_helpers.hpp"

namespace journeysim {
namespace {

using namespace load_test;

TEST(LoadDesignExample, LoadsEveryField) {
  Loaded loaded = load(kDesignExample);
  ASSERT_TRUE(loaded.scenario) << loaded.diagnostics.format();
  const Scenario& s = *loaded.scenario;
  EXPECT_EQ(s.name, "ecosystem-demo");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.horizon_days, 180.0);
  EXPECT_EQ(s.step_days, 1.0);
  EXPECT_EQ(s.market_size, 1000000u);
  EXPECT_EQ(s.source_path, "s.yaml");
  EXPECT_EQ(s.source_text, kDesignExample);

  ASSERT_EQ(s.segments.size(), 2u);
  EXPECT_EQ(s.segments[0].name, "researchers");
  EXPECT_EQ(s.segments[0].share, 0.4);
  EXPECT_EQ(s.segments[0].review_sensitivity, 1.5);
  EXPECT_EQ(s.segments[0].awareness_multiplier, 1.0);
  EXPECT_EQ(s.segments[1].awareness_multiplier, 1.3);
  EXPECT_EQ(s.segments[1].experience_shift, -0.05);
  ASSERT_EQ(s.segments[1].transition_scale.size(), 1u);
  EXPECT_EQ(s.segments[1].transition_scale[0].from, "website");
  EXPECT_EQ(s.segments[1].transition_scale[0].to, "checkout");
  EXPECT_EQ(s.segments[1].transition_scale[0].factor, 1.4);
  EXPECT_EQ(s.segments[1].transition_scale[0].location.line, 11);
  EXPECT_EQ(s.segments[1].location.line, 10);

  EXPECT_EQ(s.awareness.initial_share, 0.0);
  ASSERT_EQ(s.awareness.initial_via.size(), 1u);
  EXPECT_EQ(s.awareness.initial_via[0].via, "search");
  EXPECT_EQ(s.awareness.initial_via[0].share, 1.0);
  ASSERT_EQ(s.awareness.channels.size(), 2u);
  EXPECT_EQ(s.awareness.channels[0].via, "social_ad");
  EXPECT_EQ(s.awareness.channels[0].rate, 0.004);
  EXPECT_EQ(s.awareness.channels[1].location.line, 17);
  EXPECT_EQ(s.awareness.channels[1].location.column, 7);

  EXPECT_TRUE(s.word_of_mouth.enabled);
  EXPECT_EQ(s.word_of_mouth.via, "friend_referral");
  EXPECT_EQ(s.word_of_mouth.rate, 0.25);
  EXPECT_EQ(s.word_of_mouth.advocate_days, 90.0);

  ASSERT_EQ(s.touchpoints.size(), 8u);
  EXPECT_EQ(s.touchpoint_index("social_ad"), 0);
  EXPECT_EQ(s.touchpoint_index("loyalty_email"), 7);
  EXPECT_EQ(s.touchpoint_index("nowhere"), -1);
  const Touchpoint& social = s.touchpoints[0];
  EXPECT_EQ(social.stage, Stage::awareness);
  EXPECT_EQ(social.cost, 0.5);
  EXPECT_EQ(social.dwell.kind, Dwell::Kind::exponential);
  EXPECT_EQ(social.dwell.mean, 1.0);
  EXPECT_EQ(social.location.line, 25);
  EXPECT_EQ(social.location.column, 3);
  EXPECT_EQ(s.touchpoints[1].dwell.kind, Dwell::Kind::fixed);
  EXPECT_EQ(s.touchpoints[1].dwell.mean, 0.5);
  const Touchpoint& referral = s.touchpoints[2];
  EXPECT_EQ(referral.cost, 0.0);
  EXPECT_EQ(referral.dwell.kind, Dwell::Kind::fixed);
  EXPECT_EQ(referral.dwell.mean, 0.0);
  const Touchpoint& website = s.touchpoints[3];
  EXPECT_EQ(website.stage, Stage::consideration);
  EXPECT_EQ(website.dwell.kind, Dwell::Kind::lognormal);
  EXPECT_EQ(website.dwell.mean, 2.0);
  EXPECT_EQ(website.dwell.sd, 1.0);
  const Touchpoint& checkout = s.touchpoints[5];
  EXPECT_EQ(checkout.stage, Stage::purchase);
  ASSERT_TRUE(checkout.purchase_revenue);
  EXPECT_EQ(*checkout.purchase_revenue, 80.0);
  EXPECT_FALSE(website.purchase_revenue);
  const Touchpoint& support = s.touchpoints[6];
  EXPECT_EQ(support.stage, Stage::retention);
  EXPECT_TRUE(support.experience.rated);
  EXPECT_EQ(support.experience.mean, 0.5);
  EXPECT_EQ(support.experience.sd, 0.2);
  EXPECT_TRUE(s.touchpoints[7].experience.rated);
  EXPECT_EQ(s.touchpoints[7].experience.sd, 0.0);

  ASSERT_EQ(s.transitions.size(), 15u);
  EXPECT_EQ(s.transitions[0].from, "social_ad");
  EXPECT_EQ(s.transitions[0].to, "website");
  EXPECT_EQ(s.transitions[0].probability, 0.25);
  const Transition& elastic = s.transitions[10];
  EXPECT_EQ(elastic.from, "reviews");
  EXPECT_EQ(elastic.to, "checkout");
  EXPECT_EQ(elastic.probability, 0.15);
  EXPECT_EQ(elastic.rating_elasticity, 2.0);
  EXPECT_EQ(elastic.location.line, 39);
  EXPECT_EQ(elastic.location.column, 36);
  EXPECT_EQ(s.transitions[9].rating_elasticity, 0.0);

  EXPECT_TRUE(s.reviews.enabled);
  EXPECT_EQ(s.reviews.post_probability, 0.1);
  EXPECT_EQ(s.reviews.prior_rating, 0.7);
  EXPECT_EQ(s.reviews.prior_weight, 50.0);
  EXPECT_EQ(s.advocacy.promoter_at, 0.9);
  EXPECT_EQ(s.advocacy.detractor_below, 0.7);
  EXPECT_EQ(s.advocacy.advocate_probability, 0.5);

  ASSERT_EQ(s.strategies.size(), 3u);
  EXPECT_EQ(s.strategies[0].name, "referral_programme");
  EXPECT_EQ(s.strategies[0].location.line, 54);
  ASSERT_EQ(s.strategies[0].edits.size(), 2u);
  EXPECT_EQ(s.strategies[0].edits[1].kind, StrategyEdit::Kind::set);
  EXPECT_EQ(s.strategies[0].edits[1].path, "touchpoints.friend_referral.cost");
  EXPECT_EQ(s.strategies[0].edits[1].value, 5.0);
  const StrategyEdit& scale = s.strategies[1].edits.at(0);
  EXPECT_EQ(scale.kind, StrategyEdit::Kind::scale);
  EXPECT_EQ(scale.path, "touchpoints.support.experience.mean");
  EXPECT_EQ(scale.value, 1.4);
  EXPECT_EQ(scale.location.line, 58);
  EXPECT_EQ(scale.location.column, 15);
  EXPECT_EQ(s.strategies[2].edits.at(0).kind, StrategyEdit::Kind::remove);
  EXPECT_EQ(s.strategies[2].edits.at(0).path, "touchpoints.social_ad");

  EXPECT_EQ(error_count(loaded.diagnostics), 0) << loaded.diagnostics.format();
}

TEST(LoadDefaults, OmittedKeysTakeTheirDefaults) {
  Diagnostics diagnostics;
  auto s = load_scenario_text(kBase, "dir/funnel.yaml", diagnostics);
  ASSERT_TRUE(s) << diagnostics.format();
  EXPECT_EQ(s->name, "funnel");  // the file stem
  EXPECT_EQ(s->seed, 1u);
  EXPECT_EQ(s->step_days, 1.0);
  EXPECT_TRUE(s->segments.empty());
  EXPECT_EQ(s->awareness.initial_share, 0.0);
  EXPECT_FALSE(s->word_of_mouth.enabled);
  EXPECT_FALSE(s->reviews.enabled);
  EXPECT_EQ(s->advocacy.promoter_at, 0.9);
  EXPECT_EQ(s->advocacy.detractor_below, 0.7);
  EXPECT_EQ(s->advocacy.advocate_probability, 0.0);
  EXPECT_EQ(s->touchpoints[0].cost, 0.0);
  EXPECT_FALSE(s->touchpoints[0].experience.rated);
  EXPECT_EQ(s->touchpoints[0].dwell.kind, Dwell::Kind::fixed);
  EXPECT_EQ(s->touchpoints[0].dwell.mean, 0.0);
  EXPECT_TRUE(s->strategies.empty());
}

TEST(LoadDefaults, EmptyTransitionsAndLargeNumbersAreValid) {
  Loaded loaded = load(kBase + "seed: 18446744073709551615\nstep_days: 0.25\n");
  ASSERT_TRUE(loaded.scenario) << loaded.diagnostics.format();
  EXPECT_EQ(loaded.scenario->seed, 18446744073709551615u);
  EXPECT_EQ(loaded.scenario->step_days, 0.25);
  Loaded no_rows = load("horizon_days: 1\nmarket: {size: 1e6}\nawareness: {initial: {share: 1, via: {a: 1}}}\n"
                        "touchpoints: {a: {stage: purchase, purchase: {revenue: 0}}}\ntransitions: {}\n");
  ASSERT_TRUE(no_rows.scenario) << no_rows.diagnostics.format();
  EXPECT_EQ(no_rows.scenario->market_size, 1000000u);
  EXPECT_TRUE(no_rows.scenario->transitions.empty());
}

TEST(LoadUnknownKey, SuggestsTheClosestAllowedKey) {
  Loaded loaded = load(kBase + "horizon: 40\nreviews: {post_probabilty: 0.1}\n");
  EXPECT_ERROR(loaded, 11, 1, "unknown key 'horizon' in the scenario; did you mean 'horizon_days'?");
  EXPECT_ERROR(loaded, 12, 11, "unknown key 'post_probabilty' in reviews; did you mean 'post_probability'?");
  Loaded nested = load(R"(horizon_days: 30
market: {size: 1000}
awareness: {channels: [{via: ad, rate: 0.01}]}
touchpoints:
  ad: {stge: awareness, cots: 1}
)");
  EXPECT_ERROR(nested, 5, 8, "unknown key 'stge' in touchpoints.ad; did you mean 'stage'?");
  EXPECT_ERROR(nested, 5, 25, "unknown key 'cots' in touchpoints.ad; did you mean 'cost'?");
}

TEST(LoadUnknownKey, ListsTheAllowedKeysWhenNothingIsClose) {
  Loaded loaded = load(kBase + "advocacy: {zebra: 1}\n");
  EXPECT_ERROR(loaded, 11, 12,
               "unknown key 'zebra' in advocacy; the keys allowed here are promoter_at, detractor_below and "
               "advocate_probability");
}

TEST(LoadWrongType, ReportsWhatWasFoundAndWhatIsExpected) {
  Loaded loaded = load(R"(horizon_days: thirty
market: [1000]
awareness: {channels: {via: ad, rate: 0.01}}
touchpoints:
  ad: {stage: awareness, cost: "1.5", experience: [0.5], dwell_days: {exponential: soon}}
  shop: purchase
)");
  EXPECT_ERROR(loaded, 1, 15, "horizon_days must be a number, but it is the text 'thirty'");
  EXPECT_ERROR(loaded, 2, 9, "market must be a map of `key: value` pairs, but it is a list");
  EXPECT_ERROR(loaded, 3, 23, "awareness.channels must be a list, but it is a map");
  EXPECT_ERROR(loaded, 5, 32, "touchpoints.ad.cost must be a number, but it is the quoted text \"1.5\"; remove the quotes");
  EXPECT_ERROR(loaded, 5, 51, "touchpoints.ad.experience must be a number between 0 and 1, or {mean: m, sd: s}, but it is a list");
  EXPECT_ERROR(loaded, 5, 84, "touchpoints.ad.dwell_days.exponential must be a number, but it is the text 'soon'");
  EXPECT_ERROR(loaded, 6, 9, "touchpoints.shop must be a map of `key: value` pairs, but it is the text 'purchase'");
}

TEST(LoadMissingKey, ReportsEachRequiredTopLevelKey) {
  Loaded loaded = load("# nothing but a name\nname: empty\n");
  EXPECT_ERROR(loaded, 2, 1, "the scenario is missing 'horizon_days'; add it at the top level, e.g. `horizon_days: 180`");
  EXPECT_ERROR(loaded, 2, 1, "the scenario is missing 'market'");
  EXPECT_ERROR(loaded, 2, 1, "the scenario is missing 'touchpoints'");
  Loaded empty = load("");
  EXPECT_ERROR(empty, 1, 1, "the scenario is empty");
}

TEST(LoadMissingKey, ReportsMarketSizeAndStage) {
  Loaded loaded = load(R"(horizon_days: 30
market:
  segments: [{name: all, share: 1}]
awareness: {channels: [{via: ad, rate: 0.01}]}
touchpoints:
  ad: {cost: 1}
  shop: {stage: purchse}
)");
  EXPECT_ERROR(loaded, 2, 1, "market is missing 'size'; add `size:` with the number of potential customers");
  EXPECT_ERROR(loaded, 6, 3, "touchpoints.ad is missing 'stage'; add `stage:` with one of awareness, "
                             "consideration, purchase, retention or advocacy");
  EXPECT_ERROR(loaded, 7, 17, "touchpoints.shop.stage 'purchse' is not a stage; did you mean 'purchase'?");
  EXPECT_EQ(error_count(loaded.diagnostics), 3) << loaded.diagnostics.format();
}

TEST(LoadNumbers, RejectNegativeAndNonFiniteValues) {
  Loaded loaded = load(R"(horizon_days: 30
market: {size: 1000}
awareness: {channels: [{via: ad, rate: .nan}, {via: ad, rate: -0.5}]}
word_of_mouth: {via: ad, rate: 0.1, advocate_days: .inf}
touchpoints:
  ad: {stage: awareness, cost: -1, dwell_days: -2, experience: nan}
  shop: {stage: purchase, purchase: {revenue: -10}, dwell_days: {lognormal: {mean: 0, sd: -1}}}
)");
  EXPECT_ERROR(loaded, 3, 40, "awareness.channels.0.rate is .nan; it must be a finite number");
  EXPECT_ERROR(loaded, 3, 63, "awareness.channels.1.rate is -0.5; it cannot be negative, use 0 or more");
  EXPECT_ERROR(loaded, 4, 52, "word_of_mouth.advocate_days is .inf; it must be a finite number");
  EXPECT_ERROR(loaded, 6, 32, "touchpoints.ad.cost is -1; it cannot be negative");
  EXPECT_ERROR(loaded, 6, 48, "touchpoints.ad.dwell_days is -2; it cannot be negative");
  EXPECT_ERROR(loaded, 6, 64, "touchpoints.ad.experience is nan; it must be a finite number");
  EXPECT_ERROR(loaded, 7, 47, "touchpoints.shop.purchase.revenue is -10; revenue cannot be negative");
  EXPECT_ERROR(loaded, 7, 47, "with `refund: {amount: 10}`");  // money given back is a touchpoint of its own
  EXPECT_ERROR(loaded, 7, 84, "touchpoints.shop.dwell_days.lognormal.mean is 0; it must be greater than 0");
  EXPECT_ERROR(loaded, 7, 91, "touchpoints.shop.dwell_days.lognormal.sd is -1; it cannot be negative");
  EXPECT_EQ(error_count(loaded.diagnostics), 9) << loaded.diagnostics.format();
}

TEST(LoadNumbers, HorizonStepAndMarketSizeMustBePositive) {
  Loaded loaded = load("horizon_days: 0\nstep_days: -1\nmarket: {size: 10.5}\n" + kBase.substr(kBase.find("awareness")));
  EXPECT_ERROR(loaded, 1, 15, "horizon_days is 0; it must be greater than 0");
  EXPECT_ERROR(loaded, 2, 12, "step_days is -1; it must be greater than 0");
  EXPECT_ERROR(loaded, 3, 16, "market.size is 10.5; it must be a positive whole number");
  Loaded zero = load("horizon_days: 1\nmarket: {size: 0}\n" + kBase.substr(kBase.find("awareness")));
  EXPECT_ERROR(zero, 2, 16, "market.size is 0; it must be a positive whole number");
  Loaded negative = load("horizon_days: 1\nseed: -3\nmarket: {size: -5}\n" + kBase.substr(kBase.find("awareness")));
  EXPECT_ERROR(negative, 2, 7, "seed is -3; it must be a whole number (0 or more)");
  EXPECT_ERROR(negative, 3, 16, "market.size is -5; it must be a positive whole number");
}

TEST(LoadProbabilities, MustLieBetweenZeroAndOne) {
  Loaded loaded = load(R"(horizon_days: 30
market: {size: 1000, segments: [{name: a, share: 1.5}]}
awareness: {initial: {share: 2, via: {ad: -0.1}}, channels: [{via: ad, rate: 0.01}]}
touchpoints:
  ad: {stage: awareness, experience: {mean: 1.2}}
  shop: {stage: purchase, purchase: {revenue: 10}}
transitions:
  ad: {shop: 1.2}
  shop: {ad: {p: -0.5, rating_elasticity: 1}}
reviews: {post_probability: 1.01, prior: {rating: 7, weight: 50}}
advocacy: {promoter_at: 1.1, detractor_below: -0.1, advocate_probability: 2}
)");
  const std::string range = "; a probability must be between 0 and 1";
  EXPECT_ERROR(loaded, 2, 50, "market.segments.a.share is 1.5" + range);
  EXPECT_ERROR(loaded, 3, 30, "awareness.initial.share is 2" + range);
  EXPECT_ERROR(loaded, 3, 43, "awareness.initial.via.ad is -0.1" + range);
  EXPECT_ERROR(loaded, 5, 45, "touchpoints.ad.experience.mean is 1.2; it must be between 0 and 1");
  EXPECT_ERROR(loaded, 8, 14, "transitions.ad.shop is 1.2" + range);
  EXPECT_ERROR(loaded, 9, 18, "transitions.shop.ad.p is -0.5" + range);
  EXPECT_ERROR(loaded, 10, 29, "reviews.post_probability is 1.01" + range);
  EXPECT_ERROR(loaded, 10, 51, "reviews.prior.rating is 7" + range);
  EXPECT_ERROR(loaded, 11, 25, "advocacy.promoter_at is 1.1" + range);
  EXPECT_ERROR(loaded, 11, 47, "advocacy.detractor_below is -0.1" + range);
  EXPECT_ERROR(loaded, 11, 75, "advocacy.advocate_probability is 2" + range);
  EXPECT_EQ(error_count(loaded.diagnostics), 11) << loaded.diagnostics.format();
}

TEST(LoadProbabilities, ThresholdsMustBeOrdered) {
  Loaded loaded = load(kBase + "advocacy: {promoter_at: 0.6, detractor_below: 0.8}\n");
  EXPECT_ERROR(loaded, 11, 47, "advocacy.detractor_below (0.8) is above advocacy.promoter_at (0.6)");
}

TEST(LoadSums, TransitionRowMustNotExceedOne) {
  Loaded loaded = load(kBase + "  shop: {ad: 0.7, shop: {p: 0.4}}\n");
  EXPECT_ERROR(loaded, 11, 3, "transitions.shop probabilities sum to 1.1; a row must sum to at most 1");
  Loaded tolerance = load(kBase.substr(0, kBase.find("transitions")) +
                          "transitions:\n  shop: {ad: 0.1, shop: 0.2}\n  ad: {shop: 0.7, ad: 0.2}\n");
  ASSERT_TRUE(tolerance.scenario) << tolerance.diagnostics.format();
  // 0.1 + 0.2 + 0.7 is 1.0000000000000002 in doubles: within the 1e-9 tolerance.
  Loaded three = load(kBase.substr(0, kBase.find("transitions")) +
                      "  ad_two: {stage: awareness}\ntransitions:\n  shop: {ad: 0.1, ad_two: 0.2, shop: 0.7}\n");
  ASSERT_TRUE(three.scenario) << three.diagnostics.format();
}

TEST(LoadSums, EntryDistributionMustNotExceedOne) {
  Loaded sum = load(R"(horizon_days: 30
market: {size: 1000}
awareness:
  initial: {share: 0.1,
            via: {ad: 0.7, shop: 0.5}}
touchpoints:
  ad: {stage: awareness}
  shop: {stage: purchase, purchase: {revenue: 10}}
)");
  EXPECT_ERROR(sum, 5, 13, "awareness.initial.via shares sum to 1.2; they must sum to at most 1");
  EXPECT_EQ(error_count(sum.diagnostics), 1) << sum.diagnostics.format();
}

TEST(LoadSums, SegmentSharesMustSumToOne) {
  Loaded shares = load(R"(horizon_days: 30
market:
  size: 10
  segments:
    - {name: a, share: 0.5}
    - {name: b, share: 0.4}
awareness: {channels: [{via: ad, rate: 0.01}]}
touchpoints: {ad: {stage: awareness, purchase: {revenue: 1}}}
)");
  EXPECT_ERROR(shares, 4, 3, "market.segments shares sum to 0.9; they must sum to 1");
  EXPECT_EQ(error_count(shares.diagnostics), 1) << shares.diagnostics.format();
}

// 0.4 + 0.65 is 1.0499999999999998 in binary; the message says what the file says.
TEST(LoadSums, SumsPrintRoundedAsWritten) {
  Loaded shares = load(R"(horizon_days: 30
market:
  size: 10
  segments:
    - {name: a, share: 0.4}
    - {name: b, share: 0.65}
awareness: {channels: [{via: ad, rate: 0.01}]}
touchpoints: {ad: {stage: awareness, purchase: {revenue: 1}}, b: {stage: awareness}, c: {stage: awareness}, d: {stage: awareness}}
transitions:
  ad: {b: 0.6, c: 0.3, d: 0.2}
)");
  EXPECT_ERROR(shares, 4, 3, "market.segments shares sum to 1.05; they must sum to 1");
  EXPECT_ERROR(shares, 10, 3, "transitions.ad probabilities sum to 1.1;");
  EXPECT_FALSE(shares.diagnostics.format().find("1.0499") != std::string::npos) << shares.diagnostics.format();
  EXPECT_FALSE(shares.diagnostics.format().find("1.0999") != std::string::npos) << shares.diagnostics.format();
}

TEST(LoadDuplicates, KeysAndSegmentNames) {
  Loaded loaded = load(kBase + R"(market:
  size: 10
  segments:
    - {name: a, share: 0.5}
    - {name: a, share: 0.5}
touchpoints: {}
)");
  EXPECT_ERROR(loaded, 11, 1, "duplicate key 'market' in the scenario (first given at line 2); keep only one of them");
  EXPECT_ERROR(loaded, 16, 1, "duplicate key 'touchpoints' in the scenario (first given at line 6)");
  Loaded names = load(R"(horizon_days: 30
market:
  size: 10
  segments:
    - {name: a, share: 0.5}
    - {name: a, share: 0.5}
awareness: {channels: [{via: ad, rate: 0.01}]}
touchpoints:
  ad: {stage: awareness, purchase: {revenue: 1}}
  ad: {stage: purchase}
)");
  EXPECT_ERROR(names, 6, 14, "duplicate segment name 'a' (first used at line 5); give each segment its own name");
  EXPECT_ERROR(names, 10, 3, "duplicate key 'ad' in touchpoints (first given at line 9)");
  EXPECT_EQ(error_count(names.diagnostics), 2) << names.diagnostics.format();
}

TEST(LoadNames, UndefinedTouchpointsGetADidYouMean) {
  Loaded loaded = load(R"(horizon_days: 30
market:
  size: 1000
  segments: [{name: all, share: 1, transition_scale: {webiste->shop: 2, ad->nowhere: 2}}]
awareness:
  initial: {share: 0.1, via: {shpo: 1}}
  channels: [{via: Ad, rate: 0.01}]
word_of_mouth: {via: adverts, rate: 0.1}
touchpoints:
  ad: {stage: awareness}
  shop: {stage: purchase, purchase: {revenue: 10}}
  website: {stage: consideration}
transitions:
  ad: {webstie: 0.5}
  chekout: {shop: 0.1}
)");
  EXPECT_ERROR(loaded, 4, 55, "market.segments.all.transition_scale.webiste->shop names 'webiste', which is not a "
                              "touchpoint; did you mean 'website'?");
  EXPECT_ERROR(loaded, 4, 73, "names 'nowhere', which is not a touchpoint; define it under `touchpoints` or use "
                              "one of ad, shop or website");
  EXPECT_ERROR(loaded, 6, 31, "awareness.initial.via names 'shpo', which is not a touchpoint; did you mean 'shop'?");
  EXPECT_ERROR(loaded, 7, 20, "awareness.channels.0.via names 'Ad', which is not a touchpoint; did you mean 'ad'?");
  EXPECT_ERROR(loaded, 8, 22, "word_of_mouth.via names 'adverts', which is not a touchpoint; define it under "
                              "`touchpoints` or use one of ad, shop or website");
  EXPECT_ERROR(loaded, 14, 8, "transitions.ad names 'webstie', which is not a touchpoint; did you mean 'website'?");
  EXPECT_ERROR(loaded, 15, 3, "transitions names 'chekout', which is not a touchpoint; define it under");
  EXPECT_EQ(error_count(loaded.diagnostics), 7) << loaded.diagnostics.format();
}

TEST(LoadAwareness, SomeWayToBecomeAwareIsRequired) {
  Loaded none = load(R"(horizon_days: 30
market: {size: 1000}
touchpoints:
  shop: {stage: purchase, purchase: {revenue: 10}}
)");
  EXPECT_ERROR(none, 1, 1, "nobody can ever become aware");
  Loaded zero = load(R"(horizon_days: 30
market: {size: 1000}
awareness:
  initial: {share: 0, via: {shop: 1}}
  channels: [{via: shop, rate: 0}]
touchpoints:
  shop: {stage: purchase, purchase: {revenue: 10}}
)");
  EXPECT_ERROR(zero, 3, 1, "nobody can ever become aware: there is no awareness.initial share above 0, no awareness "
                           "channel with a rate above 0, and no word_of_mouth");
  // Any one of the three ways is enough (word of mouth alone only warns that it cannot start).
  for (const std::string way : {"awareness: {initial: {share: 0.5, via: {shop: 1}}}\n",
                                "awareness: {channels: [{via: shop, rate: 0.5}]}\n",
                                "word_of_mouth: {via: shop, rate: 0.5}\n"}) {
    Loaded loaded = load("horizon_days: 30\nmarket: {size: 1000}\n" + way +
                         "touchpoints: {shop: {stage: purchase, purchase: {revenue: 10}}}\n");
    EXPECT_TRUE(loaded.scenario) << way << loaded.diagnostics.format();
  }
  Loaded wom_only = load("horizon_days: 30\nmarket: {size: 1000}\nword_of_mouth: {via: shop, rate: 0.5}\n"
                         "touchpoints: {shop: {stage: purchase, purchase: {revenue: 10}}}\n");
  EXPECT_TRUE(has(wom_only.diagnostics, Severity::warning, 3, 1, "word of mouth is the only way to become aware"));
}

TEST(LoadWarnings, DoNotStopLoading) {
  Loaded warned = load(R"(horizon_days: 30
market: {size: 1000, segments: [{name: all, share: 1, transition_scale: {shop->ad: 2}}]}
awareness: {channels: [{via: ad, rate: 0.01}]}
touchpoints:
  ad: {stage: awareness}
  shop: {stage: purchase}
transitions:
  ad: {shop: {p: 0.5, rating_elasticity: 1.5}}
)");
  ASSERT_TRUE(warned.scenario) << warned.diagnostics.format();
  EXPECT_FALSE(warned.diagnostics.has_errors());
  EXPECT_TRUE(has(warned.diagnostics, Severity::warning, 2, 74, "segment 'all' scales shop->ad, but there is no such transition"));
  EXPECT_TRUE(has(warned.diagnostics, Severity::warning, 6, 3, "touchpoint 'shop' has stage purchase but no `purchase:`"));
  EXPECT_TRUE(has(warned.diagnostics, Severity::warning, 5, 3, "no touchpoint has `purchase:`"));
  EXPECT_TRUE(has(warned.diagnostics, Severity::warning, 8, 8, "without a `reviews` section the public rating never moves"));
  EXPECT_NE(warned.diagnostics.format().find("s.yaml:2:74: warning: segment 'all'"), std::string::npos);
}

TEST(LoadMultipleErrors, AreAllReportedTogether) {
  Loaded loaded = load(R"(horizon_days: -5
market: {size: many}
awareness: {channels: [{via: ad, rate: 0.01}]}
touchpoints:
  ad: {stage: awarenes, cost: -1}
  shop: {stage: purchase, purchase: {revenue: 10}, colour: red}
transitions:
  ad: {shop: 0.9, ad: 0.2}
)");
  EXPECT_ERROR(loaded, 1, 15, "horizon_days is -5");
  EXPECT_ERROR(loaded, 2, 16, "market.size must be a positive whole number, but it is the text 'many'");
  EXPECT_ERROR(loaded, 5, 15, "did you mean 'awareness'?");
  EXPECT_ERROR(loaded, 5, 31, "touchpoints.ad.cost is -1");
  EXPECT_ERROR(loaded, 6, 52, "unknown key 'colour' in touchpoints.shop");
  EXPECT_ERROR(loaded, 8, 3, "transitions.ad probabilities sum to 1.1");
  EXPECT_EQ(error_count(loaded.diagnostics), 6) << loaded.diagnostics.format();
  const std::string text = loaded.diagnostics.format();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 5);
  EXPECT_EQ(text.rfind("s.yaml:1:15: error: horizon_days is -5; it must be greater than 0", 0), 0u);
}

TEST(LoadMalformedYaml, IsReportedAtItsPlace) {
  // Reported where yaml-cpp gives up, never as an exception.
  Loaded unclosed = load("horizon_days: 30\nmarket: {size: 10\ntouchpoints: {}\n");
  ASSERT_EQ(unclosed.diagnostics.all().size(), 1u);
  EXPECT_EQ(unclosed.diagnostics.all()[0].format(),
            "s.yaml:3:12: error: this is not valid YAML (end of map flow not found); check the indentation, "
            "brackets and quotes here and on the line before");
  Loaded indented = load("horizon_days: 30\n market: 1\n");
  EXPECT_ERROR(indented, 2, 8, "this is not valid YAML (illegal map value); check the indentation");
  Loaded tab = load("horizon_days: 30\n\tmarket: 1\n");
  EXPECT_ERROR(tab, 2, 1, "this is not valid YAML");
  Loaded not_a_map = load("- just\n- a list\n");
  EXPECT_ERROR(not_a_map, 1, 1, "the scenario must be a map of `key: value` pairs, but it is a list");
}

TEST(LoadFile, ReadsFromDiskAndReportsUnreadableFiles) {
  const std::string path = ::testing::TempDir() + "load_test_scenario.yaml";
  {
    std::ofstream out(path);
    out << kBase;
  }
  Diagnostics diagnostics;
  auto scenario = load_scenario_file(path, diagnostics);
  ASSERT_TRUE(scenario) << diagnostics.format();
  EXPECT_EQ(scenario->name, "load_test_scenario");
  EXPECT_EQ(scenario->source_path, path);
  EXPECT_EQ(scenario->source_text, kBase);
  EXPECT_EQ(load_scenario_or_throw(path).touchpoints.size(), 2u);
  std::remove(path.c_str());

  Diagnostics missing;
  EXPECT_FALSE(load_scenario_file("/no/such/dir/x.yaml", missing));
  ASSERT_EQ(missing.all().size(), 1u);
  EXPECT_EQ(missing.all()[0].format(),
            "/no/such/dir/x.yaml: error: cannot read the scenario: No such file or directory; check the path and "
            "its permissions");
  try {
    load_scenario_or_throw("/no/such/dir/x.yaml");
    ADD_FAILURE() << "expected a ScenarioError";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("/no/such/dir/x.yaml: error: cannot read"), std::string::npos);
    EXPECT_TRUE(e.diagnostics.has_errors());
  }
}

TEST(LoadDiagnostics, FormatAndClosestMatch) {
  Diagnostic d{Severity::error, {"a.yaml", 3, 7}, "bad"};
  EXPECT_EQ(d.format(), "a.yaml:3:7: error: bad");
  Diagnostic w{Severity::warning, {"a.yaml", 0, 0}, "meh"};
  EXPECT_EQ(w.format(), "a.yaml: warning: meh");
  Diagnostics all;
  all.warning({"a.yaml", 1, 1}, "first");
  EXPECT_FALSE(all.has_errors());
  all.error({"a.yaml", 2, 1}, "second");
  EXPECT_TRUE(all.has_errors());
  EXPECT_EQ(all.format(), "a.yaml:1:1: warning: first\na.yaml:2:1: error: second");
  const std::vector<std::string> keys = {"horizon_days", "step_days", "seed", "stage", "cost"};
  EXPECT_EQ(closest_match("seeed", keys), "seed");
  EXPECT_EQ(closest_match("sed", keys), "seed");
  EXPECT_EQ(closest_match("satge", keys), "stage");  // a transposition is one edit
  EXPECT_EQ(closest_match("Stage", keys), "stage");
  EXPECT_EQ(closest_match("horizon", keys), "horizon_days");
  EXPECT_EQ(closest_match("step_day", keys), "step_days");
  EXPECT_EQ(closest_match("banana", keys), "");
  EXPECT_EQ(closest_match("x", {}), "");
  EXPECT_STREQ(to_string(Stage::consideration), "consideration");
  EXPECT_STREQ(to_string(Stage::advocacy), "advocacy");
}

TEST(LoadGraphChecks, ClosedSetsAreErrorsAndUnreachableTouchpointsWarnings) {
  Loaded graph = load(R"(horizon_days: 30
market: {size: 1000}
awareness: {channels: [{via: ad, rate: 0.01}]}
touchpoints:
  ad: {stage: awareness}
  shop: {stage: purchase, purchase: {revenue: 10}}
  trap_one: {stage: retention}
  trap_two: {stage: retention}
  orphan: {stage: retention}
transitions:
  ad: {shop: 0.5}
  shop: {trap_one: 0.5}
  trap_one: {trap_two: 1.0}
  trap_two: {trap_one: 1.0}
)");
  EXPECT_FALSE(graph.scenario);
  bool named = false;
  for (const auto& item : graph.diagnostics.all())
    named = named || (item.severity == Severity::error && item.message.find("trap_one") != std::string::npos);
  EXPECT_TRUE(named) << graph.diagnostics.format();
  Loaded unreachable = load(kBase.substr(0, kBase.find("transitions")) + "  orphan: {stage: retention}\n" +
                            kBase.substr(kBase.find("transitions")));
  ASSERT_TRUE(unreachable.scenario) << unreachable.diagnostics.format();
  bool warned = false;
  for (const auto& item : unreachable.diagnostics.all())
    warned = warned || (item.severity == Severity::warning && item.message.find("orphan") != std::string::npos);
  EXPECT_TRUE(warned) << unreachable.diagnostics.format();
}

}  // namespace
}  // namespace journeysim

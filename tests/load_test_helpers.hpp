#pragma once
// Shared by the loader's test files: the DESIGN.md example, a small valid
// scenario, and a matcher for a diagnostic at an exact place.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "journeysim/load.hpp"

namespace journeysim::load_test {

// The example of DESIGN.md "The scenario format (v1)", verbatim: line N here is line N there.
inline const char* const kDesignExample = R"(name: ecosystem-demo
seed: 7
horizon_days: 180
step_days: 1.0            # synchronisation step for shared influences (reviews, word of mouth)

market:
  size: 1000000           # potential customers (the Bass model's m)
  segments:               # optional personas; shares sum to 1
    - {name: researchers, share: 0.4, review_sensitivity: 1.5}
    - {name: impulsive,   share: 0.6, awareness_multiplier: 1.3,
       transition_scale: {website->checkout: 1.4}, experience_shift: -0.05}

awareness:
  initial: {share: 0.0, via: {search: 1.0}}   # aware at day 0, and where they enter
  channels:                                   # external reach: hazard per unaware customer per day
    - {via: social_ad, rate: 0.004}
    - {via: search,    rate: 0.002}

word_of_mouth:
  via: friend_referral    # touchpoint where referred customers enter
  rate: 0.25              # Bass q: an unaware customer becomes aware at hazard rate * active_advocates / market.size
  advocate_days: 90       # mean active period of an advocate (exponential); omit = forever

touchpoints:
  social_ad:       {stage: awareness, cost: 0.50, experience: 0.6, dwell_days: {exponential: 1.0}}
  search:          {stage: awareness, cost: 1.20, experience: 0.7, dwell_days: 0.5}
  friend_referral: {stage: awareness, experience: 0.9}
  website:         {stage: consideration, experience: 0.7, dwell_days: {lognormal: {mean: 2.0, sd: 1.0}}}
  reviews:         {stage: consideration, experience: 0.6}
  checkout:        {stage: purchase, purchase: {revenue: 80.0}, experience: 0.8}
  support:         {stage: retention, cost: 4.0, experience: {mean: 0.5, sd: 0.2}}
  loyalty_email:   {stage: retention, cost: 0.05, experience: 0.7}

transitions:              # from -> {to: probability}; the remainder of each row is drop-off (exit)
  social_ad:       {website: 0.25, reviews: 0.05}
  search:          {website: 0.50, reviews: 0.15}
  friend_referral: {website: 0.60, checkout: 0.20}
  website:         {reviews: 0.30, checkout: 0.12, social_ad: 0.05}
  reviews:         {website: 0.40, checkout: {p: 0.15, rating_elasticity: 2.0}}
  checkout:        {support: 0.20, loyalty_email: 0.50}
  support:         {checkout: 0.10}
  loyalty_email:   {checkout: 0.15}

reviews:
  post_probability: 0.10  # a purchase leaves a public review with this probability
  prior: {rating: 0.7, weight: 50}

advocacy:
  promoter_at: 0.9        # satisfaction >= this: promoter (NPS 9-10)
  detractor_below: 0.7    # satisfaction < this: detractor (NPS 0-6)
  advocate_probability: 0.5   # a promoter's purchase makes them an active advocate with this probability

strategies:               # named what-if overlays on this scenario
  referral_programme:
    - {set: word_of_mouth.rate, value: 0.4}
    - {set: touchpoints.friend_referral.cost, value: 5.0}
  fix_support:
    - {scale: touchpoints.support.experience.mean, by: 1.4}
  drop_social:
    - {remove: touchpoints.social_ad}
)";

// A small valid scenario; tests append to it, so its lines stay put (10 lines).
inline const std::string kBase = R"(horizon_days: 30
market: {size: 1000}
awareness:
  channels:
    - {via: ad, rate: 0.01}
touchpoints:
  ad: {stage: awareness}
  shop: {stage: purchase, purchase: {revenue: 10}}
transitions:
  ad: {shop: 0.5}
)";

struct Loaded {
  Diagnostics diagnostics;
  std::optional<Scenario> scenario;
};

inline Loaded load(const std::string& text) {
  Loaded loaded;
  loaded.scenario = load_scenario_text(text, "s.yaml", loaded.diagnostics);
  return loaded;
}

inline ::testing::AssertionResult has(const Diagnostics& diagnostics, Severity severity, int line, int column,
                               const std::string& fragment) {
  for (const auto& item : diagnostics.all())
    if (item.severity == severity && item.location.line == line && item.location.column == column &&
        item.message.find(fragment) != std::string::npos && item.location.file == "s.yaml")
      return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no " << (severity == Severity::error ? "error" : "warning") << " at "
                                       << line << ":" << column << " containing \"" << fragment << "\"; got:\n"
                                       << diagnostics.format();
}
#define EXPECT_ERROR(loaded, line, column, fragment)                                \
  do {                                                                              \
    EXPECT_FALSE((loaded).scenario.has_value());                                    \
    EXPECT_TRUE(has((loaded).diagnostics, Severity::error, line, column, fragment)); \
  } while (false)

inline int error_count(const Diagnostics& diagnostics) {
  int count = 0;
  for (const auto& item : diagnostics.all()) count += item.severity == Severity::error;
  return count;
}

}  // namespace journeysim::load_test

#pragma once
// Every key the scenario loader accepts, by the map it belongs to: the tables
// the loader checks maps against (unknown keys are errors with a "did you
// mean"), kept in one place so a test can check that scenarios/README.md
// documents each of them.
#include <string>
#include <vector>

namespace journeysim::scenario_detail::keys {

inline const std::vector<std::string> top = {"name",        "seed",      "horizon_days",  "step_days",
                                             "market",      "awareness", "word_of_mouth", "touchpoints",
                                             "transitions", "reviews",   "advocacy",      "strategies"};
inline const std::vector<std::string> market = {"size", "segments"};
inline const std::vector<std::string> segment = {"name",           "share",           "awareness_multiplier",
                                                 "review_sensitivity", "transition_scale", "experience_shift"};
inline const std::vector<std::string> awareness = {"initial", "channels"};
inline const std::vector<std::string> initial = {"share", "via"};
inline const std::vector<std::string> channel = {"via", "rate"};
inline const std::vector<std::string> word_of_mouth = {"via", "rate", "advocate_days"};
inline const std::vector<std::string> reviews = {"post_probability", "prior"};
inline const std::vector<std::string> prior = {"rating", "weight"};
inline const std::vector<std::string> advocacy = {"promoter_at", "detractor_below", "advocate_probability"};
inline const std::vector<std::string> touchpoint = {"stage",    "cost",   "experience", "dwell_days",
                                                    "purchase", "refund", "removed"};
inline const std::vector<std::string> experience = {"mean", "sd"};
inline const std::vector<std::string> dwell = {"exponential", "lognormal"};
inline const std::vector<std::string> lognormal = {"mean", "sd"};
inline const std::vector<std::string> purchase = {"revenue"};
inline const std::vector<std::string> refund = {"amount"};
inline const std::vector<std::string> transition = {"p", "rating_elasticity"};
inline const std::vector<std::string> edit = {"set", "value", "scale", "by", "remove", "add"};

// Each table with the scenarios/README.md section that documents it (its
// "## " heading) and the path it is found at.
struct KeyTable {
  const char* path;     // e.g. "market.segments[]"
  const char* section;  // e.g. "market"
  const std::vector<std::string>* keys;
};
inline const std::vector<KeyTable>& all() {
  static const std::vector<KeyTable> tables = {
      {"(top level)", "Top-level keys", &top},
      {"market", "market", &market},
      {"market.segments[]", "market", &segment},
      {"awareness", "awareness", &awareness},
      {"awareness.initial", "awareness", &initial},
      {"awareness.channels[]", "awareness", &channel},
      {"word_of_mouth", "word_of_mouth", &word_of_mouth},
      {"reviews", "reviews", &reviews},
      {"reviews.prior", "reviews", &prior},
      {"advocacy", "advocacy", &advocacy},
      {"touchpoints.<name>", "touchpoints", &touchpoint},
      {"touchpoints.<name>.experience", "touchpoints", &experience},
      {"touchpoints.<name>.dwell_days", "touchpoints", &dwell},
      {"touchpoints.<name>.dwell_days.lognormal", "touchpoints", &lognormal},
      {"touchpoints.<name>.purchase", "touchpoints", &purchase},
      {"touchpoints.<name>.refund", "touchpoints", &refund},
      {"transitions.<from>.<to>", "transitions", &transition},
      {"strategies.<name>[]", "strategies", &edit},
  };
  return tables;
}

}  // namespace journeysim::scenario_detail::keys

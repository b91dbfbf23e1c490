#pragma once
// A scenario as plain validated data: what the YAML file says, nothing more.
// See ../shared/DESIGN.md "The scenario format (v1)" for the meaning of each field.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "journeysim/diagnostics.hpp"

namespace journeysim {

// What one run can hold: customers are numbered in 32 bits, nodes in 16,
// segments in 8; steps and days are counted in 32 bits and daily series are
// kept in memory. The loader reports a scenario beyond them; the engine checks
// them again for values set in code or on the command line (--market-size).
namespace limits {
constexpr std::uint64_t max_market_size = 4'294'967'294;
constexpr std::size_t max_segments = 255;
constexpr std::size_t max_nodes = 65'535;  // touchpoints + awareness channels + 2 entries
constexpr double max_horizon_days = 1e7;
constexpr double max_steps = 1e9;         // horizon_days / step_days
// What the loader reads: files beyond these sizes are refused, not read whole.
constexpr std::size_t max_file_bytes = 64u << 20;  // a scenario, strategies file or sweep plan
// Every number a scenario gives is at most this in magnitude, so that money
// summed over every customer (2^32) and event (2^32), and its square for a
// variance, stays far from overflowing a double.
constexpr double max_magnitude = 1e100;
}  // namespace limits

enum class Stage { awareness, consideration, purchase, retention, advocacy };
const char* to_string(Stage stage);

struct Dwell {
  enum class Kind { fixed, exponential, lognormal };
  Kind kind = Kind::fixed;
  double mean = 0.0;  // fixed value, exponential mean or lognormal mean (of the dwell, not of its log)
  double sd = 0.0;    // lognormal only
};

struct Experience {
  bool rated = false;  // false: the touchpoint leaves satisfaction unchanged
  double mean = 0.0;
  double sd = 0.0;     // 0: fixed at mean; otherwise a normal clipped to [0,1]
};

struct Touchpoint {
  std::string name;
  Stage stage = Stage::awareness;
  double cost = 0.0;
  Experience experience;
  Dwell dwell;
  std::optional<double> purchase_revenue;  // set: entering it is a purchase
  std::optional<double> refund_amount;     // set (> 0): entering it gives this much money back (a return)
  SourceLocation location;
};

struct Transition {
  std::string from;
  std::string to;
  double probability = 0.0;
  double rating_elasticity = 0.0;  // 0: not influenced by the public rating
  SourceLocation location;
};

struct EntryShare {
  std::string via;  // touchpoint entered
  double share = 0.0;
  SourceLocation location;
};

struct AwarenessChannel {
  std::string via;
  double rate = 0.0;  // hazard per unaware customer per day
  SourceLocation location;
};

struct Awareness {
  double initial_share = 0.0;
  std::vector<EntryShare> initial_via;  // sums to <= 1; the remainder drops off at once
  std::vector<AwarenessChannel> channels;
};

struct WordOfMouth {
  bool enabled = false;
  std::string via;
  double rate = 0.0;                   // Bass q
  std::optional<double> advocate_days; // empty: advocates stay active forever
  SourceLocation location;
};

struct Reviews {
  bool enabled = false;
  double post_probability = 0.0;
  double prior_rating = 0.7;
  double prior_weight = 0.0;
};

struct Advocacy {
  double promoter_at = 0.9;
  double detractor_below = 0.7;
  double advocate_probability = 0.0;
};

struct TransitionScale {
  std::string from;
  std::string to;
  double factor = 1.0;
  SourceLocation location;
};

struct Segment {
  std::string name;
  double share = 0.0;
  double awareness_multiplier = 1.0;
  double review_sensitivity = 1.0;
  std::vector<TransitionScale> transition_scale;
  double experience_shift = 0.0;
  SourceLocation location;
};

struct StrategyEdit {
  enum class Kind { set, scale, remove, add };
  Kind kind = Kind::set;
  std::string path;    // dotted keys as written in the file, e.g. touchpoints.support.experience.mean
  double value = 0.0;  // set: the new value; scale: the factor (`by`); remove, add: unused
  std::string value_yaml;  // add: the new key's value as YAML text (a number, a map, a list)
  SourceLocation location;

  // "set word_of_mouth.rate = 0.4", "scale touchpoints.support.cost by 1.5", …
  std::string describe() const;
};

struct Strategy {
  std::string name;
  std::vector<StrategyEdit> edits;
  SourceLocation location;
};

struct Scenario {
  std::string name;
  std::uint64_t seed = 1;
  double horizon_days = 0.0;
  double step_days = 1.0;
  std::uint64_t market_size = 0;
  std::vector<Segment> segments;  // empty: one implicit segment with neutral parameters
  Awareness awareness;
  WordOfMouth word_of_mouth;
  std::vector<Touchpoint> touchpoints;  // file order; their index is their id everywhere
  // Touchpoints written with `removed: true` (what a `remove` strategy does):
  // not in `touchpoints`, but transitions, channels and word of mouth may still
  // name them; whoever would enter one drops off (its removal effect).
  std::vector<std::string> removed_touchpoints;
  std::vector<Transition> transitions;  // file order, grouped by `from`
  Reviews reviews;
  Advocacy advocacy;
  std::vector<Strategy> strategies;

  // What was done to the file as written before it became this scenario, in
  // order: the strategies applied and every edit (theirs, then any others).
  // Empty for a scenario as loaded. Results carry it, so they say what ran.
  std::vector<std::string> applied_strategies;
  std::vector<std::string> applied_edits;

  std::string source_path;  // where it was loaded from ("" if built in code)
  std::string source_text;  // the YAML as read, kept so result files say how they were made

  // Index of the touchpoint called `name`, or -1.
  int touchpoint_index(const std::string& name) const;
};

}  // namespace journeysim

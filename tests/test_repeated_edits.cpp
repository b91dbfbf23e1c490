// The sweep's fast path (RepeatedEdits): a point's numeric edits set on one
// parsed copy of the scenario give exactly what applying them to the YAML text
// gives (apply_strategies) — the same Scenario, field by field and bit for
// bit, the same edited YAML and the same diagnostics — and a sweep built that
// way writes the same file as one built point by point.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "hdf5_datasets.hpp"
#include "journeysim/load.hpp"
#include "journeysim/sweep.hpp"
#include "support.hpp"

namespace journeysim {
namespace {

namespace fs = std::filesystem;

// Every field of a scenario as text, numbers by their bits (so 0.1 + 0.2 and
// 0.3 differ, and so do 0 and −0).
class Describer {
 public:
  std::string str() const { return out_.str(); }
  Describer& operator()(const char* name, double x) {
    out_ << name << '=' << std::bit_cast<std::uint64_t>(x) << ' ';
    return *this;
  }
  Describer& operator()(const char* name, const std::optional<double>& x) {
    if (x) return (*this)(name, *x);
    out_ << name << "=none ";
    return *this;
  }
  Describer& operator()(const char* name, const std::string& x) {
    out_ << name << "='" << x << "' ";
    return *this;
  }
  Describer& operator()(const char* name, std::uint64_t x) {
    out_ << name << '=' << x << ' ';
    return *this;
  }
  Describer& operator()(const char* name, bool x) {
    out_ << name << '=' << x << ' ';
    return *this;
  }
  Describer& operator()(const char* name, const SourceLocation& at) {
    out_ << name << '@' << at.file << ':' << at.line << ':' << at.column << ' ';
    return *this;
  }
  Describer& operator()(const char* name, const std::vector<std::string>& list) {
    out_ << name << "=[";
    for (const auto& item : list) out_ << item << ';';
    out_ << "] ";
    return *this;
  }
  void line() { out_ << '\n'; }

 private:
  std::ostringstream out_;
};

std::string describe(const Scenario& s) {
  Describer d;
  d("name", s.name)("seed", s.seed)("horizon", s.horizon_days)("step", s.step_days)("market", s.market_size);
  d.line();
  for (const Segment& g : s.segments) {
    d("segment", g.name)("share", g.share)("awareness", g.awareness_multiplier)("review", g.review_sensitivity)(
        "shift", g.experience_shift)("at", g.location);
    for (const TransitionScale& t : g.transition_scale) d("from", t.from)("to", t.to)("factor", t.factor)("at", t.location);
    d.line();
  }
  d("initial", s.awareness.initial_share);
  for (const EntryShare& e : s.awareness.initial_via) d("via", e.via)("share", e.share)("at", e.location);
  for (const AwarenessChannel& c : s.awareness.channels) d("channel", c.via)("rate", c.rate)("at", c.location);
  d.line();
  const WordOfMouth& w = s.word_of_mouth;
  d("wom", w.enabled)("via", w.via)("rate", w.rate)("days", w.advocate_days)("at", w.location);
  d.line();
  for (const Touchpoint& t : s.touchpoints) {
    d("touchpoint", t.name)("stage", std::uint64_t(static_cast<int>(t.stage)))("cost", t.cost)(
        "rated", t.experience.rated)("mean", t.experience.mean)("sd", t.experience.sd)(
        "dwell", std::uint64_t(static_cast<int>(t.dwell.kind)))("dwell_mean", t.dwell.mean)("dwell_sd", t.dwell.sd)(
        "revenue", t.purchase_revenue)("refund", t.refund_amount)("at", t.location);
    d.line();
  }
  d("removed", s.removed_touchpoints);
  for (const Transition& t : s.transitions)
    d("transition", t.from)("to", t.to)("p", t.probability)("e", t.rating_elasticity)("at", t.location);
  d.line();
  d("reviews", s.reviews.enabled)("post", s.reviews.post_probability)("prior", s.reviews.prior_rating)(
      "weight", s.reviews.prior_weight);
  d("promoter", s.advocacy.promoter_at)("detractor", s.advocacy.detractor_below)(
      "advocate", s.advocacy.advocate_probability);
  d.line();
  d("strategies", std::uint64_t(s.strategies.size()))("applied", s.applied_strategies)("edits", s.applied_edits)(
      "path", s.source_path);
  d.line();
  return d.str() + "text:\n" + s.source_text;
}

StrategyEdit edit(StrategyEdit::Kind kind, const std::string& path, double value) {
  StrategyEdit e;
  e.kind = kind;
  e.path = path;
  e.value = value;
  e.location = {"--param", 0, 0};
  return e;
}

// Builds `values` both ways and expects the same outcome in every respect.
void expect_same_both_ways(const RepeatedEdits& repeated, const Scenario& scenario,
                           const std::vector<std::string>& strategies, std::vector<StrategyEdit> edits,
                           const std::vector<double>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) edits[i].value = values[i];
  Diagnostics slow_said, fast_said;
  const auto slow = apply_strategies(scenario, strategies, slow_said, edits);
  const auto fast = repeated.apply(values, fast_said);
  EXPECT_EQ(fast_said.format(), slow_said.format());
  ASSERT_EQ(fast.has_value(), slow.has_value()) << slow_said.format();
  if (!slow) return;
  EXPECT_EQ(describe(*fast), describe(*slow));
  Diagnostics again;  // without the text: the same scenario, source_text empty
  const auto textless = repeated.apply(values, again, false);
  ASSERT_TRUE(textless);
  EXPECT_TRUE(textless->source_text.empty());
  Scenario with_text = *textless;
  with_text.source_text = slow->source_text;
  EXPECT_EQ(describe(with_text), describe(*slow));
}

// Paths into segments (by name, and a transition_scale key), channels (by
// via), transitions (a plain probability and a {p, …} map), touchpoint fields
// (cost, experience, dwell, revenue), one added by a strategy (remarketing's
// retargeting), one a strategy scales (fix_support), and a `scale`.
TEST(RepeatedEdits, FastPathGivesTheSlowPathsScenarioBitForBit) {
  const std::vector<std::string> strategies{"remarketing", "fix_support"};
  const std::vector<StrategyEdit> edits{
      edit(StrategyEdit::Kind::set, "market.segments.impulsive.experience_shift", 0),
      edit(StrategyEdit::Kind::set, "market.segments.impulsive.transition_scale.website->checkout", 0),
      edit(StrategyEdit::Kind::set, "awareness.channels.search.rate", 0),
      edit(StrategyEdit::Kind::set, "transitions.website.checkout", 0),
      edit(StrategyEdit::Kind::set, "transitions.reviews.checkout.p", 0),
      edit(StrategyEdit::Kind::set, "touchpoints.support.experience.mean", 0),
      edit(StrategyEdit::Kind::set, "touchpoints.website.dwell_days.lognormal.mean", 0),
      edit(StrategyEdit::Kind::set, "touchpoints.checkout.purchase.revenue", 0),
      edit(StrategyEdit::Kind::set, "transitions.retargeting.website", 0),
      edit(StrategyEdit::Kind::scale, "touchpoints.search.cost", 1),
  };
  const RepeatedEdits repeated(testing::shipped_ecosystem(), strategies, edits);
  ASSERT_TRUE(repeated.fast()) << "every edit here is a plain numeric set or scale of an existing key";
  const std::vector<std::vector<double>> points{
      {-0.05, 1.4, 0.002, 0.12, 0.15, 0.7, 2.0, 80.0, 0.30, 1.0},
      {0.1, 2.0, 0.01, 0.2, 0.3, 0.9, 0.5, 0.0, 0.1, 0.5},
      {-0.05, 1.4, 0.002, 0.12, 0.15, 0.7, 2.0, 80.0, 0.30, 1.0},  // back to the first: nothing left over
      {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1e-9, 1e6, 0.0, 3.0},
      {0.1, 1.0, 0.003, 0.9, 0.1, 0.5, 1.0, 10.0, 0.2, 2.0},        // website's row sums above 1: an error
      {0.1, 1.0, 0.003, 0.1, 0.1, 1.5, 1.0, 10.0, 0.2, 2.0},        // an experience mean above 1: an error
      {0.1, 1.0, -1.0, 0.1, 0.1, 0.5, 1.0, 10.0, 0.2, 2.0},         // a negative rate: an error
      {0.3, 1.1, 0.004, 0.1, 0.2, 0.6, 3.0, 90.0, 0.25, 0.25},
  };
  for (std::size_t p = 0; p < points.size(); ++p) {
    SCOPED_TRACE("point " + std::to_string(p));
    expect_same_both_ways(repeated, testing::shipped_ecosystem(), strategies, edits, points[p]);
  }
  // Many calls (past the slots' reuse limit) still give the same scenario.
  for (int i = 0; i < 300; ++i) {
    Diagnostics said;
    ASSERT_TRUE(repeated.apply(points[i % 2], said, false)) << said.format();
  }
  expect_same_both_ways(repeated, testing::shipped_ecosystem(), strategies, edits, points[1]);
}

TEST(RepeatedEdits, SegmentSharesThatNoLongerSumToOneFailTheSameWay) {
  const std::vector<StrategyEdit> edits{edit(StrategyEdit::Kind::set, "market.segments.researchers.share", 0)};
  const RepeatedEdits repeated(testing::shipped_ecosystem(), {}, edits);
  ASSERT_TRUE(repeated.fast());
  for (double share : {0.4, 0.45, 0.3}) expect_same_both_ways(repeated, testing::shipped_ecosystem(), {}, edits, {share});
}

// What the fast path cannot prove equivalent goes the slow way, with the
// slow path's messages: a path that names nothing, a key that does not exist
// yet (set creates it), a map rather than a number, `add` and `remove`.
TEST(RepeatedEdits, AnythingElseTakesTheSlowPathWithItsMessages) {
  const std::vector<std::vector<StrategyEdit>> cases{
      {edit(StrategyEdit::Kind::set, "touchpoints.nowhere.cost", 0)},
      {edit(StrategyEdit::Kind::set, "touchpoints.reviews.cost", 0)},  // reviews has no cost key yet
      {edit(StrategyEdit::Kind::set, "touchpoints.support.experience", 0)},
      {edit(StrategyEdit::Kind::set, "strategies.fix_support", 0)},
      {edit(StrategyEdit::Kind::set, "word_of_mouth.rate", 0), edit(StrategyEdit::Kind::scale, "word_of_mouth.rate", 0)},
      {edit(StrategyEdit::Kind::remove, "touchpoints.support", 0)},
  };
  for (const auto& edits : cases) {
    SCOPED_TRACE(edits.front().describe());
    const RepeatedEdits repeated(testing::shipped_ecosystem(), {}, edits);
    EXPECT_FALSE(repeated.fast());
    std::vector<double> values(edits.size(), 0.5);
    expect_same_both_ways(repeated, testing::shipped_ecosystem(), {}, edits, values);
  }
}

std::string temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "journeysim-repeated-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

// A sweep whose points are built on the fast path writes the file a sweep
// built point by point writes: every dataset bit for bit.
TEST(RepeatedEdits, SweepFileIsTheSameBuiltEitherWay) {
  const std::string dir = temp_dir();
  std::vector<SweepAxis> axes{parse_parameter("market.segments.impulsive.experience_shift=list:-0.05,0.05"),
                              parse_parameter("transitions.reviews.checkout.p=list:0.1,0.2"),
                              parse_parameter("touchpoints.support.experience.mean=list:0.5,0.8")};
  Engine engine(2);
  std::vector<std::string> files;
  for (const bool fast : {true, false}) {
    SweepJob job;
    job.scenario = testing::shipped_ecosystem();
    job.plan = plan_from_options(axes, false, 0, "");
    job.plan.strategies = {"remarketing"};
    job.seed = 5;
    job.market_size = 3000;
    job.replications = 2;
    job.fast_point_edits = fast;
    job.output_path = dir + (fast ? "/fast.h5" : "/slow.h5");
    Diagnostics diagnostics;
    const SweepOutcome outcome = run_sweep(job, engine, diagnostics);
    ASSERT_FALSE(diagnostics.has_errors()) << diagnostics.format();
    ASSERT_EQ(outcome.ran, 8u);
    files.push_back(job.output_path);
  }
  EXPECT_EQ(testing_hdf5::datasets_of(files[0]), testing_hdf5::datasets_of(files[1]));
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace journeysim

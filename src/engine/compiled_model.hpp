#pragma once
// The scenario compiled to flat tables for the hot loop. Nodes are the
// touchpoints [0, T) followed by entry nodes (initial awareness, each channel,
// word of mouth), whose rows say which touchpoint a newly aware customer enters.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/alias.hpp"
#include "journeysim/chain.hpp"
#include "journeysim/results.hpp"
#include "journeysim/scenario.hpp"

namespace journeysim::engine {

// Node indices are below limits::max_nodes (65,535), so 0xffff is free for
// drop-off and a choice slot holds its outcomes' nodes in 16 bits.
constexpr std::uint32_t dropoff_node = 0xffffu;

enum class DwellKind : std::uint8_t { fixed, exponential, lognormal };

struct NodeTable {
  DwellKind dwell_kind = DwellKind::fixed;
  bool rated = false;
  bool purchase = false;
  bool refund = false;
  bool plain = false;  // none of the above: entering it is a visit and a dwell, nothing more
  double dwell_a = 0.0;  // fixed: value; exponential: mean; lognormal: mu of the log
  double dwell_b = 0.0;  // lognormal: sigma of the log
  double experience_mean = 0.0;
  double experience_sd = 0.0;
};

struct Outcome {
  std::uint32_t node;  // touchpoint entered, or dropoff_node
  // The flow's counter of the chooser's segment: segment × flow_count() +
  // flow (ignored for drop-off). Counting flows by segment counts visits too
  // (every visit is the end of one flow), so the walk adds to one counter
  // per event, not two.
  std::uint32_t flow;
};

// A row of the choice tables: its slots are choice_slots_[start, start + size).
struct ChoiceRow {
  std::uint32_t start;
  std::uint32_t size;
};

// An alias slot (see alias.hpp) with its two outcomes written into it, so a
// choice is two dependent loads, the row and the slot, where an index into
// an outcome table would make a third. 16 bytes: a slot never straddles a
// cache line.
struct ChoiceSlot {
  std::uint32_t threshold;
  std::uint16_t own_node;
  std::uint16_t alias_node;
  std::uint32_t own_flow;
  std::uint32_t alias_flow;
};
static_assert(sizeof(ChoiceSlot) == 16);

// The choice rows of one segment, for a walk: the row of a node is rows[node].
struct SegmentChoices {
  const ChoiceRow* rows;
  const ChoiceSlot* slots;

  // The alias pick of pick() (same column, coin and threshold).
  Outcome choose(std::uint32_t node, std::uint32_t bits) const {
    const ChoiceRow row = rows[node];
    const std::uint64_t scaled = static_cast<std::uint64_t>(bits) * row.size;
    const ChoiceSlot& slot = slots[row.start + static_cast<std::uint32_t>(scaled >> 32)];
    const bool own = static_cast<std::uint32_t>(scaled) < slot.threshold;
    return {own ? slot.own_node : slot.alias_node, own ? slot.own_flow : slot.alias_flow};
  }
};

struct SegmentTable {
  double awareness_multiplier = 1.0;
  double experience_shift = 0.0;
};

class CompiledModel {
 public:
  explicit CompiledModel(const Scenario& scenario);

  // Recompiles for another scenario in the storage already held, so that an
  // engine running many small plans (sweep points) allocates nothing here.
  void compile(const Scenario& scenario);

  // Rebuilds the rows that depend on the public rating.
  void set_rating(double rating);

  std::uint32_t touchpoint_count() const { return touchpoint_count_; }
  std::uint32_t node_count() const { return node_count_; }
  std::uint32_t segment_count() const { return static_cast<std::uint32_t>(segments_.size()); }
  std::uint32_t initial_entry() const { return touchpoint_count_; }
  std::uint32_t channel_entry(std::uint32_t channel) const { return touchpoint_count_ + 1 + channel; }
  std::uint32_t word_of_mouth_entry() const { return touchpoint_count_ + 1 + channel_count_; }
  std::uint32_t channel_count() const { return channel_count_; }

  const NodeTable& node(std::uint32_t index) const { return nodes_[index]; }
  const NodeTable* nodes() const { return nodes_.data(); }
  const SegmentTable& segment(std::uint32_t index) const { return segments_[index]; }
  const std::vector<FlowLink>& flows() const { return flows_; }
  std::uint32_t flow_count() const { return static_cast<std::uint32_t>(flows_.size()); }
  // The touchpoint each flow ends at.
  const std::vector<std::uint32_t>& flow_targets() const { return flow_targets_; }

  SegmentChoices choices(std::uint32_t segment) const {
    return {rows_.data() + std::size_t{segment} * node_count_, choice_slots_.data()};
  }
  // Where a customer of `segment` leaving `node` goes.
  Outcome choose(std::uint32_t segment, std::uint32_t node, std::uint32_t bits) const {
    return choices(segment).choose(node, bits);
  }

 private:
  // Adds a row of the given targets (+ drop-off) and returns its index.
  std::uint32_t add_row(const std::vector<Outcome>& targets);
  // Rebuilds a row's alias table from its targets' probabilities (drop-off is the rest).
  void fill_row(std::uint32_t row, std::span<const double> target_probabilities);

  const Scenario* scenario_;
  std::uint32_t touchpoint_count_ = 0;
  std::uint32_t channel_count_ = 0;
  std::vector<NodeTable> nodes_;
  std::vector<SegmentTable> segments_;
  std::vector<FlowLink> flows_;
  std::vector<std::uint32_t> flow_targets_;
  std::uint32_t node_count_ = 0;
  // Per (segment, node) row: slots_[rows_[row].start .. + rows_[row].size),
  // outcomes from row_first_outcome_[row] on (targets, then drop-off);
  // choice_slots_ is slots_ with the outcomes written in, what choose() reads.
  std::vector<ChoiceRow> rows_;
  std::vector<std::uint32_t> row_first_outcome_;
  std::vector<AliasSlot> slots_;
  std::vector<Outcome> outcomes_;
  std::vector<ChoiceSlot> choice_slots_;
  // Rows that depend on the public rating, with their edges before it.
  struct RatingDependentRow {
    std::uint32_t row;
    std::uint32_t first_edge;
    std::uint32_t edge_count;
  };
  std::vector<RatingDependentRow> rating_rows_;
  std::vector<RatedOutgoing> rating_edges_;
  // Scratch for rebuilding rows without allocating.
  std::vector<double> probabilities_;
  std::vector<double> workspace_probabilities_;
  AliasWorkspace workspace_;
};

}  // namespace journeysim::engine

#pragma once
// What a run produces: per replication tallies (exact integers where possible).
// Summaries across replications are in statistics.hpp.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace journeysim {

// A customer-flow link for Sankey diagrams: an entry (channel → touchpoint) or
// a transition (touchpoint → touchpoint).
struct FlowLink {
  std::string from;  // touchpoint name, or the entry: "initial", a channel's "channel:<via>", "word_of_mouth"
  std::string to;    // touchpoint name
  bool entry = false;
};

struct SegmentTally {
  std::uint64_t aware = 0;
  std::uint64_t purchasers = 0;
  std::uint64_t purchases = 0;
  std::uint64_t promoters = 0;
  std::uint64_t detractors = 0;
  std::uint64_t advocates = 0;
  double revenue = 0.0;
  double cost = 0.0;
  double satisfaction_sum = 0.0;    // over purchasers with a rated experience
  std::uint64_t satisfaction_count = 0;
  double refunds = 0.0;             // money given back (revenue stays gross)
  double cost_acquisition = 0.0;    // cost of visits before or at a customer's first purchase
  double cost_retention = 0.0;      // cost of visits after it (cost = acquisition + retention)
};

// Daily series; index d covers [d, d+1) days.
struct DailySeries {
  std::vector<std::vector<std::uint64_t>> newly_aware_by_channel;  // [channel][day]
  std::vector<std::uint64_t> newly_aware_initial;                  // day 0 only non-zero
  std::vector<std::uint64_t> newly_aware_word_of_mouth;
  std::vector<std::uint64_t> purchases;
  std::vector<std::uint64_t> new_purchasers;
  std::vector<std::uint64_t> purchasers_cumulative;
  std::vector<std::uint64_t> active_advocates;  // at the end of the day
  // The rating in force at the end of the day: the value behaviour used then
  // (frozen within a synchronisation step). NaN without reviews.
  std::vector<double> public_rating;
};

// One replication.
struct RunResult {
  std::uint32_t replication = 0;
  std::uint64_t aware = 0;
  std::uint64_t purchasers = 0;
  std::uint64_t purchases = 0;
  std::uint64_t advocates = 0;  // customers who became an active advocate at least once
  std::uint64_t promoters = 0;  // among purchasers, by satisfaction at the horizon
  std::uint64_t passives = 0;
  std::uint64_t detractors = 0;
  std::uint64_t reviews = 0;
  std::uint64_t in_progress = 0;  // still travelling at the horizon
  std::uint64_t truncated = 0;    // stopped by the per-customer event cap
  std::uint64_t finished = 0;     // journeys that ended in drop-off
  std::uint64_t events = 0;       // journey events: each move to a touchpoint or to drop-off
  double revenue = 0.0;           // gross: every purchase × its revenue
  double refunds = 0.0;           // money given back: every refund × its amount
  double cost = 0.0;              // every visit × its cost
  // The cost split by when it is spent: a visit while the customer has not
  // yet bought (the visit that makes the first purchase included) is
  // acquisition, a visit after the first purchase is retention.
  double cost_acquisition = 0.0;
  double cost_retention = 0.0;
  double satisfaction_sum = 0.0;  // over purchasers with a rated experience
  std::uint64_t satisfaction_count = 0;
  // Time to first purchase (days since awareness), over purchasers; NaN with none.
  double first_purchase_days_mean = 0.0;
  double first_purchase_days_p50 = 0.0;
  double first_purchase_days_p90 = 0.0;
  // Journey duration (awareness to drop-off) over finished journeys; NaN with none.
  double journey_days_mean = 0.0;
  double journey_days_variance = 0.0;
  double final_public_rating = 0.0;  // NaN when the scenario has no reviews (no public rating)
  std::uint64_t final_active_advocates = 0;

  std::vector<std::uint64_t> touchpoint_visits;     // [touchpoint]
  std::vector<std::uint64_t> touchpoint_dropoffs;   // [touchpoint]
  std::vector<std::uint64_t> touchpoint_purchases;  // [touchpoint]
  std::vector<std::uint64_t> touchpoint_refunds;    // [touchpoint]: entries into a refund touchpoint
  std::vector<std::uint64_t> touchpoint_visits_after_purchase;  // [touchpoint]: retention visits
  std::vector<std::uint64_t> flow_traversals;       // [flow], parallel to Results::flows
  // [entry], parallel to Results::entries: made aware but entering nothing —
  // the part of awareness.initial.via left unassigned, or a removed touchpoint.
  std::vector<std::uint64_t> entry_dropoffs;
  std::vector<SegmentTally> segments;               // [segment]
  DailySeries series;

  // With run-off (Results::run_off): the journeys of those who had purchased
  // by the horizon, continued until they end with shared influences frozen
  // at their final values. Their net revenue over the whole relationship
  // (before and after the horizon), and how many run-off journeys hit the
  // event cap.
  double lifetime_net_revenue = 0.0;
  std::uint64_t run_off_truncated = 0;

  double wall_seconds = 0.0;  // simulation only
};

// What happened to a traced customer (run --trace). The order is the order
// of a journey's rows that share an event: an entry, then the review and
// advocacy its purchase brought, then how the journey stood when it stopped.
enum class TraceEvent : std::uint8_t {
  aware,        // made aware; place = the entry it came by ("initial", "channel:<via>", "word_of_mouth")
  enter,        // entered a touchpoint that is neither a purchase nor a refund
  purchase,     // entered a purchase touchpoint; revenue = its revenue
  refund,       // entered a refund touchpoint; revenue = minus the amount given back
  review,       // posted a public review at this purchase, rated at its satisfaction
  advocate,     // became an active advocate at this purchase
  drop_off,     // left the journey, at the end of its dwell at place (an entry: it entered nothing)
  in_progress,  // still travelling at the horizon (time = the horizon), at place
  truncated,    // stopped by the per-customer event cap, at place
};

// The name the trace file uses: "aware", "enter", …, "drop_off", "in_progress", "truncated".
inline const char* trace_event_name(TraceEvent event) {
  constexpr const char* names[] = {"aware",    "enter",    "purchase",    "refund",   "review",
                                   "advocate", "drop_off", "in_progress", "truncated"};
  return names[static_cast<std::size_t>(event)];
}

// One row of a trace: one event of one customer.
struct TraceRow {
  std::uint32_t customer = 0;  // id: customers are numbered in the order they became aware
  std::uint32_t segment = 0;   // index into Results::segments
  double time = 0.0;           // days
  // A touchpoint index (below Results::touchpoints.size()), or that size +
  // an index into Results::entries for rows about an entry.
  std::uint32_t place = 0;
  TraceEvent event = TraceEvent::enter;
  double experience = std::numeric_limits<double>::quiet_NaN();  // drawn at this entry; NaN: unrated, or not an entry
  // The running mean of experiences after this row, kept as the engine keeps
  // it (float); NaN while the customer has had no rated experience.
  float satisfaction = std::numeric_limits<float>::quiet_NaN();
  double revenue = std::numeric_limits<double>::quiet_NaN();  // purchase: + revenue; refund: − amount; else NaN
};

// The journeys of a few customers of one replication (RunPlan::trace_customers).
struct JourneyTrace {
  std::uint32_t requested = 0;    // customers asked for; 0: no trace
  std::uint32_t replication = 0;  // the replication traced: the plan's first
  // Traced ids: 0, stride, 2·stride, … (requested of them), chosen before the
  // run from the scenario alone, so the same whatever the thread count.
  std::uint64_t stride = 0;
  std::uint64_t customers = 0;  // how many of those ids became aware, and so appear
  std::vector<TraceRow> rows;   // by customer, then in journey order
};

struct Results {
  std::string scenario_name;
  std::string scenario_text;
  std::string scenario_path;
  std::string label;                   // what this run is: "baseline", an arm's name, "point 17"
  std::string strategy;                // the applied strategies joined by "+", "" for none
  std::vector<std::string> strategies; // applied strategies, in order
  std::vector<std::string> edits;      // every edit applied to the file as written, in order
  std::uint64_t seed = 0;
  std::uint64_t market_size = 0;
  double horizon_days = 0.0;
  double step_days = 0.0;
  unsigned threads = 0;       // per process
  std::uint32_t processes = 1;  // that split the market between them (MPI ranks)
  std::vector<std::string> touchpoints;
  std::vector<double> touchpoint_cost;     // per visit
  std::vector<double> touchpoint_revenue;  // per purchase (0: not a purchase touchpoint)
  std::vector<double> touchpoint_refund;   // per refund (0: not a refund touchpoint)
  std::vector<std::string> channels;       // awareness channels, by `via` ("via#2" for a second one)
  std::vector<std::string> segments;
  std::vector<FlowLink> flows;
  std::vector<std::string> entries;  // "initial", "channel:<via>" per channel, "word_of_mouth"
  std::vector<RunResult> runs;  // one per replication
  double wall_seconds = 0.0;    // all replications, simulation only
  bool run_off = false;         // purchasers' journeys were run off past the horizon
  // "" for a complete run; else what a stop (SIGINT, …) cut short, e.g.
  // "interrupted (SIGINT) after 3 of 10 replications" (run --partial writes such results).
  std::string interrupted;
  JourneyTrace trace;           // followed customers, when the plan asked for them

  // Provenance a result file keeps: how it was made.
  std::string command_line;     // as typed, arguments quoted where needed; "" when run from code
  std::string created_utc;      // ISO 8601, e.g. 2026-11-23T18:30:00Z
  std::string git_commit;       // of the build, when known

  std::uint64_t total_events() const;
  double events_per_second() const;
};



}  // namespace journeysim

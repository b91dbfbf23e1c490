// One market split across processes (issue F), with threads standing in for
// MPI ranks (partition_test_support.hpp): which customers a rank keeps, that
// a partitioned run's results equal one process's bit for bit (reviews, word
// of mouth, advocacy expiry, segments, run-off, trace, quantiles), and that a
// step every rank must pass fails on all of them together.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/ownership.hpp"
#include "journeysim/ensemble.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/io.hpp"
#include "journeysim/partition.hpp"
#include "partition_test_support.hpp"
#include "support.hpp"

namespace journeysim {
namespace {

using engine::Ownership;
using testing::ThreadGroup;

TEST(Ownership, EveryIdHasOneRankAndSlotsAreDense) {
  for (const std::uint32_t ranks : {1u, 2u, 3u, 7u}) {
    const std::uint32_t end = 11 * Ownership::block_size + 123;  // a part block at the end
    std::vector<std::uint32_t> next_slot(ranks, 0);
    for (std::uint32_t id = 0; id < end; ++id) {
      std::uint32_t owners = 0;
      for (std::uint32_t rank = 0; rank < ranks; ++rank) {
        const Ownership ownership{rank, ranks};
        if (!ownership.owns(id)) continue;
        ++owners;
        ASSERT_EQ(ownership.slot_of(id), next_slot[rank]++) << "slots follow ids, no gaps: id " << id;
        ASSERT_EQ(ownership.id_of(ownership.slot_of(id)), id);
      }
      ASSERT_EQ(owners, 1u) << "id " << id << " of " << ranks << " ranks";
    }
    std::uint64_t slots = 0;
    for (std::uint32_t rank = 0; rank < ranks; ++rank) {
      const Ownership ownership{rank, ranks};
      EXPECT_EQ(ownership.slots_below(end), next_slot[rank]) << rank << " of " << ranks;
      slots += ownership.slots_below(end);
    }
    EXPECT_EQ(slots, end);
  }
  const Ownership alone;
  EXPECT_EQ(alone.slot_of(123'456'789), 123'456'789u);
  EXPECT_EQ(alone.slots_below(4'294'967'294ull), 4'294'967'294ull);
}

RunPlan all_dynamics_plan(std::uint64_t market_size) {
  RunOptions options;
  options.market_size = market_size;
  options.replications = 2;
  options.run_off = true;
  options.trace_customers = 40;
  return plan_for(testing::load_yaml(testing::kAllDynamicsScenario), options);
}

// Trace rows bit for bit (NaN fields included).
void expect_same_trace(const std::vector<TraceRow>& expected, const std::vector<TraceRow>& got) {
  ASSERT_EQ(expected.size(), got.size());
  const auto bits = [](double value) {
    std::uint64_t b;
    std::memcpy(&b, &value, sizeof b);
    return b;
  };
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const TraceRow& a = expected[i];
    const TraceRow& b = got[i];
    EXPECT_EQ(a.customer, b.customer) << "row " << i;
    EXPECT_EQ(a.event, b.event) << "row " << i;
    EXPECT_EQ(a.place, b.place) << "row " << i;
    EXPECT_EQ(bits(a.time), bits(b.time)) << "row " << i;
    EXPECT_EQ(bits(a.experience), bits(b.experience)) << "row " << i;
    EXPECT_EQ(bits(a.satisfaction), bits(b.satisfaction)) << "row " << i;
    EXPECT_EQ(bits(a.revenue), bits(b.revenue)) << "row " << i;
  }
}

TEST(PartitionedRun, EqualsOneProcessBitForBitOnTwoAndThreeRanks) {
  const RunPlan plan = all_dynamics_plan(60'000);  // 15 blocks of ids
  Engine alone(2);
  const Results expected = alone.run(plan);
  const RunResult& first = expected.runs.at(0);
  ASSERT_GT(first.reviews, 100u);
  ASSERT_GT(first.advocates, 100u);
  ASSERT_GT(first.series.newly_aware_word_of_mouth.back(), 0u);
  ASSERT_GT(first.aware, 8u * Ownership::block_size) << "every rank should own customers";
  ASSERT_FALSE(expected.trace.rows.empty());

  for (const std::uint32_t ranks : {2u, 3u}) {
    ThreadGroup group(ranks);
    const std::vector<Results> by_rank = group.run<Results>([&](MarketPartition& partition) {
      Engine engine(1, &partition);
      return engine.run(plan);
    });
    for (std::uint32_t rank = 0; rank < ranks; ++rank) {
      SCOPED_TRACE(std::to_string(rank) + " of " + std::to_string(ranks) + " ranks");
      const auto difference = nlohmann::json::diff(testing::without_timing(results_to_json(expected)),
                                                   testing::without_timing(results_to_json(by_rank[rank])));
      EXPECT_TRUE(difference.empty()) << difference.dump().substr(0, 2000);
      expect_same_trace(expected.trace.rows, by_rank[rank].trace.rows);
      const RunResult& got = by_rank[rank].runs.at(0);
      // What JSON rounds or leaves out, to the bit.
      EXPECT_EQ(std::memcmp(&got.satisfaction_sum, &first.satisfaction_sum, sizeof(double)), 0);
      EXPECT_EQ(std::memcmp(&got.first_purchase_days_p50, &first.first_purchase_days_p50, sizeof(double)), 0);
      EXPECT_EQ(std::memcmp(&got.first_purchase_days_p90, &first.first_purchase_days_p90, sizeof(double)), 0);
      EXPECT_EQ(std::memcmp(&got.lifetime_net_revenue, &first.lifetime_net_revenue, sizeof(double)), 0);
      EXPECT_EQ(got.journey_days_variance, first.journey_days_variance);
      EXPECT_EQ(got.series.public_rating, first.series.public_rating);
      EXPECT_EQ(got.series.active_advocates, first.series.active_advocates);
    }
    // Shared influences are combined at every step, in one 40-byte sum (5 words):
    // 240 steps of half a day, two replications. The rest is the end of each replication.
    const auto per_step = std::count(group.sizes().begin(), group.sizes().end(), std::size_t{40});
    EXPECT_EQ(per_step, 2 * 240);
    std::size_t at_ends = 0;
    for (const std::size_t size : group.sizes()) at_ends += size == 40 ? 0 : size;
    std::cout << "[ partition ] " << ranks << " ranks: " << group.collectives() << " collectives; per step one of "
              << "40 bytes; at the ends of 2 replications " << at_ends << " bytes from each rank\n";
  }
}

TEST(PartitionedRun, OneEngineRunsPlanAfterPlanAsCompareDoes) {
  RunPlan baseline = all_dynamics_plan(20'000);
  baseline.trace_customers = 0;
  RunPlan arm = baseline;
  arm.scenario.word_of_mouth.rate *= 2.0;
  arm.market_size = 30'000;
  Engine alone(1);
  const nlohmann::json expected_baseline = testing::without_timing(results_to_json(alone.run(baseline)));
  const nlohmann::json expected_arm = testing::without_timing(results_to_json(alone.run(arm)));
  ThreadGroup group(2);
  const auto by_rank = group.run<std::vector<nlohmann::json>>([&](MarketPartition& partition) {
    Engine engine(1, &partition);
    std::vector<nlohmann::json> out;
    out.push_back(testing::without_timing(results_to_json(engine.run(baseline))));
    out.push_back(testing::without_timing(results_to_json(engine.run(arm))));
    return out;
  });
  for (const auto& got : by_rank) {
    EXPECT_EQ(got.at(0), expected_baseline);
    EXPECT_EQ(got.at(1), expected_arm);
  }
}

TEST(PartitionedRun, ARankThatRefusesStopsEveryRankTogether) {
  // A plan every rank refuses: rank 0 says why, the others stop quietly.
  RunPlan bad = all_dynamics_plan(1000);
  bad.replications = 0;
  ThreadGroup group(3);
  const auto outcomes = group.run<std::string>([&](MarketPartition& partition) -> std::string {
    Engine engine(1, &partition);
    try {
      engine.run(bad);
    } catch (const InputError& error) {
      return std::string("own: ") + error.what();
    } catch (const PeerFailed& peer) {
      return "peer " + std::to_string(peer.failed_rank()) + " exit " + std::to_string(peer.exit_code());
    }
    return "ran";
  });
  EXPECT_EQ(outcomes[0], "own: replications must be at least 1");
  EXPECT_EQ(outcomes[1], "peer 0 exit 2");
  EXPECT_EQ(outcomes[2], "peer 0 exit 2");
}

TEST(AllOrNone, OneMessageFromTheFirstRankThatFailed) {
  ThreadGroup group(3);
  // Only rank 1 fails: it speaks (rank 0 had nothing to say), the others learn who.
  auto outcomes = group.run<std::string>([&](MarketPartition& partition) -> std::string {
    try {
      const int code = all_or_none(&partition, [&] {
        if (partition.rank() == 1) throw std::runtime_error("disk full on rank 1");
        return 0;
      });
      return "went on, " + std::to_string(code);
    } catch (const PeerFailed& peer) {
      return "peer " + std::to_string(peer.failed_rank()) + " exit " + std::to_string(peer.exit_code());
    } catch (const std::runtime_error& error) {
      return error.what();
    }
  });
  EXPECT_EQ(outcomes, (std::vector<std::string>{"peer 1 exit 1", "disk full on rank 1", "peer 1 exit 1"}));

  // A step that reported its own failure (an exit code, no exception) on ranks 0 and 2.
  outcomes = group.run<std::string>([&](MarketPartition& partition) -> std::string {
    try {
      return "returned " + std::to_string(all_or_none(&partition, [&] { return partition.rank() == 1 ? 0 : 2; }));
    } catch (const PeerFailed& peer) {
      return "peer " + std::to_string(peer.failed_rank()) + " exit " + std::to_string(peer.exit_code());
    }
  });
  EXPECT_EQ(outcomes, (std::vector<std::string>{"returned 2", "peer 0 exit 2", "peer 0 exit 2"}));

  // Everyone passes: everyone goes on.
  outcomes = group.run<std::string>([&](MarketPartition& partition) -> std::string {
    return "returned " + std::to_string(all_or_none(&partition, [] { return 0; }));
  });
  EXPECT_EQ(outcomes, (std::vector<std::string>(3, "returned 0")));
  EXPECT_EQ(all_or_none(nullptr, [] { return 7; }), 7) << "alone, the step's own result";
}

}  // namespace
}  // namespace journeysim

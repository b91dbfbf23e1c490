#pragma once
// A MarketPartition over threads of one process: each "rank" is a thread
// with its own Engine, so the engine's partitioned runs are tested without
// MPI (test_cluster.cpp runs the real thing under mpirun).
//
//   ThreadGroup group(3);
//   auto results = group.run<Results>([&](MarketPartition& partition) {
//     Engine engine(1, &partition);
//     return engine.run(plan);
//   });
#include <barrier>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <span>
#include <thread>
#include <vector>

#include "journeysim/partition.hpp"

namespace journeysim::testing {

class ThreadGroup {
 public:
  explicit ThreadGroup(std::uint32_t ranks) : ranks_(ranks), barrier_(ranks), posted_(ranks) {}

  // Runs body on every rank at once; its results (or its exceptions, rethrown
  // afterwards, rank 0's first) by rank.
  template <typename T>
  std::vector<T> run(const std::function<T(MarketPartition&)>& body) {
    std::vector<T> results(ranks_);
    std::vector<std::exception_ptr> errors(ranks_);
    std::vector<std::thread> threads;
    for (std::uint32_t r = 0; r < ranks_; ++r)
      threads.emplace_back([&, r] {
        Member member(*this, r);
        try {
          results[r] = body(member);
        } catch (...) {
          errors[r] = std::current_exception();
        }
      });
    for (auto& thread : threads) thread.join();
    for (const auto& error : errors)
      if (error) std::rethrow_exception(error);
    return results;
  }

  // How many collectives rank 0 took part in, and the bytes it contributed to each.
  std::uint64_t collectives() const { return sizes_.size(); }
  const std::vector<std::size_t>& sizes() const { return sizes_; }

 private:
  class Member final : public MarketPartition {
   public:
    Member(ThreadGroup& group, std::uint32_t rank) : group_(group), rank_(rank) {}
    std::uint32_t rank() const override { return rank_; }
    std::uint32_t ranks() const override { return group_.ranks_; }

    void sum(std::span<std::uint64_t> values) override {
      group_.post(rank_, std::as_bytes(values));
      std::vector<std::uint64_t> total(values.size(), 0);
      for (const auto& theirs : group_.posted_) {
        std::vector<std::uint64_t> copy(theirs.size() / sizeof(std::uint64_t));
        std::memcpy(copy.data(), theirs.data(), theirs.size());
        for (std::size_t i = 0; i < total.size(); ++i) total[i] += copy.at(i);
      }
      group_.barrier_.arrive_and_wait();  // everyone has read before anyone posts again
      std::copy(total.begin(), total.end(), values.begin());
    }

    std::vector<std::vector<std::byte>> gather(std::span<const std::byte> bytes) override {
      group_.post(rank_, bytes);
      std::vector<std::vector<std::byte>> all(group_.posted_.begin(), group_.posted_.end());
      group_.barrier_.arrive_and_wait();
      return all;
    }

    void set_in_flight(bool) override {}

   private:
    ThreadGroup& group_;
    std::uint32_t rank_;
  };

  void post(std::uint32_t rank, std::span<const std::byte> bytes) {
    posted_[rank].assign(bytes.begin(), bytes.end());
    if (rank == 0) sizes_.push_back(bytes.size());
    barrier_.arrive_and_wait();
  }

  std::uint32_t ranks_;
  std::barrier<> barrier_;
  std::vector<std::vector<std::byte>> posted_;
  std::vector<std::size_t> sizes_;
};

}  // namespace journeysim::testing

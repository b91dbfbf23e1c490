// One replication of a scenario on a given market and thread count, run on
// the engine's own classes so that it can report what no result carries:
// the most customers held at once (the slots' high-water mark, customers in
// progress plus those that ended within a step). memory_billion.sh runs it
// under /usr/bin/time -v beside the command-line program, for the bytes
// per customer in progress. Same seed and draws as `journeysim run`, so
// aware, in progress, purchasers and events equal the program's.
//
//   memory_probe SCENARIO MARKET THREADS
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

#include <fmt/format.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include "engine/compiled_model.hpp"
#include "engine/customers.hpp"
#include "engine/replication.hpp"
#include "journeysim/load.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s SCENARIO MARKET THREADS\n", argv[0]);
    return 2;
  }
  try {
    using namespace journeysim;
    const Scenario scenario = load_scenario_or_throw(argv[1]);
    const std::uint64_t market = std::stoull(argv[2]);
    const int threads = std::stoi(argv[3]);
    oneapi::tbb::global_control allow(oneapi::tbb::global_control::max_allowed_parallelism, threads);
    oneapi::tbb::task_arena arena(threads);
    engine::CompiledModel model(scenario);
    engine::CustomerStore store(1 << 20);  // as the engine starts it; it grows
    engine::ReplicationSettings settings;
    settings.seed = scenario.seed;
    settings.market_size = market;
    RunResult result;
    std::uint64_t peak = 0;
    const auto started = std::chrono::steady_clock::now();
    arena.execute([&] {
      engine::Replication run(scenario, model, store, settings);
      result = run.run([](std::uint32_t, std::uint32_t) {});
      peak = run.slots_high_water();
    });
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    fmt::print("market {} threads {} aware {} in_progress {} peak_slots {} purchasers {} events {} seconds {:.3f} "
               "slot_bytes {}\n",
               market, threads, result.aware, result.in_progress, peak, result.purchasers, result.events, seconds,
               engine::CustomerStore::bytes_per_customer);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "memory_probe: %s\n", error.what());
    return 1;
  }
  return 0;
}

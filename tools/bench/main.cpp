// journeysim_bench: how fast and how lean the engine is, in one run on one machine.
//
//   journeysim_bench [--quick] [--paths FILE] [--reps N] [--cli PATH] [--no-memory]
//                    [--cases 1234] [--threads 12]
//
//  1. Bare walk: the least work one journey event needs (Philox block, alias pick,
//     exponential dwell, visit counter), one thread, on the static chain of case 2;
//     1b the same with each customer's first block made sixteen at a time, as
//     the engine makes the first block of each advance.
//  2. Engine on that static chain (fitted from a ChannelAttribution path file),
//     4,000,000 customers, 1 and 2 threads.
//  3. Engine on scenarios/ecosystem.yaml, market 10,000,000, 180 days, 1 and 2 threads.
//  4. Memory: state bytes per customer, and peak RSS of `journeysim run` on the
//     ecosystem with markets of 10 M and 100 M, each in its own child process.
// Each timed case runs --reps times (interleaved, so noise hits all alike) and
// the best is kept; CPU time and machine-wide CPU pressure are printed beside
// each figure, because the machine may be shared. --quick runs everything at
// 1/10 size, as a smoke check. Exit status: 0, also when a target is missed
// (this is a measurement, not a test); 1 on errors; 2 on bad arguments.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bare_walk.hpp"
#include "child_run.hpp"
#include "engine/calendar.hpp"
#include "engine/compiled_model.hpp"
#include "engine/customers.hpp"
#include "engine/replication.hpp"
#include "journeysim/engine.hpp"
#include "journeysim/load.hpp"
#include "paths_chain.hpp"

namespace {

using namespace journeysim;

struct Options {
  bool quick = false;
  bool case_on[5] = {false, true, true, true, true};  // [1..4]
  bool threads_1 = true;
  bool threads_2 = true;
  int reps = 5;
  std::string paths = std::string(JOURNEYSIM_SOURCE_DIR) + "/../shared/data/paths_channelattribution.csv";
  std::string ecosystem = std::string(JOURNEYSIM_SOURCE_DIR) + "/scenarios/ecosystem.yaml";
  std::string cli = JOURNEYSIM_CLI_PATH;
};

void usage(std::FILE* to) {
  fmt::print(to,
             "usage: journeysim_bench [--quick] [--paths FILE] [--reps N] [--cli PATH] [--no-memory]\n"
             "                        [--cases 1234] [--threads 12]\n"
             "  --quick       everything at 1/10 size (a smoke check; targets scaled, indicative only)\n"
             "  --paths FILE  ChannelAttribution path file for cases 1-2 (default ../shared/data/paths_channelattribution.csv)\n"
             "  --reps N      timed repetitions per case, best kept (default 5)\n"
             "  --cli PATH    journeysim program for the memory children (default: the one built alongside)\n"
             "  --no-memory   skip case 4\n"
             "  --cases LIST  only these of cases 1-4, e.g. --cases 2 (for profiling); case 1 includes 1b\n"
             "  --threads L   engine thread counts among 1 and 2, e.g. --threads 1 (default 12: both)\n");
}

std::string grouped(std::uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string mark(bool pass) { return pass ? "PASS" : "FAIL"; }

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU time of this process (all threads), in seconds: user and system (kernel:
// here almost all page faults, i.e. the first touch of fresh customer state).
struct CpuTime {
  double user = 0.0;
  double system = 0.0;
  double total() const { return user + system; }
  CpuTime operator-(const CpuTime& other) const { return {user - other.user, system - other.system}; }
};

CpuTime process_cpu_time() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return {seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

// Linux pressure stall information: total microseconds in which some runnable
// task on the machine waited for a CPU. Its growth during a run, over the run's
// wall time, says how contended the (shared) machine was. -1 when unavailable.
double cpu_pressure_microseconds() {
  std::ifstream in("/proc/pressure/cpu");
  std::string word;
  while (in >> word)
    if (word.rfind("total=", 0) == 0) return std::stod(word.substr(6));  // the first line is "some"
  return -1.0;
}

// Best of several runs of one engine configuration.
struct EngineFigure {
  bool measured = false;
  unsigned threads = 0;
  std::uint64_t events = 0;
  std::uint64_t aware = 0;
  double sim_seconds = 0.0;   // Results::wall_seconds (simulation only)
  double call_seconds = 0.0;  // the whole run_scenario call (state allocation and release too)
  double events_per_second = 0.0;
  double cpu_seconds = 0.0;    // this process's CPU time during the call, all threads
  double sys_seconds = 0.0;    // of which in the kernel (page faults of fresh customer state)
  double cpu_pressure = -1.0;  // share of the call's wall time some task waited for a CPU (machine-wide)
  std::vector<double> all_events_per_second;
  Results results;  // of the best run
};

void run_engine(const Scenario& scenario, std::uint64_t market, unsigned threads, EngineFigure& figure) {
  RunOptions options;
  options.threads = threads;
  options.market_size = market;
  const double pressure_before = cpu_pressure_microseconds();
  const CpuTime cpu_before = process_cpu_time();
  const auto started = std::chrono::steady_clock::now();
  Results results = run_scenario(scenario, options);
  const double call = seconds_since(started);
  const CpuTime cpu = process_cpu_time() - cpu_before;
  const double pressure_after = cpu_pressure_microseconds();
  const double rate = results.events_per_second();
  figure.all_events_per_second.push_back(rate);
  if (!figure.measured || rate > figure.events_per_second) {
    figure.measured = true;
    figure.threads = threads;
    figure.events = results.total_events();
    figure.aware = results.runs.front().aware;
    figure.sim_seconds = results.wall_seconds;
    figure.call_seconds = call;
    figure.events_per_second = rate;
    figure.cpu_seconds = cpu.total();
    figure.sys_seconds = cpu.system;
    figure.cpu_pressure = pressure_before >= 0.0 ? (pressure_after - pressure_before) * 1e-6 / call : -1.0;
    figure.results = std::move(results);
  }
}

std::string spread(const std::vector<double>& rates) {
  if (rates.size() < 2) return "";
  const auto [low, high] = std::minmax_element(rates.begin(), rates.end());
  return fmt::format("  (runs {:.1f}-{:.1f})", *low / 1e6, *high / 1e6);
}

struct MemoryFigure {
  std::uint64_t market = 0;
  std::uint64_t aware = 0;
  std::uint64_t events = 0;
  std::uint64_t peak_rss = 0;
  double wall = 0.0;
  double cpu = 0.0;
  bool ok = false;
};

MemoryFigure memory_run(const Options& options, std::uint64_t market) {
  MemoryFigure figure;
  figure.market = market;
  const std::vector<std::string> argv{options.cli, "run", options.ecosystem, "--market-size", std::to_string(market),
                                      "--threads", "2", "--quiet", "--json"};
  const bench::ChildRun run = bench::run_child(argv);
  figure.peak_rss = run.peak_rss_bytes;
  figure.wall = run.wall_seconds;
  figure.cpu = run.cpu_seconds;
  if (run.exit_code != 0) {
    fmt::print(stderr, "memory run for market {} failed: exit {} signal {}\n", market, run.exit_code, run.signal);
    return figure;
  }
  try {
    const auto json = nlohmann::json::parse(run.out);
    figure.aware = json.at("aware").get<std::uint64_t>();
    figure.events = json.at("events").get<std::uint64_t>();
    figure.ok = true;
  } catch (const std::exception& error) {
    fmt::print(stderr, "memory run for market {}: cannot read its JSON: {}\n", market, error.what());
  }
  return figure;
}

std::string rate_ratio(double value) { return fmt::format("{:.3f}", value); }

// Median over repetitions of a/b, each pair from the same repetition (run back
// to back): slow drifts in the machine's speed cancel out of each pair.
double paired_median(const std::vector<double>& a, const std::vector<double>& b, double b_scale = 1.0) {
  std::vector<double> ratios;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) ratios.push_back(a[i] / (b[i] * b_scale));
  if (ratios.empty()) return 0.0;
  std::sort(ratios.begin(), ratios.end());
  const std::size_t n = ratios.size();
  return n % 2 == 1 ? ratios[n / 2] : 0.5 * (ratios[n / 2 - 1] + ratios[n / 2]);
}

int run(const Options& options) {
  const std::uint64_t scale = options.quick ? 10 : 1;
  const std::uint64_t static_customers = 4'000'000 / scale;
  const std::uint64_t ecosystem_market = 10'000'000 / scale;
  const std::vector<std::uint64_t> memory_markets{10'000'000 / scale, 100'000'000 / scale};
  const double wall_target = 3.0 / static_cast<double>(scale);
  const double rss_target = 8.0e9 / static_cast<double>(scale);
  const int reps = std::max(1, options.reps);
  const bool has1 = options.threads_1, has2 = options.threads_2;

  std::string selected;
  for (int c = 1; c <= 4; ++c)
    if (options.case_on[c]) selected += std::to_string(c);
  fmt::print("journeysim_bench: {} size, cases {}, {} thread(s), {} repetition(s) per timed case (best kept), "
             "{} hardware threads\n",
             options.quick ? "QUICK (1/10, indicative only)" : "full", selected,
             has1 && has2 ? "1 and 2" : has1 ? "1" : "2", reps, std::thread::hardware_concurrency());

  // ---- Cases 1 and 2: the static chain --------------------------------------------------------
  std::optional<bench::PathsFit> fit;
  if (options.case_on[1] || options.case_on[2]) {
    try {
      fit = bench::fit_paths_chain(options.paths, static_customers);
    } catch (const std::exception& error) {
      fmt::print(stderr, "error: {}\n", error.what());
      return 1;
    }
    if (!fit) fmt::print("\nPath file {} not found: skipping cases 1-2 (bare walk, static chain).\n", options.paths);
  }
  const bool do_bare = fit && options.case_on[1];
  const bool do_static = fit && options.case_on[2];
  bench::BareWalkResult bare;
  CpuTime bare_cpu;
  double bare_pressure = -1.0;
  std::vector<double> bare_rates;
  bench::BareWalkResult batched;  // the bare walk with first blocks made sixteen at a time, as the engine does
  std::vector<double> batched_rates;
  EngineFigure static_1t, static_2t;
  bool checks_ok = true;
  int checks_made = 0;  // comparisons of two or more runs: with one run there is nothing to cross-check
  if (fit) {
    fmt::print("\nStatic chain: {} — {} distinct paths, {} journeys, {} conversions, {} channels + conversion, "
               "{} transitions, {:.2f} touches per journey\n",
               options.paths, grouped(fit->distinct_paths), grouped(static_cast<std::uint64_t>(fit->journeys)),
               grouped(static_cast<std::uint64_t>(fit->conversions)), fit->channels, fit->scenario.transitions.size(),
               fit->touches / fit->journeys);
    const engine::CompiledModel model(fit->scenario);
    for (int rep = 0; rep < reps; ++rep) {
      if (do_bare) {
        const double pressure_before = cpu_pressure_microseconds();
        const CpuTime cpu_before = process_cpu_time();
        bench::BareWalkResult walk =
            bench::bare_walk(model, fit->scenario.seed, static_cast<std::uint32_t>(static_customers));
        const CpuTime cpu = process_cpu_time() - cpu_before;
        const double pressure_after = cpu_pressure_microseconds();
        bare_rates.push_back(static_cast<double>(walk.events) / walk.seconds);
        if (rep == 0 || walk.seconds < bare.seconds) {
          bare = std::move(walk);
          bare_cpu = cpu;
          bare_pressure = pressure_before >= 0.0 ? (pressure_after - pressure_before) * 1e-6 / bare.seconds : -1.0;
        }
      }
      if (do_bare) {
        bench::BareWalkResult walk =
            bench::bare_walk_batched(model, fit->scenario.seed, static_cast<std::uint32_t>(static_customers));
        batched_rates.push_back(static_cast<double>(walk.events) / walk.seconds);
        if (rep == 0 || walk.seconds < batched.seconds) batched = std::move(walk);
      }
      if (do_static && has1) run_engine(fit->scenario, static_customers, 1, static_1t);
      if (do_static && has2) run_engine(fit->scenario, static_customers, 2, static_2t);
    }
    // The bare walk follows the engine's random stream, so it must take the same paths.
    std::vector<const EngineFigure*> runs;
    for (const EngineFigure* f : {&static_1t, &static_2t})
      if (f->measured) runs.push_back(f);
    if (!runs.empty()) {
      const RunResult& first = runs.front()->results.runs.front();
      bool same_events = true, same_visits = true;
      for (const EngineFigure* f : runs) {
        same_events = same_events && f->events == runs.front()->events;
        same_visits = same_visits && f->results.runs.front().touchpoint_visits == first.touchpoint_visits;
      }
      if (do_bare) {
        same_events = same_events && bare.events == runs.front()->events && batched.events == bare.events;
        same_visits = same_visits && bare.visits == first.touchpoint_visits && batched.visits == bare.visits;
      }
      const bool all_done = first.in_progress == 0 && first.truncated == 0;
      checks_ok = checks_ok && same_events && same_visits && all_done;
      if (runs.size() + (do_bare ? 1 : 0) > 1) ++checks_made;
      fmt::print("Cross-check: {}engine runs: events {}, per-touchpoint visits {}; in progress {}, truncated {}",
                 do_bare ? "bare walk and " : "", same_events ? "identical" : "DIFFER",
                 same_visits ? "identical" : "DIFFER", first.in_progress, first.truncated);
      if (do_bare)
        fmt::print("; mean journey {:.4f} d (bare) vs {:.4f} d (engine)",
                   bare.journey_days_sum / static_cast<double>(static_customers), first.journey_days_mean);
      fmt::print("\n");
    }
  }

  // ---- Case 3: the full ecosystem ------------------------------------------------------------
  EngineFigure eco_1t, eco_2t;
  Scenario ecosystem;
  if (options.case_on[3] || options.case_on[4]) {
    try {
      ecosystem = load_scenario_or_throw(options.ecosystem);
    } catch (const std::exception& error) {
      fmt::print(stderr, "error: cannot load {}: {}\n", options.ecosystem, error.what());
      return 1;
    }
  }
  if (options.case_on[3]) {
    fmt::print("\nEcosystem: {} — market {}, {} days, step {} d, reviews {}, word of mouth {}\n", options.ecosystem,
               grouped(ecosystem_market), ecosystem.horizon_days, ecosystem.step_days,
               ecosystem.reviews.enabled ? "on" : "off", ecosystem.word_of_mouth.enabled ? "on" : "off");
    for (int rep = 0; rep < reps; ++rep) {
      if (has1) run_engine(ecosystem, ecosystem_market, 1, eco_1t);
      if (has2) run_engine(ecosystem, ecosystem_market, 2, eco_2t);
    }
    if (has1 && has2) {
      const bool same = eco_1t.events == eco_2t.events && eco_1t.aware == eco_2t.aware &&
                        eco_1t.results.runs.front().purchasers == eco_2t.results.runs.front().purchasers;
      checks_ok = checks_ok && same;
      ++checks_made;
      fmt::print("Cross-check: 1 vs 2 threads events, aware, purchasers {}\n", same ? "identical" : "DIFFER");
    }
  }

  // ---- Case 4: memory ------------------------------------------------------------------------
  // What the memory guards count per customer in progress (engine::bytes_per_slot):
  // its slot, its calendar entry under the step of its next event, and its
  // place in that step's work list.
  const std::uint64_t bucket_entry = engine::StepCalendar::bytes_per_entry;
  const std::uint64_t state_bytes = engine::bytes_per_slot;
  std::vector<MemoryFigure> memory;
  MemoryFigure baseline;
  bool memory_ok = true;
  if (options.case_on[4]) {
    if (access(options.cli.c_str(), X_OK) != 0) {
      fmt::print(stderr, "error: {} is not an executable (build the journeysim target, or pass --cli)\n", options.cli);
      return 1;
    }
    fmt::print("\nMemory: `{} run {} --market-size N --threads 2 --quiet --json`, one child process each\n",
               options.cli, options.ecosystem);
    std::fflush(stdout);
    baseline = memory_run(options, 1000);  // the program, its libraries and tables: not per customer
    memory_ok = baseline.ok;
    for (std::uint64_t market : memory_markets) {
      memory.push_back(memory_run(options, market));
      memory_ok = memory_ok && memory.back().ok;
    }
  }

  // ---- The table -----------------------------------------------------------------------------
  fmt::print("\n{:<44} {:>7} {:>11} {:>11} {:>7} {:>7} {:>7} {:>7} {:>5} {:>8}\n", "case", "threads", "customers",
             "events", "sim s", "call s", "cpu s", "sys s", "wait", "Mev/s");
  auto row = [](const std::string& name, unsigned threads, std::uint64_t customers, std::uint64_t events,
                double sim, double call, double cpu, double sys, double pressure, double rate,
                const std::string& extra) {
    fmt::print("{:<44} {:>7} {:>11} {:>11} {:>7.3f} {:>7.3f} {:>7.3f} {:>7.3f} {:>5} {:>8.2f}{}\n", name, threads,
               grouped(customers), grouped(events), sim, call, cpu, sys,
               pressure >= 0.0 ? fmt::format("{:.0f}%", 100.0 * pressure) : "n/a", rate / 1e6, extra);
  };
  auto engine_row = [&](const std::string& name, std::uint64_t customers, const EngineFigure& f) {
    if (!f.measured) return;
    row(name, f.threads, customers, f.events, f.sim_seconds, f.call_seconds, f.cpu_seconds, f.sys_seconds,
        f.cpu_pressure, f.events_per_second, spread(f.all_events_per_second));
  };
  const double bare_rate = do_bare ? static_cast<double>(bare.events) / bare.seconds : 0.0;
  if (do_bare)
    row("1 bare walk (static chain)", 1, static_customers, bare.events, bare.seconds, bare.seconds,
        bare_cpu.total(), bare_cpu.system, bare_pressure, bare_rate, spread(bare_rates));
  const double batched_rate = do_bare ? static_cast<double>(batched.events) / batched.seconds : 0.0;
  if (do_bare)
    row("1b bare walk, first blocks batched", 1, static_customers, batched.events, batched.seconds, batched.seconds,
        batched.seconds, 0.0, -1.0, batched_rate, spread(batched_rates));
  engine_row("2 engine, static chain", static_customers, static_1t);
  engine_row("2 engine, static chain", static_customers, static_2t);
  const std::uint64_t eco_aware = eco_1t.measured ? eco_1t.aware : eco_2t.aware;
  const std::string eco_name =
      fmt::format("3 engine, ecosystem {} d (aware {})", ecosystem.horizon_days, grouped(eco_aware));
  engine_row(eco_name, ecosystem_market, eco_1t);
  engine_row(eco_name, ecosystem_market, eco_2t);
  fmt::print("(best of {} runs each. sim s: Results::wall_seconds, the simulation; call s: the whole run_scenario\n"
             " call; cpu s: this process's CPU time in the call, all threads; sys s: of which in the kernel, almost\n"
             " all page faults zeroing fresh customer state; wait: share of the call's wall time in\n"
             " which some task on the machine waited for a CPU (/proc/pressure/cpu), i.e. how contended the shared\n"
             " machine was; Mev/s: Results::events_per_second, million events per second, all runs in brackets)\n",
             reps);

  fmt::print("\nState per customer in progress: {} bytes, as the memory guards count it (engine::bytes_per_slot: "
             "CustomerStore::bytes_per_customer {} + {}-byte calendar entry, twice: in the list of the step it is "
             "advanced in and of a later one; a slot is reused when its journey ends)\n",
             state_bytes, engine::CustomerStore::bytes_per_customer, bucket_entry, bucket_entry);
  if (options.case_on[4] && memory_ok) {
    fmt::print("{:<30} {:>13} {:>13} {:>11} {:>9} {:>9} {:>9} {:>12}\n", "ecosystem, 2 threads", "market", "aware",
               "peak RSS MB", "wall s", "cpu s", "B/aware", "B/aware net");
    fmt::print("{:<30} {:>13} {:>13} {:>11.1f} {:>9.2f} {:>9.2f}\n", "4 baseline (tiny market)",
               grouped(baseline.market), grouped(baseline.aware), static_cast<double>(baseline.peak_rss) / 1e6,
               baseline.wall, baseline.cpu);
    for (const MemoryFigure& m : memory) {
      const double aware = static_cast<double>(std::max<std::uint64_t>(1, m.aware));
      fmt::print("{:<30} {:>13} {:>13} {:>11.1f} {:>9.2f} {:>9.2f} {:>9.1f} {:>12.1f}\n", "4 memory",
                 grouped(m.market), grouped(m.aware), static_cast<double>(m.peak_rss) / 1e6, m.wall, m.cpu,
                 static_cast<double>(m.peak_rss) / aware,
                 static_cast<double>(m.peak_rss - std::min(m.peak_rss, baseline.peak_rss)) / aware);
    }
    fmt::print("(wall s and cpu s of the whole child: load, simulate, write JSON. B/aware: peak RSS / aware\n"
               " customers; net: after subtracting the baseline run's peak RSS)\n");
  }

  // ---- Ratios and targets --------------------------------------------------------------------
  fmt::print("\n{:<70} {:>10}   {:<16} {}\n", "ratio / figure", "value", "target", "mark");
  bool all_pass = true;
  int targets_checked = 0;
  auto check = [&](const std::string& name, const std::string& value, const std::string& goal, bool pass,
                   bool counts = true) {
    if (counts) all_pass = all_pass && pass, ++targets_checked;
    fmt::print("{:<70} {:>10}   {:<16} {}\n", name, value, goal, counts ? mark(pass) : "(info)");
  };
  if (do_bare && static_1t.measured) {
    const double r = static_1t.events_per_second / bare_rate;
    check("static chain: engine 1 thread / bare walk", rate_ratio(r), ">= 0.75", r >= 0.75);
    const double m = paired_median(static_1t.all_events_per_second, bare_rates);
    check("  static chain: engine 1 thread / bare walk, median of pairs", rate_ratio(m), "", m >= 0.75, false);
  }
  if (do_bare && static_1t.measured) {
    const double r = static_cast<double>(static_1t.events) / (static_1t.sim_seconds - static_1t.sys_seconds) / bare_rate;
    check("  static chain: engine 1 thread / bare walk, less kernel time", rate_ratio(r),
          fmt::format("sys {:.0f}% of 1t", 100.0 * static_1t.sys_seconds / static_1t.sim_seconds), true, false);
  }
  if (do_bare && static_2t.measured) {
    const double r = static_2t.events_per_second / 2.0 / bare_rate;
    check("static chain: engine 2 threads, per thread / bare walk", rate_ratio(r), ">= 0.50", r >= 0.5);
    const double m = paired_median(static_2t.all_events_per_second, bare_rates, 2.0);
    check("  static chain: engine 2 threads, per thread / bare, median of pairs", rate_ratio(m), "", m >= 0.5, false);
  }
  // Issue J: the full ecosystem against the same yardstick, per thread.
  if (do_bare && eco_1t.measured) {
    const double r = eco_1t.events_per_second / bare_rate;
    check("ecosystem: engine 1 thread / bare walk", rate_ratio(r), ">= 0.40", r >= 0.4);
    const double m = paired_median(eco_1t.all_events_per_second, bare_rates);
    check("  ecosystem: engine 1 thread / bare walk, median of pairs", rate_ratio(m), "", m >= 0.4, false);
  }
  if (do_bare && eco_2t.measured) {
    const double r = eco_2t.events_per_second / 2.0 / bare_rate;
    check("  ecosystem: engine 2 threads, per thread / bare walk", rate_ratio(r), "", r >= 0.4, false);
  }
  // The engine makes each advance's first block sixteen at a time; the bare
  // walk above does not. Against a bare walk that does (1b):
  if (do_bare && static_1t.measured)
    check("  static chain: engine 1 thread / bare walk with first blocks batched",
          rate_ratio(static_1t.events_per_second / batched_rate), "", true, false);
  if (do_bare && eco_1t.measured)
    check("  ecosystem: engine 1 thread / bare walk with first blocks batched",
          rate_ratio(eco_1t.events_per_second / batched_rate), "", true, false);
  auto scaling = [&](const std::string& name, const EngineFigure& one, const EngineFigure& two) {
    if (!one.measured || !two.measured) return;
    const double s = two.events_per_second / one.events_per_second;
    check(name + ": 2 threads / 1 thread (events/s)", rate_ratio(s), ">= 1.80", s >= 1.8);
    const double m = paired_median(two.all_events_per_second, one.all_events_per_second);
    check("  " + name + ": 2t / 1t, median of pairs", rate_ratio(m), "", m >= 1.8, false);
    // Insensitive to a busy machine: a thread waiting for a CPU burns no CPU time.
    const double per_cpu = (static_cast<double>(two.events) / two.cpu_seconds) /
                           (static_cast<double>(one.events) / one.cpu_seconds);
    check("  " + name + ": 2t / 1t events per CPU second", rate_ratio(per_cpu), "1.00 = no loss", per_cpu >= 0.9,
          false);
    check("  " + name + ": 2 threads, CPU seconds per wall second", fmt::format("{:.2f}", two.cpu_seconds / two.call_seconds),
          "2.00 = 2 cores", two.cpu_seconds / two.call_seconds >= 1.8, false);
  };
  scaling("static chain", static_1t, static_2t);
  scaling("ecosystem", eco_1t, eco_2t);
  if (eco_2t.measured)
    check(fmt::format("ecosystem {} M, {} d: wall on 2 threads (run_scenario call)", ecosystem_market / 1'000'000.0,
                      ecosystem.horizon_days),
          fmt::format("{:.3f} s", eco_2t.call_seconds), fmt::format("< {:g} s", wall_target),
          eco_2t.call_seconds < wall_target);
  check("state bytes per customer in progress", fmt::format("{}", state_bytes), "<= 48", state_bytes <= 48);
  if (options.case_on[4] && memory_ok) {
    const MemoryFigure& big = memory.back();
    check(fmt::format("peak RSS, ecosystem market {} M", big.market / 1'000'000),
          fmt::format("{:.2f} GB", static_cast<double>(big.peak_rss) / 1e9),
          fmt::format("<= {:g} GB", rss_target / 1e9), static_cast<double>(big.peak_rss) <= rss_target);
  }
  if (checks_made > 0)
    check("cross-checks (same paths and counts across runs)", checks_ok ? "ok" : "differ", "ok", checks_ok);
  else
    check("cross-checks (same paths and counts across runs)", "none", "(one run)", true, false);
  if (options.quick) fmt::print("\nQUICK run: 1/10 size, figures are a smoke check, not the benchmark.\n");
  fmt::print("\n{}\n", targets_checked == 0 ? "No target applies to what was measured."
                       : all_pass            ? "All targets met."
                                             : "Some targets not met (see FAIL above).");
  return memory_ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        fmt::print(stderr, "error: {} needs a value\n", arg);
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--quick") {
      options.quick = true;
    } else if (arg == "--paths") {
      options.paths = value();
    } else if (arg == "--reps") {
      options.reps = std::atoi(value().c_str());
    } else if (arg == "--cli") {
      options.cli = value();
    } else if (arg == "--no-memory") {
      options.case_on[4] = false;
    } else if (arg == "--cases" || arg == "--threads") {
      // Digits from a fixed set, at least one: anything else would measure nothing and say all is well.
      const std::string list = value();
      const std::string allowed = arg == "--cases" ? "1234" : "12";
      if (list.empty() || list.find_first_not_of(allowed) != std::string::npos) {
        fmt::print(stderr, "error: {} takes digits among {} (got '{}'), e.g. {} {}\n", arg, allowed, list, arg,
                   allowed.substr(0, 1));
        return 2;
      }
      if (arg == "--cases") {
        for (int c = 1; c <= 4; ++c) options.case_on[c] = list.find(static_cast<char>('0' + c)) != std::string::npos;
      } else {
        options.threads_1 = list.find('1') != std::string::npos;
        options.threads_2 = list.find('2') != std::string::npos;
      }
    } else if (arg == "--help" || arg == "-h") {
      usage(stdout);
      return 0;
    } else {
      fmt::print(stderr, "error: unknown argument {}\n", arg);
      usage(stderr);
      return 2;
    }
  }
  try {
    return run(options);
  } catch (const std::exception& error) {
    fmt::print(stderr, "error: {}\n", error.what());
    return 1;
  }
}

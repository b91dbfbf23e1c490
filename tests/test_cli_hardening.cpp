// Hardening of the program around a run (issue H): a full disk, signals,
// temporary files, standard output that cannot be written, and runs that
// cannot fit in memory. Each test runs the real binary as a child process.
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include <H5Cpp.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "cli_test_support.hpp"
#include "journeysim/io.hpp"
#include "runtime_test_support.hpp"
#include "sanitizers.hpp"

namespace journeysim::cli_testing {
namespace {

using namespace std::chrono_literals;

// Customers who keep coming back: one event per customer per day for
// thousands of days. A run is long (a minute or more) but each step is
// short, so a signal is answered within milliseconds.
const std::string kEndless = R"(name: endless
seed: 1
horizon_days: 20000
market: {size: 50000}
awareness:
  initial: {share: 1.0, via: {loop: 1.0}}
touchpoints:
  loop: {stage: consideration, dwell_days: 1.0, experience: 0.8}
  shop: {stage: purchase, purchase: {revenue: 1}}
transitions:
  loop: {loop: 0.9998, shop: 0.0001}
  shop: {loop: 1.0}
)";

// Waits until the child has used `cpu` of processor time (it is simulating,
// its handlers long installed), or has ended.
bool wait_for_cpu(Child& child, std::chrono::milliseconds cpu) {
  const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  return child.wait_until(
      [&] {
        std::ifstream stat("/proc/" + std::to_string(child.pid()) + "/stat");
        std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
        const auto close = text.rfind(')');
        if (close == std::string::npos) return false;
        std::istringstream fields(text.substr(close + 2));
        std::string field;
        long utime = 0, stime = 0;
        for (int i = 3; i <= 15 && fields >> field; ++i) {
          if (i == 14) utime = std::stol(field);
          if (i == 15) stime = std::stol(field);
        }
        return (utime + stime) * 1000 / ticks_per_second >= cpu.count();
      },
      60s);
}

// ---- 1. a full disk ---------------------------------------------------------

// A file-size limit (SIGXFSZ ignored) makes every write past it fail with
// EFBIG, as a full disk fails with ENOSPC. Before, HDF5's shutdown at exit
// tripped over the file whose close had failed: exit 139 (SIGSEGV) after the
// right message.
TEST(FullDisk, RunOutPastAFileSizeLimitFailsCleanly) {
  const TempDir dir;
  const std::string out = dir / "x.h5";
  Child child({"run", scenario_path("ecosystem.yaml"), "--market-size", "20000", "-r", "30", "-q", "--out", out},
              file_size_limit(64 * 1024));
  const CliResult r = child.wait();
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_TRUE(contains(r.err, "cannot write HDF5 file '" + out + "': File too large")) << r;
  EXPECT_FALSE(contains(r.err, "H5Dclose failed")) << "HDF5's own complaints reach the user:\n" << r;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(files_containing(dir.path(), ".tmp-").empty()) << "a temporary file is left behind";
}

TEST(FullDisk, CompareAndSweepOutPastAFileSizeLimitFailCleanly) {
  const TempDir dir;
  const std::string scenario = dir.write("tiny.yaml", kTinyScenario);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"compare", scenario, "-s", "better_site", "-r", "200", "-q", "--out", dir / "c.h5"},
        std::vector<std::string>{"sweep", scenario, "-p", "transitions.site.shop=0.1:0.3:40", "-r", "30", "-q",
                                 "--out", dir / "s.h5"}}) {
    Child child(args, file_size_limit(64 * 1024));
    const CliResult r = child.wait();
    ASSERT_TRUE(r.exited()) << r;
    EXPECT_EQ(r.exit_code, 1) << r;
    EXPECT_TRUE(contains(r.err, "File too large")) << r;
    EXPECT_TRUE(files_containing(dir.path(), ".tmp-").empty()) << r;
  }
}

// The same on a real full filesystem: a 1 MB tmpfs (needs root; skipped without).
TEST(FullDisk, RunOutOnAFullTmpfsFailsCleanly) {
  const TempDir dir;
  const fs::path mount_point = dir.path() / "small";
  fs::create_directory(mount_point);
  if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=1m") != 0)
    GTEST_SKIP() << "cannot mount a 1 MB tmpfs here (" << std::strerror(errno) << "): needs root";
  struct Unmount {
    fs::path path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{mount_point};
  {
    std::ofstream fill(mount_point / "fill", std::ios::binary);
    fill << std::string(800 * 1024, 'x');
  }
  const std::string out = (mount_point / "x.h5").string();
  Child child({"run", scenario_path("ecosystem.yaml"), "--market-size", "20000", "-r", "30", "-q", "--out", out});
  const CliResult r = child.wait();
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_TRUE(contains(r.err, "No space left on device")) << r;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(files_containing(mount_point, ".tmp-").empty()) << r;
}

// ---- 10. interruption --------------------------------------------------------

TEST(Interrupt, SigintStopsARunAtAStepAndSaysWhat) {
  const TempDir dir;
  const std::string scenario = dir.write("endless.yaml", kEndless);
  const std::string out = dir / "x.h5";
  Child child({"run", scenario, "-q", "-t", "2", "--out", out});
  ASSERT_TRUE(wait_for_cpu(child, 300ms)) << child.wait();
  const auto sent = std::chrono::steady_clock::now();
  child.signal(SIGINT);
  const CliResult r = child.wait();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
  ASSERT_TRUE(r.exited()) << "ended by a signal, silently\n" << r;
  EXPECT_EQ(r.exit_code, 130) << r;
  EXPECT_LT(seconds, 10.0) << "the next step boundary took long";
  EXPECT_TRUE(std::regex_search(r.err, std::regex("^journeysim: interrupted \\(SIGINT\\) at day [0-9]+ of 20000; "
                                                  "nothing written \\(--partial writes what was finished, marked "
                                                  "incomplete\\)\n$")))
      << r;
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(files_containing(dir.path(), ".tmp-").empty());
}

TEST(Interrupt, SigtermAndSighupStopToo) {
  const TempDir dir;
  const std::string scenario = dir.write("endless.yaml", kEndless);
  for (const int signal : {SIGTERM, SIGHUP}) {
    Child child({"run", scenario, "-t", "1"});
    ASSERT_TRUE(wait_for_cpu(child, 200ms)) << child.wait();
    child.signal(signal);
    const CliResult r = child.wait();
    ASSERT_TRUE(r.exited()) << r;
    EXPECT_EQ(r.exit_code, 128 + signal) << r;
    EXPECT_TRUE(contains(r.err, signal == SIGTERM ? "interrupted (SIGTERM) at day" : "interrupted (SIGHUP) at day"))
        << r;
  }
}

// --partial writes what was finished, marked incomplete in the file and the JSON.
TEST(Interrupt, PartialWritesResultsMarkedIncomplete) {
  const TempDir dir;
  const std::string scenario = dir.write("endless.yaml", kEndless);
  const std::string out = dir / "x.h5";
  Child child({"run", scenario, "-t", "2", "--json", "--partial", "--out", out});
  ASSERT_TRUE(wait_for_cpu(child, 300ms)) << child.wait();
  child.signal(SIGINT);
  const CliResult r = child.wait();
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 130) << r;
  EXPECT_TRUE(contains(r.err, "; wrote " + out + " with what was finished, marked incomplete")) << r;
  const nlohmann::json json = parse_json(r);
  ASSERT_TRUE(json.is_object());
  EXPECT_EQ(json.value("complete", true), false);
  const std::string interrupted = json.value("interrupted", "");
  EXPECT_TRUE(std::regex_match(interrupted, std::regex("interrupted \\(SIGINT\\) at day [0-9]+ of 20000: the results "
                                                       "stop there")))
      << interrupted;
  ASSERT_TRUE(fs::exists(out));
  EXPECT_EQ(read_results_hdf5(out).interrupted, interrupted);
  H5::H5File file(out, H5F_ACC_RDONLY);
  const H5::Group root = file.openGroup("/");
  ASSERT_TRUE(root.attrExists("complete"));
  std::uint8_t complete = 1;
  root.openAttribute("complete").read(H5::PredType::NATIVE_UINT8, &complete);
  EXPECT_EQ(complete, 0);
}

// A complete run's file and JSON have neither mark.
TEST(Interrupt, ACompleteRunIsNotMarked) {
  const TempDir dir;
  const std::string scenario = dir.write("tiny.yaml", kTinyScenario);
  const CliResult r = run_cli({"run", scenario, "--json", "--partial", "--out", dir / "x.h5"});
  ASSERT_EQ(r.exit_code, 0) << r;
  const nlohmann::json json = parse_json(r);
  EXPECT_FALSE(json.contains("complete"));
  EXPECT_FALSE(json.contains("interrupted"));
  H5::H5File file(dir / "x.h5", H5F_ACC_RDONLY);
  EXPECT_FALSE(file.openGroup("/").attrExists("complete"));
}

TEST(Interrupt, CompareSaysWhichArmAndWritesNothing) {
  const TempDir dir;
  std::string text = kEndless + "strategies:\n  faster:\n    - {set: transitions.loop.shop, value: 0.00005}\n";
  const std::string scenario = dir.write("endless.yaml", text);
  Child child({"compare", scenario, "-s", "faster", "-r", "2", "-q", "-t", "2", "--out", dir / "c.h5"});
  ASSERT_TRUE(wait_for_cpu(child, 300ms)) << child.wait();
  child.signal(SIGINT);
  const CliResult r = child.wait();
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 130) << r;
  EXPECT_TRUE(std::regex_search(r.err, std::regex("interrupted \\(SIGINT\\) at day [0-9]+ of 20000, in replication 1 "
                                                  "of 2, in baseline \\(1 of 2\\); nothing written")))
      << r;
  EXPECT_FALSE(fs::exists(dir / "c.h5"));
  EXPECT_TRUE(files_containing(dir.path(), ".tmp-").empty());
}

// A sweep stopped by SIGINT keeps its finished points, says so, and --resume runs only the rest.
TEST(Interrupt, SweepKeepsFinishedPointsAndResumes) {
  const TempDir dir;
  std::string text = kEndless;
  text.replace(text.find("horizon_days: 20000"), 19, "horizon_days: 400");
  text.replace(text.find("size: 50000"), 11, "size: 5000");
  const std::string scenario = dir.write("endless.yaml", text);
  const std::string out = dir / "s.h5";
  const std::vector<std::string> args{"sweep", scenario, "-p", "transitions.loop.shop=0.00001:0.0001:12", "-r", "1",
                                      "-q", "-t", "2", "--out", out};
  Child child(args);
  // The journal holds a point once it has more than its header.
  const fs::path journal = out + ".journal";
  std::uintmax_t header = 0;
  ASSERT_TRUE(child.wait_until(
      [&] {
        std::error_code ec;
        const auto size = fs::file_size(journal, ec);
        if (ec) return false;
        if (header == 0) header = size;
        return size > header;
      },
      120s))
      << child.wait();
  child.signal(SIGINT);
  const CliResult r = child.wait();
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 130) << r;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(r.err, match, std::regex("interrupted \\(SIGINT\\) .*, in point ([0-9]+) of 12: ([0-9]+) "
                                                         "finished points? (is|are) kept in " + out +
                                                         "; run the same command with --resume to run the other "
                                                         "([0-9]+)\n")))
      << r;
  // The count is the sweep's last report of finished points: a point journaled just as the signal came may be
  // missing from it, never the reverse (checked below against what --resume finds).
  const int finished = std::stoi(match[2]);
  std::vector<std::string> resume = args;
  resume.push_back("--resume");
  const CliResult again = run_cli(resume);
  ASSERT_EQ(again.exit_code, 0) << again;
  // At least the points it said were kept (one more when the signal came as a snapshot was written).
  std::smatch counts;
  ASSERT_TRUE(std::regex_search(again.out, counts, std::regex("([0-9]+) run now.*, ([0-9]+) resumed"))) << again;
  EXPECT_GE(std::stoi(counts[2]), std::max(finished, 1)) << again;
  EXPECT_EQ(std::stoi(counts[1]) + std::stoi(counts[2]), 12) << again;
}

// A second signal does not wait for the step: the process ends by it.
TEST(Interrupt, ASecondSignalStopsAtOnce) {
  const TempDir dir;
  const std::string scenario = dir.write("endless.yaml", kEndless);
  Child child({"run", scenario, "-t", "1", "--out", dir / "x.h5"});
  ASSERT_TRUE(wait_for_cpu(child, 200ms)) << child.wait();
  child.signal(SIGINT);
  child.signal(SIGINT);
  const CliResult r = child.wait();
  // Either the first signal's stop won the race (130) or the second ended it.
  if (r.signal != 0) {
    EXPECT_EQ(r.signal, SIGINT) << r;
    EXPECT_TRUE(contains(r.err, "interrupted again: stopped at once")) << r;
  } else {
    EXPECT_EQ(r.exit_code, 130) << r;
  }
  EXPECT_TRUE(files_containing(dir.path(), ".tmp-").empty());
}

// ---- 9. temporary files ------------------------------------------------------

// Signals at seeded pseudo-random moments in the run, and the moment the
// output's temporary file appears: the program always exits by itself (0,
// or 128 + the signal), never leaves a temporary file and never a
// half-written output. Before, the signal ended it at once, mid-write.
TEST(TempFiles, SignalsAtAnyMomentLeaveNoTemporaryFile) {
  const TempDir dir;
  std::string text = kEndless;
  text.replace(text.find("horizon_days: 20000"), 19, "horizon_days: 2000");
  text.replace(text.find("size: 50000"), 11, "size: 2000");
  const std::string scenario = dir.write("endless.yaml", text);
  const std::string out = dir / "x.h5";
  // The delays are drawn within the first half of an uninterrupted run,
  // timed here, so that they land in a run however fast the engine and the
  // machine are (a fixed range let a faster engine finish first).
  const std::vector<std::string> arguments{"run", scenario, "-q", "-r", "2", "-t", "2", "--out", out};
  Child reference(arguments);
  ASSERT_TRUE(wait_for_cpu(reference, 50ms)) << reference.wait();
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(reference.wait().exit_code, 0);
  const auto run_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  fs::remove(out);
  std::mt19937 random(20261201);
  std::uniform_int_distribution<long> delay_ms(0, std::max<long>(run_ms.count() / 2, 1));
  int interrupted = 0;
  for (int i = 0; i < 8; ++i) {
    const int signal = i % 4 < 2 ? SIGINT : SIGTERM;
    Child child(arguments);
    // Counted from when it runs (its handlers installed): a sanitizer build takes a while to start.
    ASSERT_TRUE(wait_for_cpu(child, 50ms)) << child.wait();
    if (i % 2 == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    } else {
      child.wait_until([&] { return !files_containing(dir.path(), ".tmp-").empty(); }, 60s);
    }
    child.signal(signal);
    const CliResult r = child.wait();
    ASSERT_TRUE(r.exited()) << "signal " << i << " ended the program mid-flight:\n" << r;
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 128 + signal) << r;
    if (r.exit_code != 0) ++interrupted;
    EXPECT_TRUE(files_containing(dir.path(), ".tmp-").empty()) << "after signal " << i << ":\n" << r;
    if (fs::exists(out)) {
      EXPECT_NO_THROW(read_results_hdf5(out)) << "a damaged output after signal " << i;
    }
  }
  EXPECT_GE(interrupted, 4) << "most signals should land in a run (an uninterrupted run took " << run_ms.count() << " ms)";
}

// kill -9 cannot be handled: the next write to the same target removes the
// temporary files of processes that no longer exist (and only those).
TEST(TempFiles, StaleTemporaryFilesOfDeadProcessesAreRemoved) {
  const TempDir dir;
  const std::string scenario = dir.write("tiny.yaml", kTinyScenario);
  const std::string out = dir / "x.h5";
  const std::string stale = fmt::format("{}.tmp-{}-0", out, dead_pid());
  const std::string live = fmt::format("{}.tmp-{}-3", out, ::getpid());  // this test: alive
  const std::string other = fmt::format("{}.tmp-{}-0", dir / "y.h5", dead_pid());  // another target
  for (const std::string& path : {stale, live, other}) std::ofstream(path) << "left by a writer";
  const CliResult r = run_cli({"run", scenario, "-q", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(other));
  EXPECT_TRUE(fs::exists(out));
}

// ---- 11. standard output -----------------------------------------------------

// Every command, help and version included, exits 1 when its output cannot be written.
TEST(Stdout, EveryCommandFailsWhenStandardOutputIsFull) {
  const TempDir dir;
  const std::string scenario = dir.write("tiny.yaml", kTinyScenario);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"validate", scenario}, {"graph", scenario}, {"analyze", scenario},
        {"run", scenario, "-q"}, {"compare", scenario, "-s", "better_site", "-r", "2", "-q"},
        {"--help"}, {"--version"}, {"run", "--help"}}) {
    const CliResult r = run_cli(args, "/dev/full");
    ASSERT_TRUE(r.exited()) << r;
    EXPECT_EQ(r.exit_code, 1) << r;
    EXPECT_TRUE(contains(r.err, "cannot write to standard output")) << r;
  }
}

// ---- 12. memory ---------------------------------------------------------------

// 10 customers over 10^7 days: daily series of 10^7 days per thread and per
// replication, about 3 GB. Under a 1.5 GB address-space limit it is refused
// before allocating, saying what it needs, what there is and what to change
// (before: std::bad_alloc, exit 1).
TEST(Memory, ARunThatCannotFitIsRefusedWithWhatToChange) {
  if (journeysim::sanitizers::kSanitized) GTEST_SKIP() << kAddressSpaceLimitNeedsUnsanitizedBuild;
  const TempDir dir;
  std::string text = kTinyScenario;
  text.replace(text.find("horizon_days: 60"), 16, "horizon_days: 1e7");
  text.replace(text.find("size: 5000"), 10, "size: 10");
  const std::string scenario = dir.write("long.yaml", text);
  Child child({"run", scenario, "-t", "2", "-q"}, address_space_limit(1500ull << 20));
  const CliResult r = child.wait(60s);
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(std::regex_search(r.err, std::regex("^journeysim: this run needs about [0-9.]+ GB of memory \\([0-9.]+ GB "
                                                  "for daily series \\(10000000 days × 2 threads and 1 replication\\)\\), "
                                                  "but [0-9.]+ (MB|GB) is available \\(what the address-space limit "
                                                  "\\(ulimit -v, 1.6 GB\\) leaves\\); to need less: shorten horizon_days")))
      << r;
  EXPECT_FALSE(contains(r.err, "bad_alloc")) << r;
}

}  // namespace
}  // namespace journeysim::cli_testing

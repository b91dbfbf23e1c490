// End-to-end tests of `journeysim sweep`: command-line and plan-file sweeps,
// their errors, and durability: a sweep killed with SIGKILL at pseudo-random
// moments and resumed until it completes gives, dataset for dataset and bit
// for bit, the file of an uninterrupted sweep, with nothing left behind.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <H5Cpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cli_test_support.hpp"
#include "hdf5_datasets.hpp"
#include "journeysim/sweep.hpp"

using journeysim::cli_testing::CliResult;
using journeysim::cli_testing::contains;
using journeysim::cli_testing::read_text;
using journeysim::cli_testing::run_cli;
using journeysim::cli_testing::scenario_path;
using journeysim::cli_testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) out.push_back(entry.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

using journeysim::testing_hdf5::datasets_of;

// Starts `journeysim ARGS...` with its output thrown away; returns its pid.
pid_t start(const std::vector<std::string>& args) {
  std::vector<std::string> strings{JOURNEYSIM_BINARY};
  strings.insert(strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int error = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) ADD_FAILURE() << "cannot start " << argv[0];
  return error == 0 ? pid : -1;
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST(CliSweep, SweepsParametersIntoAnHdf5FileAndPrintsASummary) {
  const TempDir dir;
  const std::string out = dir / "sweep.h5";
  const CliResult r = run_cli({"sweep", scenario_path("ecosystem.yaml"), "--param", "word_of_mouth.rate=0:0.5:3",
                               "--param", "touchpoints.support.cost=list:2,4", "-r", "2", "--market-size", "20000",
                               "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(contains(r.out, "Swept 6 points")) << r;
  EXPECT_TRUE(contains(r.out, "6 run now")) << r;
  EXPECT_TRUE(contains(r.out, out)) << r;
  EXPECT_TRUE(contains(r.out, "word_of_mouth.rate")) << r;
  EXPECT_TRUE(contains(r.out, "conversion_rate")) << r;
  EXPECT_TRUE(r.err.empty()) << r;  // no progress bar when stderr is not a terminal
  const journeysim::SweepData data = journeysim::read_sweep_hdf5(out);
  EXPECT_EQ(data.points, 6u);
  EXPECT_EQ(data.replications, 2u);
  EXPECT_EQ(data.market_size, 20000u);
  EXPECT_EQ(data.seed, 7u);  // the scenario's
  EXPECT_EQ(data.parameters, (std::vector<std::string>{"word_of_mouth.rate", "touchpoints.support.cost"}));
  EXPECT_EQ(data.done, std::vector<std::uint8_t>(6, 1));
  EXPECT_TRUE(contains(data.plan_text, "word_of_mouth.rate")) << data.plan_text;
  EXPECT_EQ(files_in(dir.path()), std::vector<std::string>{"sweep.h5"});
}

TEST(CliSweep, RunsAPlanFileWithCommandLineOverrides) {
  const TempDir dir;
  const std::string plan = scenario_path("sweeps/word_of_mouth.yaml");
  const CliResult r = run_cli({"sweep", "--plan", plan, "--market-size", "20000", "-r", "2", "--seed", "3",
                               "--out", dir / "wom.h5", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r;
  const journeysim::SweepData data = journeysim::read_sweep_hdf5(dir / "wom.h5");
  EXPECT_EQ(data.points, 6u);
  EXPECT_EQ(data.replications, 2u);
  EXPECT_EQ(data.market_size, 20000u);
  EXPECT_EQ(data.seed, 3u);
  EXPECT_EQ(data.plan_text, read_text(plan));
  EXPECT_EQ(data.scenario_name, "ecosystem");
  EXPECT_EQ(data.parameter_values, (std::vector<double>{0.0, 0.1, 0.2, 0.3, 0.4, 0.5}));
  // Word of mouth brings in buyers: more at the top of the range than at none.
  std::size_t purchasers = 0;
  while (data.metric_keys[purchasers] != "purchasers") ++purchasers;
  EXPECT_GT(data.summary[purchasers][5 * 3], data.summary[purchasers][0]);
}

TEST(CliSweep, HelpShowsTheSpecForms) {
  const CliResult r = run_cli({"sweep", "--help"});
  ASSERT_EQ(r.exit_code, 0) << r;
  for (const char* form : {"LO:HI:N", "log:LO:HI:N", "list:A,B", "uniform:LO:HI", "--samples", "--method", "--resume", "--restart",
                           "--plan", "--zip"})
    EXPECT_TRUE(contains(r.out, form)) << form << '\n' << r;
}

TEST(CliSweep, MistakesAreBadInputAndWriteNothing) {
  const TempDir dir;
  const std::string out = dir / "s.h5";
  const std::string eco = scenario_path("ecosystem.yaml");
  const std::string plan = scenario_path("sweeps/word_of_mouth.yaml");
  const auto expect_bad = [&](const std::vector<std::string>& args, const std::string& says) {
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(contains(r.err, says)) << "expected '" << says << "'\n" << r;
    EXPECT_TRUE(files_in(dir.path()).empty()) << r;
  };
  expect_bad({"sweep", eco, "--param", "word_of_mouth.rate=0:1:3"}, "--out");
  expect_bad({"sweep", eco, "--out", out}, "--param");
  expect_bad({"sweep", "--plan", plan, "--param", "word_of_mouth.rate=0:1:3", "--out", out}, "--param");
  expect_bad({"sweep", eco, "--plan", plan, "--out", out}, "not both");
  expect_bad({"sweep", eco, "--param", "word_of_mouth.rate=zero:1:3", "--out", out}, "word_of_mouth.rate=zero:1:3");
  expect_bad({"sweep", eco, "--param", "word_of_mouth.rat=0:1:3", "--out", out, "--market-size", "1000"},
             "point 0 (word_of_mouth.rat = 0)");
  expect_bad({"sweep", eco, "--param", "word_of_mouth.rate=0:1:3", "--out", dir / "no/such/dir/s.h5"}, "does not exist");
  expect_bad({"sweep", eco, "--param", "word_of_mouth.rate=0:1:3", "--strategy", "no_such", "--out", out}, "no_such");
}

// Errors a --param's values cause name that --param, not a line of the
// scenario the value was never written on, and come in point order.
TEST(CliSweep, PointErrorsNameTheirParamInPointOrder) {
  const TempDir dir;
  const std::string checkout = "transitions.website.checkout=0.1:0.9:5";
  const std::string support = "touchpoints.support.experience.mean=list:0.5,1.5";
  const CliResult r = run_cli({"sweep", scenario_path("ecosystem.yaml"), "--param", checkout, "--param", support,
                               "-r", "1", "--market-size", "2000", "--out", dir / "s.h5"});
  EXPECT_EQ(r.exit_code, 2) << r;
  std::vector<int> points;
  for (const std::string& line : journeysim::cli_testing::lines_of(r.err)) {
    if (line.empty()) continue;
    EXPECT_TRUE(line.rfind("--param " + checkout + ": error: ", 0) == 0 ||
                line.rfind("--param " + support + ": error: ", 0) == 0)
        << line;
    const auto at = line.find("error: point ");
    if (at != std::string::npos) points.push_back(std::stoi(line.substr(at + 13)));
    if (contains(line, "probabilities sum to")) {
      EXPECT_TRUE(line.rfind("--param " + checkout, 0) == 0) << line;
      EXPECT_TRUE(contains(line, "(at " + scenario_path("ecosystem.yaml") + ":")) << line;  // where the row is
    }
  }
  EXPECT_EQ(points, (std::vector<int>{1, 3, 5, 6, 7, 7})) << r;  // point 7 fails twice over
  EXPECT_TRUE(std::is_sorted(points.begin(), points.end())) << r;
  EXPECT_TRUE(contains(r.err, "transitions.website.checkout = 0.3,")) << r;  // not 0.30000000000000004
  EXPECT_FALSE(contains(r.err, "0.30000000000000004")) << r;
}

TEST(CliSweep, ResumeOfADifferentPlanIsRefused) {
  const TempDir dir;
  const std::string out = dir / "sweep.h5";
  const std::vector<std::string> base{"sweep", scenario_path("ecosystem.yaml"), "--market-size", "5000", "-r", "1",
                                      "--out", out};
  ASSERT_EQ(run_cli(with(base, {"--param", "word_of_mouth.rate=0:0.5:2"})).exit_code, 0);
  const CliResult r = run_cli(with(base, {"--param", "word_of_mouth.rate=0:0.5:3", "--resume"}));
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(contains(r.err, "sweep.h5 was made by a different plan or scenario (file vs this sweep: points 2 vs "
                              "3): it cannot be resumed"))
      << r;
  EXPECT_TRUE(contains(r.err, "--restart")) << r;
  // The refusal says what differs, the file's value first.
  std::vector<std::string> four = base;
  four[5] = "4";  // -r 4
  const CliResult replications = run_cli(with(four, {"--param", "word_of_mouth.rate=0:0.5:2", "--resume"}));
  EXPECT_EQ(replications.exit_code, 2) << replications;
  EXPECT_TRUE(contains(replications.err, "(file vs this sweep: replications 1 vs 4)")) << replications;
  const CliResult seed = run_cli(with(base, {"--param", "word_of_mouth.rate=0:0.5:2", "--resume", "--seed", "9"}));
  EXPECT_EQ(seed.exit_code, 2) << seed;
  EXPECT_TRUE(contains(seed.err, "(file vs this sweep: seed 7 vs 9)")) << seed;
  const CliResult values = run_cli(with(base, {"--param", "word_of_mouth.rate=0:0.4:2", "--resume"}));
  EXPECT_EQ(values.exit_code, 2) << values;
  EXPECT_TRUE(contains(values.err, "(file vs this sweep: the parameter values)")) << values;
  const CliResult same = run_cli(with(base, {"--param", "word_of_mouth.rate=0:0.5:2", "--resume"}));
  EXPECT_EQ(same.exit_code, 0) << same;
  EXPECT_TRUE(contains(same.out, "0 run now")) << same;
  EXPECT_TRUE(contains(same.out, "2 resumed")) << same;
}

// Marks every point from `from` on as not run in a finished sweep file (as an
// interrupted run leaves it; the fingerprint stays that of the job).
void unfinish(const std::string& path, std::size_t from) {
  const H5::H5File file(path, H5F_ACC_RDWR);
  H5::DataSet done = file.openDataSet("done");
  std::vector<std::uint8_t> flags(static_cast<std::size_t>(done.getSpace().getSimpleExtentNpoints()));
  done.read(flags.data(), H5::PredType::NATIVE_UINT8);
  std::fill(flags.begin() + static_cast<std::ptrdiff_t>(from), flags.end(), std::uint8_t{0});
  done.write(flags.data(), H5::PredType::NATIVE_UINT8);
}

TEST(CliSweep, ARerunWithoutResumeKeepsFinishedPointsUnlessRestart) {
  const TempDir dir;
  const std::string out = dir / "sweep.h5";
  const std::vector<std::string> sweep{"sweep", scenario_path("ecosystem.yaml"), "--param",
                                       "word_of_mouth.rate=0:0.5:11", "--market-size", "2000", "-r", "1",
                                       "--quiet", "--out", out};
  ASSERT_EQ(run_cli(sweep).exit_code, 0);
  unfinish(out, 5);
  const std::string hint = "add --resume to keep them and run the rest, or --restart to run every point again";
  const CliResult partial = run_cli(sweep);
  EXPECT_EQ(partial.exit_code, 2) << partial;
  EXPECT_TRUE(contains(partial.err, "sweep.h5 already holds 5 of 11 finished points of this sweep: " + hint))
      << partial;
  EXPECT_EQ(journeysim::read_sweep_hdf5(out).done, (std::vector<std::uint8_t>{1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0}));
  const CliResult resumed = run_cli(with(sweep, {"--resume"}));
  EXPECT_EQ(resumed.exit_code, 0) << resumed;
  EXPECT_TRUE(contains(resumed.out, "6 run now")) << resumed;
  const CliResult complete = run_cli(sweep);
  EXPECT_EQ(complete.exit_code, 2) << complete;
  EXPECT_TRUE(contains(complete.err, "sweep.h5 is already complete")) << complete;
  EXPECT_TRUE(contains(complete.err, hint)) << complete;
  const CliResult both = run_cli(with(sweep, {"--resume", "--restart"}));
  EXPECT_EQ(both.exit_code, 2) << both;
  EXPECT_TRUE(contains(both.err, "cannot be used together")) << both;
  const CliResult restarted = run_cli(with(sweep, {"--restart"}));
  EXPECT_EQ(restarted.exit_code, 0) << restarted;
  EXPECT_TRUE(contains(restarted.out, "11 run now")) << restarted;
  EXPECT_TRUE(contains(restarted.out, "0 resumed")) << restarted;
  // A different plan's file is refused too, and replaced with --restart.
  std::vector<std::string> other = sweep;
  other[3] = "word_of_mouth.rate=0:0.5:3";
  const CliResult refused = run_cli(other);
  EXPECT_EQ(refused.exit_code, 2) << refused;
  EXPECT_TRUE(contains(refused.err, "sweep.h5 was made by a different plan or scenario (file vs this sweep: points "
                                    "11 vs 3): add --restart"))
      << refused;
  EXPECT_EQ(journeysim::read_sweep_hdf5(out).points, 11u);
  EXPECT_EQ(run_cli(with(other, {"--restart"})).exit_code, 0);
  EXPECT_EQ(journeysim::read_sweep_hdf5(out).points, 3u);
  EXPECT_EQ(files_in(dir.path()), std::vector<std::string>{"sweep.h5"});
}

TEST(CliSweep, OnePointIsSingularAndParameterValuesAreShort) {
  const TempDir dir;
  const std::vector<std::string> base{"sweep", scenario_path("ecosystem.yaml"), "--market-size", "2000", "-r", "1"};
  const CliResult one = run_cli(with(base, {"--param", "word_of_mouth.rate=list:0.3", "--out", dir / "one.h5"}));
  ASSERT_EQ(one.exit_code, 0) << one;
  EXPECT_TRUE(contains(one.out, "Swept 1 point in ")) << one;
  const CliResult seven = run_cli(with(base, {"--param", "word_of_mouth.rate=0:1.2:7", "--out", dir / "seven.h5"}));
  ASSERT_EQ(seven.exit_code, 0) << seven;
  EXPECT_TRUE(contains(seven.out, "Swept 7 points in ")) << seven;
  // 0:1.2:7 steps by 1.2 / 6, which is not exact in binary: shown with 6 significant digits.
  EXPECT_EQ(journeysim::read_sweep_hdf5(dir / "seven.h5").parameter_values[1], 0.19999999999999998);
  EXPECT_FALSE(contains(seven.out, "0.19999999999999998")) << seven;
  for (const char* value : {"  0.2 ", "  0.4 ", "  0.6 ", "  1.2 "})
    EXPECT_TRUE(contains(seven.out, value)) << value << '\n' << seven;
}

TEST(CliSweep, KilledAtRandomMomentsAndResumedGivesTheUninterruptedFile) {
  const TempDir dir;
  // 30 small points (about 2 s in all); snapshots as often as possible, so kills also land in their writes.
  const std::vector<std::string> sweep{"sweep", scenario_path("ecosystem.yaml"),
                                       "--param", "word_of_mouth.rate=0:0.5:10",
                                       "--param", "touchpoints.support.cost=list:2,4,6",
                                       "-r", "2", "--market-size", "60000", "--seed", "5", "--threads", "2",
                                       "--snapshot-seconds", "0.05", "--quiet"};
  const std::string reference = dir / "reference.h5";
  const auto started = std::chrono::steady_clock::now();
  const CliResult uninterrupted = run_cli(with(sweep, {"--out", reference}));
  ASSERT_EQ(uninterrupted.exit_code, 0) << uninterrupted;
  const double sweep_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  const fs::path work = dir.path() / "killed";
  fs::create_directory(work);
  const std::string out = (work / "sweep.h5").string();
  // Kill moments drawn from a fixed-seed generator: each run is killed at a
  // uniform fraction (10% to 70%) of the time the points it has left would
  // take (the uninterrupted sweep's time, scaled by the points its snapshot
  // does not yet hold), so kills land early, late and in between, and in the
  // middle of the sweep rather than after it finished.
  std::mt19937 generator(20261123);
  const auto uniform = [&generator] { return static_cast<double>(generator()) / 4294967296.0; };  // [0, 1)
  constexpr int kills = 8;
  int landed = 0;
  std::vector<int> delays_ms;
  for (int i = 0; i < kills; ++i) {
    std::size_t done = 0;
    try {
      for (const std::uint8_t flag : journeysim::read_sweep_hdf5(out).done) done += flag;
    } catch (const std::exception&) {  // no snapshot yet
    }
    const double left = sweep_seconds * static_cast<double>(30 - done) / 30.0;
    delays_ms.push_back(static_cast<int>(1000.0 * left * (0.1 + 0.6 * uniform())));
    const pid_t pid = start(with(sweep, i == 0 ? std::vector<std::string>{"--out", out}
                                               : std::vector<std::string>{"--out", out, "--resume"}));
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delays_ms.back()));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ++landed;
    else EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "run " << i << " failed";
  }
  // The first resume after the last kill must finish the sweep: a retry would hide a resume that fails.
  const CliResult last = run_cli(with(sweep, {"--out", out, "--resume"}));
  ASSERT_EQ(last.exit_code, 0) << last;
  // Most kills must have interrupted a sweep in the middle (not one that had finished).
  EXPECT_GE(landed, kills - 2) << "uninterrupted sweep took " << sweep_seconds << " s; delays (ms) "
                               << testing::PrintToString(delays_ms);
  RecordProperty("kills_landed", landed);

  const auto expected = datasets_of(reference), got = datasets_of(out);
  ASSERT_EQ(got.size(), expected.size());
  for (const auto& [path, bytes] : expected) {
    ASSERT_EQ(got.count(path), 1u) << path;
    EXPECT_TRUE(got.at(path) == bytes) << path << " differs from the uninterrupted sweep's";
  }
  EXPECT_EQ(journeysim::read_sweep_hdf5(out).done, std::vector<std::uint8_t>(30, 1));
  EXPECT_EQ(files_in(work), std::vector<std::string>{"sweep.h5"});  // no journal, no temporary files
}

}  // namespace

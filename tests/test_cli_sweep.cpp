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
#include <string>
#include <thread>
#include <vector>

#include "cli_test_support.hpp"
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

// Every dataset of an HDF5 file as raw bytes in the file's own type, by path.
void collect(const H5::Group& group, const std::string& prefix, std::map<std::string, std::vector<char>>& out) {
  for (hsize_t i = 0; i < group.getNumObjs(); ++i) {
    const std::string name = group.getObjnameByIdx(i);
    if (group.childObjType(name) == H5O_TYPE_GROUP) {
      collect(group.openGroup(name), prefix + name + "/", out);
      continue;
    }
    const H5::DataSet dataset = group.openDataSet(name);
    const H5::DataType type = dataset.getDataType();
    std::vector<char> bytes(static_cast<std::size_t>(dataset.getSpace().getSimpleExtentNpoints()) * type.getSize());
    if (!bytes.empty()) dataset.read(bytes.data(), type);
    out[prefix + name] = std::move(bytes);
  }
}

std::map<std::string, std::vector<char>> datasets_of(const std::string& path) {
  std::map<std::string, std::vector<char>> out;
  const H5::H5File file(path, H5F_ACC_RDONLY);
  collect(file.openGroup("/"), "/", out);
  return out;
}

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
  for (const char* form : {"LO:HI:N", "log:LO:HI:N", "list:A,B", "uniform:LO:HI", "--samples", "--method", "--resume",
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

TEST(CliSweep, ResumeOfADifferentPlanIsRefused) {
  const TempDir dir;
  const std::string out = dir / "sweep.h5";
  const std::vector<std::string> base{"sweep", scenario_path("ecosystem.yaml"), "--market-size", "5000", "-r", "1",
                                      "--out", out};
  ASSERT_EQ(run_cli(with(base, {"--param", "word_of_mouth.rate=0:0.5:2"})).exit_code, 0);
  const CliResult r = run_cli(with(base, {"--param", "word_of_mouth.rate=0:0.5:3", "--resume"}));
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(contains(r.err, "sweep.h5 was made by a different plan or scenario; remove it or run without --resume"))
      << r;
  const CliResult same = run_cli(with(base, {"--param", "word_of_mouth.rate=0:0.5:2", "--resume"}));
  EXPECT_EQ(same.exit_code, 0) << same;
  EXPECT_TRUE(contains(same.out, "0 run now")) << same;
  EXPECT_TRUE(contains(same.out, "2 resumed")) << same;
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
  // Delays drawn once from a fixed seed (50 ms to 1 s), so every run of the test kills at the same moments.
  const std::vector<int> delays_ms{90, 370, 50, 240, 560, 150, 820, 1000};
  int landed = 0;
  for (std::size_t i = 0; i < delays_ms.size(); ++i) {
    const pid_t pid = start(with(sweep, i == 0 ? std::vector<std::string>{"--out", out}
                                               : std::vector<std::string>{"--out", out, "--resume"}));
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delays_ms[i]));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ++landed;
    else EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "run " << i << " failed";
  }
  CliResult last;
  for (int attempt = 0; attempt < 10; ++attempt) {
    last = run_cli(with(sweep, {"--out", out, "--resume"}));
    if (last.exit_code == 0) break;
  }
  ASSERT_EQ(last.exit_code, 0) << last;
  // The kills must have interrupted something (the sweep takes longer than the first delays).
  EXPECT_GE(landed, 2) << "uninterrupted sweep took " << sweep_seconds << " s";
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

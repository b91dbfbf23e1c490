// Several processes (issue F): how a launch is recognised; a sweep spread
// over MPI ranks by `mpirun -n 2` — the file's datasets equal a one-process
// sweep's bit for bit, problems are reported once by rank 0; run and compare
// with the market split across two ranks equal one process bit for bit, and a
// rank that dies ends the job without a result file; commands that are not
// distributed refuse instead of repeating the work.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cli_test_support.hpp"
#include "runtime_test_support.hpp"
#include "hdf5_datasets.hpp"
#include "journeysim/cluster.hpp"
#include "journeysim/sweep.hpp"
#include "sanitizers.hpp"

namespace {

using journeysim::cli_testing::CliResult;
using journeysim::cli_testing::contains;
using journeysim::cli_testing::run_cli;
using journeysim::cli_testing::run_program;
using journeysim::cli_testing::scenario_path;
using journeysim::cli_testing::TempDir;

// Sets environment variables for a scope, restoring what was there.
class Environment {
 public:
  explicit Environment(const std::map<std::string, std::string>& values) {
    for (const char* name : kLauncherVariables) {
      if (const char* old = std::getenv(name)) saved_[name] = old;
      ::unsetenv(name);
    }
    for (const auto& [name, value] : values) ::setenv(name.c_str(), value.c_str(), 1);
  }
  ~Environment() {
    for (const char* name : kLauncherVariables) ::unsetenv(name);
    for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
  }

 private:
  static constexpr const char* kLauncherVariables[] = {
      "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_LOCAL_SIZE", "PMI_SIZE", "PMI_RANK",
      "MPI_LOCALNRANKS",      "SLURM_STEP_NUM_TASKS", "SLURM_PROCID",              "SLURM_NTASKS"};
  std::map<std::string, std::string> saved_;
};

TEST(ClusterLaunch, AloneIsOneProcess) {
  const Environment none({});
  const journeysim::cluster::Launch launch = journeysim::cluster::detect_launch();
  EXPECT_EQ(launch.size, 1);
  EXPECT_EQ(launch.rank, 0);
  EXPECT_TRUE(launch.launcher.empty());
}

TEST(ClusterLaunch, OpenMpiMpichAndSlurmStepsAreRecognised) {
  {
    const Environment open_mpi(
        {{"OMPI_COMM_WORLD_SIZE", "4"}, {"OMPI_COMM_WORLD_RANK", "3"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}});
    const auto launch = journeysim::cluster::detect_launch();
    EXPECT_EQ(launch.launcher, "Open MPI");
    EXPECT_EQ(launch.size, 4);
    EXPECT_EQ(launch.rank, 3);
    EXPECT_EQ(launch.local_size, 2);
  }
  {
    const Environment mpich({{"PMI_SIZE", "2"}, {"PMI_RANK", "1"}});
    const auto launch = journeysim::cluster::detect_launch();
    EXPECT_EQ(launch.launcher, "MPICH");
    EXPECT_EQ(launch.size, 2);
    EXPECT_EQ(launch.rank, 1);
  }
  {
    const Environment srun({{"SLURM_STEP_NUM_TASKS", "8"}, {"SLURM_PROCID", "5"}, {"SLURM_NTASKS", "8"}});
    const auto launch = journeysim::cluster::detect_launch();
    EXPECT_EQ(launch.launcher, "Slurm");
    EXPECT_EQ(launch.size, 8);
    EXPECT_EQ(launch.rank, 5);
  }
}

TEST(ClusterLaunch, ABatchScriptsOwnProcessIsOneProcess) {
  // sbatch sets the allocation's task count for the script itself, which is one process.
  const Environment batch(std::map<std::string, std::string>{{"SLURM_NTASKS", "16"}});
  EXPECT_EQ(journeysim::cluster::detect_launch().size, 1);
}

TEST(ClusterLaunch, GarbledVariablesAreIgnored) {
  const Environment garbled({{"OMPI_COMM_WORLD_SIZE", "two"}, {"PMI_SIZE", "-3"}});
  EXPECT_EQ(journeysim::cluster::detect_launch().size, 1);
}

// Under mpirun -n 2 (as root in CI, and oversubscribed on a small machine).
// The sanitizer options of the test go to the ranks by -x (a local mpirun
// passes its environment on anyway; a launcher on other nodes would not).
// Under ASan the ranks unwind malloc's stack fully: Open MPI is built without
// frame pointers, so the fast unwinder stops in the component that allocated,
// a module dlclose'd before LeakSanitizer reports, and tests/lsan.supp could
// not tell Open MPI's leaks from ours. It is 6 times slower, so only here.
std::vector<std::string> two_ranks_of(const std::vector<std::string>& args,
                                      const std::vector<std::string>& mpirun_options = {},
                                      const std::string& program = JOURNEYSIM_BINARY) {
  std::vector<std::string> argv{"mpirun", "--allow-run-as-root", "--oversubscribe", "-n", "2"};
  argv.insert(argv.end(), mpirun_options.begin(), mpirun_options.end());
  for (const char* name : {"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS"}) {
    const char* value = std::getenv(name);
    std::string option = value ? value : "";
    if (std::string(name) == "ASAN_OPTIONS" && journeysim::sanitizers::kAddressSanitizer)
      option += (option.empty() ? "" : ":") + std::string("fast_unwind_on_malloc=0");
    if (!option.empty()) argv.insert(argv.end(), {"-x", std::string(name) + "=" + option});
  }
  argv.push_back(program);
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

CliResult run_two_ranks(const std::vector<std::string>& args) {
  return run_program(two_ranks_of(args), "", std::chrono::seconds(180));
}

// The same command as one process (--out DIR/one.h5) and as two ranks (--out DIR/two.h5).
std::pair<CliResult, CliResult> one_and_two_ranks(const std::vector<std::string>& args, const TempDir& dir) {
  std::vector<std::string> one = args, two = args;
  one.insert(one.end(), {"--out", dir / "one.h5"});
  two.insert(two.end(), {"--out", dir / "two.h5"});
  return {run_cli(one), run_two_ranks(two)};
}

bool have_mpirun() { return ::system("command -v mpirun > /dev/null 2>&1") == 0; }

class DistributedSweep : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!journeysim::cluster::mpi_compiled()) GTEST_SKIP() << "built without MPI (tools/setup.sh installs libopenmpi-dev)";
    if (!have_mpirun()) GTEST_SKIP() << "no mpirun on PATH (Debian: openmpi-bin)";
  }
};

TEST_F(DistributedSweep, TwoRanksWriteTheDatasetsOfOneProcessBitForBit) {
  const TempDir dir;
  // Reviews and word of mouth on; points of unequal cost (the rate changes how many become aware).
  const std::vector<std::string> sweep = {"sweep", scenario_path("ecosystem.yaml"), "-p", "word_of_mouth.rate=0:0.6:7",
                                          "-p", "reviews.post_probability=list:0.1,0.3", "-r", "2", "--market-size",
                                          "20000", "--threads", "1", "--quiet"};
  const auto [single, distributed] = one_and_two_ranks(sweep, dir);
  ASSERT_EQ(single.exit_code, 0) << single;
  ASSERT_EQ(distributed.exit_code, 0) << distributed;
  EXPECT_TRUE(contains(distributed.out, "Swept 14 points")) << distributed;
  // Both ranks ran points (rank 1 asks for its first at once).
  EXPECT_TRUE(contains(distributed.out, "14 run now on 2 processes")) << distributed;
  EXPECT_FALSE(contains(distributed.out, "(14 by rank 0)")) << distributed;
  EXPECT_EQ(distributed.out.find("Swept"), distributed.out.rfind("Swept")) << "only rank 0 prints\n" << distributed;

  const auto expected = journeysim::testing_hdf5::datasets_of(dir / "one.h5");
  const auto got = journeysim::testing_hdf5::datasets_of(dir / "two.h5");
  ASSERT_FALSE(expected.empty());
  ASSERT_EQ(expected.size(), got.size());
  for (const auto& [path, bytes] : expected) {
    ASSERT_EQ(got.count(path), 1u) << path;
    EXPECT_TRUE(bytes == got.at(path)) << path << " differs";
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "two.h5.journal"));
  // The provenance says how it ran.
  EXPECT_EQ(journeysim::read_sweep_hdf5(dir / "one.h5").processes, 1u);
  EXPECT_EQ(journeysim::read_sweep_hdf5(dir / "two.h5").processes, 2u);
  EXPECT_EQ(journeysim::read_sweep_hdf5(dir / "two.h5").threads, 1u);
}

TEST_F(DistributedSweep, ABadPointIsReportedOnceAndNothingRuns) {
  const TempDir dir;
  const CliResult result = run_two_ranks({"sweep", scenario_path("ecosystem.yaml"), "-p",
                                          "word_of_mouth.rate=list:0.1,-5", "-r", "1", "--market-size", "2000",
                                          "--out", dir / "bad.h5"});
  EXPECT_EQ(result.exit_code, 2) << result;
  const std::string combined = result.out + result.err;
  EXPECT_TRUE(contains(combined, "point 1")) << result;
  EXPECT_EQ(combined.find("point 1 ("), combined.rfind("point 1 (")) << "reported by rank 0 only\n" << result;
  EXPECT_FALSE(std::filesystem::exists(dir / "bad.h5"));
}

TEST_F(DistributedSweep, AnOutputThatCannotBeWrittenIsSaidOnceAndNoRankWaits) {
  const TempDir dir;
  const CliResult result = run_two_ranks({"sweep", scenario_path("ecosystem.yaml"), "-p", "word_of_mouth.rate=0:0.5:3",
                                          "-r", "1", "--market-size", "2000", "--out", dir / "missing/s.h5"});
  EXPECT_FALSE(result.timed_out) << result;
  EXPECT_EQ(result.exit_code, 2) << result;
  EXPECT_EQ(result.err.find("does not exist"), result.err.rfind("does not exist")) << "said by rank 0 only\n" << result;
  EXPECT_TRUE(contains(result.err, "does not exist")) << result;
}

TEST_F(DistributedSweep, CommandLineMistakesAndVersionAreSaidOnce) {
  const CliResult version = run_two_ranks({"--version"});
  EXPECT_EQ(version.exit_code, 0) << version;
  EXPECT_EQ(version.out, std::string(JOURNEYSIM_VERSION) + "\n") << version;
  const CliResult bogus = run_two_ranks({"run", scenario_path("funnel.yaml"), "--bogus"});
  EXPECT_EQ(bogus.exit_code, 2) << bogus;
  EXPECT_EQ(bogus.err.find("--bogus"), bogus.err.rfind("--bogus")) << bogus;
  const CliResult replications = run_two_ranks({"compare", scenario_path("ecosystem.yaml"), "-s", "fix_support",
                                                "-r", "1", "--market-size", "1000"});
  EXPECT_EQ(replications.exit_code, 2) << replications;
  EXPECT_EQ(replications.err.find("journeysim"), replications.err.rfind("journeysim")) << "one message\n"
                                                                                       << replications;
}

TEST_F(DistributedSweep, ResumeAndRestartUnderTwoRanks) {
  const TempDir dir;
  const std::vector<std::string> full = {"sweep", scenario_path("ecosystem.yaml"), "-p", "word_of_mouth.rate=0:0.5:6",
                                         "-r", "1", "--market-size", "5000", "--threads", "1", "--quiet",
                                         "--out", dir / "s.h5"};
  ASSERT_EQ(run_cli(full).exit_code, 0);
  const auto expected = journeysim::testing_hdf5::datasets_of(dir / "s.h5");
  // Resuming a finished sweep runs nothing; restarting it runs every point again, on both ranks.
  std::vector<std::string> resume = full, restart = full;
  resume.push_back("--resume");
  restart.push_back("--restart");
  const CliResult resumed = run_two_ranks(resume);
  ASSERT_EQ(resumed.exit_code, 0) << resumed;
  EXPECT_TRUE(contains(resumed.out, ": 0 run now")) << resumed;
  EXPECT_TRUE(contains(resumed.out, ", 6 resumed")) << resumed;
  const CliResult restarted = run_two_ranks(restart);
  ASSERT_EQ(restarted.exit_code, 0) << restarted;
  EXPECT_TRUE(contains(restarted.out, "6 run now")) << restarted;
  const auto got = journeysim::testing_hdf5::datasets_of(dir / "s.h5");
  ASSERT_EQ(expected.size(), got.size());
  for (const auto& [path, bytes] : expected) EXPECT_TRUE(bytes == got.at(path)) << path;
  // Without either, finished points are not thrown away: refused once, by rank 0.
  const CliResult refused = run_two_ranks(full);
  EXPECT_EQ(refused.exit_code, 2) << refused;
  EXPECT_TRUE(contains(refused.err, "--resume")) << refused;
}

TEST_F(DistributedSweep, CommandsThatAreNotDistributedRefuseOnce) {
  const CliResult result = run_two_ranks({"analyze", scenario_path("funnel.yaml")});
  EXPECT_EQ(result.exit_code, 2) << result;
  EXPECT_TRUE(contains(result.err, "only `run`, `compare` and `sweep` run distributed")) << result;
  EXPECT_EQ(result.err.find("only `run`"), result.err.rfind("only `run`")) << result;
}

// run and compare split one market across the ranks (journeysim/partition.hpp).
using DistributedRun = DistributedSweep;

// The provenance differs between two commands; the numbers may not.
nlohmann::json numbers_of(nlohmann::json json) {
  if (json.is_object())
    for (const char* key : {"command_line", "created_utc", "wall_seconds", "events_per_s", "threads", "processes"})
      json.erase(key);
  if (json.is_structured())
    for (auto& item : json) item = numbers_of(item);
  return json;
}

std::vector<std::string> entries_of(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename());
  return names;
}

void expect_same_datasets(const std::string& expected_path, const std::string& got_path) {
  const auto expected = journeysim::testing_hdf5::datasets_of(expected_path);
  const auto got = journeysim::testing_hdf5::datasets_of(got_path);
  ASSERT_GT(expected.size(), 10u);
  ASSERT_EQ(expected.size(), got.size());
  for (const auto& [path, bytes] : expected) {
    ASSERT_EQ(got.count(path), 1u) << path;
    EXPECT_TRUE(bytes == got.at(path)) << path << " differs";
  }
}

TEST_F(DistributedRun, TwoRanksGiveOneProcesssJsonAndDatasetsBitForBit) {
  const TempDir dir;
  // Reviews and word of mouth on; 40,000 customers are ten blocks of ids, so both ranks have some.
  const std::vector<std::string> run = {"run", scenario_path("ecosystem.yaml"), "-r", "2", "--market-size", "40000",
                                        "--run-off", "--threads", "1", "--quiet", "--json"};
  const auto [single, distributed] = one_and_two_ranks(run, dir);
  ASSERT_EQ(single.exit_code, 0) << single;
  ASSERT_EQ(distributed.exit_code, 0) << distributed;
  const nlohmann::json expected = journeysim::cli_testing::parse_json(single);
  const nlohmann::json got = journeysim::cli_testing::parse_json(distributed);  // one JSON object: rank 0 alone prints
  ASSERT_GT(expected.at("runs").at(0).at("reviews").get<double>(), 0.0);
  EXPECT_EQ(expected.at("processes"), 1);
  EXPECT_EQ(got.at("processes"), 2);
  const auto difference = nlohmann::json::diff(numbers_of(expected), numbers_of(got));
  EXPECT_TRUE(difference.empty()) << difference.dump().substr(0, 2000);
  expect_same_datasets(dir / "one.h5", dir / "two.h5");
  EXPECT_EQ(entries_of(dir.path()).size(), 2u) << "no temporary file left";
  // The table says how the work was split.
  const CliResult table = run_two_ranks({"run", scenario_path("funnel.yaml"), "--market-size", "10000", "--threads", "1"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_TRUE(contains(table.out, "2 processes × 1 thread")) << table;
  EXPECT_EQ(table.out.find("journeysim "), table.out.rfind("journeysim ")) << "one table, by rank 0\n" << table;
}

TEST_F(DistributedRun, TrafficIsCountedOnRequest) {
  const CliResult result = run_program(two_ranks_of({"run", scenario_path("ecosystem.yaml"), "-r", "2",
                                                    "--market-size", "20000", "--threads", "1", "--quiet"},
                                                   {"-x", "JOURNEYSIM_MPI_STATS=1"}));
  ASSERT_EQ(result.exit_code, 0) << result;
  // 180 daily steps in each of 2 replications: one 40-byte sum each, counted by rank 0 alone.
  EXPECT_TRUE(contains(result.err, "MPI traffic of rank 0 of 2")) << result;
  EXPECT_TRUE(contains(result.err, "360 × 40 B")) << result;
  EXPECT_EQ(result.err.find("MPI traffic"), result.err.rfind("MPI traffic")) << result;
  const CliResult quiet = run_two_ranks({"run", scenario_path("funnel.yaml"), "--market-size", "1000", "--quiet"});
  EXPECT_FALSE(contains(quiet.err, "MPI traffic")) << "only on request\n" << quiet;
}

TEST_F(DistributedRun, CompareUnderTwoRanksEqualsOneProcess) {
  const TempDir dir;
  const std::vector<std::string> compare = {"compare", scenario_path("ecosystem.yaml"), "-s", "fix_support", "-s",
                                            "referral_programme", "-r", "3", "--market-size", "20000",
                                            "--threads", "1", "--quiet", "--json"};
  const auto [single, distributed] = one_and_two_ranks(compare, dir);
  ASSERT_EQ(single.exit_code, 0) << single;
  ASSERT_EQ(distributed.exit_code, 0) << distributed;
  const auto difference = nlohmann::json::diff(numbers_of(journeysim::cli_testing::parse_json(single)),
                                               numbers_of(journeysim::cli_testing::parse_json(distributed)));
  EXPECT_TRUE(difference.empty()) << difference.dump().substr(0, 2000);
  expect_same_datasets(dir / "one.h5", dir / "two.h5");
}

TEST_F(DistributedRun, BadInputIsReportedOnceByRankZero) {
  const TempDir dir;
  const CliResult result = run_two_ranks({"run", scenario_path("ecosystem.yaml"), "--market-size", "1000",
                                          "--strategy", "no_such_strategy", "--out", dir / "x.h5"});
  EXPECT_EQ(result.exit_code, 2) << result;
  EXPECT_TRUE(contains(result.err, "no_such_strategy")) << result;
  EXPECT_EQ(result.err.find("no_such_strategy"), result.err.rfind("no_such_strategy")) << result;
  EXPECT_FALSE(contains(result.err, "MPI_ABORT")) << "every rank stops by itself\n" << result;
  EXPECT_FALSE(std::filesystem::exists(dir / "x.h5"));
}

// A rank's process id under a launcher, found by its rank variable.
std::optional<pid_t> rank_process(pid_t launcher, int rank) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string stat_line;
    std::getline(stat, stat_line);
    const auto after_name = stat_line.rfind(')');
    if (after_name == std::string::npos) continue;
    std::istringstream fields(stat_line.substr(after_name + 2));
    char state = 0;
    pid_t parent = 0;
    fields >> state >> parent;
    if (parent != launcher) continue;
    std::ifstream environ(entry.path() / "environ");
    std::string variable;
    while (std::getline(environ, variable, '\0'))
      if (variable == "OMPI_COMM_WORLD_RANK=" + std::to_string(rank)) return std::stoi(name);
  }
  return std::nullopt;
}

// A run on two ranks long enough to be stopped in the middle (50 million
// customers at one thread per rank), writing DIR/big.h5.
journeysim::cli_testing::Program long_run_on_two_ranks(const TempDir& dir) {
  return {two_ranks_of({"run", scenario_path("ecosystem.yaml"), "--market-size", "50000000", "--threads", "1",
                        "--quiet", "--out", dir / "big.h5"})};
}

// Rank 1's process id once it has been running a while (into the run).
std::optional<pid_t> rank_one_running(journeysim::cli_testing::Child& job) {
  std::optional<pid_t> rank_one;
  if (!job.wait_until([&] { return (rank_one = rank_process(job.pid(), 1)).has_value(); }, std::chrono::seconds(60)))
    return std::nullopt;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  return rank_one;
}

TEST_F(DistributedRun, ARankThatDiesEndsTheJobAndNothingIsWritten) {
  const TempDir dir;
  journeysim::cli_testing::Child job(long_run_on_two_ranks(dir));
  const std::optional<pid_t> rank_one = rank_one_running(job);
  ASSERT_TRUE(rank_one.has_value()) << job.err_so_far();
  ::kill(*rank_one, SIGKILL);
  const CliResult result = job.wait(std::chrono::seconds(120));
  EXPECT_FALSE(result.timed_out) << "the other rank must not wait for ever\n" << result;
  EXPECT_NE(result.exit_code, 0) << result;
  EXPECT_TRUE(contains(result.err, "rank 1")) << result;
  EXPECT_TRUE(entries_of(dir.path()).empty()) << "no result file, no temporary file";
}

// A sweep is durable under MPI as alone: when a rank dies, the job ends
// naming it, rank 0's journal keeps the finished points, and --resume (here
// as one process) runs only the rest, to the file of an uninterrupted sweep.
TEST_F(DistributedSweep, ARankThatDiesEndsTheJobAndResumeFinishesTheSameFile) {
  const TempDir dir;
  // 40 points of a million customers: long enough to be stopped after the first is journaled.
  const std::vector<std::string> sweep = {"sweep", scenario_path("ecosystem.yaml"), "-p", "word_of_mouth.rate=0:0.6:40",
                                          "-r", "1", "--market-size", "1000000", "--threads", "1", "--quiet"};
  std::vector<std::string> whole = sweep, stopped = sweep;
  whole.insert(whole.end(), {"--out", dir / "whole.h5"});
  stopped.insert(stopped.end(), {"--out", dir / "s.h5"});
  ASSERT_EQ(run_cli(whole).exit_code, 0);

  journeysim::cli_testing::Child job(journeysim::cli_testing::Program{two_ranks_of(stopped)});
  const std::filesystem::path journal = dir / "s.h5.journal";
  std::optional<pid_t> rank_one;
  const auto one_point_kept = [&] {
    std::error_code error;
    const auto bytes = std::filesystem::file_size(journal, error);
    return !error && bytes > 24 && (rank_one = rank_process(job.pid(), 1)).has_value();  // past the header
  };
  ASSERT_TRUE(job.wait_until(one_point_kept, std::chrono::seconds(120))) << job.err_so_far();
  ::kill(*rank_one, SIGKILL);
  const CliResult result = job.wait(std::chrono::seconds(120));
  ASSERT_FALSE(result.timed_out) << "rank 0 must not wait for ever\n" << result;
  EXPECT_NE(result.exit_code, 0) << result;
  EXPECT_TRUE(contains(result.err, "rank 1")) << result;
  ASSERT_TRUE(std::filesystem::exists(journal)) << result;

  std::vector<std::string> resume = stopped;
  resume.push_back("--resume");
  const CliResult resumed = run_cli(resume);
  ASSERT_EQ(resumed.exit_code, 0) << resumed;
  EXPECT_FALSE(contains(resumed.out, ", 0 resumed")) << "the journaled points are kept\n" << resumed;
  EXPECT_FALSE(contains(resumed.out, ": 0 run now")) << resumed;
  expect_same_datasets(dir / "whole.h5", dir / "s.h5");
  EXPECT_FALSE(std::filesystem::exists(journal));
}

TEST_F(DistributedRun, CtrlCOnTheLauncherStopsEveryRankAtOneStepAndWritesNothing) {
  const TempDir dir;
  journeysim::cli_testing::Child job(long_run_on_two_ranks(dir));
  ASSERT_TRUE(rank_one_running(job).has_value()) << job.err_so_far();
  job.signal(SIGINT);  // Open MPI passes it on to the ranks as SIGTERM
  const CliResult result = job.wait(std::chrono::seconds(120));
  EXPECT_FALSE(result.timed_out) << result;
  EXPECT_NE(result.exit_code, 0) << result;
  EXPECT_TRUE(contains(result.err, "interrupted")) << result;
  EXPECT_EQ(result.err.find("interrupted"), result.err.rfind("interrupted")) << "said once, by rank 0\n" << result;
  EXPECT_TRUE(contains(result.err, "nothing written")) << result;
  EXPECT_FALSE(contains(result.err, "MPI_ABORT")) << "the ranks stop together, none is aborted\n" << result;
  EXPECT_TRUE(entries_of(dir.path()).empty()) << "no result file, no temporary file";
}

// A build without MPI, started as several processes, refuses on each of them
// (rank 0 says why) instead of each repeating the work. This build's own
// program when MPI was not found; with MPI, a second program built without it.
class ClusterWithoutMpi : public ::testing::Test {
 protected:
  void SetUp() override {
#ifdef JOURNEYSIM_WITHOUT_MPI_BINARY
    program_ = JOURNEYSIM_WITHOUT_MPI_BINARY;
#else
    if (journeysim::cluster::mpi_compiled()) GTEST_SKIP() << "no program without MPI was built";
    program_ = JOURNEYSIM_BINARY;
#endif
  }
  static std::vector<std::string> run_of(const std::string& out) {
    return {"run", scenario_path("funnel.yaml"), "--market-size", "1000", "--quiet", "--out", out};
  }
  CliResult alone(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{program_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv);
  }
  std::string program_;
};

TEST_F(ClusterWithoutMpi, EveryProcessOfALaunchRefusesAndOnlyRankZeroSaysWhy) {
  const TempDir dir;
  const std::string refusal = "built without MPI";
  {
    const Environment rank_zero({{"OMPI_COMM_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_RANK", "0"}});
    const CliResult result = alone(run_of(dir / "x.h5"));
    EXPECT_EQ(result.exit_code, 2) << result;
    EXPECT_TRUE(contains(result.err, "Open MPI started 2 processes")) << result;
    EXPECT_TRUE(contains(result.err, refusal)) << result;
  }
  {
    const Environment rank_one({{"OMPI_COMM_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_RANK", "1"}});
    const CliResult result = alone(run_of(dir / "x.h5"));
    EXPECT_EQ(result.exit_code, 2) << result;
    EXPECT_EQ(result.err, "") << "rank 0 says it\n" << result;
  }
  {
    const Environment srun({{"SLURM_STEP_NUM_TASKS", "4"}, {"SLURM_PROCID", "0"}});
    const CliResult result = alone(run_of(dir / "x.h5"));
    EXPECT_EQ(result.exit_code, 2) << result;
    EXPECT_TRUE(contains(result.err, "Slurm started 4 processes")) << result;
  }
  {
    const Environment no_launcher({});  // and alone it runs
    const CliResult result = alone(run_of(dir / "alone.h5"));
    EXPECT_EQ(result.exit_code, 0) << result;
  }
  EXPECT_EQ(entries_of(dir.path()), std::vector<std::string>{"alone.h5"});
}

TEST_F(ClusterWithoutMpi, UnderMpirunTwoProcessesRefuseOnceAndWriteNothing) {
  if (!have_mpirun()) GTEST_SKIP() << "no mpirun on PATH (Debian: openmpi-bin)";
  const TempDir dir;
  const CliResult result = run_program(two_ranks_of(run_of(dir / "x.h5"), {}, program_));
  EXPECT_NE(result.exit_code, 0) << result;
  EXPECT_TRUE(contains(result.err, "built without MPI")) << result;
  EXPECT_EQ(result.err.find("built without MPI"), result.err.rfind("built without MPI")) << "said once\n" << result;
  EXPECT_TRUE(entries_of(dir.path()).empty());
}

}  // namespace

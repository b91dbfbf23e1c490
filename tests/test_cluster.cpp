// Several processes (issue F): how a launch is recognised, and a sweep spread
// over MPI ranks by `mpirun -n 2` — the file's datasets equal a one-process
// sweep's bit for bit, problems are reported once by rank 0, and commands
// that are not distributed yet refuse instead of repeating the work.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cli_test_support.hpp"
#include "hdf5_datasets.hpp"
#include "journeysim/cluster.hpp"

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
CliResult run_two_ranks(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"mpirun", "--allow-run-as-root", "--oversubscribe", "-n", "2", JOURNEYSIM_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, "", std::chrono::seconds(180));
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
  std::vector<std::string> one = sweep, two = sweep;
  one.insert(one.end(), {"--out", dir / "one.h5"});
  two.insert(two.end(), {"--out", dir / "two.h5"});
  const CliResult single = run_cli(one);
  ASSERT_EQ(single.exit_code, 0) << single;
  const CliResult distributed = run_two_ranks(two);
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
  EXPECT_TRUE(contains(resumed.out, "0 run now")) << resumed;
  EXPECT_TRUE(contains(resumed.out, "6 resumed")) << resumed;
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
  const CliResult result = run_two_ranks({"run", scenario_path("funnel.yaml"), "--market-size", "1000"});
  EXPECT_EQ(result.exit_code, 2) << result;
  EXPECT_TRUE(contains(result.err, "only `sweep` runs distributed")) << result;
  EXPECT_EQ(result.err.find("only `sweep`"), result.err.rfind("only `sweep`")) << result;
}

}  // namespace

// How this process was started: the environment launchers set for each
// process they start (Open MPI's mpirun, MPICH's Hydra, Slurm's srun).
#include <algorithm>
#include <cstdlib>
#include <string>

#include "journeysim/cluster.hpp"

namespace journeysim::cluster {

namespace {

// A non-negative integer from the environment, or -1.
int number_from(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return -1;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < 0 || value > 1'000'000'000) return -1;
  return static_cast<int>(value);
}

struct LauncherVariables {
  const char* launcher;
  const char* size;
  const char* rank;
  const char* local_size;
};

// Slurm's per-step count, not SLURM_NTASKS: a batch script's own process
// sees the allocation's task count but is one process.
constexpr LauncherVariables kLaunchers[] = {
    {"Open MPI", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_LOCAL_SIZE"},
    {"MPICH", "PMI_SIZE", "PMI_RANK", "MPI_LOCALNRANKS"},
    {"Slurm", "SLURM_STEP_NUM_TASKS", "SLURM_PROCID", nullptr},
};

}  // namespace

Launch detect_launch() {
  for (const LauncherVariables& variables : kLaunchers) {
    const int size = number_from(variables.size);
    if (size < 1) continue;
    Launch launch;
    launch.launcher = variables.launcher;
    launch.size = size;
    launch.rank = std::max(0, number_from(variables.rank));
    const int local = variables.local_size != nullptr ? number_from(variables.local_size) : -1;
    launch.local_size = local >= 1 ? local : 1;
    return launch;
  }
  return {};
}

}  // namespace journeysim::cluster

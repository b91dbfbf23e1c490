#pragma once
// Running `journeysim` on hostile input with a bound on time and memory: the
// program runs as a subprocess with RLIMIT_AS and a wall-clock limit, so a
// hang or a runaway allocation fails the test instead of the machine.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "cli_test_support.hpp"
#include "sanitizers.hpp"

namespace journeysim::bad_input {

using cli_testing::CliResult;
using cli_testing::TempDir;

// Sanitizers reserve terabytes of address space: no RLIMIT_AS under them,
// and more time.
using journeysim::sanitizers::kSanitized;

struct Bounds {
  std::chrono::milliseconds time{10'000};
  std::size_t address_space = std::size_t{1} << 30;  // 1 GiB; 0: none
};

struct BoundedResult : CliResult {
  double seconds = 0.0;      // wall clock
  double cpu_seconds = 0.0;  // user + system time of the program: what it cost, however busy the machine
};

// `journeysim ARGS...` in `cwd` (when given), stdin from /dev/null, with
// RLIMIT_AS and a time limit; killed (timed_out) when it takes longer.
inline BoundedResult run_bounded(const std::vector<std::string>& args, const Bounds& bounds = {},
                                 const std::string& cwd = "") {
  BoundedResult result;
  const TempDir capture;
  const std::string out_path = capture / "stdout";
  const std::string err_path = capture / "stderr";
  std::vector<std::string> argv_strings{JOURNEYSIM_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_strings) {
    argv.push_back(arg.data());
    result.command += (result.command.empty() ? "" : " ") + arg;
  }
  argv.push_back(nullptr);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork failed";
    return result;
  }
  if (pid == 0) {
    // The child: only async-signal-safe calls until exec.
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    if (bounds.address_space > 0 && !kSanitized) {
      const rlimit limit{bounds.address_space, bounds.address_space};
      ::setrlimit(RLIMIT_AS, &limit);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  const auto time = kSanitized ? bounds.time * 5 : bounds.time;
  const auto deadline = start + time;
  int status = 0;
  rusage usage{};
  while (true) {
    const pid_t done = ::wait4(pid, &status, WNOHANG, &usage);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::wait4(pid, &status, 0, &usage);
      result.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  result.cpu_seconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  if (!result.timed_out) {
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  }
  result.out = cli_testing::read_text(out_path);
  result.err = cli_testing::read_text(err_path);
  return result;
}

}  // namespace journeysim::bad_input

#pragma once
// Runs `journeysim` as a child process with resource limits and signals, for
// the hardening tests (test_cli_hardening.cpp): a file-size limit with
// SIGXFSZ ignored (writes then fail with EFBIG, as on a full disk), an
// address-space limit (ulimit -v), and signals sent while it runs.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli_test_support.hpp"

namespace journeysim::cli_testing {

struct ChildLimits {
  std::optional<rlim_t> file_size;      // RLIMIT_FSIZE, with SIGXFSZ ignored
  std::optional<rlim_t> address_space;  // RLIMIT_AS
};

inline ChildLimits file_size_limit(rlim_t bytes) {
  ChildLimits limits;
  limits.file_size = bytes;
  return limits;
}
inline ChildLimits address_space_limit(rlim_t bytes) {
  ChildLimits limits;
  limits.address_space = bytes;
  return limits;
}
// Why a test that runs the program under an address-space limit skips in a
// sanitized build (journeysim::sanitizers::kSanitized).
inline constexpr const char* kAddressSpaceLimitNeedsUnsanitizedBuild =
    "sanitizers reserve terabytes of address space: a program built with them cannot start under ulimit -v";

// Any program found on PATH, with its arguments (e.g. mpirun … journeysim …).
struct Program {
  std::vector<std::string> argv;
};

class Child {
 public:
  Child(const std::vector<std::string>& args, const ChildLimits& limits = {}) : Child(with_binary(args), limits) {}
  explicit Child(Program program, const ChildLimits& limits = {}) : capture_() {
    out_path_ = capture_ / "stdout";
    err_path_ = capture_ / "stderr";
    std::vector<std::string> argv_strings = std::move(program.argv);
    for (const auto& arg : argv_strings) command_ += (command_.empty() ? "" : " ") + arg;
    std::vector<char*> argv;
    for (auto& arg : argv_strings) argv.push_back(arg.data());
    argv.push_back(nullptr);
    // Only async-signal-safe calls between fork and exec.
    pid_ = ::fork();
    if (pid_ == 0) {
      const int in = ::open("/dev/null", O_RDONLY);
      const int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (in < 0 || out < 0 || err < 0) ::_exit(126);
      ::dup2(in, 0);
      ::dup2(out, 1);
      ::dup2(err, 2);
      if (limits.file_size) {
        ::signal(SIGXFSZ, SIG_IGN);  // inherited across exec: writes past the limit fail with EFBIG
        const struct rlimit limit{*limits.file_size, *limits.file_size};
        ::setrlimit(RLIMIT_FSIZE, &limit);
      }
      if (limits.address_space) {
        const struct rlimit limit{*limits.address_space, *limits.address_space};
        ::setrlimit(RLIMIT_AS, &limit);
      }
      // A test runner may have these ignored or blocked; the child starts clean.
      ::signal(SIGINT, SIG_DFL);
      ::signal(SIGTERM, SIG_DFL);
      ::signal(SIGHUP, SIG_DFL);
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      ::execvp(argv[0], argv.data());
      ::_exit(127);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }

  pid_t pid() const { return pid_; }
  void signal(int number) const { ::kill(pid_, number); }
  std::string err_so_far() const { return read_text(err_path_); }

  // Still running?
  bool running() {
    if (reaped_) return false;
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      record(status);
      return false;
    }
    return true;
  }

  // Waits for it to end (killing it after `timeout`) and returns what it did.
  CliResult wait(std::chrono::seconds timeout = std::chrono::seconds(120)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        reaped_ = true;
        result_.timed_out = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    result_.command = command_;
    result_.out = read_text(out_path_);
    result_.err = read_text(err_path_);
    return result_;
  }

  // Waits until `ready()` holds (true) or the child ends or `timeout` passes (false).
  bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (ready()) return true;
      if (!running()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  }

 private:
  static Program with_binary(const std::vector<std::string>& args) {
    Program program{{JOURNEYSIM_BINARY}};
    program.argv.insert(program.argv.end(), args.begin(), args.end());
    return program;
  }

  void record(int status) {
    reaped_ = true;
    if (WIFEXITED(status)) result_.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result_.signal = WTERMSIG(status);
  }

  TempDir capture_;
  std::string out_path_, err_path_, command_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  CliResult result_;
};

// The files in `dir` whose names contain `part`.
inline std::vector<std::string> files_containing(const fs::path& dir, const std::string& part) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find(part) != std::string::npos) names.push_back(name);
  }
  return names;
}

// A process id that is certainly not running: a child that has exited and been reaped.
inline pid_t dead_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return pid;
}

}  // namespace journeysim::cli_testing

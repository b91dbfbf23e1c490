#pragma once
// End-to-end tests of the `journeysim` program (test_cli*.cpp): run the real
// binary as a subprocess with separate stdout / stderr and its exit status, in
// a fresh temporary directory that is removed afterwards.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

extern char** environ;

namespace journeysim::cli_testing {

namespace fs = std::filesystem;

// A directory of its own under the system temp directory; removed with
// everything in it when the object goes.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "journeysim-cli-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::system_error(errno, std::generic_category(), "mkdtemp");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

  // Writes `text` to NAME in this directory and returns its full path.
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path file = path_ / name;
    std::ofstream out(file, std::ios::binary);
    out << text;
    return file.string();
  }

 private:
  fs::path path_;
};

// A small scenario whose exact conversion is easy by hand: every aware
// customer enters at `ad`; P(convert | ad) = 0.4 · (0.2 + 0.1 · P(convert | ad))
// = 0.08 / 0.96 = 1/12. better_site makes site->shop 0.5 (P = 0.2 / 0.96),
// worse_site makes it 0.05 (P = 0.02 / 0.96).
inline const std::string kTinyScenario = R"(name: tiny
seed: 3
horizon_days: 60
market: {size: 5000}
awareness:
  channels:
    - {via: ad, rate: 0.02}
touchpoints:
  ad:   {stage: awareness, cost: 0.5, experience: 0.7}
  site: {stage: consideration, experience: 0.8, dwell_days: 1.0}
  shop: {stage: purchase, purchase: {revenue: 20}, experience: 0.9}
transitions:
  ad:   {site: 0.4}
  site: {shop: 0.2, ad: 0.1}
strategies:
  better_site:
    - {scale: transitions.site.shop, by: 2.5}
  worse_site:
    - {set: transitions.site.shop, value: 0.05}
)";

// kTinyScenario plus a touchpoint nothing leads to: loads, with a warning.
inline std::string tiny_with_warning() {
  std::string text = kTinyScenario;
  const std::string marker = "transitions:";
  text.insert(text.find(marker), "  lonely: {stage: retention}\n");
  return text;
}

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::string scenario_path(const std::string& name) {
  return std::string(JOURNEYSIM_SOURCE_DIR) + "/scenarios/" + name;
}

struct CliResult {
  int exit_code = -1;   // when the program exited normally
  int signal = 0;       // when a signal ended it (a crash), else 0
  bool timed_out = false;
  std::string out;
  std::string err;
  std::string command;  // for failure messages

  bool exited() const { return signal == 0 && !timed_out; }
};

inline std::ostream& operator<<(std::ostream& os, const CliResult& r) {
  return os << "$ " << r.command << "\n[exit " << r.exit_code << ", signal " << r.signal
            << (r.timed_out ? ", timed out" : "") << "]\n--- stdout ---\n"
            << r.out.substr(0, 4000) << "\n--- stderr ---\n"
            << r.err.substr(0, 4000);
}

// Runs `journeysim ARGS...` with stdin from /dev/null and stdout / stderr
// captured to files (stdout to `stdout_file` instead when given, e.g.
// /dev/full). A run longer than `timeout` is killed and reported.
// run_program: any program (found on PATH), e.g. mpirun … journeysim ….
inline CliResult run_program(std::vector<std::string> argv_strings, const std::string& stdout_file = "",
                             std::chrono::seconds timeout = std::chrono::seconds(120)) {
  CliResult result;
  const TempDir capture;
  const std::string out_path = stdout_file.empty() ? capture / "stdout" : stdout_file;
  const std::string err_path = capture / "stderr";

  std::vector<char*> argv;
  for (auto& arg : argv_strings) {
    argv.push_back(arg.data());
    result.command += (result.command.empty() ? "" : " ") + arg;
  }
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  const int spawn_error = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) {
    ADD_FAILURE() << "cannot start " << argv[0] << ": " << std::strerror(spawn_error);
    return result;
  }

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) {
      ADD_FAILURE() << "waitpid failed: " << std::strerror(errno);
      return result;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      result.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (!result.timed_out) {
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  }
  if (stdout_file.empty()) result.out = read_text(out_path);
  result.err = read_text(err_path);
  return result;
}

inline CliResult run_cli(const std::vector<std::string>& args, const std::string& stdout_file = "",
                         std::chrono::seconds timeout = std::chrono::seconds(120)) {
  std::vector<std::string> argv{JOURNEYSIM_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(std::move(argv), stdout_file, timeout);
}

// stdout as JSON; fails the test (and returns null) when it does not parse.
inline nlohmann::json parse_json(const CliResult& r) {
  try {
    return nlohmann::json::parse(r.out);
  } catch (const nlohmann::json::exception& error) {
    ADD_FAILURE() << "stdout is not JSON: " << error.what() << '\n' << r;
    return nullptr;
  }
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace journeysim::cli_testing

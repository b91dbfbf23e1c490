// DOT → SVG with Graphviz's `dot` program, run as a child process.
//
// Why the program and not libgvc: journeysim then has no link-time
// dependency on Graphviz (it starts, and every other command works, where
// Graphviz is absent), a crash or hang inside Graphviz's layout cannot take
// the simulator or the report down with it (the child is timed out and its
// exit status read), and "Graphviz is missing" can be told apart — and
// tested — by looking for the program. The input and output go through files
// in a private temporary directory, so no pipe can deadlock on a large graph.
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "journeysim/graph.hpp"

extern char** environ;

namespace journeysim {

namespace fs = std::filesystem;

namespace {

// dot lays out a 100-touchpoint scenario in well under a second; this only
// stops a pathological layout from hanging a report forever.
constexpr auto kDotTimeout = std::chrono::seconds(120);

constexpr const char* kInstallHint =
    "install Graphviz (Debian: apt-get install graphviz; tools/setup.sh does), or use --format dot";

bool executable_file(const std::string& path) {
  struct stat status {};
  return ::stat(path.c_str(), &status) == 0 && S_ISREG(status.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// Names that are not valid UTF-8 make dot warn and mangle them; it reads
// them byte for byte when told the input is Latin-1.
bool valid_utf8(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    i += length;
  }
  return true;
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A private directory under the system's temporary one, removed with its files.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = (fs::temp_directory_path() / "journeysim-dot-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error(fmt::format("cannot make a temporary directory for Graphviz: {}", std::strerror(errno)));
    path_ = pattern;
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  ~ScratchDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  fs::path operator/(const char* name) const { return path_ / name; }

 private:
  fs::path path_;
};

}  // namespace

std::string find_dot_program(std::string* why_not) {
  if (const char* named = std::getenv("JOURNEYSIM_DOT"); named != nullptr && *named != '\0') {
    if (executable_file(named)) return named;
    if (why_not)
      *why_not = fmt::format("JOURNEYSIM_DOT names '{}', which is not an executable program; unset it to use "
                             "Graphviz's dot from PATH",
                             named);
    return "";
  }
  const char* path = std::getenv("PATH");
  const std::string directories = path != nullptr ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= directories.size()) {
    const std::size_t end = std::min(directories.find(':', start), directories.size());
    const std::string directory = end > start ? directories.substr(start, end - start) : ".";
    const std::string candidate = directory + "/dot";
    if (executable_file(candidate)) return candidate;
    start = end + 1;
  }
  if (why_not) *why_not = fmt::format("Graphviz's `dot` program was not found on PATH; {}", kInstallHint);
  return "";
}

std::string dot_to_svg(const std::string& dot) {
  std::string why_not;
  const std::string program = find_dot_program(&why_not);
  if (program.empty()) throw GraphvizUnavailable(why_not);

  const ScratchDirectory scratch;
  const fs::path input = scratch / "graph.dot", output = scratch / "graph.svg", errors = scratch / "dot.err";
  {
    std::ofstream out(input, std::ios::binary);
    out << dot;
    if (!out.flush()) throw std::runtime_error(fmt::format("cannot write {} for Graphviz", input.string()));
  }

  std::vector<std::string> arguments{program, "-Tsvg"};
  if (!valid_utf8(dot)) arguments.push_back("-Gcharset=latin1");
  arguments.insert(arguments.end(), {"-o", output.string(), input.string()});
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, errors.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t child = 0;
  const int spawn_error = ::posix_spawn(&child, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0)
    throw GraphvizUnavailable(fmt::format("cannot start Graphviz's dot ({}): {}; {}", program,
                                          std::strerror(spawn_error), kInstallHint));

  // Poll rather than block, so a hung layout is stopped at the deadline.
  const auto deadline = std::chrono::steady_clock::now() + kDotTimeout;
  int status = 0;
  for (auto pause = std::chrono::microseconds(200);; pause = std::min(pause * 2, std::chrono::microseconds(20'000))) {
    const pid_t done = ::waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (done < 0 && errno != EINTR) throw std::runtime_error(fmt::format("waiting for Graphviz's dot: {}", std::strerror(errno)));
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      throw std::runtime_error(fmt::format("Graphviz's dot did not finish within {} s", kDotTimeout.count()));
    }
    std::this_thread::sleep_for(pause);
  }

  std::string message = read_all(errors);
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
  if (WIFSIGNALED(status))
    throw std::runtime_error(fmt::format("Graphviz's dot ({}) was killed by signal {}{}{}", program, WTERMSIG(status),
                                         message.empty() ? "" : ": ", message));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(fmt::format("Graphviz's dot ({}) failed with exit code {}{}{}", program,
                                         WIFEXITED(status) ? WEXITSTATUS(status) : -1, message.empty() ? "" : ": ",
                                         message));
  std::string svg = read_all(output);
  if (svg.find("<svg") == std::string::npos)
    throw std::runtime_error(fmt::format("Graphviz's dot ({}) wrote no SVG{}{}", program, message.empty() ? "" : ": ", message));
  return svg;
}

}  // namespace journeysim

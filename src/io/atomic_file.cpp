// Atomic file replacement: write a temporary file next to the target, flush it
// to disk, then rename it over the target. Readers (and a crash) see either
// the old file or the complete new one, never a half-written result.
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include "journeysim/io.hpp"
#include "journeysim/runtime.hpp"

namespace journeysim {

namespace fs = std::filesystem;

namespace {

// Best effort: data reaches the disk before the rename makes it visible.
void sync_path(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

fs::path directory_of(const fs::path& path) {
  fs::path dir = path.parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

}  // namespace

void check_output_path(const std::string& output) {
  const fs::path path(output);
  const fs::path dir = directory_of(path);
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (!fs::exists(status)) {
    throw std::runtime_error(fmt::format("cannot write '{}': directory '{}' does not exist",
                                         path.string(), dir.string()));
  }
  if (!fs::is_directory(status)) {
    throw std::runtime_error(fmt::format("cannot write '{}': '{}' is not a directory",
                                         path.string(), dir.string()));
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    throw std::runtime_error(fmt::format("cannot write '{}': directory '{}' is not writable ({})",
                                         path.string(), dir.string(), std::strerror(errno)));
  }
  if (fs::is_directory(fs::status(path, ec))) {
    throw std::runtime_error(
        fmt::format("cannot write '{}': it is a directory", path.string()));
  }
}

namespace {

// Unique per process and per call, so concurrent writers of one path in one
// process do not share a temporary file.
std::string temp_path_for(const fs::path& path) {
  static std::atomic<unsigned long> counter{0};
  return fmt::format("{}.tmp-{}-{}", path.string(), static_cast<long>(::getpid()),
                     counter.fetch_add(1));
}


// The temporary file's slot in the table a signal handler cleans up, for
// the time it exists.
class RegisteredTemp {
 public:
  explicit RegisteredTemp(const std::string& path) : slot_(runtime::register_temp_file(path)) {}
  ~RegisteredTemp() { runtime::unregister_temp_file(slot_); }
  RegisteredTemp(const RegisteredTemp&) = delete;
  RegisteredTemp& operator=(const RegisteredTemp&) = delete;

 private:
  int slot_;
};

}  // namespace

void remove_stale_temporaries(const std::string& path) {
  const fs::path target(path);
  const fs::path dir = directory_of(target);
  const std::string prefix = target.filename().string() + ".tmp-";
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const char* begin = name.data() + prefix.size();
    const char* end = name.data() + name.size();
    long pid = 0;
    const auto [dash, error] = std::from_chars(begin, end, pid);
    if (error != std::errc() || dash == end || *dash != '-' || pid <= 0 || pid == static_cast<long>(::getpid()))
      continue;
    unsigned long counter = 0;
    const auto [rest, counter_error] = std::from_chars(dash + 1, end, counter);
    if (counter_error != std::errc() || rest != end) continue;
    std::error_code type_ec;
    if (!entry.is_regular_file(type_ec)) continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove(entry.path(), ec);
  }
}

void write_file_atomically(const std::string& path,
                           const std::function<void(const std::string& temp_path)>& write) {
  if (path.empty()) throw std::invalid_argument("cannot write a file with an empty path");
  const fs::path target(path);
  check_output_path(path);
  remove_stale_temporaries(target);
  const std::string temp = temp_path_for(target);
  const RegisteredTemp registered(temp);
  try {
    write(temp);
    // A signal while writing: the file is complete but was not asked for any more.
    runtime::throw_if_stop_requested(fmt::format("while writing '{}': nothing written", path));
    std::error_code ec;
    if (!fs::is_regular_file(fs::status(temp, ec))) {
      throw std::runtime_error(
          fmt::format("cannot write '{}': the writer did not create '{}'", path, temp));
    }
    sync_path(temp, false);
    fs::rename(temp, target, ec);
    if (ec) {
      throw std::runtime_error(fmt::format("cannot replace '{}': {}", path, ec.message()));
    }
    sync_path(directory_of(target), true);
  } catch (...) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw;
  }
}

void write_text_atomically(const std::string& path, const std::string& text) {
  write_file_atomically(path, [&](const std::string& temp) {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw std::runtime_error(
          fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
    }
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
      throw std::runtime_error(
          fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
    }
  });
}

}  // namespace journeysim

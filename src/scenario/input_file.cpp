#include "scenario/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace journeysim::scenario_detail {
namespace {

// Closes a descriptor when it goes.
struct Descriptor {
  int fd = -1;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

std::string kind_problem(mode_t mode) {
  if (S_ISDIR(mode)) return "it is a directory; give the path of a file in it";
  if (S_ISFIFO(mode)) return "it is a named pipe (FIFO), which journeysim does not read because it could wait forever; "
                             "save the data to a file and give that path";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "it is a device, not a file; give the path of a file";
  if (S_ISSOCK(mode)) return "it is a socket, not a file; give the path of a file";
  return "it is not a regular file; give the path of a file";
}

// Opens `path` for reading without blocking; on success `problem` is "".
int open_regular(const std::string& path, std::string& problem, struct stat& info) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    problem = std::string(std::strerror(errno)) + "; check the path and its permissions";
    return -1;
  }
  if (::fstat(fd, &info) != 0) {
    problem = std::strerror(errno);
    ::close(fd);
    return -1;
  }
  if (!S_ISREG(info.st_mode)) {
    problem = kind_problem(info.st_mode);
    ::close(fd);
    return -1;
  }
  // Regular files never block; clear the flag anyway for plain reads.
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  problem.clear();
  return fd;
}

SourceLocation place_of(const std::string& text, std::size_t offset, const std::string& file) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return {file, line, column};
}

}  // namespace

std::string format_bytes(double bytes) {
  const char* units[] = {"bytes", "KB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1024.0 && unit < 4) {
    bytes /= 1024.0;
    ++unit;
  }
  char buffer[32];
  if (unit == 0 || bytes == std::floor(bytes)) std::snprintf(buffer, sizeof buffer, "%.0f %s", bytes, units[unit]);
  else std::snprintf(buffer, sizeof buffer, "%.1f %s", bytes, units[unit]);
  return buffer;
}

std::string unreadable_file_problem(const std::string& path) {
  std::string problem;
  struct stat info {};
  Descriptor file{open_regular(path, problem, info)};
  return problem;
}

std::optional<std::string> read_bounded_file(const std::string& path, const std::string& what,
                                             std::size_t max_bytes, Diagnostics& diagnostics) {
  std::string problem;
  struct stat info {};
  Descriptor file{open_regular(path, problem, info)};
  if (file.fd < 0) {
    diagnostics.error({path, 0, 0}, "cannot read " + what + ": " + problem);
    return {};
  }
  std::string text;
  // The size stat reports is a hint (files in /proc say 0; a file may grow):
  // read until the end or one byte past the limit, whichever comes first.
  const std::size_t hint = info.st_size > 0 ? static_cast<std::size_t>(info.st_size) : 0;
  text.reserve(std::min(hint, max_bytes) + 1);
  char buffer[1 << 16];
  while (text.size() <= max_bytes) {
    const std::size_t want = std::min(sizeof buffer, max_bytes + 1 - text.size());
    const ssize_t got = ::read(file.fd, buffer, want);
    if (got < 0) {
      if (errno == EINTR) continue;
      diagnostics.error({path, 0, 0}, "cannot read " + what + ": " + std::strerror(errno) +
                                          " (reading failed part-way); check the file");
      return {};
    }
    if (got == 0) break;
    text.append(buffer, static_cast<std::size_t>(got));
  }
  if (text.size() > max_bytes) {
    const double size = std::max<double>(static_cast<double>(hint), static_cast<double>(text.size()));
    diagnostics.error(place_of(text, max_bytes, path),
                      what + " is larger than " + format_bytes(static_cast<double>(max_bytes)) +
                          (hint > max_bytes ? " (it is " + format_bytes(size) + ")" : std::string()) +
                          "; it passes that limit here. Is this the right file? If it is, split it or "
                          "make it smaller");
    return {};
  }
  return text;
}

}  // namespace journeysim::scenario_detail

// How much memory a run may use (journeysim/runtime.hpp).
#include <sys/resource.h>

#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "journeysim/runtime.hpp"

namespace journeysim::runtime {

namespace {

// "Key:   123 kB" from a /proc file, in bytes; 0 when absent.
std::uint64_t proc_kilobytes(const char* file, const std::string& key) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ":", 0) != 0) continue;
    std::istringstream fields(line.substr(key.size() + 1));
    std::uint64_t kilobytes = 0;
    if (fields >> kilobytes) return kilobytes * 1024;
  }
  return 0;
}

}  // namespace

MemoryAvailable available_memory() {
  MemoryAvailable available{std::numeric_limits<std::uint64_t>::max(), ""};
  if (const std::uint64_t bytes = proc_kilobytes("/proc/meminfo", "MemAvailable"); bytes > 0)
    available = {bytes, "MemAvailable in /proc/meminfo"};
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    const std::uint64_t used = proc_kilobytes("/proc/self/status", "VmSize");
    const std::uint64_t cap = static_cast<std::uint64_t>(limit.rlim_cur);
    const std::uint64_t left = cap > used ? cap - used : 0;
    if (left < available.bytes)
      available = {left, fmt::format("what the address-space limit (ulimit -v, {}) leaves", format_bytes(cap))};
  }
  return available;
}

std::string format_bytes(std::uint64_t bytes) {
  const double value = static_cast<double>(bytes);
  if (value >= 1e12) return fmt::format("{:.1f} TB", value / 1e12);
  if (value >= 1e9) return fmt::format("{:.1f} GB", value / 1e9);
  if (value >= 1e6) return fmt::format("{:.0f} MB", value / 1e6);
  if (value >= 1e3) return fmt::format("{:.0f} kB", value / 1e3);
  return fmt::format("{} bytes", bytes);
}

}  // namespace journeysim::runtime

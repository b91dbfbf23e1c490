// Provenance that result files keep: the commit the program was built from
// and the time a result was made.
#include <chrono>
#include <ctime>
#include <string>

#include <fmt/format.h>

#include "journeysim/io.hpp"

#ifndef JOURNEYSIM_GIT_COMMIT
#define JOURNEYSIM_GIT_COMMIT "unknown"
#endif

namespace journeysim {

std::string build_git_commit() { return JOURNEYSIM_GIT_COMMIT; }

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                     utc.tm_hour, utc.tm_min, utc.tm_sec);
}

}  // namespace journeysim

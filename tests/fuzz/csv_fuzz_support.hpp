#pragma once
// The CSV readers read files: each input is written to one file of this
// process (in /dev/shm when there is one) and read back by `read`. Bad input
// is reported as ScenarioError or InputError; anything else escaping is a bug.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "journeysim/diagnostics.hpp"
#include "journeysim/errors.hpp"

namespace fuzz_support {

inline const std::string& input_path() {
  static const std::string path = [] {
    const std::filesystem::path dir = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
    return (dir / ("journeysim-fuzz-" + std::to_string(::getpid()) + ".csv")).string();
  }();
  return path;
}

template <typename Read>
int read_as_file(const std::uint8_t* data, std::size_t size, Read read) {
  const std::string& path = input_path();
  if (std::FILE* out = std::fopen(path.c_str(), "wb")) {
    if (size > 0) std::fwrite(data, 1, size, out);
    std::fclose(out);
  }
  try {
    read(path);
  } catch (const journeysim::ScenarioError& error) {
    (void)error.diagnostics.format();
  } catch (const std::invalid_argument&) {  // InputError
  }
  return 0;
}

}  // namespace fuzz_support

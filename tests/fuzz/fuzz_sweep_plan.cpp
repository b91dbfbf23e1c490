// The sweep plan reader: any bytes as a plan file (its scenario is not read).
#include <cstddef>
#include <cstdint>
#include <string>

#include "journeysim/sweep_plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  journeysim::Diagnostics diagnostics;
  (void)journeysim::load_sweep_plan_text(text, "fuzz-plan.yaml", diagnostics);
  (void)diagnostics.format();
  return 0;
}

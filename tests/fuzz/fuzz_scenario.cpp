// The scenario loader and strategies: any bytes are loaded as a scenario; a
// line "#%strategies" splits off a strategies file loaded onto it; every
// strategy that loads is applied, and every message is formatted (escaped).
// Nothing may crash, hang, leak or run undefined behaviour, whatever the input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "journeysim/load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::string marker = "\n#%strategies\n";
  const auto split = input.find(marker);
  const std::string scenario_text = input.substr(0, split);
  journeysim::Diagnostics diagnostics;
  auto scenario = journeysim::load_scenario_text(scenario_text, "fuzz.yaml", diagnostics);
  if (scenario && split != std::string::npos)
    journeysim::load_strategies_text(input.substr(split + marker.size()), "fuzz-strategies.yaml", *scenario,
                                     diagnostics);
  if (scenario) {
    for (const auto& strategy : scenario->strategies) {
      journeysim::Diagnostics applied;
      journeysim::apply_strategy(*scenario, strategy.name, applied);
      (void)applied.format();
    }
  }
  (void)diagnostics.format();
  return 0;
}

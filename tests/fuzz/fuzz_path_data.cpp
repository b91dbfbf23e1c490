// The path data reader (ChannelAttribution's `path;conversions;value;null`),
// through read_observed_journeys, which also tells path data from event logs.
#include "csv_fuzz_support.hpp"
#include "journeysim/observed.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz_support::read_as_file(data, size, [](const std::string& path) {
    (void)journeysim::read_observed_journeys(path);
  });
}

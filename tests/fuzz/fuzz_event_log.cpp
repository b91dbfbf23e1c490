// The event log reader (`customer,time,touchpoint[,revenue]`, times in days or
// ISO 8601), with and without a named purchase touchpoint.
#include "csv_fuzz_support.hpp"
#include "journeysim/observed.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz_support::read_as_file(data, size, [size](const std::string& path) {
    if (size % 2 == 0) (void)journeysim::read_event_log(path);
    else (void)journeysim::read_event_log(path, {"checkout"});
  });
}

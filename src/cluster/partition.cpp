// Steps every process of a partitioned run must pass together
// (journeysim/partition.hpp): one that fails must not leave the others
// waiting in a collective, and one message should say why, not one per rank.
#include <cstring>
#include <exception>

#include <fmt/format.h>

#include "journeysim/diagnostics.hpp"
#include "journeysim/partition.hpp"
#include "journeysim/runtime.hpp"

namespace journeysim {

PeerFailed::PeerFailed(std::uint32_t rank, int exit_code)
    : std::runtime_error(fmt::format("rank {} stopped with exit status {}", rank, exit_code)),
      rank_(rank),
      exit_code_(exit_code) {}

int exit_code_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const Interrupted& stop) {
    return runtime::exit_code_for(stop.signal());
  } catch (const PeerFailed& peer) {
    return peer.exit_code();
  } catch (const ScenarioError&) {
    return 2;
  } catch (const std::invalid_argument&) {  // InputError and argument checks
    return 2;
  } catch (...) {
    return 1;
  }
}

int all_or_none(MarketPartition* partition, const std::function<int()>& step) {
  if (partition == nullptr) return step();
  std::exception_ptr error;
  std::int32_t code = 0;
  try {
    code = step();
  } catch (...) {
    error = std::current_exception();
    code = exit_code_of(error);
  }
  std::byte mine[sizeof code];
  std::memcpy(mine, &code, sizeof code);
  const auto all = partition->gather(mine);
  std::uint32_t first_failed = static_cast<std::uint32_t>(all.size());
  std::int32_t first_code = 0;
  for (std::uint32_t r = 0; r < all.size() && first_failed == all.size(); ++r) {
    std::int32_t theirs = 0;
    std::memcpy(&theirs, all[r].data(), sizeof theirs);
    if (theirs != 0) {
      first_failed = r;
      first_code = theirs;
    }
  }
  if (first_failed == all.size()) return 0;
  partition->set_in_flight(false);  // every process stops here, none waits
  if (code != 0 && partition->rank() == 0) {
    if (error) std::rethrow_exception(error);
    return code;  // the step has said why
  }
  if (code != 0 && first_failed != 0) {  // rank 0 is fine: this rank's own message is the one
    if (!error) return code;
    try {
      std::rethrow_exception(error);
    } catch (const ScenarioError& scenario) {
      throw RankFailed(scenario.diagnostics.format(), code);
    } catch (const std::exception& other) {
      throw RankFailed(other.what(), code);
    }
  }
  throw PeerFailed(first_failed, first_code);
}

}  // namespace journeysim

// Stopping on a signal, and the temporary files a signal must not leave
// behind (journeysim/runtime.hpp).
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "journeysim/runtime.hpp"

namespace journeysim::runtime {

namespace {

std::atomic<int> stop_flag{0};     // the signal that asked for a stop (-1: asked without one), 0: none
std::atomic<int> signals_seen{0};  // handled since start (or since reset_stop)
static_assert(std::atomic<int>::is_always_lock_free, "a signal handler may only touch lock-free atomics");

// A fixed table: registering never allocates, and the handler reads only
// slots whose path is complete. States: free, being filled or cleared,
// ready (the handler may unlink it), taken by the handler.
constexpr int kSlots = 64;
constexpr std::size_t kPathBytes = 4096;
enum SlotState : int { slot_free = 0, slot_busy = 1, slot_ready = 2, slot_handler = 3 };
struct Slot {
  std::atomic<int> state{slot_free};
  char path[kPathBytes];
};
Slot slots[kSlots];

void write_stderr(const char* text) noexcept {
  const std::size_t length = std::strlen(text);
  ssize_t ignored = ::write(STDERR_FILENO, text, length);
  (void)ignored;
}

void on_signal(int signal) {
  const int saved_errno = errno;
  if (signals_seen.fetch_add(1, std::memory_order_relaxed) == 0) {
    stop_flag.store(signal, std::memory_order_relaxed);
    errno = saved_errno;
    return;
  }
  // Asked again: do not wait for the step to end.
  remove_registered_temp_files();
  write_stderr("\njourneysim: interrupted again: stopped at once (temporary files removed)\n");
  ::signal(signal, SIG_DFL);
  ::raise(signal);  // end by the signal, as the shell expects of an interrupted program
  errno = saved_errno;
}

}  // namespace

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // reads and writes in flight carry on; the flag is read at step ends
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction previous {};
    // A signal the parent ignores (nohup, a background job of a non-interactive shell) stays ignored.
    if (::sigaction(signal, nullptr, &previous) == 0 && previous.sa_handler == SIG_IGN) continue;
    ::sigaction(signal, &action, nullptr);
  }
}

bool stop_requested() noexcept { return stop_flag.load(std::memory_order_relaxed) != 0; }

int stop_signal() noexcept {
  const int signal = stop_flag.load(std::memory_order_relaxed);
  return signal > 0 ? signal : 0;
}

void request_stop(int signal) noexcept {
  signals_seen.fetch_add(1, std::memory_order_relaxed);
  stop_flag.store(signal > 0 ? signal : -1, std::memory_order_relaxed);
}

void acknowledge_stop() noexcept { stop_flag.store(0, std::memory_order_relaxed); }

void reset_stop() noexcept {
  stop_flag.store(0, std::memory_order_relaxed);
  signals_seen.store(0, std::memory_order_relaxed);
}

std::string signal_name(int signal) {
  switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    case 0: return "a stop request";
    default: return fmt::format("signal {}", signal);
  }
}

void throw_if_stop_requested(const std::string& what) {
  if (!stop_requested()) return;
  const int signal = stop_signal();
  throw Interrupted(fmt::format("interrupted ({}) {}", signal_name(signal), what), signal);
}

int register_temp_file(const std::string& path) noexcept {
  if (path.size() >= kPathBytes) return -1;
  for (int i = 0; i < kSlots; ++i) {
    int expected = slot_free;
    if (!slots[i].state.compare_exchange_strong(expected, slot_busy, std::memory_order_acquire)) continue;
    std::memcpy(slots[i].path, path.c_str(), path.size() + 1);
    slots[i].state.store(slot_ready, std::memory_order_release);
    return i;
  }
  return -1;
}

void unregister_temp_file(int slot) noexcept {
  if (slot < 0 || slot >= kSlots) return;
  int expected = slot_ready;
  // Taken by the handler: it is unlinking the file and then ends the process.
  if (slots[slot].state.compare_exchange_strong(expected, slot_busy, std::memory_order_acquire))
    slots[slot].state.store(slot_free, std::memory_order_release);
}

int remove_registered_temp_files() noexcept {
  int removed = 0;
  for (Slot& slot : slots) {
    int expected = slot_ready;
    if (!slot.state.compare_exchange_strong(expected, slot_handler, std::memory_order_acquire)) continue;
    if (::unlink(slot.path) == 0) ++removed;
    slot.state.store(slot_free, std::memory_order_release);
  }
  return removed;
}

}  // namespace journeysim::runtime

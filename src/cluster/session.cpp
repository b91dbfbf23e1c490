// MPI for a process started as one of several (journeysim/cluster.hpp), and
// the sweep's point exchange over it. Without MPI compiled in, a process that
// is one of several refuses to run rather than repeat the others' work.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <limits>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <oneapi/tbb/info.h>

#include "journeysim/cluster.hpp"
#include "journeysim/errors.hpp"

#if JOURNEYSIM_HAVE_MPI
#define OMPI_SKIP_MPICXX 1  // the C API only
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace journeysim::cluster {

#if JOURNEYSIM_HAVE_MPI

namespace {

constexpr int kTagBegin = 1;
constexpr int kTagHandIn = 2;  // a worker's finished point (or nothing) and its request for the next
constexpr int kTagAssign = 3;
constexpr std::uint64_t kNoMorePoints = std::numeric_limits<std::uint64_t>::max();

void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(fmt::format("MPI failed in {}: {}", what, std::string(text, static_cast<std::size_t>(length))));
}

// Rank 0 coordinates: its main thread runs points like the others and
// records every point; a dispatcher thread answers the other ranks (hands
// out the next point, takes in finished ones), so a rank never waits for
// rank 0 to finish a point. Only the dispatcher calls MPI while points run
// (MPI_THREAD_SERIALIZED is enough).
class MpiPointExchange final : public PointExchange {
 public:
  MpiPointExchange(int rank, int size, std::atomic<bool>& in_flight)
      : rank_(rank), size_(size), in_flight_(in_flight), exceptions_before_(std::uncaught_exceptions()) {}

  ~MpiPointExchange() override {
    if (std::uncaught_exceptions() > exceptions_before_ && in_flight_) {
      // Failing while the others still run or wait: main says why, then
      // MPI_Abort ends every rank (the dispatcher may be blocked in MPI).
      if (dispatcher_.joinable()) dispatcher_.detach();
      return;
    }
    if (dispatcher_.joinable()) dispatcher_.join();
    in_flight_ = false;
  }

  bool coordinator() const override { return rank_ == 0; }
  std::size_t processes() const override { return static_cast<std::size_t>(size_); }

  void begin(const std::vector<std::size_t>& todo, bool run, std::size_t values_per_point) override {
    std::uint64_t header[2] = {run ? 1u : 0u, values_per_point};
    check(MPI_Bcast(header, 2, MPI_UINT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
    if (!run) return;
    in_flight_ = size_ > 1;
    todo_ = todo;
    values_per_point_ = values_per_point;
    if (size_ > 1) dispatcher_ = std::thread([this] { dispatch(); });
    else dispatcher_done_ = true;
  }

  std::optional<std::size_t> claim() override {
    const std::size_t next = cursor_.fetch_add(1);
    if (next >= todo_.size()) return std::nullopt;
    return todo_[next];
  }

  std::vector<FinishedPoint> take_finished(bool wait) override {
    std::unique_lock<std::mutex> lock(mutex_);
    if (wait) arrived_signal_.wait(lock, [this] { return !arrived_.empty() || dispatcher_done_; });
    if (dispatcher_error_) std::rethrow_exception(dispatcher_error_);
    std::vector<FinishedPoint> out;
    out.swap(arrived_);
    return out;
  }

  bool await_begin() override {
    std::uint64_t header[2] = {0, 0};
    check(MPI_Bcast(header, 2, MPI_UINT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
    values_per_point_ = header[1];
    in_flight_ = header[0] == 1;
    return header[0] == 1;
  }

  std::optional<std::size_t> next(const FinishedPoint* finished) override {
    buffer_.clear();
    if (finished != nullptr) {
      if (finished->values.size() != values_per_point_)
        throw InternalError("a finished point does not have the sweep's number of values");
      buffer_.push_back(static_cast<double>(finished->point));  // exact: points < 2^53
      buffer_.insert(buffer_.end(), finished->values.begin(), finished->values.end());
    }
    check(MPI_Send(buffer_.data(), static_cast<int>(buffer_.size()), MPI_DOUBLE, 0, kTagHandIn, MPI_COMM_WORLD),
          "MPI_Send");
    std::uint64_t assigned = kNoMorePoints;
    check(MPI_Recv(&assigned, 1, MPI_UINT64_T, 0, kTagAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
    if (assigned == kNoMorePoints) {
      in_flight_ = false;  // this rank's part is done
      return std::nullopt;
    }
    return static_cast<std::size_t>(assigned);
  }

 private:
  void dispatch() {
    try {
      int serving = size_ - 1;
      std::vector<double> message;
      while (serving > 0) {
        const MPI_Status status = wait_for_hand_in();
        int count = 0;
        check(MPI_Get_count(&status, MPI_DOUBLE, &count), "MPI_Get_count");
        message.resize(static_cast<std::size_t>(count));
        check(MPI_Recv(message.data(), count, MPI_DOUBLE, status.MPI_SOURCE, kTagHandIn, MPI_COMM_WORLD,
                       MPI_STATUS_IGNORE),
              "MPI_Recv");
        if (count > 0) {
          FinishedPoint point;
          point.point = static_cast<std::size_t>(message[0]);
          point.values.assign(message.begin() + 1, message.end());
          const std::lock_guard<std::mutex> lock(mutex_);
          arrived_.push_back(std::move(point));
          arrived_signal_.notify_one();
        }
        const std::optional<std::size_t> next = claim();
        const std::uint64_t assigned = next ? static_cast<std::uint64_t>(*next) : kNoMorePoints;
        check(MPI_Send(&assigned, 1, MPI_UINT64_T, status.MPI_SOURCE, kTagAssign, MPI_COMM_WORLD), "MPI_Send");
        if (!next) --serving;
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex_);
      dispatcher_error_ = std::current_exception();
    }
    const std::lock_guard<std::mutex> lock(mutex_);
    dispatcher_done_ = true;
    arrived_signal_.notify_all();
  }

  // MPI_Probe would spin on a core that rank 0's own points need (Open MPI
  // busy-polls); a poll that backs off to 2 ms costs a point at most that.
  static MPI_Status wait_for_hand_in() {
    auto pause = std::chrono::microseconds(20);
    while (true) {
      MPI_Status status;
      int arrived = 0;
      check(MPI_Iprobe(MPI_ANY_SOURCE, kTagHandIn, MPI_COMM_WORLD, &arrived, &status), "MPI_Iprobe");
      if (arrived != 0) return status;
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::microseconds(2000));
    }
  }

  int rank_;
  int size_;
  std::vector<std::size_t> todo_;
  std::atomic<std::size_t> cursor_{0};
  std::atomic<bool>& in_flight_;
  int exceptions_before_;
  std::size_t values_per_point_ = 0;
  std::vector<double> buffer_;
  std::thread dispatcher_;
  std::mutex mutex_;
  std::condition_variable arrived_signal_;
  std::vector<FinishedPoint> arrived_;
  bool dispatcher_done_ = false;
  std::exception_ptr dispatcher_error_;
};

// One market split across the ranks of MPI_COMM_WORLD. Only the main
// thread calls it, between steps (MPI_THREAD_SERIALIZED is enough).
class MpiMarketPartition final : public MarketPartition {
 public:
  MpiMarketPartition(int rank, int size, std::atomic<bool>& in_flight)
      : rank_(static_cast<std::uint32_t>(rank)), size_(static_cast<std::uint32_t>(size)), in_flight_(in_flight),
        report_traffic_(asked_for_traffic()) {}
  ~MpiMarketPartition() override {
    if (std::uncaught_exceptions() != 0) return;
    in_flight_ = false;
    if (report_traffic_ && rank_ == 0) {
      try {
        std::cerr << traffic_report();
      } catch (...) {  // out of memory for a report nobody's results need
      }
    }
  }

  std::uint32_t rank() const override { return rank_; }
  std::uint32_t ranks() const override { return size_; }

  void sum(std::span<std::uint64_t> values) override {
    ++sums_by_bytes_[values.size_bytes()];
    constexpr std::size_t chunk = std::size_t{1} << 30;  // MPI counts are ints
    for (std::size_t first = 0; first < values.size(); first += chunk) {
      const std::size_t count = std::min(chunk, values.size() - first);
      check(MPI_Allreduce(MPI_IN_PLACE, values.data() + first, static_cast<int>(count), MPI_UINT64_T, MPI_SUM,
                          MPI_COMM_WORLD),
            "MPI_Allreduce");
    }
  }

  std::vector<std::vector<std::byte>> gather(std::span<const std::byte> bytes) override {
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max() / static_cast<int>(size_)))
      throw std::runtime_error(fmt::format("{} bytes to share from one rank: too many for one MPI_Allgatherv",
                                           bytes.size()));
    const int mine = static_cast<int>(bytes.size());
    std::vector<int> counts(size_), offsets(size_);
    check(MPI_Allgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather");
    long long total = 0;
    for (std::uint32_t r = 0; r < size_; ++r) {
      offsets[r] = static_cast<int>(total);
      total += counts[r];
      if (total > std::numeric_limits<int>::max())
        throw std::runtime_error("more bytes to share than one MPI_Allgatherv can carry");
    }
    ++gathers_by_bytes_[bytes.size()];
    gathered_bytes_ += static_cast<std::size_t>(total);
    std::vector<std::byte> all(static_cast<std::size_t>(total));
    check(MPI_Allgatherv(bytes.data(), mine, MPI_BYTE, all.data(), counts.data(), offsets.data(), MPI_BYTE,
                         MPI_COMM_WORLD),
          "MPI_Allgatherv");
    std::vector<std::vector<std::byte>> by_rank(size_);
    for (std::uint32_t r = 0; r < size_; ++r)
      by_rank[r].assign(all.begin() + offsets[r], all.begin() + offsets[r] + counts[r]);
    return by_rank;
  }

  void set_in_flight(bool in_flight) override { in_flight_ = in_flight; }

 private:
  // What this rank sent (and, gathering, received), by the size of each
  // collective's contribution: the per-step exchange and the end of each
  // replication, for the communication figures in tools/bench/RESULTS.md.
  static bool asked_for_traffic() {
    const char* value = std::getenv("JOURNEYSIM_MPI_STATS");
    return value != nullptr && *value != '\0' && std::string_view(value) != "0";
  }
  std::string traffic_report() const {
    struct Kind {
      std::string sizes;
      std::size_t bytes = 0, calls = 0;
    };
    const auto describe = [](const std::map<std::size_t, std::size_t>& by_bytes) {
      Kind kind;
      for (const auto& [bytes, calls] : by_bytes) {
        kind.sizes += fmt::format("{}{} × {} B", kind.sizes.empty() ? "" : ", ", calls, bytes);
        kind.bytes += calls * bytes;
        kind.calls += calls;
      }
      if (kind.sizes.empty()) kind.sizes = "none";
      return kind;
    };
    const Kind sums = describe(sums_by_bytes_), gathers = describe(gathers_by_bytes_);
    return fmt::format(
        "journeysim: MPI traffic of rank {} of {} (JOURNEYSIM_MPI_STATS): {} collectives\n"
        "  sums (MPI_Allreduce):      {}; {} B in all\n"
        "  gathers (MPI_Allgatherv):  {}; {} B sent, {} B received (each after an MPI_Allgather of its 4-byte size)\n",
        rank_, size_, sums.calls + 2 * gathers.calls,  // a gather shares its size, then its bytes
        sums.sizes, sums.bytes, gathers.sizes, gathers.bytes, gathered_bytes_);
  }

  std::uint32_t rank_;
  std::uint32_t size_;
  std::atomic<bool>& in_flight_;
  bool report_traffic_;
  std::map<std::size_t, std::size_t> sums_by_bytes_;     // contribution's bytes → collectives
  std::map<std::size_t, std::size_t> gathers_by_bytes_;
  std::size_t gathered_bytes_ = 0;
};

}  // namespace

bool mpi_compiled() { return true; }

Session::Session() : launch_(detect_launch()) {
  if (!distributed()) return;
  int provided = 0;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread");
  initialised_ = true;
  if (provided < MPI_THREAD_SERIALIZED)
    throw std::runtime_error("this MPI library cannot be called from a thread other than main (MPI_THREAD_SERIALIZED)");
  // MPI's own view is authoritative; the launcher's variables only said to initialise it.
  check(MPI_Comm_rank(MPI_COMM_WORLD, &launch_.rank), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &launch_.size), "MPI_Comm_size");
}

Session::~Session() {
  if (initialised_) MPI_Finalize();
}

std::unique_ptr<PointExchange> Session::point_exchange() {
  if (!initialised_) throw InternalError("a point exchange needs MPI initialised (a distributed session)");
  return std::make_unique<MpiPointExchange>(launch_.rank, launch_.size, work_in_flight_);
}

std::unique_ptr<MarketPartition> Session::market_partition() {
  if (!initialised_) throw InternalError("a market partition needs MPI initialised (a distributed session)");
  return std::make_unique<MpiMarketPartition>(launch_.rank, launch_.size, work_in_flight_);
}

void Session::abort(int exit_code) {
  if (initialised_) MPI_Abort(MPI_COMM_WORLD, exit_code);
  std::exit(exit_code);
}

#else  // without MPI

bool mpi_compiled() { return false; }

Session::Session() : launch_(detect_launch()) {
  if (!distributed()) return;
  throw InputError(fmt::format(
      "{} started {} processes, but this journeysim was built without MPI: each would run the same work and "
      "write the same files. Run one process, or rebuild with MPI (tools/setup.sh installs libopenmpi-dev)",
      launch_.launcher, launch_.size));
}

Session::~Session() = default;

std::unique_ptr<PointExchange> Session::point_exchange() {
  throw InternalError("a point exchange needs MPI, and this build has none");
}

std::unique_ptr<MarketPartition> Session::market_partition() {
  throw InternalError("a market partition needs MPI, and this build has none");
}

void Session::abort(int exit_code) { std::exit(exit_code); }

#endif

unsigned Session::default_threads() const {
  const int hardware = oneapi::tbb::info::default_concurrency();
  return static_cast<unsigned>(std::max(1, hardware / std::max(1, launch_.local_size)));
}

}  // namespace journeysim::cluster
